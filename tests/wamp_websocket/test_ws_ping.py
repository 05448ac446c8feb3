"""Ping/pong (RFC 6455 5.5.2, 5.5.3) and auto-ping through the timer API."""

from __future__ import annotations

import pytest
from wamp_websocket import (
    ClientOptions,
    PingReceived,
    PongReceived,
    ServerConnection,
    ServerOptions,
    State,
    WebSocketTimeout,
)
from ws_helpers import Pair, closed_event, drain, frame, open_client, open_server, request


def test_ping_is_answered_with_a_pong_carrying_its_payload() -> None:
    # RFC 6455 5.5.3: a Pong answers a Ping with the same application data
    server = open_server()
    server.receive_data(frame(9, b"are you there"))
    assert server.events_received() == [PingReceived(b"are you there")]
    (pong,) = drain(server).frames()
    assert (pong.opcode, pong.payload) == (10, b"are you there")


def test_application_ping_and_pong_round_trip() -> None:
    pair = Pair()
    pair.client.send_ping(b"123")
    pair.pump()
    assert pair.take("server") == [PingReceived(b"123")]
    assert pair.take("client") == [PongReceived(b"123")]
    pair.server.send_pong(b"unsolicited")  # RFC 6455 5.5.3: a unidirectional heartbeat
    pair.pump()
    assert pair.take("client") == [PongReceived(b"unsolicited")]
    assert pair.take("server") == []


def test_ping_payload_is_at_most_125_bytes() -> None:
    # RFC 6455 5.5: control frames carry at most 125 bytes
    server = open_server()
    server.send_ping(bytes(125))
    with pytest.raises(ValueError):
        server.send_ping(bytes(126))
    with pytest.raises(ValueError):
        server.send_pong(bytes(126))


def test_no_pong_once_closing() -> None:
    server = open_server()
    server.send_close(1000)
    drain(server)
    server.receive_data(frame(9, b"late ping"))
    assert server.events_received() == [PingReceived(b"late ping")]
    assert drain(server).frames() == []


def auto_ping_server(**options: object) -> ServerConnection:
    server = open_server(ServerOptions(auto_ping_interval=10, auto_ping_timeout=3,
                                       **options))  # type: ignore[arg-type]
    return server


def test_auto_ping_is_armed_at_open() -> None:
    server = ServerConnection(ServerOptions(auto_ping_interval=10))
    server.receive_data(request())
    server.accept()
    assert server.timers() == [("open_handshake", 5.0), ("open_handshake", None),
                               ("auto_ping", 10.0)]


def test_auto_ping_sends_a_ping_and_waits_for_its_pong() -> None:
    server = auto_ping_server(auto_ping_size=20)
    server.timer_expired("auto_ping")
    (ping,) = drain(server).frames()
    assert ping.opcode == 9 and len(ping.payload) == 20
    assert server.timers() == [("auto_ping_timeout", 3.0)]
    server.receive_data(frame(10, ping.payload))
    assert server.events_received() == [PongReceived(ping.payload)]
    # the pong cancels the deadline and plans the next ping
    assert server.timers() == [("auto_ping_timeout", None), ("auto_ping", 10.0)]


def test_auto_ping_timeout_drops_the_connection() -> None:
    server = auto_ping_server(auto_ping_restart_on_any_traffic=False)
    server.timer_expired("auto_ping")
    drain(server)
    server.receive_data(frame(1, b"traffic is not a pong"))
    server.receive_data(frame(10, b"wrong payload"))
    server.timer_expired("auto_ping_timeout")
    assert server.data_to_send() == [b""]
    event = closed_event(server.events_received())
    assert (event.code, event.was_clean, event.initiated_by_peer) == (1006, False, False)
    assert isinstance(server.failure, WebSocketTimeout)
    assert server.failure.timer == "auto_ping_timeout"


def test_any_traffic_restarts_the_ping_cycle_by_default() -> None:
    # Autobahn's autoPingRestartOnAnyTraffic=True: incoming data proves the peer alive
    server = auto_ping_server()
    server.timer_expired("auto_ping")
    drain(server)
    server.timers()
    server.receive_data(frame(1, b"hello"))
    assert server.timers() == [("auto_ping_timeout", None), ("auto_ping", 10.0)]
    server.timer_expired("auto_ping_timeout")  # stale: ignored
    assert server.state is State.OPEN


def test_auto_ping_without_timeout_keeps_pinging_after_each_pong() -> None:
    client = open_client(ClientOptions(auto_ping_interval=1))
    client.timer_expired("auto_ping")
    (ping,) = drain(client).frames()
    assert client.timers() == []
    client.receive_data(frame(10, ping.payload, mask=None))
    assert client.timers() == [("auto_ping", 1.0)]


def test_auto_ping_after_close_does_nothing() -> None:
    server = auto_ping_server()
    server.timers()
    server.send_close(1000)
    assert server.timers() == [("auto_ping", None), ("close_handshake", 1.0)]
    drain(server)
    server.timer_expired("auto_ping")  # cancelled when closing: stale
    assert drain(server).data == b""
