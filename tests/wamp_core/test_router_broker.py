"""Broker: subscriptions, publications, exclusion, listing, disclosure, retention (raw messages)."""

from __future__ import annotations

from typing import Any

from _router_helpers import RawClient, joined, make_router
from wamp_core.message import (
    Error,
    Event,
    Publish,
    Published,
    Subscribe,
    Subscribed,
    Unsubscribe,
    Unsubscribed,
)
from wamp_core.router import parse_config


def subscribe(c: RawClient, topic: str, match: str | None = None, **kw: Any) -> int:
    c.send(Subscribe(c.next_request(), topic, match=match, **kw))
    return int(c.expect(Subscribed).subscription)


def events(c: RawClient) -> list[Event]:
    msgs = c.receive()
    assert all(type(m) is Event for m in msgs), msgs
    return msgs  # type: ignore[return-value]


def test_exact_subscription_receives_events_and_the_publisher_is_excluded() -> None:
    router, _ = make_router()
    a, b = joined(router, 2)
    sub = subscribe(a, "com.example.topic")
    subscribe(b, "com.example.topic")
    b.send(Publish(1, "com.example.topic", args=[1, 2], kwargs={"k": "v"}))
    (ev,) = events(a)
    assert ev.subscription == sub and ev.args == [1, 2] and ev.kwargs == {"k": "v"}
    assert ev.topic is None and ev.publisher is None
    b.nothing()  # exclude_me defaults to true


def test_exclude_me_false_delivers_to_the_publisher() -> None:
    router, _ = make_router()
    (a,) = joined(router, 1)
    subscribe(a, "t.x")
    a.send(Publish(1, "t.x", args=["me"], exclude_me=False))
    assert [e.args for e in events(a)] == [["me"]]


def test_one_subscription_id_per_topic_and_match() -> None:
    router, _ = make_router()
    a, b = joined(router, 2)
    assert subscribe(a, "t.x") == subscribe(b, "t.x")
    assert subscribe(a, "t.x") == subscribe(a, "t.x")  # resubscribing: same ID
    assert subscribe(a, "t.x", "prefix") != subscribe(a, "t.x")


def test_one_event_object_per_subscription_shared_by_subscribers() -> None:
    router, _ = make_router()
    subs = joined(router, 3)
    for c in subs:
        subscribe(c, "t.x")
    (pub,) = joined(router, 1)
    pub.send(Publish(1, "t.x", args=[1]))
    received = [events(c)[0] for c in subs]
    assert received[0] is received[1] is received[2]


def test_prefix_and_wildcard_subscriptions_get_the_topic() -> None:
    router, _ = make_router()
    a, b, p = joined(router, 3)
    sp = subscribe(a, "com.example", "prefix")
    sw = subscribe(b, "com..update", "wildcard")
    p.send(Publish(1, "com.example.update", args=[1]))
    (ea,) = events(a)
    (eb,) = events(b)
    assert (ea.subscription, ea.topic) == (sp, "com.example.update")
    assert (eb.subscription, eb.topic) == (sw, "com.example.update")
    p.send(Publish(2, "com.other.thing"))
    a.nothing()
    b.nothing()


def test_a_session_with_two_matching_subscriptions_gets_two_events() -> None:
    router, _ = make_router()
    a, p = joined(router, 2)
    s1 = subscribe(a, "a.b")
    s2 = subscribe(a, "a", "prefix")
    p.send(Publish(1, "a.b"))
    assert sorted(e.subscription for e in events(a)) == sorted([s1, s2])


def test_acknowledged_publish() -> None:
    router, _ = make_router()
    a, p = joined(router, 2)
    subscribe(a, "t.x")
    p.send(Publish(7, "t.x", acknowledge=True))
    ack = p.expect(Published)
    assert ack.request == 7
    assert events(a)[0].publication == ack.publication
    p.send(Publish(8, "t.nobody", acknowledge=True))
    assert p.expect(Published).request == 8


def test_black_and_white_listing() -> None:
    router, _ = make_router()
    a, b, c, p = joined(router, 4)
    for s in (a, b, c):
        subscribe(s, "t.x")
    ids = {s.session.session_id for s in (a, b, c)}

    def receivers(**opts: Any) -> set[int]:
        p.send(Publish(p.next_request(), "t.x", **opts))
        got = set()
        for s in (a, b, c):
            if s.receive():
                got.add(s.session.session_id)
        return got

    assert receivers() == ids
    assert receivers(exclude=[a.session_id]) == ids - {a.session_id}
    assert receivers(eligible=[b.session_id]) == {b.session_id}
    assert receivers(eligible=[a.session_id, b.session_id], exclude=[b.session_id]) == \
        {a.session_id}
    a_authid = a.session.authid
    assert receivers(exclude_authid=[a_authid]) == ids - {a.session_id}
    assert receivers(eligible_authid=[a_authid]) == {a.session_id}
    assert receivers(exclude_authrole=["anonymous"]) == set()
    assert receivers(eligible_authrole=["anonymous"]) == ids


