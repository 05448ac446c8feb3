"""Router hot paths written out for speed: payloads of several messages, sends that fail
while a call or an event is routed, handler failures, INVOCATION request IDs."""

from __future__ import annotations

from typing import Any

from _router_helpers import ALL_ROLES, RawClient, joined, make_router
from wamp_core.exception import TransportLost
from wamp_core.message import (
    Abort,
    Call,
    Error,
    Event,
    Hello,
    Invocation,
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
    Welcome,
    Yield,
)
from wamp_core.router import SessionState
from wamp_core.router.matching import MATCH_CACHE_LIMIT
from wamp_core.serializer import JsonSerializer
from wamp_core.util import ID_MAX


class LosingWire:
    """Takes the joining messages, then fails every later send (counted)."""

    def __init__(self) -> None:
        self.transport_details = None
        self.attempts = 0

    def send(self, msg: Any) -> None:
        if isinstance(msg, (Welcome, Subscribed, Registered)):
            return
        self.attempts += 1
        raise TransportLost("gone")

    def close(self) -> None:
        pass


def losing_client(router: Any) -> tuple[Any, LosingWire]:
    wire = LosingWire()
    session = router.session()
    session.onOpen(wire)
    session.onMessage(Hello("realm1", ALL_ROLES))
    return session, wire


def test_a_batched_payload_is_routed_message_by_message() -> None:
    router, _ = make_router()
    (sub,) = joined(router, 1)
    sub.send(Subscribe(1, "t.x"))
    sub.expect(Subscribed)
    pub = RawClient(router)
    ser = JsonSerializer(batched=True)
    pub.session.receive_payload(ser.serialize(Hello("realm1", ALL_ROLES))[0], ser, False)
    pub.expect(Welcome)
    payload, _ = ser.serialize_many([Publish(i, "t.x", args=[i], acknowledge=True)
                                     for i in (1, 2, 3)])
    pub.session.receive_payload(payload, ser, False)
    assert [m.request for m in pub.receive()] == [1, 2, 3]
    assert [e.args for e in sub.receive()] == [[1], [2], [3]]


def test_a_batched_payload_stops_at_the_message_that_ends_the_session() -> None:
    router, _ = make_router()
    (sub,) = joined(router, 1)
    sub.send(Subscribe(1, "t.x"))
    sub.expect(Subscribed)
    pub = RawClient(router)
    ser = JsonSerializer(batched=True)
    pub.session.receive_payload(ser.serialize(Hello("realm1", ALL_ROLES))[0], ser, False)
    pub.expect(Welcome)
    payload, _ = ser.serialize_many([Publish(1, "t.x", args=[1]), Hello("realm1", ALL_ROLES),
                                     Publish(2, "t.x", args=[2])])
    pub.session.receive_payload(payload, ser, False)
    assert pub.expect(Abort).reason == "wamp.error.protocol_violation"
    assert [e.args for e in sub.receive()] == [[1]]


def test_a_session_lost_in_a_batch_leaves_before_the_next_message() -> None:
    router, _ = make_router()
    lost, wire = losing_client(router)
    lost.onMessage(Subscribe(1, "t.x"))
    pub = RawClient(router)
    ser = JsonSerializer(batched=True)
    pub.session.receive_payload(ser.serialize(Hello("realm1", ALL_ROLES))[0], ser, False)
    pub.expect(Welcome)
    payload, _ = ser.serialize_many([Publish(1, "t.x", args=[1]), Publish(2, "t.x", args=[2])])
    pub.session.receive_payload(payload, ser, False)
    assert wire.attempts == 1  # the second event found no subscriber left
    assert lost.state is SessionState.CLOSED and lost.session_id is None


def test_a_handler_failure_aborts_the_sender_only() -> None:
    router, _ = make_router()
    caller, other = joined(router, 2)

    def broken(session: Any, msg: Any) -> None:
        raise RuntimeError("bug")

    caller.session._handlers = {**router.realms["realm1"].handlers, Call: broken}
    ser = JsonSerializer()
    caller.session.receive_payload(ser.serialize(Call(1, "com.p"))[0], ser, False)
    abort = caller.expect(Abort)
    assert abort.reason == "wamp.error.protocol_violation"
    assert abort.message == "failure handling CALL: RuntimeError('bug')"
    assert caller.session.state is SessionState.CLOSED
    other.send(Publish(1, "t.x", acknowledge=True))
    other.expect(Published)
    assert router.depth == 0 and not router.deferred


def test_invocation_to_a_lost_callee_cancels_the_call() -> None:
    router, _ = make_router()
    callee, wire = losing_client(router)
    callee.onMessage(Register(1, "com.p"))
    (caller,) = joined(router, 1)
    caller.send(Call(7, "com.p", args=[1]))
    err = caller.expect(Error)
    assert (err.request, err.error) == (7, "wamp.error.canceled")
    assert wire.attempts == 1
    assert callee.state is SessionState.CLOSED  # left once the CALL was routed
    assert not caller.session.calls
    caller.send(Call(8, "com.p"))
    assert caller.expect(Error).error == "wamp.error.no_such_procedure"


