"""Autobahn|Python (asyncio) WebSocket echo server on 127.0.0.1; runs in the Autobahn venv.

    python ab_echo_server.py [PORT]      (default 0: any free port)

Prints ``LISTENING <port>`` once it accepts connections, then serves until killed.
"""

import asyncio
import sys

from autobahn.asyncio.websocket import WebSocketServerFactory, WebSocketServerProtocol


class Echo(WebSocketServerProtocol):
    def onMessage(self, payload, isBinary):
        self.sendMessage(payload, isBinary)


async def main(port):
    factory = WebSocketServerFactory()
    factory.protocol = Echo
    server = await asyncio.get_running_loop().create_server(factory, "127.0.0.1", port)
    print("LISTENING", server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 0))
