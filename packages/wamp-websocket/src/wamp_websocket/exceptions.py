"""Exceptions of the WebSocket engine.

Peer errors never escape ``receive_data``: the engine records them in ``conn.failure`` and
answers them (a close code, an HTTP error). Caller misuse raises at once::

    WebSocketError
    ├── ProtocolError          the peer broke RFC 6455 / RFC 7692 (carries the close code)
    │   └── PayloadTooBig      a frame or message went past a configured limit (1009)
    ├── HandshakeError         the opening handshake failed (carries the HTTP status, if any)
    ├── WebSocketTimeout       a deadline passed (opening/closing handshake, auto-ping)
    ├── ConnectionDeny         raised by a server application to refuse a connection
    └── InvalidStateError      the caller used the connection in a state that forbids it
                               (also a RuntimeError)
"""

from __future__ import annotations

__all__ = [
    "ConnectionDeny",
    "HandshakeError",
    "InvalidStateError",
    "PayloadTooBig",
    "ProtocolError",
    "WebSocketError",
    "WebSocketTimeout",
]


class WebSocketError(Exception):
    """Base class of every exception of this package."""


class ProtocolError(WebSocketError):
    """The peer violated the protocol; ``code`` is the close code we answered with."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"{reason} (close code {code})")
        self.code = code
        self.reason = reason


class PayloadTooBig(ProtocolError):
    """A frame or message exceeded ``maxFramePayloadSize`` / ``maxMessagePayloadSize``."""

    def __init__(self, reason: str) -> None:
        super().__init__(1009, reason)


class HandshakeError(WebSocketError):
    """The opening handshake failed; ``status`` is the HTTP status involved, if any."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason if status is None else f"{reason} (HTTP {status})")
        self.reason = reason
        self.status = status


class WebSocketTimeout(WebSocketError):
    """A deadline passed; ``timer`` names it (``open_handshake``, ``auto_ping_timeout`` ...)."""

    def __init__(self, timer: str, reason: str) -> None:
        super().__init__(reason)
        self.timer = timer
        self.reason = reason


class ConnectionDeny(WebSocketError):
    """Refuse a WebSocket connection request with an HTTP status ``code`` and a ``reason``.

    Same name, constants and constructor as Autobahn's ``ConnectionDeny``.
    """

    BAD_REQUEST = 400
    FORBIDDEN = 403
    NOT_FOUND = 404
    NOT_ACCEPTABLE = 406
    REQUEST_TIMEOUT = 408
    INTERNAL_SERVER_ERROR = 500
    NOT_IMPLEMENTED = 501
    SERVICE_UNAVAILABLE = 503

    def __init__(self, code: int, reason: str | None = None) -> None:
        super().__init__(code, reason)
        self.code = code
        self.reason = reason


class InvalidStateError(WebSocketError, RuntimeError):
    """The operation is not allowed in the connection's current state (caller misuse)."""
