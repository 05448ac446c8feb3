"""Component and run() on Twisted (Autobahn's ``autobahn.twisted.component``).

Everything but opening a connection is in :mod:`wamp_core.component` (transports, retries,
the session's life, events); this module binds it to Twisted:

- :meth:`Component.start` (``reactor=None``: the global reactor) returns a Deferred that fires
  (with ``None``) when the Component is done, or with a Failure if something went wrong;
  done is one of the four documented ways (``main`` finished, the session left, ``stop()``
  was called, no transport can be tried any more);
- :meth:`Component._connect_transport` opens WebSocket or RawSocket over TCP (IPv4 or IPv6),
  a Unix socket, TLS (``tls``: True, ``{"hostname", "trust_root"}``, an
  ``optionsForClientTLS(...)`` creator or ``CertificateOptions``), any
  ``IStreamClientEndpoint`` given as the ``endpoint``, and an HTTP CONNECT proxy
  (:mod:`wamp_twisted._connect`);
- :func:`run` starts the components and runs the reactor until all are done (then stops it,
  unless ``stop_at_close=False``); SIGINT and SIGTERM stop the components cleanly (their
  sessions leave) before the reactor stops.
"""

from __future__ import annotations

from typing import Any

from twisted.internet.defer import Deferred, ensureDeferred
from twisted.internet.error import ConnectError, DNSLookupError
from twisted.internet.interfaces import (
    IOpenSSLClientConnectionCreator,
    IOpenSSLContextFactory,
    IStreamClientEndpoint,
)
from wamp_core import component as _component
from wamp_core.log import make_logger, set_log_level
from wamp_core.observable import gather_all

from wamp_twisted._connect import open_transport
from wamp_twisted._txaio import global_reactor, txaio_api
from wamp_twisted.wamp import ApplicationSession, start_logging

__all__ = ["Component", "run"]

log = make_logger(__name__)

STOP_TIMEOUT = 10.0
"""Seconds the reactor's shutdown waits for the components' sessions to leave."""


class Component(_component.Component):
    """A WAMP component on Twisted; the arguments are Autobahn's (see wamp_core.component)."""

    session_factory: Any = ApplicationSession

    def _is_ssl_error(self, e: BaseException) -> bool:
        try:
            from OpenSSL.SSL import Error
        except ImportError:  # no TLS support installed
            return False
        return isinstance(e, Error)

    def _check_native_endpoint(self, endpoint: Any) -> bool:
        return bool(IStreamClientEndpoint.providedBy(endpoint))

    def _check_native_tls(self, tls: Any) -> bool:
        return bool(IOpenSSLClientConnectionCreator.providedBy(tls)
                    or IOpenSSLContextFactory.providedBy(tls))

    def _check_transport_options(self, kind: str, options: dict[str, Any]) -> dict[str, Any]:
        if kind == "websocket":
            from wamp_websocket.options import ClientOptions

            ClientOptions().set_protocol_options(**options)
        else:
            from wamp_rawsocket.options import RawSocketOptions, set_protocol_options

            set_protocol_options(RawSocketOptions(), **options)
        return options

    def start(self, reactor: Any = None) -> Any:
        """Start connecting; a Deferred that fires (None, or the Failure) when done."""
        reactor = reactor if reactor is not None else global_reactor()
        return self._start(reactor, txaio_api(reactor))

    def _make_session(self) -> Any:
        session = super()._make_session()
        if getattr(session, "_on_global_reactor", False) and self._loop is not global_reactor():
            session._txaio = self._txaio  # our reactor, not the global one it defaulted to
        return session

    def _connect_transport(self, transport: Any, session_factory: Any, done: Any) -> Any:
        return ensureDeferred(open_transport(transport, session_factory, self._loop))

    def _log_connect_error(self, transport: Any, exc: BaseException) -> None:
        if isinstance(exc, ConnectError | DNSLookupError):
            self.log.info("{transport}: connection failed: {error}",
                          transport=transport.describe(), error=exc)
            return
        super()._log_connect_error(transport, exc)


def _stop_all(components: list[Component], reactor: Any) -> Deferred[Any]:
    """Stop every component (sessions leave); fires when all are done, or after
    ``STOP_TIMEOUT`` seconds."""
    api = txaio_api(reactor)
    stopped: Deferred[Any] = gather_all(api, [comp.stop() for comp in components])
    stopped.addTimeout(STOP_TIMEOUT, reactor)
    stopped.addErrback(lambda fail: log.warn("components did not stop in time: {error}",
                                             error=fail.value))
    return stopped


def run(components: Any, log_level: str | None = "info", stop_at_close: bool = True) -> None:
    """Run ``components`` (a Component or a list): start them, run the reactor until all
    are done.

    ``log_level`` (None: leave logging alone) sets up logging, Twisted's own log included.
    With ``stop_at_close`` (the default) the reactor stops when every component is done;
    a component's failure is logged. If you run the reactor yourself, call
    :meth:`Component.start` instead.
    """
    if log_level is not None:
        set_log_level(log_level)
        start_logging()
    if isinstance(components, Component):
        components = [components]
    reactor = global_reactor()

    def all_done(loop: Any, result: Any) -> None:
        if stop_at_close and reactor.running:
            reactor.stop()

    done = _component._run(reactor, components, txaio_api(reactor), all_done)
    done.addErrback(lambda fail: log.debug("components done with a failure: {error!r}",
                                           error=fail.value))
    reactor.addSystemEventTrigger("before", "shutdown", _stop_all, list(components), reactor)
    reactor.run()
