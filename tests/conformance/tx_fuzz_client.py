"""Test client for ``wstest -m fuzzingserver``, on wamp_twisted, written as an Autobahn user
would write it (Autobahn|Testsuite's testee client): ask ``/getCaseCount``, run every case
through ``/runCase?case=N&agent=AGENT`` echoing each message, then ``/updateReports``.
permessage-deflate is offered and every answer to the offer is accepted; no
auto-fragmentation.

    python tx_fuzz_client.py BASE_URL AGENT [CASE_TIMEOUT]

The last stdout line is ``PEER-RESULT {"cases": N}``.
"""

from __future__ import annotations

import json
import sys

from twisted.internet import defer, task
from wamp_twisted.websocket import WebSocketClientFactory, WebSocketClientProtocol, connectWS
from wamp_websocket.compress import (
    PerMessageDeflateOffer,
    PerMessageDeflateResponse,
    PerMessageDeflateResponseAccept,
)

MAX_PAYLOAD = 64 * 2**20  # section 9 sends messages and frames of up to 16 MiB


class FuzzClientProtocol(WebSocketClientProtocol):
    def onMessage(self, payload, isBinary):
        if self.factory.echo:
            self.sendMessage(payload, isBinary)
        else:
            self.factory.received.append(payload)


class FuzzClientFactory(WebSocketClientFactory):
    """Moves on when the TCP connection is gone, as Autobahn's testee client does: wstest
    records a case when its side of the connection closes, which may come after ``onClose``
    (a client waits for the server to close TCP after the closing handshake)."""

    protocol = FuzzClientProtocol

    def clientConnectionLost(self, connector, reason):
        if not self.closed.called:
            self.closed.callback(None)

    def clientConnectionFailed(self, connector, reason):
        if not self.closed.called:
            self.closed.errback(reason)


def accept(response):
    """Accept whatever the server answered to our offer."""
    if isinstance(response, PerMessageDeflateResponse):
        return PerMessageDeflateResponseAccept(response)
    return None


@defer.inlineCallbacks
def session(reactor, url, echo, timeout):
    """One WebSocket connection to ``url`` until it closes; returns the messages received."""
    factory = FuzzClientFactory(url)
    factory.setProtocolOptions(
        perMessageCompressionOffers=[PerMessageDeflateOffer()],
        perMessageCompressionAccept=accept,
        autoFragmentSize=0,
        maxFramePayloadSize=MAX_PAYLOAD,
        maxMessagePayloadSize=MAX_PAYLOAD,
    )
    factory.echo, factory.received, factory.closed = echo, [], defer.Deferred()
    factory.closed.addTimeout(timeout, reactor)
    connector = connectWS(factory)
    try:
        yield factory.closed
    finally:
        connector.disconnect()
    return factory.received


@defer.inlineCallbacks
def main(reactor, base, agent, timeout):
    count = int((yield session(reactor, base + "/getCaseCount", False, timeout))[0])
    for case in range(1, count + 1):
        yield session(reactor, f"{base}/runCase?case={case}&agent={agent}", True, timeout)
    yield session(reactor, f"{base}/updateReports?agent={agent}", False, timeout)
    print("PEER-RESULT " + json.dumps({"cases": count}), flush=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    task.react(main, (args[0], args[1], float(args[2]) if len(args) > 2 else 60.0))
