"""Component events and decorators, what reaches _connect_transport, session wiring, and
the shared _run helper, on both txaio flavours."""

from __future__ import annotations

from typing import Any

import pytest
from test_component_harness import (
    FakeSession,
    Flavour,
    Plan,
    both_flavours,
    make_component,
    run_scenario,
)
from wamp_core.component import EVENTS, Component, TransportsExhausted, _run
from wamp_core.exception import ApplicationError
from wamp_core.types import CloseDetails, RegisterOptions, SubscribeOptions

LOOP = "the-loop"
WS = "ws://127.0.0.1:8080/ws"
ACCEPT = Plan("accept")


def test_events_are_autobahns() -> None:
    assert EVENTS == ("start", "connect", "join", "ready", "leave", "disconnect",
                      "connectfailure")
    with pytest.raises(RuntimeError, match="Invalid event 'joined'"):
        Component().on("joined", print)


def test_base_class_is_framework_neutral() -> None:
    comp = Component()
    with pytest.raises(NotImplementedError, match=r"wamp_asyncio\.component\.Component"):
        comp.start()
    with pytest.raises(RuntimeError, match="no txaio API bound"):
        comp._start()


@both_flavours
def test_decorators_see_the_whole_session_life(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        comp = make_component(fl, transports={"url": WS, "max_retries": 1},
                              plans=[ACCEPT, Plan("refuse")])
        seen: list[tuple[Any, ...]] = []

        @comp.on_connect
        def connected(session: Any, transport: Any) -> None:
            seen.append(("connect", session, transport))

        @comp.on_join
        async def joined(session: Any, details: Any) -> None:
            seen.append(("join", session, details))

        @comp.on_ready
        def ready(session: Any) -> None:
            seen.append(("ready", session))

        @comp.on_leave
        def left(session: Any, details: Any) -> None:
            seen.append(("leave", session, details.reason))

        @comp.on_disconnect
        def gone(session: Any, was_clean: bool) -> None:
            seen.append(("disconnect", session, was_clean))

        @comp.on_connectfailure
        def failed(component: Any, exc: BaseException) -> None:
            seen.append(("connectfailure", component, type(exc)))

        assert callable(joined) and joined.__name__ == "joined"  # decorators return fn
        done = comp.start(LOOP)
        await fl.advance(0)
        (session,) = comp.sessions
        session.router_leave("wamp.close.system_shutdown")
        await fl.advance(100)
        assert seen == [
            ("connect", session, "transport"),
            ("join", session, "session-details"),
            ("ready", session),
            ("leave", session, "wamp.close.system_shutdown"),
            ("disconnect", session, True),
            ("connectfailure", comp, ApplicationError),
            ("connectfailure", comp, ConnectionRefusedError),
            ("connectfailure", comp, ConnectionRefusedError),
        ]
        assert isinstance(fl.outcome(done)[1], TransportsExhausted)

    run_scenario(flavour, scenario)


@both_flavours
def test_register_and_subscribe_on_every_join(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        comp = make_component(fl, transports={"url": WS}, plans=[ACCEPT, ACCEPT])
        opts = RegisterOptions(invoke="roundrobin")

        @comp.register("com.example.add", options=opts)
        def add(a: int, b: int) -> int:
            return a + b

        @comp.subscribe("com.example.topic", options=SubscribeOptions(match="prefix"),
                        check_types=True)
        def on_event(*args: Any) -> None:
            pass

        assert add(1, 2) == 3  # still the plain function
        comp.start(LOOP)
        await fl.advance(0)
        comp.sessions[0].router_leave("wamp.close.system_shutdown")
        await fl.advance(100)
        assert len(comp.sessions) == 2
        for session in comp.sessions:
            assert session.registered == [(add, {"procedure": "com.example.add",
                                                 "options": opts})]
            ((fn, kwargs),) = session.subscribed
            assert fn is on_event and kwargs["topic"] == "com.example.topic"
            assert kwargs["options"].match == "prefix" and kwargs["check_types"] is True
        comp.sessions[1].leave()
        await fl.advance(0)

    run_scenario(flavour, scenario)


@both_flavours
def test_transport_config_reaches_connect_transport(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        config = {
            "url": "wss://router.example:8443/ws",
            "serializers": ["msgpack"],
            "headers": {"Authorization": "Bearer abc"},
            "options": {"auto_ping_interval": 10, "maxMessagePayloadSize": 65536},
            "proxy": {"host": "proxy.local", "port": 3128},
        }
        comp = make_component(fl, transports=[config], plans=[ACCEPT])
        comp.start(LOOP)
        await fl.advance(0)
        ((_, transport),) = comp.attempts
        assert transport.headers == {"Authorization": "Bearer abc"}
        assert transport.options == {"autoPingInterval": 10, "maxMessagePayloadSize": 65536}
        assert transport.proxy == {"host": "proxy.local", "port": 3128}
        assert transport.serializers == ["msgpack"]
        assert transport.url == "wss://router.example:8443/ws"
        assert transport.endpoint == {"type": "tcp", "host": "router.example", "port": 8443,
                                      "timeout": 10, "tls": True}
        assert comp._loop == LOOP
        comp.sessions[0].leave()
        await fl.advance(0)

    run_scenario(flavour, scenario)


@both_flavours
def test_sessions_are_wired_to_the_component(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        comp = make_component(
            fl, transports=WS, realm="com.example.realm", extra={"k": 1},
            authentication={"ticket": {"authid": "joe", "ticket": "t0ps3cret"}, "anonymous": {}},
            plans=[ACCEPT, ACCEPT],
        )
        comp.start(LOOP)
        await fl.advance(0)
        comp.sessions[0].router_leave("wamp.close.system_shutdown")
        await fl.advance(100)
        first, second = comp.sessions
        for session in (first, second):
            assert isinstance(session, FakeSession)
            assert session._parent is comp and session._txaio is fl.api
            assert session.config.realm == "com.example.realm"
            assert session.config.extra == {"k": 1}
            assert [a.name for a in session.authenticators] == ["ticket", "anonymous"]
            assert session.authenticators[0].authid == "joe"
        # each session gets its own authenticators
        assert first.authenticators[0] is not second.authenticators[0]
        second.leave()
        await fl.advance(0)

    run_scenario(flavour, scenario)


@both_flavours
def test_join_after_stop_leaves_at_once(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        comp = make_component(fl, transports=WS, plans=[Plan("accept", join=False)])
        done = comp.start(LOOP)
        await fl.advance(0)
        (session,) = comp.sessions
        stopped = comp.stop()  # connected, not joined yet: the transport is closed
        await fl.advance(0)
        assert session.disconnect_calls == 1
        assert fl.outcome(stopped) == ("ok", None)
        assert fl.outcome(done) == ("ok", None)

    run_scenario(flavour, scenario)


@both_flavours
def test_handler_errors_do_not_break_the_component(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        comp = make_component(fl, transports={"url": WS, "max_retries": 0},
                              plans=[ACCEPT])

        @comp.on_join
        def broken(session: Any, details: Any) -> None:
            raise RuntimeError("handler bug")

        @comp.on_connectfailure
        async def broken_too(component: Any, exc: BaseException) -> None:
            raise RuntimeError("another handler bug")

        done = comp.start(LOOP)
        await fl.advance(0)
        comp.sessions[0].router_leave("wamp.error.authorization_failed")
        await fl.advance(10)
        # the join handler failed, the session went on; the failing connectfailure handler
        # did not stop the retry logic, which then found no attempt left
        assert isinstance(fl.outcome(done)[1], TransportsExhausted)

    run_scenario(flavour, scenario)


@both_flavours
def test_run_helper_gathers_components(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        good = make_component(fl, main=lambda loop, session: None, transports=WS,
                              plans=[ACCEPT])
        bad = make_component(fl, transports={"url": WS, "max_retries": 0})
        results: list[Any] = []
        gathered = _run(LOOP, [good, bad], fl.api,
                        done_callback=lambda loop, res: results.append((loop, res)))
        await fl.advance(10)
        state, exc = fl.outcome(gathered)
        assert state == "error" and isinstance(exc, TransportsExhausted)
        ((loop, _),) = results
        assert loop == LOOP
        assert good.sessions[0].leave_calls == [("wamp.close.normal", None)]

    run_scenario(flavour, scenario)


def test_run_helper_checks_its_argument() -> None:
    with pytest.raises(ValueError, match='"components" must be a Component or a list of them'):
        _run(None, ["not a component"], None)  # type: ignore[arg-type]


def test_close_details_reasons_used() -> None:
    assert CloseDetails.REASON_DEFAULT == "wamp.close.normal"
    assert CloseDetails.REASON_TRANSPORT_LOST == "wamp.close.transport_lost"


@both_flavours
def test_stop_disconnects_when_leave_is_refused(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        class Stubborn(FakeSession):
            def leave(self, reason: str = "wamp.close.normal",
                      message: str | None = None) -> Any:
                raise RuntimeError("cannot leave now")

        comp = make_component(fl, transports=WS, session_factory=Stubborn, plans=[ACCEPT])
        done = comp.start(LOOP)
        await fl.advance(0)
        stopped = comp.stop()
        await fl.advance(0)
        assert comp.sessions[0].disconnect_calls == 1
        assert fl.outcome(stopped) == ("ok", None)
        assert fl.outcome(done) == ("ok", None)

    run_scenario(flavour, scenario)
