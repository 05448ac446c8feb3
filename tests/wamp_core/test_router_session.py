"""Router sessions: opening, closing, protocol violations, garbage, limits (raw messages)."""

from __future__ import annotations

from typing import Any

import pytest
from _router_helpers import ALL_ROLES, RawClient, joined, make_router
from wamp_core.exception import PayloadExceededError
from wamp_core.interfaces import ITransportHandler
from wamp_core.message import (
    Abort,
    Call,
    Event,
    Goodbye,
    Hello,
    Invocation,
    Publish,
    Published,
    Register,
    Registered,
    Result,
    Subscribe,
    Subscribed,
    Welcome,
)
from wamp_core.router import Limits, Role, Router, SessionState
from wamp_core.router.realm import BROKER_FEATURES, DEALER_FEATURES
from wamp_core.serializer import JsonSerializer, MsgPackSerializer
from zope.interface.verify import verifyObject  # type: ignore[import-untyped]


def test_router_session_is_a_transport_handler() -> None:
    router, _ = make_router()
    assert verifyObject(ITransportHandler, router.session())


def test_welcome_announces_the_router_roles_and_identity() -> None:
    router, _ = make_router()
    c = RawClient(router)
    welcome = c.join(authextra={"x": 1})
    assert welcome.realm == "realm1"
    assert (welcome.authrole, welcome.authmethod, welcome.authprovider) == \
        ("anonymous", "anonymous", "static")
    assert welcome.authextra == {"x": 1}
    assert welcome.agent and welcome.agent.startswith("wamp-core-router")
    for key in BROKER_FEATURES:
        assert welcome.roles["broker"][key] is True
    for key in DEALER_FEATURES:
        assert welcome.roles["dealer"][key] is True
    assert welcome.roles["broker"]["session_meta_api"] is True
    assert welcome.roles["dealer"]["registration_meta_api"] is True
    assert c.session.state is SessionState.JOINED
    assert router.realms["realm1"].sessions == {welcome.session: c.session}


def test_unknown_realm() -> None:
    router, _ = make_router()
    c = RawClient(router)
    c.send(Hello("nowhere", ALL_ROLES))
    abort = c.expect(Abort)
    assert abort.reason == "wamp.error.no_such_realm" and "nowhere" in (abort.message or "")
    assert c.wire.closed


def test_goodbye_handshake_and_rejoin() -> None:
    router, _ = make_router()
    c, other = joined(router, 2)
    c.send(Register(1, "com.p"))
    c.expect(Registered)
    first = c.session_id
    c.send(Goodbye("wamp.close.close_realm"))
    assert c.expect(Goodbye).reason == "wamp.close.normal"
    assert c.session.state is SessionState.NEW and not c.wire.closed
    other.send(Call(1, "com.p"))
    assert other.receive()[0].error == "wamp.error.no_such_procedure"  # type: ignore[attr-defined]
    second = c.join()
    assert second.session != first


def test_kill_then_goodbye_reply() -> None:
    router, _ = make_router()
    (a,) = joined(router, 1)
    a.session.kill("wamp.close.killed", "bye")
    bye = a.expect(Goodbye)
    assert (bye.reason, bye.message) == ("wamp.close.killed", "bye")
    assert a.session.state is SessionState.CLOSING
    a.send(Publish(1, "t.x", acknowledge=True))  # in flight: dropped
    a.nothing()
    a.send(Goodbye())
    a.nothing()
    assert a.session.state is SessionState.NEW
    a.join()


@pytest.mark.parametrize("msg", [
    Welcome(1, {"broker": {}}),
    Published(1, 2),
    Event(1, 2),
    Result(1),
    Invocation(1, 2),
    Subscribed(1, 2),
])
def test_router_to_client_messages_are_protocol_violations(msg: Any) -> None:
    router, _ = make_router()
    (c,) = joined(router, 1)
    c.send(msg)
    assert c.expect(Abort).reason == "wamp.error.protocol_violation"
    assert c.wire.closed and c.session.state is SessionState.CLOSED
    assert not router.realms["realm1"].sessions


