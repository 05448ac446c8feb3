"""The opening handshake (RFC 6455 4): pure functions over parsed HTTP heads.

Server: :func:`check_request` validates a client's upgrade request (RFC 6455 4.2.1) and the
origin policy, raising :class:`HttpError` with the status to answer. Client:
:func:`build_request` and :func:`check_response` (RFC 6455 4.1, 4.2.2), plus the HTTP CONNECT
exchange with a proxy (RFC 7231 4.3.6).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from wamp_websocket._http import HttpError, HttpHead, build_head, header_tokens
from wamp_websocket.compress import (
    PerMessageDeflate,
    PerMessageDeflateOffer,
    ResponseAcceptor,
    accept_response,
)
from wamp_websocket.exceptions import HandshakeError
from wamp_websocket.extensions import ExtensionParams, parse_extensions
from wamp_websocket.options import ServerOptions

__all__ = [
    "GUID",
    "NoUpgrade",
    "Request",
    "accept_key",
    "build_connect",
    "build_request",
    "check_connect_response",
    "check_request",
    "check_response",
    "host_header",
    "new_key",
    "origin_allowed",
]

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 1.3
_SPEC_TO_VERSION = {10: 8, 11: 8, 12: 8, 13: 13, 14: 13, 15: 13, 16: 13, 17: 13, 18: 13}


def accept_key(key: str) -> str:
    """``Sec-WebSocket-Accept`` for ``key``: base64(SHA-1(key + GUID)) (RFC 6455 4.2.2)."""
    return base64.b64encode(hashlib.sha1((key + GUID).encode("ascii")).digest()).decode()


def new_key() -> str:
    """A fresh ``Sec-WebSocket-Key``: 16 random bytes, base64 (RFC 6455 4.1)."""
    return base64.b64encode(os.urandom(16)).decode()


@dataclass(slots=True)
class Request:
    """A valid opening handshake request, as the server saw it."""

    head: HttpHead
    headers: dict[str, str]
    host: str
    path: str
    params: dict[str, list[str]]
    version: int
    origin: str | None
    protocols: list[str]
    extensions: list[tuple[str, ExtensionParams]]
    key: str
    peer: str


@dataclass(slots=True)
class NoUpgrade(Exception):
    """A plain HTTP GET without ``Upgrade``: the server may answer with its status page."""

    path: str
    params: dict[str, list[str]] = field(default_factory=dict)


def _single(head: HttpHead, name: str, required: bool = True) -> str | None:
    count = head.count(name)
    if count > 1:
        raise HttpError(f"HTTP {name} header appears more than once")
    if count == 0:
        if required:
            raise HttpError(f"HTTP {name} header missing")
        return None
    value = head.get(name)
    return None if value is None else value.strip()


def _request_line(head: HttpHead) -> tuple[str, dict[str, list[str]]]:
    parts = head.start_line.split(" ")
    if len(parts) != 3:
        raise HttpError(f"bad HTTP request line {head.start_line!r}")
    method, target, version = parts
    if method != "GET":
        raise HttpError(f"HTTP method {method!r} not allowed", 405)
    if version != "HTTP/1.1":
        raise HttpError(f"unsupported HTTP version {version!r}", 505)
    try:
        split = urlsplit(target)
        params = parse_qs(split.query)
    except ValueError:
        raise HttpError(f"bad request target {target!r}")
    if split.fragment:
        # RFC 6455 3: fragment identifiers MUST NOT be used in WebSocket URIs
        raise HttpError("the request target has a fragment identifier")
    return split.path or "/", params


def _host(head: HttpHead, external_port: int | None) -> str:
    host = _single(head, "Host") or ""
    if not host:
        raise HttpError("HTTP Host header is empty")
    name, sep, port = host.rpartition(":")
    if sep and not host.endswith("]"):
        if not port.isdigit():
            raise HttpError(f"invalid port in HTTP Host header {host!r}")
        if external_port and int(port) != external_port:
            raise HttpError(f"port {port} in HTTP Host header does not match {external_port}")
        return name
    return host


def _origin_forms(origin: str) -> list[str] | None:
    """The forms an origin is matched in: as sent, as ``scheme://host:port``, and without a
    default port; None for a null origin."""
    if origin.lower() == "null":
        return None
    try:
        split = urlsplit(origin)
        port = split.port
    except ValueError:
        raise HttpError(f"invalid HTTP Origin header {origin!r}")
    scheme = split.scheme.lower()
    if scheme == "file":
        return None  # browsers send file:// or null for local pages
    if not split.hostname:
        raise HttpError(f"no host in HTTP Origin header {origin!r}")
    default = {"http": 80, "https": 443, "ws": 80, "wss": 443}.get(scheme)
    bare = f"{scheme}://{split.hostname}"
    port = port or default
    forms = [origin, bare if port is None else f"{bare}:{port}"]
    if port == default:
        forms.append(bare)
    return forms


def origin_allowed(origin: str, options: ServerOptions) -> bool:
    """Apply ``allowedOrigins`` (wildcard patterns) and ``allowNullOrigin`` (RFC 6455 10.2)."""
    forms = _origin_forms(origin)
    if forms is None:
        return options.allow_null_origin
    return any(p.match(form) for p in options.allowed_origins_patterns for form in forms)


def _forwarded_peer(head: HttpHead, trusted: int, peer: str) -> str:
    value = head.get("X-Forwarded-For")
    if not trusted or not value:
        return peer
    addresses = [item.strip() for item in value.split(",") if item.strip()]
    # each trusted proxy appends the address it saw: the nth from the end is the client
    return addresses[-trusted] if len(addresses) >= trusted else addresses[0]


def _key(head: HttpHead) -> str:
    key = _single(head, "Sec-WebSocket-Key") or ""
    try:
        raw = base64.b64decode(key.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raw = b""
    if len(raw) != 16:  # RFC 6455 4.1: base64 of 16 bytes
        raise HttpError(f"bad Sec-WebSocket-Key {key!r}")
    return key


def _version(head: HttpHead, versions: Sequence[int]) -> int:
    text = _single(head, "Sec-WebSocket-Version", required=False) or ""
    supported = ", ".join(str(v) for v in sorted(versions, reverse=True))
    if not text.isdigit() or int(text) not in versions:
        # RFC 6455 4.2.2 / 4.4: say which versions we speak
        error = HttpError(f"WebSocket version {text!r} not supported", 426)
        error.headers.append(("Sec-WebSocket-Version", supported))
        raise error
    return int(text)


def _protocols(head: HttpHead) -> list[str]:
    protocols = [p.strip() for p in (head.get("Sec-WebSocket-Protocol") or "").split(",")]
    protocols = [p for p in protocols if p]
    if len(set(protocols)) != len(protocols):
        raise HttpError("duplicate subprotocol in Sec-WebSocket-Protocol")
    return protocols


def check_request(head: HttpHead, options: ServerOptions, peer: str,
                  external_port: int | None = None) -> Request:
    """Validate a client's opening handshake; raise HttpError (or NoUpgrade)."""
    path, params = _request_line(head)
    host = _host(head, external_port)
    peer = _forwarded_peer(head, options.trust_x_forwarded_for, peer)
    if head.get("Upgrade") is None:
        raise NoUpgrade(path, params)
    if "websocket" not in header_tokens(head.get("Upgrade")):
        raise HttpError(f"HTTP Upgrade header is not websocket: {head.get('Upgrade')!r}")
    if "upgrade" not in header_tokens(head.get("Connection")):
        raise HttpError("HTTP Connection header does not include upgrade")
    version = _version(head, options.versions)
    protocols = _protocols(head)
    origin = _single(head, "Origin" if version >= 13 else "Sec-WebSocket-Origin", False)
    if origin is not None and not origin_allowed(origin, options):
        raise HttpError(f"WebSocket connection denied: origin {origin!r} not allowed", 403)
    key = _key(head)
    try:
        extensions = parse_extensions(head.get("Sec-WebSocket-Extensions") or "")
    except ValueError as exc:
        raise HttpError(str(exc))
    return Request(head, head.combined(), host, path, params, version, origin, protocols,
                   extensions, key, peer)


