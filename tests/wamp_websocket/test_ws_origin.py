"""Origin checks (RFC 6455 4.2.1 item 8, 10.2) with Autobahn's allowedOrigins patterns."""

from __future__ import annotations

import re

import pytest
from wamp_websocket import ConnectRequest, HandshakeFailed, ServerConnection, ServerOptions
from ws_helpers import drain, request


def outcome(options: ServerOptions, origin: str | None, header: str = "Origin",
            version: str = "13") -> int:
    """The HTTP status the server answers (0: the request reached the application)."""
    server = ServerConnection(options)
    extra = [] if origin is None else [(header, origin)]
    server.receive_data(request(extra=extra, version=version))
    event = server.events_received()[0]
    if isinstance(event, ConnectRequest):
        return 0
    assert isinstance(event, HandshakeFailed) and event.status is not None
    assert drain(server).closed
    return event.status


@pytest.mark.parametrize(("patterns", "origin", "status"), [
    (["*"], "https://anything.example:1234", 0),
    (["*"], None, 0),  # non-browser clients may leave Origin out
    (["https://example.com"], "https://example.com", 0),
    (["https://example.com"], "https://example.com:443", 0),
    (["https://example.com:443"], "https://example.com", 0),
    (["https://example.com"], "http://example.com", 403),
    (["https://example.com"], "https://evil.com", 403),
    (["https://*.example.com"], "https://app.example.com", 0),
    (["https://*.example.com"], "https://example.com.evil.com", 403),
    (["http://localhost:*"], "http://localhost:8080", 0),
    (["http://localhost:*"], "http://localhost", 0),  # matched as http://localhost:80
    (["a", "https://b.org"], "https://b.org", 0),
    ([], "https://b.org", 403),
])
def test_allowed_origins_wildcards(patterns: list[str], origin: str | None, status: int) -> None:
    assert outcome(ServerOptions(allowed_origins=patterns), origin) == status


@pytest.mark.parametrize(("allow_null", "origin", "status"), [
    (True, "null", 0),
    (False, "null", 403),
    (True, "file:///home/page.html", 0),  # browsers send file:// or null for local pages
    (False, "file:///home/page.html", 403),
])
def test_null_origin(allow_null: bool, origin: str, status: int) -> None:
    options = ServerOptions(allow_null_origin=allow_null)
    assert outcome(options, origin) == status


def test_null_origin_is_not_matched_by_wildcards() -> None:
    # as in Autobahn: only allowNullOrigin admits "null", whatever allowedOrigins says
    assert outcome(ServerOptions(allowed_origins=["*"], allow_null_origin=False), "null") == 403


@pytest.mark.parametrize("origin", ["http://", "not a url", "http://host:99999"])
def test_invalid_origin_is_a_bad_request(origin: str) -> None:
    assert outcome(ServerOptions(allowed_origins=["*"]), origin) == 400


def test_repeated_origin_is_a_bad_request() -> None:
    server = ServerConnection()
    server.receive_data(request(extra=[("Origin", "http://a"), ("Origin", "http://b")]))
    assert isinstance(server.events_received()[0], HandshakeFailed)


def test_version_8_uses_sec_websocket_origin() -> None:
    options = ServerOptions(allowed_origins=["http://good"])
    assert outcome(options, "http://evil", "Sec-WebSocket-Origin", "8") == 403
    assert outcome(options, "http://good", "Sec-WebSocket-Origin", "8") == 0
    assert outcome(options, "http://evil", "Origin", "8") == 0  # not the version-8 header


def test_explicit_patterns_and_set_protocol_options() -> None:
    options = ServerOptions()
    options.set_protocol_options(allowedOrigins=["https://*.example.com"], allowNullOrigin=True)
    assert outcome(options, "https://x.example.com") == 0
    assert outcome(options, "https://x.other.com") == 403
    options.set_protocol_options(allowedOriginsPatterns=[re.compile(r"^https://x\.other\.com")])
    assert outcome(options, "https://x.other.com") == 0
