"""The WebSocket API on asyncio (Autobahn's callbacks and methods), on loopback sockets."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest
from aio_helpers import ConnectProxy, Tls, run, serving, until, wait
from wamp_asyncio.websocket import (
    ConnectingRequest,
    ConnectionDeny,
    WebSocketClientFactory,
    WebSocketClientProtocol,
    WebSocketServerFactory,
    WebSocketServerProtocol,
)
from wamp_websocket.exceptions import HandshakeError


class EchoServer(WebSocketServerProtocol):
    requests: list[Any] = []

    def onConnect(self, request: Any) -> Any:
        type(self).requests.append(request)
        if "chat" in request.protocols:
            return "chat", {"X-Answer": "42"}
        return None

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        self.sendMessage(payload, isBinary)


class Client(WebSocketClientProtocol):
    """Records what happens; sends ``factory.to_send`` on open."""

    def onConnect(self, response: Any) -> None:
        self.factory.response = response

    def onOpen(self) -> None:
        self.factory.opened.set_result(self)
        for payload, binary in self.factory.to_send:
            self.sendMessage(payload, binary)

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        self.factory.received.append((payload, isBinary))

    def onPong(self, payload: bytes) -> None:
        self.factory.pongs.append(payload)

    def onPing(self, payload: bytes) -> None:
        self.factory.pings.append(payload)

    def onClose(self, wasClean: bool, code: int | None, reason: str | None) -> None:
        if not self.factory.closed.done():
            self.factory.closed.set_result((wasClean, code, reason))


def client_factory(url: str, **kwargs: Any) -> WebSocketClientFactory:
    factory = WebSocketClientFactory(url, **kwargs)
    factory.protocol = Client
    loop = asyncio.get_running_loop()
    factory.opened, factory.closed = loop.create_future(), loop.create_future()
    factory.received, factory.pongs, factory.pings = [], [], []
    factory.to_send = []
    return factory


def server_factory(protocol: type = EchoServer, **kwargs: Any) -> WebSocketServerFactory:
    factory = WebSocketServerFactory(**kwargs)
    factory.protocol = protocol
    return factory


async def connect(factory: WebSocketClientFactory, port: int, **kwargs: Any) -> Any:
    loop = asyncio.get_running_loop()
    _, proto = await loop.create_connection(factory, "127.0.0.1", port, **kwargs)
    return proto


def test_echo_text_and_binary_with_subprotocol_and_headers() -> None:
    async def main() -> None:
        EchoServer.requests = []
        async with serving(server_factory()) as port:
            factory = client_factory(f"ws://127.0.0.1:{port}/echo?x=1&x=2", protocols=["chat"],
                                     headers={"X-Token": "t1"})
            factory.to_send = [(b"hello", False), (b"\x00\xff", True), (b"text", False)]
            proto = await connect(factory, port)
            await wait(factory.opened)
            await until(lambda: len(factory.received) == 3)
            assert factory.received == [(b"hello", False), (b"\x00\xff", True), (b"text", False)]
            assert factory.response.protocol == "chat"
            assert factory.response.headers["x-answer"] == "42"
            request = EchoServer.requests[0]
            assert (request.path, request.params) == ("/echo", {"x": ["1", "2"]})
            assert request.headers["x-token"] == "t1"
            assert request.protocols == ["chat"]
            assert proto.websocket_protocol_in_use == "chat"
            proto.sendClose(1000, "done")
            assert await wait(factory.closed) == (True, 1000, "")
            assert proto.state == proto.STATE_CLOSED

    run(main())


def test_connection_deny_gives_the_http_status_to_the_client() -> None:
    class Refusing(WebSocketServerProtocol):
        def onConnect(self, request: Any) -> Any:
            raise ConnectionDeny(ConnectionDeny.FORBIDDEN, "not you")

    async def main() -> None:
        async with serving(server_factory(Refusing)) as port:
            factory = client_factory(f"ws://127.0.0.1:{port}/")
            proto = await connect(factory, port)
            clean, code, _ = await wait(factory.closed)
            assert (clean, code) == (False, 1006)
            assert isinstance(proto.failure, HandshakeError)
            assert proto.failure.status == 403
            assert not factory.opened.done()

    run(main())


def test_async_on_connect_and_connecting_request() -> None:
    class Slow(EchoServer):
        async def onConnect(self, request: Any) -> Any:
            await asyncio.sleep(0.01)
            type(self).requests.append(request)
            return request.protocols[0]

    class Rewriting(Client):
        def onConnecting(self, transport_details: Any) -> ConnectingRequest:
            self.factory.details = transport_details
            return ConnectingRequest(host="example.com", port=8080, resource="/other",
                                     protocols=["p2"])

    async def main() -> None:
        Slow.requests = []
        async with serving(server_factory(Slow)) as port:
            factory = client_factory(f"ws://127.0.0.1:{port}/")
            factory.protocol = Rewriting
            factory.to_send = [(b"x", True)]
            await connect(factory, port)
            await until(lambda: factory.received == [(b"x", True)])
            assert factory.response.protocol == "p2"
            request = Slow.requests[0]
            assert (request.host, request.path) == ("example.com", "/other")
            assert request.headers["host"] == "example.com:8080"
            assert factory.details.peer == f"tcp4:127.0.0.1:{port}"
            assert factory.details.is_secure is False

    run(main())


def test_ping_pong_and_auto_ping() -> None:
    class Pinged(EchoServer):
        def onOpen(self) -> None:
            self.sendPing(b"from-server")

    async def main() -> None:
        server = server_factory(Pinged)
        server.setProtocolOptions(autoPingInterval=0.02, autoPingTimeout=2, autoPingSize=8)
        async with serving(server) as port:
            factory = client_factory(f"ws://127.0.0.1:{port}/")
            proto = await connect(factory, port)
            await wait(factory.opened)
            proto.sendPing(b"from-client")
            await until(lambda: factory.pongs == [b"from-client"])
            # the server's own ping, then at least one automatic 8-byte ping
            await until(lambda: len(factory.pings) >= 2)
            assert factory.pings[0] == b"from-server"
            assert len(factory.pings[1]) == 8

    run(main())


def test_frame_level_receive_and_streaming_send() -> None:
    class Frames(WebSocketServerProtocol):
        log: list[Any] = []

        def onMessageBegin(self, isBinary: bool) -> None:
            super().onMessageBegin(isBinary)
            type(self).log.append(("begin", isBinary))

        def onMessageFrameBegin(self, length: int) -> None:
            super().onMessageFrameBegin(length)
            type(self).log.append(("frame", length))

        def onMessage(self, payload: bytes, isBinary: bool) -> None:
            type(self).log.append(("message", payload))
            self.sendMessage(payload, isBinary)

    class Streaming(Client):
        def onOpen(self) -> None:
            self.beginMessage(isBinary=True)
            self.beginMessageFrame(6)
            assert self.sendMessageFrameData(b"abc") == 3
            assert self.sendMessageFrameData(b"def") == 0
            self.sendMessageFrame(b"ghi")
            self.endMessage()

    async def main() -> None:
        Frames.log = []
        async with serving(server_factory(Frames)) as port:
            factory = client_factory(f"ws://127.0.0.1:{port}/")
            factory.protocol = Streaming
            await connect(factory, port)
            await until(lambda: factory.received == [(b"abcdefghi", True)])
            assert Frames.log == [("begin", True), ("frame", 6), ("frame", 3), ("frame", 0),
                                  ("message", b"abcdefghi")]

    run(main())


def test_messages_sent_in_one_turn_leave_in_one_write() -> None:
    writes: list[int] = []

    class Burst(WebSocketServerProtocol):
        def onOpen(self) -> None:
            transport = self.transport
            original = transport.write

            def counting(data: bytes) -> None:
                writes.append(len(data))
                original(data)

            transport.write = counting
            for i in range(100):
                self.sendMessage(f"m{i}".encode())

    async def main() -> None:
        async with serving(server_factory(Burst)) as port:
            factory = client_factory(f"ws://127.0.0.1:{port}/")
            await connect(factory, port)
            await until(lambda: len(factory.received) == 100)
            assert len(writes) == 1
            assert [p for p, _ in factory.received] == [f"m{i}".encode() for i in range(100)]

    run(main())


def test_open_handshake_timeout_closes_a_silent_client() -> None:
    async def main() -> None:
        server = server_factory()
        server.setProtocolOptions(openHandshakeTimeout=0.05)
        async with serving(server) as port:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            assert await wait(reader.read()) == b""  # closed by the server, nothing sent
            writer.close()

    run(main())


def test_wss_and_unix_socket_and_proxy() -> None:
    tls = Tls()

    async def main() -> None:
        async with serving(server_factory(), tls.server) as port:
            factory = client_factory(f"wss://localhost:{port}/")
            factory.to_send = [(b"secure", False)]
            proto = await connect(factory, port, ssl=tls.client, server_hostname="localhost")
            await until(lambda: factory.received == [(b"secure", False)])
            assert proto._transport_details.is_secure
            assert len(proto._transport_details.channel_id["tls-unique"]) == 32

            proxy = await ConnectProxy().start()
            factory = client_factory(f"wss://localhost:{port}/",
                                     proxy={"host": "127.0.0.1", "port": proxy.port},
                                     ssl=tls.client)
            factory.to_send = [(b"tunnelled", True)]
            await connect(factory, proxy.port)
            await until(lambda: factory.received == [(b"tunnelled", True)])
            assert proxy.tunnels == [f"localhost:{port}"]
            await proxy.close()

    async def unix(path: str) -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_unix_server(server_factory(), path)
        factory = client_factory("ws://localhost/")
        factory.to_send = [(b"over unix", False)]
        _, proto = await loop.create_unix_connection(factory, path)
        await until(lambda: factory.received == [(b"over unix", False)])
        assert proto.peer.startswith("unix:")
        server.close()

    run(main())
    if hasattr(socket, "AF_UNIX"):
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            run(unix(f"{tmp}/ws.sock"))


@pytest.mark.parametrize("code", [1001, 2999, 5000])
def test_send_close_refuses_codes_autobahn_refuses(code: int) -> None:
    with pytest.raises(ValueError):
        WebSocketClientProtocol().sendClose(code)


def test_drop_connection_in_a_callback_sends_what_was_sent_before() -> None:
    class Goodbye(WebSocketServerProtocol):
        def onMessage(self, payload: bytes, isBinary: bool) -> None:
            self.sendMessage(b"last words")
            self.dropConnection()

    async def main() -> None:
        async with serving(server_factory(Goodbye)) as port:
            factory = client_factory(f"ws://127.0.0.1:{port}/")
            factory.to_send = [(b"hi", False)]
            await connect(factory, port)
            clean, code, _ = await wait(factory.closed)
            assert factory.received == [(b"last words", False)]
            assert (clean, code) == (False, 1006)

    run(main())


def test_a_callback_that_raises_drops_the_connection() -> None:
    class Buggy(WebSocketServerProtocol):
        def onMessage(self, payload: bytes, isBinary: bool) -> None:
            raise RuntimeError("bug in the application")

    async def main() -> None:
        async with serving(server_factory(Buggy)) as port:
            factory = client_factory(f"ws://127.0.0.1:{port}/")
            factory.to_send = [(b"hi", False)]
            await connect(factory, port)
            clean, code, _ = await wait(factory.closed)
            assert (clean, code) == (False, 1006)

    run(main())


def test_onclose_comes_when_the_tcp_connection_is_gone() -> None:
    """As Autobahn's (from connection_lost): after a clean closing handshake the client waits
    for the server to close TCP; onClose comes then, on both sides, not at the Close frame."""
    seen: list[tuple[str, bool]] = []

    class Watching(Client):
        def onClose(self, wasClean: bool, code: int | None, reason: str | None) -> None:
            seen.append(("client", self.transport is None))
            super().onClose(wasClean, code, reason)

    class WatchingServer(EchoServer):
        def onClose(self, wasClean: bool, code: int | None, reason: str | None) -> None:
            seen.append(("server", self.transport is None))

    async def main() -> None:
        async with serving(server_factory(WatchingServer)) as port:
            factory = client_factory(f"ws://127.0.0.1:{port}/")
            factory.protocol = Watching
            proto = await connect(factory, port)
            await wait(factory.opened)
            proto.sendClose(1000, "done")
            assert await wait(factory.closed) == (True, 1000, "")
            await until(lambda: len(seen) == 2)
            assert sorted(seen) == [("client", True), ("server", True)]

    run(main())
