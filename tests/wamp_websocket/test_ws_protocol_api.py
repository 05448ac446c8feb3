"""The framework-neutral Autobahn API (wamp_websocket.protocol/factory/types), driven by a
fake I/O adapter: two engines back to back, no sockets, no event loop."""

from __future__ import annotations

from typing import Any

import pytest
from wamp_websocket.factory import WebSocketClientFactory, WebSocketServerFactory
from wamp_websocket.protocol import WebSocketClientProtocol, WebSocketServerProtocol
from wamp_websocket.types import (
    ConnectingRequest,
    ConnectionAccept,
    ConnectionDeny,
    ConnectionRequest,
)


class FakeIO:
    """The ``_io_*`` hooks, synchronous: bytes go straight to the peer's engine."""

    peer_proto: Any = None
    log: list[Any]

    def _io_wake(self, now: bool = False) -> None:
        self.woken = True

    def _io_drop(self, abort: bool) -> None:
        self.dropped = abort
        self._transport_lost()  # the fake transport is gone at once

    def _io_spawn(self, result: Any) -> None:
        self.spawned.append(result)

    def _io_when(self, result: Any, on_value: Any, on_error: Any) -> None:
        on_value(result)


class Server(FakeIO, WebSocketServerProtocol):
    answer: Any = None

    def onConnect(self, request: ConnectionRequest) -> Any:
        self.log.append(("connect", request.path, request.protocols))
        if isinstance(self.answer, BaseException):
            raise self.answer
        return self.answer

    def onOpen(self) -> None:
        self.log.append("open")

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        self.log.append(("message", payload, isBinary))

    def onClose(self, wasClean: bool, code: Any, reason: Any) -> None:
        self.log.append(("close", wasClean, code))


class Client(FakeIO, WebSocketClientProtocol):
    request: ConnectingRequest | None = None

    def onConnecting(self, transport_details: Any) -> Any:
        return self.request

    def onConnect(self, response: Any) -> None:
        self.log.append(("connect", response.protocol, response.headers.get("x-extra")))

    def onOpen(self) -> None:
        self.log.append("open")

    def onClose(self, wasClean: bool, code: Any, reason: Any) -> None:
        self.log.append(("close", wasClean, code))


def make(server_cls: type = Server, client_cls: type = Client, **server_kw: Any
         ) -> tuple[Any, Any]:
    server_factory = WebSocketServerFactory(**server_kw)
    client_factory = WebSocketClientFactory("ws://example.com:9000/chat?room=1",
                                            protocols=["p1", "p2"])
    server, client = server_cls(), client_cls()
    for proto, factory in ((server, server_factory), (client, client_factory)):
        proto.factory, proto.peer, proto.log, proto.spawned = factory, "peer", [], []
        proto._connection_made()
    return server, client


def pump(*protos: Any) -> None:
    """Move bytes both ways and dispatch events until nothing moves."""
    server, client = protos
    for _ in range(10):
        moved = False
        for src, dst in ((client, server), (server, client)):
            for chunk in src._engine.data_to_send():
                if chunk:
                    dst._engine.receive_data(chunk)
                    moved = True
                else:  # the engine closes the transport: both ends see it gone
                    for proto in (src, dst):
                        proto._engine.receive_eof()
                        proto._handle_events(proto._engine.events_received())
                        proto._transport_lost()
                    moved = True
            for proto in (src, dst):
                events = proto._engine.events_received()
                if events:
                    proto._handle_events(events)
                    moved = True
        if not moved:
            return


@pytest.mark.parametrize("answer, subprotocol", [
    (None, None), ("p2", "p2"), (("p1", {"X-Extra": "1"}), "p1"),
    (ConnectionAccept("p2", {"X-Extra": ["a", "b"]}), "p2"),
])
def test_on_connect_answers(answer: Any, subprotocol: str | None) -> None:
    Server.answer = answer
    server, client = make()
    pump(server, client)
    assert server.log == [("connect", "/chat", ["p1", "p2"]), "open"]
    assert client.log[0][:2] == ("connect", subprotocol)
    assert client.log[1] == "open"
    assert server.state == server.STATE_OPEN == client.state
    assert server.http_request_params == {"room": ["1"]}