DISCLOSE_CONFIG = {
    "version": 2,
    "workers": [{"type": "router", "realms": [{"name": "realm1", "roles": [
        {"name": "anonymous", "permissions": [
            {"uri": "", "match": "prefix", "allow": {"call": True, "register": True,
                                                     "publish": True, "subscribe": True}},
            {"uri": "open.", "match": "prefix",
             "allow": {"call": True, "register": True, "publish": True, "subscribe": True},
             "disclose": {"caller": True, "publisher": True}},
        ]}]}]}],
}


def test_publisher_disclosure_by_permission_or_request() -> None:
    router, _ = make_router(parse_config(DISCLOSE_CONFIG))
    a, p = joined(router, 2)
    subscribe(a, "open.x")
    subscribe(a, "closed.x")
    p.send(Publish(1, "open.x"))
    (ev,) = events(a)
    assert ev.publisher == p.session_id
    assert ev.publisher_authid == p.session.authid
    assert ev.publisher_authrole == "anonymous"
    p.send(Publish(2, "closed.x"))
    assert events(a)[0].publisher is None
    p.send(Publish(3, "closed.x", disclose_me=True))
    assert events(a)[0].publisher == p.session_id


def test_unsubscribe_and_errors() -> None:
    router, _ = make_router()
    a, p = joined(router, 2)
    sub = subscribe(a, "t.x")
    a.send(Unsubscribe(5, sub))
    assert a.expect(Unsubscribed).request == 5
    p.send(Publish(1, "t.x"))
    a.nothing()
    a.send(Unsubscribe(6, sub))
    err = a.expect(Error)
    assert (err.request_type, err.request, err.error) == (34, 6, "wamp.error.no_such_subscription")


def test_subscription_survives_while_others_hold_it() -> None:
    router, _ = make_router()
    a, b, p = joined(router, 3)
    sub = subscribe(a, "t.x")
    subscribe(b, "t.x")
    a.send(Unsubscribe(9, sub))
    a.expect(Unsubscribed)
    p.send(Publish(1, "t.x"))
    assert events(b)[0].subscription == sub
    a.nothing()


def test_clients_cannot_publish_to_wamp_topics() -> None:
    router, _ = make_router()
    a, p = joined(router, 2)
    subscribe(a, "wamp.session.on_join")
    p.send(Publish(1, "wamp.session.on_join", acknowledge=True))
    err = p.expect(Error)
    assert err.error == "wamp.error.invalid_uri"
    a.nothing()


def test_retained_events() -> None:
    router, _ = make_router()
    (p,) = joined(router, 1)
    p.send(Publish(1, "t.state", args=["old"], retain=True))
    p.send(Publish(2, "t.state", args=["new"], retain=True))
    p.send(Publish(3, "t.other", args=["x"], retain=True))
    (a,) = joined(router, 1)
    a.send(Subscribe(1, "t.state", get_retained=True))
    msgs = a.receive()
    assert type(msgs[0]) is Subscribed
    assert [(type(m), m.args, m.retained) for m in msgs[1:]] == [(Event, ["new"], True)]
    a.send(Subscribe(2, "t", match="prefix", get_retained=True))
    msgs = a.receive()
    assert sorted(m.args[0] for m in msgs[1:]) == ["new", "x"]
    assert {m.topic for m in msgs[1:]} == {"t.state", "t.other"}
    a.send(Subscribe(3, "t.nothing", get_retained=True))
    assert len(a.receive()) == 1
    # without get_retained nothing is replayed
    (b,) = joined(router, 1)
    b.send(Subscribe(1, "t.state"))
    assert len(b.receive()) == 1


def test_retained_event_respects_its_white_list() -> None:
    router, _ = make_router()
    a, p = joined(router, 2)
    p.send(Publish(1, "t.s", args=["secret"], retain=True, eligible=[a.session_id]))
    (b,) = joined(router, 1)
    b.send(Subscribe(1, "t.s", get_retained=True))
    assert len(b.receive()) == 1
    a.send(Subscribe(1, "t.s", get_retained=True))
    assert [m.args for m in a.receive()[1:]] == [["secret"]]


def test_leaving_session_drops_its_subscriptions() -> None:
    router, _ = make_router()
    a, p = joined(router, 2)
    sub = subscribe(a, "t.x")
    a.close()
    realm = router.realms["realm1"]
    assert sub not in realm.broker.by_id
    p.send(Publish(1, "t.x", acknowledge=True))
    p.expect(Published)


def test_realms_are_isolated() -> None:
    config = {"type": "router", "realms": [
        {"name": name, "roles": [{"name": "anonymous", "permissions": [
            {"uri": "", "match": "prefix", "allow": {"publish": True, "subscribe": True,
                                                     "call": True, "register": True}}]}]}
        for name in ("realm1", "realm2")]}
    router, _ = make_router(config)
    (a,) = joined(router, 1, realm="realm1")
    (b,) = joined(router, 1, realm="realm2")
    subscribe(a, "t.x")
    subscribe(b, "t.x")
    (p1,) = joined(router, 1, realm="realm1")
    p1.send(Publish(1, "t.x", args=[1]))
    assert len(events(a)) == 1
    b.nothing()
