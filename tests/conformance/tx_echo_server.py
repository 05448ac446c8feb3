"""Echo server for ``wstest -m fuzzingclient``, on wamp_twisted, written as an Autobahn user
would write it (Autobahn|Testsuite's testee server: echo every message, accept every
permessage-deflate offer with all its parameters, no auto-fragmentation).

    python tx_echo_server.py [PORT]      (default 0: a free port chosen by the OS)

Listens on 127.0.0.1 only and prints ``LISTENING <port>`` once it accepts connections, then
serves until killed.
"""

from __future__ import annotations

import sys

from twisted.internet import reactor
from wamp_twisted.websocket import WebSocketServerFactory, WebSocketServerProtocol, listenWS
from wamp_websocket.compress import PerMessageDeflateOffer, PerMessageDeflateOfferAccept

MAX_PAYLOAD = 64 * 2**20  # section 9 sends messages and frames of up to 16 MiB


class EchoServerProtocol(WebSocketServerProtocol):
    def onMessage(self, payload, isBinary):
        self.sendMessage(payload, isBinary)


def accept(offers):
    """Accept the first permessage-deflate offer as made (every parameter it asks for)."""
    for offer in offers:
        if isinstance(offer, PerMessageDeflateOffer):
            return PerMessageDeflateOfferAccept(offer)
    return None


def make_factory(url):
    factory = WebSocketServerFactory(url)
    factory.protocol = EchoServerProtocol
    factory.setProtocolOptions(
        perMessageCompressionAccept=accept,
        autoFragmentSize=0,
        maxFramePayloadSize=MAX_PAYLOAD,
        maxMessagePayloadSize=MAX_PAYLOAD,
    )
    return factory


def main(port):
    listening = listenWS(make_factory(f"ws://127.0.0.1:{port}"), interface="127.0.0.1")
    print("LISTENING", listening.getHost().port, flush=True)
    reactor.run()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