@pytest.mark.parametrize("answer, status", [
    (ConnectionDeny(ConnectionDeny.NOT_FOUND, "nope"), 404),
    (RuntimeError("bug"), 500),
    ("p3", 500),                      # a subprotocol the client did not offer
])
def test_refusals_become_http_errors(answer: Any, status: int) -> None:
    Server.answer = answer
    server, client = make()
    pump(server, client)
    assert client.failure is not None and client.failure.status == status
    assert client.log == [("close", False, 1006)]
    assert server.log[-1] == ("close", False, 1006)


def test_max_connections_answers_503() -> None:
    Server.answer = None
    server, client = make()
    server.factory.setProtocolOptions(maxConnections=1)
    server.factory.countConnections = 2
    pump(server, client)
    assert client.failure.status == 503
    assert server.factory.countConnections == 1


def test_connecting_request_and_messages_both_ways() -> None:
    Server.answer = None
    Client.request = ConnectingRequest(host="other", port=80, resource="/x", protocols=["p9"])
    try:
        server, client = make()
        pump(server, client)
    finally:
        Client.request = None
    assert server.log[0] == ("connect", "/x", ["p9"])
    client.sendMessage(b"\x00\x01", isBinary=True)
    client.sendMessage(b"text")
    client.sendClose(1000)
    pump(server, client)
    assert server.log[2:] == [("message", b"\x00\x01", True), ("message", b"text", False),
                              ("close", True, 1000)]
    assert client.log[-1] == ("close", True, 1000)
    assert client.state == client.STATE_CLOSED


def test_frame_callbacks_switch_frame_events_on() -> None:
    class Frames(Server):
        def onMessageFrameBegin(self, length: int) -> None:
            super().onMessageFrameBegin(length)
            self.log.append(("frame", length))

    Server.answer = None
    server, client = make(server_cls=Frames)
    assert server._engine.options.frame_events is True
    assert server.factory.options.frame_events is False  # the factory's options are shared
    pump(server, client)
    client.sendMessage(b"abcdef", fragmentSize=4)
    pump(server, client)
    assert server.log[2:] == [("frame", 4), ("frame", 2), ("message", b"abcdef", False)]


def test_async_callback_results_are_handed_to_the_adapter() -> None:
    marker = object()

    class Returns(Server):
        def onOpen(self) -> Any:
            return marker

    Server.answer = None
    server, client = make(server_cls=Returns)
    pump(server, client)
    assert server.spawned == [marker]


@pytest.mark.parametrize("code, reason", [(1001, None), (999, None), (None, "why")])
def test_send_close_is_checked(code: Any, reason: Any) -> None:
    with pytest.raises(ValueError):
        Client().sendClose(code, reason)


def test_factory_session_parameters() -> None:
    server = WebSocketServerFactory("wss://example.com:9443/ws", protocols=["a"],
                                    headers={"X": "1"})
    assert (server.isSecure, server.host, server.port, server.externalPort) == (
        True, "example.com", 9443, 9443)
    assert WebSocketServerFactory().externalPort is None
    with pytest.raises(ValueError):
        WebSocketServerFactory("ws://example.com/?query=1")
    client = WebSocketClientFactory("ws://example.com/a?b=1",
                                    proxy={"host": "proxy", "port": 3128})
    assert (client.resource, client.path, client.params) == ("/a?b=1", "/a", {"b": ["1"]})
    with pytest.raises(ValueError):
        WebSocketClientFactory("ws://example.com/", proxy={"host": "only"})
    client.setProtocolOptions(autoPingInterval=5, maskClientFrames=False)
    assert client.options.auto_ping_interval == 5
    client.resetProtocolOptions()
    assert client.options.auto_ping_interval == 0
    prepared = client.prepareMessage(b"x", isBinary=True)
    assert (prepared.payload, prepared.binary, prepared.doNotCompress) == (b"x", True, False)


def test_types_print_as_autobahn() -> None:
    request = ConnectingRequest()
    assert (request.host, request.port, request.resource, request.protocols) == (
        "localhost", 80, "/", [])
    assert "'host': 'localhost'" in str(request)
    assert ConnectionAccept("p") == ConnectionAccept("p")
    with pytest.raises(TypeError):
        ConnectionAccept(3)  # type: ignore[arg-type]
