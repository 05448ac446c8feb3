"""The client's opening handshake (RFC 6455 4.1, 4.2.2) and the HTTP CONNECT proxy."""

from __future__ import annotations

import pytest
from wamp_websocket import (
    ClientConnection,
    ClientOptions,
    ConnectionOpened,
    HandshakeError,
    HandshakeFailed,
    InvalidStateError,
    MessageReceived,
    ProxyConnected,
    State,
)
from wamp_websocket.handshake import accept_key
from ws_helpers import accept_bytes, closed_event, drain, frame


def request_of(client: ClientConnection) -> tuple[str, dict[str, str]]:
    head = drain(client).data.decode()
    assert head.endswith("\r\n\r\n")
    lines = head[:-4].split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(": ")
        headers[name.lower()] = value
    return lines[0], headers


def test_request_carries_every_header() -> None:
    # RFC 6455 4.1: GET, Host, Upgrade, Connection, Sec-WebSocket-Key/Version, options
    client = ClientConnection(host="example.com", port=9000, resource="/ws?x=1",
                              origin="http://example.com", protocols=["wamp.2.json", "b"],
                              headers={"X-Token": "t"}, useragent="agent/1")
    line, headers = request_of(client)
    assert line == "GET /ws?x=1 HTTP/1.1"
    assert headers["host"] == "example.com:9000"
    assert headers["upgrade"] == "websocket" and headers["connection"] == "Upgrade"
    assert headers["sec-websocket-version"] == "13"
    assert headers["sec-websocket-key"] == client.key and len(client.key) == 24
    assert headers["origin"] == "http://example.com"
    assert headers["sec-websocket-protocol"] == "wamp.2.json, b"
    assert headers["x-token"] == "t" and headers["user-agent"] == "agent/1"
    assert "sec-websocket-extensions" not in headers


def test_host_header_leaves_out_the_default_port_and_brackets_ipv6() -> None:
    assert request_of(ClientConnection(host="a.b"))[1]["host"] == "a.b"
    assert request_of(ClientConnection(host="a.b", secure=True))[1]["host"] == "a.b"
    assert request_of(ClientConnection(host="a.b", port=443))[1]["host"] == "a.b:443"
    assert request_of(ClientConnection(host="::1", port=8080))[1]["host"] == "[::1]:8080"


def test_draft_versions_send_version_8_and_sec_websocket_origin() -> None:
    client = ClientConnection(ClientOptions(version=10), origin="http://o")
    headers = request_of(client)[1]
    assert headers["sec-websocket-version"] == "8" and headers["sec-websocket-origin"] == "http://o"


def test_keys_are_fresh() -> None:
    assert len({ClientConnection().key for _ in range(10)}) == 10


def test_from_url() -> None:
    client = ClientConnection.from_url("wss://example.com/path?q=1", protocols=["p"])
    assert (client.host, client.port, client.resource, client.secure) == (
        "example.com", 443, "/path?q=1", True)
    with pytest.raises(ValueError):
        ClientConnection.from_url("http://example.com")


def test_valid_response_opens_and_following_frames_are_read() -> None:
    client = ClientConnection(protocols=["a", "b"])
    drain(client)
    client.receive_data(accept_bytes(client.key, "Sec-WebSocket-Protocol: b\r\n")
                        + frame(1, b"welcome", mask=None))
    events = client.events_received()
    assert isinstance(events[0], ConnectionOpened) and events[0].subprotocol == "b"
    assert events[0].headers["sec-websocket-accept"] == accept_key(client.key)
    assert events[1] == MessageReceived(b"welcome", False)
    assert client.state is State.OPEN and client.subprotocol == "b"
    assert client.timers() == [("open_handshake", 5.0), ("open_handshake", None)]


def fails_with(response: bytes, status: int | None = None, **kwargs: object) -> str:
    client = ClientConnection(**kwargs)  # type: ignore[arg-type]
    drain(client)
    client.receive_data(response.replace(b"{accept}", accept_key(client.key).encode()))
    events = client.events_received()
    assert isinstance(events[0], HandshakeFailed), events
    assert events[0].status == status
    assert closed_event(events).was_clean is False
    assert client.data_to_send() == [b""]
    assert isinstance(client.failure, HandshakeError)
    return events[0].reason


