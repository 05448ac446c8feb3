"""The meta API: session, registration and subscription procedures and events (raw messages)."""

from __future__ import annotations

from typing import Any

from _router_helpers import RawClient, joined, make_router
from wamp_core.message import (
    Call,
    Error,
    Event,
    Goodbye,
    Register,
    Registered,
    Result,
    Subscribe,
    Subscribed,
    Unregister,
    Unregistered,
    Unsubscribe,
    Unsubscribed,
)


def meta(c: RawClient, uri: str, *args: Any, **kwargs: Any) -> Any:
    c.send(Call(c.next_request(), uri, args=list(args), kwargs=kwargs or None))
    msgs = c.receive()
    msg, c.wire.sent = msgs[0], msgs[1:]  # meta events come after the answer
    if type(msg) is Error:
        return msg
    assert type(msg) is Result, msg
    return msg.args[0]


def sub(c: RawClient, topic: str, match: str | None = None) -> int:
    c.send(Subscribe(c.next_request(), topic, match=match))
    return int(c.expect(Subscribed).subscription)


def test_session_count_list_get() -> None:
    router, _ = make_router()
    a, b = joined(router, 2)
    assert meta(a, "wamp.session.count") == 2
    assert sorted(meta(a, "wamp.session.list")) == sorted([a.session_id, b.session_id])
    assert meta(a, "wamp.session.count", ["nobody"]) == 0
    assert meta(a, "wamp.session.list", ["anonymous"]) != []
    details = meta(a, "wamp.session.get", b.session_id)
    assert details["session"] == b.session_id and details["authrole"] == "anonymous"
    assert details["realm"] == "realm1" and details["authmethod"] == "anonymous"
    err = meta(a, "wamp.session.get", 42)
    assert err.error == "wamp.error.no_such_session"
    err = meta(a, "wamp.session.get")
    assert err.error == "wamp.error.invalid_argument"


def test_session_on_join_and_on_leave() -> None:
    router, _ = make_router()
    (watcher,) = joined(router, 1)
    sub(watcher, "wamp.session.on_join")
    sub(watcher, "wamp.session.on_leave")
    (c,) = joined(router, 1)
    joined_ev = watcher.expect(Event)
    assert joined_ev.args[0]["session"] == c.session_id
    assert joined_ev.args[0]["authid"] == c.session.authid
    c.send(Goodbye())
    left = watcher.expect(Event)
    assert left.args == [c.session_id]


def test_session_kill_variants() -> None:
    router, _ = make_router()
    admin, v1, v2 = joined(router, 3)
    assert meta(admin, "wamp.session.kill", admin.session_id).error == \
        "wamp.error.no_such_session"
    assert meta(admin, "wamp.session.kill", v1.session_id, reason="bad uri!").error == \
        "wamp.error.invalid_uri"
    assert meta(admin, "wamp.session.kill", v1.session_id, reason="com.example.kicked",
                message="bye") is None
    bye = v1.expect(Goodbye)
    assert (bye.reason, bye.message) == ("com.example.kicked", "bye")
    assert meta(admin, "wamp.session.count") == 2
    assert meta(admin, "wamp.session.kill_by_authrole", "anonymous") == 1
    v2.expect(Goodbye)
    assert meta(admin, "wamp.session.kill_all") == 0
    assert meta(admin, "wamp.session.kill_by_authid", admin.session.authid) == 0


def test_registration_meta_procedures_and_events() -> None:
    router, _ = make_router()
    watcher, callee, other = joined(router, 3)
    for topic in ("on_create", "on_register", "on_unregister", "on_delete"):
        sub(watcher, f"wamp.registration.{topic}")
    callee.send(Register(1, "com.p", invoke="roundrobin"))
    reg = callee.expect(Registered).registration
    created, registered = watcher.receive()
    assert created.args[0] == callee.session_id  # type: ignore[attr-defined]
    details = created.args[1]  # type: ignore[attr-defined]
    assert (details["id"], details["uri"], details["match"], details["invoke"]) == \
        (reg, "com.p", "exact", "roundrobin")
    assert details["created"] == "2023-11-14T22:13:20.000Z"
    assert registered.args == [callee.session_id, reg]  # type: ignore[attr-defined]
    other.send(Register(1, "com.p", invoke="roundrobin"))
    other.expect(Registered)
    assert [e.args for e in watcher.receive()] == [[other.session_id, reg]]  # type: ignore[attr-defined]

    assert meta(watcher, "wamp.registration.list") == {"exact": [reg], "prefix": [],
                                                       "wildcard": []}
    assert meta(watcher, "wamp.registration.list", callee.session_id)["exact"] == [reg]
    assert meta(watcher, "wamp.registration.lookup", "com.p") == reg
    assert meta(watcher, "wamp.registration.lookup", "com.p", {"match": "prefix"}) is None
    assert meta(watcher, "wamp.registration.match", "com.p") == reg
    assert meta(watcher, "wamp.registration.match", "com.q") is None
    assert meta(watcher, "wamp.registration.get", reg)["uri"] == "com.p"
    assert sorted(meta(watcher, "wamp.registration.list_callees", reg)) == \
        sorted([callee.session_id, other.session_id])
    assert meta(watcher, "wamp.registration.count_callees", reg) == 2
    assert meta(watcher, "wamp.registration.get", 999).error == \
        "wamp.error.no_such_registration"

    callee.send(Unregister(2, reg))
    callee.expect(Unregistered)
    assert [e.args for e in watcher.receive()] == [[callee.session_id, reg]]  # type: ignore[attr-defined]
    other.send(Goodbye())
    other.receive()
    unreg, deleted = watcher.receive()
    assert (unreg.args, deleted.args) == ([other.session_id, reg], [other.session_id, reg])  # type: ignore[attr-defined]


