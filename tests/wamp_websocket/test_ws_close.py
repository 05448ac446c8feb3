"""The closing handshake and close codes (RFC 6455 5.5.1, 7)."""

from __future__ import annotations

import pytest
from wamp_websocket import (
    ClientOptions,
    ConnectionClosed,
    InvalidStateError,
    MessageReceived,
    ServerConnection,
    ServerOptions,
    State,
)
from ws_helpers import (
    Pair,
    assert_close_sent,
    assert_dropped,
    close_frame,
    closed_event,
    drain,
    frame,
    open_client,
    open_server,
)

# RFC 6455 7.4.1/7.4.2 and the IANA registry: codes a Close frame may carry ...
VALID_CODES = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014,
               3000, 3999, 4000, 4999]
# ... and codes it may not (reserved, "never on the wire", out of range)
INVALID_CODES = [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535]


@pytest.mark.parametrize("code", VALID_CODES)
def test_valid_close_codes_are_answered_with_1000(code: int) -> None:
    # RFC 6455 5.5.1: an endpoint answers a Close frame; Autobahn's default answers 1000
    server = open_server()
    server.receive_data(close_frame(code, b"why"))
    assert_close_sent(server, 1000, transport_closed=True)
    assert closed_event(server.events_received()) == ConnectionClosed(code, "why", True, True)


@pytest.mark.parametrize("code", VALID_CODES)
def test_echo_close_code_reason_echoes(code: int) -> None:
    server = open_server(ServerOptions(echo_close_code_reason=True))
    server.receive_data(close_frame(code, b"because"))
    sent = assert_close_sent(server, code)
    assert sent.payload[2:] == b"because"


@pytest.mark.parametrize("code", INVALID_CODES)
def test_invalid_close_codes_fail_with_1002(code: int) -> None:
    # RFC 6455 7.4: a Close frame with a code not allowed on the wire is a protocol error
    server = open_server()
    server.receive_data(close_frame(code))
    assert_close_sent(server, 1002)
    event = closed_event(server.events_received())
    assert (event.code, event.was_clean) == (1006, False)


def test_close_without_a_code_reports_1005() -> None:
    # RFC 6455 7.1.5: no status code in the Close frame means code 1005
    server = open_server()
    server.receive_data(close_frame(None))
    assert_close_sent(server, 1000)
    assert closed_event(server.events_received()).code == 1005


def test_close_payload_of_one_byte_fails() -> None:
    # RFC 6455 5.5.1: a body starts with a 2-byte code
    server = open_server()
    server.receive_data(frame(8, b"\x03"))
    assert_close_sent(server, 1002)


def test_close_reason_must_be_utf8() -> None:
    # RFC 6455 5.5.1: the reason is UTF-8
    server = open_server()
    server.receive_data(close_frame(1000, b"\xff\xfe"))
    assert_close_sent(server, 1007)


def test_client_initiated_clean_close() -> None:
    # RFC 6455 7.1.1: the server closes the TCP connection first
    pair = Pair()
    pair.client.timers()
    pair.client.send_close(1000, "done")
    assert pair.client.state is State.CLOSING
    assert pair.client.timers() == [("close_handshake", 1.0)]
    pair.pump()
    assert pair.take("server") == [ConnectionClosed(1000, "done", True, True)]
    assert pair.take("client") == [ConnectionClosed(1000, "", True, False)]
    assert pair.server_closed_transport
    # the client armed server_drop after the handshake and cancelled it at the server's EOF
    assert pair.client.timers()[-2:] == [("server_drop", 1.0), ("server_drop", None)]
    assert pair.client.state is State.CLOSED and pair.server.state is State.CLOSED


def test_server_initiated_clean_close_client_waits_for_the_server_to_drop() -> None:
    pair = Pair()
    pair.server.send_close(4000, "bye")
    for chunk in pair.server.data_to_send():
        pair.client.receive_data(chunk)
    assert pair.client.events_received() == [ConnectionClosed(4000, "bye", True, True)]
    assert pair.client.timers()[-1] == ("server_drop", 1.0)
    reply = drain(pair.client)
    assert not reply.closed  # the client leaves the TCP close to the server ...
    pair.server.receive_data(reply.data)
    assert pair.server.events_received() == [ConnectionClosed(1000, "", True, False)]
    assert drain(pair.server).closed
    pair.client.timer_expired("server_drop")  # ... until serverConnectionDropTimeout passes
    assert pair.client.data_to_send() == [b""]


def test_client_closes_at_once_when_the_server_drops() -> None:
    client = open_client()
    client.receive_data(close_frame(1000, mask=None))
    drain(client)
    client.receive_eof()
    assert client.timers() == [("server_drop", 1.0), ("server_drop", None)]
    assert client.data_to_send() == [b""]


