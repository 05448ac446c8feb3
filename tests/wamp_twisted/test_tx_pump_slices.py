"""With ``maxEventsPerPump`` (the WAMP protocols: a router, a client), many messages read at once
are handled in slices, one slice per reactor iteration, each slice's answers written when it is
done; reading pauses while a long backlog waits; the end of the stream handles what is left at
once. The plain WebSocket and RawSocket protocols hand everything over at once."""

from __future__ import annotations

import struct

from twisted.internet.address import IPv4Address
from twisted.internet.task import Clock
from twisted.internet.testing import StringTransport
from wamp_core.transport.pump import SLICE
from wamp_twisted.rawsocket import RawSocketServerFactory, RawSocketServerProtocol

HANDSHAKE = bytes([0x7F, 0xF2, 0, 0])  # max length 2**24, MessagePack


def frames(payloads: list[bytes]) -> bytes:
    return b"".join(struct.pack(">I", len(p)) + p for p in payloads)


def payloads_in(data: bytes) -> list[bytes]:
    out, pos = [], 0
    while pos < len(data):
        (size,) = struct.unpack_from(">I", data, pos)
        out.append(data[pos + 4:pos + 4 + size])
        pos += 4 + size
    return out


class Echo(RawSocketServerProtocol):
    maxEventsPerPump = SLICE  # as the WAMP server protocols (a router) have it

    def onOpen(self) -> None:
        self.seen: list[bytes] = []
        self.closed_after: list[bytes] | None = None

    def onMessage(self, payload: bytes) -> None:
        self.seen.append(payload)
        self.sendMessage(payload)

    def onClose(self, wasClean: bool, reason: str) -> None:
        self.closed_after = list(self.seen)


class RecordingTransport(StringTransport):
    """Keeps every write apart."""

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.chunks.append(data)
        super().write(data)


class Connection:
    def __init__(self, protocol: type[Echo] = Echo) -> None:
        self.clock = Clock()
        factory = RawSocketServerFactory(reactor=self.clock)
        factory.protocol = protocol
        self.proto = factory.buildProtocol(IPv4Address("TCP", "127.0.0.1", 5000))
        self.transport = RecordingTransport()
        self.proto.makeConnection(self.transport)
        self.proto.dataReceived(HANDSHAKE)
        self.clock.advance(0)
        assert self.transport.value()[:1] == b"\x7f"
        self.transport.chunks.clear()

    def written(self) -> list[list[bytes]]:
        """The payloads of each write, write by write."""
        return [payloads_in(chunk) for chunk in self.transport.chunks]

    def pumps_waiting(self) -> int:
        return len([c for c in self.clock.getDelayedCalls() if c.func == self.proto._pump])

    def turn(self) -> None:
        """Run what is due (Clock also runs what those calls schedule for now)."""
        self.clock.advance(0)


def numbered(n: int) -> list[bytes]:
    return [b"m%d" % i for i in range(n)]


def test_a_burst_is_answered_slice_by_slice_one_reactor_iteration_each() -> None:
    c = Connection()
    sent = numbered(2 * SLICE + 6)
    c.proto.dataReceived(frames(sent))
    assert c.written() == [sent[:SLICE]]  # the first slice, in this very call
    assert c.pumps_waiting() == 1  # the next one in the next reactor iteration
    c.turn()
    assert c.written() == [sent[:SLICE], sent[SLICE:2 * SLICE], sent[2 * SLICE:]]
    assert c.proto.seen == sent
    assert not c.clock.getDelayedCalls()  # nothing more to do
    assert c.transport.producerState == "producing"


def test_what_arrives_while_a_backlog_waits_comes_after_it() -> None:
    c = Connection()
    first, second = numbered(SLICE + 3), [b"late%d" % i for i in range(3)]
    c.proto.dataReceived(frames(first))
    c.proto.dataReceived(frames(second))
    for _ in range(3):
        c.turn()
    assert c.proto.seen == first + second
    assert [p for w in c.written() for p in w] == first + second


def test_reading_pauses_while_more_than_five_slices_wait() -> None:
    c = Connection()
    sent = numbered(7 * SLICE)
    c.proto.dataReceived(frames(sent))
    assert c.transport.producerState == "paused"
    for _ in range(7):
        c.turn()
    assert c.proto.seen == sent
    assert c.transport.producerState == "producing"
    assert [p for w in c.written() for p in w] == sent


def test_the_end_of_the_stream_handles_the_backlog_at_once() -> None:
    c = Connection()
    sent = numbered(3 * SLICE)
    c.proto.dataReceived(frames(sent))
    assert c.proto.seen == sent[:SLICE]
    c.proto.readConnectionLost()
    assert c.proto.seen == sent  # every message, before onClose
    assert c.proto.closed_after == sent
    assert [p for w in c.written() for p in w] == sent  # answered before the end


def test_max_events_per_pump_is_a_protocol_setting() -> None:
    class Slow(Echo):
        maxEventsPerPump = 2

    c = Connection(Slow)
    c.proto.dataReceived(frames(numbered(5)))
    c.turn()
    assert c.written() == [numbered(5)[:2], numbered(5)[2:4], numbered(5)[4:]]

    class All(Echo):
        maxEventsPerPump = 0

    c = Connection(All)
    c.proto.dataReceived(frames(numbered(3 * SLICE)))
    assert c.written() == [numbered(3 * SLICE)]  # one pump, one write
    assert not c.pumps_waiting()


def test_wamp_protocols_slice_and_plain_ones_do_not() -> None:
    from wamp_twisted import rawsocket, websocket

    for cls in (rawsocket.WampRawSocketServerProtocol, websocket.WampWebSocketServerProtocol,
                rawsocket.WampRawSocketClientProtocol, websocket.WampWebSocketClientProtocol):
        assert cls.maxEventsPerPump == SLICE, cls
    for cls in (rawsocket.RawSocketServerProtocol, websocket.WebSocketServerProtocol,
                rawsocket.RawSocketClientProtocol, websocket.WebSocketClientProtocol):
        assert cls.maxEventsPerPump == 0, cls  # everything at once
