"""Frames on the wire: lengths, masking, opcodes, reserved bits (RFC 6455 5)."""

from __future__ import annotations

import pytest
from wamp_websocket import (
    ClientOptions,
    MessageReceived,
    ProtocolError,
    ServerOptions,
    State,
    prepare_message,
)
from ws_helpers import (
    MASK,
    Pair,
    assert_close_sent,
    closed_event,
    drain,
    frame,
    open_client,
    open_server,
    parse_frames,
)


@pytest.mark.parametrize("size", [0, 1, 125, 126, 127, 65535, 65536, 70000])
def test_lengths_use_the_minimal_encoding_and_round_trip(size: int) -> None:
    # RFC 6455 5.2: 7-bit, 16-bit (126) or 64-bit (127) payload length, minimal form
    server = open_server()
    payload = bytes(range(256)) * (size // 256) + bytes(size % 256)
    server.send_message(payload, is_binary=True)
    data = drain(server).data
    expected_len_byte = size if size < 126 else (126 if size < 65536 else 127)
    assert data[1] == expected_len_byte  # server frames are unmasked: MASK bit clear
    server.receive_data(frame(2, payload))
    assert server.events_received() == [MessageReceived(payload, True)]


def test_client_frames_are_masked_and_server_frames_not() -> None:
    # RFC 6455 5.1 / 5.3: a client masks every frame, a server masks none
    pair = Pair()
    pair.client.send_message("hello")
    client_wire = drain(pair.client)
    (sent,) = client_wire.frames()
    assert sent.masked and sent.payload == b"hello"
    assert client_wire.data[6:] != b"hello"
    pair.server.send_message("hi")
    (back,) = drain(pair.server).frames()
    assert not back.masked and back.payload == b"hi"


def test_masking_keys_differ_between_frames() -> None:
    # RFC 6455 5.3: a fresh, unpredictable masking key per frame
    client = open_client()
    for _ in range(20):
        client.send_message(b"x", is_binary=True)
    data = drain(client).data
    keys = {data[i + 2 : i + 6] for i in range(0, len(data), 7)}
    assert len(keys) == 20


def test_server_fails_on_an_unmasked_client_frame() -> None:
    # RFC 6455 5.1: the server MUST close on an unmasked frame
    server = open_server()
    server.receive_data(frame(1, b"hi", mask=None))
    assert_close_sent(server, 1002, transport_closed=True)
    assert isinstance(server.failure, ProtocolError) and server.failure.code == 1002
    assert closed_event(server.events_received()).was_clean is False


def test_server_may_accept_unmasked_frames_when_configured() -> None:
    server = open_server(ServerOptions(require_masked_client_frames=False))
    server.receive_data(frame(1, b"hi", mask=None) + frame(1, b"ho"))
    assert server.events_received() == [MessageReceived(b"hi", False),
                                        MessageReceived(b"ho", False)]


def test_client_fails_on_a_masked_server_frame() -> None:
    # RFC 6455 5.1: the client MUST close on a masked frame
    client = open_client()
    client.receive_data(frame(1, b"hi", mask=MASK))
    assert_close_sent(client, 1002)
    assert client.state is State.CLOSED


def test_client_may_accept_masked_server_frames_when_configured() -> None:
    client = open_client(ClientOptions(accept_masked_server_frames=True))
    client.receive_data(frame(1, b"hi", mask=MASK) + frame(2, b"\x00", mask=None))
    assert client.events_received() == [MessageReceived(b"hi", False),
                                        MessageReceived(b"\x00", True)]


def test_mask_server_frames_option_masks_outgoing_frames() -> None:
    server = open_server(ServerOptions(mask_server_frames=True))
    server.send_message("masked")
    (sent,) = drain(server).frames()
    assert sent.masked and sent.payload == b"masked"


def test_apply_mask_false_keeps_the_key_but_does_not_xor() -> None:
    # Autobahn's applyMask=False: the MASK bit and key are sent, the payload is not XORed
    client = open_client(ClientOptions(apply_mask=False))
    client.send_message("plain")
    data = drain(client).data
    assert data[1] & 0x80 and data[6:] == b"plain"
    server = open_server(ServerOptions(apply_mask=False))
    server.receive_data(frame(2, b"\x01\x02", mask=MASK))
    (event,) = server.events_received()
    assert isinstance(event, MessageReceived)
    assert event.data == bytes([0x01 ^ MASK[0], 0x02 ^ MASK[1]])


@pytest.mark.parametrize("opcode", [3, 4, 5, 6, 7, 11, 12, 13, 14, 15])
def test_reserved_opcodes_fail_the_connection(opcode: int) -> None:
    # RFC 6455 5.2: reserved opcodes MUST fail the connection
    server = open_server()
    server.receive_data(frame(opcode, b""))
    assert_close_sent(server, 1002)


@pytest.mark.parametrize("rsv", [1, 2, 3, 4, 5, 6, 7])
def test_reserved_bits_without_an_extension_fail(rsv: int) -> None:
    # RFC 6455 5.2: RSV1-3 MUST be 0 unless an extension defines them
    server = open_server()
    server.receive_data(frame(1, b"x", rsv=rsv))
    assert_close_sent(server, 1002)


def test_64_bit_length_with_the_high_bit_set_fails() -> None:
    # RFC 6455 5.2: the most significant bit of the 64-bit length MUST be 0
    server = open_server()
    server.receive_data(b"\x82\xff" + b"\x80" + b"\x00" * 7 + MASK)
    assert_close_sent(server, 1002)


def test_frames_split_at_every_byte_parse_the_same() -> None:
    stream = frame(1, b"first") + frame(9, b"p") + frame(2, bytes(300)) + frame(1, b"last")
    server = open_server()
    for i in range(len(stream)):
        server.receive_data(stream[i : i + 1])
    events = server.events_received()
    assert [type(e).__name__ for e in events] == [
        "MessageReceived", "PingReceived", "MessageReceived", "MessageReceived"]
    assert events[2] == MessageReceived(bytes(300), True)


def test_many_frames_in_one_chunk_and_memoryview_input() -> None:
    server = open_server()
    stream = b"".join(frame(1, f"m{i}".encode()) for i in range(500))
    server.receive_data(memoryview(stream))
    events = server.events_received()
    assert len(events) == 500 and events[499] == MessageReceived(b"m499", False)


def test_many_sends_leave_as_one_write() -> None:
    server = open_server()
    for i in range(100):
        server.send_message(f"message {i}")
    chunks = server.data_to_send()
    assert len(chunks) == 1
    assert len(drain(server).data) == 0
    assert [f.payload for f in parse_frames(chunks[0])][-1] == b"message 99"


def test_send_message_accepts_str_bytes_bytearray_memoryview() -> None:
    server = open_server()
    server.send_message("é")
    server.send_message(bytearray(b"ba"), is_binary=True)
    server.send_message(memoryview(b"mv"), is_binary=True)
    frames = drain(server).frames()
    assert [(f.opcode, f.payload) for f in frames] == [(1, "é".encode()), (2, b"ba"), (2, b"mv")]
    with pytest.raises(TypeError):
        server.send_message("text", is_binary=True)


def test_raw_send_frame_for_tests() -> None:
    server = open_server()
    server.send_frame(1, b"x", fin=False, rsv=2)
    (sent,) = drain(server).frames()
    assert (sent.opcode, sent.fin, sent.rsv, sent.payload) == (1, False, 2, b"x")
    with pytest.raises(ValueError):
        server.send_frame(16)


def test_prepared_messages_are_framed_once_and_sent_as_is() -> None:
    # Autobahn's factory.prepareMessage / sendPreparedMessage, for broadcasting
    prepared = prepare_message("to everyone")
    servers = [open_server() for _ in range(3)]
    for server in servers:
        server.send_prepared_message(prepared)
        assert drain(server).data == prepared.frame
    client = open_client()  # a client masks: it frames the payload itself
    client.send_prepared_message(prepare_message(b"\x01", is_binary=True))
    (sent,) = drain(client).frames()
    assert sent.masked and (sent.opcode, sent.payload) == (2, b"\x01")
