"""moto_server with HTTP/1.1 keep-alive, as real AWS endpoints have.

The stock server answers every request with `Connection: close`, so each SDK
call pays for a new TCP connection; a benchmark on it measures connection
set-up rather than the app. Same arguments as moto_server."""
from moto.moto_server.werkzeug_app import MotoRequestHandler
from moto.server import main

MotoRequestHandler.protocol_version = "HTTP/1.1"
main()
