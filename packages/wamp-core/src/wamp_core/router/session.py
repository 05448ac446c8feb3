"""The router side of one WAMP session: one :class:`RouterSession` per transport.

It is the ``ITransportHandler`` a transport drives (``onOpen``, ``onMessage``,
``onClose``), or, for an I/O layer holding bytes, :meth:`RouterSession.receive_payload`.
Its life::

    NEW --HELLO--> (CHALLENGED --AUTHENTICATE-->) JOINED --GOODBYE--> NEW ...
                                                 JOINED --kill--> CLOSING --GOODBYE--> NEW
    any --transport closed--> CLOSED

Messages are dispatched through a table that depends on the state; a message
the state does not allow, a message that does not parse, an oversized message
or any failure while handling it ends the session with ABORT
``wamp.error.protocol_violation`` (and closes the transport). Nothing a peer
sends escapes as an exception or disturbs another session. Sending to a peer
whose transport fails marks that session lost; it leaves the realm once the
message being routed is done.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from zope.interface import implementer  # type: ignore[import-untyped]

from wamp_core.exception import (
    ApplicationError,
    PayloadExceededError,
    ProtocolError,
    SerializationError,
)
from wamp_core.interfaces import ITransportHandler
from wamp_core.log import make_logger
from wamp_core.message import (
    Abort,
    Authenticate,
    Challenge,
    Goodbye,
    Hello,
    Message,
    Publish,
    Welcome,
)
from wamp_core.router.authentication import PendingAuth, TransportAuth
from wamp_core.router.authorization import AuthorizationCache, Role
from wamp_core.types import Accept, Deny, HelloDetails, SessionDetails
from wamp_core.types import Challenge as ChallengeReturn
from wamp_core.util import id as new_id

if TYPE_CHECKING:
    from wamp_core.router.broker import Subscription
    from wamp_core.router.dealer import PendingCall, Registration
    from wamp_core.router.realm import Realm
    from wamp_core.router.router import Router

__all__ = ["ClientFeatures", "RouterSession", "SessionState"]

log = make_logger("wamp_core.router")

GOODBYE_REPLY: Final = "wamp.close.normal"
"""The reason of the GOODBYE answering a client's GOODBYE (what Crossbar.io sends)."""

Handler = Callable[["RouterSession", Any], None]


class SessionState(enum.Enum):
    NEW = "new"
    CHALLENGED = "challenged"
    JOINED = "joined"
    CLOSING = "closing"
    CLOSED = "closed"


class ClientFeatures:
    """The advanced features a client announced that change what the router sends it."""

    __slots__ = ("call_canceling", "call_timeout", "progressive_call_invocations",
                 "progressive_call_results")

    def __init__(self, roles: dict[str, Any] | None = None) -> None:
        roles = roles or {}
        caller = roles.get("caller") or {}
        callee = roles.get("callee") or {}
        self.call_canceling = bool(callee.get("call_canceling") or callee.get("call_cancelling"))
        self.call_timeout = bool(caller.get("call_timeout") or callee.get("call_timeout"))
        self.progressive_call_results = bool(caller.get("progressive_call_results"))
        # as a caller it may send progressive CALLs; as a callee it must also cancel
        self.progressive_call_invocations = bool(
            caller.get("progressive_call_invocations")
            or (callee.get("progressive_call_invocations") and self.call_canceling))


_NO_FEATURES: Final = ClientFeatures()
_CLOSED: Final[SessionState] = SessionState.CLOSED  # typed so that checks do not narrow


