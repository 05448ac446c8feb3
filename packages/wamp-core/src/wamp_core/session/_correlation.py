"""Request IDs and their answers: what the client asked for, what the router may answer.

The half of :class:`~wamp_core.session.SessionMachine` that tracks requests
(CALL, REGISTER, UNREGISTER, SUBSCRIBE, UNSUBSCRIBE, acknowledged PUBLISH), the
registrations and subscriptions the router confirmed, and the invocations the
router made on us. Each ``_on_<message>`` method checks an incoming message
against that state and either reports it (a :class:`Reply`, an
:class:`Incoming`, a :class:`Revoked`) or raises :class:`Violation`, which the
machine answers with ``ABORT wamp.error.protocol_violation``.
"""

from __future__ import annotations

from typing import Any, Final

from wamp_core.exception import SessionNotReady
from wamp_core.message import (
    Call,
    Cancel,
    Error,
    Event,
    Interrupt,
    Invocation,
    Message,
    Publish,
    Published,
    Register,
    Registered,
    Result,
    Subscribe,
    Subscribed,
    Unregister,
    Unregistered,
    Unsubscribe,
    Unsubscribed,
    Yield,
)
from wamp_core.session._build import build_call, build_publish, build_yield
from wamp_core.session._events import Incoming, Reply, Revoked
from wamp_core.util import IdGenerator

__all__ = ["CALL", "PUBLISH", "REGISTER", "SUBSCRIBE", "UNREGISTER", "UNSUBSCRIBE", "Violation"]

# Request types: the message type codes ERROR carries in REQUEST.Type|int.
PUBLISH: Final = Publish.MESSAGE_TYPE
SUBSCRIBE: Final = Subscribe.MESSAGE_TYPE
UNSUBSCRIBE: Final = Unsubscribe.MESSAGE_TYPE
CALL: Final = Call.MESSAGE_TYPE
REGISTER: Final = Register.MESSAGE_TYPE
UNREGISTER: Final = Unregister.MESSAGE_TYPE

_NAMES: Final = {PUBLISH: "PUBLISH", SUBSCRIBE: "SUBSCRIBE", UNSUBSCRIBE: "UNSUBSCRIBE",
                 CALL: "CALL", REGISTER: "REGISTER", UNREGISTER: "UNREGISTER"}


class Violation(Exception):
    """The router broke the protocol; the text says how (it goes into the ABORT)."""


NOT_TAKEN: Final = object()
"""What :meth:`Correlation.take_plain` gives for a message it leaves to ``receive``."""


class _Pending:
    """One request waiting for its answer."""

    __slots__ = ("abandoned", "request_type", "streaming", "target", "token")

    def __init__(self, request_type: int, token: Any, target: Any = None,
                 streaming: bool = False) -> None:
        self.request_type = request_type
        self.token = token
        self.target = target  # CALL: the procedure; UN*: the subscription/registration ID
        self.streaming = streaming  # CALL: progressive call invocation still open
        self.abandoned = False  # CALL: answered locally; the router's answer is dropped


class _Invocation:
    """An invocation the router made on us, not answered yet."""

    __slots__ = ("registration", "streaming")

    def __init__(self, registration: int, streaming: bool) -> None:
        self.registration = registration
        self.streaming = streaming  # more INVOCATION chunks will follow


