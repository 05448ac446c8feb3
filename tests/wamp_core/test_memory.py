"""The in-memory transport pair: queued and synchronous delivery, round trips, closing."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from _session_harness import Harness, flavours, run
from wamp_core.exception import ProtocolError, SerializationError, TransportLost
from wamp_core.interfaces import ITransport
from wamp_core.memory import MemoryPipe, connect_memory
from wamp_core.message import Call, Event, Hello, Result
from wamp_core.serializer import CBORSerializer, JsonSerializer, MsgPackSerializer
from wamp_core.types import TransportDetails
from zope.interface.verify import verifyObject


class Recorder:
    """A handler recording what the transport tells it."""

    def __init__(self, name: str, log: list[Any] | None = None) -> None:
        self.name = name
        self.log: list[Any] = [] if log is None else log
        self.transport: Any = None
        self.on_message: Any = None

    def onOpen(self, transport: Any) -> None:
        self.transport = transport
        self.log.append((self.name, "open"))

    def onMessage(self, msg: Any) -> None:
        self.log.append((self.name, msg))
        if self.on_message is not None:
            self.on_message(msg)

    def onClose(self, was_clean: bool) -> None:
        self.log.append((self.name, "close", was_clean))

    def messages(self) -> list[Any]:
        return [e[1] for e in self.log if e[0] == self.name and len(e) == 2 and e[1] != "open"]


class Pair:
    """A connected pipe with a recorder at each end, sharing one log."""

    def __init__(self, **kwargs: Any) -> None:
        self.log: list[Any] = []
        self.client = Recorder("client", self.log)
        self.server = Recorder("server", self.log)
        self.pipe: MemoryPipe = connect_memory(self.client, self.server, **kwargs)


def test_both_ends_implement_itransport() -> None:
    p = Pair()
    verifyObject(ITransport, p.pipe.client)
    verifyObject(ITransport, p.pipe.server)
    assert p.log == [("server", "open"), ("client", "open")]
    assert p.client.transport is p.pipe.client and p.server.transport is p.pipe.server
    assert p.pipe.client.peer is p.pipe.server and p.pipe.server.peer is p.pipe.client


def test_queued_mode_delivers_on_flush_in_order() -> None:
    p = Pair()
    p.pipe.client.send(Call(1, "com.a"))
    p.pipe.client.send(Call(2, "com.b"))
    assert p.server.messages() == []
    assert p.pipe.pending == 2
    assert p.pipe.flush() == 2
    assert [m.request for m in p.server.messages()] == [1, 2]
    assert p.pipe.pending == 0 and p.pipe.delivered == 2


def test_messages_sent_while_delivering_go_in_the_same_flush() -> None:
    p = Pair()
    p.server.on_message = lambda m: p.pipe.server.send(Result(m.request, [m.request]))
    p.client.on_message = lambda m: p.log.append(("client saw pending", p.pipe.pending))
    p.pipe.client.send(Call(7, "com.x"))
    assert p.pipe.flush() == 2
    assert p.client.messages()[0] == Result(7, [7])
    # the handler ran after its own delivery left the queue (no re-entrant delivery)
    assert ("client saw pending", 0) in p.log


def test_nested_flush_returns_zero() -> None:
    p = Pair()
    nested: list[int] = []
    p.server.on_message = lambda m: nested.append(p.pipe.flush())
    p.pipe.client.send(Call(1, "com.a"))
    p.pipe.client.send(Call(2, "com.b"))
    assert p.pipe.flush() == 2
    assert nested == [0, 0]


def test_flush_limit() -> None:
    p = Pair()
    for i in range(1, 4):
        p.pipe.client.send(Call(i, "com.a"))
    assert p.pipe.flush(limit=2) == 2
    assert p.pipe.pending == 1


def test_synchronous_mode_delivers_inside_send() -> None:
    p = Pair(synchronous=True)
    p.server.on_message = lambda m: p.pipe.server.send(Result(m.request))
    p.pipe.client.send(Call(3, "com.x"))
    assert p.server.messages() == [Call(3, "com.x")]
    assert p.client.messages() == [Result(3)]
    assert p.pipe.pending == 0


@pytest.mark.parametrize("serializer", [JsonSerializer(), MsgPackSerializer(), CBORSerializer()],
                         ids=lambda s: s.SERIALIZER_ID)
def test_serializer_round_trip(serializer: Any) -> None:
    p = Pair(serializer=serializer)
    sent = Event(5, 6, args=[1, "two", b"\x00\x01"], kwargs={"k": [1.5]})
    p.pipe.server.send(sent)
    p.pipe.flush()
    (received,) = p.client.messages()
    assert received == sent and received is not sent
    assert received.args == [1, "two", b"\x00\x01"]
    code = serializer.RAWSOCKET_SERIALIZER_ID
    assert p.pipe.client.transport_details.channel_serializer == code
    assert p.pipe.client.serializer is serializer and p.pipe.client._serializer is serializer


def test_unserializable_payload_raises_from_send() -> None:
    p = Pair(serializer=JsonSerializer())
    with pytest.raises(SerializationError):
        p.pipe.client.send(Call(1, "com.x", args=[object()]))
    assert p.pipe.pending == 0 and p.pipe.is_open


class _BrokenSerializer:
    RAWSOCKET_SERIALIZER_ID = 1

    def serialize(self, msg: Any) -> tuple[bytes, bool]:
        return b"[]", False

    def unserialize(self, payload: bytes, is_binary: bool | None = None) -> list[Any]:
        raise ProtocolError("invalid WAMP message [] (expected a non-empty list)")


def test_unparseable_delivery_is_recorded_and_aborts(caplog: pytest.LogCaptureFixture) -> None:
    p = Pair(serializer=_BrokenSerializer())
    p.pipe.client.send(Call(1, "com.x"))
    with caplog.at_level(logging.ERROR, logger="wamp_core.memory"):
        p.pipe.flush()
    assert len(p.pipe.errors) == 1 and isinstance(p.pipe.errors[0], ProtocolError)
    assert ("server", "close", False) in p.log and ("client", "close", False) in p.log
    assert "cannot parse a message for the server end" in caplog.text


def test_handler_exception_is_logged_and_aborts(caplog: pytest.LogCaptureFixture) -> None:
    p = Pair()

    def boom(msg: Any) -> None:
        raise ValueError("handler bug")

    p.server.on_message = boom
    p.pipe.client.send(Call(1, "com.x"))
    p.pipe.client.send(Call(2, "com.x"))
    with caplog.at_level(logging.ERROR, logger="wamp_core.memory"):
        p.pipe.flush()
    assert [type(e) for e in p.pipe.errors] == [ValueError]
    assert "handler bug" in caplog.text and "Traceback" in caplog.text
    assert p.server.messages() == [Call(1, "com.x")]  # the second was dropped by the abort
    assert p.log[-2:] == [("server", "close", False), ("client", "close", False)]
    assert p.pipe.closed


def test_close_delivers_what_was_sent_first_then_closes_cleanly() -> None:
    p = Pair()
    p.pipe.client.send(Hello("realm1", {"caller": {}}))
    p.pipe.client.close()
    assert not p.pipe.client.isOpen() and not p.pipe.server.isOpen()
    with pytest.raises(TransportLost, match="not open"):
        p.pipe.server.send(Call(1, "com.x"))
    assert ("server", "close", True) not in p.log  # never from inside close()
    p.pipe.flush()
    assert p.log[-3:] == [("server", Hello("realm1", {"caller": {}})),
                        ("server", "close", True), ("client", "close", True)]
    assert p.pipe.closed
    p.pipe.client.close()  # closing twice is harmless
    p.pipe.flush()
    assert p.log.count(("client", "close", True)) == 1


def test_abort_drops_queued_messages() -> None:
    p = Pair()
    p.pipe.client.send(Call(1, "com.x"))
    p.pipe.server.abort()
    p.pipe.flush()
    assert p.server.messages() == []
    assert p.log[-2:] == [("server", "close", False), ("client", "close", False)]


def test_abort_after_close_wins() -> None:
    p = Pair()
    p.pipe.client.send(Call(1, "com.x"))
    p.pipe.client.close()
    p.pipe.client.abort()
    p.pipe.flush()
    assert p.server.messages() == []
    assert ("client", "close", False) in p.log and ("client", "close", True) not in p.log


def test_synchronous_close_and_abort_are_immediate() -> None:
    p = Pair(synchronous=True)
    p.pipe.server.close()
    assert p.log[-2:] == [("server", "close", True), ("client", "close", True)]
    p2 = Pair(synchronous=True)
    pipe2, log2 = p2.pipe, p2.log
    pipe2.client.abort()
    assert log2[-2:] == [("server", "close", False), ("client", "close", False)]


def test_connect_twice_is_refused() -> None:
    p = Pair()
    with pytest.raises(RuntimeError, match="already connected"):
        p.pipe.connect(p.client, p.server)


def test_transport_details_and_channel_id() -> None:
    binding = bytes(range(32))
    p = Pair(channel_id={"tls-unique": binding})
    c, s = p.pipe.client.transport_details, p.pipe.server.transport_details
    assert c.channel_type == TransportDetails.CHANNEL_TYPE_MEMORY
    assert c.channel_framing == TransportDetails.CHANNEL_FRAMING_NATIVE
    assert c.channel_typeid == "memory-native-null"
    assert (c.is_server, s.is_server) == (False, True)
    assert c.own == s.peer and c.peer == s.own
    assert c.is_secure is True
    assert p.pipe.client.get_channel_id() == binding
    assert p.pipe.server.get_channel_id("tls-unique") == binding
    assert p.pipe.server.get_channel_id("tls-exporter") is None
    plain = Pair().pipe
    assert plain.client.get_channel_id() is None
    assert plain.client.transport_details.is_secure is False


@flavours
def test_auto_flush_with_txaio(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        log: list[Any] = []
        client, server = Recorder("client", log), Recorder("server", log)
        pipe = connect_memory(client, server, txaio_api=h.api)
        server.on_message = lambda m: pipe.server.send(Result(m.request))
        pipe.client.send(Call(9, "com.x"))
        pipe.client.send(Call(10, "com.x"))
        assert pipe.pending == 2
        await h.settle()  # the harness has no pipes registered: only call_later flushes
        assert [m.request for m in client.messages()] == [9, 10]
        pipe.client.close()
        await h.settle()
        assert pipe.closed and log[-1] == ("client", "close", True)

    run(flavour, scenario)
