"""Frames after the handshake: messages, ping/pong, limits, bad headers, end of stream."""

from __future__ import annotations

import pytest
from rs_helpers import assert_failed, finish, open_pair, transfer
from wamp_rawsocket import (
    FrameError,
    FrameTooLarge,
    IncompleteFrame,
    InvalidState,
    MessageReceived,
    PayloadTooLarge,
    PingReceived,
    PongReceived,
    ProtocolError,
    State,
    encode_frame_header,
)


def frame(frame_type: int, payload: bytes) -> bytes:
    return encode_frame_header(frame_type, len(payload)) + payload


def test_message_octets_on_the_wire() -> None:
    client, _ = open_pair()
    client.send_message(b"[1,2]")
    # RRRR XTTT = 0x00 (message), 24-bit length 5
    assert b"".join(client.data_to_send()) == b"\x00\x00\x00\x05[1,2]"


def test_header_encoding() -> None:
    assert encode_frame_header(1, 0) == b"\x01\x00\x00\x00"
    assert encode_frame_header(2, 0xFFFFFF) == b"\x02\xff\xff\xff"
    # exactly 16 MiB: the X bit with 24 zero length bits
    assert encode_frame_header(0, 2**24) == b"\x08\x00\x00\x00"
    assert encode_frame_header(1, 2**24) == b"\x09\x00\x00\x00"
    with pytest.raises(ValueError, match="at most"):
        encode_frame_header(0, 2**24 + 1)


@pytest.mark.parametrize("payload", [b"", b"x", bytearray(b"abc"), memoryview(b"defg")])
def test_message_payload_types(payload: bytes) -> None:
    client, server = open_pair()
    client.send_message(payload)
    out = client.data_to_send()
    assert b"" not in out, "an empty payload must not look like the close marker"
    assert all(type(chunk) is bytes for chunk in out)
    for chunk in out:
        server.receive_data(chunk)
    assert server.events_received() == [MessageReceived(bytes(payload))]


def test_many_frames_in_one_chunk() -> None:
    client, server = open_pair()
    payloads = [bytes([i]) * i for i in range(200)]
    for p in payloads:
        client.send_message(p)
    client.send_ping(b"p")
    server.receive_data(b"".join(client.data_to_send()))
    events = server.events_received()
    assert events[:-1] == [MessageReceived(p) for p in payloads]
    assert events[-1] == PingReceived(b"p")


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
def test_byte_at_a_time(kind: type) -> None:
    client, server = open_pair()
    payloads = [b"", b"a", b"bc" * 300, b"\x00" * 4]
    for p in payloads:
        client.send_message(p)
    client.send_ping(b"ping!")
    wire = b"".join(client.data_to_send())
    events = []
    for i in range(len(wire)):
        server.receive_data(kind(wire[i : i + 1]))
        events.extend(server.events_received())
    assert events == [*(MessageReceived(p) for p in payloads), PingReceived(b"ping!")]
    assert b"".join(server.data_to_send()) == frame(2, b"ping!")


def test_chunks_split_everywhere() -> None:
    client, _ = open_pair()
    payloads = [bytes([n % 256]) * n for n in (0, 1, 3, 4, 5, 700)]
    for p in payloads:
        client.send_message(p)
    wire = b"".join(client.data_to_send())
    for cut in range(len(wire) + 1):
        _, receiver = open_pair()
        receiver.receive_data(wire[:cut])
        receiver.receive_data(wire[cut:])
        assert receiver.events_received() == [MessageReceived(p) for p in payloads], cut


def test_input_buffer_reused_by_caller_is_safe() -> None:
    """The engine copies what it keeps: a caller may reuse its receive buffer."""
    client, server = open_pair()
    client.send_message(b"hello world")
    wire = b"".join(client.data_to_send())
    socket_buffer = bytearray(wire)
    server.receive_data(memoryview(socket_buffer)[:10])  # a partial frame stays behind
    socket_buffer[:] = b"\xff" * len(socket_buffer)
    server.receive_data(wire[10:])
    assert server.events_received() == [MessageReceived(b"hello world")]


# -- ping and pong -------------------------------------------------------------------------


def test_ping_is_answered_with_the_same_payload() -> None:
    client, server = open_pair()
    client.send_ping(b"\x00\x01\x02")
    client.send_ping()
    transfer(client, server)
    assert server.events_received() == [PingReceived(b"\x00\x01\x02"), PingReceived(b"")]
    transfer(server, client)
    assert client.events_received() == [PongReceived(b"\x00\x01\x02"), PongReceived(b"")]
    assert client.data_to_send() == []  # pongs are not answered


def test_ping_octets() -> None:
    client, _ = open_pair()
    client.send_ping(b"hi")
    assert b"".join(client.data_to_send()) == b"\x01\x00\x00\x02hi"


def test_unsolicited_pong_is_reported() -> None:
    _, server = open_pair()
    server.receive_data(frame(2, b"out of the blue"))
    assert server.events_received() == [PongReceived(b"out of the blue")]
    assert server.state is State.OPEN


def test_ping_larger_than_what_the_peer_accepts_fails() -> None:
    client, server = open_pair(client={"max_length_exponent": 0})  # client takes 512
    server.receive_data(frame(1, b"x" * 513))  # server takes 16 MiB, pong would be 513
    out = assert_failed(server, ProtocolError)
    assert out == []
    assert "its pong cannot be sent" in str(server.failure)
    del client


