"""TCP_NODELAY on Twisted connections, as asyncio sets it and as Autobahn's ``tcpNoDelay``
option (default on) asks: without it a second small write waits for the peer's ACK."""

from __future__ import annotations

import socket
from typing import Any

from twisted.internet.defer import Deferred
from twisted.internet.endpoints import TCP4ClientEndpoint
from tx_helpers import reactor, run, serving, until, wait
from wamp_twisted.rawsocket import (
    RawSocketClientFactory,
    RawSocketClientProtocol,
    RawSocketServerFactory,
    RawSocketServerProtocol,
)
from wamp_twisted.websocket import (
    WebSocketClientFactory,
    WebSocketClientProtocol,
    WebSocketServerFactory,
    WebSocketServerProtocol,
)


def nodelay(proto: Any) -> int:
    sock = proto.transport.getHandle()
    return int(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))


def connect(factory: Any, port: int) -> Deferred[Any]:
    return TCP4ClientEndpoint(reactor, "127.0.0.1", port, 5).connect(factory)


class _Kept:
    def onOpen(self) -> None:
        self.factory.opened.append(self)


class RsServer(_Kept, RawSocketServerProtocol):
    pass


class WsServer(_Kept, WebSocketServerProtocol):
    pass


def test_rawsocket_connections_set_tcp_nodelay_on_both_sides() -> None:
    async def main() -> None:
        server = RawSocketServerFactory()
        server.protocol = RsServer
        server.opened = []
        async with serving(server) as port:
            client = RawSocketClientFactory()
            client.protocol = RawSocketClientProtocol
            proto = await wait(connect(client, port))
            await until(lambda: bool(server.opened))
            assert nodelay(proto) == 1
            assert nodelay(server.opened[0]) == 1
            proto.dropConnection()

    run(main())


def test_websocket_tcp_nodelay_follows_the_option() -> None:
    async def main() -> None:
        server = WebSocketServerFactory()
        server.protocol = WsServer
        server.opened = []
        server.setProtocolOptions(tcpNoDelay=False)
        async with serving(server) as port:
            client = WebSocketClientFactory(f"ws://127.0.0.1:{port}")
            client.protocol = WebSocketClientProtocol
            proto = await wait(connect(client, port))
            await until(lambda: bool(server.opened))
            assert nodelay(proto) == 1  # the default
            assert nodelay(server.opened[0]) == 0  # tcpNoDelay=False
            proto.dropConnection()

    run(main())
