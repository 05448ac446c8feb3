"""The WebSocket API on Twisted (Autobahn's callbacks and methods), on loopback sockets."""

from __future__ import annotations

import os
import socket
import tempfile
from typing import Any

import pytest
from twisted.internet.defer import Deferred
from twisted.internet.protocol import ClientCreator, Protocol
from tx_helpers import ConnectProxy, Tls, listen, reactor, run, serving, sleep, until, wait
from wamp_twisted.websocket import (
    ConnectingRequest,
    ConnectionDeny,
    WebSocketClientFactory,
    WebSocketClientProtocol,
    WebSocketServerFactory,
    WebSocketServerProtocol,
    connectWS,
    listenWS,
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
        self.factory.opened.callback(self)
        for payload, binary in self.factory.to_send:
            self.sendMessage(payload, binary)

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        self.factory.received.append((payload, isBinary))

    def onPong(self, payload: bytes) -> None:
        self.factory.pongs.append(payload)

    def onPing(self, payload: bytes) -> None:
        self.factory.pings.append(payload)

    def onClose(self, wasClean: bool, code: int | None, reason: str | None) -> None:
        if not self.factory.closed.called:
            self.factory.closed.callback((wasClean, code, reason))


def client_factory(url: str, **kwargs: Any) -> WebSocketClientFactory:
    factory = WebSocketClientFactory(url, **kwargs)
    factory.protocol = Client
    factory.opened, factory.closed = Deferred(), Deferred()
    factory.received, factory.pongs, factory.pings = [], [], []
    factory.to_send = []
    return factory


def server_factory(protocol: type = EchoServer, **kwargs: Any) -> WebSocketServerFactory:
    factory = WebSocketServerFactory(**kwargs)
    factory.protocol = protocol
    return factory


async def connect(factory: WebSocketClientFactory, port: int, context: Any = None) -> Any:
    from twisted.internet.endpoints import TCP4ClientEndpoint, wrapClientTLS

    endpoint: Any = TCP4ClientEndpoint(reactor, "127.0.0.1", port, timeout=5)
    if context is not None:
        endpoint = wrapClientTLS(context, endpoint)
    return await wait(endpoint.connect(factory))


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
            assert await wait(proto.is_closed) == ""

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
            assert not factory.opened.called
            with pytest.raises(HandshakeError):
                await wait(proto.is_open)

    run(main())


def test_async_on_connect_and_connecting_request() -> None:
    class Slow(EchoServer):
        async def onConnect(self, request: Any) -> Any:
            await sleep(0.01)
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
            original, direct = transport.write, transport.writeSomeData

            def counting(data: bytes) -> None:
                writes.append(len(data))
                original(data)

            def counting_direct(data: bytes) -> Any:
                writes.append(len(data))
                return direct(data)

            transport.write = counting
            transport.writeSomeData = counting_direct
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


class _Silent(Protocol):
    """A raw TCP client that records what it receives and when it is closed."""

    def __init__(self) -> None:
        self.data = b""
        self.lost: Deferred[None] = Deferred()

    def dataReceived(self, data: bytes) -> None:
        self.data += data

    def connectionLost(self, reason: Any = None) -> None:
        self.lost.callback(None)


def test_open_handshake_timeout_closes_a_silent_client() -> None:
    async def main() -> None:
        server = server_factory()
        server.setProtocolOptions(openHandshakeTimeout=0.05)
        async with serving(server) as port:
            silent = await ClientCreator(reactor, _Silent).connectTCP("127.0.0.1", port)
            await wait(silent.lost)
            assert silent.data == b""  # closed by the server, nothing sent

    run(main())


def test_wss_with_channel_binding_and_proxy() -> None:
    tls = Tls()

    async def main() -> None:
        async with serving(server_factory(), tls.server) as port:
            factory = client_factory(f"wss://localhost:{port}/")
            factory.to_send = [(b"secure", False)]
            proto = await connect(factory, port, tls.client())
            await until(lambda: factory.received == [(b"secure", False)])
            details = proto._transport_details
            assert details.is_secure
            assert len(details.channel_id["tls-unique"]) == 32
            assert ("commonName", "localhost") not in details.peer_cert["subject"]
            assert ("DNS", "localhost") in details.peer_cert["subjectAltName"]

            proxy = ConnectProxy().start()
            factory = client_factory(f"wss://localhost:{port}/",
                                     proxy={"host": "127.0.0.1", "port": proxy.port},
                                     contextFactory=tls.client())
            factory.to_send = [(b"tunnelled", True)]
            proto = await connect(factory, proxy.port)
            await until(lambda: factory.received == [(b"tunnelled", True)])
            assert proxy.tunnels == [f"localhost:{port}"]
            assert proto._transport_details.is_secure
            assert len(proto._transport_details.channel_id["tls-unique"]) == 32
            await proxy.close()

    run(main())


def test_both_ends_see_the_same_channel_binding() -> None:
    tls = Tls()
    servers: list[Any] = []

    class Recording(EchoServer):
        def onOpen(self) -> None:
            servers.append(self)

    async def main() -> None:
        async with serving(server_factory(Recording), tls.server) as port:
            factory = client_factory(f"wss://localhost:{port}/")
            proto = await connect(factory, port, tls.client())
            await wait(factory.opened)
            await until(lambda: len(servers) == 1)
            ours = proto._transport_details.channel_id["tls-unique"]
            assert servers[0]._transport_details.channel_id["tls-unique"] == ours

    run(main())


def test_connect_ws_and_listen_ws_with_a_proxy() -> None:
    async def main() -> None:
        server = server_factory(url="ws://127.0.0.1:0")
        listening = listenWS(server, interface="127.0.0.1")
        port = listening.getHost().port
        try:
            factory = client_factory(f"ws://127.0.0.1:{port}/")
            factory.to_send = [(b"direct", False)]
            connectWS(factory, timeout=5)
            await until(lambda: factory.received == [(b"direct", False)])
            proxy = ConnectProxy().start()
            factory = client_factory(f"ws://127.0.0.1:{port}/",
                                     proxy={"host": "127.0.0.1", "port": proxy.port})
            factory.to_send = [(b"proxied", False)]
            connectWS(factory, timeout=5)
            await until(lambda: factory.received == [(b"proxied", False)])
            assert proxy.tunnels == [f"127.0.0.1:{port}"]
            await proxy.close()
        finally:
            await listening.stopListening()

    run(main())


def test_listen_ws_needs_a_context_for_wss() -> None:
    with pytest.raises(ValueError, match="contextFactory"):
        listenWS(server_factory(url="wss://127.0.0.1:0"))


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no Unix sockets")
def test_unix_socket() -> None:
    async def main(path: str) -> None:
        listening = reactor.listenUNIX(path, server_factory())
        try:
            from twisted.internet.endpoints import UNIXClientEndpoint

            factory = client_factory("ws://localhost/")
            factory.to_send = [(b"over unix", False)]
            proto = await wait(UNIXClientEndpoint(reactor, path, 5).connect(factory))
            await until(lambda: factory.received == [(b"over unix", False)])
            assert proto.peer == f"unix:{path}"
        finally:
            await listening.stopListening()

    with tempfile.TemporaryDirectory() as tmp:
        run(main(f"{tmp}/ws.sock"))


def test_factory_reactor_keyword() -> None:
    from twisted.internet.task import Clock

    clock = Clock()
    assert WebSocketServerFactory(reactor=clock).reactor is clock
    assert WebSocketClientFactory("ws://h/", reactor=clock).reactor is clock
    assert WebSocketClientFactory("ws://h/").reactor is reactor


@pytest.mark.parametrize("code", [1001, 2999, 5000])
def test_send_close_refuses_codes_autobahn_refuses(code: int) -> None:
    with pytest.raises(ValueError):
        WebSocketClientProtocol().sendClose(code)


def test_listen_port_zero_keeps_port_zero() -> None:
    factory = server_factory(url="ws://127.0.0.1:0")
    assert factory.port == 0
    _ = listen  # the helper is used by the other tests


def test_wamp_client_factory_takes_the_documented_serializer_keyword() -> None:
    from wamp_core.serializer import CBORSerializer, JsonSerializer
    from wamp_twisted.websocket import WampWebSocketClientFactory

    def make() -> None:
        return None

    assert WampWebSocketClientFactory(make, "ws://h/", serializer=JsonSerializer()
                                      ).protocols == ["wamp.2.json"]
    assert WampWebSocketClientFactory(make, "ws://h/", serializers=[CBORSerializer()]
                                      ).protocols == ["wamp.2.cbor"]
    with pytest.raises(ValueError, match="not both"):
        WampWebSocketClientFactory(make, serializer=JsonSerializer(),
                                   serializers=[JsonSerializer()])


def test_writes_go_straight_to_the_socket_when_nothing_waits() -> None:
    """A pump's bytes are sent when it ends (as asyncio's write() does), not buffered until
    the reactor's next iteration: the transport is never asked to watch for writability
    while the socket takes everything; a message too big for the socket at once still
    arrives whole, the rest through Twisted's buffer."""
    watched: list[int] = []
    big = os.urandom(4 * 1024 * 1024)

    class Echo(WebSocketServerProtocol):
        def onOpen(self) -> None:
            transport = self.transport
            original = transport.startWriting

            def counting() -> None:
                watched.append(transport._tempDataLen)
                original()

            transport.startWriting = counting

        def onMessage(self, payload: bytes, isBinary: bool) -> None:
            self.sendMessage(payload, isBinary)

    async def main() -> None:
        async with serving(server_factory(Echo)) as port:
            factory = client_factory(f"ws://127.0.0.1:{port}/")
            proto = await connect(factory, port)
            await wait(factory.opened)
            for i in range(20):
                proto.sendMessage(f"m{i}".encode())
                await until(lambda n=i + 1: len(factory.received) == n)
            assert watched == []
            assert [p for p, _ in factory.received] == [f"m{i}".encode() for i in range(20)]
            proto.sendMessage(big, True)
            await until(lambda: len(factory.received) == 21, timeout=30)
            assert factory.received[-1] == (big, True)
            assert watched  # the socket took part of it: the rest went through write()

    run(main())


def test_onclose_comes_when_the_tcp_connection_is_gone() -> None:
    """As Autobahn's (from connectionLost): after a clean closing handshake the client waits
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
