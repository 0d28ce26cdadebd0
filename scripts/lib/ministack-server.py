"""ministack, as the scripts and the tests start it, with room for 1024
connections waiting to be accepted instead of Hypercorn's 100.

The tests of the session store open 300 requests at once on one session;
beyond the listen queue the kernel drops a connection, whose SYN is sent
again after 1 s, past the store's connect timeout (see moto-server.py).
DynamoDB's endpoints take any number of connections.

Usage: ministack-server.py (configured by its environment, as ministack)."""
import sys

from hypercorn.config import Config

Config.backlog = 1024

from ministack.app import main  # noqa: E402 (after the queue is set)

sys.exit(main())
