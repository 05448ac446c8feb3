"""The server's opening handshake (RFC 6455 4.2) and every way a request can fail."""

from __future__ import annotations

import pytest
from wamp_websocket import (
    ConnectionOpened,
    ConnectRequest,
    HandshakeError,
    HandshakeFailed,
    InvalidStateError,
    MessageReceived,
    ServerConnection,
    ServerOptions,
    State,
)
from ws_helpers import RFC_ACCEPT, RFC_KEY, closed_event, drain, frame, request, response_head


def answer(server: ServerConnection) -> tuple[str, dict[str, str], bytes, bool]:
    wire = drain(server)
    status, headers, body = response_head(wire.data)
    return status, headers, body, wire.closed


def assert_http_error(data: bytes, status: int, options: ServerOptions | None = None,
                      **kwargs: object) -> dict[str, str]:
    server = ServerConnection(options, **kwargs)  # type: ignore[arg-type]
    server.receive_data(data)
    line, headers, body, closed = answer(server)
    assert line.startswith(f"HTTP/1.1 {status} "), line
    assert closed, "the connection closes after an HTTP error"
    events = server.events_received()
    assert isinstance(events[0], HandshakeFailed) and events[0].status == status
    assert closed_event(events).was_clean is False
    assert isinstance(server.failure, HandshakeError) and server.state is State.CLOSED
    assert body.startswith(str(status).encode())
    return headers


def test_rfc_example_handshake() -> None:
    # RFC 6455 1.3 / 4.2.2: Sec-WebSocket-Accept = base64(SHA-1(key + GUID))
    server = ServerConnection(server=None)
    server.receive_data(request(RFC_KEY, path="/chat?a=1&a=2&b=x",
                                extra=[("Sec-WebSocket-Protocol", "chat, superchat"),
                                       ("Origin", "http://example.com")]))
    (event,) = server.events_received()
    assert isinstance(event, ConnectRequest)
    assert (event.path, event.params, event.host) == ("/chat", {"a": ["1", "2"], "b": ["x"]},
                                                      "example.com")
    assert event.protocols == ["chat", "superchat"] and event.version == 13
    assert event.origin == "http://example.com"
    assert event.headers["sec-websocket-key"] == RFC_KEY
    assert server.data_to_send() == []  # nothing until the application decides
    server.accept("chat", {"X-Extra": ["1", "2"], "X-One": "v"})
    line, headers, _, closed = answer(server)
    assert line == "HTTP/1.1 101 Switching Protocols" and not closed
    assert headers["sec-websocket-accept"] == RFC_ACCEPT
    assert headers["sec-websocket-protocol"] == "chat"
    assert headers["upgrade"].lower() == "websocket" and headers["connection"] == "Upgrade"
    assert headers["x-one"] == "v" and "server" not in headers
    (opened,) = server.events_received()
    assert isinstance(opened, ConnectionOpened) and opened.subprotocol == "chat"
    assert server.state is State.OPEN


def test_repeated_extra_header_values_are_all_sent() -> None:
    server = ServerConnection(headers={"Set-Cookie": ["a=1", "b=2"]})
    server.receive_data(request())
    server.accept()
    assert drain(server).data.count(b"Set-Cookie:") == 2


def test_request_in_single_bytes_and_pipelined_frames() -> None:
    data = request() + frame(1, b"early")
    server = ServerConnection()
    for i in range(len(data)):
        server.receive_data(data[i : i + 1])
    assert isinstance(server.events_received()[0], ConnectRequest)
    server.accept()
    events = server.events_received()
    assert events[1] == MessageReceived(b"early", False)


def test_data_before_the_answer_is_bounded() -> None:
    server = ServerConnection(ServerOptions(max_handshake_size=1000))
    server.receive_data(request())
    server.receive_data(frame(2, bytes(2000)))
    assert drain(server).data.startswith(b"HTTP/1.1 400 ")
    server.accept()  # the application answers late: nothing happens
    assert server.state is State.CLOSED


