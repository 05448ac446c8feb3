"""The Sans-I/O session machine: handshakes, correlation, and every protocol violation."""

from __future__ import annotations

from typing import Any

import pytest
from _machine_helpers import ROUTER_ROLES, connected, established
from wamp_core.exception import ProtocolError, SessionNotReady, TransportLost
from wamp_core.message import (
    Abort,
    Authenticate,
    Call,
    Cancel,
    Challenge,
    Error,
    Event,
    Goodbye,
    Hello,
    Interrupt,
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
from wamp_core.session import (
    CALL,
    CLIENT_ROLES,
    PUBLISH,
    REGISTER,
    SUBSCRIBE,
    Challenged,
    Closed,
    CloseKind,
    Incoming,
    Reply,
    Revoked,
    SessionMachine,
    SessionState,
    Welcomed,
)

PROTOCOL_VIOLATION = "wamp.error.protocol_violation"


def assert_violation(m: SessionMachine, text: str) -> Closed:
    (abort,) = m.messages_to_send()
    assert isinstance(abort, Abort)
    assert abort.reason == PROTOCOL_VIOLATION
    assert text in (abort.message or "")
    closed = m.events_received()[-1]
    assert isinstance(closed, Closed) and closed.kind is CloseKind.PROTOCOL_VIOLATION
    assert closed.reason == PROTOCOL_VIOLATION and closed.message == abort.message
    assert m.state is SessionState.FAILED and m.failure == abort.message
    return closed


# -- opening -----------------------------------------------------------------


def test_hello_announces_the_client_roles() -> None:
    m = connected()
    m.hello("realm1", authmethods=["ticket"], authid="joe", authextra={"x": 1})
    (hello,) = m.messages_to_send()
    assert isinstance(hello, Hello)
    assert hello.realm == "realm1" and hello.authmethods == ["ticket"] and hello.authid == "joe"
    assert hello.agent == "test-agent"
    assert hello.roles == {role: dict(f) for role, f in CLIENT_ROLES.items()}
    wire = hello.marshal()[2]["roles"]
    assert wire["caller"]["features"]["call_timeout"] is True
    assert wire["caller"]["features"]["progressive_call_invocations"] is True
    assert wire["callee"]["features"]["call_canceling"] is True
    assert wire["subscriber"]["features"]["pattern_based_subscription"] is True
    assert wire["publisher"]["features"]["publisher_exclusion"] is True
    assert m.state is SessionState.JOINING


def test_welcome_establishes_and_reads_router_roles() -> None:
    m = connected()
    m.hello("realm1")
    m.receive(Welcome(5, ROUTER_ROLES, realm="realm1"))
    (welcomed,) = m.events_received()
    assert isinstance(welcomed, Welcomed) and welcomed.welcome.session == 5
    assert m.state is SessionState.ESTABLISHED and m.session_id == 5
    assert m.router_roles.has_role("dealer") and m.router_roles.supports("dealer", "call_canceling")
    assert not m.router_roles.supports("broker", "event_retention")


def test_challenge_then_authenticate_then_welcome() -> None:
    m = connected()
    m.hello("realm1", authmethods=["wampcra"])
    m.messages_to_send()
    m.receive(Challenge("wampcra", {"challenge": "c"}))
    (ev,) = m.events_received()
    assert isinstance(ev, Challenged) and ev.challenge.extra == {"challenge": "c"}
    assert m.state is SessionState.CHALLENGED
    m.authenticate("sig")
    assert m.messages_to_send() == [Authenticate("sig")]
    m.receive(Challenge("wampcra", {"challenge": "again"}))  # a second round is allowed
    m.authenticate("sig2")
    m.receive(Welcome(9, ROUTER_ROLES))
    assert m.state is SessionState.ESTABLISHED


def test_abort_while_joining() -> None:
    m = connected()
    m.hello("realm1")
    m.receive(Abort("wamp.error.no_such_realm", "no realm"))
    (closed,) = m.events_received()
    assert closed.kind is CloseKind.ABORTED and closed.reason == "wamp.error.no_such_realm"
    assert closed.message == "no realm" and closed.was_established is False
    assert m.state is SessionState.CONNECTED
    m.hello("realm2")  # the transport may be reused
    assert m.state is SessionState.JOINING


def test_local_abort() -> None:
    m = connected()
    m.hello("realm1")
    m.receive(Challenge("ticket"))
    m.events_received()
    m.abort("wamp.error.cannot_authenticate", "no ticket")
    assert m.messages_to_send()[-1] == Abort("wamp.error.cannot_authenticate", "no ticket")
    (closed,) = m.events_received()
    assert closed.kind is CloseKind.ABORTED_LOCALLY and m.state is SessionState.CONNECTED


# -- closing -----------------------------------------------------------------


def test_goodbye_from_us_then_reply() -> None:
    m = established()
    m.goodbye("wamp.close.normal", "bye")
    assert m.messages_to_send() == [Goodbye("wamp.close.normal", "bye")]
    assert m.state is SessionState.CLOSING
    with pytest.raises(SessionNotReady, match="not joined"):
        m.call("com.x")
    m.receive(Goodbye("wamp.close.goodbye_and_out"))
    (closed,) = m.events_received()
    assert closed.kind is CloseKind.LEFT and closed.reason == "wamp.close.goodbye_and_out"
    assert not closed.by_router and m.state is SessionState.CONNECTED
    assert m.messages_to_send() == []


def test_goodbye_from_router_is_answered() -> None:
    m = established()
    token = object()
    m.call("com.x", token=token)
    m.messages_to_send()
    m.receive(Goodbye("wamp.close.system_shutdown", "going down"))
    assert m.messages_to_send() == [Goodbye("wamp.close.goodbye_and_out")]
    (closed,) = m.events_received()
    assert closed.by_router and closed.reason == "wamp.close.system_shutdown"
    assert closed.outstanding == [token]
    assert m.pending_requests() == 0


def test_transport_lost() -> None:
    m = established()
    token = object()
    m.subscribe("com.t", token=token)
    m.connection_lost()
    (closed,) = m.events_received()
    assert closed.kind is CloseKind.TRANSPORT_LOST and closed.was_established
    assert closed.reason == "wamp.close.transport_lost" and closed.outstanding == [token]
    assert m.state is SessionState.CLOSED and m.messages_to_send() == []
    with pytest.raises(TransportLost):
        m.hello("realm1")


def test_transport_lost_without_session_reports_nothing() -> None:
    m = connected()
    m.connection_lost()
    assert m.events_received() == []


def test_abort_from_router_in_session() -> None:
    m = established()
    m.receive(Abort("wamp.error.system_shutdown"))
    (closed,) = m.events_received()
    assert closed.kind is CloseKind.ABORTED and closed.was_established


# -- misuse raises -------------------------------------------------------------


@pytest.mark.parametrize("action", [
    lambda m: m.call("com.x"),
    lambda m: m.register("com.x"),
    lambda m: m.subscribe("com.x"),
    lambda m: m.publish("com.x"),
    lambda m: m.goodbye(),
    lambda m: m.authenticate("x"),
])
def test_requests_need_a_session(action: Any) -> None:
    m = connected()
    with pytest.raises(SessionNotReady):
        action(m)
    m2 = SessionMachine()
    with pytest.raises(TransportLost):
        action(m2)


def test_hello_twice_and_bad_arguments() -> None:
    m = connected()
    m.hello("realm1")
    with pytest.raises(SessionNotReady, match="JOINING"):
        m.hello("realm1")
    m2 = established()
    with pytest.raises(ProtocolError, match="Procedure"):
        m2.call("bad uri")
    with pytest.raises(SessionNotReady, match="not active"):
        m2.unsubscribe(12345)
    with pytest.raises(SessionNotReady, match="not active"):
        m2.unregister(12345)
    assert m2.pending_requests() == 0
    # a refused request takes no ID: the next one is 1
    assert m2.call("com.ok") == 1


# -- correlation ---------------------------------------------------------------


def test_request_ids_count_up_and_restart_per_session() -> None:
    m = established()
    assert [m.call("com.a"), m.subscribe("com.t"), m.register("com.p"),
            m.publish("com.t"), m.publish("com.t", acknowledge=True)] == [1, 2, 3, 4, 5]
    assert m.pending_requests() == 4  # the plain publish waits for nothing
    m.goodbye()
    m.receive(Goodbye())
    m.hello("realm1")
    m.receive(Welcome(8, ROUTER_ROLES))
    assert m.call("com.a") == 1


def test_call_result_error_and_progress() -> None:
    m = established()
    r1 = m.call("com.a", [1], token="t1", receive_progress=True, timeout=1500)
    (call,) = m.messages_to_send()
    assert call == Call(r1, "com.a", [1], receive_progress=True, timeout=1500)
    m.receive(Result(r1, ["p"], progress=True))
    m.receive(Result(r1, ["final"]))
    events = m.events_received()
    assert [(type(e), e.token, e.final) for e in events] == [(Reply, "t1", False),
                                                             (Reply, "t1", True)]
    r2 = m.call("com.b", token="t2")
    m.receive(Error(CALL, r2, "com.error"))
    (err,) = m.events_received()
    assert err.token == "t2" and err.message.error == "com.error"
    assert m.pending_requests() == 0


def test_abandoned_call_absorbs_the_late_answer() -> None:
    m = established()
    r = m.call("com.a", token="t")
    assert m.cancel(r, "killnowait")
    m.abandon(r)
    assert m.messages_to_send()[-1] == Cancel(r, "killnowait")
    m.receive(Result(r, [1], progress=True))
    m.receive(Error(CALL, r, "wamp.error.canceled"))
    assert m.events_received() == [] and m.state is SessionState.ESTABLISHED
    assert not m.cancel(r)  # no longer pending


def test_progressive_call_invocation_chunks() -> None:
    m = established()
    r = m.call("com.up", ["a"], progress=True)
    m.call_chunk(r, ["b"])
    m.call_chunk(r, ["c"], final=True)
    sent = m.messages_to_send()
    assert sent == [Call(r, "com.up", ["a"], progress=True),
                    Call(r, "com.up", ["b"], progress=True), Call(r, "com.up", ["c"])]
    with pytest.raises(SessionNotReady, match="final"):
        m.call_chunk(r, ["d"])
    m.receive(Result(r, ["ok"]))
    with pytest.raises(SessionNotReady, match="ended"):
        m.call_chunk(r, ["d"])


def test_register_unregister_and_revocation() -> None:
    m = established()
    r = m.register("com.p", token="reg", invoke="roundrobin", match="prefix", concurrency=2)
    (msg,) = m.messages_to_send()
    assert msg == Register(r, "com.p", match="prefix", invoke="roundrobin", concurrency=2)
    m.receive(Registered(r, 500))
    assert m.registrations == {500}
    u = m.unregister(500, token="unreg")
    assert m.messages_to_send() == [Unregister(u, 500)]
    m.receive(Unregistered(u))
    assert m.registrations == set()
    r2 = m.register("com.q")
    m.receive(Registered(r2, 501))
    m.receive(Unregistered(0, registration=501, reason="wamp.close.revoked"))
    events = m.events_received()
    assert isinstance(events[-1], Revoked) and events[-1].message.reason == "wamp.close.revoked"
    assert m.registrations == set()


def test_subscribe_shares_ids_and_revocation() -> None:
    m = established()
    a, b = m.subscribe("com.t", token="a"), m.subscribe("com.t", token="b")
    m.receive(Subscribed(a, 9))
    m.receive(Subscribed(b, 9))  # the broker's answer to a second SUBSCRIBE
    assert [e.token for e in m.events_received()] == ["a", "b"]
    m.receive(Event(9, 1000, ["hi"]))
    (ev,) = m.events_received()
    assert isinstance(ev, Incoming) and ev.message.args == ["hi"]
    m.receive(Unsubscribed(0, subscription=9, reason="wamp.close.revoked"))
    assert isinstance(m.events_received()[0], Revoked) and m.subscriptions == set()


def test_acknowledged_publish() -> None:
    m = established()
    r = m.publish("com.t", [1], token="p", acknowledge=True, exclude_me=False)
    assert m.messages_to_send() == [Publish(r, "com.t", [1], acknowledge=True, exclude_me=False)]
    m.receive(Published(r, 4242))
    (reply,) = m.events_received()
    assert reply.request_type == PUBLISH and reply.message.publication == 4242


def test_invocation_yield_and_interrupt() -> None:
    m = established()
    r = m.register("com.p")
    m.receive(Registered(r, 5))
    m.events_received()
    m.messages_to_send()
    m.receive(Invocation(31, 5, [1]))
    m.receive(Interrupt(31, mode="kill"))
    events = m.events_received()
    assert [type(e.message) for e in events] == [Invocation, Interrupt]
    assert m.yield_(31, ["p"], progress=True)
    assert m.yield_(31, ["done"])
    assert not m.yield_(31, ["again"])  # answered already: nothing sent
    assert m.messages_to_send() == [Yield(31, ["p"], progress=True), Yield(31, ["done"])]
    m.receive(Interrupt(31))  # crossed our answer: dropped
    assert m.events_received() == [] and m.state is SessionState.ESTABLISHED
    m.receive(Invocation(32, 5))
    assert m.invocation_error(32, "com.err", ["x"])
    assert m.messages_to_send() == [Error(68, 32, "com.err", ["x"])]


def test_progressive_invocation_chunks_and_early_answer() -> None:
    m = established()
    r = m.register("com.p")
    m.receive(Registered(r, 5))
    m.events_received()
    m.receive(Invocation(40, 5, ["a"], progress=True))
    m.receive(Invocation(40, 5, ["b"], progress=True))
    events = m.events_received()
    assert [e.continued for e in events] == [False, True]
    assert m.yield_(40, ["early"])  # answered before the last chunk
    m.receive(Invocation(40, 5, ["c"], progress=True))
    m.receive(Invocation(40, 5, ["d"]))
    assert m.events_received() == [] and m.state is SessionState.ESTABLISHED
    m.receive(Invocation(40, 5, ["new"]))  # the request ID is free again
    assert len(m.events_received()) == 1


# -- protocol violations ---------------------------------------------------------

VIOLATIONS_IN_SESSION = [
    (Welcome(3, ROUTER_ROLES), "unexpected WELCOME"),
    (Challenge("ticket"), "unexpected CHALLENGE"),
    (Hello("realm1", {"caller": {}}), "unexpected HELLO message"),
    (Authenticate("x"), "unexpected AUTHENTICATE message"),
    (Call(1, "com.x"), "unexpected CALL message"),
    (Cancel(1), "unexpected CANCEL message"),
    (Yield(1), "unexpected YIELD message"),
    (Register(1, "com.x"), "unexpected REGISTER message"),
    (Unregister(1, 2), "unexpected UNREGISTER message"),
    (Subscribe(1, "com.x"), "unexpected SUBSCRIBE message"),
    (Unsubscribe(1, 2), "unexpected UNSUBSCRIBE message"),
    (Publish(1, "com.x"), "unexpected PUBLISH message"),
    (Result(99), "RESULT for request 99, which is not a pending CALL"),
    (Error(CALL, 99, "com.e"), "ERROR for request 99, which is not a pending CALL"),
    (Error(68, 1, "com.e"), "ERROR for a request of type 68"),
    (Registered(99, 1), "REGISTERED for request 99, which is not a pending REGISTER"),
    (Unregistered(99), "UNREGISTERED for request 99, which is not a pending UNREGISTER"),
    (Unregistered(0, registration=4), "revoking registration 4, which is not active"),
    (Subscribed(99, 1), "SUBSCRIBED for request 99, which is not a pending SUBSCRIBE"),
    (Unsubscribed(99), "UNSUBSCRIBED for request 99, which is not a pending UNSUBSCRIBE"),
    (Unsubscribed(0, subscription=4), "revoking subscription 4, which is not active"),
    (Published(99, 1), "PUBLISHED for request 99, which is not a pending PUBLISH"),
    (Event(4, 1), "EVENT for subscription 4, which is not active"),
    (Invocation(1, 4), "INVOCATION for registration 4, which is not active"),
    ([70, 1, {}], "unexpected list (not a WAMP message)"),
    ("garbage", "unexpected str (not a WAMP message)"),
]


@pytest.mark.parametrize(("message", "text"), VIOLATIONS_IN_SESSION,
                         ids=[t for _, t in VIOLATIONS_IN_SESSION])
def test_violation_in_session(message: Any, text: str) -> None:
    m = established()
    token = object()
    m.call("com.pending", token=token)
    m.messages_to_send()
    m.receive(message)
    closed = assert_violation(m, text)
    assert closed.was_established and closed.outstanding == [token]
    m.receive(Goodbye())  # input is ignored once failed
    assert m.events_received() == [] and m.messages_to_send() == []


@pytest.mark.parametrize(("message", "text"), [
    (Goodbye(), "unexpected GOODBYE in state JOINING"),
    (Result(1), "unexpected RESULT message in state JOINING"),
    (Event(1, 1), "unexpected EVENT message in state JOINING"),
    (Invocation(1, 1), "unexpected INVOCATION message in state JOINING"),
])
def test_violation_while_joining(message: Any, text: str) -> None:
    m = connected()
    m.hello("realm1")
    m.messages_to_send()
    m.receive(message)
    closed = assert_violation(m, text)
    assert not closed.was_established


def test_violations_in_other_states() -> None:
    m = connected()
    m.receive(Welcome(1, ROUTER_ROLES))
    assert_violation(m, "unexpected WELCOME in state CONNECTED")
    m = connected()
    m.hello("realm1")
    m.receive(Challenge("ticket"))
    m.messages_to_send()
    m.receive(Welcome(1, ROUTER_ROLES))  # before our AUTHENTICATE
    assert_violation(m, "unexpected WELCOME in state CHALLENGED")


def test_duplicate_registration_and_reinvocation() -> None:
    m = established()
    a, b = m.register("com.a"), m.register("com.b")
    m.messages_to_send()
    m.receive(Registered(a, 5))
    m.receive(Registered(b, 5))
    assert_violation(m, "REGISTERED with registration 5, which is already in use")
    m = established()
    r = m.register("com.a")
    m.messages_to_send()
    m.receive(Registered(r, 5))
    m.receive(Invocation(7, 5))
    m.receive(Invocation(7, 5))
    assert_violation(m, "INVOCATION for request 7, which is already invoked")


def test_error_with_the_wrong_request_type() -> None:
    m = established()
    r = m.subscribe("com.t")
    m.messages_to_send()
    m.receive(Error(REGISTER, r, "com.e"))
    assert_violation(m, f"ERROR for request {r}, which is not a pending REGISTER")
    m = established()
    r = m.subscribe("com.t")
    m.receive(Error(SUBSCRIBE, r, "wamp.error.not_authorized"))
    (reply,) = m.events_received()
    assert reply.message.error == "wamp.error.not_authorized"


def test_fail_from_the_transport_layer() -> None:
    m = established()
    m.fail("unparseable CBOR from the router")
    assert_violation(m, "unparseable CBOR")
    m.fail("again")  # once failed, nothing more
    assert m.messages_to_send() == []


def test_dropped_input_when_closed() -> None:
    m = SessionMachine()
    m.receive(Welcome(1, ROUTER_ROLES))
    assert m.events_received() == [] and m.messages_to_send() == []


# -- fuzzing: whatever the router sends, receive() never raises ----------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_IDS = st.integers(min_value=1, max_value=6)
_ROUTER_MESSAGES = st.one_of(
    st.builds(Result, _IDS, st.just([1]), progress=st.sampled_from([None, True])),
    st.builds(Error, st.sampled_from([16, 32, 34, 48, 64, 66, 68]), _IDS, st.just("com.e")),
    st.builds(Registered, _IDS, _IDS),
    st.builds(Unregistered, _IDS),
    st.builds(lambda r: Unregistered(0, registration=r), _IDS),
    st.builds(Subscribed, _IDS, _IDS),
    st.builds(Unsubscribed, _IDS),
    st.builds(lambda r: Unsubscribed(0, subscription=r), _IDS),
    st.builds(Published, _IDS, _IDS),
    st.builds(Event, _IDS, _IDS),
    st.builds(Invocation, _IDS, _IDS, progress=st.sampled_from([None, True])),
    st.builds(Interrupt, _IDS),
    st.builds(Goodbye),
    st.builds(Abort, st.just("wamp.error.x")),
    st.builds(Welcome, _IDS, st.just(ROUTER_ROLES)),
    st.builds(Challenge, st.just("ticket")),
    st.just("not a message"),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_ROUTER_MESSAGES, max_size=12))
def test_fuzz_router_input_never_raises(messages: list[Any]) -> None:
    m = established()
    tokens = [m.call("com.a", token="c"), m.register("com.p", token="r"),
              m.subscribe("com.t", token="s"), m.publish("com.t", token="p", acknowledge=True)]
    assert tokens == [1, 2, 3, 4]
    m.messages_to_send()
    aborts = 0
    for message in messages:
        before = m.state
        m.receive(message)
        sent = m.messages_to_send()
        aborts += sum(isinstance(s, Abort) for s in sent)
        if before is SessionState.FAILED:
            assert sent == []
    closed = [e for e in m.events_received() if isinstance(e, Closed)]
    assert aborts == sum(e.kind is CloseKind.PROTOCOL_VIOLATION for e in closed) <= 1
    assert m.state in SessionState
