"""Run one scenario under the asyncio and the Twisted txaio flavours, with a fake clock.

A scenario is ``async def scenario(h: Harness)``. It drives in-memory pipes with
``await h.settle()`` (deliver queued messages and run ready callbacks until
nothing moves), waits on a Deferred/Future with ``await h.wait(fut)`` and moves
time with ``await h.advance(seconds)``. No real time passes: asyncio runs on a
loop whose ``time()`` is a counter, Twisted on ``twisted.internet.task.Clock``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
import txaio
import txaio.aio
import txaio.tx
from twisted.internet import defer, task
from wamp_core.memory import MemoryPipe

FLAVOURS = ("asyncio", "twisted")
flavours = pytest.mark.parametrize("flavour", FLAVOURS)

Scenario = Callable[["Harness"], Coroutine[Any, Any, Any]]

_MAX_ROUNDS = 2000  # every wait is bounded: a stalled scenario fails, it never hangs


class Stalled(AssertionError):
    """A wait did not finish within the bounded number of rounds."""


class Harness:
    """What a scenario uses; one per run and flavour."""

    def __init__(self, flavour: str) -> None:
        self.flavour = flavour
        self.pipes: list[MemoryPipe] = []
        self.api: Any = None

    def pipe(self, serializer: Any = None, **kwargs: Any) -> MemoryPipe:
        """A queued memory pipe flushed by :meth:`settle`."""
        pipe = MemoryPipe(serializer, **kwargs)
        self.pipes.append(pipe)
        return pipe

    def _flush(self) -> int:
        return sum(p.flush() for p in self.pipes)

    async def settle(self) -> None:
        raise NotImplementedError

    async def advance(self, seconds: float) -> None:
        raise NotImplementedError

    def done(self, fut: Any) -> bool:
        raise NotImplementedError

    async def wait(self, fut: Any) -> Any:
        """Settle until ``fut`` is done; return its result or raise its error."""
        for _ in range(_MAX_ROUNDS):
            if self.done(fut):
                return await fut
            await self.settle()
        raise Stalled(f"{fut!r} did not finish")

    async def failure(self, fut: Any) -> BaseException:
        """Wait for ``fut`` to fail and return its exception."""
        try:
            value = await self.wait(fut)
        except BaseException as exc:
            if isinstance(exc, Stalled):
                raise
            return exc
        raise AssertionError(f"expected a failure, got the result {value!r}")


class AsyncioHarness(Harness):
    def __init__(self) -> None:
        super().__init__("asyncio")
        self.now = 0.0
        self.loop = asyncio.new_event_loop()
        self.loop.time = lambda: self.now  # type: ignore[method-assign]
        self.api = txaio.aio.with_config(loop=self.loop)

    async def settle(self) -> None:
        quiet = 0
        for _ in range(_MAX_ROUNDS):
            moved = self._flush()
            await asyncio.sleep(0)
            ready = len(getattr(self.loop, "_ready", ()))
            quiet = quiet + 1 if not moved and not ready else 0
            if quiet >= 3:
                return
        raise Stalled("asyncio loop never went quiet")

    async def advance(self, seconds: float) -> None:
        self.now += seconds
        await self.settle()

    def done(self, fut: Any) -> bool:
        return bool(fut.done())

    def run(self, scenario: Scenario) -> Any:
        try:
            return self.loop.run_until_complete(scenario(self))
        finally:
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            self.loop.close()


class TwistedHarness(Harness):
    def __init__(self) -> None:
        super().__init__("twisted")
        self.clock = task.Clock()
        config = txaio._Config()
        config.loop = self.clock
        # txaio.tx.with_config() keeps the process-wide reactor; a Clock needs its own config.
        self.api = txaio.tx._TxApi(config)

    def _due(self) -> bool:
        now = self.clock.seconds()
        return any(c.getTime() <= now for c in self.clock.getDelayedCalls())

    async def settle(self) -> None:
        for _ in range(_MAX_ROUNDS):
            moved = self._flush()
            self.clock.advance(0)
            if not moved and not self._due():
                return
        raise Stalled("Twisted clock never went quiet")

    async def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)
        await self.settle()

    def done(self, fut: Any) -> bool:
        return bool(fut.called)

    def run(self, scenario: Scenario) -> Any:
        d = defer.Deferred.fromCoroutine(scenario(self))
        outcome: list[Any] = []
        d.addBoth(outcome.append)
        for _ in range(_MAX_ROUNDS):
            if outcome:
                break
            self.clock.advance(0)
            self._flush()
        if not outcome:
            raise Stalled("the scenario did not finish")
        result = outcome[0]
        if hasattr(result, "raiseException"):
            result.raiseException()
        return result


def run(flavour: str, scenario: Scenario) -> Any:
    """Run ``scenario`` under ``flavour`` ("asyncio" or "twisted")."""
    harness = AsyncioHarness() if flavour == "asyncio" else TwistedHarness()
    return harness.run(scenario)


# -- a scripted router at the other end of a memory pipe ---------------------------------

ROUTER_ROLES: dict[str, Any] = {
    "broker": {"features": {"pattern_based_subscription": True, "event_retention": True,
                            "publisher_identification": True, "subscription_revocation": True}},
    "dealer": {"features": {"call_canceling": True, "progressive_call_results": True,
                            "progressive_call_invocations": True, "call_timeout": True,
                            "caller_identification": True, "registration_revocation": True,
                            "pattern_based_registration": True, "shared_registration": True}},
}


class ScriptedRouter:
    """The router end of a pipe: records what the session sends; the test answers."""

    def __init__(self) -> None:
        self.received: list[Any] = []
        self.transport: Any = None
        self.closed: bool | None = None

    def onOpen(self, transport: Any) -> None:
        self.transport = transport

    def onMessage(self, msg: Any) -> None:
        self.received.append(msg)

    def onClose(self, was_clean: bool) -> None:
        self.closed = was_clean

    def send(self, msg: Any) -> None:
        self.transport.send(msg)

    def expect(self, cls: type) -> Any:
        """The next message the session sent, which must be a ``cls``."""
        assert self.received, f"expected {cls.__name__}, the session sent nothing"
        msg = self.received.pop(0)
        assert isinstance(msg, cls), f"expected {cls.__name__}, got {msg!r}"
        return msg

    def nothing(self) -> None:
        assert not self.received, f"unexpected messages from the session: {self.received!r}"


def attach(h: Harness, session: Any, serializer: Any = None, router: Any = None,
           **pipe_kwargs: Any) -> tuple[Any, MemoryPipe]:
    """Connect ``session`` (txaio API set from the harness) to a scripted router."""
    session._txaio = h.api
    router = ScriptedRouter() if router is None else router
    pipe = h.pipe(serializer, **pipe_kwargs)
    pipe.connect(session, router)
    return router, pipe


async def join(h: Harness, session: Any, serializer: Any = None, session_id: int = 4242,
               roles: Any = None, synchronous: bool = False,
               **welcome: Any) -> tuple[ScriptedRouter, MemoryPipe]:
    """Connect ``session``, answer its HELLO with WELCOME, and settle."""
    from wamp_core.message import Hello, Welcome

    router, pipe = attach(h, session, serializer, synchronous=synchronous)
    await h.settle()
    router.expect(Hello)
    welcome.setdefault("realm", "realm1")
    welcome.setdefault("authid", "joe")
    welcome.setdefault("authrole", "user")
    router.send(Welcome(session_id, ROUTER_ROLES if roles is None else roles, **welcome))
    await h.settle()
    return router, pipe
