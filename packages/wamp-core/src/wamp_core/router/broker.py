"""The broker of a realm: subscriptions, publications, retained events.

A :class:`Subscription` is shared by every session subscribed to the same
``(topic, match)``: one subscription ID, as the spec asks. Publishing looks the
matching subscriptions up in a :class:`~wamp_core.router.matching.UriMap`,
builds one EVENT per subscription and hands that same object to every
receiver's transport, which serializes it once per serializer (the message
caches its serialization).

Crossbar.io's rules kept: PUBLISHED is sent before the events; the publisher is
excluded unless ``exclude_me`` is false; the publisher is disclosed when its
permission says ``disclose.publisher`` (or it asked with ``disclose_me``, or
the topic is a ``wamp.`` meta topic); clients cannot publish to ``wamp.``
topics. Black and white listing (``exclude``, ``exclude_authid``,
``exclude_authrole``, ``eligible``, ``eligible_authid``, ``eligible_authrole``)
filters receivers. ``retain`` keeps the last event of a topic, sent to later
subscribers asking ``get_retained`` (for pattern subscriptions: the retained
events of every topic the pattern matches).
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any, Final

from wamp_core.exception import ApplicationError
from wamp_core.message import (
    Error,
    Publish,
    Published,
    Subscribe,
    Subscribed,
    Unsubscribe,
    Unsubscribed,
)
from wamp_core.router._build import build_event
from wamp_core.router.matching import MATCH_CACHE_LIMIT, UriMap
from wamp_core.uri import MATCH_EXACT, is_valid_pattern
from wamp_core.util import IdGenerator
from wamp_core.util import id as new_id

_getrandbits = random.getrandbits

if TYPE_CHECKING:
    from wamp_core.router.authorization import Authorization
    from wamp_core.router.realm import Realm
    from wamp_core.router.session import RouterSession

__all__ = ["Broker", "Subscription"]

_PUBLISH: Final = Publish.MESSAGE_TYPE
_SUBSCRIBE: Final = Subscribe.MESSAGE_TYPE
_UNSUBSCRIBE: Final = Unsubscribe.MESSAGE_TYPE


class Subscription:
    """The sessions subscribed to one ``(uri, match)``."""

    __slots__ = ("_snapshot", "created", "id", "match", "subscribers", "uri")

    def __init__(self, sub_id: int, uri: str, match: str, created: str | None) -> None:
        self.id = sub_id
        self.uri = uri
        self.match = match
        self.created = created
        self.subscribers: dict[RouterSession, None] = {}
        self._snapshot: tuple[RouterSession, ...] | None = None

    def receivers(self) -> tuple[RouterSession, ...]:
        """The subscribers as a tuple, rebuilt only after a change (safe to iterate
        while sessions come and go)."""
        snap = self._snapshot
        if snap is None:
            snap = self._snapshot = tuple(self.subscribers)
        return snap

    def add(self, session: RouterSession) -> bool:
        if session in self.subscribers:
            return False
        self.subscribers[session] = None
        self._snapshot = None
        return True

    def discard(self, session: RouterSession) -> bool:
        if self.subscribers.pop(session, 0) == 0:
            return False
        self._snapshot = None
        return True

    def details(self) -> dict[str, Any]:
        """What the subscription meta API tells about it."""
        return {"id": self.id, "created": self.created, "uri": self.uri, "match": self.match}


class _Retained:
    __slots__ = ("publish", "publisher", "publisher_authid", "publisher_authrole")

    def __init__(self, publish: Publish, publisher: int | None, authid: str | None,
                 authrole: str | None) -> None:
        self.publish = publish
        self.publisher = publisher
        self.publisher_authid = authid
        self.publisher_authrole = authrole


def _error(rtype: int, request: int, uri: str, text: str) -> Error:
    return Error(rtype, request, uri, [text])


def _eligible(s: RouterSession, p: Publish) -> bool:
    """Whether ``s`` passes the black and white lists of ``p``."""
    if p.eligible is not None and s.session_id not in p.eligible:
        return False
    if p.eligible_authid is not None and s.authid not in p.eligible_authid:
        return False
    if p.eligible_authrole is not None and s.authrole not in p.eligible_authrole:
        return False
    if p.exclude is not None and s.session_id in p.exclude:
        return False
    if p.exclude_authid is not None and s.authid in p.exclude_authid:
        return False
    return not (p.exclude_authrole is not None and s.authrole in p.exclude_authrole)


class Broker:
    """Subscriptions and publications of one realm."""

    def __init__(self, realm: Realm) -> None:
        self._realm = realm
        self._map: UriMap[Subscription] = UriMap()
        # topic -> the subscriptions matching it (read-only lists), forgotten whenever a
        # subscription is created or deleted; bounded, since clients choose the topics
        self._matches: dict[str, list[Subscription]] = {}
        self.by_id: dict[int, Subscription] = {}
        self._retained: dict[str, _Retained] = {}
        self._ids = IdGenerator()

    # -- SUBSCRIBE / UNSUBSCRIBE -----------------------------------------------

    def subscribe(self, session: RouterSession, msg: Subscribe) -> None:
        """``[SUBSCRIBE, Request|id, Options|dict, Topic|uri]``."""
        topic = msg.topic
        match = msg.match or MATCH_EXACT
        realm = self._realm
        if realm.strict and not is_valid_pattern(topic, match, strict=True):
            session.send(_error(_SUBSCRIBE, msg.request, ApplicationError.INVALID_URI,
                                f"subscribe for invalid topic URI '{topic}' (strict URI check)"))
            return
        cache = session.authz.subscribe
        authz = cache.get(topic) or session.authz.decide(cache, topic, "subscribe")
        if not authz.allow:
            session.send(_error(_SUBSCRIBE, msg.request, ApplicationError.NOT_AUTHORIZED,
                                session.not_authorized("subscribe to topic", topic)))
            return
        sub = self._map.get(topic, match)
        if (sub is None or session not in sub.subscribers) and \
                len(session.subscriptions) >= realm.limits.max_subscriptions:
            session.send(_error(_SUBSCRIBE, msg.request, ApplicationError.UNAVAILABLE,
                                f"session holds the maximum of {realm.limits.max_subscriptions} "
                                "subscriptions"))
            return
        created = sub is None
        if sub is None:
            sub = Subscription(self._ids.next(), topic, match, realm.timestamp())
            self._map.add(topic, match, sub)
            self._matches.clear()
            self.by_id[sub.id] = sub
        added = sub.add(session)
        session.subscriptions[sub.id] = sub
        session.send(Subscribed(msg.request, sub.id))
        meta = realm.meta
        if meta is not None and not topic.startswith("wamp."):
            if created:
                meta.event("wamp.subscription.on_create", session.session_id, sub.details())
            if added:
                meta.event("wamp.subscription.on_subscribe", session.session_id, sub.id)
        if msg.get_retained:
            self._send_retained(session, sub)

    def unsubscribe(self, session: RouterSession, msg: Unsubscribe) -> None:
        """``[UNSUBSCRIBE, Request|id, SUBSCRIBED.Subscription|id]``."""
        sub = session.subscriptions.get(msg.subscription)
        if sub is None:
            session.send(_error(_UNSUBSCRIBE, msg.request, ApplicationError.NO_SUCH_SUBSCRIPTION,
                                f"session is not subscribed under ID {msg.subscription}"))
            return
        session.send(Unsubscribed(msg.request))
        self._drop(session, sub)

    def _drop(self, session: RouterSession, sub: Subscription, reason: str | None = None) -> None:
        """Take ``session`` off ``sub`` (deleting ``sub`` when it was the last)."""
        session.subscriptions.pop(sub.id, None)
        if not sub.discard(session):
            return
        deleted = not sub.subscribers
        if deleted:
            self._map.remove(sub.uri, sub.match)
            self._matches.clear()
            self.by_id.pop(sub.id, None)
        if reason is not None:
            session.send(Unsubscribed(0, sub.id, reason))
        meta = self._realm.meta
        if meta is not None and not sub.uri.startswith("wamp."):
            meta.event("wamp.subscription.on_unsubscribe", session.session_id, sub.id)
            if deleted:
                meta.event("wamp.subscription.on_delete", session.session_id, sub.id)

    def revoke(self, sub: Subscription, session: RouterSession, reason: str) -> None:
        """Remove a subscriber (meta API), telling it with UNSUBSCRIBED (revocation)."""
        self._drop(session, sub, reason)

    def detach(self, session: RouterSession) -> None:
        """A session left the realm: drop its subscriptions."""
        for sub in list(session.subscriptions.values()):
            self._drop(session, sub)

    # -- PUBLISH -----------------------------------------------------------------

    def publish(self, session: RouterSession, msg: Publish) -> None:
        """``[PUBLISH, Request|id, Options|dict, Topic|uri, Arguments|list, ArgumentsKw|dict]``."""
        topic = msg.topic
        # a remembered decision means the URI passed the checks before (see _authorize)
        authz = session.authz.publish.get(topic) or self._authorize(session, msg)
        if authz is None:
            return
        if not authz.allow:
            if msg.acknowledge:
                session.send(_error(_PUBLISH, msg.request, ApplicationError.NOT_AUTHORIZED,
                                    session.not_authorized("publish to topic", topic)))
            return
        publication = _getrandbits(53) + 1  # wamp_core.util.id(), written out
        if authz.disclose or msg.disclose_me:
            publisher, authid, authrole = session.session_id, session.authid, session.authrole
        else:
            publisher = authid = authrole = None
        if msg.retain:
            self._retain(topic, _Retained(msg, publisher, authid, authrole))
        if msg.acknowledge:
            session.send(Published(msg.request, publication))
        subs = self._matches.get(topic)
        if subs is None:
            subs = self._matching(topic)
        if subs:
            skip = session if msg.exclude_me is None or msg.exclude_me else None
            self._dispatch(subs, publication, msg, skip, publisher, authid, authrole)

    def _authorize(self, session: RouterSession, msg: Publish) -> Authorization | None:
        """The first PUBLISH of ``session`` to its topic: the URI checks (answered when
        acknowledged; ``None`` when one fails), then the authorization, remembered."""
        topic = msg.topic
        if topic.startswith("wamp.") and not session.trusted:
            if msg.acknowledge:
                session.send(_error(_PUBLISH, msg.request, ApplicationError.INVALID_URI,
                                    f"publish with restricted topic URI '{topic}'"))
            return None
        if self._realm.strict and not is_valid_pattern(topic, MATCH_EXACT, strict=True):
            if msg.acknowledge:
                session.send(_error(_PUBLISH, msg.request, ApplicationError.INVALID_URI,
                                    f"publish with invalid topic URI '{topic}' (strict URI check)"))
            return None
        return session.authz.decide(session.authz.publish, topic, "publish")

    def _matching(self, topic: str) -> list[Subscription]:
        """The subscriptions matching ``topic``, not in ``_matches`` yet: found and remembered
        there (the list must not be changed)."""
        subs = self._map.match_all(topic)
        if len(self._matches) >= MATCH_CACHE_LIMIT:
            self._matches.clear()
        self._matches[topic] = subs
        return subs

    def _dispatch(self, subs: list[Subscription], publication: int, msg: Publish,
                  skip: RouterSession | None, publisher: int | None, authid: str | None,
                  authrole: str | None) -> None:
        filtered = (msg.exclude is not None or msg.exclude_authid is not None
                    or msg.exclude_authrole is not None or msg.eligible is not None
                    or msg.eligible_authid is not None or msg.eligible_authrole is not None)
        for sub in subs:
            receivers = sub.receivers()
            event = build_event(sub.id, publication, msg, publisher, authid, authrole,
                                None if sub.match == MATCH_EXACT else msg.topic)
            if filtered:
                receivers = tuple(s for s in receivers if _eligible(s, msg))
            for s in receivers:  # s.send(event), written out: once per delivered event
                if s is not skip:
                    transport = s._transport
                    if transport is not None:
                        try:
                            transport.send(event)
                        except Exception as exc:
                            s.send_failed(exc)

    def publish_meta(self, topic: str, args: list[Any]) -> None:
        """Publish a meta event (``wamp.session.on_join`` ...) from the router itself."""
        subs = self._matches.get(topic)
        if subs is None:
            subs = self._matching(topic)
        if not subs:
            return
        msg: Any = Publish(1, topic, args=args)
        self._dispatch(subs, new_id(), msg, None, None, None, None)

    # -- retained events ---------------------------------------------------------

    def _retain(self, topic: str, retained: _Retained) -> None:
        store = self._retained
        store.pop(topic, None)
        limit = self._realm.limits.max_retained
        while store and len(store) >= limit:
            del store[next(iter(store))]
        if limit:
            store[topic] = retained

    def _send_retained(self, session: RouterSession, sub: Subscription) -> None:
        if sub.match == MATCH_EXACT:
            found = self._retained.get(sub.uri)
            items = [(sub.uri, found)] if found is not None else []
        else:
            probe: UriMap[int] = UriMap()
            probe.add(sub.uri, sub.match, 1)
            items = [(t, r) for t, r in list(self._retained.items()) if probe.match_all(t)]
        for topic, r in items:
            if not _eligible(session, r.publish):
                continue
            session.send(build_event(
                sub.id, new_id(), r.publish, r.publisher, r.publisher_authid,
                r.publisher_authrole, None if sub.match == MATCH_EXACT else topic, True))

    # -- lookups for the meta API ------------------------------------------------

    def lookup(self, topic: str, match: str) -> Subscription | None:
        return self._map.get(topic, match)

    def match(self, topic: str) -> list[Subscription]:
        return self._map.match_all(topic)

    def subscriptions(self, match: str | None = None) -> list[Subscription]:
        return list(self._map.entries(match))
