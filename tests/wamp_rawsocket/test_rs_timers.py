"""Deadlines the engine asks the I/O layer for: open handshake and automatic pings."""

from __future__ import annotations

import pytest
from rs_helpers import (
    assert_failed,
    assert_handshake_failed,
    client_and_server,
    finish,
    handshake,
    open_pair,
    transfer,
)
from wamp_rawsocket import (
    TIMER_AUTO_PING,
    TIMER_AUTO_PING_TIMEOUT,
    TIMER_OPEN_HANDSHAKE,
    ClientConnection,
    HandshakeTimeout,
    InvalidOptions,
    PingReceived,
    PingTimeout,
    PongReceived,
    ServerConnection,
    State,
    encode_frame_header,
)

AUTO = {"auto_ping_interval": 10.0, "auto_ping_timeout": 3.0, "auto_ping_size": 4}


# -- open handshake ------------------------------------------------------------------------


@pytest.mark.parametrize("side", ["client", "server"])
def test_open_handshake_timer_is_armed_by_default(side: str) -> None:
    conn = ClientConnection(1) if side == "client" else ServerConnection([1])
    assert conn.timers() == [(TIMER_OPEN_HANDSHAKE, 5.0)]
    assert conn.timers() == []  # drained


def test_open_handshake_timer_is_cancelled_on_open() -> None:
    client, server = client_and_server(
        1, client={"open_handshake_timeout": 2}, server={"open_handshake_timeout": 3}
    )
    assert client.timers() == [(TIMER_OPEN_HANDSHAKE, 2.0)]
    assert server.timers() == [(TIMER_OPEN_HANDSHAKE, 3.0)]
    handshake(client, server)
    assert client.timers() == [(TIMER_OPEN_HANDSHAKE, None)]
    assert server.timers() == [(TIMER_OPEN_HANDSHAKE, None)]
    client.timer_expired(TIMER_OPEN_HANDSHAKE)  # stale: ignored
    assert client.state is State.OPEN and client.failure is None


@pytest.mark.parametrize("side", ["client", "server"])
def test_open_handshake_timeout_fails(side: str) -> None:
    conn = (
        ClientConnection(1, open_handshake_timeout=1.5)
        if side == "client"
        else ServerConnection([1], open_handshake_timeout=1.5)
    )
    conn.data_to_send()
    conn.timers()
    conn.receive_data(b"\x7f")
    conn.timer_expired(TIMER_OPEN_HANDSHAKE)
    assert_handshake_failed(conn, None, by_peer=False, failure=HandshakeTimeout)
    assert str(conn.failure) == "the opening handshake did not finish within 1.5 s"
    assert conn.data_to_send() == [b""]
    assert conn.timers() == []  # the fired timer is no longer armed
    assert finish(conn).was_clean is False


def test_unknown_timer_name_is_ignored() -> None:
    client, _ = open_pair()
    client.timer_expired("close_handshake")
    client.timer_expired("no such timer")
    assert client.state is State.OPEN and client.timers() == []


# -- automatic ping -------------------------------------------------------------------------


def test_auto_ping_armed_after_handshake_only() -> None:
    client, server = client_and_server(1, client=AUTO)
    assert client.timers() == []
    handshake(client, server)
    assert client.timers() == [(TIMER_AUTO_PING, 10.0)]


def test_auto_ping_round_trip() -> None:
    client, server = open_pair(1, client=AUTO)
    client.timers()
    client.timer_expired(TIMER_AUTO_PING)
    assert client.timers() == [(TIMER_AUTO_PING_TIMEOUT, 3.0), (TIMER_AUTO_PING, 10.0)]
    # the payload is a 4-octet counter
    assert b"".join(client.data_to_send()) == encode_frame_header(1, 4) + b"\x00\x00\x00\x01"
    # the server answers automatically
    server.receive_data(encode_frame_header(1, 4) + b"\x00\x00\x00\x01")
    assert server.events_received() == [PingReceived(b"\x00\x00\x00\x01")]
    transfer(server, client)
    assert client.events_received() == [PongReceived(b"\x00\x00\x00\x01")]
    assert client.timers() == [(TIMER_AUTO_PING_TIMEOUT, None)]
    client.timer_expired(TIMER_AUTO_PING_TIMEOUT)  # stale after the pong: ignored
    assert client.state is State.OPEN
    client.timer_expired(TIMER_AUTO_PING)
    assert b"".join(client.data_to_send()).endswith(b"\x00\x00\x00\x02")


