"""Events that ``events_received()`` returns, in the order they happened.

A connection produces, in order: at most one ``HandshakeCompleted`` or ``HandshakeFailed``
(neither when the caller closes during the handshake); then any number of
``MessageReceived``, ``PingReceived`` and ``PongReceived``; and finally one
``ConnectionClosed`` when the I/O layer reports the end of the stream (``receive_eof``).

The three per-frame events are plain slotted dataclasses rather than frozen ones: a frozen
dataclass takes about twice as long to build, and one is built for every frame. Treat all
events as read-only values.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ConnectionClosed",
    "Event",
    "HandshakeCompleted",
    "HandshakeFailed",
    "MessageReceived",
    "PingReceived",
    "PongReceived",
]


@dataclass(frozen=True, slots=True)
class HandshakeCompleted:
    """The opening handshake succeeded; messages may flow both ways."""

    serializer_id: int
    """The serializer both sides use (the client's choice)."""
    peer_max_length: int
    """The largest message the peer accepts: ``send_message`` refuses larger ones."""
    own_max_length: int
    """The largest message we accept: a larger frame fails the connection."""


@dataclass(frozen=True, slots=True)
class HandshakeFailed:
    """The opening handshake failed; the connection is closing."""

    error_code: int | None
    """The error reply's code (a ``HandshakeErrorCode`` when the spec defines it), or None
    when no error reply was exchanged (bad magic octet, timeout, stream ended...)."""
    reason: str
    """A readable explanation."""
    sent_by_peer: bool
    """True when the peer sent the error reply (a client refused by its server)."""


@dataclass(slots=True)
class MessageReceived:
    """A regular WAMP message (frame type 0): the serialized octets."""

    payload: bytes


@dataclass(slots=True)
class PingReceived:
    """A ping (frame type 1); the engine has already queued the pong echoing it."""

    payload: bytes


@dataclass(slots=True)
class PongReceived:
    """A pong (frame type 2)."""

    payload: bytes


@dataclass(frozen=True, slots=True)
class ConnectionClosed:
    """The stream ended (after ``receive_eof``); the connection is CLOSED."""

    reason: str
    """Who closed and why."""
    was_clean: bool
    """False when a failure was recorded or the stream ended inside a frame."""


Event = (
    HandshakeCompleted
    | HandshakeFailed
    | MessageReceived
    | PingReceived
    | PongReceived
    | ConnectionClosed
)
"""Any event of this package."""
