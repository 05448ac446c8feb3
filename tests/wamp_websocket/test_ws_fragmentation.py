"""Fragmentation (RFC 6455 5.4), control frames inside messages, and the frame-level APIs."""

from __future__ import annotations

import pytest
from wamp_websocket import (
    ClientOptions,
    FrameBegin,
    FrameData,
    FrameEnd,
    InvalidStateError,
    MessageBegin,
    MessageEnd,
    MessageReceived,
    PingReceived,
    ServerOptions,
)
from ws_helpers import (
    Pair,
    assert_close_sent,
    drain,
    frame,
    open_client,
    open_server,
)


def test_fragmented_text_message_is_reassembled() -> None:
    # RFC 6455 5.4: a first frame with the opcode, continuations with 0, the last with FIN
    server = open_server()
    server.receive_data(frame(1, b"Hel", fin=False) + frame(0, b"lo ", fin=False)
                        + frame(0, b"world"))
    assert server.events_received() == [MessageReceived(b"Hello world", False)]


def test_control_frames_interleave_with_fragments() -> None:
    # RFC 6455 5.4: control frames MAY be injected in the middle of a fragmented message
    server = open_server()
    server.receive_data(frame(2, b"\x01", fin=False) + frame(9, b"ping")
                        + frame(0, b"\x02", fin=False) + frame(10, b"pong") + frame(0, b"\x03"))
    events = server.events_received()
    assert [type(e).__name__ for e in events] == ["PingReceived", "PongReceived",
                                                  "MessageReceived"]
    assert events[2] == MessageReceived(b"\x01\x02\x03", True)
    (pong,) = drain(server).frames()
    assert (pong.opcode, pong.payload) == (10, b"ping")


def test_continuation_without_a_message_fails() -> None:
    # RFC 6455 5.4: a continuation frame needs a message in progress
    server = open_server()
    server.receive_data(frame(0, b"x"))
    assert_close_sent(server, 1002)


def test_new_data_frame_inside_a_fragmented_message_fails() -> None:
    # RFC 6455 5.4: the fragments of one message are not interleaved with another's
    server = open_server()
    server.receive_data(frame(1, b"a", fin=False) + frame(1, b"b"))
    assert_close_sent(server, 1002)


def test_fragmented_control_frame_fails() -> None:
    # RFC 6455 5.5: control frames MUST NOT be fragmented
    server = open_server()
    server.receive_data(frame(9, b"p", fin=False))
    assert_close_sent(server, 1002)


def test_control_frame_over_125_bytes_fails() -> None:
    # RFC 6455 5.5: control frame payloads are at most 125 bytes
    server = open_server()
    server.receive_data(frame(9, bytes(126)))
    assert_close_sent(server, 1002)


def test_empty_fragments_and_empty_messages() -> None:
    server = open_server()
    server.receive_data(frame(1, b"") + frame(2, b"", fin=False) + frame(0, b"", fin=False)
                        + frame(0, b""))
    assert server.events_received() == [MessageReceived(b"", False), MessageReceived(b"", True)]


def test_auto_fragment_size_splits_outgoing_messages() -> None:
    server = open_server(ServerOptions(auto_fragment_size=4))
    server.send_message("abcdefghij")
    frames = drain(server).frames()
    assert [(f.opcode, f.fin, f.payload) for f in frames] == [
        (1, False, b"abcd"), (0, False, b"efgh"), (0, True, b"ij")]


def test_fragment_size_argument_overrides_the_option() -> None:
    pair = Pair(client_options=ClientOptions(auto_fragment_size=2))
    pair.client.send_message(b"123456", is_binary=True, fragment_size=0)
    assert len(drain(pair.client).frames()) == 1
    pair.client.send_message(b"123456", is_binary=True, fragment_size=3)
    pair.pump()
    assert pair.take("server") == [MessageReceived(b"123456", True)]


def test_frame_events_report_each_frame() -> None:
    server = open_server(ServerOptions(frame_events=True))
    server.receive_data(frame(1, b"ab", fin=False) + frame(9, b"") + frame(0, b"cd"))
    assert server.events_received() == [
        MessageBegin(False), FrameBegin(2), FrameData(b"ab"), FrameEnd(),
        PingReceived(b""),
        FrameBegin(2), FrameData(b"cd"), FrameEnd(), MessageEnd(),
    ]


def test_frame_events_deliver_a_large_frame_as_it_arrives() -> None:
    server = open_server(ServerOptions(frame_events=True))
    wire = frame(2, bytes(range(100)) * 10)
    server.receive_data(wire[:10])
    assert server.events_received() == [MessageBegin(True), FrameBegin(1000),
                                        FrameData(bytes(range(2)))]  # 8-byte header
    server.receive_data(wire[10:])
    events = server.events_received()
    assert isinstance(events[0], FrameData) and events[-2:] == [FrameEnd(), MessageEnd()]


def test_streaming_send_api_whole_frames() -> None:
    # Autobahn's beginMessage / sendMessageFrame / endMessage
    pair = Pair()
    pair.client.begin_message(is_binary=True)
    pair.client.send_message_frame(b"ab")
    pair.client.send_message_frame(b"cd")
    pair.client.end_message()
    frames = drain(pair.client).frames()
    assert [(f.opcode, f.fin, f.payload) for f in frames] == [
        (2, False, b"ab"), (0, False, b"cd"), (0, True, b"")]


def test_streaming_send_api_frame_in_pieces() -> None:
    # Autobahn's beginMessageFrame / sendMessageFrameData
    client = open_client()
    client.begin_message()
    client.begin_message_frame(5)
    assert client.send_message_frame_data(b"he") == 3
    client.send_ping(b"held back")  # must not cut into the frame
    assert client.send_message_frame_data(b"llo!!") == -2
    client.end_message()
    frames = drain(client).frames()
    assert [(f.opcode, f.fin, f.payload) for f in frames] == [
        (1, False, b"hello"), (9, True, b"held back"), (0, True, b"")]


def test_streaming_send_api_misuse_raises() -> None:
    client = open_client()
    with pytest.raises(InvalidStateError):
        client.send_message_frame(b"x")
    client.begin_message()
    with pytest.raises(InvalidStateError):
        client.send_message("other")
    with pytest.raises(InvalidStateError):
        client.send_message_frame_data(b"x")
    client.begin_message_frame(2)
    with pytest.raises(InvalidStateError):
        client.end_message()