def test_auto_ping_timeout_fails_the_connection() -> None:
    client, server = open_pair(1, server=AUTO)
    server.timer_expired(TIMER_AUTO_PING)
    server.data_to_send()  # the ping is lost
    server.timers()
    server.timer_expired(TIMER_AUTO_PING_TIMEOUT)
    assert assert_failed(server, PingTimeout) == []
    assert str(server.failure) == "no pong for an automatic ping within 3 s"
    assert server.timers() == [(TIMER_AUTO_PING, None)]  # every armed timer cancelled
    closed = finish(server)
    assert not closed.was_clean and closed.reason == str(server.failure)
    del client


def test_wrong_pong_payload_does_not_count() -> None:
    client, _ = open_pair(1, client=AUTO)
    client.timer_expired(TIMER_AUTO_PING)
    client.timers()
    client.receive_data(encode_frame_header(2, 4) + b"\x00\x00\x00\x09")
    assert client.events_received() == [PongReceived(b"\x00\x00\x00\x09")]
    assert client.timers() == []  # the deadline stays armed
    client.timer_expired(TIMER_AUTO_PING_TIMEOUT)
    assert isinstance(client.failure, PingTimeout)


def test_no_second_ping_while_one_is_outstanding() -> None:
    client, _ = open_pair(1, client={**AUTO, "auto_ping_timeout": 30.0})
    client.timer_expired(TIMER_AUTO_PING)
    client.data_to_send()
    client.timers()
    client.timer_expired(TIMER_AUTO_PING)
    assert client.data_to_send() == []
    assert client.timers() == [(TIMER_AUTO_PING, 10.0)]  # only the interval re-armed


def test_auto_ping_without_timeout_keeps_pinging() -> None:
    client, _ = open_pair(1, client={"auto_ping_interval": 1, "auto_ping_size": 6})
    for n in (1, 2, 3):
        client.timer_expired(TIMER_AUTO_PING)
        assert b"".join(client.data_to_send()) == encode_frame_header(1, 6) + n.to_bytes(6, "big")
        assert client.timers() == [(TIMER_AUTO_PING, 1.0)]


def test_close_cancels_armed_timers() -> None:
    client, _ = open_pair(1, client=AUTO)
    client.timer_expired(TIMER_AUTO_PING)
    client.timers()
    client.data_to_send()
    client.close()
    assert sorted(client.timers()) == [(TIMER_AUTO_PING, None), (TIMER_AUTO_PING_TIMEOUT, None)]
    assert client.data_to_send() == [b""]
    client.timer_expired(TIMER_AUTO_PING)  # a late fire after close is ignored
    client.timer_expired(TIMER_AUTO_PING_TIMEOUT)
    assert client.data_to_send() == [] and client.failure is None


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("auto_ping_interval", -1, "positive"),
        ("auto_ping_timeout", float("inf"), "positive"),
        ("open_handshake_timeout", "5", "number of seconds"),
        ("auto_ping_size", 3, "between 4 and 512"),
        ("auto_ping_size", 513, "between 4 and 512"),
    ],
)
def test_bad_timer_arguments(key: str, value: object, words: str) -> None:
    with pytest.raises(InvalidOptions, match=f"{key}.*{words}"):
        ClientConnection(1, **{key: value})  # type: ignore[arg-type]


def test_zero_switches_a_deadline_off() -> None:
    client = ClientConnection(1, open_handshake_timeout=0)
    assert client.timers() == []
