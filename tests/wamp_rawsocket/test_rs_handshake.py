"""The 4-octet opening handshake, client and server back to back."""

from __future__ import annotations

import pytest
from rs_helpers import (
    ALL_SERIALIZERS,
    assert_handshake_failed,
    assert_opened,
    client_and_server,
    finish,
    handshake,
    open_pair,
    transfer,
)
from wamp_rawsocket import (
    ClientConnection,
    HandshakeErrorCode,
    HandshakeRefused,
    IncompleteHandshake,
    InvalidHandshake,
    InvalidOptions,
    InvalidState,
    MessageReceived,
    ServerConnection,
    State,
    encode_error_reply,
)

EXPONENTS = range(16)


def test_client_request_octets() -> None:
    client = ClientConnection(2, max_length_exponent=7)
    # 0x7F, LLLL=7 SSSS=2, reserved zeros
    assert client.data_to_send() == [b"\x7f\x72\x00\x00"]
    assert client.state is State.CONNECTING


def test_server_reply_octets() -> None:
    server = ServerConnection([3], max_length_exponent=4)
    server.receive_data(b"\x7f\xf3\x00\x00")
    assert server.data_to_send() == [b"\x7f\x43\x00\x00"]
    assert server.state is State.OPEN


@pytest.mark.parametrize("serializer", ALL_SERIALIZERS)
@pytest.mark.parametrize("exponent", EXPONENTS)
def test_every_serializer_and_length_exponent(serializer: int, exponent: int) -> None:
    other = 15 - exponent
    client, server = client_and_server(
        serializer,
        client={"max_length_exponent": exponent},
        server={"max_length_exponent": other},
    )
    handshake(client, server)
    c_open, s_open = assert_opened(client), assert_opened(server)
    assert c_open.serializer_id == s_open.serializer_id == serializer
    assert c_open.own_max_length == s_open.peer_max_length == 2 ** (9 + exponent)
    assert c_open.peer_max_length == s_open.own_max_length == 2 ** (9 + other)
    # the largest message each side may send arrives whole
    to_server = bytes(range(256)) * (2 ** (1 + other))
    to_client = b"\x5a" * 2 ** (9 + exponent)
    client.send_message(to_server)
    server.send_message(to_client)
    transfer(client, server)
    transfer(server, client)
    assert server.events_received() == [MessageReceived(to_server)]
    assert client.events_received() == [MessageReceived(to_client)]


@pytest.mark.parametrize("serializer", [6, 15])
def test_future_serializer_ids_negotiate(serializer: int) -> None:
    client, server = open_pair(serializer, accepted=(serializer,))
    assert client.serializer_id == server.serializer_id == serializer
    assert repr(client) == f"<ClientConnection OPEN serializer=serializer {serializer}>"


# -- error replies: the server sends them, the client reports them ------------------------


def _refused(client: ClientConnection, server: ServerConnection, code: int) -> None:
    transfer(client, server)
    assert_handshake_failed(server, code, by_peer=False, failure=HandshakeRefused)
    assert server.data_to_send() == [encode_error_reply(code), b""]
    client.receive_data(encode_error_reply(code))
    event = assert_handshake_failed(client, code, by_peer=True, failure=HandshakeRefused)
    assert isinstance(client.failure, HandshakeRefused)
    assert client.failure.code == code and client.failure.sent_by_peer
    assert event.reason.startswith(f"the peer refused the connection: error {code}, ")
    assert client.data_to_send() == [b""]


def test_serializer_unsupported() -> None:
    client, server = client_and_server(2, accepted=(3, 1))
    _refused(client, server, HandshakeErrorCode.SERIALIZER_UNSUPPORTED)
    assert "we accept cbor (3), json (1)" in str(server.failure)
    assert "msgpack" in str(server.failure)
    assert str(client.failure) == (
        "the peer refused the connection: error 1, serializer unsupported "
        "(we asked for msgpack, id 2)"
    )


def test_max_length_unacceptable() -> None:
    client, server = client_and_server(
        1, client={"max_length_exponent": 2}, server={"min_peer_max_length_exponent": 3}
    )
    _refused(client, server, HandshakeErrorCode.MAX_LENGTH_UNACCEPTABLE)
    assert "at most 2048 octets, below the 4096 we require" in str(server.failure)
    assert "we accept messages of at most 2048 octets" in str(client.failure)


def test_reserved_bits_used() -> None:
    server = ServerConnection([1], open_handshake_timeout=None)
    server.receive_data(b"\x7f\xf1\x00\x01")
    assert_handshake_failed(
        server, HandshakeErrorCode.RESERVED_BITS_USED, by_peer=False, failure=HandshakeRefused
    )
    assert "reserved octets (0x0001)" in str(server.failure)
    assert server.data_to_send() == [b"\x7f\x30\x00\x00", b""]
    client = ClientConnection(1, open_handshake_timeout=None)
    client.receive_data(b"\x7f\x30\x00\x00")
    event = assert_handshake_failed(client, 3, by_peer=True, failure=HandshakeRefused)
    assert "use of reserved bits" in event.reason


@pytest.mark.parametrize("late", [False, True])
def test_max_connections_reached(late: bool) -> None:
    client, server = client_and_server(3, server={"max_connections_reached": not late})
    if late:
        server.reject_max_connections()
    _refused(client, server, HandshakeErrorCode.MAX_CONNECTIONS_REACHED)
    assert "maximum connection count reached" in str(client.failure)


def test_reject_max_connections_after_open_is_misuse() -> None:
    _, server = open_pair()
    with pytest.raises(InvalidState, match="CONNECTING"):
        server.reject_max_connections()