def test_client_with_zero_drop_timeout_closes_at_once() -> None:
    client = open_client(ClientOptions(server_connection_drop_timeout=0))
    client.receive_data(close_frame(1000, mask=None))
    assert drain(client).closed


def test_messages_still_arrive_while_closing() -> None:
    # RFC 6455 7.1.2: after sending Close, data may still arrive until the peer's Close
    server = open_server()
    server.send_close(1000)
    drain(server)
    server.receive_data(frame(1, b"late") + close_frame(1000))
    assert server.events_received() == [MessageReceived(b"late", False),
                                        ConnectionClosed(1000, "", True, False)]


def test_nothing_is_processed_after_the_close_frame() -> None:
    server = open_server()
    server.receive_data(close_frame(1000) + frame(1, b"after"))
    events = server.events_received()
    assert events == [ConnectionClosed(1000, "", True, True)]
    server.receive_data(frame(1, b"more"))
    assert server.events_received() == []


def test_send_close_validates_its_arguments() -> None:
    server = open_server()
    for code in (999, 1005, 1006, 1015, 5000):
        with pytest.raises(ValueError):
            server.send_close(code)
    with pytest.raises(ValueError):
        server.send_close(None, "a reason needs a code")


def test_send_close_truncates_the_reason_to_123_bytes() -> None:
    # RFC 6455 5.5: the whole control payload is at most 125 bytes
    server = open_server()
    server.send_close(1000, "é" * 100)
    sent = assert_close_sent(server, 1000)
    assert len(sent.payload) == 124 and sent.payload[2:].decode() == "é" * 61


def test_send_close_twice_is_a_no_op_and_sending_after_close_raises() -> None:
    server = open_server()
    server.send_close(1000)
    server.send_close(1001)
    assert len([f for f in drain(server).frames() if f.opcode == 8]) == 1
    with pytest.raises(InvalidStateError):
        server.send_message("too late")
    with pytest.raises(InvalidStateError):
        server.send_ping()


def test_close_during_the_opening_handshake_drops() -> None:
    server = ServerConnection()
    server.send_close()
    assert server.data_to_send() == [b""]
    assert closed_event(server.events_received()).code == 1006


def test_peer_dropping_tcp_is_an_unclean_close() -> None:
    server = open_server()
    server.receive_eof()
    event = closed_event(server.events_received())
    assert (event.code, event.was_clean, event.initiated_by_peer) == (1006, False, True)
    assert server.data_to_send() == [b""]


def test_peer_dropping_tcp_while_we_close_is_unclean_and_ours() -> None:
    server = open_server()
    server.send_close(1000)
    server.receive_eof()
    event = closed_event(server.events_received())
    assert (event.code, event.was_clean, event.initiated_by_peer) == (1006, False, False)


def test_close_handshake_timeout_drops_the_connection() -> None:
    server = open_server()
    server.send_close(1000)
    assert server.timers() == [("close_handshake", 1.0)]
    drain(server)
    server.timer_expired("close_handshake")
    assert server.data_to_send() == [b""]
    event = closed_event(server.events_received())
    assert (event.code, event.was_clean) == (1006, False)
    assert server.failure is not None and "closing handshake" in str(server.failure)


def test_fail_by_drop_false_waits_for_the_close_reply() -> None:
    # Autobahn's failByDrop=False: fail with a closing handshake instead of dropping
    server = open_server(ServerOptions(fail_by_drop=False))
    server.receive_data(frame(1, b"\xff"))
    assert_close_sent(server, 1007, transport_closed=False)
    assert server.state is State.CLOSING
    server.receive_data(frame(1, b"ignored") + close_frame(1007))
    assert server.events_received() == [ConnectionClosed(1007, "", True, False)]
    assert server.failure is not None and drain(server).closed


def test_fail_by_drop_false_reads_nothing_after_a_bad_frame() -> None:
    server = open_server(ServerOptions(fail_by_drop=False))
    server.receive_data(frame(1, b"x", mask=None))
    assert_close_sent(server, 1002, transport_closed=False)
    server.receive_data(close_frame(1002))  # the stream is out of sync: not read
    assert server.events_received() == []
    server.receive_eof()
    assert closed_event(server.events_received()).was_clean is False


def test_fail_by_drop_false_drops_on_a_second_error() -> None:
    server = open_server(ServerOptions(fail_by_drop=False))
    server.receive_data(frame(1, b"\xff"))
    assert_close_sent(server, 1007, transport_closed=False)
    server.receive_data(frame(7, b""))
    assert_dropped(server)
