"""The pump both framework adapters run over a Sans-I/O engine (WebSocket or RawSocket).

After bytes, an EOF or a send reach the engine, the adapter calls ``_pump()``: it drains the
engine's events (handing them to ``_handle_events``), then its timer requests (``_arm``),
again while handling produced more, and finally writes what the engine has to send in ONE
``_write``. A pump started from inside a pump (a callback that sends) only marks that more is
to do, so its bytes leave with the outer pump's write.

A protocol may set ``maxEventsPerPump``: one pump then hands at most that many events to the
application and the rest wait for the next loop iteration (the adapter's ``_io_wake()``
schedules that pump), after what this one wrote. The WAMP protocols, router and client side,
use :data:`SLICE`: many messages read at once go through in slices, each slice's answers
written as soon as it is done, and the other connections get their turn in between. The peer
then works on the first answers while this side handles the rest, instead of the two taking
turns on whole batches (through Crossbar.io, the usual bottleneck, a client answering 100
calls in flight in slices gets 20-25% more calls per second than one writing everything in
one go). Reading pauses while more than five slices wait. When the stream ends, what waited
is handled at once, before the engine hears of the end (so it may still answer). The default,
0, hands over everything at once: the plain WebSocket and RawSocket protocols.

The adapter owns the I/O: it sets ``_engine``, ``_wake``, ``_pumping``, ``_again``, ``_early``
and ``_eof`` in its constructor and implements ``_handle_events``, ``_arm``, ``_write``,
``_engine_made``, ``_io_wake``, ``_pause``, ``_resume`` and, if it needs one, ``_after_pump``;
the application layer implements ``_transport_lost``, which the adapter calls when the
transport is gone (after feeding the engine its end).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

__all__ = ["SLICE", "EnginePump"]

SLICE: Final = 32
"""The most events one pump of a WAMP connection (router or client side) hands to the
application."""


class EnginePump:
    """Mixin: the engine-draining loop shared by ``wamp_asyncio`` and ``wamp_twisted``."""

    _engine: Any
    _wake: Any
    _pumping: bool
    _again: bool
    _early: bool
    _eof: bool
    _backlog: list[Any] | None = None
    """Events drained from the engine that wait for the next pump, in order."""
    maxEventsPerPump: int = 0
    """The most events one pump hands to the application (the rest go in the next loop
    iteration; reading pauses while more than five times this many wait); 0: no limit."""

    if TYPE_CHECKING:  # implemented by the adapter (no runtime stubs: they would shadow it)

        def _handle_events(self, events: list[Any]) -> None: ...

        def _arm(self, requests: list[tuple[str, float | None]]) -> None: ...

        def _write(self, chunks: list[bytes]) -> None: ...

        def _engine_made(self) -> None: ...

        def _io_wake(self, now: bool = False) -> None: ...

        def _pause(self, reason: str) -> None: ...

        def _resume(self, reason: str) -> None: ...

        def _transport_lost(self) -> None: ...

    def _after_pump(self) -> None:
        """Called after each completed pump (the write is done)."""

    def _end_of_stream(self) -> None:
        if self._eof:
            return
        self._eof = True
        if self._engine is not None:
            if self._backlog:
                self._pump()  # what waited, while the engine is still open (may answer)
            self._engine.receive_eof()
            self._pump()

    def _pump(self) -> None:
        """Drain the engine: events (a slice of them), then timers, then one write."""
        self._wake = None
        engine = self._engine
        if engine is None:
            return
        if self._pumping:
            self._again = True
            return
        if self._early:
            self._engine_made()
        self._pumping = True
        try:
            while True:
                self._again = False
                events = self._next_events(engine)
                if events:
                    self._handle_events(events)
                requests = engine.timers()
                if requests:
                    self._arm(requests)
                if self._backlog or (not events and not self._again):
                    break
            self._write(engine.data_to_send())
        finally:
            self._pumping = False
        self._after_pump()
        if self._backlog:
            self._io_wake()  # the next slice, in the next loop iteration

    def _next_events(self, engine: Any) -> list[Any]:
        """The events for this pump: what waited first, then the engine's, at most a slice
        (all of them once the stream ended)."""
        events: list[Any] = engine.events_received()
        backlog = self._backlog
        if backlog:
            events = backlog + events if events else backlog
        size = self.maxEventsPerPump
        if not size or len(events) <= size or self._eof:
            if backlog is not None:
                self._backlog = None
                self._resume("backlog")
            return events
        self._backlog = events[size:]
        if len(events) > 5 * size:
            self._pause("backlog")
        elif backlog is not None:
            self._resume("backlog")
        return events[:size]
