"""The Component's start loop on both txaio flavours with a fake clock: the retry schedule,
round-robin, backoff reset, is_fatal, the four ways a component is done, main vs no main."""

from __future__ import annotations

from typing import Any

import pytest
from test_component_harness import (
    Flavour,
    Plan,
    both_flavours,
    make_component,
    run_scenario,
)
from wamp_core.component import TransportsExhausted
from wamp_core.exception import ApplicationError, TransportLost

LOOP = "the-loop"
WS = "ws://127.0.0.1:8080/ws"
ACCEPT = Plan("accept")


def ws(**extra: Any) -> dict[str, Any]:
    return {"url": WS, "retry_delay_jitter": 0, **extra}


def times(comp: Any) -> list[float]:
    return [t for t, _ in comp.attempts]


def indexes(comp: Any) -> list[int]:
    return [transport.idx for _, transport in comp.attempts]


def assert_ok(fl: Flavour, future: Any) -> None:
    assert fl.outcome(future) == ("ok", None)


def failure(fl: Flavour, future: Any) -> BaseException:
    state, exc = fl.outcome(future)
    assert state == "error", (state, exc)
    return exc  # type: ignore[no-any-return]


# -- the retry schedule ------------------------------------------------------------------


@both_flavours
def test_retry_schedule_and_exhaustion(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        comp = make_component(fl, transports=ws(max_retries=4))
        failures: list[Any] = []
        comp.on_connectfailure(lambda c, exc: failures.append((c, exc)))
        done = comp.start(LOOP)
        await fl.advance(100)
        # first attempt at once, then 1, 1.5, 2.25, 3.375 s later
        assert times(comp) == [0.0, 1.0, 2.5, 4.75, 8.125]
        exc = failure(fl, done)
        assert isinstance(exc, TransportsExhausted) and isinstance(exc, RuntimeError)
        ((idx, url, last),) = exc.failures
        assert (idx, url) == (0, WS) and isinstance(last, ConnectionRefusedError)
        assert "exhausted all transport connect attempts" in str(exc)
        assert [c for c, _ in failures] == [comp] * 5
        assert all(isinstance(e, ConnectionRefusedError) for _, e in failures)
        assert comp._transports[0].connect_failures == 5

    run_scenario(flavour, scenario)


@both_flavours
def test_delay_is_capped_by_max_retry_delay(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        comp = make_component(fl, transports=ws(max_retries=3, initial_retry_delay=10,
                                                retry_delay_growth=10, max_retry_delay=60))
        done = comp.start(LOOP)
        await fl.advance(1000)
        assert times(comp) == [0.0, 10.0, 70.0, 130.0]
        assert isinstance(failure(fl, done), TransportsExhausted)

    run_scenario(flavour, scenario)


@both_flavours
def test_max_retries_zero_means_one_attempt(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        comp = make_component(fl, transports=ws(max_retries=0))
        done = comp.start(LOOP)
        await fl.advance(100)
        assert times(comp) == [0.0]
        assert isinstance(failure(fl, done), TransportsExhausted)

    run_scenario(flavour, scenario)


@both_flavours
def test_jitter_is_deterministic_with_injected_noise(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        noise = iter([0.0, 1.0, 0.5])
        comp = make_component(fl, transports=ws(max_retries=3, retry_delay_jitter=0.5))
        comp._transports[0].random = lambda: next(noise)
        done = comp.start(LOOP)
        await fl.advance(100)
        # bases 1, 1.5, 2.25 spread by +-50 %: x0.5, x1.5, x1.0; the jitter does not compound
        assert times(comp) == [0.0, 0.5, 0.5 + 2.25, 0.5 + 2.25 + 2.25]
        assert isinstance(failure(fl, done), TransportsExhausted)

    run_scenario(flavour, scenario)


@both_flavours
def test_documented_callable_jitter_is_the_noise_source(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        noise = iter([1.0, 0.0])
        comp = make_component(fl, transports={"url": WS, "max_retries": 2,
                                              "retry_delay_jitter": lambda: next(noise)})
        done = comp.start(LOOP)
        await fl.advance(100)
        # the default spread (+-10 %) with the callable's noise
        assert times(comp) == pytest.approx([0.0, 1.1, 1.1 + 1.35])
        assert isinstance(failure(fl, done), TransportsExhausted)

    run_scenario(flavour, scenario)


@both_flavours
def test_round_robin_over_transports(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        comp = make_component(fl, transports=[ws(max_retries=1),
                                              {"type": "rawsocket", "url": "rs://127.0.0.1:9000",
                                               "max_retries": 2,
                                               "retry_delay_jitter": 0}])
        done = comp.start(LOOP)
        await fl.advance(100)
        assert indexes(comp) == [0, 1, 0, 1, 1]
        assert times(comp) == [0.0, 0.0, 1.0, 2.0, 3.5]
        exc = failure(fl, done)
        assert isinstance(exc, TransportsExhausted)
        assert [(i, u) for i, u, _ in exc.failures] == [(0, WS), (1, "rs://127.0.0.1:9000")]

    run_scenario(flavour, scenario)


@both_flavours
def test_backoff_resets_after_a_successful_join(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        comp = make_component(fl, transports=ws(max_retries=3),
                              plans=[Plan("refuse"), Plan("refuse"), ACCEPT])
        done = comp.start(LOOP)
        await fl.advance(10)
        assert times(comp) == [0.0, 1.0, 2.5]
        assert comp._transports[0].connect_attempts == 0  # reset by the join
        comp.sessions[0].router_leave("wamp.close.system_shutdown", "router restarts")
        await fl.advance(100)
        # at once after the lost session, then 1, 1.5, 2.25 again: 3 retries are allowed anew
        assert times(comp)[3:] == [10.0, 11.0, 12.5, 14.75]
        assert isinstance(failure(fl, done), TransportsExhausted)

    run_scenario(flavour, scenario)


# -- is_fatal ------------------------------------------------------------------------------


@both_flavours
def test_is_fatal_gives_a_transport_up(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        seen: list[BaseException] = []

        def is_fatal(exc: BaseException) -> bool:
            seen.append(exc)
            return isinstance(exc, PermissionError)

        comp = make_component(fl, transports=[ws(), ws(max_retries=1)], is_fatal=is_fatal,
                              plans=[Plan("refuse", PermissionError("no"))])
        done = comp.start(LOOP)
        await fl.advance(100)
        assert indexes(comp) == [0, 1, 1]  # transport 0 is never tried again
        assert comp._transports[0].permanently_failed
        assert isinstance(seen[0], PermissionError) and len(seen) == 3
        assert isinstance(failure(fl, done), TransportsExhausted)

    run_scenario(flavour, scenario)


@both_flavours
def test_is_fatal_that_raises_ends_the_component(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        def is_fatal(exc: BaseException) -> bool:
            raise ZeroDivisionError("bad is_fatal")

        comp = make_component(fl, transports=ws(), is_fatal=is_fatal)
        done = comp.start(LOOP)
        await fl.advance(100)
        assert times(comp) == [0.0]
        assert isinstance(failure(fl, done), ZeroDivisionError)

    run_scenario(flavour, scenario)


# -- the four ways a component is done -----------------------------------------------------


@both_flavours
def test_done_when_main_finishes(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        gate = fl.future()
        calls: list[Any] = []

        async def main(loop: Any, session: Any) -> str:
            calls.append((loop, session))
            await gate
            return "result"

        comp = make_component(fl, main=main, transports=ws(), plans=[ACCEPT])
        done = comp.start(LOOP)
        await fl.advance(0)
        (session,) = comp.sessions
        assert calls == [(LOOP, session)] and session.attached
        assert fl.outcome(done) == ("pending", None)
        fl.api.resolve(gate, None)
        await fl.advance(0)
        assert session.leave_calls == [("wamp.close.normal", None)]
        assert_ok(fl, done)
        assert len(comp.attempts) == 1

    run_scenario(flavour, scenario)


@both_flavours
def test_plain_function_main(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        comp = make_component(fl, main=lambda loop, session: None, transports=ws(),
                              plans=[ACCEPT])
        done = comp.start(LOOP)
        await fl.advance(0)
        assert_ok(fl, done)
        assert comp.sessions[0].leave_calls == [("wamp.close.normal", None)]

    run_scenario(flavour, scenario)


@both_flavours
def test_main_failure_is_the_component_failure(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        async def main(loop: Any, session: Any) -> None:
            raise KeyError("main broke")

        comp = make_component(fl, main=main, transports=ws(), plans=[ACCEPT, ACCEPT])
        done = comp.start(LOOP)
        await fl.advance(100)
        exc = failure(fl, done)
        assert isinstance(exc, KeyError) and exc.args == ("main broke",)
        assert comp.sessions[0].disconnect_calls == 1
        assert len(comp.attempts) == 1  # no reconnection after main failed

    run_scenario(flavour, scenario)


@both_flavours
def test_main_cancelled_cancels_the_component(flavour: str) -> None:
    """A main that is cancelled (a BaseException) ends the Component cancelled, not crashed."""
    import asyncio

    async def scenario(fl: Flavour) -> None:
        async def main(loop: Any, session: Any) -> None:
            raise asyncio.CancelledError()

        comp = make_component(fl, main=main, transports=ws(), plans=[ACCEPT, ACCEPT])
        done = comp.start(LOOP)
        await fl.advance(100)
        state, exc = fl.outcome(done)
        assert state == "error" and "CancelledError" in type(exc).__name__, (state, exc)
        assert len(comp.attempts) == 1

    run_scenario(flavour, scenario)


@both_flavours
def test_without_main_the_session_stays_until_it_leaves(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        comp = make_component(fl, transports=ws(), plans=[ACCEPT])
        done = comp.start(LOOP)
        await fl.advance(3600)
        (session,) = comp.sessions
        assert session.attached and fl.outcome(done) == ("pending", None)
        session.leave()  # the application leaves
        await fl.advance(0)
        assert_ok(fl, done)
        assert len(comp.attempts) == 1

    run_scenario(flavour, scenario)


@both_flavours
def test_router_goodbye_and_out_is_done(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        comp = make_component(fl, transports=ws(), plans=[ACCEPT])
        done = comp.start(LOOP)
        await fl.advance(0)
        comp.sessions[0].router_leave("wamp.close.goodbye_and_out")
        await fl.advance(0)
        assert_ok(fl, done)

    run_scenario(flavour, scenario)


@both_flavours
def test_stop_while_joined_leaves(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        comp = make_component(fl, transports=ws(), plans=[ACCEPT])
        done = comp.start(LOOP)
        await fl.advance(0)
        stopped = comp.stop()
        await fl.advance(100)
        assert comp.sessions[0].leave_calls == [("wamp.close.normal", None)]
        assert_ok(fl, stopped)
        assert_ok(fl, done)
        assert len(comp.attempts) == 1

    run_scenario(flavour, scenario)


@both_flavours
def test_stop_during_the_retry_delay(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        comp = make_component(fl, transports=ws())
        done = comp.start(LOOP)
        await fl.advance(0.5)  # first attempt refused, retry due at 1.0
        stopped = comp.stop()
        await fl.advance(100)
        assert times(comp) == [0.0]
        assert_ok(fl, stopped)
        assert_ok(fl, done)
        assert fl.clock.getDelayedCalls() == []

    run_scenario(flavour, scenario)


@both_flavours
def test_stop_while_connecting_cancels_the_attempt(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        comp = make_component(fl, transports=ws(), plans=[Plan("pending")])
        done = comp.start(LOOP)
        await fl.advance(0)
        stopped = comp.stop()
        await fl.advance(100)
        assert len(comp.attempts) == 1
        assert fl.outcome(comp.pending[0])[0] != "pending"  # cancelled
        assert_ok(fl, stopped)
        assert_ok(fl, done)

    run_scenario(flavour, scenario)


@both_flavours
def test_stop_when_not_running(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        comp = make_component(fl, transports=ws())
        stopped = comp.stop()
        await fl.settle()
        assert_ok(fl, stopped)

    run_scenario(flavour, scenario)


# -- failed attempts of many kinds -----------------------------------------------------------


@both_flavours
def test_session_endings_that_mean_retry(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        comp = make_component(fl, transports=ws(max_retries=6), plans=[
            ACCEPT, ACCEPT, Plan("accept", join=False), Plan("lost"),
            Plan("raise", OSError("no route")), ACCEPT,
        ])
        errors: list[BaseException] = []
        comp.on_connectfailure(lambda c, exc: errors.append(exc))
        done = comp.start(LOOP)
        await fl.advance(0)
        comp.sessions[0].router_leave("wamp.error.not_authorized", "who are you")
        await fl.advance(0)
        comp.sessions[1].close(was_clean=False)  # the network dropped
        await fl.advance(0)
        comp.sessions[2].close(was_clean=True)  # closed before WELCOME
        await fl.advance(100)
        assert len(comp.attempts) == 6 and comp.sessions[-1].attached
        kinds = [type(e) for e in errors]
        assert kinds == [ApplicationError, ApplicationError, TransportLost,
                         ConnectionResetError, OSError]
        assert errors[0].error == "wamp.error.not_authorized"  # type: ignore[attr-defined]
        assert errors[1].error == "wamp.close.transport_lost"  # type: ignore[attr-defined]
        assert "transport closed cleanly before the session left" in str(errors[2])
        assert fl.outcome(done) == ("pending", None)

    run_scenario(flavour, scenario)


@both_flavours
def test_session_factory_failure_is_a_failed_attempt(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        def factory(config: Any) -> Any:
            raise LookupError("cannot build a session")

        comp = make_component(fl, transports=ws(max_retries=0), session_factory=factory,
                              plans=[ACCEPT])
        errors: list[BaseException] = []
        comp.on_connectfailure(lambda c, exc: errors.append(exc))
        done = comp.start(LOOP)
        await fl.advance(10)
        assert [type(e) for e in errors] == [LookupError]
        assert isinstance(failure(fl, done), TransportsExhausted)

    run_scenario(flavour, scenario)


@both_flavours
def test_failing_start_handler_fails_the_component(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        comp = make_component(fl, transports=ws())
        seen: list[Any] = []

        def on_start(loop: Any, component: Any) -> None:
            seen.append((loop, component))
            raise ValueError("not today")

        comp.on("start", on_start)
        done = comp.start(LOOP)
        await fl.advance(10)
        assert seen == [(LOOP, comp)] and comp.attempts == []
        assert isinstance(failure(fl, done), ValueError)

    run_scenario(flavour, scenario)


@both_flavours
def test_start_twice_and_restart(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        comp = make_component(fl, transports=ws(max_retries=0), plans=[ACCEPT])
        first = comp.start(LOOP)
        second = comp.start(LOOP)
        await fl.advance(0)
        assert fl.outcome(second) == ("pending", None)
        comp.sessions[0].leave()
        await fl.advance(0)
        assert_ok(fl, first)
        assert_ok(fl, second)
        again = comp.start(LOOP)  # a fresh run: the retry budget is back
        await fl.advance(10)
        assert len(comp.attempts) == 2
        assert isinstance(failure(fl, again), TransportsExhausted)

    run_scenario(flavour, scenario)