OK = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"


@pytest.mark.parametrize("response", [
    b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Accept: {accept}\r\n\r\n",
    b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
    b"Sec-WebSocket-Accept: {accept}\r\n\r\n",
    OK + b"\r\n",
    OK + b"Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n",
    OK + b"Sec-WebSocket-Accept: {accept}\r\nSec-WebSocket-Accept: {accept}\r\n\r\n",
    OK + b"Sec-WebSocket-Accept: {accept}\r\nSec-WebSocket-Protocol: nope\r\n\r\n",
    OK + b"Sec-WebSocket-Accept: {accept}\r\nSec-WebSocket-Extensions: x-custom\r\n\r\n",
    OK + b"Sec-WebSocket-Accept: {accept}\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
    b"HTTP/1.0 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Accept: {accept}\r\n\r\n",
    b"garbage\r\n\r\n",
    b"HTTP/1.1 1O1 Bad\r\n\r\n",
    OK + b"broken header line\r\n\r\n",
])
def test_bad_responses_fail_the_connection(response: bytes) -> None:
    # RFC 6455 4.1: "the client MUST _Fail the WebSocket Connection_" for each of these
    assert fails_with(response)


def test_non_101_status_reports_the_status() -> None:
    reason = fails_with(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n", 403)
    assert reason == "WebSocket connection upgrade failed: 403 Forbidden"


def test_oversized_response_fails() -> None:
    assert "longer than" in fails_with(b"HTTP/1.1 101 OK\r\n" + b"X: y\r\n" * 20000)


def test_eof_before_the_response_fails_the_handshake() -> None:
    client = ClientConnection()
    drain(client)
    client.receive_eof()
    events = client.events_received()
    assert isinstance(events[0], HandshakeFailed)
    assert closed_event(events).code == 1006


def test_open_handshake_timeout() -> None:
    client = ClientConnection()
    client.timer_expired("open_handshake")
    assert closed_event(client.events_received()).reason == "opening handshake timeout"
    assert client.data_to_send()[-1] == b""


# -- HTTP CONNECT proxy ------------------------------------------------------------------------


def test_proxy_connect_then_handshake() -> None:
    client = ClientConnection(host="target.example", port=9000, proxy={"host": "p", "port": 3128})
    assert drain(client).data == (b"CONNECT target.example:9000 HTTP/1.1\r\n"
                                  b"Host: target.example:9000\r\n\r\n")
    client.receive_data(b"HTTP/1.1 200 Connection established\r\n\r\n")
    assert client.events_received() == [ProxyConnected(False)]
    assert drain(client).data.startswith(b"GET / HTTP/1.1\r\n")
    client.receive_data(accept_bytes(client.key))
    assert isinstance(client.events_received()[0], ConnectionOpened)


def test_proxy_response_and_handshake_response_in_one_chunk() -> None:
    client = ClientConnection(proxy={"host": "p", "port": 1})
    drain(client)
    client.receive_data(b"HTTP/1.0 200 OK\r\n\r\n" + accept_bytes(client.key))
    events = client.events_received()
    assert events[0] == ProxyConnected(False) and isinstance(events[1], ConnectionOpened)


def test_proxy_refusal_fails_with_its_status() -> None:
    client = ClientConnection(proxy={"host": "p", "port": 1})
    drain(client)
    client.receive_data(b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n")
    events = client.events_received()
    assert events[0] == HandshakeFailed(
        "HTTP proxy CONNECT failed: 407 Proxy Authentication Required", 407)
    assert client.data_to_send() == [b""]


def test_proxy_to_a_secure_server_waits_for_tls() -> None:
    client = ClientConnection(secure=True, proxy={"host": "p", "port": 1})
    drain(client)
    with pytest.raises(InvalidStateError):
        client.start_handshake()
    client.receive_data(b"HTTP/1.1 200 OK\r\n\r\n")
    assert client.events_received() == [ProxyConnected(True)]
    assert drain(client).data == b""  # the I/O layer starts TLS first ...
    client.start_handshake()  # ... then lets the handshake go
    assert drain(client).data.startswith(b"GET / HTTP/1.1")
