"""Framework primitives for :mod:`scenario` and the client drivers: one class per framework,
the same method names. Standard library at import; asyncio or Twisted when a kit is made.

    kit.future()                 an awaitable to resolve later (Future / Deferred)
    kit.resolve(f, value)        resolve it unless done
    kit.wait(aw, timeout, what)  await with a limit; TimeoutError names ``what``
    kit.sleep(s), kit.forever(), kit.cancel(f), kit.now(), kit.cancelled_errors
    kit.gather(factories, limit) run coroutine factories, at most ``limit`` at once
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any


class AsyncioKit:
    name = "asyncio"

    def __init__(self, loop: Any) -> None:
        import asyncio

        self.asyncio = asyncio
        self.loop = self.host = loop
        self.cancelled_errors = (asyncio.CancelledError,)

    def future(self) -> Any:
        return self.loop.create_future()

    def resolve(self, future: Any, value: Any) -> None:
        if not future.done():
            future.set_result(value)

    async def wait(self, awaitable: Awaitable[Any], timeout: float, what: str) -> Any:
        # not wait_for: a TimeoutError raised BY the awaitable must keep its own text
        task = self.asyncio.ensure_future(awaitable)
        done, _ = await self.asyncio.wait({task}, timeout=timeout)
        if not done:
            task.cancel()
            await self.asyncio.wait({task}, timeout=1.0)
            raise TimeoutError(f"{what}: not within {timeout} s")
        return task.result()

    async def sleep(self, seconds: float) -> None:
        await self.asyncio.sleep(seconds)

    async def forever(self) -> None:
        await self.loop.create_future()

    def cancel(self, future: Any) -> None:
        future.cancel()

    def now(self) -> float:
        return float(self.loop.time())

    async def gather(self, factories: list[Callable[[], Awaitable[Any]]], limit: int) -> list[Any]:
        gate = self.asyncio.Semaphore(limit)

        async def one(factory: Callable[[], Awaitable[Any]]) -> Any:
            async with gate:
                return await factory()

        return list(await self.asyncio.gather(*(one(f) for f in factories)))


class TwistedKit:
    name = "twisted"

    def __init__(self, reactor: Any) -> None:
        from twisted.internet import defer, task

        self.defer, self.task = defer, task
        self.reactor = self.host = reactor
        self.cancelled_errors = (defer.CancelledError,)

    def future(self) -> Any:
        return self.defer.Deferred()

    def resolve(self, future: Any, value: Any) -> None:
        if not future.called:
            future.callback(value)

    def _deferred(self, awaitable: Any) -> Any:
        if isinstance(awaitable, self.defer.Deferred):
            return awaitable
        return self.defer.ensureDeferred(awaitable)

    async def wait(self, awaitable: Any, timeout: float, what: str) -> Any:
        d = self._deferred(awaitable)
        try:
            return await d.addTimeout(timeout, self.reactor)
        except self.defer.TimeoutError:
            raise TimeoutError(f"{what}: not within {timeout} s") from None

    async def sleep(self, seconds: float) -> None:
        await self.task.deferLater(self.reactor, seconds, lambda: None)

    async def forever(self) -> None:
        await self.defer.Deferred()

    def cancel(self, future: Any) -> None:
        future.cancel()

    def now(self) -> float:
        return float(self.reactor.seconds())

    async def gather(self, factories: list[Callable[[], Awaitable[Any]]], limit: int) -> list[Any]:
        gate = self.defer.DeferredSemaphore(limit)
        runs = [gate.run(lambda f=f: self.defer.ensureDeferred(f())) for f in factories]
        return list(await self.defer.gatherResults(runs, consumeErrors=True))
