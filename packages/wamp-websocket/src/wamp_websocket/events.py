"""Events the engine produces; drain them with ``conn.events_received()``.

Every connection ends with exactly one :class:`ConnectionClosed`. A server first reports a
:class:`ConnectRequest` and waits for ``accept()`` or ``reject()``; both sides report
:class:`ConnectionOpened` when the opening handshake completes. With ``frame_events=True``
the engine reports :class:`MessageBegin`, :class:`FrameBegin`, :class:`FrameData`,
:class:`FrameEnd` and :class:`MessageEnd` instead of one :class:`MessageReceived` per message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

__all__ = [
    "ConnectRequest",
    "ConnectionClosed",
    "ConnectionOpened",
    "Event",
    "FrameBegin",
    "FrameData",
    "FrameEnd",
    "HandshakeFailed",
    "MessageBegin",
    "MessageEnd",
    "MessageReceived",
    "PingReceived",
    "PongReceived",
    "ProxyConnected",
]

@dataclass(slots=True)
class ConnectRequest:
    """A server received a valid opening handshake request (Autobahn's ``ConnectionRequest``).

    Answer with ``conn.accept(subprotocol=None, headers=None)`` or
    ``conn.reject(status, reason, headers=None)``.
    """

    peer: str
    headers: dict[str, str]  # lower-case names; repeated headers joined with ", "
    host: str
    path: str
    params: dict[str, list[str]]
    version: int
    origin: str | None
    protocols: list[str]
    # the client's Sec-WebSocket-Extensions offers: (name, {parameter: [value or True, ...]})
    extensions: list[tuple[str, dict[str, list[str | bool]]]]
    raw_headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class ConnectionOpened:
    """The opening handshake completed; the connection is OPEN.

    On a server, ``headers``/``path``/``params`` describe the client's request; on a client,
    ``headers`` are the server's response headers and ``path``/``params`` those requested.
    """

    subprotocol: str | None
    extensions: list[str]  # the negotiated Sec-WebSocket-Extensions entries
    headers: dict[str, str]
    path: str
    params: dict[str, list[str]]
    peer: str
    version: int
    origin: str | None = None


@dataclass(slots=True)
class ProxyConnected:
    """A client's HTTP CONNECT proxy answered 2xx.

    When the connection is ``secure``, the I/O layer now starts TLS and then calls
    ``conn.start_handshake()``; otherwise the engine has already sent the opening handshake.
    """

    secure: bool


@dataclass(slots=True)
class HandshakeFailed:
    """The opening handshake failed (a :class:`ConnectionClosed` follows).

    ``status`` is the HTTP status we answered (server) or received (client), when there is one.
    """

    reason: str
    status: int | None = None


@dataclass(slots=True)
class MessageReceived:
    """A complete data message; ``data`` is the payload (UTF-8 bytes for a text message)."""

    data: bytes
    is_binary: bool


@dataclass(slots=True)
class MessageBegin:
    """Frame-event mode: a data message starts."""

    is_binary: bool


@dataclass(slots=True)
class FrameBegin:
    """Frame-event mode: a frame of the current message starts; ``length`` is its wire length."""

    length: int


@dataclass(slots=True)
class FrameData:
    """Frame-event mode: the next piece of the current frame's (decompressed) payload."""

    data: bytes


@dataclass(slots=True)
class FrameEnd:
    """Frame-event mode: the current frame is complete."""


@dataclass(slots=True)
class MessageEnd:
    """Frame-event mode: the current message is complete."""


@dataclass(slots=True)
class PingReceived:
    """A ping arrived; the engine has already queued the pong (while OPEN)."""

    data: bytes


@dataclass(slots=True)
class PongReceived:
    """A pong arrived (an answer to our ping, or unsolicited)."""

    data: bytes


@dataclass(slots=True)
class ConnectionClosed:
    """The WebSocket connection is closed (the last event of every connection).

    ``code``/``reason`` follow RFC 6455 7.1.5/7.1.6: after a clean closing handshake they are
    the peer's (1005 when its Close frame had no code); otherwise ``code`` is 1006 and
    ``reason`` says what happened. ``initiated_by_peer`` tells who started the close.
    """

    code: int
    reason: str
    was_clean: bool
    initiated_by_peer: bool


Event: TypeAlias = (
    ConnectRequest
    | ConnectionOpened
    | ProxyConnected
    | HandshakeFailed
    | MessageReceived
    | MessageBegin
    | FrameBegin
    | FrameData
    | FrameEnd
    | MessageEnd
    | PingReceived
    | PongReceived
    | ConnectionClosed
)