# -- client -----------------------------------------------------------------------------------


def host_header(host: str, port: int, secure: bool) -> str:
    """The Host value: IPv6 literals bracketed, the port left out when it is the default."""
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return host if port == (443 if secure else 80) else f"{host}:{port}"


def build_request(host: str, port: int, secure: bool, resource: str, key: str,
                  origin: str | None, protocols: Sequence[str], useragent: str | None,
                  headers: Sequence[tuple[str, str]], extensions: Sequence[str],
                  spec_version: int) -> bytes:
    """The client's opening handshake request (RFC 6455 4.1)."""
    version = _SPEC_TO_VERSION[spec_version]
    fields = [("Host", host_header(host, port, secure))]
    if useragent:
        fields.append(("User-Agent", useragent))
    fields += [
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Pragma", "no-cache"),
        ("Cache-Control", "no-cache"),
        *headers,
        ("Sec-WebSocket-Key", key),
    ]
    if origin:
        fields.append(("Origin" if version >= 13 else "Sec-WebSocket-Origin", origin))
    if protocols:
        fields.append(("Sec-WebSocket-Protocol", ", ".join(protocols)))
    if extensions:
        fields.append(("Sec-WebSocket-Extensions", ", ".join(extensions)))
    fields.append(("Sec-WebSocket-Version", str(version)))
    return build_head(f"GET {resource} HTTP/1.1", fields)


