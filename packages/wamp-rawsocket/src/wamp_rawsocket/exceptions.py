"""Every exception raised or recorded by ``wamp_rawsocket``.

Two families share one root. Errors of the *caller* (sending in the wrong state, a message
larger than the peer accepts, a bad option or URL) are raised at once. Errors of the *peer*
(a bad handshake, a bad frame, a missed pong) never escape ``receive_data``: the engine
records them in ``connection.failure``, asks the I/O layer to close, and reports an event.

::

    RawSocketError
    ├── InvalidState                 caller: the connection's state forbids the call
    ├── PayloadTooLarge (ValueError) caller: a message or ping above the peer's maximum
    ├── InvalidOptions (ValueError)  caller: a bad constructor argument or protocol option
    ├── InvalidURL (ValueError)      caller: a RawSocket URL that cannot be used
    └── ProtocolError                peer (recorded in ``failure``)
        ├── HandshakeError
        │   ├── InvalidHandshake     a handshake octet breaks the spec (magic, reserved, id)
        │   ├── HandshakeRefused     an error reply was sent (ours or the peer's); ``.code``
        │   ├── HandshakeTimeout     the ``open_handshake`` timer fired
        │   └── IncompleteHandshake  the stream ended inside the opening handshake
        ├── FrameError               a frame header breaks the spec (type, reserved bits)
        ├── FrameTooLarge            a frame longer than the maximum we announced
        ├── IncompleteFrame          the stream ended inside a frame
        └── PingTimeout              no pong for an automatic ping in time
"""

from __future__ import annotations

__all__ = [
    "FrameError",
    "FrameTooLarge",
    "HandshakeError",
    "HandshakeRefused",
    "HandshakeTimeout",
    "IncompleteFrame",
    "IncompleteHandshake",
    "InvalidHandshake",
    "InvalidOptions",
    "InvalidState",
    "InvalidURL",
    "PayloadTooLarge",
    "PingTimeout",
    "ProtocolError",
    "RawSocketError",
]


class RawSocketError(Exception):
    """Root of every exception of this package."""


class InvalidState(RawSocketError):
    """The call is not allowed in the connection's current state (caller misuse)."""


class PayloadTooLarge(RawSocketError, ValueError):
    """A payload is larger than the peer agreed to receive; nothing was queued."""

    def __init__(self, size: int, limit: int, what: str = "message") -> None:
        self.size = size
        self.limit = limit
        super().__init__(
            f"RawSocket {what} of {size} octets exceeds the peer's maximum of {limit} octets"
        )


class InvalidOptions(RawSocketError, ValueError):
    """A constructor argument or protocol option is unknown or out of range."""


class InvalidURL(RawSocketError, ValueError):
    """A RawSocket URL is malformed; the message names the URL and the problem."""

    def __init__(self, url: str, problem: str) -> None:
        self.url = url
        self.problem = problem
        super().__init__(f"invalid RawSocket URL {url!r}: {problem}")


class ProtocolError(RawSocketError):
    """The peer broke the RawSocket protocol (recorded, never raised to the caller)."""


class HandshakeError(ProtocolError):
    """The opening handshake did not complete."""


class InvalidHandshake(HandshakeError):
    """The peer's 4 handshake octets break the spec or do not match our request."""


class HandshakeRefused(HandshakeError):
    """An error reply ended the handshake.

    ``code`` is the spec's error code (see ``HandshakeErrorCode``); ``sent_by_peer`` is true
    on the client that received the reply and false on the server that sent it.
    """

    def __init__(self, code: int, description: str, *, sent_by_peer: bool) -> None:
        self.code = code
        self.description = description
        self.sent_by_peer = sent_by_peer
        who = "the peer refused the connection" if sent_by_peer else "we refused the client"
        super().__init__(f"{who}: error {code}, {description}")


class HandshakeTimeout(HandshakeError):
    """The opening handshake did not finish before the ``open_handshake`` timer fired."""


class IncompleteHandshake(HandshakeError):
    """The stream ended before the opening handshake finished."""


class FrameError(ProtocolError):
    """A frame header uses a reserved frame type or reserved bits."""


class FrameTooLarge(ProtocolError):
    """A frame announces a payload longer than the maximum we announced."""

    def __init__(self, size: int, limit: int) -> None:
        self.size = size
        self.limit = limit
        super().__init__(
            f"the peer sent a frame of {size} octets, above our maximum of {limit} octets"
        )


class IncompleteFrame(ProtocolError):
    """The stream ended in the middle of a frame."""


class PingTimeout(ProtocolError):
    """The peer did not answer an automatic ping before ``auto_ping_timeout``."""
