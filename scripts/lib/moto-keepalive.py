"""The moto server's own WSGI app under waitress, which keeps HTTP/1.1
connections alive as AWS endpoints do. (moto_server's werkzeug answers every
request with `Connection: close`, so each SDK call would pay for a new TCP
connection and a benchmark would measure connection set-up, not the app.)

Usage: moto-keepalive.py -H HOST -p PORT (as moto_server). Used by scripts/bench
and scripts/bench-peers."""
import argparse
import collections
import json
import threading

import moto_env  # noqa: F401 (this project's moto settings)
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from waitress import serve

parser = argparse.ArgumentParser()
parser.add_argument("-H", "--host", default="127.0.0.1")
parser.add_argument("-p", "--port", type=int, required=True)
args = parser.parse_args()

# DynamoDB calls by operation, since the emulator started: GET /_bench/calls
# answers them as JSON (for scripts/bench-peers, whose peers count nothing).
calls = collections.Counter()
calls_lock = threading.Lock()
moto = DomainDispatcherApplication(create_backend_app)


def counting(environ, start_response):
    if environ.get("PATH_INFO") == "/_bench/calls":
        with calls_lock:
            body = json.dumps(calls).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target.startswith("DynamoDB_"):
        with calls_lock:
            calls[target.split(".", 1)[-1]] += 1
    return moto(environ, start_response)


serve(
    counting,
    host=args.host,
    port=args.port,
    threads=8,
    # Send the status line, headers and body in one write, as AWS endpoints do
    # for a small answer. With waitress's default (1) they go out as two
    # segments, and the client wakes up twice per call.
    send_bytes=65536,
    _quiet=True,
)
