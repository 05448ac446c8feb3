"""With ``maxEventsPerPump`` (the WAMP protocols: a router, a client), many messages read at once
are handled in slices, one slice per loop iteration, each slice's answers written when it is
done; reading pauses while a long backlog waits; the end of the stream handles what is left at
once. The plain WebSocket and RawSocket protocols hand everything over at once."""

from __future__ import annotations

import asyncio
import struct

from aio_helpers import RecordingTransport
from wamp_asyncio.rawsocket import RawSocketServerFactory, RawSocketServerProtocol
from wamp_core.transport.pump import SLICE

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


class Recording(RecordingTransport):
    def echoed(self) -> list[list[bytes]]:
        """The payloads of each write, write by write."""
        return [payloads_in(w) for w in self.writes]


async def opened(protocol: type[Echo] = Echo) -> tuple[Echo, Recording]:
    factory = RawSocketServerFactory()
    factory.protocol = protocol
    proto = factory()
    transport = Recording()
    proto.connection_made(transport)
    proto.data_received(HANDSHAKE)
    await asyncio.sleep(0)
    assert transport.writes and transport.writes[0][0] == 0x7F
    transport.writes.clear()
    return proto, transport


def numbered(n: int) -> list[bytes]:
    return [b"m%d" % i for i in range(n)]


def test_a_burst_is_answered_slice_by_slice_one_loop_iteration_each() -> None:
    async def main() -> None:
        proto, transport = await opened()
        sent = numbered(2 * SLICE + 6)
        proto.data_received(frames(sent))
        assert transport.echoed() == [sent[:SLICE]]  # the first slice, in this very call
        await asyncio.sleep(0)
        assert transport.echoed() == [sent[:SLICE], sent[SLICE:2 * SLICE]]
        await asyncio.sleep(0)
        assert transport.echoed() == [sent[:SLICE], sent[SLICE:2 * SLICE], sent[2 * SLICE:]]
        assert proto.seen == sent
        await asyncio.sleep(0)
        assert len(transport.writes) == 3 and proto._wake is None  # nothing more to do
        assert transport.reading == []  # a short backlog does not pause reading

    asyncio.run(asyncio.wait_for(main(), 10))


def test_what_arrives_while_a_backlog_waits_comes_after_it() -> None:
    async def main() -> None:
        proto, transport = await opened()
        first, second = numbered(SLICE + 3), [b"late%d" % i for i in range(3)]
        proto.data_received(frames(first))
        proto.data_received(frames(second))
        for _ in range(3):
            await asyncio.sleep(0)
        assert proto.seen == first + second
        assert [p for w in transport.echoed() for p in w] == first + second

    asyncio.run(asyncio.wait_for(main(), 10))


def test_reading_pauses_while_more_than_five_slices_wait() -> None:
    async def main() -> None:
        proto, transport = await opened()
        sent = numbered(7 * SLICE)
        proto.data_received(frames(sent))
        assert transport.reading == [False]
        for _ in range(7):
            await asyncio.sleep(0)
        assert proto.seen == sent
        assert transport.reading == [False, True]
        assert [p for w in transport.echoed() for p in w] == sent

    asyncio.run(asyncio.wait_for(main(), 10))


def test_the_end_of_the_stream_handles_the_backlog_at_once() -> None:
    async def main() -> None:
        proto, transport = await opened()
        sent = numbered(3 * SLICE)
        proto.data_received(frames(sent))
        assert proto.seen == sent[:SLICE]
        proto.eof_received()
        assert proto.seen == sent  # every message, before onClose
        assert proto.closed_after == sent
        assert [p for w in transport.echoed() for p in w] == sent  # answered before the end

    asyncio.run(asyncio.wait_for(main(), 10))


def test_max_events_per_pump_is_a_protocol_setting() -> None:
    class Slow(Echo):
        maxEventsPerPump = 2

    class All(Echo):
        maxEventsPerPump = 0

    async def everything() -> None:
        proto, transport = await opened(All)
        proto.data_received(frames(numbered(3 * SLICE)))
        assert transport.echoed() == [numbered(3 * SLICE)]  # one pump, one write

    asyncio.run(asyncio.wait_for(everything(), 10))

    async def main() -> None:
        proto, transport = await opened(Slow)
        proto.data_received(frames(numbered(5)))
        for _ in range(3):
            await asyncio.sleep(0)
        assert transport.echoed() == [numbered(5)[:2], numbered(5)[2:4], numbered(5)[4:]]

    asyncio.run(asyncio.wait_for(main(), 10))


def test_wamp_protocols_slice_and_plain_ones_do_not() -> None:
    from wamp_asyncio import rawsocket, websocket

    for cls in (rawsocket.WampRawSocketServerProtocol, websocket.WampWebSocketServerProtocol,
                rawsocket.WampRawSocketClientProtocol, websocket.WampWebSocketClientProtocol):
        assert cls.maxEventsPerPump == SLICE, cls
    for cls in (rawsocket.RawSocketServerProtocol, websocket.WebSocketServerProtocol,
                rawsocket.RawSocketClientProtocol, websocket.WebSocketClientProtocol):
        assert cls.maxEventsPerPump == 0, cls  # everything at once
