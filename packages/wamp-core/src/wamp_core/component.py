"""The framework-neutral Component: transports, retries, session life cycle, events.

``Component(main, transports, config, realm, extra, authentication, session_factory,
is_fatal)`` has Autobahn|Python's signature. ``wamp_asyncio.component.Component`` and
``wamp_twisted.component.Component`` subclass it: their ``start(loop/reactor)`` binds a txaio
API object to the instance and calls :meth:`Component._start`; their
:meth:`Component._connect_transport` opens one connection. Everything else lives here, once.

A started Component runs until it is *done*, which is one of (the documented four):

1. ``main`` was given and finished: the session leaves, and ``start()``'s future resolves to
   ``None``. When ``main`` raises, the session is disconnected and the future fails with
   ``main``'s exception (no reconnection);
2. something called ``leave()`` on the session and it left (reason ``wamp.close.normal`` or
   ``wamp.close.goodbye_and_out``): resolves to ``None``;
3. ``stop()`` was called: resolves to ``None`` once the session left, the pending retry was
   cancelled or the connection attempt was abandoned;
4. no transport can be tried any more (``max_retries`` used up, or ``is_fatal`` said so):
   fails with :class:`TransportsExhausted`.

Any other end of a session (a refused connection, a lost transport, an ABORT, a leave for
another reason) is a failed attempt: the ``connectfailure`` event fires, ``is_fatal(exc)``
may give the transport up, and the next transport in round-robin order is tried after its
backoff delay (see :mod:`wamp_core._component_transport` for the schedule).

The contract with the framework adapter, ``_connect_transport(transport, session_factory,
done) -> future``:

- ``transport`` is a :class:`_Transport` (``type``, ``url``, ``endpoint`` dict or native
  object, ``serializers``, ``options`` by camelCase name, ``headers`` to add to the WebSocket
  opening handshake, ``proxy``); the loop/reactor is ``self._loop``.
- ``session_factory()`` (no argument) creates the session for this connection, already wired
  to this Component (events bubble to it, authenticators added); the adapter attaches it to
  the transport as its ``ITransportHandler`` (``onOpen``/``onMessage``/``onClose``).
- The returned future resolves when the connection (TCP, TLS) is up, or fails with the
  connection error; a failure is recorded as the attempt's failure.
- ``done`` is the attempt's future. The adapter rejects it (``if not is_called(done)``) when the
  connection fails or is lost before the session could report it, e.g. a TLS or WebSocket
  handshake failure, preferably before it delivers ``onClose`` to the session so the real reason
  is kept. After that, the session's events end the attempt: ``leave`` with a normal reason or
  ``disconnect`` after it resolve ``done``; a ``disconnect`` without a normal leave rejects it.
"""

