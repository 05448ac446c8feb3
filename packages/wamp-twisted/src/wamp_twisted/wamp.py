"""WAMP sessions and the ApplicationRunner on Twisted (Autobahn's ``autobahn.twisted.wamp``).

:class:`ApplicationSession` is ``wamp_core.protocol.ApplicationSession`` with a txaio API bound
to the global reactor (``txaio.use_twisted()`` is never called); a Component started on another
reactor gives its sessions that reactor.

:class:`ApplicationRunner` keeps Autobahn's arguments (checked by
``wamp_core._runner.ApplicationRunnerBase``; ``ssl`` is True, a ``CertificateOptions`` or an
``optionsForClientTLS(...)`` creator) and runs on :class:`wamp_twisted.component.Component`.
``run(make, start_reactor=True, auto_reconnect=False, log_level='info', endpoint=None,
reactor=None)``:

- connects once, unless ``auto_reconnect`` (then it reconnects after a lost or failed
  connection, ``max_retries`` times, default forever) or ``max_retries`` is given, with the
  backoff ``initial_retry_delay``, ``retry_delay_growth`` up to ``max_retry_delay``,
  ``retry_delay_jitter``; a session that leaves normally ends it;
- ``endpoint`` (any ``IStreamClientEndpoint``) replaces the one made from the URL;
- with ``start_reactor`` (the default) it runs the reactor until the session is done and
  returns None; a failed connection stops the reactor and is raised (the connection error
  itself, as Autobahn); SIGINT/SIGTERM make the session leave before the reactor stops;
- with ``start_reactor=False`` it returns a Deferred that fires with the protocol
  (a ``WampWebSocketClientProtocol`` or ``WampRawSocketClientProtocol``) once connected.

:meth:`ApplicationRunner.stop` ends it all: the session leaves, nothing reconnects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from twisted.internet.defer import Deferred
from twisted.internet.error import ReactorNotRunning
from twisted.internet.interfaces import IOpenSSLClientConnectionCreator, IOpenSSLContextFactory
from twisted.python.failure import Failure
from wamp_core import protocol as _protocol
from wamp_core._runner import ApplicationRunnerBase
from wamp_core.log import set_log_level
from wamp_core.types import ComponentConfig

from wamp_twisted._txaio import global_reactor, txaio_api

# Seconds the runner waits, after the session is done, for its transport to close before it
# stops the reactor anyway.
_DISCONNECT_GRACE = 5.0

__all__ = ["ApplicationRunner", "ApplicationSession", "ApplicationSessionFactory", "Session"]

_logging_started = False


def start_logging() -> None:
    """Send Twisted's own log events (unhandled errors ...) to the ``logging`` module, once."""
    global _logging_started
    if _logging_started:
        return
    _logging_started = True
    from twisted.logger import STDLibLogObserver, globalLogBeginner

    observer: Any = STDLibLogObserver()
    globalLogBeginner.beginLoggingTo([observer], redirectStandardIO=False)


class _TwistedSession(_protocol.ApplicationSession):
    """What both Twisted session classes add to the framework-neutral one: the txaio API
    on the global reactor, and Deferreds made and fired without txaio's layers."""

    _on_global_reactor = True

    def _create_txaio(self) -> Any:
        return txaio_api()

    def _new_call_future(self, record: Any) -> Any:
        d: Any = Deferred(_cancel_call)
        d.wamp_call = (self, record)
        return d

    def _resolve(self, future: Any, value: Any) -> None:
        if not future.called:
            future.callback(value)


def _cancel_call(d: Any) -> None:
    """The canceller of a call's Deferred (one function for all: no closure per call)."""
    session, record = d.wamp_call
    session._call_cancelled(record)


class ApplicationSession(_TwistedSession):
    """A WAMP application session on Twisted."""


class Session(_TwistedSession, _protocol.Session):
    """The snake_case session API (``on_join`` ...) on Twisted."""


class ApplicationSessionFactory(_protocol.ApplicationSessionFactory):
    """Makes Twisted :class:`ApplicationSession` objects with one ComponentConfig."""

    session: type[Any] = ApplicationSession


class ApplicationRunner(ApplicationRunnerBase):
    """Runs one session over WebSocket (or RawSocket: ``rs://`` URLs); see the module text."""

    _done: Deferred[Any] | None = None

    def _native_tls(self, ssl: Any) -> bool:
        return bool(IOpenSSLClientConnectionCreator.providedBy(ssl)
                    or IOpenSSLContextFactory.providedBy(ssl))

    def run(self, make: Callable[[ComponentConfig], Any], start_reactor: bool = True,
            auto_reconnect: bool = False, log_level: str | None = "info",
            endpoint: Any = None, reactor: Any = None) -> Deferred[Any] | None:
        """Run the session made by ``make(config)``; see the module text."""
        from wamp_twisted.component import Component

        if log_level is not None:
            set_log_level(log_level)
            start_logging()
        reactor = reactor if reactor is not None else global_reactor()
        transport = self._transport_config(-1 if auto_reconnect else 0)
        if endpoint is not None:
            transport["endpoint"] = endpoint
        self._component = self._make_component(make, Component, transport)
        if not start_reactor:
            return self._first_connection(reactor)
        self._run_reactor(reactor)
        return None

    def _first_connection(self, reactor: Any) -> Deferred[Any]:
        first: Deferred[Any] = Deferred()

        def connected(session: Any, transport: Any) -> None:
            if not first.called:
                first.callback(transport)

        def ended(result: Any) -> None:
            failed = isinstance(result, Failure) and result.value is not None
            if first.called:
                if failed:
                    self.log.error("ApplicationRunner failed: {error!r}", error=result.value)
            elif failed:
                first.errback(Failure(self._unwrap(result.value)))  # type: ignore[no-untyped-call]
            else:
                first.errback(ConnectionError("the runner ended before connecting"))

        self._component.on("connect", connected)
        self._done = done = self._component.start(reactor)
        done.addBoth(ended)
        return first

    def _run_reactor(self, reactor: Any) -> None:
        from wamp_twisted.component import _stop_all

        outcome: list[BaseException] = []

        def stop_reactor() -> None:
            try:
                reactor.stop()
            except ReactorNotRunning:  # the application stopped it (Autobahn's examples do)
                pass

        sessions: list[Any] = []

        def finished(result: Any) -> None:
            if isinstance(result, Failure) and result.value is not None:
                outcome.append(self._unwrap(result.value))
            if not reactor.running:
                return
            session = sessions[-1] if sessions else None
            if session is not None and session.is_connected():
                # Done at leave: let the transport close and onDisconnect run first (an
                # Autobahn application may stop the reactor there); bounded by a fallback.
                session.on("disconnect", lambda *_a, **_k: reactor.callLater(0, stop_reactor))
                reactor.callLater(_DISCONNECT_GRACE, stop_reactor)
            else:
                reactor.callLater(0, stop_reactor)

        self._component.on("join", lambda session, details: sessions.append(session))
        self._done = done = self._component.start(reactor)
        done.addBoth(finished)
        reactor.addSystemEventTrigger("before", "shutdown", _stop_all, [self._component],
                                      reactor)
        if not done.called:
            reactor.run()
        if outcome:
            raise outcome[0]
