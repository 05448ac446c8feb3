"""asyncio sets TCP_NODELAY on every TCP transport; Autobahn's ``tcpNoDelay=False`` clears it."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

from wamp_asyncio.websocket import (
    WebSocketClientFactory,
    WebSocketClientProtocol,
    WebSocketServerFactory,
    WebSocketServerProtocol,
)


def nodelay(proto: Any) -> int:
    sock = proto.transport.get_extra_info("socket")
    return int(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))


def test_websocket_tcp_nodelay_follows_the_option() -> None:
    async def main() -> None:
        opened: list[Any] = []

        class Server(WebSocketServerProtocol):
            def onOpen(self) -> None:
                opened.append(self)

        server = WebSocketServerFactory()
        server.protocol = Server
        server.setProtocolOptions(tcpNoDelay=False)
        listener = await asyncio.get_running_loop().create_server(server, "127.0.0.1", 0)
        port = listener.sockets[0].getsockname()[1]
        client = WebSocketClientFactory(f"ws://127.0.0.1:{port}")
        client.protocol = WebSocketClientProtocol
        _, proto = await asyncio.get_running_loop().create_connection(client, "127.0.0.1", port)
        await asyncio.wait_for(proto.is_open, 5)
        for _ in range(100):
            if opened:
                break
            await asyncio.sleep(0.01)
        assert nodelay(proto) == 1  # asyncio's default
        assert nodelay(opened[0]) == 0  # tcpNoDelay=False
        proto.dropConnection()
        listener.close()
        await listener.wait_closed()

    asyncio.run(asyncio.wait_for(main(), 10))