# Where Autobahn|Python's code and its documentation disagree (we follow the documentation),
# and other deliberate differences; the README cites this list.
#
#  1. initial_retry_delay: documented default 1.0 s; the code uses 1.5 s.
#  2. max_retry_delay: documented default 60 s; the code uses 300 s.
#  3. retry_delay_jitter: documented as "a 0-argument callable that introduces noise into the
#     delay (default random.random)"; the code takes a float (the standard deviation, as a
#     fraction, of a normal distribution; default 0.1) and a callable breaks it. Ours takes
#     both: a number in [0, 1] is the spread (default 0.1, uniform +-10 %), a callable is the
#     noise source in [0, 1] used with the default spread.
#  4. The first reconnection waits initial_retry_delay, as documented; the code waits
#     initial_retry_delay * retry_delay_growth and lets each jittered delay feed the next one
#     (a random walk). Ours keeps the jitter out of the growth.
#  5. headers: accepted by the code but dropped by both adapters (never sent) and missing from
#     the documentation's key list. Ours sends them with the WebSocket opening handshake.
#  6. The backoff is reset after a successful join only when `main` is given (the reset sits
#     in main's join hook). Ours resets after every join.
#  7. An exception from `main` makes the code reconnect and run `main` again; the
#     documentation says start()'s future "fires with a Failure if something went wrong".
#     Ours: the session is disconnected and the Component is done with main's exception.
#  8. A transport closed cleanly before the session left (e.g. before WELCOME) makes the code's
#     Component done, successfully; that is none of the documented four ways. Ours counts it
#     as a failed attempt and retries.
#  9. `config` is in the documented signature and ignored by the code. Ours passes its
#     keyring, controller, shared and runner (and extra, when `extra` is None) to sessions.
# 10. rss:// URLs lose their TLS in the code, and ws://unix:/path becomes TCP host "unix".
#     Ours: rss means TLS, and unix:/path URLs give unix endpoints for both transport types.
# 11. `tls` in a unix endpoint is refused by the code; the documentation lists `tls` among the
#     endpoint keys without restriction. Ours allows it (TLS over a Unix socket).
# 12. `serializers` is refused for rawsocket by the code; the documentation lists it for every
#     transport. Ours accepts it with exactly one name.
# 13. Endpoint `timeout` "in seconds": the Twisted code accepts only an int. Ours accepts any
#     number > 0 (default 10, the code's). The undocumented `version` (4 or 6) is kept.
# 14. max_retries: no documented default; the code's -1 (retry forever) is kept.
# 15. A bare "rs://..." string in `transports` is taken as a websocket URL by the code (and
#     refused); ours makes it a rawsocket transport.
# 16. The on_join/on_leave/... decorators return None in the code (the decorated name becomes
#     None); ours return the function.
# 17. An incomplete `proxy` dict crashes the code with AttributeError (a typo); ours names the
#     missing key.
# 18. Exhausting every transport fails with a bare RuntimeError in the code; ours raises
#     TransportsExhausted (a RuntimeError) naming each transport's last error.
# 19. A rawsocket transport's explicit `endpoint` dict is not checked at all by the code
#     (unknown keys pass); ours checks it like a websocket one.
#
# Items 1-4, 10, 15-17 and 19 were checked by running Autobahn|Python 26.10.2, the others by
# reading its source (autobahn/wamp/component.py and the asyncio/twisted adapters).

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, Final, TypeVar

from wamp_core._component_attempt import TransportsExhausted, _Attempt
from wamp_core._component_auth import check_authentication, is_authenticator
from wamp_core._component_transport import _Transport
from wamp_core._component_validate import parse_transports
from wamp_core.exception import ApplicationError
from wamp_core.log import make_logger
from wamp_core.observable import (
    ObservableMixin,
    TxaioApi,
    call_as_future,
    failure_value,
    gather_all,
)
from wamp_core.types import ComponentConfig, RegisterOptions, SubscribeOptions
from wamp_core.uri import is_valid_realm

__all__ = ["EVENTS", "Component", "TransportsExhausted"]

EVENTS: Final = ("start", "connect", "join", "ready", "leave", "disconnect", "connectfailure")
"""The events of a Component; all but start and connectfailure come from its sessions."""

_F = TypeVar("_F", bound=Callable[..., Any])


