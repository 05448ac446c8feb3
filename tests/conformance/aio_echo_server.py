"""Echo server for ``wstest -m fuzzingclient``, on wamp_asyncio, written as an Autobahn user
would write it (Autobahn|Testsuite's testee server: echo every message, accept every
permessage-deflate offer with all its parameters, no auto-fragmentation).

    python aio_echo_server.py [PORT]      (default 0: a free port chosen by the OS)

Listens on 127.0.0.1 only and prints ``LISTENING <port>`` once it accepts connections, then
serves until killed.
"""

from __future__ import annotations

import asyncio
import sys

from wamp_asyncio.websocket import WebSocketServerFactory, WebSocketServerProtocol
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


def make_factory(url=None):
    factory = WebSocketServerFactory(url)
    factory.protocol = EchoServerProtocol
    factory.setProtocolOptions(
        perMessageCompressionAccept=accept,
        autoFragmentSize=0,
        maxFramePayloadSize=MAX_PAYLOAD,
        maxMessagePayloadSize=MAX_PAYLOAD,
    )
    return factory


async def main(port):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(make_factory(), "127.0.0.1", port)
    print("LISTENING", server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 0))
