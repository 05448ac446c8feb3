"""The framework-neutral RawSocket API (wamp_rawsocket.protocol) with a fake I/O adapter."""

from __future__ import annotations

from typing import Any

import pytest
from wamp_rawsocket import (
    InvalidState,
    PayloadTooLarge,
    RawSocketClientFactory,
    RawSocketClientProtocol,
    RawSocketServerFactory,
    RawSocketServerProtocol,
)


class Recording:
    def _io_wake(self, now: bool = False) -> None:
        pass

    def _io_drop(self, abort: bool) -> None:
        self.log.append(("drop", abort))

    def _io_spawn(self, result: Any) -> None:
        self.log.append(("spawn", result))

    def onOpen(self) -> None:
        self.log.append(("open", self.serializer_id, self.peer_max_length))

    def onMessage(self, payload: bytes) -> None:
        self.log.append(("message", payload))

    def onPing(self, payload: bytes) -> None:
        self.log.append(("ping", payload))

    def onPong(self, payload: bytes) -> None:
        self.log.append(("pong", payload))

    def onClose(self, wasClean: bool, reason: str) -> None:
        self.log.append(("close", wasClean))


class Server(Recording, RawSocketServerProtocol):
    pass


class Client(Recording, RawSocketClientProtocol):
    pass


def connect(server_factory: RawSocketServerFactory, client_factory: RawSocketClientFactory
            ) -> tuple[Any, Any]:
    server, client = Server(), Client()
    for proto, factory in ((server, server_factory), (client, client_factory)):
        proto.factory, proto.log = factory, []
        proto._connection_made()
    return server, client


def pump(server: Any, client: Any) -> None:
    closed = False
    for _ in range(5):
        for src, dst in ((client, server), (server, client)):
            for chunk in src._engine.data_to_send():
                if closed:
                    break
                if chunk:
                    dst._engine.receive_data(chunk)
                else:  # the transport closes: both ends see the end of the stream
                    closed = True
                    dst._engine.receive_eof()
                    src._engine.receive_eof()
            for proto in (src, dst):
                proto._handle_events(proto._engine.events_received())


def test_open_messages_ping_and_close() -> None:
    server_factory = RawSocketServerFactory([1, 3])
    server_factory.setProtocolOptions(maxMessagePayloadSize=1024)
    client_factory = RawSocketClientFactory(3)
    server, client = connect(server_factory, client_factory)
    assert client.state == client.STATE_CONNECTING
    pump(server, client)
    assert server.log == [("open", 3, 2**24)]
    assert client.log == [("open", 3, 1024)]
    client.sendMessage(b"hello")
    client.sendPing(b"ping")
    with pytest.raises(PayloadTooLarge):
        client.sendMessage(b"x" * 1025)
    pump(server, client)
    assert server.log[1:] == [("message", b"hello"), ("ping", b"ping")]
    assert client.log[1:] == [("pong", b"ping")]
    client.dropConnection()
    pump(server, client)
    assert client.log[-1] == ("close", True) and server.log[-1] == ("close", True)
    assert server_factory.countConnections == 0


def test_refused_serializer_and_max_connections() -> None:
    server, client = connect(RawSocketServerFactory([1]), RawSocketClientFactory(2))
    pump(server, client)
    assert client.failure is not None and "serializer" in str(client.failure)
    assert client.log == [("close", False)]
    factory = RawSocketServerFactory([1])
    factory.setProtocolOptions(maxConnections=1)
    factory.countConnections = 1
    server, client = connect(factory, RawSocketClientFactory(1))
    pump(server, client)
    assert "maximum" in str(client.failure)


def test_sending_before_the_engine_exists_is_a_state_error() -> None:
    with pytest.raises(InvalidState):
        Client().sendMessage(b"x")
    assert Client().state == Client.STATE_CLOSED
    factory = RawSocketClientFactory()
    factory.setProtocolOptions(autoPingInterval=2)
    assert factory.options.auto_ping_interval == 2
    factory.resetProtocolOptions()
    assert factory.options.auto_ping_interval is None
