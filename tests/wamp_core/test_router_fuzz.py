"""Random message sequences never crash the router or leave it inconsistent (hypothesis)."""

from __future__ import annotations

from typing import Any

from _router_helpers import ALL_ROLES, RawClient, make_router
from hypothesis import given, settings
from hypothesis import strategies as st
from wamp_core.message import (
    Abort,
    Authenticate,
    Call,
    Cancel,
    Error,
    Goodbye,
    Hello,
    Publish,
    Register,
    Subscribe,
    Unregister,
    Unsubscribe,
    Yield,
)
from wamp_core.router import Router, SessionState
from wamp_core.serializer import JsonSerializer

ids = st.integers(min_value=1, max_value=4)
uris = st.sampled_from(["a", "a.b", "a.b.c", "x.y", "wamp.session.count",
                        "wamp.subscription.list", "wamp.session.kill_all"])
patterns = st.sampled_from([("a", "prefix"), ("a..c", "wildcard"), ("a.b", "exact"),
                            ("", "prefix"), ("x.y", None)])
payload = st.one_of(st.none(), st.lists(st.integers(), max_size=2))
opt_bool = st.one_of(st.none(), st.booleans())
roles = st.sampled_from([ALL_ROLES, {"caller": {}, "callee": {}, "publisher": {},
                                     "subscriber": {}}])

messages = st.one_of(
    st.builds(lambda r: Hello("realm1", r), roles),
    st.builds(lambda: Hello("realm9", ALL_ROLES)),
    st.builds(lambda: Goodbye()),
    st.builds(lambda: Abort("wamp.close.normal")),
    st.builds(lambda: Authenticate("sig")),
    st.builds(lambda i, u, a, ack, ex, ret: Publish(i, u, args=a, acknowledge=ack,
                                                    exclude_me=ex, retain=ret),
              ids, uris, payload, opt_bool, opt_bool, opt_bool),
    st.builds(lambda i, p, g: Subscribe(i, p[0], match=p[1], get_retained=g), ids, patterns,
              opt_bool),
    st.builds(Unsubscribe, ids, st.integers(min_value=1, max_value=6)),
    st.builds(lambda i, p, inv, conc, force: Register(i, p[0], match=p[1], invoke=inv,
                                                      concurrency=conc, force_reregister=force),
              ids, patterns, st.sampled_from([None, "single", "roundrobin", "random", "last"]),
              st.one_of(st.none(), st.integers(min_value=1, max_value=2)), opt_bool),
    st.builds(Unregister, ids, st.integers(min_value=1, max_value=6)),
    st.builds(lambda i, u, a, t, prog, rp: Call(i, u, args=a, timeout=t, progress=prog,
                                                receive_progress=rp),
              ids, uris, payload, st.one_of(st.none(), st.integers(0, 3000)), opt_bool,
              opt_bool),
    st.builds(lambda i, m: Cancel(i, mode=m), ids,
              st.sampled_from([None, "skip", "kill", "killnowait"])),
    st.builds(lambda i, a, prog: Yield(i, args=a, progress=prog), ids, payload, opt_bool),
    st.builds(lambda i, t: Error(t, i, "com.error.x"), ids, st.sampled_from([68, 48, 16])),
)

# one step: (client index, action) where the action is a message, a payload, a close or a tick
steps = st.lists(
    st.tuples(st.integers(min_value=0, max_value=2), st.one_of(
        messages,
        st.sampled_from(["close", "tick", "garbage", "huge"]),
    )),
    max_size=40,
)


def _check_consistent(router: Router) -> None:
    realm = router.realms["realm1"]
    live = set(realm.sessions.values())
    for s in live:
        assert s.state is SessionState.JOINED
        for p in s.calls.values():
            assert p.caller is s
        for p in s.invocations.values():
            assert p.callee is s
    for sub in realm.broker.by_id.values():
        assert sub.subscribers and set(sub.subscribers) <= live
    for reg in realm.dealer.by_id.values():
        assert reg.callees and set(reg.callees) <= live
        assert len(set(reg.callees)) == len(reg.callees)


@settings(max_examples=200, deadline=None)
@given(plan=steps)
def test_random_sequences_never_crash_the_router(plan: list[tuple[int, Any]]) -> None:
    router, clock = make_router()
    clients = [RawClient(router) for _ in range(3)]
    ser = JsonSerializer()
    for who, action in plan:
        c = clients[who]
        if c.session.state is SessionState.CLOSED:
            c = clients[who] = RawClient(router)
        if action == "close":
            c.close()
        elif action == "tick":
            clock.advance(1.0)
        elif action == "garbage":
            c.session.receive_payload(b"[1, 2, {", ser, False)
        elif action == "huge":
            c.session.receive_payload(b"[" + b"1," * (9 * 2**20) + b"1]", ser, False)
        else:
            c.send(action)
        _check_consistent(router)
    for c in clients:
        for msg in c.wire.sent:
            if type(msg) is Abort:
                assert "failure handling" not in (msg.message or ""), msg.message
    for c in clients:
        c.close()
    clock.advance(10)
    realm = router.realms["realm1"]
    assert realm.sessions == {} and realm.broker.by_id == {} and realm.dealer.by_id == {}
    assert clock.pending() == 0
