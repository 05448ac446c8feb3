"""Size limits (close 1009) and UTF-8 validation of text (RFC 6455 8.1, close 1007)."""

from __future__ import annotations

import pytest
from wamp_websocket import (
    ClientOptions,
    MessageReceived,
    PayloadTooBig,
    ServerOptions,
    State,
)
from ws_helpers import assert_close_sent, closed_event, drain, frame, open_client, open_server


def test_frame_over_max_frame_payload_size_fails_with_1009_on_its_header() -> None:
    server = open_server(ServerOptions(max_frame_payload_size=100))
    server.receive_data(frame(2, bytes(100)))
    assert server.events_received() == [MessageReceived(bytes(100), True)]
    server.receive_data(frame(2, bytes(101))[:8])  # only the header has arrived
    assert_close_sent(server, 1009)
    assert isinstance(server.failure, PayloadTooBig)


def test_message_over_max_message_payload_size_fails_with_1009() -> None:
    server = open_server(ServerOptions(max_message_payload_size=10))
    server.receive_data(frame(1, b"0123456789"))
    server.receive_data(frame(1, b"01234", fin=False) + frame(0, b"56789", fin=False))
    assert server.events_received() == [MessageReceived(b"0123456789", False)]
    server.receive_data(frame(0, b"X"))
    assert_close_sent(server, 1009)


def test_unfragmented_message_over_the_limit_fails_before_its_payload() -> None:
    client = open_client(ClientOptions(max_message_payload_size=1000))
    client.receive_data(frame(2, bytes(5000), mask=None)[:4])
    assert_close_sent(client, 1009)


def test_invalid_utf8_in_a_text_message_fails_with_1007() -> None:
    # RFC 6455 8.1: an endpoint MUST fail the connection on invalid UTF-8 text
    server = open_server()
    server.receive_data(frame(1, "κόσμε".encode() + b"\xed\xa0\x80"))  # a UTF-16 surrogate
    assert_close_sent(server, 1007)
    assert closed_event(server.events_received()).was_clean is False


@pytest.mark.parametrize("bad", [b"\xc0\xaf", b"\xe0\x80\xaf", b"\xf4\x90\x80\x80", b"\xff",
                                 b"\x80", b"\xf8\x88\x80\x80\x80"])
def test_overlong_and_out_of_range_sequences_fail(bad: bytes) -> None:
    server = open_server()
    server.receive_data(frame(1, b"ok" + bad))
    assert_close_sent(server, 1007)


def test_utf8_is_validated_across_fragments() -> None:
    euro = "€".encode()  # 3 bytes split over three frames
    server = open_server()
    server.receive_data(frame(1, euro[:1], fin=False) + frame(0, euro[1:2], fin=False)
                        + frame(0, euro[2:]))
    assert server.events_received() == [MessageReceived(euro, False)]


def test_utf8_fails_fast_inside_a_fragment_before_it_is_complete() -> None:
    # Autobahn|Testsuite 6.4: fail at the first invalid byte, not at the end of the message
    server = open_server()
    server.receive_data(frame(1, b"good", fin=False))
    wire = frame(0, b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xf4\x90\x80\x80" + bytes(1000))
    server.receive_data(wire[:30])  # the bad byte has arrived, most of the frame has not
    assert_close_sent(server, 1007)
    assert server.state is State.CLOSED


def test_text_ending_inside_a_sequence_fails() -> None:
    server = open_server()
    server.receive_data(frame(1, b"abc\xe2\x82", fin=False) + frame(0, b""))
    assert_close_sent(server, 1007)


def test_validation_can_be_switched_off() -> None:
    server = open_server(ServerOptions(utf8_validate_incoming=False))
    server.receive_data(frame(1, b"\xff\xfe") + frame(1, b"\xff", fin=False) + frame(0, b"\xfe"))
    assert server.events_received() == [MessageReceived(b"\xff\xfe", False),
                                        MessageReceived(b"\xff\xfe", False)]


def test_binary_messages_are_not_validated() -> None:
    server = open_server()
    server.receive_data(frame(2, b"\xff\xfe"))
    assert server.events_received() == [MessageReceived(b"\xff\xfe", True)]


def test_large_text_messages_use_the_incremental_validator() -> None:
    text = ("Grüße, κόσμε, 你好! " * 500).encode()
    server = open_server()
    server.receive_data(frame(1, text))
    assert server.events_received() == [MessageReceived(text, False)]
    server.receive_data(frame(1, text + b"\xc3"))
    assert_close_sent(server, 1007)


def test_a_big_frame_arriving_in_pieces_is_read_as_it_comes() -> None:
    client = open_client()
    payload = bytes(range(256)) * 4096  # 1 MiB
    wire = frame(2, payload, mask=None)
    for start in range(0, len(wire), 65536):
        client.receive_data(wire[start : start + 65536])
        # consumed bytes are dropped as they are read: the buffer never holds the whole frame
        assert client._parser is not None and len(client._parser.buf) <= 65536
    assert client.events_received() == [MessageReceived(payload, True)]
    assert drain(client).data == b""