@implementer(ITransportHandler)
class RouterSession:
    """The router side of one session (see the module text)."""

    __slots__ = (
        "__weakref__", "_auth", "_handlers", "_hello_roles", "_pending", "_pending_id",
        "_router", "_transport", "authextra", "authid", "authmethod", "authprovider",
        "authrole", "authz", "calls", "failure", "features", "invocations", "realm",
        "registrations", "role", "session_id", "state", "subscriptions", "testaments",
        "transport_details", "trusted",
    )

    def __init__(self, router: Router, auth: TransportAuth | None = None) -> None:
        self._router = router
        self._auth = auth if auth is not None else router.transport_auth()
        self._transport: Any = None
        self.transport_details: Any = None
        self.state = SessionState.NEW
        self._handlers: dict[type, Handler] = _NEW_HANDLERS
        self._pending: PendingAuth | None = None
        self._pending_id = 0
        self._hello_roles: dict[str, Any] = {}
        self.failure: str | None = None
        self._reset()

    def _reset(self) -> None:
        self.session_id: int | None = None
        self.realm: Realm | None = None
        self.authid: str | None = None
        self.authrole: str | None = None
        self.authmethod: str | None = None
        self.authprovider: str | None = None
        self.authextra: dict[str, Any] | None = None
        self.role: Role | None = None
        self.trusted = False
        self.features = _NO_FEATURES
        self.authz = AuthorizationCache(Role(name=""))
        self.subscriptions: dict[int, Subscription] = {}
        self.registrations: dict[int, Registration] = {}
        self.calls: dict[int, PendingCall] = {}
        self.invocations: dict[int, PendingCall] = {}
        self.testaments: dict[str, list[Publish]] = {}

    def __repr__(self) -> str:
        return (f"RouterSession(session={self.session_id}, realm={self.realm_name!r}, "
                f"authid={self.authid!r}, authrole={self.authrole!r}, state={self.state.value})")

    @property
    def realm_name(self) -> str | None:
        return self.realm.name if self.realm is not None else None

    @property
    def is_open(self) -> bool:
        """Whether the transport is there to send on."""
        return self._transport is not None

    # -- ITransportHandler -------------------------------------------------------

    def onOpen(self, transport: Any) -> None:
        """The transport is open; ``transport.send(message)`` sends to the client."""
        self._transport = transport
        self.transport_details = getattr(transport, "transport_details", None)

    def onMessage(self, msg: Any) -> None:
        """One message from the client. Never raises: failures end this session only."""
        self._dispatch((msg,))

    def _dispatch(self, msgs: Any) -> None:
        """Hand each message to its handler until the session closes; a failure of ours
        ends this session only. One call per payload: every message from a socket comes here."""
        router = self._router
        for msg in msgs:
            router.depth += 1
            try:
                handler = self._handlers.get(type(msg))
                if handler is None:
                    self._unexpected(msg)
                else:
                    handler(self, msg)
            except Exception as exc:  # a bug of ours must not take the router down
                self._failed(msg, exc)
            finally:
                router.depth -= 1
                if router.deferred and not router.depth:
                    router.run_deferred()
            if self.state is _CLOSED:
                break

    def _failed(self, msg: Any, exc: Exception) -> None:
        log.failure("router failed handling {msg!r} from {session!r}", msg=msg,
                    session=self, log_failure=exc)
        self.protocol_violation(f"failure handling {type(msg).__name__.upper()}: {exc!r}")

    def onClose(self, wasClean: bool) -> None:
        """The transport is gone: leave the realm (calls end, registrations go)."""
        if self.state is SessionState.CLOSED:
            return
        self._transport = None
        self._leave_realm()
        self.state = SessionState.CLOSED
        self._handlers = _CLOSED_HANDLERS

    def receive_payload(self, payload: bytes, serializer: Any,
                        is_binary: bool | None = None) -> None:
        """Bytes of one transport message: size check, deserialize, then :meth:`onMessage`.

        ``serializer`` is the negotiated ISerializer. A payload over
        ``Limits.max_message_size`` or that does not deserialize to WAMP
        messages ends the session (ABORT ``wamp.error.protocol_violation``).
        """
        if self.state is _CLOSED:
            return
        limit = self._router.limits.max_message_size
        if limit and len(payload) > limit:
            self.protocol_violation(f"message of {len(payload)} octets is over the router's "
                                    f"limit of {limit} octets")
            return
        try:
            msgs = serializer.unserialize(payload, is_binary)
        except (ProtocolError, SerializationError) as exc:
            self.protocol_violation(str(exc))
            return
        self._dispatch(msgs)

    # -- sending -------------------------------------------------------------------

    def send(self, msg: Message) -> bool:
        """Send to the client; ``False`` if it could not be sent (never raises).

        The broker and dealer write this out on their hot paths (``_transport.send``,
        then :meth:`send_failed` on an exception).
        """
        transport = self._transport
        if transport is None:
            return False
        try:
            transport.send(msg)
        except Exception as exc:
            return self.send_failed(exc)
        return True

    def send_failed(self, exc: Exception) -> bool:
        """``transport.send`` raised ``exc``: a message too big is dropped, any other
        failure loses the transport (the session leaves once the message being routed is
        done). Returns ``False`` (not sent)."""
        if isinstance(exc, PayloadExceededError):
            log.warn("message to {session!r} not sent: {exc}", session=self, exc=exc)
            return False
        log.info("transport of {session!r} failed: {exc!r}", session=self, exc=exc)
        self._transport = None
        self._router.defer(lambda: self.onClose(False))
        return False

    def _close_transport(self) -> None:
        transport = self._transport
        if transport is not None:
            try:
                transport.close()
            except Exception as exc:
                log.debug("closing the transport of {session!r}: {exc!r}", session=self, exc=exc)

    def abort(self, reason: str, message: str | None = None) -> None:
        """Send ABORT, leave the realm, close the transport."""
        self.failure = message or reason
        self.send(Abort(reason, message))
        self._leave_realm()
        self.state = SessionState.CLOSED
        self._handlers = _CLOSED_HANDLERS
        self._close_transport()

    def protocol_violation(self, text: str) -> None:
        """The client broke the protocol: ABORT ``wamp.error.protocol_violation``."""
        log.info("protocol violation by {session!r}: {text}", session=self, text=text)
        self.abort(ApplicationError.PROTOCOL_VIOLATION, text)

    def kill(self, reason: str | None = None, message: str | None = None) -> None:
        """End the joined session from the router side: GOODBYE, leave the realm."""
        if self.state is not SessionState.JOINED:
            return
        self.send(Goodbye(reason or "wamp.close.normal", message))
        self._leave_realm()
        self.state = SessionState.CLOSING
        self._handlers = _CLOSING_HANDLERS

    def not_authorized(self, what: str, uri: str) -> str:
        """The text of a not-authorized ERROR (Crossbar.io's wording)."""
        return (f'session (session_id={self.session_id}, authid="{self.authid}", authrole='
                f'"{self.authrole}") is not authorized to {what} "{uri}" on realm '
                f'"{self.realm_name}"')

    # -- opening ---------------------------------------------------------------

    def _unexpected(self, msg: Any) -> None:
        if self.state is SessionState.CLOSED:
            return
        if not isinstance(msg, Message):
            self.protocol_violation(f"not a WAMP message: {type(msg).__name__}")
        elif self.state is SessionState.CLOSING:
            pass  # after our GOODBYE, messages in flight are dropped
        else:
            name = type(msg).__name__.upper()
            self.protocol_violation(f"{name} message received while the session is "
                                    f"{self.state.value}")

    def _on_hello(self, msg: Hello) -> None:
        self._pending_id = new_id()
        self._hello_roles = msg.roles
        router = self._router
        pending = self._auth.start(msg.authmethods, self._pending_id, self.transport_details,
                                   router.now())
        if isinstance(pending, Deny):
            self.abort(pending.reason, pending.message)
            return
        details = HelloDetails(
            realm=msg.realm, authmethods=msg.authmethods, authid=msg.authid,
            authrole=msg.authrole, authextra=msg.authextra, session_roles=msg.roles,
            pending_session=self._pending_id,
        )
        self._pending = pending
        try:
            answer: Any = pending.hello(msg.realm, details)
        except Exception as exc:
            log.failure("authenticator failed on HELLO", log_failure=exc)
            answer = Deny(ApplicationError.AUTHENTICATION_FAILED, f"authentication failed: {exc}")
        self._answer(answer)

    def _on_authenticate(self, msg: Authenticate) -> None:
        pending = self._pending
        if pending is None:  # pragma: no cover - CHALLENGED always has one
            self.protocol_violation("AUTHENTICATE without a challenge")
            return
        try:
            answer: Any = pending.authenticate(msg.signature, msg.extra)
        except Exception as exc:
            log.failure("authenticator failed on AUTHENTICATE", log_failure=exc)
            answer = Deny(ApplicationError.AUTHENTICATION_FAILED, f"authentication failed: {exc}")
        self._answer(answer)

    def _answer(self, res: Any) -> None:
        if isinstance(res, Accept):
            self._pending = None
            self._welcome(res)
        elif isinstance(res, ChallengeReturn) and self.state is SessionState.NEW:
            self.state = SessionState.CHALLENGED
            self._handlers = _CHALLENGED_HANDLERS
            self.send(Challenge(res.method, res.extra))
        elif isinstance(res, Deny):
            self.abort(res.reason, res.message)
        else:
            self.abort(ApplicationError.AUTHENTICATION_FAILED,
                       f"authenticator answered {type(res).__name__}")

    def _welcome(self, acc: Accept) -> None:
        realm = self._router.realms.get(acc.realm or "")
        if realm is None:
            self.abort(ApplicationError.NO_SUCH_REALM,
                       f'no realm "{acc.realm}" exists on this router')
            return
        role = realm.role(acc.authrole or "")
        if role is None:
            self.abort(ApplicationError.NO_SUCH_ROLE,
                       f'realm "{realm.name}" has no role "{acc.authrole}"')
            return
        self.session_id = self._pending_id
        self.authid, self.authrole = acc.authid, acc.authrole
        self.authmethod, self.authprovider = acc.authmethod, acc.authprovider
        self.authextra = acc.authextra
        self.role = role
        self.trusted = role.trusted
        self.authz = AuthorizationCache(role)
        self.features = ClientFeatures(self._hello_roles)
        self.realm = realm
        self.state = SessionState.JOINED
        self._handlers = realm.handlers
        realm.attach(self)
        self.send(Welcome(self.session_id, realm.router_roles, realm=realm.name,
                          authid=acc.authid, authrole=acc.authrole, authmethod=acc.authmethod,
                          authprovider=acc.authprovider, authextra=acc.authextra,
                          agent=self._router.agent))
        if realm.meta is not None:
            realm.meta.joined(self)

    def details(self) -> SessionDetails:
        """The session's details, as the session meta API reports them."""
        return SessionDetails(
            realm=self.realm_name, session=self.session_id, authid=self.authid,
            authrole=self.authrole, authmethod=self.authmethod, authprovider=self.authprovider,
            authextra=self.authextra, transport=self.transport_details, resumed=False,
            resumable=False,
        )

    # -- closing -----------------------------------------------------------------

    def _leave_realm(self) -> None:
        realm = self.realm
        if realm is None:
            return
        realm.detach(self)
        self._reset()

    def _on_goodbye(self, msg: Goodbye) -> None:
        self.send(Goodbye(GOODBYE_REPLY))
        self._leave_realm()
        self.state = SessionState.NEW
        self._handlers = _NEW_HANDLERS

    def _on_goodbye_reply(self, msg: Goodbye) -> None:
        self.state = SessionState.NEW
        self._handlers = _NEW_HANDLERS

    def _on_abort(self, msg: Abort) -> None:
        self._leave_realm()
        self.state = SessionState.CLOSED
        self._handlers = _CLOSED_HANDLERS
        self._close_transport()


def _ignore(session: RouterSession, msg: Any) -> None:
    return None


_NEW_HANDLERS: Final[dict[type, Handler]] = {
    Hello: RouterSession._on_hello,
    Abort: RouterSession._on_abort,
}
_CHALLENGED_HANDLERS: Final[dict[type, Handler]] = {
    Authenticate: RouterSession._on_authenticate,
    Abort: RouterSession._on_abort,
}
_CLOSING_HANDLERS: Final[dict[type, Handler]] = {
    Goodbye: RouterSession._on_goodbye_reply,
    Abort: RouterSession._on_abort,
}
_CLOSED_HANDLERS: Final[dict[type, Handler]] = {}
SESSION_HANDLERS: Final[dict[type, Handler]] = {
    Goodbye: RouterSession._on_goodbye,
    Abort: RouterSession._on_abort,
}
"""Handlers of a joined session that are the session's own (the realm adds the rest)."""
