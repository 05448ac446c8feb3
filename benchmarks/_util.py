"""Shared helpers for the benchmarks: timing loops and a ratio table.

Benchmarks compare our code with the peer a user would pick instead, measured
in the same process and run, and print rates side by side with their ratio.
Timings use the CPU time of this process (``time.process_time``), best of
several runs, so that other load on the machine disturbs them less; pass
``clock=time.perf_counter`` for wall time (I/O benchmarks).
"""

from __future__ import annotations

import gc
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = ["Row", "Timer", "environment", "print_table", "race", "rate", "rate_batch"]

Clock = Callable[[], float]


class Timer:
    """Measures one callable: ``run()`` times one round, ``rate`` is the best so far.

    Keep several timers and call ``run()`` on each in turn (see :func:`race`),
    so that a slow spell of the machine hits every contender alike.
    """

    def __init__(self, fn: Callable[[], object], *, seconds: float = 0.25,
                 clock: Clock = time.process_time,
                 make: Callable[[int], Sequence[object]] | None = None,
                 each: Callable[[object], object] | None = None) -> None:
        self._fn, self._make, self._each, self._clock = fn, make, each, clock
        self._number = _calibrate(self._time, seconds)
        self.rate = 0.0

    def _time(self, number: int) -> float:
        if self._make is not None and self._each is not None:
            return _run_items(self._make(number), self._each, self._clock)
        return _run(self._fn, number, self._clock)

    def run(self) -> float:
        """Time one round; return this round's rate (calls per second)."""
        elapsed = self._time(self._number)
        current = self._number / max(elapsed, 1e-9)
        self.rate = max(self.rate, current)
        return current


def race(timers: Sequence[Timer], repeat: int = 5) -> list[float]:
    """Run the timers in turn ``repeat`` times; return each one's best rate."""
    for _ in range(repeat):
        for timer in timers:
            timer.run()
    return [t.rate for t in timers]


def rate(fn: Callable[[], object], *, seconds: float = 0.25, repeat: int = 5,
         clock: Clock = time.process_time) -> float:
    """Calls per second of ``fn``: best of ``repeat`` runs of about ``seconds`` each."""
    return race([Timer(fn, seconds=seconds, clock=clock)], repeat)[0]


def rate_batch(make: Callable[[int], Sequence[object]], fn: Callable[[object], object], *,
               seconds: float = 0.25, repeat: int = 5,
               clock: Clock = time.process_time) -> float:
    """Items per second of ``fn(item)`` over fresh items from ``make(n)`` (made untimed)."""
    timer = Timer(lambda: None, seconds=seconds, clock=clock, make=make, each=fn)
    return race([timer], repeat)[0]


def _calibrate(time_it: Callable[[int], float], seconds: float) -> int:
    """How many calls take about ``seconds``, from a run long enough to be measurable."""
    number = 1
    while True:
        elapsed = time_it(number)
        if elapsed >= seconds / 10:
            return max(1, int(number * seconds / elapsed))
        number *= 10


def _run(fn: Callable[[], object], number: int, clock: Clock) -> float:
    gc.collect()
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        start = clock()
        for _ in range(number):
            fn()
        return clock() - start
    finally:
        if gc_was_enabled:
            gc.enable()


def _run_items(items: Sequence[object], fn: Callable[[object], object], clock: Clock) -> float:
    gc.collect()
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        start = clock()
        for item in items:
            fn(item)
        return clock() - start
    finally:
        if gc_was_enabled:
            gc.enable()


@dataclass
class Row:
    """One line of a comparison: our rate, the peer's rate (None: not measured)."""

    name: str
    ours: float
    theirs: float | None = None

    @property
    def ratio(self) -> float | None:
        return None if not self.theirs else self.ours / self.theirs


def _fmt_rate(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f} {unit}"


def print_table(title: str, rows: Sequence[Row], *, ours: str = "ours", theirs: str = "peer",
                unit: str = "/s", file: object = None) -> None:
    """Print ``rows`` as an aligned table with the ratio ours/theirs."""
    out = file if file is not None else sys.stdout
    header = ("", ours, theirs, "ratio")
    lines = [
        (r.name, _fmt_rate(r.ours, unit), _fmt_rate(r.theirs, unit),
         "-" if r.ratio is None else f"{r.ratio:.2f}x")
        for r in rows
    ]
    widths = [max(len(str(x[i])) for x in [header, *lines]) for i in range(4)]
    print(f"\n{title}", file=out)  # type: ignore[call-overload]
    fmt = f"  {{:<{widths[0]}}}  {{:>{widths[1]}}}  {{:>{widths[2]}}}  {{:>{widths[3]}}}"
    print(fmt.format(*header), file=out)  # type: ignore[call-overload]
    for line in lines:
        print(fmt.format(*line), file=out)  # type: ignore[call-overload]


def environment() -> str:
    """One line describing the interpreter and machine, for the report header."""
    return (f"{platform.python_implementation()} {platform.python_version()} on "
            f"{platform.machine()} ({os.cpu_count()} CPUs), {platform.platform(terse=True)}")