def test_accept_checks_the_subprotocol_and_the_state() -> None:
    server = ServerConnection()
    with pytest.raises(InvalidStateError):
        server.accept()
    server.receive_data(request(extra=[("Sec-WebSocket-Protocol", "a")]))
    with pytest.raises(ValueError):
        server.accept("b")
    server.accept("a")
    with pytest.raises(InvalidStateError):
        server.accept("a")
    with pytest.raises(InvalidStateError):
        server.reject(403)


def test_reject_sends_the_status_and_headers() -> None:
    # Autobahn: raise ConnectionDeny(403, "go away") in onConnect
    server = ServerConnection()
    server.receive_data(request())
    server.events_received()
    server.reject(403, "go away", {"X-Why": "policy"})
    line, headers, body, closed = answer(server)
    assert line == "HTTP/1.1 403 Forbidden" and headers["x-why"] == "policy" and closed
    assert body == b"403 go away\n"
    events = server.events_received()
    assert events[0] == HandshakeFailed("go away", 403)
    server = ServerConnection()
    server.receive_data(request())
    with pytest.raises(ValueError):
        server.reject(200)


def test_accept_and_reject_after_close_are_no_ops() -> None:
    server = ServerConnection()
    server.receive_data(request())
    server.timer_expired("open_handshake")
    server.accept()
    server.reject(400)
    assert server.data_to_send() == [b""]


