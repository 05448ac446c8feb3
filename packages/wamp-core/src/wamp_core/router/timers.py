"""Timers the Sans-I/O router asks the I/O layer for (call timeouts).

The router never reads a clock. It is given a *scheduler*: a callable
``call_later(delay_seconds, callback) -> handle`` whose handle has
``cancel()``. ``asyncio``'s ``loop.call_later`` and Twisted's
``reactor.callLater`` fit as they are. The router cancels a handle only while
its timer is pending (never after it fired), so Twisted's ``AlreadyCalled``
cannot happen.

:class:`ManualScheduler` is a scheduler driven by hand (``advance(seconds)``),
for tests and for I/O layers without timers of their own.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import Any, Protocol

__all__ = ["ManualScheduler", "Scheduler", "TimerHandle"]


class TimerHandle(Protocol):
    """What ``call_later`` returns: something that can be cancelled."""

    def cancel(self) -> Any: ...


Scheduler = Callable[[float, Callable[[], None]], TimerHandle]
"""``call_later(delay_seconds, callback) -> TimerHandle``."""


class _ManualHandle:
    __slots__ = ("callback", "cancelled", "when")

    def __init__(self, when: float, callback: Callable[[], None]) -> None:
        self.when = when
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True

    def __lt__(self, other: _ManualHandle) -> bool:
        return self.when < other.when


class ManualScheduler:
    """A scheduler whose clock moves only when :meth:`advance` is called."""

    def __init__(self) -> None:
        self.now = 0.0
        self._heap: list[tuple[float, int, _ManualHandle]] = []
        self._seq = 0

    def __call__(self, delay: float, callback: Callable[[], None]) -> _ManualHandle:
        handle = _ManualHandle(self.now + max(0.0, float(delay)), callback)
        self._seq += 1
        heapq.heappush(self._heap, (handle.when, self._seq, handle))
        return handle

    def pending(self) -> int:
        """How many timers are armed and not cancelled."""
        return sum(1 for _, _, h in self._heap if not h.cancelled)

    def advance(self, seconds: float) -> int:
        """Move the clock forward, firing due timers in order; return how many fired."""
        target = self.now + seconds
        fired = 0
        while self._heap and self._heap[0][0] <= target:
            when, _, handle = heapq.heappop(self._heap)
            self.now = max(self.now, when)
            if not handle.cancelled:
                handle.cancelled = True
                handle.callback()
                fired += 1
        self.now = target
        return fired
