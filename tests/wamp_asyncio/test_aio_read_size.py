"""Every asyncio protocol of ours reads at most 64 KiB per recv() (asyncio's default of
256 KiB costs a fresh memory mapping per read) and still takes larger messages whole."""

from __future__ import annotations

import asyncio

from aio_helpers import StubTransport, run, serving, until, wait
from wamp_asyncio._engine import READ_SIZE
from wamp_asyncio.websocket import (
    WebSocketClientFactory,
    WebSocketClientProtocol,
    WebSocketServerFactory,
    WebSocketServerProtocol,
)


class Echo(WebSocketServerProtocol):
    def onOpen(self) -> None:
        self.factory.served.append(self)

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        self.sendMessage(payload, isBinary)


class Client(WebSocketClientProtocol):
    def onOpen(self) -> None:
        self.factory.opened.set_result(self)

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        self.factory.received.append(payload)


def test_websocket_server_and_client_read_64_kib_and_echo_larger_messages() -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = WebSocketServerFactory()
        server.protocol, server.served = Echo, []
        async with serving(server) as port:
            factory = WebSocketClientFactory(f"ws://127.0.0.1:{port}/")
            factory.protocol, factory.received = Client, []
            factory.opened = loop.create_future()
            await loop.create_connection(factory, "127.0.0.1", port)
            client = await wait(factory.opened)
            big = bytes(range(256)) * 1200  # 300 kB: several reads each way
            client.sendMessage(big, True)
            await until(lambda: len(factory.received) == 1)
            assert factory.received == [big]
            sizes = {client.transport.max_size, server.served[0].transport.max_size}
            assert sizes == {READ_SIZE} and READ_SIZE == 65536
            client.sendClose(1000)

    run(main())


def test_a_transport_without_max_size_is_left_alone() -> None:
    async def main() -> None:
        server = WebSocketServerFactory()
        server.protocol = Echo
        proto = server()
        transport = StubTransport()
        proto.connection_made(transport)
        assert not hasattr(transport, "max_size")
        proto.connection_lost(None)

    run(main())