def test_registration_remove_callee_revokes() -> None:
    router, _ = make_router()
    admin, callee = joined(router, 2)
    callee.send(Register(1, "com.p"))
    reg = callee.expect(Registered).registration
    assert meta(admin, "wamp.registration.remove_callee", reg, callee.session_id) is None
    revoked = callee.expect(Unregistered)
    assert (revoked.request, revoked.registration, revoked.reason) == \
        (0, reg, "wamp.error.unregistered")
    assert meta(admin, "wamp.registration.match", "com.p") is None


def test_subscription_meta_procedures_and_events() -> None:
    router, _ = make_router()
    watcher, s1, s2 = joined(router, 3)
    for topic in ("on_create", "on_subscribe", "on_unsubscribe", "on_delete"):
        sub(watcher, f"wamp.subscription.{topic}")
    sid = sub(s1, "com.t", "prefix")
    created, subscribed = watcher.receive()
    assert created.args[1]["uri"] == "com.t"  # type: ignore[attr-defined]
    assert subscribed.args == [s1.session_id, sid]  # type: ignore[attr-defined]
    assert sub(s2, "com.t", "prefix") == sid
    watcher.receive()
    listing = meta(watcher, "wamp.subscription.list")
    assert listing["prefix"] == [sid] and listing["exact"] == []  # meta topics are hidden
    assert meta(watcher, "wamp.subscription.lookup", "com.t", {"match": "prefix"}) == sid
    assert meta(watcher, "wamp.subscription.match", "com.t.x") == [sid]
    assert meta(watcher, "wamp.subscription.match", "org.x") is None
    assert meta(watcher, "wamp.subscription.get", sid)["match"] == "prefix"
    assert meta(watcher, "wamp.subscription.count_subscribers", sid) == 2
    assert sorted(meta(watcher, "wamp.subscription.list_subscribers", sid)) == \
        sorted([s1.session_id, s2.session_id])
    s1.send(Unsubscribe(9, sid))
    s1.expect(Unsubscribed)
    assert [e.args for e in watcher.receive()] == [[s1.session_id, sid]]  # type: ignore[attr-defined]
    assert meta(watcher, "wamp.subscription.remove_subscriber", sid, s2.session_id) is None
    revoked = s2.expect(Unsubscribed)
    assert (revoked.request, revoked.subscription) == (0, sid)
    _unsub, deleted = watcher.receive()
    assert deleted.args == [s2.session_id, sid]  # type: ignore[attr-defined]
    assert meta(watcher, "wamp.subscription.get", sid).error == \
        "wamp.error.no_such_subscription"


def test_meta_topics_are_hidden_from_listings() -> None:
    router, _ = make_router()
    (a,) = joined(router, 1)
    sid = sub(a, "wamp.session.on_join")
    assert meta(a, "wamp.subscription.get", sid).error == "wamp.error.not_authorized"
    assert meta(a, "wamp.subscription.lookup", "wamp.session.on_join") is None


def test_meta_api_disabled_per_realm() -> None:
    config = {"type": "router", "realms": [{"name": "realm1",
                                            "options": {"enable_meta_api": False},
                                            "roles": [{"name": "anonymous", "permissions": [
                                                {"uri": "*", "allow": {"call": True}}]}]}]}
    router, _ = make_router(config)
    c = RawClient(router)
    welcome = c.join()
    assert "session_meta_api" not in welcome.roles["dealer"]
    assert meta(c, "wamp.session.count").error == "wamp.error.no_such_procedure"


def test_meta_calls_need_the_call_permission() -> None:
    config = {"type": "router", "realms": [{"name": "realm1", "roles": [
        {"name": "anonymous", "permissions": [{"uri": "com.*", "allow": {"call": True}}]}]}]}
    router, _ = make_router(config)
    (c,) = joined(router, 1)
    assert meta(c, "wamp.session.count").error == "wamp.error.not_authorized"


def test_testaments_fire_when_the_session_leaves() -> None:
    router, _ = make_router()
    watcher, dying = joined(router, 2)
    sub(watcher, "com.testament")
    pub_id = meta(dying, "wamp.session.add_testament", "com.testament", ["gone"], {"why": 1})
    assert isinstance(pub_id, int)
    meta(dying, "wamp.session.add_testament", "com.testament", ["detached"], None, None,
         "detached")
    meta(dying, "wamp.session.add_testament", "com.testament", ["flushed"])
    assert meta(dying, "wamp.session.flush_testaments") == 2
    meta(dying, "wamp.session.add_testament", "com.testament", ["last words"])
    assert meta(dying, "wamp.session.add_testament", "com.t", [], None, None,
                "forever").error == "wamp.error.testament_error"
    watcher.nothing()
    dying.close()
    assert [(e.args, e.kwargs) for e in watcher.receive()] == [  # type: ignore[attr-defined]
        (["detached"], None), (["last words"], None)]
