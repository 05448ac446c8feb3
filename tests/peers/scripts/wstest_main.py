"""Run Autobahn|Testsuite's wstest (Python 2.7; keep this file 2.7-compatible) with its
listening sockets bound to 127.0.0.1 only.

wstest's fuzzingserver listens on every interface. This wrapper makes it bind 127.0.0.1 and
print ``WSTEST-LISTENING <port>`` once it listens, so a spec URL with port 0 works without a
free-port race. The arguments are wstest's own (``-m fuzzingserver -s spec.json -u 0``).
"""

import sys

import autobahntestsuite.fuzzing as fuzzing
from autobahn.twisted import websocket
from autobahntestsuite.wstest import run

_listen = websocket.listenWS


def listen_loopback(factory, contextFactory=None, backlog=50, interface=""):
    port = _listen(factory, contextFactory, backlog, "127.0.0.1")
    sys.stdout.write("WSTEST-LISTENING " + str(port.getHost().port) + "\n")
    sys.stdout.flush()
    return port


fuzzing.listenWS = listen_loopback

if __name__ == "__main__":
    sys.exit(run())