class Component(ObservableMixin):
    """A WAMP application component: transports to try, and the session to run over them.

    See the module docstring; the parameters are Autobahn|Python's.
    """

    log = make_logger(__name__)

    session_factory: Callable[[ComponentConfig], Any] | None = None
    """Makes a session from a ComponentConfig (None: the ApplicationSession of wamp_core)."""

    def __init__(
        self,
        main: Callable[[Any, Any], Any] | None = None,
        transports: Any = None,
        config: ComponentConfig | None = None,
        realm: str | None = "realm1",
        extra: Any = None,
        authentication: dict[str, Any] | None = None,
        session_factory: Callable[[ComponentConfig], Any] | None = None,
        is_fatal: Callable[[BaseException], bool] | None = None,
    ) -> None:
        self.set_valid_events(EVENTS)
        for name, value in (("main", main), ("session_factory", session_factory),
                            ("is_fatal", is_fatal)):
            if value is not None and not callable(value):
                raise ValueError(f"{name} must be a callable or None, not {value!r}")
        if config is not None and not isinstance(config, ComponentConfig):
            raise ValueError(f"config must be a ComponentConfig or None, not {config!r}")
        if realm is not None and not is_valid_realm(realm):
            raise ValueError(f"realm must be a WAMP URI such as 'realm1' (or None to let the "
                             f"router choose), not {realm!r}")
        self._entry = main
        self._is_fatal = is_fatal
        self._transports = parse_transports(transports, self)
        self._authentication = check_authentication(authentication)
        if session_factory is not None:
            self.session_factory = session_factory
        self._config = config
        self._realm = realm
        self._extra = extra
        self._loop: Any = None
        self._done_f: Any = None
        self._waiters: list[Any] = []
        self._stop_waiters: list[Any] = []
        self._stopping = False
        self._session: Any = None
        self._attempt: _Attempt | None = None
        self._delayed_call: Any = None
        self._next_index = 0

    # -- adapter hooks ----------------------------------------------------------------------

    def _check_native_endpoint(self, endpoint: Any) -> bool:
        """Whether the framework takes this non-dict ``endpoint`` object (here: never)."""
        return False

    def _check_native_tls(self, tls: Any) -> bool:
        """Whether the framework takes this ``tls`` object (here: never)."""
        return False

    def _check_transport_options(self, kind: str, options: dict[str, Any]) -> dict[str, Any]:
        """Check option values more deeply (the protocol engine's rules); return them."""
        return options

    def _connect_transport(self, transport: _Transport, session_factory: Callable[[], Any],
                           done: Any) -> Any:
        """Open one connection over ``transport`` (see the module docstring's contract)."""
        raise NotImplementedError(
            "wamp_core.component.Component is framework-neutral: use "
            "wamp_asyncio.component.Component or wamp_twisted.component.Component"
        )

    def start(self, loop: Any = None) -> Any:
        """Start connecting; the adapters implement this on top of :meth:`_start`."""
        raise NotImplementedError(
            "wamp_core.component.Component is framework-neutral: use "
            "wamp_asyncio.component.Component or wamp_twisted.component.Component"
        )

    # -- decorators -------------------------------------------------------------------------

    def on_join(self, fn: _F) -> _F:
        """Decorator: ``fn(session, details)`` on every join."""
        self.on("join", fn)
        return fn

    def on_leave(self, fn: _F) -> _F:
        """Decorator: ``fn(session, details)`` when a session leaves."""
        self.on("leave", fn)
        return fn

    def on_connect(self, fn: _F) -> _F:
        """Decorator: ``fn(session, transport)`` when a transport is connected."""
        self.on("connect", fn)
        return fn

    def on_disconnect(self, fn: _F) -> _F:
        """Decorator: ``fn(session, was_clean=...)`` when a transport is gone."""
        self.on("disconnect", fn)
        return fn

    def on_ready(self, fn: _F) -> _F:
        """Decorator: ``fn(session)`` once every join handler has finished."""
        self.on("ready", fn)
        return fn

    def on_connectfailure(self, fn: _F) -> _F:
        """Decorator: ``fn(component, exception)`` after each failed attempt."""
        self.on("connectfailure", fn)
        return fn

    def register(self, uri: str, options: RegisterOptions | None = None,
                 check_types: bool | None = None) -> Callable[[_F], _F]:
        """Decorator: register ``fn`` as procedure ``uri`` on every session that joins."""
        return self._on_join_decorator("register", "procedure", uri, options, RegisterOptions,
                                       check_types)

    def subscribe(self, topic: str, options: SubscribeOptions | None = None,
                  check_types: bool | None = None) -> Callable[[_F], _F]:
        """Decorator: subscribe ``fn`` to ``topic`` on every session that joins."""
        return self._on_join_decorator("subscribe", "topic", topic, options, SubscribeOptions,
                                       check_types)

    def _on_join_decorator(self, action: str, key: str, uri: str, options: Any,
                           options_type: type, check_types: bool | None) -> Callable[[_F], _F]:
        if not isinstance(uri, str) or not uri:
            raise ValueError(f"{action}: the {key} must be a non-empty str URI, not {uri!r}")
        if options is not None and not isinstance(options, options_type):
            raise ValueError(f"{action}: options must be a {options_type.__name__} or None, "
                             f"not {options!r}")
        kwargs: dict[str, Any] = {key: uri, "options": options}
        if check_types is not None:
            kwargs["check_types"] = check_types

        def decorator(fn: _F) -> _F:
            def on_join(session: Any, details: Any) -> Any:
                return getattr(session, action)(fn, **kwargs)

            self.on("join", on_join)
            return fn

        return decorator

    # -- running ----------------------------------------------------------------------------

    def _start(self, loop: Any = None, txaio_api: TxaioApi | None = None) -> Any:
        """Start the connect loop; a future that resolves (None) or fails when done.

        ``txaio_api`` (or an already bound ``self._txaio``) selects the framework; ``loop``
        is handed to ``main`` and the ``start`` handlers. Starting a running Component gives
        another future for the same end.
        """
        if txaio_api is not None:
            self._txaio = txaio_api
        api = self._event_api()
        if self._done_f is not None:
            waiter = api.create_future()
            self._waiters.append(waiter)
            return waiter
        self._loop = loop
        self._done_f = done_f = api.create_future()
        self._stopping = False
        self._next_index = 0
        for transport in self._transports:
            transport.revive()
        start_f = self.fire("start", loop, self)
        api.add_callbacks(start_f, lambda _: self._safely(self._transport_check),
                          lambda fail: self._safely(self._finish, failure_value(fail)))
        return done_f

    def stop(self) -> Any:
        """Stop: leave the session, or cancel the pending retry or connection attempt.

        A future that resolves (None) once the Component is done.
        """
        api = self._event_api()
        if self._done_f is None:
            return api.create_future_success(None)
        stopped = api.create_future()
        self._stop_waiters.append(stopped)
        self._stopping = True
        attempt, session = self._attempt, self._session
        if self._delayed_call is not None:
            self._finish(None)
        elif attempt is not None and session is not None:
            if not attempt.leave(session):  # not joined (yet), or leave() refused
                attempt.disconnect(session)
        elif attempt is not None and attempt.connect_f is not None:
            api.cancel(attempt.connect_f)
        return stopped

    def _safely(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run an internal step; an unexpected error ends the Component with it."""
        try:
            fn(*args)
        except Exception as exc:
            self.log.failure("Component internal error: {error!r}", failure=exc, error=exc)
            self._finish(exc)

    def _finish(self, error: BaseException | None) -> None:
        done_f = self._done_f
        if done_f is None:
            return
        api = self._event_api()
        self._done_f = None
        self._cancel_delayed_call()
        waiters, self._waiters = [done_f, *self._waiters], []
        stop_waiters, self._stop_waiters = self._stop_waiters, []
        if error is None:
            self.log.debug("Component done")
        else:
            self.log.info("Component failed: {error!r}", error=error)
        for future in waiters:
            if not api.is_called(future):
                if error is None:
                    api.resolve(future, None)
                elif isinstance(error, Exception):
                    api.reject(future, error)
                else:  # a cancellation (BaseException): txaio rejects only Exceptions
                    api.cancel(future)
        for future in stop_waiters:
            if not api.is_called(future):
                api.resolve(future, None)

    def _cancel_delayed_call(self) -> None:
        call, self._delayed_call = self._delayed_call, None
        if call is not None:
            try:
                call.cancel()
            except Exception:  # already run or cancelled
                pass

    def _pick_transport(self) -> _Transport | None:
        count = len(self._transports)
        for step in range(count):
            transport = self._transports[(self._next_index + step) % count]
            if transport.can_reconnect():
                self._next_index = (transport.idx + 1) % count
                return transport
        return None

    def _transport_check(self) -> None:
        if self._done_f is None:
            return
        if self._stopping:
            self._finish(None)
            return
        transport = self._pick_transport()
        if transport is None:
            self._finish(TransportsExhausted(
                [(t.idx, t.url, t.last_error) for t in self._transports]
            ))
            return
        delay = transport.next_delay()
        self.log.info("trying {transport} using connect delay {delay:.3f}s",
                      transport=transport.describe(), delay=delay)
        self._delayed_call = self._event_api().call_later(
            delay, self._safely, self._attempt_connect, transport
        )

    def _attempt_connect(self, transport: _Transport) -> None:
        self._delayed_call = None
        if self._done_f is None:
            return
        if self._stopping:
            self._finish(None)
            return
        api = self._event_api()
        attempt = _Attempt(self, transport)
        self._attempt = attempt
        transport.connect_attempts += 1
        self.log.info("connecting once using transport type {kind} over endpoint {endpoint}",
                      kind=transport.type, endpoint=transport.describe_endpoint())
        # The outcome is handled in a later turn: the session that ended the attempt (say in
        # a 'leave' handler) finishes firing its events first, on asyncio as on Twisted.
        api.add_callbacks(
            attempt.done,
            lambda _: api.call_later(0, self._safely, self._attempt_succeeded, attempt),
            lambda fail: api.call_later(0, self._safely, self._attempt_failed, attempt, fail),
        )
        attempt.connect_f = call_as_future(api, self._connect_transport, transport,
                                           attempt.create_session, attempt.done)
        api.add_callbacks(attempt.connect_f, None,
                          lambda fail: self._safely(attempt.fail, fail))

    def _attempt_succeeded(self, attempt: _Attempt) -> None:
        self._forget(attempt)
        self._finish(None)

    def _attempt_failed(self, attempt: _Attempt, fail: Any) -> None:
        self._forget(attempt)
        exc = failure_value(fail)
        transport = attempt.transport
        transport.connect_failures += 1
        transport.last_error = exc
        if attempt.main_failure is not None:
            self._finish(attempt.main_failure)
            return
        if self._stopping or self._done_f is None:
            self._finish(None)
            return
        self._log_connect_error(transport, exc)
        notified = self.fire("connectfailure", self, exc)
        self._event_api().add_callbacks(
            notified,
            lambda _: self._safely(self._after_failure, transport, exc),
            lambda _: self._safely(self._after_failure, transport, exc),
        )

    def _forget(self, attempt: _Attempt) -> None:
        if self._attempt is attempt:
            self._attempt = None
            self._session = None

    def _log_connect_error(self, transport: _Transport, exc: BaseException) -> None:
        """Log why an attempt failed (adapters may add framework-specific detail)."""
        if isinstance(exc, ApplicationError):
            self.log.error("{transport}: {message}", transport=transport.describe(),
                           message=exc.error_message())
        elif isinstance(exc, OSError):
            self.log.info("{transport}: connection failed with OS error: {error}",
                          transport=transport.describe(), error=exc)
        else:
            self.log.error("{transport}: connection failed: {error!r}",
                           transport=transport.describe(), error=exc)

    def _after_failure(self, transport: _Transport, exc: BaseException) -> None:
        if self._done_f is None:
            return
        if self._is_fatal is not None and not self._stopping and self._is_fatal(exc):
            self.log.info("error was fatal; giving up {transport}", transport=transport.describe())
            transport.failed()
        self._transport_check()

    # -- the session of an attempt ----------------------------------------------------------

    def _session_config(self) -> ComponentConfig:
        base = self._config
        if base is None:
            return ComponentConfig(realm=self._realm, extra=self._extra)
        extra = self._extra if self._extra is not None else base.extra
        return ComponentConfig(realm=self._realm, extra=extra, keyring=base.keyring,
                               controller=base.controller, shared=base.shared,
                               runner=base.runner)

    def _create_authenticator(self, method: str, options: Any) -> Any:
        if is_authenticator(options):
            return options
        auth = importlib.import_module("wamp_core.auth")
        return auth.create_authenticator(method, **options)

    def _make_session(self) -> Any:
        factory = self.session_factory
        if factory is None:
            factory = importlib.import_module("wamp_core.protocol").ApplicationSession
        session = factory(self._session_config())
        if getattr(session, "_txaio", None) is None:
            session._txaio = self._txaio
        for method, options in self._authentication.items():
            session.add_authenticator(self._create_authenticator(method, options))
        return session

    def _attach_session(self, attempt: _Attempt, session: Any) -> None:
        if self._attempt is attempt:
            self._session = session


def _run(loop: Any, components: Any, txaio_api: TxaioApi,
         done_callback: Callable[[Any, Any], Any] | None = None) -> Any:
    """Start every component on ``loop``; a future that finishes when all are done.

    The adapters' ``run()`` uses this. It fails with the first component failure (in list
    order) once every component is done; ``done_callback(loop, result_or_failure)`` is called
    then, e.g. to stop the loop.
    """
    if isinstance(components, Component):
        components = [components]
    if not isinstance(components, list | tuple) or not all(
        isinstance(c, Component) for c in components
    ):
        raise ValueError(f'"components" must be a Component or a list of them, '
                         f"not {components!r}")
    log = make_logger(__name__)
    futures = []
    for comp in components:
        future = comp.start(loop)

        def failed(fail: Any, comp: Component = comp) -> Any:
            log.error("Component {c!r} failed: {error!r}", c=comp, error=failure_value(fail))
            return fail

        txaio_api.add_callbacks(future, None, failed)
        futures.append(future)
    gathered = gather_all(txaio_api, futures)
    if done_callback is not None:
        def all_done(result: Any) -> Any:
            done_callback(loop, result)
            return result  # passed on (a Twisted chain keeps a failure)

        txaio_api.add_callbacks(gathered, all_done, all_done)
    return gathered

