"""Autobahn|Python (asyncio) testee client for ``wstest -m fuzzingserver``; runs in the
Autobahn venv.

    python ab_fuzz_client.py BASE_URL AGENT [CASE_TIMEOUT]

Asks ``BASE_URL/getCaseCount``, runs every case (echoing each message back), then asks for
``BASE_URL/updateReports?agent=AGENT``. The last stdout line is ``PEER-RESULT {"cases": N}``.
"""

import asyncio
import json
import sys

from autobahn.asyncio.websocket import WebSocketClientFactory, WebSocketClientProtocol
from autobahn.websocket.util import parse_url


class Testee(WebSocketClientProtocol):
    def onMessage(self, payload, isBinary):
        if self.factory.echo:
            self.sendMessage(payload, isBinary)
        else:
            self.factory.received.append(payload)

    def onClose(self, wasClean, code, reason):
        if not self.factory.closed.done():
            self.factory.closed.set_result(code)


async def session(url, echo, timeout):
    """One WebSocket connection to ``url``, until it closes; returns the text received."""
    loop = asyncio.get_running_loop()
    factory = WebSocketClientFactory(url)
    factory.protocol = Testee
    factory.echo, factory.received, factory.closed = echo, [], loop.create_future()
    _, host, port = parse_url(url)[:3]
    transport, _ = await loop.create_connection(factory, host, port)
    try:
        await asyncio.wait_for(factory.closed, timeout)
    finally:
        transport.close()
    return [p.decode("utf8") for p in factory.received]


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
