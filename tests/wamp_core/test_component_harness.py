"""Test support shared by the Component and observable tests: both txaio flavours, a fake
clock, a fake session and a scripted transport.

Each scenario is an ``async def scenario(fl)`` run once per flavour:

- ``aio``: under ``asyncio.run``, with ``txaio.aio.with_config(loop=running_loop)`` whose
  ``call_later`` is routed to a ``twisted.internet.task.Clock`` (a fake clock), so no test
  waits for real time;
- ``tx``: a Twisted txaio API bound to a ``Clock`` as its reactor. Deferreds resolve
  synchronously, so the scenario coroutine runs to its end in one ``send(None)``.

``txaio.tx.with_config(loop=...)`` ignores its argument (it always uses the global reactor),
so the Twisted API is built from ``txaio.tx._TxApi`` with its own config here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import txaio
import txaio.aio
from twisted.internet.task import Clock
from wamp_core.component import Component
from wamp_core.exception import SessionNotReady
from wamp_core.observable import ObservableMixin
from wamp_core.types import CloseDetails, ComponentConfig

FLAVOURS = ("aio", "tx")
SCENARIO_TIMEOUT = 10.0


class RecordingApi:
    """A txaio API whose ``call_later`` goes to the fake clock and is recorded."""

    def __init__(self, api: Any, clock: Clock, route_to_clock: bool) -> None:
        self._api = api
        self._clock = clock
        self._route = route_to_clock
        self.delays: list[float] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._api, name)

    def call_later(self, delay: float, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        self.delays.append(delay)
        if self._route:
            return self._clock.callLater(delay, fn, *args, **kw)
        return self._api.call_later(delay, fn, *args, **kw)


def twisted_api(reactor: Any) -> Any:
    import txaio.tx

    config = txaio._Config()
    config.loop = reactor
    return txaio.tx._TxApi(config)


class Flavour:
    """What a scenario uses: the API, the clock, and ways to let time pass."""

    def __init__(self, name: str, api: RecordingApi, clock: Clock) -> None:
        self.name = name
        self.api = api
        self.clock = clock

    async def settle(self) -> None:
        """Let the loop run the callbacks already due (no-op for Twisted)."""
        if self.name == "aio":
            for _ in range(40):
                await asyncio.sleep(0)

    async def advance(self, seconds: float = 0.0) -> None:
        """Let ``seconds`` of fake time pass, running every call that falls due, in order."""
        end = self.clock.seconds() + seconds
        for _ in range(10_000):
            await self.settle()
            due = [c.getTime() for c in self.clock.getDelayedCalls()]
            upcoming = min(due) if due else None
            if upcoming is None or upcoming > end:
                break
            self.clock.advance(max(upcoming - self.clock.seconds(), 0.0))
        else:  # pragma: no cover
            pytest.fail("the fake clock never went idle")
        if self.clock.seconds() < end:
            self.clock.advance(end - self.clock.seconds())
        await self.settle()

    def outcome(self, future: Any) -> tuple[str, Any]:
        """("pending", None), ("ok", value) or ("error", exception); consumes a failure."""
        if self.name == "aio":
            if not future.done():
                return ("pending", None)
            if future.cancelled():
                return ("error", asyncio.CancelledError())
            exc = future.exception()
            return ("error", exc) if exc is not None else ("ok", future.result())
        box: list[tuple[str, Any]] = []

        def ok(value: Any) -> Any:
            box.append(("ok", value))
            return value

        def bad(fail: Any) -> None:
            box.append(("error", fail.value))

        future.addCallbacks(ok, bad)
        return box[0] if box else ("pending", None)

    def future(self) -> Any:
        return self.api.create_future()


def run_scenario(name: str, scenario: Callable[[Flavour], Awaitable[None]]) -> None:
    """Run ``scenario`` with the ``aio`` or ``tx`` flavour."""
    clock = Clock()
    if name == "aio":
        async def main() -> None:
            api = RecordingApi(txaio.aio.with_config(loop=asyncio.get_running_loop()), clock,
                               route_to_clock=True)
            await asyncio.wait_for(scenario(Flavour("aio", api, clock)), SCENARIO_TIMEOUT)

        asyncio.run(main())
        return
    api = RecordingApi(twisted_api(clock), clock, route_to_clock=False)
    coro = scenario(Flavour("tx", api, clock))
    try:
        coro.send(None)  # type: ignore[attr-defined]
    except StopIteration:
        return
    coro.close()  # type: ignore[attr-defined]
    pytest.fail("the Twisted scenario waited for something that never resolved")


both_flavours = pytest.mark.parametrize("flavour", FLAVOURS)
"""Run a test once with asyncio and once with Twisted."""


# -- a session that behaves like ApplicationSession for the Component ---------------------


class FakeSession(ObservableMixin):
    """join/leave/disconnect and the events, as ApplicationSession fires them."""

    def __init__(self, config: ComponentConfig) -> None:
        self.config = config
        self.set_valid_events(["join", "leave", "ready", "connect", "disconnect"])
        self.authenticators: list[Any] = []
        self.registered: list[tuple[Any, dict[str, Any]]] = []
        self.subscribed: list[tuple[Any, dict[str, Any]]] = []
        self.attached = False
        self.connected = False
        self.leave_calls: list[tuple[str, str | None]] = []
        self.disconnect_calls = 0

    # application API used by the Component
    def add_authenticator(self, authenticator: Any) -> None:
        self.authenticators.append(authenticator)

    def is_attached(self) -> bool:
        return self.attached

    def register(self, fn: Any, **kwargs: Any) -> Any:
        self.registered.append((fn, kwargs))
        return self._txaio.create_future_success("registration")  # type: ignore[union-attr]

    def subscribe(self, fn: Any, **kwargs: Any) -> Any:
        self.subscribed.append((fn, kwargs))
        return self._txaio.create_future_success("subscription")  # type: ignore[union-attr]

    def leave(self, reason: str = "wamp.close.normal", message: str | None = None) -> Any:
        if not self.attached:
            raise SessionNotReady("not joined")
        self.leave_calls.append((reason, message))
        # the router answers GOODBYE: leave fires, then the transport closes cleanly
        self._left(reason, message)
        self.close(was_clean=True)
        return self._txaio.create_future_success(None)  # type: ignore[union-attr]

    def disconnect(self) -> None:
        self.disconnect_calls += 1
        if self.connected:
            self.close(was_clean=True)

    # what the transport / router side does (driven by the tests)
    def opened(self) -> None:
        self.connected = True
        self.fire("connect", self, "transport")

    def joined(self, details: Any = "session-details") -> None:
        self.attached = True
        done = self.fire("join", self, details)
        self._txaio.add_callbacks(  # type: ignore[union-attr]
            done, lambda _: self.fire("ready", self), lambda _: None
        )

    def router_leave(self, reason: str, message: str | None = None) -> None:
        """The router sent GOODBYE (or ABORT) with ``reason``; it then closes the transport."""
        self._left(reason, message)
        self.close(was_clean=True)

    def close(self, was_clean: bool) -> None:
        """The transport is gone."""
        if not self.connected:
            return
        if self.attached:
            self._left(CloseDetails.REASON_TRANSPORT_LOST, None)
        self.connected = False
        self.fire("disconnect", self, was_clean=was_clean)

    def _left(self, reason: str, message: str | None) -> None:
        self.attached = False
        self.fire("leave", self, CloseDetails(reason, message))


# -- a Component whose transport is a script ------------------------------------------------


class Plan:
    """What the next connection attempt does."""

    def __init__(self, action: str, error: BaseException | None = None,
                 join: bool = True) -> None:
        self.action = action  # "refuse", "raise", "accept", "pending", "lost"
        self.error = error
        self.join = join


REFUSE = Plan("refuse", ConnectionRefusedError(111, "Connection refused"))


class ScriptedComponent(Component):
    """Connection attempts follow ``plans`` (default: refuse); everything is recorded."""

    def __init__(self, *args: Any, plans: list[Plan] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("session_factory", FakeSession)
        super().__init__(*args, **kwargs)
        self.plans = list(plans or [])
        self.attempts: list[tuple[float, Any]] = []  # (clock time, transport)
        self.sessions: list[FakeSession] = []
        self.dones: list[Any] = []
        self.pending: list[Any] = []
        self.clock: Clock | None = None

    def start(self, loop: Any = None) -> Any:  # the adapters' start() binds the API
        return self._start(loop)

    def _connect_transport(self, transport: Any, session_factory: Any, done: Any) -> Any:
        api = self._txaio
        assert api is not None
        now = self.clock.seconds() if self.clock is not None else 0.0
        self.attempts.append((now, transport))
        self.dones.append(done)
        plan = self.plans.pop(0) if self.plans else REFUSE
        if plan.action == "raise":
            raise plan.error or RuntimeError("boom")
        if plan.action == "refuse":
            failed = api.create_future()
            api.reject(failed, plan.error or REFUSE.error)
            return failed
        if plan.action == "pending":
            future = api.create_future()
            self.pending.append(future)
            return future
        session = session_factory()
        self.sessions.append(session)
        if plan.action == "lost":  # connected, then the handshake failed
            api.reject(done, plan.error or ConnectionResetError("handshake failed"))
            return api.create_future_success("protocol")
        session.opened()
        if plan.join:
            session.joined()
        return api.create_future_success("protocol")


def make_component(fl: Flavour, *args: Any, **kwargs: Any) -> ScriptedComponent:
    comp = ScriptedComponent(*args, **kwargs)
    comp._txaio = fl.api  # type: ignore[assignment]
    comp.clock = fl.clock
    return comp


def attempt_times(comp: ScriptedComponent) -> list[float]:
    return [t for t, _ in comp.attempts]


def attempt_indexes(comp: ScriptedComponent) -> list[int]:
    return [transport.idx for _, transport in comp.attempts]
