"""The WAMP meta API of a realm: session, registration and subscription procedures and events.

Procedures are answered by the router itself (no internal session): a CALL to
one of :data:`PROCEDURES` is authorized like any call, then handled here.
Arguments, results and errors follow the spec and Crossbar.io:

- ``wamp.session.count|list([filter_authroles])``, ``wamp.session.get(session)``,
  ``wamp.session.kill(session, reason=, message=)``,
  ``wamp.session.kill_by_authid(authid, ...)``, ``kill_by_authrole(authrole, ...)``,
  ``kill_all(...)`` (the caller is never killed);
- testaments (Crossbar.io's): ``wamp.session.add_testament(topic, args, kwargs,
  [publish_options], [scope])`` keeps a PUBLISH the router sends for the
  caller when it leaves (``scope`` ``destroyed`` or ``detached``: both fire,
  sessions are not resumed), ``wamp.session.flush_testaments([scope])`` drops them;
- ``wamp.registration.list([session])`` (``{"exact": [...], "prefix": [...],
  "wildcard": [...]}``), ``lookup(uri, [options])``, ``match(uri)``,
  ``get(id)``, ``list_callees(id)``, ``count_callees(id)``,
  ``remove_callee(id, callee, [reason])``, and the same for
  ``wamp.subscription`` (``list_subscribers``, ``count_subscribers``,
  ``remove_subscriber``; ``match`` returns every matching subscription).

Events are sent after the answer to the message that caused them (as
Crossbar.io does): ``wamp.session.on_join(details)``, ``wamp.session.on_leave(session)``
(one argument, as Crossbar.io sends it), ``wamp.registration.on_create(session,
details)``, ``on_register(session, id)``, ``on_unregister(session, id)``,
``on_delete(session, id)``, and ``wamp.subscription.on_create``,
``on_subscribe``, ``on_unsubscribe``, ``on_delete``. Subscriptions to
``wamp.``/``crossbar.`` topics are not shown to sessions of other roles than
``trusted`` (Crossbar.io's rule).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from wamp_core.exception import ApplicationError, ProtocolError
from wamp_core.message import Call, Error, Publish, Result
from wamp_core.uri import MATCH_EXACT, MATCH_POLICIES, MATCH_PREFIX, MATCH_WILDCARD, is_valid_uri
from wamp_core.util import id as new_id

if TYPE_CHECKING:
    from wamp_core.router.broker import Subscription
    from wamp_core.router.dealer import Registration
    from wamp_core.router.realm import Realm
    from wamp_core.router.session import RouterSession

__all__ = ["PROCEDURES", "MetaApi"]

Args = list[Any]
Kwargs = dict[str, Any]
_CALL: Final = Call.MESSAGE_TYPE
_SCOPES: Final = ("destroyed", "detached")
MAX_TESTAMENTS: Final = 100
"""Testaments one session may hold per scope."""


def _arg(args: Args, kwargs: Kwargs, i: int, name: str, default: Any = ...) -> Any:
    if len(args) > i:
        return args[i]
    if name in kwargs:
        return kwargs[name]
    if default is ...:
        raise ApplicationError(ApplicationError.INVALID_ARGUMENT, f"missing argument '{name}'")
    return default


def _int(value: Any, name: str) -> int:
    if type(value) is not int:
        raise ApplicationError(ApplicationError.INVALID_ARGUMENT,
                               f"'{name}' must be an integer ID, got {value!r}")
    return value


def _protected(uri: str, session: RouterSession) -> bool:
    return uri.startswith(("wamp.", "crossbar.")) and not session.trusted


class MetaApi:
    """The meta procedures and events of one realm."""

    def __init__(self, realm: Realm) -> None:
        self._realm = realm

    # -- events ------------------------------------------------------------------

    def event(self, topic: str, *args: Any) -> None:
        """Publish a meta event once the message being routed is done (after its answer)."""
        broker = self._realm.broker
        if broker.match(topic):
            payload = list(args)
            self._realm.router.defer(lambda: broker.publish_meta(topic, payload))

    def joined(self, session: RouterSession) -> None:
        if self._realm.broker.match("wamp.session.on_join"):
            self.event("wamp.session.on_join", session.details().marshal())

    def left(self, session: RouterSession) -> None:
        self.event("wamp.session.on_leave", session.session_id)

    # -- procedures ----------------------------------------------------------------

    def call(self, session: RouterSession, msg: Call) -> bool:
        """Answer a CALL to a meta procedure; ``False`` if the URI is not one."""
        fn = PROCEDURES.get(msg.procedure)
        if fn is None:
            return False
        try:
            if msg.payload is not None or msg.progress:
                raise ApplicationError(ApplicationError.INVALID_ARGUMENT,
                                       "meta procedures take plain, non-progressive calls")
            result = fn(self, session, list(msg.args or ()), dict(msg.kwargs or {}))
        except ApplicationError as exc:
            session.send(Error(_CALL, msg.request, exc.error, list(exc.args) or None,
                               exc.kwargs or None))
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            session.send(Error(_CALL, msg.request, ApplicationError.INVALID_ARGUMENT,
                               [f"invalid arguments for {msg.procedure}: {exc}"]))
        else:
            session.send(Result(msg.request, [result]))
        return True

    # -- sessions --

    def _filtered(self, args: Args, kwargs: Kwargs) -> list[RouterSession]:
        roles = _arg(args, kwargs, 0, "filter_authroles", None)
        sessions = list(self._realm.sessions.values())
        if roles is None:
            return sessions
        if not isinstance(roles, list):
            raise ApplicationError(ApplicationError.INVALID_ARGUMENT,
                                   "'filter_authroles' must be a list of roles")
        return [s for s in sessions if s.authrole in roles]

    def session_count(self, caller: RouterSession, args: Args, kwargs: Kwargs) -> int:
        return len(self._filtered(args, kwargs))

    def session_list(self, caller: RouterSession, args: Args, kwargs: Kwargs) -> list[int]:
        return [s.session_id for s in self._filtered(args, kwargs) if s.session_id is not None]

    def _session(self, value: Any, caller: RouterSession | None = None) -> RouterSession:
        sid = _int(value, "session")
        session = self._realm.sessions.get(sid)
        if session is None or session is caller:
            raise ApplicationError(ApplicationError.NO_SUCH_SESSION,
                                   f"no session with ID {sid} exists on this router")
        return session

    def session_get(self, caller: RouterSession, args: Args, kwargs: Kwargs) -> dict[str, Any]:
        return self._session(_arg(args, kwargs, 0, "session")).details().marshal()

    @staticmethod
    def _reason(kwargs: Kwargs) -> tuple[str | None, str | None]:
        reason, message = kwargs.get("reason"), kwargs.get("message")
        if reason is not None and not is_valid_uri(reason):
            raise ApplicationError(ApplicationError.INVALID_URI,
                                   f"'reason' must be a valid URI, got {reason!r}")
        if message is not None and not isinstance(message, str):
            raise ApplicationError(ApplicationError.INVALID_ARGUMENT, "'message' must be a string")
        return reason, message

    def _kill(self, caller: RouterSession, kwargs: Kwargs,
              which: Callable[[RouterSession], bool]) -> int:
        reason, message = self._reason(kwargs)
        victims = [s for s in self._realm.sessions.values() if s is not caller and which(s)]
        for s in victims:
            s.kill(reason, message)
        return len(victims)

    def session_kill(self, caller: RouterSession, args: Args, kwargs: Kwargs) -> None:
        victim = self._session(_arg(args, kwargs, 0, "session"), caller)
        self._kill(caller, kwargs, lambda s: s is victim)

    def session_kill_by_authid(self, caller: RouterSession, args: Args, kwargs: Kwargs) -> int:
        authid = _arg(args, kwargs, 0, "authid")
        return self._kill(caller, kwargs, lambda s: s.authid == authid)

    def session_kill_by_authrole(self, caller: RouterSession, args: Args, kwargs: Kwargs) -> int:
        authrole = _arg(args, kwargs, 0, "authrole")
        return self._kill(caller, kwargs, lambda s: s.authrole == authrole)

    def session_kill_all(self, caller: RouterSession, args: Args, kwargs: Kwargs) -> int:
        return self._kill(caller, kwargs, lambda s: True)

    # -- testaments --

    @staticmethod
    def _scope(value: Any) -> str:
        if value not in _SCOPES:
            raise ApplicationError("wamp.error.testament_error",
                                   "scope must be destroyed or detached")
        return str(value)

    def session_add_testament(self, caller: RouterSession, args: Args, kwargs: Kwargs) -> int:
        topic = _arg(args, kwargs, 0, "topic")
        pargs = _arg(args, kwargs, 1, "args", None)
        pkwargs = _arg(args, kwargs, 2, "kwargs", None)
        options = dict(_arg(args, kwargs, 3, "publish_options", None) or {})
        scope = self._scope(_arg(args, kwargs, 4, "scope", "destroyed"))
        options.pop("acknowledge", None)
        options.pop("exclude_me", None)
        testaments = caller.testaments.setdefault(scope, [])
        if len(testaments) >= MAX_TESTAMENTS:
            raise ApplicationError("wamp.error.testament_error",
                                   f"at most {MAX_TESTAMENTS} testaments per scope")
        pub_id = new_id()
        try:
            msg = Publish(pub_id, topic, args=pargs, kwargs=pkwargs, **options)
        except (ProtocolError, TypeError) as exc:
            raise ApplicationError(ApplicationError.INVALID_ARGUMENT, str(exc)) from None
        testaments.append(msg)
        return pub_id

    def session_flush_testaments(self, caller: RouterSession, args: Args,
                                 kwargs: Kwargs) -> int:
        scope = self._scope(_arg(args, kwargs, 0, "scope", "destroyed"))
        return len(caller.testaments.pop(scope, []))

    def fire_testaments(self, session: RouterSession) -> None:
        """The session leaves: publish its testaments as if it had sent them."""
        for scope in ("detached", "destroyed"):
            for msg in session.testaments.pop(scope, []):
                self._realm.broker.publish(session, msg)

    # -- registrations and subscriptions --

    def _listing(self, caller: RouterSession, items: list[Any]) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {MATCH_EXACT: [], MATCH_PREFIX: [], MATCH_WILDCARD: []}
        for item in items:
            if not _protected(item.uri, caller):
                out[item.match].append(item.id)
        return out

    def _registration(self, caller: RouterSession, value: Any) -> Registration:
        reg = self._realm.dealer.by_id.get(_int(value, "registration"))
        if reg is None:
            raise ApplicationError(ApplicationError.NO_SUCH_REGISTRATION,
                                   f"no registration with ID {value} exists on this dealer")
        if _protected(reg.uri, caller):
            raise ApplicationError(ApplicationError.NOT_AUTHORIZED,
                                   f'not authorized for the protected URI "{reg.uri}"')
        return reg

    def _subscription(self, caller: RouterSession, value: Any) -> Subscription:
        sub = self._realm.broker.by_id.get(_int(value, "subscription"))
        if sub is None:
            raise ApplicationError(ApplicationError.NO_SUCH_SUBSCRIPTION,
                                   f"no subscription with ID {value} exists on this broker")
        if _protected(sub.uri, caller):
            raise ApplicationError(ApplicationError.NOT_AUTHORIZED,
                                   f'not authorized for the protected URI "{sub.uri}"')
        return sub

    @staticmethod
    def _match_option(args: Args, kwargs: Kwargs) -> str:
        options = _arg(args, kwargs, 1, "options", None) or {}
        match = options.get("match", MATCH_EXACT) if isinstance(options, dict) else None
        if match not in MATCH_POLICIES:
            raise ApplicationError(ApplicationError.INVALID_ARGUMENT,
                                   "'options.match' must be exact, prefix or wildcard")
        return str(match)

    def registration_list(self, caller: RouterSession, args: Args, kwargs: Kwargs) -> Any:
        sid = _arg(args, kwargs, 0, "session_id", None)
        if sid is not None:
            return self._listing(caller, list(self._session(sid).registrations.values()))
        return self._listing(caller, self._realm.dealer.registrations())

    def registration_lookup(self, caller: RouterSession, args: Args, kwargs: Kwargs) -> Any:
        uri = _arg(args, kwargs, 0, "procedure")
        reg = self._realm.dealer.lookup(uri, self._match_option(args, kwargs))
        return reg.id if reg is not None and not _protected(reg.uri, caller) else None

    def registration_match(self, caller: RouterSession, args: Args, kwargs: Kwargs) -> Any:
        reg = self._realm.dealer.match(_arg(args, kwargs, 0, "procedure"))
        return reg.id if reg is not None and not _protected(reg.uri, caller) else None

    def registration_get(self, caller: RouterSession, args: Args, kwargs: Kwargs) -> Any:
        return self._registration(caller, _arg(args, kwargs, 0, "registration_id")).details()

    def registration_list_callees(self, caller: RouterSession, args: Args, kwargs: Kwargs) -> Any:
        reg = self._registration(caller, _arg(args, kwargs, 0, "registration_id"))
        return [s.session_id for s in reg.callees]

    def registration_count_callees(self, caller: RouterSession, args: Args,
                                   kwargs: Kwargs) -> Any:
        return len(self._registration(caller, _arg(args, kwargs, 0, "registration_id")).callees)

    def registration_remove_callee(self, caller: RouterSession, args: Args,
                                   kwargs: Kwargs) -> None:
        reg = self._registration(caller, _arg(args, kwargs, 0, "registration_id"))
        callee = self._session(_arg(args, kwargs, 1, "callee_id"))
        if callee not in reg.callees:
            raise ApplicationError(ApplicationError.NO_SUCH_REGISTRATION,
                                   f"session {callee.session_id} is not a callee of {reg.id}")
        reason = _arg(args, kwargs, 2, "reason", None) or "wamp.error.unregistered"
        self._realm.dealer.revoke(reg, callee, reason)

    def subscription_list(self, caller: RouterSession, args: Args, kwargs: Kwargs) -> Any:
        sid = _arg(args, kwargs, 0, "session_id", None)
        if sid is not None:
            return self._listing(caller, list(self._session(sid).subscriptions.values()))
        return self._listing(caller, self._realm.broker.subscriptions())

    def subscription_lookup(self, caller: RouterSession, args: Args, kwargs: Kwargs) -> Any:
        uri = _arg(args, kwargs, 0, "topic")
        sub = self._realm.broker.lookup(uri, self._match_option(args, kwargs))
        return sub.id if sub is not None and not _protected(sub.uri, caller) else None

    def subscription_match(self, caller: RouterSession, args: Args, kwargs: Kwargs) -> Any:
        subs = self._realm.broker.match(_arg(args, kwargs, 0, "topic"))
        ids = [s.id for s in subs if not _protected(s.uri, caller)]
        return ids or None

    def subscription_get(self, caller: RouterSession, args: Args, kwargs: Kwargs) -> Any:
        return self._subscription(caller, _arg(args, kwargs, 0, "subscription_id")).details()

    def subscription_list_subscribers(self, caller: RouterSession, args: Args,
                                      kwargs: Kwargs) -> Any:
        sub = self._subscription(caller, _arg(args, kwargs, 0, "subscription_id"))
        return [s.session_id for s in sub.subscribers]

    def subscription_count_subscribers(self, caller: RouterSession, args: Args,
                                       kwargs: Kwargs) -> Any:
        sub = self._subscription(caller, _arg(args, kwargs, 0, "subscription_id"))
        return len(sub.subscribers)

    def subscription_remove_subscriber(self, caller: RouterSession, args: Args,
                                       kwargs: Kwargs) -> None:
        sub = self._subscription(caller, _arg(args, kwargs, 0, "subscription_id"))
        subscriber = self._session(_arg(args, kwargs, 1, "subscriber_id"))
        if subscriber not in sub.subscribers:
            raise ApplicationError(ApplicationError.NO_SUCH_SUBSCRIPTION,
                                   f"session {subscriber.session_id} is not subscribed to {sub.id}")
        reason = _arg(args, kwargs, 2, "reason", None) or "wamp.error.unsubscribed"
        self._realm.broker.revoke(sub, subscriber, reason)


Procedure = Callable[[MetaApi, "RouterSession", Args, Kwargs], Any]

PROCEDURES: Final[dict[str, Procedure]] = {
    "wamp.session.count": MetaApi.session_count,
    "wamp.session.list": MetaApi.session_list,
    "wamp.session.get": MetaApi.session_get,
    "wamp.session.kill": MetaApi.session_kill,
    "wamp.session.kill_by_authid": MetaApi.session_kill_by_authid,
    "wamp.session.kill_by_authrole": MetaApi.session_kill_by_authrole,
    "wamp.session.kill_all": MetaApi.session_kill_all,
    "wamp.session.add_testament": MetaApi.session_add_testament,
    "wamp.session.flush_testaments": MetaApi.session_flush_testaments,
    "wamp.registration.list": MetaApi.registration_list,
    "wamp.registration.lookup": MetaApi.registration_lookup,
    "wamp.registration.match": MetaApi.registration_match,
    "wamp.registration.get": MetaApi.registration_get,
    "wamp.registration.list_callees": MetaApi.registration_list_callees,
    "wamp.registration.count_callees": MetaApi.registration_count_callees,
    "wamp.registration.remove_callee": MetaApi.registration_remove_callee,
    "wamp.subscription.list": MetaApi.subscription_list,
    "wamp.subscription.lookup": MetaApi.subscription_lookup,
    "wamp.subscription.match": MetaApi.subscription_match,
    "wamp.subscription.get": MetaApi.subscription_get,
    "wamp.subscription.list_subscribers": MetaApi.subscription_list_subscribers,
    "wamp.subscription.count_subscribers": MetaApi.subscription_count_subscribers,
    "wamp.subscription.remove_subscriber": MetaApi.subscription_remove_subscriber,
}
"""Meta procedure URI -> handler ``(meta, caller, args, kwargs) -> result``."""
