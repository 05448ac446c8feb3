"""Property tests: nothing a peer sends raises out of receive_data; our frames parse back."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from wamp_websocket import (
    ClientOptions,
    ConnectionClosed,
    MessageReceived,
    PerMessageDeflateOffer,
    PerMessageDeflateOfferAccept,
    ServerConnection,
    ServerOptions,
    State,
)
from ws_helpers import Pair, frame, open_client, open_server, parse_frames

SETTINGS = settings(max_examples=200, deadline=None)


def deflate_options() -> tuple[ServerOptions, ClientOptions]:
    server = ServerOptions(per_message_compression_accept=lambda offers: (
        PerMessageDeflateOfferAccept(offers[0])), max_message_payload_size=1 << 20)
    client = ClientOptions(per_message_compression_offers=[PerMessageDeflateOffer()])
    return server, client


def feed(conn: ServerConnection | object, chunks: list[bytes]) -> None:
    for chunk in chunks:
        conn.receive_data(chunk)  # type: ignore[attr-defined]
    conn.receive_eof()  # type: ignore[attr-defined]
    events = conn.events_received()  # type: ignore[attr-defined]
    assert isinstance(events[-1], ConnectionClosed)
    assert conn.state is State.CLOSED  # type: ignore[attr-defined]
    conn.data_to_send()  # type: ignore[attr-defined]


@SETTINGS
@given(st.lists(st.binary(max_size=300), max_size=8))
def test_arbitrary_bytes_never_raise_on_an_open_server(chunks: list[bytes]) -> None:
    feed(open_server(), chunks)


@SETTINGS
@given(st.lists(st.binary(max_size=300), max_size=8))
def test_arbitrary_bytes_never_raise_on_an_open_client(chunks: list[bytes]) -> None:
    feed(open_client(), chunks)


@SETTINGS
@given(st.lists(st.binary(max_size=300), max_size=8))
def test_arbitrary_bytes_never_raise_during_the_handshake(chunks: list[bytes]) -> None:
    feed(ServerConnection(), [b"GET / HTTP/1.1\r\n", *chunks])


frames_strategy = st.lists(st.tuples(
    st.sampled_from([0, 1, 2, 8, 9, 10, 3, 11]),
    st.binary(max_size=200),
    st.booleans(),
    st.integers(0, 7),
    st.booleans(),
), max_size=10)


@SETTINGS
@given(frames_strategy, st.integers(1, 50))
def test_arbitrary_frames_never_raise_with_deflate(frames: list[tuple[int, bytes, bool, int,
                                                                      bool]],
                                                   split: int) -> None:
    server_options, _ = deflate_options()
    server = open_server(server_options,
                         extra=[("Sec-WebSocket-Extensions", "permessage-deflate")])
    data = b"".join(frame(op, payload, fin=fin, rsv=rsv, mask=b"abcd" if masked else None)
                    for op, payload, fin, rsv, masked in frames)
    feed(server, [data[i : i + split] for i in range(0, len(data), split)])


messages = st.lists(st.one_of(
    st.tuples(st.binary(max_size=3000), st.just(True), st.integers(0, 700)),
    st.tuples(st.text(max_size=500).map(str.encode), st.just(False), st.integers(0, 700)),
), min_size=1, max_size=6)


@SETTINGS
@given(messages, st.integers(1, 4000), st.booleans())
def test_messages_we_send_arrive_unchanged(sent: list[tuple[bytes, bool, int]], split: int,
                                           compressed: bool) -> None:
    options = deflate_options() if compressed else (None, None)
    pair = Pair(*options)
    for payload, is_binary, fragment in sent:
        pair.client.send_message(payload, is_binary=is_binary, fragment_size=fragment)
        pair.server.send_message(payload, is_binary=is_binary, fragment_size=fragment)
    for src, dst in ((pair.client, pair.server), (pair.server, pair.client)):
        data = b"".join(src.data_to_send())
        for i in range(0, len(data), split):
            dst.receive_data(data[i : i + split])
        expected = [MessageReceived(payload, is_binary) for payload, is_binary, _ in sent]
        assert dst.events_received() == expected


@SETTINGS
@given(st.binary(max_size=70000), st.sampled_from([1, 2, 9, 10]), st.booleans())
def test_frame_headers_we_build_parse_back(payload: bytes, opcode: int, masked: bool) -> None:
    from wamp_websocket._framing import frame_header

    if opcode >= 8:
        payload = payload[:125]
    mask = b"\x01\x02\x03\x04" if masked else None
    data = frame_header(0x80 | opcode, len(payload), mask) + payload
    (parsed,) = parse_frames(data)
    expected = bytes(b ^ mask[i % 4] for i, b in enumerate(payload)) if mask else payload
    assert (parsed.opcode, parsed.fin, parsed.masked, parsed.payload) == (
        opcode, True, masked, expected)
