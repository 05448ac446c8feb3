"""WAMP sessions and the ApplicationRunner on asyncio (Autobahn's ``autobahn.asyncio.wamp``).

:class:`ApplicationSession` is ``wamp_core.protocol.ApplicationSession`` with a txaio API bound
to asyncio (the running loop; ``txaio.use_asyncio()`` is never called).

:class:`ApplicationRunner` keeps Autobahn's arguments and adds the reconnection options of
Autobahn's Twisted runner. It runs on :class:`wamp_asyncio.component.Component`:

- without ``max_retries`` (or with 0) it connects once: a failed connection raises from
  ``run()`` (the connection error itself, as Autobahn), and ``run()`` returns when the session
  has left and the transport closed;
- with ``max_retries`` (-1: forever) it reconnects after a lost or failed connection, with
  the backoff ``initial_retry_delay``, ``retry_delay_growth`` up to ``max_retry_delay``,
  ``retry_delay_jitter``; a session that leaves normally ends ``run()``;
- :meth:`ApplicationRunner.stop` ends it all: the session leaves, no reconnection.

``run(make, start_loop=True, log_level='info')`` runs a new loop with ``asyncio.run()``
(SIGINT/SIGTERM stop the runner cleanly); with ``start_loop=False`` it returns a coroutine
for your loop that resolves to ``(transport, protocol)`` once the first connection is up.
"""

from __future__ import annotations

import asyncio
import ssl as _ssl
from asyncio import _get_running_loop
from collections.abc import Callable
from typing import Any

from wamp_core import protocol as _protocol
from wamp_core._component_attempt import TransportsExhausted
from wamp_core._runner import ApplicationRunnerBase
from wamp_core.log import set_log_level
from wamp_core.types import ComponentConfig

from wamp_asyncio._txaio import _RunningLoop, txaio_api

__all__ = ["ApplicationRunner", "ApplicationSession", "ApplicationSessionFactory", "Session"]


class _CallFuture(asyncio.Future):  # type: ignore[type-arg]
    """The Future of a call: cancelling it sends CANCEL at once (no done callback per call,
    which is what txaio's ``create_future(canceller=...)`` costs on every result)."""

    __slots__ = ("_record", "_session")

    def cancel(self, msg: Any = None) -> bool:
        if not super().cancel(msg):
            return False
        self._session._call_cancelled(self._record)
        return True


class _AsyncioSession(_protocol.ApplicationSession):
    """What both asyncio session classes add to the framework-neutral one."""

    def _create_txaio(self) -> Any:
        return txaio_api()

    def _new_call_future(self, record: Any) -> Any:
        loop = _get_running_loop()  # the loop of the transport (None: called from outside)
        if loop is None:
            loop = self._api._loop  # type: ignore[attr-defined]
            if type(loop) is _RunningLoop:
                loop = asyncio.get_running_loop()  # raises: no loop at all
        future = _CallFuture(loop=loop)
        future._record = record
        future._session = self
        return future

    def _resolve(self, future: Any, value: Any) -> None:
        if not future.done():
            future.set_result(value)


class ApplicationSession(_AsyncioSession):
    """A WAMP application session on asyncio."""


class Session(_AsyncioSession, _protocol.Session):
    """The snake_case session API (``on_join`` ...) on asyncio."""


class ApplicationSessionFactory(_protocol.ApplicationSessionFactory):
    """Makes asyncio :class:`ApplicationSession` objects with one ComponentConfig."""

    session: type[Any] = ApplicationSession


class ApplicationRunner(ApplicationRunnerBase):
    """Runs one session over WebSocket (or RawSocket: ``rs://`` URLs); see the module text.

    The arguments, their checks and the Component are :class:`wamp_core._runner.
    ApplicationRunnerBase`'s; ``ssl`` may be True or an ``ssl.SSLContext``.
    """

    _done: asyncio.Future[Any] | None = None

    def _native_tls(self, ssl: Any) -> bool:
        return isinstance(ssl, _ssl.SSLContext)

    # -- running --------------------------------------------------------------------------

    def run(self, make: Callable[[ComponentConfig], Any], start_loop: bool = True,
            log_level: str | None = "info") -> Any:
        """Run the session made by ``make(config)``; see the module text."""
        if log_level is not None:
            set_log_level(log_level)
        from wamp_asyncio.component import Component

        self._component = self._make_component(make, Component, self._transport_config())
        if not start_loop:
            return self._first_connection()
        return asyncio.run(self._run_until_done())

    async def _first_connection(self) -> tuple[Any, Any]:
        loop = asyncio.get_running_loop()
        first: asyncio.Future[tuple[Any, Any]] = loop.create_future()

        def connected(session: Any, transport: Any) -> None:
            if not first.done():
                first.set_result((getattr(transport, "transport", None), transport))

        self._component.on("connect", connected)
        self._done = done = asyncio.ensure_future(self._component.start(loop))

        def ended(future: asyncio.Future[Any]) -> None:
            if not first.done():
                exc = None if future.cancelled() else future.exception()
                first.set_exception(self._unwrap(exc) if exc is not None
                                    else ConnectionError("the runner ended before connecting"))

        done.add_done_callback(ended)
        return await first

    async def _run_until_done(self) -> None:
        from wamp_asyncio.component import _stop_on_signals

        loop = asyncio.get_running_loop()
        self._done = done = asyncio.ensure_future(self._component.start(loop))
        with _stop_on_signals(loop, [self._component]):
            try:
                await done
            except TransportsExhausted as exc:
                raise self._unwrap(exc) from None