@pytest.mark.parametrize(("data", "status"), [
    (b"POST / HTTP/1.1\r\nHost: x\r\n\r\n", 405),
    (b"GET / HTTP/1.0\r\nHost: x\r\n\r\n", 505),
    (b"GET /\r\nHost: x\r\n\r\n", 400),
    (b"GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    (request(drop=("Host",)), 400),
    (request(extra=[("Host", "second.example")]), 400),
    (request(extra=[("Upgrade", "h2c")], drop=("Upgrade",)), 400),
    (request(drop=("Connection",)), 400),
    (request(extra=[("Connection", "keep-alive")], drop=("Connection",)), 400),
    (request(drop=("Sec-WebSocket-Key",)), 400),
    (request("short"), 400),
    (request("not base64 at all!!!!!!="), 400),
    (request(extra=[("Sec-WebSocket-Key", RFC_KEY)]), 400),
    (request(path="/x#frag"), 400),
    (request(extra=[("Sec-WebSocket-Protocol", "a, b, a")]), 400),
    (request(extra=[("Sec-WebSocket-Extensions", 'x; y="unterminated')]), 400),
    (request(extra=[("Sec-WebSocket-Version", "13")]), 400),
    (b"GET / HTTP/1.1\r\nHost: x\r\nbad line\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\nHost: x\r\n folded: value\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400),
])
def test_bad_requests_get_an_http_error(data: bytes, status: int) -> None:
    assert_http_error(data, status)


@pytest.mark.parametrize("version", ["", "12", "7", "abc"])
def test_unsupported_version_says_which_versions_we_speak(version: str) -> None:
    # RFC 6455 4.2.2 / 4.4: 426 with Sec-WebSocket-Version listing the versions
    data = request(version=version) if version else request(drop=("Sec-WebSocket-Version",))
    headers = assert_http_error(data, 426)
    assert headers["sec-websocket-version"] == "13, 8"


def test_version_8_is_accepted_and_can_be_switched_off() -> None:
    server = ServerConnection()
    server.receive_data(request(version="8"))
    assert server.events_received()[0].version == 8  # type: ignore[union-attr]
    assert_http_error(request(version="8"), 426, ServerOptions(versions=(13,)))


def test_oversized_requests_get_431() -> None:
    options = ServerOptions(max_handshake_size=1024)
    assert_http_error(b"GET / HTTP/1.1\r\n" + b"X: " + b"a" * 2000, 431, options)
    assert_http_error(request(extra=[("X-Big", "a" * 2000)]), 431, options)
    many = request(extra=[(f"X-{i}", "v") for i in range(300)])
    assert_http_error(many, 431)


def test_plain_get_gets_the_status_page() -> None:
    # Autobahn's webStatus: a GET without Upgrade answers a small HTML page
    server = ServerConnection()
    server.receive_data(request(drop=("Upgrade", "Connection")))
    line, headers, body, closed = answer(server)
    assert line == "HTTP/1.1 200 OK" and closed and b"WebSocket endpoint" in body
    assert int(headers["content-length"]) == len(body)
    assert closed_event(server.events_received()).code == 1006
    assert server.failure is None


def test_plain_get_without_web_status_gets_426() -> None:
    headers = assert_http_error(request(drop=("Upgrade",)), 426, ServerOptions(web_status=False))
    assert headers["upgrade"] == "websocket"


def test_status_page_redirects() -> None:
    server = ServerConnection()
    server.receive_data(request(path="/?redirect=https%3A%2F%2Fexample.org%2F",
                                drop=("Upgrade",)))
    line, headers, _, _ = answer(server)
    assert line == "HTTP/1.1 303 See Other" and headers["location"] == "https://example.org/"
    server = ServerConnection()
    server.receive_data(request(path="/?redirect=https%3A%2F%2Fexample.org%2F&after=3",
                                drop=("Upgrade",)))
    _, _, body, _ = answer(server)
    assert b"content=\"3;URL='https://example.org/'\"" in body
    server = ServerConnection()
    server.receive_data(request(path="/?redirect=javascript:alert(1)", drop=("Upgrade",)))
    assert b"Location" not in drain(server).data


def test_flash_policy_request_is_served_when_enabled() -> None:
    server = ServerConnection(ServerOptions(serve_flash_socket_policy=True))
    server.receive_data(b"<policy-file-request/>\x00")
    wire = drain(server)
    assert wire.data.startswith(b"<cross-domain-policy>") and wire.closed


def test_x_forwarded_for_is_trusted_only_when_configured() -> None:
    forwarded = [("X-Forwarded-For", "1.1.1.1, 2.2.2.2, 3.3.3.3")]
    for trusted, peer in ((0, "tcp4:9.9.9.9:1"), (1, "3.3.3.3"), (2, "2.2.2.2"),
                          (5, "1.1.1.1")):
        server = ServerConnection(ServerOptions(trust_x_forwarded_for=trusted),
                                  peer="tcp4:9.9.9.9:1")
        server.receive_data(request(extra=forwarded))
        assert server.events_received()[0].peer == peer  # type: ignore[union-attr]


def test_external_port_must_match_the_host_header() -> None:
    data = request(drop=("Host",), extra=[("Host", "example.com:9000")])
    assert_http_error(data, 400, external_port=8080)
    server = ServerConnection(external_port=9000)
    server.receive_data(data)
    assert server.events_received()[0].host == "example.com"  # type: ignore[union-attr]


def test_header_names_are_case_insensitive() -> None:
    data = (b"GET / HTTP/1.1\r\nhOsT: x\r\nUPGRADE: WebSocket\r\n"
            b"connection: keep-alive, UPGRADE\r\nsec-websocket-key: " + RFC_KEY.encode()
            + b"\r\nSEC-WEBSOCKET-VERSION: 13\r\n\r\n")
    server = ServerConnection()
    server.receive_data(data)
    assert isinstance(server.events_received()[0], ConnectRequest)


def test_open_handshake_timeout_drops_the_connection() -> None:
    server = ServerConnection()
    assert server.timers() == [("open_handshake", 5.0)]
    server.receive_data(b"GET / HT")
    server.timer_expired("open_handshake")
    assert server.data_to_send() == [b""]
    assert closed_event(server.events_received()).reason == "opening handshake timeout"
    server.timer_expired("open_handshake")  # stale: ignored
    assert server.events_received() == []


def test_open_handshake_timer_is_cancelled_on_open() -> None:
    server = ServerConnection(ServerOptions(open_handshake_timeout=0))
    assert server.timers() == []
    server = ServerConnection()
    server.receive_data(request())
    server.accept()
    assert server.timers() == [("open_handshake", 5.0), ("open_handshake", None)]


def test_eof_during_the_handshake_closes() -> None:
    server = ServerConnection()
    server.receive_data(b"GET /")
    server.receive_eof()
    assert closed_event(server.events_received()).code == 1006
    assert server.data_to_send() == [b""]