class Correlation:
    """Request tracking; mixed into the session machine (see the module text)."""

    _events: list[Any]
    state: Any
    _READY: Any = None
    """The machine's state in which requests are made and invocations answered (the machine
    sets it; tested inline on the per-message paths, ``_require_established`` says why not)."""

    def __init__(self) -> None:
        self._ids = IdGenerator()
        self.outgoing: list[Message] = []
        """The messages queued to send, in order (always this list: drained in place)."""
        self._pending: dict[int, _Pending] = {}
        self.registrations: set[int] = set()
        """Registration IDs the dealer confirmed and has not ended."""
        self.subscriptions: set[int] = set()
        """Subscription IDs the broker confirmed and has not ended."""
        self._invocations: dict[int, _Invocation] = {}
        self._ended_streams: set[int] = set()  # answered while the caller still streamed

    # -- state the machine provides ---------------------------------------

    def _require_established(self, what: str) -> None:
        raise NotImplementedError

    def _can_reply(self) -> bool:
        raise NotImplementedError

    # -- bookkeeping ---------------------------------------------------------

    def _reset_requests(self) -> list[Any]:
        """Forget every request and registration; return the tokens still waiting."""
        outstanding = [p.token for p in self._pending.values()
                       if not p.abandoned and p.token is not None]
        self._pending.clear()
        self.registrations.clear()
        self.subscriptions.clear()
        self._invocations.clear()
        self._ended_streams.clear()
        return outstanding

    def pending_requests(self) -> int:
        """The number of requests waiting for an answer (abandoned calls included)."""
        return len(self._pending)

    def is_pending(self, request: int) -> bool:
        """Whether ``request`` waits for an answer from the router."""
        return request in self._pending

    def is_invocation_pending(self, request: int) -> bool:
        """Whether the router waits for our answer to INVOCATION ``request``."""
        return request in self._invocations

    def _send(self, message: Any, pending: _Pending | None) -> int:
        """Give ``message`` (built with a placeholder ID, so a refused one uses
        none) the next request ID, remember ``pending`` under it, queue it."""
        request = self._ids.next()
        message.request = request
        if pending is not None:
            self._pending[request] = pending
        self.outgoing.append(message)
        return request

    def discard(self, request: int) -> None:
        """Forget a request whose message could not be sent (no answer will come)."""
        self._pending.pop(request, None)

    # -- caller --------------------------------------------------------------

    def call(self, procedure: str, args: Any = None, kwargs: Any = None, token: Any = None,
             *, progress: bool = False, **attrs: Any) -> int:
        """Queue a CALL; return its request ID. ``progress`` opens a progressive invocation.

        ``attrs`` are the keyword arguments of :class:`~wamp_core.message.Call`
        (``timeout``, ``receive_progress``, ``disclose_me`` ...).
        """
        self._require_established("call")
        message = Call(1, procedure, args, kwargs, progress=True if progress else None, **attrs)
        return self._send(message, _Pending(CALL, token, procedure, progress))

    def call_plain(self, procedure: str, args: list[Any] | None, kwargs: dict[str, Any] | None,
                   token: Any = None) -> int:
        """``call()`` without options, for a caller that checked what it passes: a valid
        ``procedure``, ``args`` a list or None, ``kwargs`` a dict with str keys or None
        (the CALL is built without the constructor's checks; see :mod:`._build`)."""
        if self.state is not self._READY:
            self._require_established("call")
        request = self._ids.next()
        self._pending[request] = _Pending(CALL, token, procedure)
        self.outgoing.append(build_call(request, procedure, args, kwargs))
        return request

    def call_chunk(self, request: int, args: Any = None, kwargs: Any = None,
                   final: bool = False, **attrs: Any) -> None:
        """Queue the next CALL of progressive call ``request`` (``final``: the last one).

        ``attrs``: only payload passthru keywords; every other option is frozen by
        the first CALL (WAMP advanced profile, "Progressive Call Invocations")."""
        self._require_established("send progressive call arguments")
        pending = self._pending.get(request)
        if pending is None or pending.request_type != CALL or pending.abandoned:
            raise SessionNotReady(f"call {request} has ended; it takes no more arguments")
        if not pending.streaming:
            raise SessionNotReady(f"call {request} already sent its final arguments")
        message = Call(request, pending.target, args, kwargs, progress=None if final else True,
                       **attrs)
        pending.streaming = not final
        self.outgoing.append(message)

    def cancel(self, request: int, mode: str | None = None) -> bool:
        """Queue CANCEL for a pending call; False when the call is not pending."""
        pending = self._pending.get(request)
        if pending is None or pending.request_type != CALL or not self._can_reply():
            return False
        self.outgoing.append(Cancel(request, mode))
        return True

    def abandon(self, request: int) -> None:
        """The application answered call ``request`` itself (cancel, timeout).

        The request stays known so the router's late answer is dropped, not
        taken for a protocol violation.
        """
        pending = self._pending.get(request)
        if pending is not None:
            pending.abandoned = True
            pending.streaming = False

    # -- callee --------------------------------------------------------------

    def register(self, procedure: str, token: Any = None, **attrs: Any) -> int:
        """Queue REGISTER; ``attrs`` as for :class:`~wamp_core.message.Register`."""
        self._require_established("register")
        message = Register(1, procedure, **attrs)
        return self._send(message, _Pending(REGISTER, token, procedure))

    def unregister(self, registration: int, token: Any = None) -> int:
        """Queue UNREGISTER for a registration the dealer confirmed."""
        self._require_established("unregister")
        if registration not in self.registrations:
            raise SessionNotReady(f"registration {registration} is not active")
        message = Unregister(1, registration)
        return self._send(message, _Pending(UNREGISTER, token, registration))

    def yield_(self, request: int, args: Any = None, kwargs: Any = None,
               progress: bool = False, **attrs: Any) -> bool:
        """Queue YIELD for invocation ``request``; False when it is no longer pending."""
        invocation = self._invocations.get(request)
        if invocation is None or not self._can_reply():
            return False
        message = Yield(request, args, kwargs, progress=True if progress else None, **attrs)
        if not progress:
            self._end_invocation(request, invocation)
        self.outgoing.append(message)
        return True

    def yield_plain(self, request: int, args: list[Any] | None) -> bool:
        """``yield_(request, args)``, the final result as a list the caller made (built
        without the constructor's checks); False when the invocation is no longer pending."""
        invocation = self._invocations.get(request)
        if invocation is None or self.state is not self._READY:
            return False
        del self._invocations[request]
        if invocation.streaming:
            self._ended_streams.add(request)
        self.outgoing.append(build_yield(request, args))
        return True

    def invocation_error(self, request: int, error: str, args: Any = None,
                         kwargs: Any = None, **attrs: Any) -> bool:
        """Queue ERROR for invocation ``request``; False when it is no longer pending."""
        invocation = self._invocations.get(request)
        if invocation is None or not self._can_reply():
            return False
        message = Error(Invocation.MESSAGE_TYPE, request, error, args, kwargs, **attrs)
        self._end_invocation(request, invocation)
        self.outgoing.append(message)
        return True

    def _end_invocation(self, request: int, invocation: _Invocation) -> None:
        del self._invocations[request]
        if invocation.streaming:
            self._ended_streams.add(request)

    # -- publisher and subscriber --------------------------------------------

    def publish(self, topic: str, args: Any = None, kwargs: Any = None, token: Any = None,
                **attrs: Any) -> int:
        """Queue PUBLISH; only an acknowledged one (``acknowledge=True``) waits for an answer."""
        self._require_established("publish")
        message = Publish(1, topic, args, kwargs, **attrs)
        pending = _Pending(PUBLISH, token, topic) if message.acknowledge else None
        return self._send(message, pending)

    def publish_plain(self, topic: str, args: list[Any] | None,
                      kwargs: dict[str, Any] | None) -> int:
        """``publish()`` without options (not acknowledged), for a publisher that checked what
        it passes, as for :meth:`call_plain`."""
        if self.state is not self._READY:
            self._require_established("publish")
        request = self._ids.next()
        self.outgoing.append(build_publish(request, topic, args, kwargs))
        return request

    def subscribe(self, topic: str, token: Any = None, **attrs: Any) -> int:
        """Queue SUBSCRIBE; ``attrs`` as for :class:`~wamp_core.message.Subscribe`."""
        self._require_established("subscribe")
        message = Subscribe(1, topic, **attrs)
        return self._send(message, _Pending(SUBSCRIBE, token, topic))

    def unsubscribe(self, subscription: int, token: Any = None) -> int:
        """Queue UNSUBSCRIBE for a subscription the broker confirmed."""
        self._require_established("unsubscribe")
        if subscription not in self.subscriptions:
            raise SessionNotReady(f"subscription {subscription} is not active")
        message = Unsubscribe(1, subscription)
        return self._send(message, _Pending(UNSUBSCRIBE, token, subscription))

    # -- answers from the router ---------------------------------------------

    def take_plain(self, message: Any) -> Any:
        """The session's fast lane for the messages of a busy session: with the session
        established, nothing else waiting and nothing unusual about the message, a final
        RESULT of a pending call gives the call's token (the call is forgotten, as
        ``receive`` would), a first and whole INVOCATION of an active registration or an
        EVENT of an active subscription gives the message (the invocation is recorded).
        No event is made. Anything else gives :data:`NOT_TAKEN`, changes nothing and is
        for :meth:`~SessionMachine.receive` (violations included)."""
        if self._events or self.state is not self._READY:
            return NOT_TAKEN
        kind = type(message)
        if kind is Result:
            request = message.request
            pending = self._pending.get(request)
            if pending is None or pending.request_type != CALL or pending.abandoned \
                    or message.progress:
                return NOT_TAKEN
            del self._pending[request]
            return pending.token
        if kind is Invocation:
            request = message.request
            if message.progress or request in self._invocations \
                    or request in self._ended_streams \
                    or message.registration not in self.registrations:
                return NOT_TAKEN
            self._invocations[request] = _Invocation(message.registration, False)
            return message
        if kind is Event and message.subscription in self.subscriptions:
            return message
        return NOT_TAKEN

    def _take(self, request: int, request_type: int, what: str) -> _Pending:
        pending = self._pending.get(request)
        if pending is None or pending.request_type != request_type:
            raise Violation(f"{what} for request {request}, which is not a pending "
                            f"{_NAMES[request_type]}")
        del self._pending[request]
        return pending

    def _on_result(self, msg: Result) -> None:
        pending = self._pending.get(msg.request)
        if pending is None or pending.request_type != CALL:
            raise Violation(f"RESULT for request {msg.request}, which is not a pending CALL")
        if msg.progress:
            if not pending.abandoned:
                self._events.append(Reply(CALL, pending.token, msg, final=False))
            return
        del self._pending[msg.request]
        if not pending.abandoned:
            self._events.append(Reply(CALL, pending.token, msg))

    def _on_error(self, msg: Error) -> None:
        if msg.request_type not in _NAMES:
            raise Violation(f"ERROR for a request of type {msg.request_type}, "
                            "which a router never answers")
        pending = self._take(msg.request, msg.request_type, "ERROR")
        if not pending.abandoned:
            self._events.append(Reply(msg.request_type, pending.token, msg))

    def _on_registered(self, msg: Registered) -> None:
        if msg.registration in self.registrations:
            raise Violation(f"REGISTERED with registration {msg.registration}, "
                            "which is already in use")
        pending = self._take(msg.request, REGISTER, "REGISTERED")
        self.registrations.add(msg.registration)
        self._events.append(Reply(REGISTER, pending.token, msg))

    def _on_unregistered(self, msg: Unregistered) -> None:
        if msg.request == 0:
            registration = msg.registration
            if registration not in self.registrations:
                raise Violation(f"UNREGISTERED revoking registration {registration}, "
                                "which is not active")
            self.registrations.discard(registration)
            self._events.append(Revoked(msg))
            return
        pending = self._take(msg.request, UNREGISTER, "UNREGISTERED")
        self.registrations.discard(pending.target)
        self._events.append(Reply(UNREGISTER, pending.token, msg))

    def _on_subscribed(self, msg: Subscribed) -> None:
        # The same ID again is right: a broker answers a second SUBSCRIBE to the
        # same topic and match policy with the existing subscription.
        pending = self._take(msg.request, SUBSCRIBE, "SUBSCRIBED")
        self.subscriptions.add(msg.subscription)
        self._events.append(Reply(SUBSCRIBE, pending.token, msg))

    def _on_unsubscribed(self, msg: Unsubscribed) -> None:
        if msg.request == 0:
            subscription = msg.subscription
            if subscription not in self.subscriptions:
                raise Violation(f"UNSUBSCRIBED revoking subscription {subscription}, "
                                "which is not active")
            self.subscriptions.discard(subscription)
            self._events.append(Revoked(msg))
            return
        pending = self._take(msg.request, UNSUBSCRIBE, "UNSUBSCRIBED")
        self.subscriptions.discard(pending.target)
        self._events.append(Reply(UNSUBSCRIBE, pending.token, msg))

    def _on_published(self, msg: Published) -> None:
        pending = self._take(msg.request, PUBLISH, "PUBLISHED")
        self._events.append(Reply(PUBLISH, pending.token, msg))

    def _on_event(self, msg: Event) -> None:
        if msg.subscription not in self.subscriptions:
            raise Violation(f"EVENT for subscription {msg.subscription}, which is not active")
        self._events.append(Incoming(msg))

    def _on_invocation(self, msg: Invocation) -> None:
        request = msg.request
        invocation = self._invocations.get(request)
        if invocation is not None:
            if not invocation.streaming:
                raise Violation(f"INVOCATION for request {request}, which is already invoked")
            invocation.streaming = bool(msg.progress)
            self._events.append(Incoming(msg, continued=True))
            return
        if request in self._ended_streams:
            # We answered before the caller's last chunk: the rest is dropped.
            if not msg.progress:
                self._ended_streams.discard(request)
            return
        if msg.registration not in self.registrations:
            raise Violation(f"INVOCATION for registration {msg.registration}, "
                            "which is not active")
        self._invocations[request] = _Invocation(msg.registration, bool(msg.progress))
        self._events.append(Incoming(msg))

    def _on_interrupt(self, msg: Interrupt) -> None:
        # An INTERRUPT may cross our answer on the wire: one for an invocation
        # already answered is dropped.
        if msg.request in self._invocations:
            self._events.append(Incoming(msg))