def _status(head: HttpHead) -> tuple[int, str]:
    version, _, rest = head.start_line.partition(" ")
    code, _, reason = rest.partition(" ")
    if not version.startswith("HTTP/1.") or len(code) != 3 or not code.isdigit():
        raise HandshakeError(f"bad HTTP status line {head.start_line!r}")
    return int(code), reason


def _response_single(head: HttpHead, name: str) -> str | None:
    if head.count(name) > 1:
        raise HandshakeError(f"HTTP {name} header appears more than once in the response")
    value = head.get(name)
    return None if value is None else value.strip()


def check_response(head: HttpHead, key: str, protocols: Sequence[str],
                   offers: Sequence[PerMessageDeflateOffer],
                   acceptor: ResponseAcceptor | None
                   ) -> tuple[str | None, PerMessageDeflate | None, list[str]]:
    """Validate the server's answer (RFC 6455 4.2.2, 4.1 steps 1-6).

    Returns the subprotocol, the permessage-deflate codec and the extension entries in use;
    raises HandshakeError.
    """
    status, reason = _status(head)
    if status != 101:
        raise HandshakeError(f"WebSocket connection upgrade failed: {status} {reason}".strip(),
                             status)
    if not head.start_line.startswith("HTTP/1.1 "):
        raise HandshakeError(f"unsupported HTTP version in {head.start_line!r}")
    if "websocket" not in header_tokens(head.get("Upgrade")):
        raise HandshakeError("HTTP Upgrade header missing or not websocket")
    if "upgrade" not in header_tokens(head.get("Connection")):
        raise HandshakeError("HTTP Connection header does not include upgrade")
    if _response_single(head, "Sec-WebSocket-Accept") != accept_key(key):
        raise HandshakeError("HTTP Sec-WebSocket-Accept missing or wrong")
    text = head.get("Sec-WebSocket-Extensions") or ""
    try:
        entries = parse_extensions(text)
        codec = accept_response(entries, offers, acceptor)
    except Exception as exc:  # a bad header, or the application's acceptor failed
        raise HandshakeError(f"Sec-WebSocket-Extensions refused: {exc}")
    subprotocol = _response_single(head, "Sec-WebSocket-Protocol") or None
    if subprotocol is not None and subprotocol not in protocols:
        raise HandshakeError(f"the server selected subprotocol {subprotocol!r}, not requested")
    return subprotocol, codec, [text.strip()] if codec is not None else []


def build_connect(host: str, port: int) -> bytes:
    """An HTTP CONNECT request to tunnel through a proxy to ``host:port`` (RFC 7231 4.3.6)."""
    name = f"[{host}]" if ":" in host and not host.startswith("[") else host
    authority = f"{name}:{port}"
    return build_head(f"CONNECT {authority} HTTP/1.1", [("Host", authority)])


def check_connect_response(head: HttpHead) -> None:
    """Raise HandshakeError unless the proxy answered 2xx."""
    status, reason = _status(head)
    if not 200 <= status < 300:
        raise HandshakeError(f"HTTP proxy CONNECT failed: {status} {reason}".strip(), status)
