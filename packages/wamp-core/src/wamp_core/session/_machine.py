"""The client session state machine: Sans-I/O, no event loop, no clock.

States and the messages that move them (WAMP basic profile, "Sessions")::

    CLOSED --connection_made()--> CONNECTED --hello()--> JOINING
    JOINING --CHALLENGE--> CHALLENGED --authenticate()--> JOINING
    JOINING --WELCOME--> ESTABLISHED --goodbye()--> CLOSING --GOODBYE--> CONNECTED
    ESTABLISHED --GOODBYE (router)--> CONNECTED  (our GOODBYE reply is queued)
    JOINING/CHALLENGED/ESTABLISHED/CLOSING --ABORT--> CONNECTED
    any state --router breaks the protocol--> FAILED  (ABORT protocol_violation queued)
    any state --connection_lost()--> CLOSED

The application drives it (``hello``, ``call``, ``register`` ...; misuse raises
at once) and feeds it what the router sends (``receive``; never raises). It
reads the messages to put on the transport with :meth:`messages_to_send` and
what happened with :meth:`events_received` (see :mod:`._events`).

A protocol violation by the router (a message the state does not allow, an
answer to a request that is not pending, an EVENT or INVOCATION for an
unknown subscription or registration, an object that is not a message) queues
``ABORT`` with reason ``wamp.error.protocol_violation`` and a text naming the
problem, records that text in :attr:`failure`, moves to ``FAILED`` (where input
is ignored) and reports a :class:`Closed` event: the application then closes
the transport.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, Final

from wamp_core.exception import ApplicationError, SessionNotReady, TransportLost
from wamp_core.log import make_logger
from wamp_core.message import (
    Abort,
    Authenticate,
    Challenge,
    Error,
    Event,
    Goodbye,
    Hello,
    Interrupt,
    Invocation,
    Message,
    Published,
    Registered,
    Result,
    Subscribed,
    Unregistered,
    Unsubscribed,
    Welcome,
)
from wamp_core.session._correlation import Correlation, Violation
from wamp_core.session._events import Challenged, Closed, CloseKind, Welcomed
from wamp_core.session._roles import RouterRoles, client_roles
from wamp_core.util import IdGenerator

__all__ = ["SessionMachine", "SessionState"]

_log = make_logger(__name__)


class SessionState(enum.Enum):
    """Where a :class:`SessionMachine` is; see the module text."""

    CLOSED = "closed"
    CONNECTED = "connected"
    JOINING = "joining"
    CHALLENGED = "challenged"
    ESTABLISHED = "established"
    CLOSING = "closing"
    FAILED = "failed"


# The states as module constants: an enum member read through its class costs ~60 ns on
# CPython 3.11, and every message the router sends is checked against the state.
_CLOSED: Final = SessionState.CLOSED
_CONNECTED: Final = SessionState.CONNECTED
_JOINING: Final = SessionState.JOINING
_CHALLENGED: Final = SessionState.CHALLENGED
_ESTABLISHED: Final = SessionState.ESTABLISHED
_CLOSING: Final = SessionState.CLOSING
_FAILED: Final = SessionState.FAILED
_OPENING: Final = frozenset((SessionState.JOINING, SessionState.CHALLENGED))
_OPEN: Final = frozenset((SessionState.ESTABLISHED, SessionState.CLOSING))
_ABORTABLE: Final = _OPENING | _OPEN | {SessionState.CONNECTED}

GOODBYE_REPLY: Final = ApplicationError.CLOSE_GOODBYE_AND_OUT
"""The reason of our answer to the router's GOODBYE (the spec's ``wamp.close.goodbye_and_out``)."""


class SessionMachine(Correlation):
    """A WAMP client session, Sans-I/O; see the module text.

    :param roles: the roles and features announced in HELLO (default:
        :data:`~wamp_core.session.CLIENT_ROLES`).
    :param agent: the ``HELLO.Details.agent`` text, or ``None``.
    """

    _READY = _ESTABLISHED

    def __init__(self, roles: dict[str, dict[str, Any]] | None = None,
                 agent: str | None = None) -> None:
        super().__init__()
        self.state = _CLOSED
        self.roles = client_roles() if roles is None else roles
        self.agent = agent
        self.session_id: int | None = None
        """The session ID from WELCOME while the session is open."""
        self.welcome: Welcome | None = None
        """The WELCOME of the open session."""
        self.router_roles = RouterRoles()
        """What the router announced in WELCOME."""
        self.failure: str | None = None
        """The text of the protocol violation that failed the session, if any."""
        self._events: list[Any] = []

    # -- I/O -------------------------------------------------------------

    def messages_to_send(self) -> list[Message]:
        """Drain the messages to put on the transport, in order."""
        out = self.outgoing[:]
        self.outgoing.clear()
        return out

    def next_message(self) -> Message | None:
        """Take the next message to send, or ``None`` (one at a time, for careful senders)."""
        return self.outgoing.pop(0) if self.outgoing else None

    def events_received(self) -> list[Any]:
        """Drain the events produced so far, in order."""
        events, self._events = self._events, []
        return events

    @property
    def is_established(self) -> bool:
        """Whether WELCOME arrived and the session has not started closing."""
        return self.state is _ESTABLISHED

    # -- transport ---------------------------------------------------------

    def connection_made(self) -> None:
        """The transport opened."""
        if self.state is not _CLOSED:
            raise RuntimeError(f"connection_made() in state {self.state.name}")
        self.state = _CONNECTED
        self.failure = None

    def connection_lost(self) -> None:
        """The transport closed; an open or opening session ends with ``TRANSPORT_LOST``."""
        previous = self.state
        self.state = _CLOSED
        self.outgoing.clear()
        if previous in _OPENING or previous in _OPEN:
            self._close(CloseKind.TRANSPORT_LOST, ApplicationError.CLOSE_TRANSPORT_LOST,
                        "the transport closed before the session did",
                        previous in _OPEN)
        else:
            self._reset()

    # -- opening and closing (the application's side) ----------------------

    def hello(self, realm: str, authmethods: list[str] | None = None,
              authid: str | None = None, authrole: str | None = None,
              authextra: dict[str, Any] | None = None, resumable: bool | None = None,
              resume_session: int | None = None, resume_token: str | None = None) -> None:
        """Queue HELLO for ``realm``."""
        if self.state is not _CONNECTED:
            self._misuse("join", "the transport is open and no session is joined or joining")
        message = Hello(realm, self.roles, authmethods, authid, authrole, authextra,
                        resumable, resume_session, resume_token, agent=self.agent)
        self._ids = IdGenerator()  # request IDs are scoped to a session
        self.outgoing.append(message)
        self.state = _JOINING

    def authenticate(self, signature: str, extra: dict[str, Any] | None = None) -> None:
        """Queue AUTHENTICATE, the answer to the CHALLENGE."""
        if self.state is not _CHALLENGED:
            self._misuse("authenticate", "a CHALLENGE waits for its answer")
        self.outgoing.append(Authenticate(signature, extra))
        self.state = _JOINING

    def goodbye(self, reason: str = Goodbye.DEFAULT_REASON, message: str | None = None) -> None:
        """Queue GOODBYE; the session closes when the router answers with its own."""
        if self.state is not _ESTABLISHED:
            self._misuse("leave", "the session is joined")
        self.outgoing.append(Goodbye(reason, message))
        self.state = _CLOSING

    def abort(self, reason: str, message: str | None = None) -> None:
        """Queue ABORT and end the session (or its opening) at once."""
        if self.state not in _ABORTABLE:
            self._misuse("abort", "the transport is open")
        previous = self.state
        self.outgoing.append(Abort(reason, message))
        self.state = _CONNECTED
        self._close(CloseKind.ABORTED_LOCALLY, reason, message, previous in _OPEN)

    def fail(self, text: str) -> None:
        """The router broke the protocol in a way only the caller could see (e.g. bytes
        that do not parse): abort with ``wamp.error.protocol_violation``."""
        if self.state in (_CLOSED, _FAILED):
            return
        self._violation(text)

    # -- what the router sends -----------------------------------------------

    def receive(self, message: Any) -> None:
        """Take one message from the router. Never raises: peer errors become events."""
        state = self.state
        if state is _FAILED or state is _CLOSED:
            _log.debug("session {state}: dropping {msg!r}", state=state.name, msg=message)
            return
        entry = _DISPATCH.get(type(message))
        try:
            if entry is None:
                raise Violation(f"unexpected {_name(message)} message from the router")
            handler, in_session = entry
            if in_session and state is not _ESTABLISHED and state is not _CLOSING:
                raise Violation(
                    f"unexpected {_name(message)} message in state {state.name} "
                    "(no session is open)")
            handler(self, message)
        except Violation as exc:
            self._violation(str(exc))

    def _on_welcome(self, msg: Welcome) -> None:
        if self.state is not _JOINING:
            raise Violation(f"unexpected WELCOME in state {self.state.name}")
        self.state = _ESTABLISHED
        self.session_id = msg.session
        self.welcome = msg
        self.router_roles = RouterRoles(msg.roles)
        self._events.append(Welcomed(msg))

    def _on_challenge(self, msg: Challenge) -> None:
        if self.state is not _JOINING:
            raise Violation(f"unexpected CHALLENGE in state {self.state.name}")
        self.state = _CHALLENGED
        self._events.append(Challenged(msg))

    def _on_abort(self, msg: Abort) -> None:
        if self.state not in _ABORTABLE:
            raise Violation(f"unexpected ABORT in state {self.state.name}")
        was_open = self.state in _OPEN
        self.state = _CONNECTED
        self._close(CloseKind.ABORTED, msg.reason, msg.message, was_open)

    def _on_goodbye(self, msg: Goodbye) -> None:
        if self.state is _ESTABLISHED:
            self.outgoing.append(Goodbye(GOODBYE_REPLY))
            self.state = _CONNECTED
            self._close(CloseKind.LEFT, msg.reason, msg.message, True, by_router=True)
        elif self.state is _CLOSING:
            self.state = _CONNECTED
            self._close(CloseKind.LEFT, msg.reason, msg.message, True)
        else:
            raise Violation(f"unexpected GOODBYE in state {self.state.name}")

    # -- helpers ---------------------------------------------------------------

    def _require_established(self, what: str) -> None:
        if self.state is not _ESTABLISHED:
            if self.state is _CLOSED:
                raise TransportLost(f"cannot {what}: the transport is not connected")
            raise SessionNotReady(
                f"cannot {what}: the session is not joined (state {self.state.name})")

    def _can_reply(self) -> bool:
        return self.state is _ESTABLISHED

    def _misuse(self, what: str, needs: str) -> None:
        if self.state is _CLOSED:
            raise TransportLost(f"cannot {what}: the transport is not connected")
        raise SessionNotReady(f"cannot {what} in state {self.state.name}: needs {needs}")

    def _violation(self, text: str) -> None:
        _log.warn("router protocol violation: {text}; aborting the session", text=text)
        was_open = self.state in _OPEN
        self.outgoing.append(Abort(ApplicationError.PROTOCOL_VIOLATION, text))
        self.failure = text
        self.state = _FAILED
        self._close(CloseKind.PROTOCOL_VIOLATION, ApplicationError.PROTOCOL_VIOLATION, text,
                    was_open)

    def _close(self, kind: CloseKind, reason: str, message: str | None,
               was_established: bool, by_router: bool = False) -> None:
        outstanding = self._reset()
        self._events.append(Closed(kind, reason, message, was_established, outstanding,
                                   by_router))

    def _reset(self) -> list[Any]:
        self.session_id = None
        self.welcome = None
        return self._reset_requests()

    def __repr__(self) -> str:
        return (f"<SessionMachine {self.state.name} session={self.session_id} "
                f"pending={self.pending_requests()}>")


def _name(message: Any) -> str:
    if isinstance(message, Message):
        return type(message).__name__.upper()
    return f"{type(message).__name__} (not a WAMP message)"


_DISPATCH: Final[dict[type, tuple[Callable[[Any, Any], None], bool]]] = {
    # message class: (handler, only in an open session)
    Welcome: (SessionMachine._on_welcome, False),
    Challenge: (SessionMachine._on_challenge, False),
    Abort: (SessionMachine._on_abort, False),
    Goodbye: (SessionMachine._on_goodbye, False),
    Result: (SessionMachine._on_result, True),
    Error: (SessionMachine._on_error, True),
    Registered: (SessionMachine._on_registered, True),
    Unregistered: (SessionMachine._on_unregistered, True),
    Subscribed: (SessionMachine._on_subscribed, True),
    Unsubscribed: (SessionMachine._on_unsubscribed, True),
    Published: (SessionMachine._on_published, True),
    Event: (SessionMachine._on_event, True),
    Invocation: (SessionMachine._on_invocation, True),
    Interrupt: (SessionMachine._on_interrupt, True),
}
"""Message class -> handler: every message a router may send to a client (the session
ones are a protocol violation unless the session is ESTABLISHED or CLOSING)."""
