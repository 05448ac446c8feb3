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
from collections.abc import Callable
from typing import Any

from wamp_core import protocol as _protocol
from wamp_core._component_attempt import TransportsExhausted
from wamp_core.log import make_logger, set_log_level
from wamp_core.types import ComponentConfig

from wamp_asyncio._txaio import txaio_api

__all__ = ["ApplicationRunner", "ApplicationSession", "ApplicationSessionFactory", "Session"]


class ApplicationSession(_protocol.ApplicationSession):
    """A WAMP application session on asyncio."""

    def _create_txaio(self) -> Any:
        return txaio_api()


class Session(_protocol.Session):
    """The snake_case session API (``on_join`` ...) on asyncio."""

    def _create_txaio(self) -> Any:
        return txaio_api()


class ApplicationSessionFactory(_protocol.ApplicationSessionFactory):
    """Makes asyncio :class:`ApplicationSession` objects with one ComponentConfig."""

    session: type[Any] = ApplicationSession


class ApplicationRunner:
    """Runs one session over WebSocket (or RawSocket: ``rs://`` URLs); see the module text."""

    log = make_logger(__name__)

    def __init__(self, url: str, realm: str | None = None, extra: dict[str, Any] | None = None,
                 serializers: list[Any] | None = None, ssl: Any = None,
                 proxy: dict[str, Any] | None = None, headers: dict[str, Any] | None = None,
                 websocket_options: dict[str, Any] | None = None,
                 max_retries: int | None = None, initial_retry_delay: float | None = None,
                 max_retry_delay: float | None = None, retry_delay_growth: float | None = None,
                 retry_delay_jitter: Any = None) -> None:
        if not isinstance(url, str):
            raise ValueError(f"url must be a str such as 'ws://127.0.0.1:8080/ws', not {url!r}")
        secure = url.lower().startswith(("wss:", "rss:"))
        if ssl and not secure and ssl is not True:
            raise RuntimeError(f'the ssl argument conflicts with the scheme of url {url!r}: '
                               'use wss:// (or rss://) for TLS')
        if ssl is True and not secure:
            raise RuntimeError(f"ssl=True needs a wss:// (or rss://) url, not {url!r}")
        self.url = url
        self.realm = realm
        self.extra = extra or {}
        self.serializers = serializers
        self.ssl = ssl
        self.proxy = proxy
        self.headers = headers
        self.websocket_options = websocket_options
        self.retry = {
            "max_retries": max_retries, "initial_retry_delay": initial_retry_delay,
            "max_retry_delay": max_retry_delay, "retry_delay_growth": retry_delay_growth,
            "retry_delay_jitter": retry_delay_jitter,
        }
        self._component: Any = None
        self._done: asyncio.Future[Any] | None = None

    # -- building the component -----------------------------------------------------------

    def _transport_config(self) -> dict[str, Any]:
        rawsocket = self.url.lower().startswith(("rs:", "rss:"))
        config: dict[str, Any] = {"type": "rawsocket" if rawsocket else "websocket",
                                  "url": self.url}
        names = [_serializer_id(s) for s in self.serializers] if self.serializers else None
        if names:
            if rawsocket:
                config["serializer"] = names[0]
            else:
                config["serializers"] = names
        if self.websocket_options and not rawsocket:
            config["options"] = dict(self.websocket_options)
        if self.headers:
            config["headers"] = dict(self.headers)
        if self.proxy:
            config["proxy"] = dict(self.proxy)
        if isinstance(self.ssl, _ssl.SSLContext):
            config["endpoint"] = _endpoint_with_tls(self.url, self.ssl)
        retry = {key: value for key, value in self.retry.items() if value is not None}
        retry.setdefault("max_retries", 0)
        config.update(retry)
        return config

    def _make_component(self, make: Callable[[ComponentConfig], Any]) -> Any:
        from wamp_asyncio.component import Component

        config = ComponentConfig(realm=self.realm, extra=self.extra, runner=self)

        def session_factory(cfg: ComponentConfig) -> Any:
            try:
                return make(cfg)
            except Exception as exc:
                self.log.failure("ApplicationSession could not be instantiated: {error!r}",
                                 failure=exc, error=exc)
                raise

        return Component(transports=[self._transport_config()], realm=self.realm,
                         extra=self.extra, config=config, session_factory=session_factory)

    # -- running --------------------------------------------------------------------------

    def run(self, make: Callable[[ComponentConfig], Any], start_loop: bool = True,
            log_level: str | None = "info") -> Any:
        """Run the session made by ``make(config)``; see the module text."""
        if log_level is not None:
            set_log_level(log_level)
        self._component = self._make_component(make)
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

    def _unwrap(self, exc: BaseException) -> BaseException:
        """The connection error itself when the runner does not retry (as Autobahn)."""
        if isinstance(exc, TransportsExhausted) and not self.retry.get("max_retries"):
            errors = [err for _, _, err in exc.failures if err is not None]
            if len(errors) == 1:
                return errors[0]
        return exc

    def stop(self) -> Any:
        """Stop: the session leaves and nothing reconnects. A future, done when stopped."""
        if self._component is None:
            raise RuntimeError("ApplicationRunner.stop(): the runner is not running")
        return self._component.stop()


def _serializer_id(serializer: Any) -> str:
    if isinstance(serializer, str):
        return serializer
    return str(serializer.SERIALIZER_ID)


def _endpoint_with_tls(url: str, context: _ssl.SSLContext) -> dict[str, Any]:
    from wamp_core._component_validate import parse_transport_url

    kind = "rawsocket" if url.lower().startswith(("rs:", "rss:")) else "websocket"
    parsed = parse_transport_url(kind, url)
    if parsed.path is not None:
        return {"type": "unix", "path": parsed.path, "tls": context}
    return {"type": "tcp", "host": parsed.host, "port": parsed.port, "tls": context}