def test_result_to_a_lost_caller_ends_the_call_quietly() -> None:
    router, _ = make_router()
    (callee,) = joined(router, 1)
    callee.send(Register(1, "com.p"))
    callee.expect(Registered)
    caller, wire = losing_client(router)
    caller.onMessage(Call(3, "com.p"))
    inv = callee.expect(Invocation)
    callee.send(Yield(inv.request, args=[2]))
    callee.nothing()
    assert wire.attempts == 1
    assert caller.state is SessionState.CLOSED and not callee.session.invocations
    assert callee.session.state is SessionState.JOINED


def test_invocation_ids_count_up_and_wrap_after_the_largest_id() -> None:
    router, _ = make_router()
    callee, caller = joined(router, 2)
    callee.send(Register(1, "com.p"))
    callee.expect(Registered)
    ids = []
    for req in (1, 2, 3, 4):
        if req == 3:
            router.realms["realm1"].dealer._inv_next = ID_MAX - 1
        caller.send(Call(req, "com.p"))
        inv = callee.expect(Invocation)
        ids.append(inv.request)
        callee.send(Yield(inv.request, args=[req]))
        assert (caller.expect(Result).request, inv.args) == (req, None)
    assert ids == [1, 2, ID_MAX, 1]


def test_events_reach_every_subscriber_but_the_publisher() -> None:
    router, _ = make_router()
    subs = joined(router, 3)
    for s in subs:
        s.send(Subscribe(1, "t.x"))
        s.expect(Subscribed)
    subs[0].send(Publish(1, "t.x", args=["hi"]))
    subs[0].nothing()
    events = [s.expect(Event) for s in subs[1:]]
    assert events[0] is events[1]  # one EVENT object, serialized once per serializer
    assert events[0].args == ["hi"] and events[0].publisher is None


def test_topic_matches_follow_subscriptions_coming_and_going() -> None:
    router, _ = make_router()
    sub1, sub2, pub = joined(router, 3)
    pub.send(Publish(1, "a.b.c", args=[0]))  # no subscriber yet: remembered as none
    sub1.send(Subscribe(1, "a.b.c"))
    sub1.expect(Subscribed)
    pub.send(Publish(2, "a.b.c", args=[1]))
    assert sub1.expect(Event).args == [1]
    sub2.send(Subscribe(1, "a..c", match="wildcard"))
    sid = sub2.expect(Subscribed).subscription
    pub.send(Publish(3, "a.b.c", args=[2]))
    assert sub1.expect(Event).args == [2]
    assert (sub2.expect(Event).subscription, sub1.receive()) == (sid, [])
    exact = router.realms["realm1"].broker.lookup("a.b.c", "exact")
    assert exact is not None
    sub1.send(Unsubscribe(2, exact.id))
    sub1.expect(Unsubscribed)
    pub.send(Publish(4, "a.b.c", args=[3]))
    sub1.nothing()
    assert sub2.expect(Event).args == [3]
    assert router.realms["realm1"].broker.lookup("a.b.c", "exact") is None


def test_many_topics_keep_matching_past_the_cache_bound() -> None:
    router, _ = make_router()
    sub, pub = joined(router, 2)
    sub.send(Subscribe(1, "t.", match="prefix"))
    sub.expect(Subscribed)
    for i in range(MATCH_CACHE_LIMIT + 10):
        pub.send(Publish(i + 1, f"t.{i}", args=[i]))
    events = sub.receive()
    assert len(events) == MATCH_CACHE_LIMIT + 10
    assert events[-1].topic == f"t.{MATCH_CACHE_LIMIT + 9}"
    assert len(router.realms["realm1"].broker._matches) <= MATCH_CACHE_LIMIT


def test_calls_follow_registrations_coming_and_going() -> None:
    router, _ = make_router()
    wide, narrow, caller = joined(router, 3)
    caller.send(Call(1, "com.a.b"))
    assert caller.expect(Error).error == "wamp.error.no_such_procedure"
    wide.send(Register(1, "com.", match="prefix"))
    wide.expect(Registered)
    caller.send(Call(2, "com.a.b"))
    assert wide.expect(Invocation).procedure == "com.a.b"
    narrow.send(Register(1, "com.a.b"))
    reg = narrow.expect(Registered).registration
    caller.send(Call(3, "com.a.b"))
    assert narrow.expect(Invocation).registration == reg
    narrow.send(Unregister(2, reg))
    narrow.expect(Unregistered)
    caller.send(Call(4, "com.a.b"))
    assert wide.expect(Invocation).procedure == "com.a.b"
    wide.close()
    caller.send(Call(5, "com.a.b"))
    errors = [m for m in caller.receive() if isinstance(m, Error)]
    assert [e.error for e in errors][-1] == "wamp.error.no_such_procedure"