@pytest.mark.parametrize("msg", [Publish(1, "t.x"), Call(1, "a.b"), Goodbye(),
                                 Subscribe(1, "t.x")])
def test_messages_before_hello_are_protocol_violations(msg: Any) -> None:
    router, _ = make_router()
    c = RawClient(router)
    c.send(msg)
    abort = c.expect(Abort)
    assert abort.reason == "wamp.error.protocol_violation"
    assert "while the session is new" in (abort.message or "")


def test_non_messages_are_protocol_violations() -> None:
    router, _ = make_router()
    (c,) = joined(router, 1)
    c.send([16, 1, {}, "t.x"])
    assert c.expect(Abort).reason == "wamp.error.protocol_violation"


def test_abort_from_the_client_ends_the_session() -> None:
    router, _ = make_router()
    (c,) = joined(router, 1)
    c.send(Abort("wamp.close.system_shutdown"))
    c.nothing()
    assert c.wire.closed and not router.realms["realm1"].sessions


def test_closed_session_ignores_everything() -> None:
    router, _ = make_router()
    (c,) = joined(router, 1)
    c.close()
    c.session.onClose(False)  # twice: harmless
    c.send(Publish(1, "t.x"))
    c.session.receive_payload(b"[16,1,{},\"t.x\"]", JsonSerializer())
    assert c.wire.sent == []


def test_receive_payload_parses_and_routes() -> None:
    router, _ = make_router()
    (sub,) = joined(router, 1)
    sub.send(Subscribe(1, "t.x"))
    sub.expect(Subscribed)
    pub = RawClient(router)
    ser = MsgPackSerializer()
    pub.session.receive_payload(ser.serialize(Hello("realm1", ALL_ROLES))[0], ser, True)
    pub.expect(Welcome)
    pub.session.receive_payload(ser.serialize(Publish(1, "t.x", args=[1]))[0], ser, True)
    assert sub.expect(Event).args == [1]


@pytest.mark.parametrize("payload", [
    b"\xff\x00garbage",
    b"[]",
    b"[999, 1]",
    b"[16, 0, {}, \"t.x\"]",
    b"[16, 1, {}, \"bad uri with spaces\"]",
    b"[48, 1, [], \"a.b\"]",
    b"{\"not\": \"a list\"}",
])
def test_garbage_payloads_abort_only_the_sender(payload: bytes) -> None:
    router, _ = make_router()
    good_sub, good_pub = joined(router, 2)
    good_sub.send(Subscribe(1, "t.x"))
    good_sub.expect(Subscribed)
    (bad,) = joined(router, 1)
    bad.session.receive_payload(payload, JsonSerializer(), False)
    abort = bad.expect(Abort)
    assert abort.reason == "wamp.error.protocol_violation"
    assert bad.wire.closed
    good_pub.send(Publish(1, "t.x", args=["still working"], acknowledge=True))
    good_pub.expect(Published)
    assert good_sub.expect(Event).args == ["still working"]


def test_oversized_payload_aborts() -> None:
    router, _ = make_router(limits=Limits(max_message_size=1000))
    (c,) = joined(router, 1)
    ser = JsonSerializer()
    data, _ = ser.serialize(Publish(1, "t.x", args=["x" * 2000]))
    c.session.receive_payload(data, ser, False)
    abort = c.expect(Abort)
    assert abort.reason == "wamp.error.protocol_violation"
    assert "limit of 1000 octets" in (abort.message or "")


def test_binary_text_mismatch_is_a_protocol_violation() -> None:
    router, _ = make_router()
    (c,) = joined(router, 1)
    c.session.receive_payload(b"[6, {}, \"wamp.close.normal\"]", JsonSerializer(), True)
    assert c.expect(Abort).reason == "wamp.error.protocol_violation"


