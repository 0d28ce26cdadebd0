"""A DynamoDB stand-in for scripts/bench-load: it answers as fast as, and with
the latency of, DynamoDB itself, which the emulator cannot (it serves a few
hundred calls a second).

It forwards every call to the emulator until it gets SIGUSR1. From then on it
records the first successful answer to each operation (X-Amz-Target), and
answers every later call to that operation with the recording, after DELAY_MS.
So it suits a benchmark that drives one session, armed once that session is
logged in: each GetItem returns that session as the emulator stored it, and
each UpdateItem succeeds as the recorded one did. Anything else (a second
session, a write that should fail its condition) it would answer wrongly.

Usage: dynamodb-replay.py EMULATOR_PORT DELAY_MS. It listens on a free port of
127.0.0.1 and prints that port once it accepts calls."""

import asyncio
import ctypes
import signal
import sys

PR_SET_PDEATHSIG = 1
REPLAYED = (b"DynamoDB_20120810.GetItem", b"DynamoDB_20120810.UpdateItem")

emulator_port, delay = int(sys.argv[1]), float(sys.argv[2]) / 1000
armed = False
recorded = {}


async def read_message(reader):
    """One HTTP/1.1 request or response: (head, body, X-Amz-Target)."""
    head = await reader.readuntil(b"\r\n\r\n")
    length, target = None, b""
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"x-amz-target":
            target = value.strip()
        elif name == b"transfer-encoding":
            sys.exit("dynamodb-replay: chunked messages are not supported")
    body = await reader.readexactly(length) if length else b""
    return head, body, target


async def forward(emulator, request):
    reader, writer = emulator
    writer.write(request)
    await writer.drain()
    head, body, _ = await read_message(reader)
    return head + body


async def serve(reader, writer):
    emulator = None
    try:
        while True:
            head, body, target = await read_message(reader)
            answer = recorded.get(target)
            if answer is None:
                if emulator is None:
                    emulator = await asyncio.open_connection("127.0.0.1", emulator_port)
                answer = await forward(emulator, head + body)
                if armed and target in REPLAYED and answer.startswith(b"HTTP/1.1 200"):
                    recorded[target] = answer
            elif delay:
                await asyncio.sleep(delay)
            writer.write(answer)
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()
        if emulator is not None:
            emulator[1].close()


def arm():
    global armed
    armed = True


async def main():
    # Ends with the script that started it, however that one ends.
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, arm)
    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
