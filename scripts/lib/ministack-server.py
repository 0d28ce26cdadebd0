"""ministack, as the scripts and the tests start it:

- with room for 1024 connections waiting to be accepted instead of
  Hypercorn's 100. The tests of the session store open 300 requests at once
  on one session; beyond the listen queue the kernel drops a connection,
  whose SYN is sent again after 1 s, past the store's connect timeout (see
  moto-server.py). DynamoDB's endpoints take any number of connections.
- counting DynamoDB calls by operation: GET /_bench/calls answers them as
  JSON (for scripts/bench-peers, whose peers count nothing), as
  moto-keepalive.py does for moto.

Usage: ministack-server.py (configured by its environment, as ministack)."""
import collections
import json
import sys

from hypercorn.config import Config

Config.backlog = 1024

import ministack.app  # noqa: E402 (after the queue is set)

calls = collections.Counter()
served = ministack.app.app


async def counting(scope, receive, send):
    if scope["type"] == "http" and scope["path"] == "/_bench/calls":
        body = json.dumps(calls).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})
        return
    if scope["type"] == "http":
        for name, value in scope["headers"]:
            if name == b"x-amz-target" and value.startswith(b"DynamoDB_"):
                calls[value.split(b".", 1)[-1].decode()] += 1
    await served(scope, receive, send)


# main() serves the module's `app`, looked up when it starts.
ministack.app.app = counting
sys.exit(ministack.app.main())
