"""What the asyncio and Twisted ``ApplicationRunner`` share: arguments, the Component it runs.

Autobahn's ``ApplicationRunner(url, realm, extra, serializers, ssl, proxy, headers,
websocket_options, max_retries, initial_retry_delay, max_retry_delay, retry_delay_growth,
retry_delay_jitter)`` is a convenience over a Component with one transport. This base checks
the arguments (``ssl`` against the URL's scheme, as Autobahn), builds that transport
configuration (``ws``/``wss`` URLs give a WebSocket transport, ``rs``/``rss`` a RawSocket
one; serializers by name; a framework TLS object in the endpoint) and the Component whose
sessions ``make(config)`` creates, and turns "every transport failed" back into the
connection error itself when the runner does not retry (as Autobahn raises it). The
framework subclasses add ``run()`` and say which ``ssl`` objects they take
(:meth:`ApplicationRunnerBase._native_tls`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wamp_core._component_attempt import TransportsExhausted
from wamp_core._component_validate import parse_transport_url
from wamp_core.log import make_logger
from wamp_core.types import ComponentConfig

__all__ = ["ApplicationRunnerBase"]


class ApplicationRunnerBase:
    """Runs one session over WebSocket (or RawSocket: ``rs://`` URLs); see the module text."""

    log = make_logger("wamp_core.runner")

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

    def _native_tls(self, ssl: Any) -> bool:
        """Whether ``ssl`` is a TLS object of the framework (put in the endpoint's ``tls``)."""
        return False

    def _transport_config(self, default_max_retries: int = 0) -> dict[str, Any]:
        """The Component transport of this runner (``max_retries`` unless given:
        ``default_max_retries``)."""
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
        if self.ssl is not None and self.ssl is not True and self._native_tls(self.ssl):
            config["endpoint"] = _endpoint_with_tls(self.url, self.ssl)
        retry = {key: value for key, value in self.retry.items() if value is not None}
        retry.setdefault("max_retries", default_max_retries)
        config.update(retry)
        return config

    def _make_component(self, make: Callable[[ComponentConfig], Any], component_class: Any,
                        transport: dict[str, Any]) -> Any:
        """The Component running ``make(config)`` sessions over ``transport``."""
        config = ComponentConfig(realm=self.realm, extra=self.extra, runner=self)

        def session_factory(cfg: ComponentConfig) -> Any:
            try:
                return make(cfg)
            except Exception as exc:
                self.log.failure("ApplicationSession could not be instantiated: {error!r}",
                                 failure=exc, error=exc)
                raise

        return component_class(transports=[transport], realm=self.realm, extra=self.extra,
                               config=config, session_factory=session_factory)

    def _unwrap(self, exc: BaseException) -> BaseException:
        """The connection error itself when the runner does not retry (as Autobahn)."""
        if isinstance(exc, TransportsExhausted) and not self._retries():
            errors = [err for _, _, err in exc.failures if err is not None]
            if len(errors) == 1:
                return errors[0]
        return exc

    def _retries(self) -> int:
        component = self._component
        transports = getattr(component, "_transports", None)
        if transports:
            return int(transports[0].max_retries)
        return int(self.retry.get("max_retries") or 0)

    def stop(self) -> Any:
        """Stop: the session leaves and nothing reconnects. A future, done when stopped."""
        if self._component is None:
            raise RuntimeError("ApplicationRunner.stop(): the runner is not running")
        return self._component.stop()


def _serializer_id(serializer: Any) -> str:
    if isinstance(serializer, str):
        return serializer
    return str(serializer.SERIALIZER_ID)


def _endpoint_with_tls(url: str, tls: Any) -> dict[str, Any]:
    kind = "rawsocket" if url.lower().startswith(("rs:", "rss:")) else "websocket"
    parsed = parse_transport_url(kind, url)
    if parsed.path is not None:
        return {"type": "unix", "path": parsed.path, "tls": tls}
    return {"type": "tcp", "host": parsed.host, "port": parsed.port, "tls": tls}
