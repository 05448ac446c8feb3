"""What the session machine reports: typed events, drained with ``events_received()``.

Session events::

    Welcomed(welcome)            WELCOME arrived: the session is open
    Challenged(challenge)        CHALLENGE arrived: answer with authenticate()
    Closed(kind, reason, ...)    the session (or its opening) ended; see CloseKind

Request and peer events::

    Reply(request_type, token, message)   the router answered one of our requests:
                                          RESULT (final or progressive), REGISTERED,
                                          UNREGISTERED, SUBSCRIBED, UNSUBSCRIBED,
                                          PUBLISHED, or ERROR
    Incoming(message, continued)          EVENT, INVOCATION (``continued``: a further
                                          chunk of a progressive invocation), INTERRUPT
    Revoked(message)                      UNSUBSCRIBED / UNREGISTERED with request 0:
                                          the router ended a subscription/registration
"""

from __future__ import annotations

import enum
from typing import Any

__all__ = ["Challenged", "CloseKind", "Closed", "Incoming", "Reply", "Revoked", "Welcomed"]


class CloseKind(enum.Enum):
    """How a session, or the opening of one, ended."""

    ABORTED = "aborted"
    """The router sent ABORT (refused the HELLO, failed authentication, or killed the session)."""
    ABORTED_LOCALLY = "aborted_locally"
    """We sent ABORT (a failed challenge answer, a refused WELCOME)."""
    LEFT = "left"
    """The GOODBYE handshake finished (either side started it)."""
    PROTOCOL_VIOLATION = "protocol_violation"
    """The router broke the protocol; we sent ABORT ``wamp.error.protocol_violation``."""
    TRANSPORT_LOST = "transport_lost"
    """The transport closed under an open (or opening) session."""


class Welcomed:
    """WELCOME arrived; the machine is ``ESTABLISHED``."""

    __slots__ = ("welcome",)

    def __init__(self, welcome: Any) -> None:
        self.welcome = welcome

    def __repr__(self) -> str:
        return f"Welcomed(session={self.welcome.session})"


class Challenged:
    """CHALLENGE arrived; the machine waits for ``authenticate()`` (or ``abort()``)."""

    __slots__ = ("challenge",)

    def __init__(self, challenge: Any) -> None:
        self.challenge = challenge

    def __repr__(self) -> str:
        return f"Challenged(method={self.challenge.method!r})"


class Closed:
    """The session ended, or its opening did.

    :param kind: a :class:`CloseKind`.
    :param reason: the close reason URI (the router's, ours, or
        ``wamp.close.transport_lost`` / ``wamp.error.protocol_violation``).
    :param message: the human-readable message, if any.
    :param was_established: whether WELCOME had been received.
    :param outstanding: the tokens of the requests that will get no answer now.
    :param by_router: for ``LEFT``: the router sent the first GOODBYE.
    """

    __slots__ = ("by_router", "kind", "message", "outstanding", "reason", "was_established")

    def __init__(
        self,
        kind: CloseKind,
        reason: str,
        message: str | None,
        was_established: bool,
        outstanding: list[Any],
        by_router: bool = False,
    ) -> None:
        self.kind = kind
        self.reason = reason
        self.message = message
        self.was_established = was_established
        self.outstanding = outstanding
        self.by_router = by_router

    def __repr__(self) -> str:
        return (
            f"Closed({self.kind.value}, reason={self.reason!r}, message={self.message!r}, "
            f"was_established={self.was_established}, outstanding={len(self.outstanding)})"
        )


class Reply:
    """The router answered a request we made.

    :param request_type: the message type of the request (48 CALL, 64 REGISTER,
        66 UNREGISTER, 32 SUBSCRIBE, 34 UNSUBSCRIBE, 16 PUBLISH).
    :param token: what the application handed in with the request.
    :param message: the answer (an ERROR, or the matching reply message).
    :param final: ``False`` only for a progressive RESULT (the call goes on).
    """

    __slots__ = ("final", "message", "request_type", "token")

    def __init__(self, request_type: int, token: Any, message: Any, final: bool = True) -> None:
        self.request_type = request_type
        self.token = token
        self.message = message
        self.final = final

    def __repr__(self) -> str:
        return f"Reply({self.request_type}, {type(self.message).__name__}, final={self.final})"


class Incoming:
    """The router sent an EVENT, an INVOCATION or an INTERRUPT.

    ``continued`` is true for a further INVOCATION of a progressive call
    invocation (same request ID as the first one).
    """

    __slots__ = ("continued", "message")

    def __init__(self, message: Any, continued: bool = False) -> None:
        self.message = message
        self.continued = continued

    def __repr__(self) -> str:
        return f"Incoming({type(self.message).__name__}, continued={self.continued})"


class Revoked:
    """The router revoked a subscription or registration (UNSUBSCRIBED/UNREGISTERED, request 0)."""

    __slots__ = ("message",)

    def __init__(self, message: Any) -> None:
        self.message = message

    def __repr__(self) -> str:
        return f"Revoked({type(self.message).__name__})"
