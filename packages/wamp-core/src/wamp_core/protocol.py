"""ApplicationSession: Autobahn|Python's WAMP client session, on a Sans-I/O machine.

``from wamp_core.protocol import ApplicationSession`` replaces
``autobahn.wamp.protocol.ApplicationSession``; the asyncio and Twisted
adapters subclass it and bind the txaio API of the instance
(``_create_txaio()``), never the process-wide ``txaio.use_*()``.

The session is an ``ITransportHandler``: a transport calls ``onOpen(transport)``,
``onMessage(msg)`` and ``onClose(wasClean)``; it sends with
``transport.send(msg)``. What the protocol says is decided by
:class:`~wamp_core.session.SessionMachine`; this layer turns the machine's
events into Deferreds/Futures and calls the application:

- hooks ``onConnect``, ``onChallenge``, ``onWelcome``, ``onJoin``, ``onLeave``,
  ``onDisconnect``, ``onUserError`` (each may be a plain function, return a
  Deferred/Future, or be a coroutine);
- observable events (``session.on(event, handler)``): ``connect`` (before
  onConnect), ``join`` (before onJoin), ``ready`` (after onJoin finished),
  ``leave`` (after onLeave), ``disconnect`` (after onDisconnect);
- authenticators (``add_authenticator``), as the Component configures them.

An exception in user code is reported through ``onUserError`` (logged with its
traceback) and never ends the session. A protocol violation by the router is
answered with ``ABORT wamp.error.protocol_violation``, reported to ``onLeave``
with that reason and the text of the problem, and the transport is closed.

Differences from Autobahn, on purpose: ``leave()`` returns a Deferred/Future
that fires with the :class:`~wamp_core.types.CloseDetails` once the session
has left; requests still waiting when the session ends fail before ``onLeave``
runs (Autobahn fails them in its default ``onLeave``, so an override skipped
it); an ABORT after authentication names the method in ``CloseDetails.message``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, reduce
from typing import Any, Final

from zope.interface import implementer  # type: ignore[import-untyped]

from wamp_core._session_base import BaseSession
from wamp_core._session_callee import CalleeMixin
from wamp_core._session_pubsub import PubSubMixin
from wamp_core._session_rpc import CallerMixin
from wamp_core.exception import ApplicationError, SessionNotReady, TransportLost
from wamp_core.interfaces import ISession, ITransportHandler
from wamp_core.message import (
    Event,
    Interrupt,
    Invocation,
    Result,
    Unregistered,
    Unsubscribed,
    Welcome,
)
from wamp_core.observable import call_as_future, failure_value
from wamp_core.request import (
    CallRequest,
    Endpoint,
    Handler,
    Publication,
    Registration,
    Subscription,
)
from wamp_core.session import (
    CALL,
    PUBLISH,
    REGISTER,
    SUBSCRIBE,
    UNREGISTER,
    UNSUBSCRIBE,
    Challenged,
    Closed,
    CloseKind,
    Incoming,
    Reply,
    Revoked,
    SessionState,
    Welcomed,
)
from wamp_core.session._correlation import NOT_TAKEN
from wamp_core.types import Challenge, CloseDetails, ComponentConfig, SessionDetails
from wamp_core.types import TransportDetails as _TransportDetails
from wamp_core.uri import check_realm

# Autobahn's ``autobahn.wamp.protocol`` also offers the request handles (from ``request``).
__all__ = [
    "ApplicationSession",
    "ApplicationSessionFactory",
    "BaseSession",
    "Endpoint",
    "Handler",
    "Publication",
    "Registration",
    "Session",
    "Subscription",
]

_NORMAL_REASONS: Final = frozenset((
    CloseDetails.REASON_DEFAULT, ApplicationError.CLOSE_GOODBYE_AND_OUT,
    ApplicationError.GOODBYE_AND_OUT,
))
"""Close reasons of a regular leave, not worth a warning."""

CANNOT_AUTHENTICATE: Final = "wamp.error.cannot_authenticate"
"""The ABORT reason when this side gives up authenticating (Autobahn's URI)."""


@implementer(ISession, ITransportHandler)
class ApplicationSession(CallerMixin, CalleeMixin, PubSubMixin):
    """A WAMP application session; see the module text.

    :param config: the :class:`~wamp_core.types.ComponentConfig` (default: realm ``realm1``).
    """

    def __init__(self, config: ComponentConfig | None = None) -> None:
        super().__init__()
        self._config = config if config is not None else ComponentConfig(realm="realm1")
        self._goodbye_sent = False
        self._authenticators: dict[str, Any] | None = None
        self._challenge_method: str | None = None
        self._hello: dict[str, Any] = {}
        self._leaving: list[Any] = []
        self._leave_chain: Any = None

    @property
    def config(self) -> ComponentConfig:
        return self._config

    # -- ITransportHandler ---------------------------------------------------------------

    def onOpen(self, transport: Any) -> None:
        """The transport opened: fire ``connect``, then call ``onConnect``."""
        if self._machine.state is not SessionState.CLOSED:
            self._machine.connection_lost()
            self._process()
        self._transport = transport
        self._machine.connection_made()
        self._leave_chain = None
        connected = self.fire("connect", self, transport)
        self._then(connected, "calling onConnect", self.onConnect)

    def onMessage(self, msg: Any) -> None:
        """One message from the router. Never raises."""
        try:
            machine = self._machine
            taken = machine.take_plain(msg)  # a plain RESULT, INVOCATION, EVENT: no event
            if taken is NOT_TAKEN:  # anything else: the machine's events
                machine.receive(msg)
                self._process()
                return
            try:
                kind = type(msg)
                if kind is Result:
                    self._on_call_answer(taken, msg, True)
                elif kind is Invocation:
                    self._on_invocation(msg, False)
                else:
                    self._on_event(msg)
            except Exception as exc:
                self.log.failure("internal error on {msg!r}: {error!r}", failure=exc, msg=msg,
                                 error=exc)
            if machine.outgoing:
                self._flush_quietly()
        except Exception as exc:  # a bug here must not break the transport's read loop
            self.log.failure("internal error handling {msg!r}: {error!r}", failure=exc,
                             msg=type(msg).__name__, error=exc)

    def onClose(self, wasClean: bool) -> None:
        """The transport closed: end the session (``onLeave`` if it was joined), then
        call ``onDisconnect`` and fire ``disconnect``."""
        self._transport = None
        self._machine.connection_lost()
        self._process()
        api = self._api
        after = self._leave_chain if self._leave_chain is not None else \
            api.create_future_success(None)
        self._leave_chain = None
        disconnected = self._then(after, "calling onDisconnect", self.onDisconnect)
        self._then(disconnected, None, partial(self.fire, "disconnect", self, was_clean=wasClean))

    def protocol_violation(self, text: str) -> None:
        """For transports: the router sent something that does not parse as a WAMP message.

        The session aborts with ``wamp.error.protocol_violation`` and ``text``
        and closes the transport, as for any other violation.
        """
        self._machine.fail(text)
        self._process()

    def _process(self) -> None:
        """Send what the machine queued, then act on its events."""
        machine = self._machine
        if machine.outgoing:
            self._flush_quietly()
        for event in machine.events_received():
            try:
                _EVENTS[type(event)](self, event)
            except Exception as exc:
                self.log.failure("internal error on {event!r}: {error!r}", failure=exc,
                                 event=event, error=exc)
        if machine.outgoing:
            self._flush_quietly()

    # -- joining ------------------------------------------------------------------------

    def onConnect(self) -> Any:
        """The transport is connected: join ``config.realm`` (with the authenticators)."""
        if self._authenticators:
            self._join_with_authenticators()
        else:
            self.join(self.config.realm)  # type: ignore[arg-type]

    def join(self, realm: str, authmethods: list[str] | None = None, authid: str | None = None,
             authrole: str | None = None, authextra: dict[str, Any] | None = None,
             resumable: bool | None = None, resume_session: int | None = None,
             resume_token: str | None = None) -> None:
        """Send HELLO to join ``realm``."""
        if self._session_id is not None:
            raise SessionNotReady(f"session {self._session_id} already joined realm "
                                  f"'{self._realm}'")
        if self._transport is None:
            raise TransportLost("cannot join: the session has no transport")
        if realm is not None:
            check_realm(realm)
        self._realm = realm
        self._goodbye_sent = False
        self._challenge_method = None
        self._hello = {"realm": realm, "authmethods": authmethods, "authid": authid}
        self._machine.hello(realm, authmethods, authid, authrole, authextra, resumable,
                            resume_session, resume_token)
        self._flush()

    def onChallenge(self, challenge: Challenge) -> Any:
        """Answer a CHALLENGE with the signature (a str); by default through the
        authenticator of ``challenge.method``."""
        if self._authenticators:
            authenticator = self._authenticators.get(challenge.method)
            if authenticator is None:
                raise RuntimeError(
                    f"received a challenge for authmethod '{challenge.method}', which was not "
                    f"offered (authenticators: {sorted(self._authenticators)})")
            return authenticator.on_challenge(self, challenge)
        raise RuntimeError("received an authentication challenge, but onChallenge is not "
                           "implemented (and no authenticator was added)")

    def onWelcome(self, welcome: Welcome) -> Any:
        """WELCOME arrived: ``None`` to go on, an error text to abort. By default the
        authenticator that authenticated checks the router (mutual authentication)."""
        if not self._authenticators or welcome.authmethod is None:
            return None
        authenticator = self._authenticators.get(welcome.authmethod)
        if authenticator is None:
            return None
        return authenticator.on_welcome(self, welcome.authextra)

    def onJoin(self, details: SessionDetails) -> Any:
        """The session joined (override me)."""

    def _on_challenged(self, event: Challenged) -> None:
        msg = event.challenge
        self._challenge_method = msg.method
        api = self._api
        answer = call_as_future(api, self.onChallenge, Challenge(msg.method, msg.extra))

        def answered(signature: Any) -> None:
            if isinstance(signature, bytes):
                signature = signature.decode("utf8")
            if not isinstance(signature, str):
                failed(TypeError(f"onChallenge must return the signature as a str, "
                                 f"not {type(signature).__name__}"))
                return
            authenticator = (self._authenticators or {}).get(msg.method)
            extra = getattr(authenticator, "authenticate_extra", None)
            try:
                self._machine.authenticate(signature, extra or None)
            except (SessionNotReady, TransportLost) as exc:
                self.log.debug("challenge answer dropped: {error}", error=exc)
                return
            self._process()

        def failed(fail: Any) -> None:
            self._swallow_error(fail, "Authentication failed")
            exc = failure_value(fail)
            self._abort_join(CANNOT_AUTHENTICATE,
                             f"authentication with authmethod '{msg.method}' failed: {exc}")

        api.add_callbacks(answer, answered, failed)

    def _on_welcomed(self, event: Welcomed) -> None:
        welcome = event.welcome
        api = self._api
        checked = call_as_future(api, self.onWelcome, welcome)

        def accepted(refusal: Any) -> None:
            if refusal is not None:
                self.log.warn("session refused by onWelcome: {refusal}", refusal=refusal)
                self._abort_join(CANNOT_AUTHENTICATE, str(refusal))
            elif self._machine.session_id == welcome.session:
                self._joined(welcome)

        def failed(fail: Any) -> None:
            self._swallow_error(fail, "While firing onWelcome")
            self._abort_join(CANNOT_AUTHENTICATE,
                             f"checking the WELCOME failed: {failure_value(fail)}")

        api.add_callbacks(checked, accepted, failed)

    def _abort_join(self, reason: str, message: str) -> None:
        state = self._machine.state
        if state in (SessionState.CLOSED, SessionState.FAILED):
            return
        self._machine.abort(reason, message)
        self._process()

    def _joined(self, welcome: Welcome) -> None:
        transport = self._transport
        serializer = getattr(getattr(transport, "_serializer", None), "SERIALIZER_ID", None)
        details = getattr(transport, "transport_details", None)
        if welcome.realm:
            self._realm = welcome.realm
        self._session_id = welcome.session
        self._authid = welcome.authid
        self._authrole = welcome.authrole
        self._authmethod = welcome.authmethod
        self._authprovider = welcome.authprovider
        self._authextra = welcome.authextra
        self._session_details = SessionDetails(
            realm=self._realm, session=welcome.session, authid=welcome.authid,
            authrole=welcome.authrole, authmethod=welcome.authmethod,
            authprovider=welcome.authprovider, authextra=welcome.authextra,
            serializer=serializer if isinstance(serializer, str) else None,
            transport=details if isinstance(details, _TransportDetails) else None,
            resumed=welcome.resumed, resumable=welcome.resumable,
            resume_token=welcome.resume_token)
        joined = self.fire("join", self, self._session_details)
        ran = self._then(joined, "calling onJoin", self.onJoin, self._session_details)
        self._then(ran, None, self.fire, "ready", self)

    # -- leaving ------------------------------------------------------------------------

    def leave(self, reason: str | None = None, message: str | None = None) -> Any:
        """Send GOODBYE; a Deferred/Future of the CloseDetails once the session left."""
        api = self._api
        if self._session_id is None:
            self.log.warn("session is not joined on a realm - no session to leave")
            return api.create_future_success(None)
        left = api.create_future()
        self._leaving.append(left)
        if self._goodbye_sent:
            self.log.warn("session was already requested to leave - not sending GOODBYE again")
            return left
        self._machine.goodbye(reason or CloseDetails.REASON_DEFAULT, message)
        self._goodbye_sent = True
        self._flush()
        return left

    def onLeave(self, details: CloseDetails) -> Any:
        """The session ended: log an unusual reason and close the transport."""
        if details.reason not in _NORMAL_REASONS:
            self.log.warn("session closed with reason {reason} [{message}]",
                          reason=details.reason, message=details.message)
        if self._transport is not None:
            self.disconnect()

    def disconnect(self) -> None:
        """Close the transport."""
        if self._transport is not None:
            self._transport.close()

    def onDisconnect(self) -> Any:
        """The transport closed (override me)."""

    def _on_closed(self, event: Closed) -> None:
        details = CloseDetails(event.reason, self._close_message(event))
        failure = ApplicationError(event.reason, details.message)
        api = self._api
        for record in event.outstanding:
            if isinstance(record, CallRequest):
                self._end_call(record)
            if not api.is_called(record.on_reply):
                api.reject(record.on_reply, failure)
        self._end_invocations()
        self._end_subscriptions(failure)
        was_joined = self._session_id is not None
        self._session_id = None
        self._goodbye_sent = False
        if event.kind is CloseKind.PROTOCOL_VIOLATION and self._transport is not None:
            self._transport.close()
        leaving, self._leaving = self._leaving, []
        if event.kind is CloseKind.TRANSPORT_LOST and not was_joined:
            for future in leaving:
                api.resolve(future, details)
            return
        # Set before onLeave runs: a synchronous transport may call onClose from inside it,
        # and onDisconnect must wait for this chain ('leave' fires before 'disconnect').
        chain = self._leave_chain = api.create_future()
        ran = self._call_user("calling onLeave", self.onLeave, details)
        fired = self._then(ran, None, self.fire, "leave", self, details)
        self._then(fired, None, _resolve_all, api, [*leaving, chain], details)

    def _close_message(self, event: Closed) -> str | None:
        """The router's message; for a refused authentication it also names the method."""
        if event.kind is not CloseKind.ABORTED or event.was_established:
            return event.message
        offered = self._hello.get("authmethods")
        method = self._challenge_method
        if not offered and method is None:
            return event.message
        what = f"authmethod '{method}'" if method else f"authmethods {offered}"
        text = (f"{event.message or 'no message'} (authentication failed: the router answered "
                f"{event.reason} to {what} for authid '{self._hello.get('authid')}' on realm "
                f"'{self._hello.get('realm')}')")
        self.log.warn("joining failed: {text}", text=text)
        return text

    # -- dispatching the machine's events -------------------------------------------------

    def _on_reply(self, reply: Reply) -> None:
        _REPLIES[reply.request_type](self, reply)

    def _on_incoming(self, incoming: Incoming) -> None:
        msg = incoming.message
        kind = type(msg)  # the machine dispatched on the exact class
        if kind is Invocation:
            self._on_invocation(msg, incoming.continued)
        elif kind is Event:
            self._on_event(msg)
        elif kind is Interrupt:
            self._on_interrupt(msg)

    def _on_revoked(self, revoked: Revoked) -> None:
        if isinstance(revoked.message, Unsubscribed):
            self._on_subscription_revoked(revoked.message)
        elif isinstance(revoked.message, Unregistered):
            self._on_registration_revoked(revoked.message)

    # -- authenticators ---------------------------------------------------------------

    def add_authenticator(self, authenticator: Any) -> None:
        """Offer ``authenticator`` (``wamp_core.auth``) when joining; all of them must agree
        on ``authid``, ``authrole`` and the ``authextra`` keys they share."""
        for attr in ("name", "on_challenge"):
            if not hasattr(authenticator, attr):
                raise TypeError(f"not an authenticator (no {attr}): {authenticator!r}")
        current = list((self._authenticators or {}).values())
        for name in ("authid", "authrole"):
            values = {v for a in [*current, authenticator] if (v := _auth_arg(a, name))}
            if len(values) > 1:
                raise ValueError(f"Inconsistent {name}s: {' '.join(sorted(values))}")
        merged = self._merged_authextra()
        extra = _authextra(authenticator)
        for key, value in merged.items():
            if key in extra and extra[key] != value:
                raise ValueError(f"Inconsistent authextra values for '{key}': "
                                 f"'{value}' vs '{extra[key]}'")
        if self._authenticators is None:
            self._authenticators = {}
        self._authenticators[authenticator.name] = authenticator

    def _merged_authextra(self) -> dict[str, Any]:
        extras = [_authextra(a) for a in (self._authenticators or {}).values()]
        return reduce(lambda merged, extra: {**extra, **merged}, extras, {})

    def _join_with_authenticators(self) -> None:
        authenticators = list((self._authenticators or {}).values())
        authid = next((v for a in authenticators if (v := _auth_arg(a, "authid"))), None)
        authrole = next((v for a in authenticators if (v := _auth_arg(a, "authrole"))), None)
        self.join(self.config.realm,  # type: ignore[arg-type]
                  authmethods=[a.name for a in authenticators], authid=authid,
                  authrole=authrole, authextra=self._merged_authextra() or None)


def _auth_arg(authenticator: Any, name: str) -> Any:
    value = getattr(authenticator, name, None)
    if value is None:
        value = (getattr(authenticator, "_args", None) or {}).get(name)
    return value


def _authextra(authenticator: Any) -> dict[str, Any]:
    return dict(getattr(authenticator, "authextra", None) or {})


def _resolve_all(api: Any, futures: list[Any], value: Any) -> None:
    for future in futures:
        if not api.is_called(future):
            api.resolve(future, value)


_REPLIES: Final[dict[int, Callable[[Any, Reply], None]]] = {
    CALL: ApplicationSession._on_call_reply,
    REGISTER: ApplicationSession._on_register_reply,
    UNREGISTER: ApplicationSession._on_unregister_reply,
    SUBSCRIBE: ApplicationSession._on_subscribe_reply,
    UNSUBSCRIBE: ApplicationSession._on_unsubscribe_reply,
    PUBLISH: ApplicationSession._on_publish_reply,
}

_EVENTS: Final[dict[type, Callable[[Any, Any], None]]] = {
    Welcomed: ApplicationSession._on_welcomed,
    Challenged: ApplicationSession._on_challenged,
    Closed: ApplicationSession._on_closed,
    Reply: ApplicationSession._on_reply,
    Incoming: ApplicationSession._on_incoming,
    Revoked: ApplicationSession._on_revoked,
}
"""Machine event class -> what the session does with it."""


class Session(ApplicationSession):
    """The snake_case flavour of the session API (Autobahn's ``Session``):
    override ``on_join``, ``on_leave``, ``on_connect``, ``on_disconnect``."""

    def onJoin(self, details: SessionDetails) -> Any:
        return self.on_join(details)

    def onConnect(self) -> Any:
        if self._authenticators:
            return super().onConnect()
        return self.on_connect()

    def onLeave(self, details: CloseDetails) -> Any:
        return self.on_leave(details)

    def onDisconnect(self) -> Any:
        return self.on_disconnect()

    def on_join(self, details: SessionDetails) -> Any:
        """The session joined (override me)."""

    def on_leave(self, details: CloseDetails) -> Any:
        """The session ended: close the transport (override me)."""
        self.disconnect()

    def on_connect(self) -> Any:
        """The transport is connected: join ``config.realm`` (override me)."""
        self.join(self.config.realm)  # type: ignore[arg-type]

    def on_disconnect(self) -> Any:
        """The transport closed (override me)."""


class ApplicationSessionFactory:
    """Makes sessions of class :attr:`session` with one :class:`ComponentConfig`."""

    session: type[ApplicationSession] = ApplicationSession
    """The session class made by this factory."""

    def __init__(self, config: ComponentConfig | None = None) -> None:
        self.config = config if config is not None else ComponentConfig(realm="realm1")

    def __call__(self) -> ApplicationSession:
        session = self.session(self.config)
        session.factory = self  # type: ignore[attr-defined]
        return session
