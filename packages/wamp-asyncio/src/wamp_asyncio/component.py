"""Component and run() on asyncio (Autobahn's ``autobahn.asyncio.component``).

Everything but opening a connection is in :mod:`wamp_core.component` (transports, retries,
the session's life, events); this module binds it to asyncio:

- :meth:`Component.start` (``loop=None``: the running loop) returns an asyncio Future that
  resolves (``None``) or fails when the Component is done;
- :meth:`Component._connect_transport` opens WebSocket or RawSocket over TCP, a Unix socket,
  TLS (``tls``: True, ``{"hostname", "trust_root"}`` or an ``ssl.SSLContext``) and an HTTP
  CONNECT proxy (:mod:`wamp_asyncio._connect`);
- :func:`run` runs components in a new loop (``asyncio.run()``, so no
  ``get_event_loop()`` deprecation) until all are done; SIGINT and SIGTERM stop them cleanly
  (sessions leave); a second signal cancels what is left. ``start_loop=False`` returns the
  gathered future, to await in your own loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import ssl
from collections.abc import Iterator
from typing import Any

from wamp_core import component as _component
from wamp_core.log import make_logger, set_log_level

from wamp_asyncio._connect import open_transport
from wamp_asyncio._txaio import txaio_api
from wamp_asyncio.wamp import ApplicationSession

__all__ = ["Component", "run"]

log = make_logger(__name__)


class Component(_component.Component):
    """A WAMP component on asyncio; the arguments are Autobahn's (see wamp_core.component)."""

    session_factory: Any = ApplicationSession

    def _is_ssl_error(self, e: BaseException) -> bool:
        return isinstance(e, ssl.SSLError)

    def _check_native_endpoint(self, endpoint: Any) -> bool:
        return False

    def _check_native_tls(self, tls: Any) -> bool:
        return isinstance(tls, ssl.SSLContext)

    def _check_transport_options(self, kind: str, options: dict[str, Any]) -> dict[str, Any]:
        if kind == "websocket":
            from wamp_websocket.options import ClientOptions

            ClientOptions().set_protocol_options(**options)
        else:
            from wamp_rawsocket.options import RawSocketOptions, set_protocol_options

            set_protocol_options(RawSocketOptions(), **options)
        return options

    def start(self, loop: asyncio.AbstractEventLoop | None = None) -> Any:
        """Start connecting; a Future done (None, or the error) when the Component is."""
        if loop is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                raise RuntimeError("Component.start() needs an event loop: call it from a "
                                   "coroutine, or pass loop=") from None
        return self._start(loop, txaio_api(loop))

    def _connect_transport(self, transport: Any, session_factory: Any, done: Any) -> Any:
        return asyncio.ensure_future(open_transport(transport, session_factory, self._loop),
                                     loop=self._loop)


@contextlib.contextmanager
def _stop_on_signals(loop: asyncio.AbstractEventLoop, components: list[Any]) -> Iterator[None]:
    """SIGINT/SIGTERM stop the components (sessions leave); a second one cancels the rest."""
    signals = [s for s in (signal.SIGINT, getattr(signal, "SIGTERM", None)) if s is not None]
    received: list[int] = []
    main = asyncio.current_task()

    def on_signal(signum: int) -> None:
        received.append(signum)
        if len(received) == 1:
            log.info("{name}: stopping", name=signal.Signals(signum).name)
            for comp in components:
                comp.stop()
        elif main is not None:
            main.cancel()

    installed = []
    for signum in signals:
        try:
            loop.add_signal_handler(signum, on_signal, signum)
            installed.append(signum)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, Windows
            pass
    try:
        yield
    finally:
        for signum in installed:
            loop.remove_signal_handler(signum)


def run(components: Any, start_loop: bool = True, log_level: str | None = "info") -> Any:
    """Run ``components`` (a Component or a list) until every one is done.

    ``log_level`` (None: leave logging alone) sets up logging. Returns None; a component's
    failure is logged. With ``start_loop=False``, call it inside your loop: it returns the
    future of all components.
    """
    if log_level is not None:
        set_log_level(log_level)
    if isinstance(components, Component):
        components = [components]
    if not start_loop:
        loop = asyncio.get_running_loop()
        return _component._run(loop, components, txaio_api(loop))

    async def main() -> None:
        loop = asyncio.get_running_loop()
        done = _component._run(loop, components, txaio_api(loop))
        with _stop_on_signals(loop, list(components)):
            try:
                await done
            except Exception as exc:
                log.debug("components done with a failure: {error!r}", error=exc)

    try:
        asyncio.run(main())
    except (KeyboardInterrupt, asyncio.CancelledError):
        log.info("stopped")
