"""The pump both framework adapters run over a Sans-I/O engine (WebSocket or RawSocket).

After bytes, an EOF or a send reach the engine, the adapter calls ``_pump()``: it drains the
engine's events (handing them to ``_handle_events``), then its timer requests (``_arm``),
again while handling produced more, and finally writes what the engine has to send in ONE
``_write``. A pump started from inside a pump (a callback that sends) only marks that more is
to do, so its bytes leave with the outer pump's write.

The adapter owns the I/O: it sets ``_engine``, ``_wake``, ``_pumping``, ``_again``, ``_early``
and ``_eof`` in its constructor and implements ``_handle_events``, ``_arm``, ``_write``,
``_engine_made`` and, if it needs one, ``_after_pump``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["EnginePump"]


class EnginePump:
    """Mixin: the engine-draining loop shared by ``wamp_asyncio`` and ``wamp_twisted``."""

    _engine: Any
    _wake: Any
    _pumping: bool
    _again: bool
    _early: bool
    _eof: bool

    if TYPE_CHECKING:  # implemented by the adapter (no runtime stubs: they would shadow it)

        def _handle_events(self, events: list[Any]) -> None: ...

        def _arm(self, requests: list[tuple[str, float | None]]) -> None: ...

        def _write(self, chunks: list[bytes]) -> None: ...

        def _engine_made(self) -> None: ...

    def _after_pump(self) -> None:
        """Called after each completed pump (the write is done)."""

    def _end_of_stream(self) -> None:
        if self._eof:
            return
        self._eof = True
        if self._engine is not None:
            self._engine.receive_eof()
            self._pump()

    def _pump(self) -> None:
        """Drain the engine: events, then timers, then one write."""
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
                events = engine.events_received()
                if events:
                    self._handle_events(events)
                requests = engine.timers()
                if requests:
                    self._arm(requests)
                if not events and not self._again:
                    break
            self._write(engine.data_to_send())
        finally:
            self._pumping = False
        self._after_pump()
