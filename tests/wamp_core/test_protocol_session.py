"""ApplicationSession lifecycle on asyncio and Twisted: join, leave, hooks, events, violations."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from _session_harness import ROUTER_ROLES, Harness, ScriptedRouter, attach, flavours, join, run
from wamp_core.exception import (
    ApplicationError,
    InvalidUriError,
    SessionNotReady,
    TransportLost,
)
from wamp_core.interfaces import ISession, ITransportHandler
from wamp_core.message import (
    Abort,
    Call,
    Event,
    Goodbye,
    Hello,
    Result,
    Subscribe,
    Subscribed,
    Welcome,
)
from wamp_core.protocol import ApplicationSession, ApplicationSessionFactory, Session
from wamp_core.serializer import CBORSerializer, JsonSerializer
from wamp_core.types import CloseDetails, ComponentConfig, SessionDetails
from zope.interface.verify import verifyObject

PROTOCOL_VIOLATION = "wamp.error.protocol_violation"


class Recording(ApplicationSession):
    """Records every hook and event, in order."""

    def __init__(self, config: ComponentConfig | None = None) -> None:
        super().__init__(config)
        self.log_: list[Any] = []
        for event in ("connect", "join", "ready", "leave", "disconnect"):
            self.on(event, lambda *a, _e=event, **kw: self.log_.append(("event", _e)))

    def onConnect(self) -> Any:
        self.log_.append("onConnect")
        return super().onConnect()

    def onJoin(self, details: SessionDetails) -> Any:
        self.log_.append(("onJoin", details))

    def onLeave(self, details: CloseDetails) -> Any:
        self.log_.append(("onLeave", details))
        return super().onLeave(details)

    def onDisconnect(self) -> Any:
        self.log_.append("onDisconnect")

    def names(self) -> list[str]:
        return [e if isinstance(e, str) else e[0] if e[0] != "event" else e[1]
                for e in self.log_]

    def details(self, hook: str) -> Any:
        return next(e[1] for e in self.log_ if isinstance(e, tuple) and e[0] == hook)


@flavours
def test_join_sends_hello_and_calls_onjoin(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = Recording(ComponentConfig(realm="realm7"))
        router, pipe = attach(h, s, CBORSerializer())
        assert s.is_connected() and not s.is_attached()
        await h.settle()
        hello = router.expect(Hello)
        assert hello.realm == "realm7" and hello.agent.startswith("wamp-core-")
        assert set(hello.roles) == {"caller", "callee", "publisher", "subscriber"}
        router.send(Welcome(99, ROUTER_ROLES, realm="realm7", authid="anon-1",
                            authrole="anonymous", authmethod="anonymous",
                            authprovider="static", authextra={"x": 1}))
        await h.settle()
        assert s.names() == ["connect", "onConnect", "join", "onJoin", "ready"]
        details = s.details("onJoin")
        assert details == s.session_details
        assert (details.realm, details.session, details.authid, details.authrole) == \
            ("realm7", 99, "anon-1", "anonymous")
        assert (details.authmethod, details.authprovider, details.authextra) == \
            ("anonymous", "static", {"x": 1})
        assert details.serializer == "cbor"
        assert details.transport == pipe.client.transport_details
        assert (s.session_id, s.realm, s.authid, s.authrole, s.authmethod, s.authprovider,
                s.authextra) == (99, "realm7", "anon-1", "anonymous", "anonymous", "static",
                                 {"x": 1})
        assert s.is_attached()
        assert s.router_roles["dealer"]["call_canceling"] is True

    run(flavour, scenario)


@flavours
@pytest.mark.parametrize("synchronous", [False, True], ids=["queued", "synchronous"])
def test_leave_goodbye_handshake_then_disconnect(flavour: str, synchronous: bool) -> None:
    async def scenario(h: Harness) -> None:
        s = Recording()
        router, pipe = await join(h, s, synchronous=synchronous)
        left = s.leave("wamp.close.logout", "bye now")
        await h.settle()
        goodbye = router.expect(Goodbye)
        assert (goodbye.reason, goodbye.message) == ("wamp.close.logout", "bye now")
        assert s.is_attached()  # until the router answers
        router.send(Goodbye("wamp.close.goodbye_and_out"))
        details = await h.wait(left)
        assert details.reason == "wamp.close.goodbye_and_out"
        await h.settle()
        assert s.names()[5:] == ["onLeave", "leave", "onDisconnect", "disconnect"]
        assert s.details("onLeave").reason == "wamp.close.goodbye_and_out"
        assert pipe.closed and router.closed is True
        assert not s.is_attached() and not s.is_connected() and s.session_id is None
        router.nothing()

    run(flavour, scenario)


@flavours
def test_router_goodbye_is_answered(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = Recording()
        router, pipe = await join(h, s)
        pending = s.call("com.slow")
        await h.settle()
        router.expect(Call)
        router.send(Goodbye("wamp.close.system_shutdown", "maintenance"))
        await h.settle()
        reply = router.expect(Goodbye)
        assert reply.reason == "wamp.close.goodbye_and_out"
        details = s.details("onLeave")
        assert (details.reason, details.message) == ("wamp.close.system_shutdown", "maintenance")
        failure = await h.failure(pending)
        assert isinstance(failure, ApplicationError)
        assert failure.error == "wamp.close.system_shutdown"
        assert pipe.closed  # the default onLeave disconnects

    run(flavour, scenario)


@flavours
def test_abort_on_join(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = Recording()
        router, _pipe = attach(h, s)
        await h.settle()
        router.expect(Hello)
        router.send(Abort("wamp.error.no_such_realm", "realm 'realm1' does not exist"))
        await h.settle()
        assert "onJoin" not in s.names()
        details = s.details("onLeave")
        assert details.reason == "wamp.error.no_such_realm"
        assert details.message == "realm 'realm1' does not exist"
        assert s.names()[-4:] == ["onLeave", "leave", "onDisconnect", "disconnect"]

    run(flavour, scenario)


@flavours
def test_transport_lost_while_joined(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = Recording()
        _router, pipe = await join(h, s)
        pending = s.call("com.x")
        await h.settle()
        pipe.server.abort()
        await h.settle()
        details = s.details("onLeave")
        assert details.reason == "wamp.close.transport_lost"
        failure = await h.failure(pending)
        assert isinstance(failure, ApplicationError)
        assert failure.error == "wamp.close.transport_lost"
        assert s.names()[-4:] == ["onLeave", "leave", "onDisconnect", "disconnect"]
        with pytest.raises(TransportLost):
            s.call("com.x")

    run(flavour, scenario)


@flavours
def test_transport_lost_while_joining_only_disconnects(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = Recording()
        _router, pipe = attach(h, s)
        await h.settle()
        pipe.server.close()
        await h.settle()
        assert s.names() == ["connect", "onConnect", "onDisconnect", "disconnect"]

    run(flavour, scenario)


@flavours
def test_disconnect_event_gets_was_clean(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        seen: list[Any] = []
        s.on("disconnect", lambda session, was_clean: seen.append((session, was_clean)))
        _router, pipe = await join(h, s)
        pipe.client.abort()
        await h.settle()
        assert seen == [(s, False)]

    run(flavour, scenario)


VIOLATIONS = [
    (lambda: Result(777, [1]), "RESULT for request 777, which is not a pending CALL"),
    (lambda: Event(5, 6), "EVENT for subscription 5, which is not active"),
    (lambda: Welcome(1, ROUTER_ROLES), "unexpected WELCOME in state ESTABLISHED"),
    (lambda: Hello("realm1", {"caller": {}}), "unexpected HELLO message from the router"),
]


@flavours
@pytest.mark.parametrize(("make", "text"), VIOLATIONS, ids=[t for _, t in VIOLATIONS])
def test_protocol_violation_aborts(flavour: str, make: Any, text: str,
                                   caplog: pytest.LogCaptureFixture) -> None:
    async def scenario(h: Harness) -> None:
        s = Recording()
        router, pipe = await join(h, s, JsonSerializer())
        pending = s.call("com.pending")
        await h.settle()
        router.expect(Call)
        router.send(make())
        await h.settle()
        abort = router.expect(Abort)
        assert abort.reason == PROTOCOL_VIOLATION and text in abort.message
        details = s.details("onLeave")
        assert details.reason == PROTOCOL_VIOLATION and text in details.message
        failure = await h.failure(pending)
        assert isinstance(failure, ApplicationError) and failure.error == PROTOCOL_VIOLATION
        assert pipe.closed and router.closed is True and pipe.errors == []
        assert s.names()[-4:] == ["onLeave", "leave", "onDisconnect", "disconnect"]

    with caplog.at_level(logging.WARNING):
        run(flavour, scenario)
    assert "router protocol violation" in caplog.text


@flavours
def test_protocol_violation_from_the_transport_layer(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = Recording()
        router, pipe = await join(h, s)
        s.protocol_violation("a frame that is not CBOR")
        await h.settle()
        abort = router.expect(Abort)
        assert abort.reason == PROTOCOL_VIOLATION and abort.message == "a frame that is not CBOR"
        assert s.details("onLeave").reason == PROTOCOL_VIOLATION
        assert pipe.closed

    run(flavour, scenario)


@flavours
def test_violation_overriding_onleave_still_closes(flavour: str) -> None:
    class Stubborn(ApplicationSession):
        def onLeave(self, details: CloseDetails) -> None:
            pass  # does not disconnect

    async def scenario(h: Harness) -> None:
        s = Stubborn()
        router, pipe = await join(h, s)
        router.send(Result(5))
        await h.settle()
        router.expect(Abort)
        assert pipe.closed

    run(flavour, scenario)


# -- user errors never kill the session ---------------------------------------------


@flavours
def test_errors_in_hooks_and_listeners_are_logged(flavour: str,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    class Broken(ApplicationSession):
        def onJoin(self, details: SessionDetails) -> None:
            raise ValueError("onJoin is broken")

    async def scenario(h: Harness) -> None:
        s = Broken()
        ready: list[Any] = []
        s.on("join", lambda *a: 1 / 0)
        s.on("ready", lambda session: ready.append(session))
        router, _pipe = await join(h, s)
        assert ready == [s]  # 'ready' still fires after a failed onJoin
        result = s.call("com.still.works")
        await h.settle()
        call = router.expect(Call)
        router.send(Result(call.request, ["yes"]))
        assert await h.wait(result) == "yes"

    with caplog.at_level(logging.ERROR):
        run(flavour, scenario)
    assert "onJoin is broken" in caplog.text and "Traceback" in caplog.text
    assert "ZeroDivisionError" in caplog.text


@flavours
def test_coroutine_hooks(flavour: str) -> None:
    class Async(ApplicationSession):
        result: Any = None

        async def onJoin(self, details: SessionDetails) -> None:
            self.result = await self.call("com.answer")

    async def scenario(h: Harness) -> None:
        s = Async()
        ready: list[Any] = []
        s.on("ready", ready.append)
        router, _pipe = await join(h, s)
        call = router.expect(Call)
        assert ready == []  # onJoin has not finished
        router.send(Result(call.request, [42]))
        await h.settle()
        assert s.result == 42 and ready == [s]

    run(flavour, scenario)


# -- misuse ---------------------------------------------------------------------------


@flavours
def test_misuse_raises(flavour: str, caplog: pytest.LogCaptureFixture) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        with pytest.raises(TransportLost):
            s.call("com.x")
        router, _pipe = attach(h, s)
        await h.settle()
        router.expect(Hello)
        with pytest.raises(SessionNotReady):
            s.call("com.x")  # HELLO sent, no WELCOME yet
        router.send(Welcome(1, ROUTER_ROLES))
        await h.settle()
        with pytest.raises(SessionNotReady, match="already joined"):
            s.join("realm1")
        with pytest.raises(TypeError, match="CallOptions"):
            s.call("com.x", options=object())
        with pytest.raises(InvalidUriError):
            s.call("com.#bad")
        await h.settle()
        router.nothing()

    run(flavour, scenario)


@flavours
def test_leave_when_not_joined(flavour: str, caplog: pytest.LogCaptureFixture) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        attach(h, s)
        assert await h.wait(s.leave()) is None

    with caplog.at_level(logging.WARNING):
        run(flavour, scenario)
    assert "no session to leave" in caplog.text


@flavours
def test_leave_twice_sends_one_goodbye(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _pipe = await join(h, s)
        first, second = s.leave(), s.leave()
        await h.settle()
        router.expect(Goodbye)
        router.nothing()
        router.send(Goodbye())
        assert (await h.wait(first)).reason == (await h.wait(second)).reason

    run(flavour, scenario)


def test_session_implements_the_interfaces() -> None:
    s = ApplicationSession()
    verifyObject(ISession, s)
    verifyObject(ITransportHandler, s)
    assert s.config.realm == "realm1"
    with pytest.raises(RuntimeError, match="no txaio API"):
        s._api  # noqa: B018


def test_factory() -> None:
    factory = ApplicationSessionFactory(ComponentConfig(realm="r2"))
    session = factory()
    assert isinstance(session, ApplicationSession) and session.config.realm == "r2"
    assert session.factory is factory  # type: ignore[attr-defined]

    class MyFactory(ApplicationSessionFactory):
        session = Session

    assert isinstance(MyFactory()(), Session)


# -- the snake_case flavour ---------------------------------------------------------------


@flavours
def test_snake_case_session(flavour: str) -> None:
    class Snake(Session):
        seen: list[Any]

        def on_connect(self) -> None:
            self.seen = ["connect"]
            self.join("snake")

        def on_join(self, details: SessionDetails) -> None:
            self.seen.append(("join", details.realm))

        def on_disconnect(self) -> None:
            self.seen.append("disconnect")

    async def scenario(h: Harness) -> None:
        s = Snake()
        router, pipe = attach(h, s)
        await h.settle()
        assert router.expect(Hello).realm == "snake"
        router.send(Welcome(3, ROUTER_ROLES, realm="snake"))
        await h.settle()
        router.send(Goodbye("wamp.close.system_shutdown"))
        await h.settle()  # the default on_leave disconnects
        assert s.seen == ["connect", ("join", "snake"), "disconnect"]
        assert pipe.closed

    run(flavour, scenario)


@flavours
def test_subscribe_on_join_in_queued_and_synchronous_mode(flavour: str) -> None:
    class Sub(ApplicationSession):
        events: list[Any]

        def onJoin(self, details: SessionDetails) -> Any:
            self.events = []
            return self.subscribe(self.events.append, "com.topic")

    for synchronous in (False, True):
        async def scenario(h: Harness, synchronous: bool = synchronous) -> None:
            s = Sub()
            replies: list[Any] = []
            router = ScriptedRouter()

            def answer(msg: Any) -> None:
                replies.append(msg)
                if isinstance(msg, Hello):
                    router.send(Welcome(1, ROUTER_ROLES))
                elif isinstance(msg, Subscribe):
                    router.send(Subscribed(msg.request, 10))
                    router.send(Event(10, 1, ["first"]))

            router.onMessage = answer  # type: ignore[method-assign]
            attach(h, s, router=router, synchronous=synchronous)
            await h.settle()
            assert s.events == ["first"]
            assert [type(m) for m in replies] == [Hello, Subscribe]

        run(flavour, scenario)


# -- fuzzing: whatever the router sends, the session never raises into the transport ----------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from test_session_machine import _ROUTER_MESSAGES  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(flavour=st.sampled_from(["asyncio", "twisted"]),
       messages=st.lists(_ROUTER_MESSAGES, max_size=10))
def test_fuzz_session_never_raises(flavour: str, messages: list[Any]) -> None:
    async def scenario(h: Harness) -> None:
        s = Recording()
        router, pipe = await join(h, s)
        s.register(lambda *a, **kw: None, "com.p")
        s.subscribe(lambda *a, **kw: None, "com.t")
        s.call("com.c")
        await h.settle()
        for message in messages:
            s.onMessage(message)  # the way a transport calls it; must not raise
            await h.settle()
        assert pipe.errors == []
        aborts = [m for m in router.received if isinstance(m, Abort)]
        assert len(aborts) <= 1

    run(flavour, scenario)