# -- sizes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("side", ["client", "server"])
def test_sending_more_than_the_peer_accepts_raises(side: str) -> None:
    client, server = open_pair(
        client={"max_length_exponent": 1}, server={"max_length_exponent": 3}
    )
    sender, limit = (client, 4096) if side == "client" else (server, 1024)
    with pytest.raises(PayloadTooLarge) as info:
        sender.send_message(b"x" * (limit + 1))
    assert info.value.size == limit + 1 and info.value.limit == limit
    assert str(info.value) == (
        f"RawSocket message of {limit + 1} octets exceeds the peer's maximum of {limit} octets"
    )
    with pytest.raises(PayloadTooLarge, match="RawSocket ping of"):
        sender.send_ping(b"x" * (limit + 1))
    assert sender.data_to_send() == []  # nothing queued
    assert sender.state is State.OPEN  # and the connection goes on
    sender.send_message(b"x" * limit)
    assert sum(map(len, sender.data_to_send())) == 4 + limit


@pytest.mark.parametrize("side", ["client", "server"])
def test_receiving_more_than_we_accept_fails_without_buffering(side: str) -> None:
    client, server = open_pair(
        client={"max_length_exponent": 0}, server={"max_length_exponent": 0}
    )
    receiver = client if side == "client" else server
    receiver.receive_data(b"\x00\x00\x02")  # header not complete yet
    receiver.receive_data(b"\x01")  # 513 octets announced, 512 allowed
    assert assert_failed(receiver, FrameTooLarge) == []
    assert str(receiver.failure) == (
        "the peer sent a frame of 513 octets, above our maximum of 512 octets"
    )
    assert receiver._buf == bytearray()  # nothing of it kept
    receiver.receive_data(b"y" * 513)  # the rest is ignored
    assert receiver.events_received() == []
    assert finish(receiver).was_clean is False


def test_largest_frame_uses_the_x_bit() -> None:
    client, server = open_pair()
    big = b"\x07" * 2**24
    client.send_message(big)
    out = client.data_to_send()
    assert out[0] == b"\x08\x00\x00\x00"
    for chunk in out:
        server.receive_data(chunk)
    events = server.events_received()
    assert len(events) == 1 and isinstance(events[0], MessageReceived)
    assert events[0].payload == big


def test_x_bit_above_our_maximum_fails() -> None:
    _, server = open_pair(server={"max_length_exponent": 14})
    server.receive_data(b"\x08\x00\x00\x00")
    assert_failed(server, FrameTooLarge)
    assert "16777216 octets" in str(server.failure)


# -- bad headers ---------------------------------------------------------------------------


@pytest.mark.parametrize("frame_type", range(3, 8))
def test_reserved_frame_type_fails(frame_type: int) -> None:
    client, server = open_pair()
    server.receive_data(frame(0, b"ok") + frame(frame_type, b"?") + frame(0, b"after"))
    assert server.events_received() == [MessageReceived(b"ok")]
    assert_failed(server, FrameError)
    assert str(server.failure) == f"the peer sent a frame of reserved type {frame_type}"
    del client


def test_reserved_frame_type_fails_on_its_header_alone() -> None:
    _, server = open_pair()
    server.receive_data(b"\x05\x10\x00\x00")  # type 5, 1 MiB announced, nothing sent yet
    assert_failed(server, FrameError)
    assert server._buf == bytearray()


@pytest.mark.parametrize("first", [0x10, 0x20, 0x40, 0x80, 0xF0, 0x18])
def test_reserved_header_bits_fail(first: int) -> None:
    _, server = open_pair()
    server.receive_data(bytes([first, 0, 0, 1]) + b"x")
    assert_failed(server, FrameError)
    assert f"0x{first:02x}" in str(server.failure)


def test_x_bit_with_nonzero_length_fails() -> None:
    _, server = open_pair()
    server.receive_data(b"\x08\x00\x00\x01")
    assert_failed(server, FrameError)
    assert "25th length bit" in str(server.failure)


# -- end of stream and closing ------------------------------------------------------------


def test_peer_closes_cleanly() -> None:
    client, server = open_pair()
    closed = finish(server)
    assert closed.was_clean and closed.reason == "the peer closed the connection"
    assert server.data_to_send() == [b""]
    assert server.failure is None
    del client


@pytest.mark.parametrize(
    ("partial", "words"),
    [
        (b"\x00\x00", "inside a frame header (2 of 4 octets received)"),
        (b"\x00\x00\x00\x09abc", "inside a frame (3 of 9 payload octets received)"),
    ],
)
def test_stream_ends_inside_a_frame(partial: bytes, words: str) -> None:
    _, server = open_pair()
    server.receive_data(partial)
    closed = finish(server)
    assert isinstance(server.failure, IncompleteFrame)
    assert closed.was_clean is False
    assert words in closed.reason


def test_local_close_then_eof() -> None:
    client, server = open_pair()
    client.send_message(b"last words")
    client.close()
    assert client.state is State.CLOSING and client.close_expected()
    out = client.data_to_send()
    assert out[-1] == b"" and b"".join(out[:-1]) == b"\x00\x00\x00\nlast words"
    client.close()  # idempotent
    assert client.data_to_send() == []
    with pytest.raises(InvalidState, match="CLOSING"):
        client.send_message(b"more")
    client.receive_data(frame(0, b"late"))  # ignored while closing
    assert client.events_received() == []
    closed = finish(client)
    assert closed.was_clean and closed.reason == "closed by this side (client)"
    with pytest.raises(InvalidState, match="after receive_eof"):
        client.receive_data(b"x")
    with pytest.raises(InvalidState, match="twice"):
        client.receive_eof()
    del server


def test_close_with_reason() -> None:
    _, server = open_pair()
    server.close("router shutting down")
    assert finish(server).reason == "router shutting down"


def test_close_during_handshake() -> None:
    from rs_helpers import client_and_server

    client, _ = client_and_server()
    client.close()
    assert client.data_to_send() == [b"\x7f\xf3\x00\x00", b""]
    assert client.events_received() == []
    assert finish(client).was_clean