class FailingWire:
    def __init__(self, exc: Exception) -> None:
        self.exc = exc
        self.transport_details = None

    def send(self, msg: Any) -> None:
        if isinstance(msg, (Welcome, Subscribed, Registered)):
            return
        raise self.exc

    def close(self) -> None:
        pass


def test_a_failing_transport_only_drops_its_session() -> None:
    router, _ = make_router()
    broken = router.session()
    broken.onOpen(FailingWire(ConnectionResetError("gone")))
    broken.onMessage(Hello("realm1", ALL_ROLES))
    broken.onMessage(Subscribe(1, "t.x"))
    (ok,) = joined(router, 1)
    ok.send(Subscribe(1, "t.x"))
    ok.expect(Subscribed)
    (pub,) = joined(router, 1)
    pub.send(Publish(1, "t.x", args=[1], acknowledge=True))
    pub.expect(Published)
    assert ok.expect(Event).args == [1]
    assert broken.state is SessionState.CLOSED  # left once the publish was routed
    assert broken.session_id is None
    pub.send(Publish(2, "t.x", args=[2]))
    assert ok.expect(Event).args == [2]


def test_an_event_too_big_for_one_subscriber_does_not_stop_the_others() -> None:
    router, _ = make_router()
    small = router.session()
    small.onOpen(FailingWire(PayloadExceededError("too big", 10, 5)))
    small.onMessage(Hello("realm1", ALL_ROLES))
    small.onMessage(Subscribe(1, "t.x"))
    (ok, pub) = joined(router, 2)
    ok.send(Subscribe(1, "t.x"))
    ok.expect(Subscribed)
    pub.send(Publish(1, "t.x", args=[1]))
    assert ok.expect(Event).args == [1]
    assert small.state is SessionState.JOINED  # too big is not a lost transport


def test_authorization_is_cached_per_session_and_uri(monkeypatch: pytest.MonkeyPatch) -> None:
    router, _ = make_router()
    (c,) = joined(router, 1)
    calls = []
    original = Role.authorize

    def counting(self: Role, uri: str, action: str) -> Any:
        calls.append((uri, action))
        return original(self, uri, action)

    monkeypatch.setattr(Role, "authorize", counting)
    for i in range(5):
        c.send(Publish(i + 1, "t.x"))
        c.send(Publish(i + 10, "t.y"))
    assert calls == [("t.x", "publish"), ("t.y", "publish")]


def test_denied_permissions() -> None:
    config = {"type": "router", "realms": [{"name": "realm1", "roles": [
        {"name": "anonymous", "permissions": [
            {"uri": "public.*", "allow": {"subscribe": True, "call": True}},
            {"uri": "public.admin.*", "allow": {}},
        ]}]}]}
    router, _ = make_router(config)
    (c,) = joined(router, 1)
    for msg, rtype in ((Publish(1, "public.x", acknowledge=True), 16),
                       (Register(2, "public.x"), 64),
                       (Subscribe(3, "public.admin.x"), 32),
                       (Call(4, "public.admin.x"), 48),
                       (Subscribe(5, "private.x"), 32)):
        c.send(msg)
        err = c.receive()[0]
        assert (err.request_type, err.error) == (rtype, "wamp.error.not_authorized"), err  # type: ignore[attr-defined]
    c.send(Subscribe(6, "public.x"))
    c.expect(Subscribed)
    c.send(Publish(7, "public.x"))  # not acknowledged: silently dropped
    c.nothing()


def test_router_close_sends_goodbye_to_everyone() -> None:
    router, _ = make_router()
    clients = joined(router, 3)
    assert router.close() == 3
    for c in clients:
        assert c.expect(Goodbye).reason == "wamp.close.system_shutdown"
    assert not router.realms["realm1"].sessions


def test_default_router_needs_no_arguments() -> None:
    router = Router()
    c = RawClient(router)
    c.join()
    c.send(Call(1, "com.x", timeout=100))  # no scheduler: no timer, no crash
    assert c.receive()[0].error == "wamp.error.no_such_procedure"  # type: ignore[attr-defined]
