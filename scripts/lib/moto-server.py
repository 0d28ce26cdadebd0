"""moto_server, as the scripts and the tests start it, with room for 1024
connections waiting to be accepted instead of werkzeug's 128.

moto answers every request with `Connection: close`, so each call of the
SDK opens a connection. With more than 128 calls at once (the tests of the
session store run 300 requests at once on one session), the kernel dropped
the connections beyond werkzeug's listen queue, and their SYN was sent
again after 1 s, when the store's connect timeout had already failed the
call. DynamoDB's endpoints take any number of connections.

Usage: moto-server.py [moto_server's arguments]."""
import sys

import moto_env  # noqa: F401 (this project's moto settings)
import werkzeug.serving

werkzeug.serving.BaseWSGIServer.request_queue_size = 1024

from moto.server import main  # noqa: E402 (after the queue is set)

sys.exit(main())
