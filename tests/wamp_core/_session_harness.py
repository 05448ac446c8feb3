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
