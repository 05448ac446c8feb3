"""Arbitrary input never raises out of receive_data, and the state stays consistent."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st
from rs_helpers import client_and_server, handshake, open_pair
from wamp_rawsocket import (
    TIMER_AUTO_PING,
    TIMER_AUTO_PING_TIMEOUT,
    TIMER_OPEN_HANDSHAKE,
    Connection,
    ConnectionClosed,
    HandshakeCompleted,
    HandshakeFailed,
    MessageReceived,
    PingReceived,
    PongReceived,
    State,
    encode_frame_header,
)

chunks = st.lists(st.binary(max_size=64), max_size=12)
header_words = st.tuples(st.integers(0, 255), st.integers(0, 2**24 - 1))


def feed_and_check(conn: Connection, pieces: list[bytes], eof: bool) -> None:
    for piece in pieces:
        conn.receive_data(piece)
    if eof:
        conn.receive_eof()
    check_consistent(conn, ended=eof)


def check_consistent(conn: Connection, *, ended: bool) -> None:
    events = conn.events_received()
    out = conn.data_to_send()
    timers = conn.timers()
    assert out.count(b"") <= 1 and (not out or b"" not in out[:-1])
    handshakes = [e for e in events if isinstance(e, (HandshakeCompleted, HandshakeFailed))]
    assert len(handshakes) <= 1
    if conn.failure is not None:
        assert conn.state in (State.CLOSING, State.CLOSED)
        assert b"" in out
    if conn.close_expected():
        assert all(delay is None for _, delay in timers), timers  # only cancels once closing
    if conn.state is State.OPEN:
        assert conn.failure is None and not conn.close_expected()
    if ended:
        assert conn.state is State.CLOSED
        assert isinstance(events[-1], ConnectionClosed)
        assert events[-1].was_clean is (conn.failure is None)
    allowed = (
        HandshakeCompleted,
        HandshakeFailed,
        MessageReceived,
        PingReceived,
        PongReceived,
        ConnectionClosed,
    )
    assert all(isinstance(e, allowed) for e in events)
    for e in events:
        if isinstance(e, (MessageReceived, PingReceived, PongReceived)):
            assert type(e.payload) is bytes and len(e.payload) <= conn.own_max_length


@settings(max_examples=200, deadline=None)
@given(pieces=chunks, eof=st.booleans(), side=st.sampled_from(["client", "server"]))
def test_arbitrary_bytes_during_handshake(pieces: list[bytes], eof: bool, side: str) -> None:
    client, server = client_and_server(1, client={"max_length_exponent": 0})
    feed_and_check(client if side == "client" else server, pieces, eof)


@settings(max_examples=200, deadline=None)
@given(pieces=chunks, eof=st.booleans(), side=st.sampled_from(["client", "server"]))
def test_arbitrary_bytes_after_handshake(pieces: list[bytes], eof: bool, side: str) -> None:
    client, server = open_pair(
        2, client={"max_length_exponent": 0}, server={"max_length_exponent": 0}
    )
    feed_and_check(client if side == "client" else server, pieces, eof)


@st.composite
def frame_streams(draw: st.DrawFn) -> tuple[bytes, list[int]]:
    """Mostly valid frames with some broken headers, and where to cut the stream."""
    parts = []
    for _ in range(draw(st.integers(0, 8))):
        if draw(st.integers(0, 9)) == 0:
            first, length = draw(header_words)
            parts.append(bytes([first]) + length.to_bytes(3, "big"))
        else:
            frame_type = draw(st.integers(0, 2))
            payload = draw(st.binary(max_size=40))
            parts.append(encode_frame_header(frame_type, len(payload)) + payload)
    stream = b"".join(parts)
    cuts = sorted(draw(st.lists(st.integers(0, len(stream)), max_size=6)))
    return stream, cuts


@settings(max_examples=200, deadline=None)
@given(data=frame_streams(), eof=st.booleans())
def test_frame_streams_split_anywhere(data: tuple[bytes, list[int]], eof: bool) -> None:
    stream, cuts = data
    whole = open_pair(3, server={"max_length_exponent": 0})[1]
    whole.receive_data(stream)
    expected = whole.events_received()
    split = open_pair(3, server={"max_length_exponent": 0})[1]
    bounds = [0, *cuts, len(stream)]
    pieces = [stream[a:b] for a, b in itertools.pairwise(bounds)]
    for piece in pieces:
        split.receive_data(piece)
    assert split.events_received() == expected  # chunking never changes what is read
    assert split.state is whole.state
    assert type(split.failure) is type(whole.failure)
    split.receive_data(b"")
    feed_and_check(split, [], eof)


class TimerTable:
    """What an I/O layer keeps: the armed timers, updated from ``timers()``."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.armed: set[str] = set()
        self.update()

    def update(self) -> None:
        for name, delay in self.conn.timers():
            if delay is None:
                self.armed.discard(name)
            else:
                self.armed.add(name)

    def fire(self, name: str) -> None:
        self.armed.discard(name)  # a real timer fires once; stale names are fired too
        self.conn.timer_expired(name)
        self.update()


@settings(max_examples=100, deadline=None)
@given(
    names=st.lists(
        st.sampled_from([TIMER_OPEN_HANDSHAKE, TIMER_AUTO_PING, TIMER_AUTO_PING_TIMEOUT, "x"]),
        max_size=8,
    ),
    pieces=chunks,
    opened=st.booleans(),
)
def test_timers_in_any_order(names: list[str], pieces: list[bytes], opened: bool) -> None:
    auto = {"auto_ping_interval": 1.0, "auto_ping_timeout": 1.0, "open_handshake_timeout": 1.0}
    client, server = client_and_server(1, client=auto, server=auto)
    if opened:
        handshake(client, server)
    for conn in (client, server):
        table = TimerTable(conn)
        for name in names:
            table.fire(name)
        for piece in pieces:
            if conn.state in (State.CONNECTING, State.OPEN):
                conn.receive_data(piece)
            table.update()
        if conn.close_expected():
            assert table.armed == set()
        else:
            # the deadline that drives this state is still armed
            connecting = conn.state is State.CONNECTING
            assert (TIMER_OPEN_HANDSHAKE if connecting else TIMER_AUTO_PING) in table.armed
        conn.events_received()
        check_consistent(conn, ended=False)
