"""The dealer of a realm: registrations, calls, results, cancellation, timeouts.

Registrations (:class:`Registration`) are indexed by ``(procedure, match)`` in a
:class:`~wamp_core.router.matching.UriMap`; a call goes to the best match
(exact, then longest prefix, then the best wildcard, as the spec orders them).
A shared registration (``invoke``: single, first, last, roundrobin, random)
holds its callees in registration order; ``concurrency`` caps the invocations
one callee runs at once.

Every call in flight is a :class:`PendingCall`, kept by the caller (keyed by
its CALL request ID) and by the callee (keyed by the INVOCATION request ID).

Rules, where the spec leaves room, follow Crossbar.io:

- RESULT discloses the callee; the caller is disclosed when its permission says
  ``disclose.caller`` (or the caller asked with ``disclose_me``, or the
  procedure is a ``wamp.`` one).
- ``wamp.`` procedures cannot be registered by clients.
- A callee with its concurrency reached gets no invocation: the caller gets
  ERROR ``crossbar.error.max_concurrency_reached``.
- CANCEL without a mode interrupts the callee and answers the caller at once
  (``killnowait``); a callee that did not announce ``call_canceling`` is never
  interrupted (``skip``). ``skip`` answers the caller at once and drops the
  callee's later answer; ``kill`` interrupts and forwards the callee's answer.
- A callee leaving mid-call: the caller gets ERROR ``wamp.error.canceled``.
  A caller leaving mid-call: the callee gets INTERRUPT (``killnowait``).
- ``CALL.Options.timeout``: milliseconds from callers announcing
  ``call_timeout``, seconds from those that do not (Autobahn|Python); when it
  expires the caller gets ERROR ``wamp.error.timeout`` and the callee INTERRUPT.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any, Final

from wamp_core.exception import ApplicationError
from wamp_core.message import (
    Call,
    Cancel,
    Error,
    Interrupt,
    Register,
    Registered,
    Unregister,
    Unregistered,
    Yield,
)
from wamp_core.router._build import build_error, build_invocation, build_result
from wamp_core.router.matching import MATCH_CACHE_LIMIT, UriMap
from wamp_core.router.timers import TimerHandle
from wamp_core.uri import MATCH_EXACT, is_valid_pattern
from wamp_core.util import ID_MAX, IdGenerator

if TYPE_CHECKING:
    from wamp_core.router.authorization import Authorization
    from wamp_core.router.realm import Realm
    from wamp_core.router.session import RouterSession

__all__ = ["MAX_CONCURRENCY_REACHED", "Dealer", "PendingCall", "Registration"]

MAX_CONCURRENCY_REACHED: Final = "crossbar.error.max_concurrency_reached"
_CALL: Final = Call.MESSAGE_TYPE
_REGISTER: Final = Register.MESSAGE_TYPE
_UNREGISTER: Final = Unregister.MESSAGE_TYPE
_INVOCATION: Final = 68
SKIP: Final = "skip"
KILL: Final = "kill"
KILLNOWAIT: Final = "killnowait"


class Registration:
    """The callees registered under one ``(uri, match)`` with one invocation policy."""

    __slots__ = ("active", "callees", "created", "id", "invoke", "limits", "match", "rr", "uri")

    def __init__(self, reg_id: int, uri: str, match: str, invoke: str,
                 created: str | None) -> None:
        self.id = reg_id
        self.uri = uri
        self.match = match
        self.invoke = invoke
        self.created = created
        self.callees: list[RouterSession] = []
        self.limits: dict[RouterSession, int] = {}  # callees that set a concurrency
        self.active: dict[RouterSession, int] = {}  # their invocations in flight
        self.rr = 0

    def details(self) -> dict[str, Any]:
        """What the registration meta API tells about it."""
        return {"id": self.id, "created": self.created, "uri": self.uri, "match": self.match,
                "invoke": self.invoke}

    def _free(self, callee: RouterSession) -> bool:
        limit = self.limits.get(callee)
        return limit is None or self.active[callee] < limit

    def pick(self) -> RouterSession | None:
        """The callee for the next invocation (``None``: every candidate is busy)."""
        callees = self.callees
        invoke = self.invoke
        if invoke == "roundrobin":
            n = len(callees)
            for _ in range(n):
                callee = callees[self.rr % n]
                self.rr = (self.rr + 1) % n
                if not self.limits or self._free(callee):
                    return callee
            return None
        if invoke == "random":
            if not self.limits:
                return random.choice(callees)
            free = [c for c in callees if self._free(c)]
            return random.choice(free) if free else None
        callee = callees[-1] if invoke == "last" else callees[0]
        return callee if not self.limits or self._free(callee) else None


class PendingCall:
    """One call in flight, from the CALL to the last answer."""

    __slots__ = (
        "callee", "caller", "cancel_mode", "counted", "disclosed", "id", "procedure",
        "progressive_in", "receive_progress", "registration", "request", "timeout", "timer",
    )

    def __init__(self, inv_id: int, caller: RouterSession, request: int,
                 callee: RouterSession, registration: Registration,
                 disclosed: tuple[int | None, str | None, str | None] = (None, None, None),
                 procedure: str | None = None, receive_progress: bool | None = None,
                 progressive_in: bool = False) -> None:
        self.id = inv_id
        self.caller = caller
        self.request = request
        self.callee = callee
        self.registration = registration
        self.counted = False
        self.cancel_mode: str | None = None
        self.timer: TimerHandle | None = None
        self.progressive_in = progressive_in
        self.receive_progress = receive_progress
        self.timeout: int | None = None
        self.disclosed = disclosed
        self.procedure = procedure


_UNDISCLOSED: Final = (None, None, None)
_UNKNOWN: Final[Any] = object()  # not in Dealer._best yet


def _error(rtype: int, request: int, uri: str, text: str | None = None) -> Error:
    return Error(rtype, request, uri, [text] if text is not None else None)


class Dealer:
    """Registrations and calls of one realm."""

    def __init__(self, realm: Realm) -> None:
        self._realm = realm
        self._map: UriMap[Registration] = UriMap()
        # procedure -> the registration a call goes to (or None), forgotten whenever a
        # registration is created or deleted; bounded, since clients choose the URIs
        self._best: dict[str, Registration | None] = {}
        self.by_id: dict[int, Registration] = {}
        self._reg_ids = IdGenerator()
        self._inv_next = 0  # the last INVOCATION request ID (1, 2, ... 2**53, then 1 again)

    # -- REGISTER / UNREGISTER -------------------------------------------------

    def register(self, session: RouterSession, msg: Register) -> None:
        """``[REGISTER, Request|id, Options|dict, Procedure|uri]``."""
        uri, match, req = msg.procedure, msg.match or MATCH_EXACT, msg.request
        realm = self._realm
        if realm.strict and not is_valid_pattern(uri, match, strict=True):
            session.send(_error(_REGISTER, req, ApplicationError.INVALID_URI,
                                f"register for invalid procedure URI '{uri}' (strict URI check)"))
            return
        if uri.startswith("wamp.") and not session.trusted:
            session.send(_error(_REGISTER, req, ApplicationError.INVALID_URI,
                                f"register for restricted procedure URI '{uri}'"))
            return
        cache = session.authz.register
        authz = cache.get(uri) or session.authz.decide(cache, uri, "register")
        if not authz.allow:
            session.send(_error(_REGISTER, req, ApplicationError.NOT_AUTHORIZED,
                                session.not_authorized("register procedure", uri)))
            return
        invoke = msg.invoke or "single"
        reg = self._map.get(uri, match)
        if reg is not None and msg.force_reregister:
            for callee in list(reg.callees):
                self._drop(callee, reg, "wamp.error.unregistered")
            reg = None
        if reg is not None:
            if reg.invoke == "single":
                session.send(_error(_REGISTER, req, ApplicationError.PROCEDURE_ALREADY_EXISTS,
                                    f"register for already registered procedure '{uri}'"))
                return
            if reg.invoke != invoke:
                session.send(_error(
                    _REGISTER, req, ApplicationError.PROCEDURE_EXISTS_INVOCATION_POLICY_CONFLICT,
                    f"register for already registered procedure '{uri}' with conflicting "
                    f"invocation policy (has {reg.invoke} and {invoke} was requested)"))
                return
            if session in reg.callees:
                session.send(Registered(req, reg.id))
                return
        if len(session.registrations) >= realm.limits.max_registrations:
            session.send(_error(_REGISTER, req, ApplicationError.UNAVAILABLE,
                                f"session holds the maximum of {realm.limits.max_registrations} "
                                "registrations"))
            return
        created = reg is None
        if reg is None:
            reg = Registration(self._reg_ids.next(), uri, match, invoke, realm.timestamp())
            self._map.add(uri, match, reg)
            self._best.clear()
            self.by_id[reg.id] = reg
        reg.callees.append(session)
        if msg.concurrency:
            reg.limits[session] = msg.concurrency
            reg.active[session] = 0
        session.registrations[reg.id] = reg
        session.send(Registered(req, reg.id))
        meta = realm.meta
        if meta is not None and not uri.startswith("wamp."):
            if created:
                meta.event("wamp.registration.on_create", session.session_id, reg.details())
            meta.event("wamp.registration.on_register", session.session_id, reg.id)

    def unregister(self, session: RouterSession, msg: Unregister) -> None:
        """``[UNREGISTER, Request|id, REGISTERED.Registration|id]``."""
        reg = session.registrations.get(msg.registration)
        if reg is None:
            session.send(_error(_UNREGISTER, msg.request, ApplicationError.NO_SUCH_REGISTRATION,
                                f"session has no registration with ID {msg.registration}"))
            return
        session.send(Unregistered(msg.request))
        self._drop(session, reg)

    def _drop(self, session: RouterSession, reg: Registration, reason: str | None = None) -> None:
        """Take ``session`` off ``reg`` (deleting ``reg`` when it was the last callee)."""
        session.registrations.pop(reg.id, None)
        if session not in reg.callees:
            return
        reg.callees.remove(session)
        reg.limits.pop(session, None)
        reg.active.pop(session, None)
        deleted = not reg.callees
        if deleted:
            self._map.remove(reg.uri, reg.match)
            self._best.clear()
            self.by_id.pop(reg.id, None)
        if reason is not None:
            session.send(Unregistered(0, reg.id, reason))
        meta = self._realm.meta
        if meta is not None and not reg.uri.startswith("wamp."):
            meta.event("wamp.registration.on_unregister", session.session_id, reg.id)
            if deleted:
                meta.event("wamp.registration.on_delete", session.session_id, reg.id)

    def revoke(self, reg: Registration, session: RouterSession, reason: str) -> None:
        """Remove a callee (meta API), telling it with UNREGISTERED (revocation)."""
        self._drop(session, reg, reason)

    # -- CALL ---------------------------------------------------------------------

    def call(self, session: RouterSession, msg: Call) -> None:
        """``[CALL, Request|id, Options|dict, Procedure|uri, Arguments|list, ArgumentsKw|dict]``."""
        req = msg.request
        pending = session.calls.get(req)
        if pending is not None:
            self._continue(session, pending, msg)
            return
        progress = msg.progress
        if progress and not session.features.progressive_call_invocations:
            session.protocol_violation("CALL with progress, but the caller did not announce "
                                       "progressive_call_invocations")
            return
        procedure = msg.procedure
        # a remembered decision means the URI passed the checks before (see _authorize)
        authz = session.authz.call.get(procedure) or self._authorize(session, req, procedure)
        if authz is None:
            return
        if not authz.allow:
            session.send(_error(_CALL, req, ApplicationError.NOT_AUTHORIZED,
                                session.not_authorized("call procedure", procedure)))
            return
        realm = self._realm
        if procedure.startswith("wamp.") and realm.meta is not None and \
                realm.meta.call(session, msg):
            return
        reg = self._best.get(procedure, _UNKNOWN)
        if reg is _UNKNOWN:
            reg = self._lookup(procedure)
        if reg is None:
            session.send(_error(_CALL, req, ApplicationError.NO_SUCH_PROCEDURE,
                                f"no callee registered for procedure <{procedure}>"))
            return
        if len(session.calls) >= realm.limits.max_pending_calls:
            session.send(_error(_CALL, req, ApplicationError.UNAVAILABLE,
                                f"caller has the maximum of {realm.limits.max_pending_calls} "
                                "calls in flight"))
            return
        callee = reg.callees[0] if reg.invoke == "single" and not reg.limits else reg.pick()
        if callee is None:
            session.send(_error(_CALL, req, MAX_CONCURRENCY_REACHED,
                                f"maximum concurrency of the callees of <{reg.uri}> reached"))
            return
        if progress and not callee.features.progressive_call_invocations:
            session.send(_error(_CALL, req, ApplicationError.FEATURE_NOT_SUPPORTED,
                                "the callee does not support progressive call invocations"))
            return
        self._invoke(session, msg, reg, callee, authz.disclose)

    def _authorize(self, session: RouterSession, req: int,
                   procedure: str) -> Authorization | None:
        """The first CALL of ``session`` to ``procedure``: the URI check (answered with
        ERROR and ``None`` when it fails), then the authorization, remembered."""
        if self._realm.strict and not is_valid_pattern(procedure, MATCH_EXACT, strict=True):
            session.send(_error(_CALL, req, ApplicationError.INVALID_URI,
                                f"call with invalid procedure URI '{procedure}' "
                                "(strict URI check)"))
            return None
        return session.authz.decide(session.authz.call, procedure, "call")

    def _lookup(self, procedure: str) -> Registration | None:
        """The registration a call to ``procedure`` goes to, remembered in ``_best``."""
        best = self._best
        if len(best) >= MATCH_CACHE_LIMIT:
            best.clear()
        reg = best[procedure] = self._map.best(procedure)
        return reg

    def _invoke(self, session: RouterSession, msg: Call, reg: Registration,
                callee: RouterSession, disclose: bool) -> None:
        """The call is allowed and ``callee`` picked: remember it, send the INVOCATION."""
        inv_id = self._inv_next = self._inv_next % ID_MAX + 1
        uri, progress, req = msg.procedure, msg.progress, msg.request
        disclosed = (session.session_id, session.authid, session.authrole) \
            if disclose or msg.disclose_me or uri.startswith("wamp.") else _UNDISCLOSED
        procedure = None if reg.match == MATCH_EXACT else uri  # told to pattern callees
        p = PendingCall(inv_id, session, req, callee, reg, disclosed, procedure,
                        msg.receive_progress, progress is True)
        session.calls[req] = p
        callee.invocations[inv_id] = p
        if reg.limits and callee in reg.limits:
            reg.active[callee] += 1
            p.counted = True
        timeout = msg.timeout
        if timeout and timeout > 0:
            self._arm_timeout(p, session, callee, timeout)
        inv = build_invocation(inv_id, reg.id, msg, p.timeout, p.receive_progress,
                               True if progress else None, disclosed, procedure)
        transport = callee._transport
        if transport is not None:
            try:
                transport.send(inv)
                return
            except Exception as exc:
                callee.send_failed(exc)
        self._undeliverable(p, "INVOCATION")

    def _arm_timeout(self, p: PendingCall, caller: RouterSession, callee: RouterSession,
                     timeout: float) -> None:
        """``CALL.Options.timeout``: milliseconds from callers announcing ``call_timeout``,
        seconds from the others; callees announcing it are told in milliseconds."""
        seconds = timeout / 1000.0 if caller.features.call_timeout else float(timeout)
        if callee.features.call_timeout:
            p.timeout = int(seconds * 1000)
        p.timer = self._realm.call_later(seconds, lambda: self._timed_out(p))

    def _continue(self, session: RouterSession, p: PendingCall, msg: Call) -> None:
        """A further CALL of a progressive call invocation."""
        if not p.progressive_in:
            session.protocol_violation(f"CALL with request ID {msg.request}, which is a call "
                                       "in flight and not a progressive one")
            return
        p.progressive_in = bool(msg.progress)
        if p.cancel_mode is not None:
            return
        inv = build_invocation(p.id, p.registration.id, msg, p.timeout, p.receive_progress,
                               True if msg.progress else None, p.disclosed, p.procedure)
        if not p.callee.send(inv):
            self._undeliverable(p, "INVOCATION")

    def _undeliverable(self, p: PendingCall, what: str) -> None:
        """An INVOCATION (or RESULT) could not be sent: the call ends with an ERROR."""
        if p.callee.invocations.get(p.id) is not p and p.caller.calls.get(p.request) is not p:
            return
        self._finish(p)
        if p.callee.is_open and p.caller.is_open:
            if p.callee.features.call_canceling and what == "INVOCATION":
                p.callee.send(Interrupt(p.id, KILLNOWAIT, ApplicationError.CANCELED))
            p.caller.send(_error(_CALL, p.request, ApplicationError.PAYLOAD_SIZE_EXCEEDED,
                                 f"the {what} of this call exceeds the transport's size limit"))
        elif p.caller.is_open:
            p.caller.send(_error(_CALL, p.request, ApplicationError.CANCELED,
                                 "callee disconnected from in-flight request"))

    # -- answers from callees -------------------------------------------------------

    def _finish(self, p: PendingCall) -> None:
        """Forget a call: both tables, its timer, the callee's concurrency slot."""
        if p.caller.calls.get(p.request) is p:
            del p.caller.calls[p.request]
        p.callee.invocations.pop(p.id, None)
        if p.timer is not None:
            timer, p.timer = p.timer, None
            timer.cancel()
        if p.counted:
            p.counted = False
            active = p.registration.active
            if p.callee in active:
                active[p.callee] -= 1

    def yield_(self, session: RouterSession, msg: Yield) -> None:
        """``[YIELD, INVOCATION.Request|id, Options|dict, Arguments|list, ArgumentsKw|dict]``."""
        p = session.invocations.get(msg.request)
        if p is None:
            return  # the call is over (canceled, timed out, caller gone): ignored
        progress = msg.progress
        if p.cancel_mode is not None:
            if not progress:
                self._finish(p)
                if p.cancel_mode == KILL:
                    p.caller.send(build_result(p.request, msg, None, session.session_id,
                                               session.authid, session.authrole))
            return
        if progress:
            if p.receive_progress and not p.caller.send(build_result(
                    p.request, msg, True, session.session_id, session.authid,
                    session.authrole)):
                self._undeliverable(p, "RESULT")
            return
        caller, request = p.caller, p.request
        if p.timer is None and not p.counted:  # _finish(p), for the common case
            del session.invocations[p.id]
            calls = caller.calls
            if calls.get(request) is p:
                del calls[request]
        else:
            self._finish(p)
        result = build_result(request, msg, None, session.session_id, session.authid,
                              session.authrole)
        transport = caller._transport
        if transport is None:
            return
        try:
            transport.send(result)
        except Exception as exc:
            caller.send_failed(exc)
            if caller.is_open:
                caller.send(_error(_CALL, request, ApplicationError.PAYLOAD_SIZE_EXCEEDED,
                                   "the RESULT of this call exceeds the transport's size limit"))

    def error(self, session: RouterSession, msg: Error) -> None:
        """``[ERROR, INVOCATION, Request|id, Details|dict, Error|uri, ...]`` from a callee."""
        if msg.request_type != _INVOCATION:
            session.protocol_violation(f"ERROR for request type {msg.request_type}: a client "
                                       "may only answer an INVOCATION with ERROR")
            return
        p = session.invocations.get(msg.request)
        if p is None:
            return
        self._finish(p)
        if p.cancel_mode is None or p.cancel_mode == KILL:
            p.caller.send(build_error(_CALL, p.request, msg))

    # -- cancel, timeout, sessions leaving --------------------------------------------

    def cancel(self, session: RouterSession, msg: Cancel) -> None:
        """``[CANCEL, CALL.Request|id, Options|dict]``."""
        p = session.calls.get(msg.request)
        if p is None or p.cancel_mode is not None:
            return
        callee = p.callee
        mode = msg.mode or KILLNOWAIT
        if not callee.features.call_canceling:
            mode = SKIP
        canceled = Error(_CALL, p.request, ApplicationError.CANCELED)
        if mode == KILL:
            p.cancel_mode = KILL
            callee.send(Interrupt(p.id, KILL, ApplicationError.CANCELED))
            return
        if mode == SKIP:
            # the callee's answer is dropped when it comes; until then the call still
            # counts against the caller's bound on calls in flight
            p.cancel_mode = SKIP
        else:
            self._finish(p)
            callee.send(Interrupt(p.id, KILLNOWAIT, ApplicationError.CANCELED))
        session.send(canceled)

    def _timed_out(self, p: PendingCall) -> None:
        p.timer = None
        if p.callee.invocations.get(p.id) is not p or p.cancel_mode == SKIP:
            return
        if p.callee.features.call_canceling:
            self._finish(p)
            p.callee.send(Interrupt(p.id, KILLNOWAIT, ApplicationError.TIMEOUT))
        else:
            p.cancel_mode = SKIP  # the callee's answer is dropped when it comes
        p.caller.send(_error(_CALL, p.request, ApplicationError.TIMEOUT, "call timed out"))

    def detach(self, session: RouterSession) -> None:
        """A session left: end its calls both ways, drop its registrations."""
        for p in list(session.calls.values()):
            self._finish(p)
            if p.callee is not session and p.callee.features.call_canceling:
                p.callee.send(Interrupt(p.id, KILLNOWAIT, ApplicationError.CANCELED))
        for p in list(session.invocations.values()):
            waiting = p.cancel_mode != SKIP
            self._finish(p)
            if waiting and p.caller is not session:
                p.caller.send(_error(_CALL, p.request, ApplicationError.CANCELED,
                                     "callee disconnected from in-flight request"))
        for reg in list(session.registrations.values()):
            self._drop(session, reg)

    # -- lookups for the meta API ---------------------------------------------------

    def lookup(self, uri: str, match: str) -> Registration | None:
        return self._map.get(uri, match)

    def match(self, uri: str) -> Registration | None:
        return self._map.best(uri)

    def registrations(self, match: str | None = None) -> list[Registration]:
        return list(self._map.entries(match))
