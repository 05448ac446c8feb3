"""Test client for ``wstest -m fuzzingserver``, on wamp_asyncio, written as an Autobahn user
would write it (Autobahn|Testsuite's testee client): ask ``/getCaseCount``, run every case
through ``/runCase?case=N&agent=AGENT`` echoing each message, then ``/updateReports``.
permessage-deflate is offered and every answer to the offer is accepted; no
auto-fragmentation.

    python aio_fuzz_client.py BASE_URL AGENT [CASE_TIMEOUT]

The last stdout line is ``PEER-RESULT {"cases": N}``.
"""

from __future__ import annotations

import asyncio
import json
import sys

from wamp_asyncio.websocket import WebSocketClientFactory, WebSocketClientProtocol
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

    def connection_lost(self, exc):
        # move on when the TCP connection is gone: wstest records a case when its side of
        # the connection closes, which may come after onClose (a client waits for the
        # server to close TCP after the closing handshake)
        super().connection_lost(exc)
        if not self.factory.closed.done():
            self.factory.closed.set_result(None)


def accept(response):
    """Accept whatever the server answered to our offer."""
    if isinstance(response, PerMessageDeflateResponse):
        return PerMessageDeflateResponseAccept(response)
    return None


async def session(url, echo, timeout):
    """One WebSocket connection to ``url`` until it closes; returns the messages received."""
    loop = asyncio.get_running_loop()
    factory = WebSocketClientFactory(url)
    factory.protocol = FuzzClientProtocol
    factory.setProtocolOptions(
        perMessageCompressionOffers=[PerMessageDeflateOffer()],
        perMessageCompressionAccept=accept,
        autoFragmentSize=0,
        maxFramePayloadSize=MAX_PAYLOAD,
        maxMessagePayloadSize=MAX_PAYLOAD,
    )
    factory.echo, factory.received, factory.closed = echo, [], loop.create_future()
    transport, _ = await loop.create_connection(factory, factory.host, factory.port)
    try:
        await asyncio.wait_for(factory.closed, timeout)
    finally:
        transport.close()
    return factory.received


async def main(base, agent, timeout):
    count = int((await session(base + "/getCaseCount", False, timeout))[0])
    for case in range(1, count + 1):
        await session(f"{base}/runCase?case={case}&agent={agent}", True, timeout)
    await session(f"{base}/updateReports?agent={agent}", False, timeout)
    return {"cases": count}


if __name__ == "__main__":
    args = sys.argv[1:]
    result = asyncio.run(main(args[0], args[1], float(args[2]) if len(args) > 2 else 60.0))
    print("PEER-RESULT " + json.dumps(result), flush=True)