def test_illegal_serializer_zero_is_refused_as_unsupported() -> None:
    server = ServerConnection([1, 2], open_handshake_timeout=None)
    server.receive_data(b"\x7f\xf0\x00\x00")
    assert_handshake_failed(server, 1, by_peer=False, failure=HandshakeRefused)
    assert "illegal serializer id 0" in str(server.failure)
    assert server.data_to_send() == [b"\x7f\x10\x00\x00", b""]


@pytest.mark.parametrize("code", [0, *range(5, 16)])
def test_client_reports_undefined_error_codes(code: int) -> None:
    client = ClientConnection(1, open_handshake_timeout=None)
    client.receive_data(bytes([0x7F, code << 4, 0, 0]))
    event = assert_handshake_failed(client, code, by_peer=True, failure=HandshakeRefused)
    expected = "illegal error code 0" if code == 0 else f"unknown error code {code}"
    assert expected in event.reason


# -- handshake octets that break the spec -------------------------------------------------


def test_server_fails_bad_magic_without_reply() -> None:
    server = ServerConnection([1], open_handshake_timeout=None)
    server.receive_data(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert_handshake_failed(server, None, by_peer=False, failure=InvalidHandshake)
    assert "0x47" in str(server.failure) and "HTTP request" in str(server.failure)
    assert server.data_to_send() == [b""]


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        (b"HTTP/1.1 400 Bad Request\r\n", ["0x48", "WebSocket endpoint"]),
        (b"\x00\x00\x00\x00", ["0x00", "magic 0x7f"]),
        (b"\x7f\xf1\x01\x00", ["reserved octets (0x0100)"]),
        (b"\x7f\xf2\x00\x00", ["accepted serializer msgpack (2)", "asked for json (1)"]),
        (b"\x7f\x01\x00\x00", ["at most 512 octets, below the 1024 we require"]),
    ],
)
def test_client_fails_bad_reply(reply: bytes, words: list[str]) -> None:
    client = ClientConnection(
        1, open_handshake_timeout=None, min_peer_max_length_exponent=1
    )
    client.data_to_send()
    client.receive_data(reply)
    assert_handshake_failed(client, None, by_peer=False, failure=InvalidHandshake)
    for word in words:
        assert word in str(client.failure)
    assert client.data_to_send() == [b""]


@pytest.mark.parametrize("side", ["client", "server"])
def test_stream_ends_during_handshake(side: str) -> None:
    client, server = client_and_server(1)
    conn = client if side == "client" else server
    conn.receive_data(b"\x7f\x01")
    conn.receive_eof()
    events = conn.events_received()
    assert isinstance(conn.failure, IncompleteHandshake)
    assert "2 of 4 octets" in str(conn.failure)
    assert [type(e).__name__ for e in events] == ["HandshakeFailed", "ConnectionClosed"]
    assert events[-1].was_clean is False  # type: ignore[union-attr]
    assert conn.state is State.CLOSED


def test_handshake_and_frames_in_one_chunk() -> None:
    client, server = client_and_server(3)
    transfer(client, server)
    reply = b"".join(server.data_to_send())
    server.send_message(b"first")
    server.send_message(b"second")
    client.receive_data(reply + b"".join(server.data_to_send()))
    events = client.events_received()
    assert events[1:] == [MessageReceived(b"first"), MessageReceived(b"second")]
    assert_opened(server)


def test_client_pipelined_request_and_frames() -> None:
    """A client may send frames right after its request; the server reads them after it."""
    server = ServerConnection([1], open_handshake_timeout=None)
    server.receive_data(b"\x7f\xf1\x00\x00" + b"\x00\x00\x00\x02[]")
    events = server.events_received()
    assert events[1:] == [MessageReceived(b"[]")]


def test_handshake_byte_at_a_time() -> None:
    client, server = client_and_server(4)
    for octet in b"".join(client.data_to_send()):
        assert server.state is State.CONNECTING
        server.receive_data(bytes([octet]))
    for octet in b"".join(server.data_to_send()):
        assert client.state is State.CONNECTING
        client.receive_data(bytes([octet]))
    assert_opened(client)
    assert_opened(server)


def test_events_after_refusal_end_with_connection_closed() -> None:
    client, server = client_and_server(2, accepted=(1,))
    _refused(client, server, 1)
    closed = finish(client)
    assert closed.was_clean is False
    assert closed.reason == str(client.failure)


# -- caller misuse -------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [0, 16, -1, True, "3", 2.0])
def test_client_rejects_bad_serializer_id(bad: object) -> None:
    with pytest.raises(InvalidOptions, match="serializer id"):
        ClientConnection(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [-1, 16, True, 1.5])
def test_bad_length_exponent(bad: object) -> None:
    with pytest.raises(InvalidOptions, match="max_length_exponent"):
        ClientConnection(1, max_length_exponent=bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidOptions, match="max_length_exponent"):
        ServerConnection([1], max_length_exponent=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("ids", "words"),
    [
        ([], "at least one"),
        ([1, 1], "twice"),
        ([0], "not a serializer id"),
        ([1, 16], "not a serializer id"),
        ("json", "sequence of ints"),
        (3, "sequence of ints"),
    ],
)
def test_server_rejects_bad_serializer_ids(ids: object, words: str) -> None:
    with pytest.raises(InvalidOptions, match=words):
        ServerConnection(ids)  # type: ignore[arg-type]


def test_send_before_open_is_misuse() -> None:
    client, _ = client_and_server()
    with pytest.raises(InvalidState, match="CONNECTING"):
        client.send_message(b"x")
    with pytest.raises(InvalidState, match="CONNECTING"):
        client.send_ping()
