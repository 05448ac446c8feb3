"""The router: realms built from a configuration, and sessions for transports.

How an I/O layer serves it::

    router = Router(config, call_later=loop.call_later, clock=time.time)
    for w in router.warnings:            # what the configuration asks and is not served
        log.warning(w)
    factory = router.session_factory(transport_config)   # one per listening transport
    ...
    session = factory()                  # per connection: an ITransportHandler
    session.onOpen(transport)            # transport.send(msg), .close(), .transport_details
    session.onMessage(msg)               # or session.receive_payload(data, serializer, is_binary)
    session.onClose(was_clean)

``call_later(delay_seconds, callback) -> handle`` (with ``handle.cancel()``) is
the only timer the router needs (call timeouts): asyncio's ``loop.call_later``
and Twisted's ``reactor.callLater`` fit as they are; tests use
:class:`~wamp_core.router.timers.ManualScheduler`. ``clock() -> float`` (wall
clock seconds, ``time.time``) only stamps the ``created`` time the meta API
reports. The router itself reads no clock and does no I/O.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from wamp_core.__about__ import __version__
from wamp_core.log import make_logger
from wamp_core.router.authentication import TransportAuth
from wamp_core.router.config import RouterConfig, default_config, parse_config
from wamp_core.router.limits import Limits
from wamp_core.router.realm import Realm
from wamp_core.router.session import RouterSession
from wamp_core.router.timers import Scheduler, TimerHandle

__all__ = ["Router", "RouterSessionFactory"]

log = make_logger("wamp_core.router")


class RouterSessionFactory:
    """Makes the :class:`RouterSession` of each connection to one transport."""

    __slots__ = ("_auth", "router", "transport")

    def __init__(self, router: Router, transport: Any = None) -> None:
        self.router = router
        self.transport = transport
        self._auth = router.transport_auth(transport)

    def __call__(self) -> RouterSession:
        return RouterSession(self.router, self._auth)


class Router:
    """A WAMP router: realms, their sessions, brokers and dealers.

    :param config: a :class:`RouterConfig`, a Crossbar.io configuration dict
        (node or router worker), or ``None`` for :func:`default_config`.
    :param call_later: the scheduler for call timeouts (see the module text);
        without one, timeouts are left to callees announcing ``call_timeout``.
    :param clock: wall clock seconds for meta API timestamps (optional).
    :param limits: safety limits (:class:`Limits`).
    :param environ: where ``${NAME}`` tickets and secrets of ``auth`` sections are
        read from (``os.environ`` to do as Crossbar.io; by default none are).
    """

    def __init__(
        self,
        config: RouterConfig | Mapping[str, Any] | None = None,
        *,
        call_later: Scheduler | None = None,
        clock: Callable[[], float] | None = None,
        limits: Limits | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        if config is None:
            config = default_config()
        elif not isinstance(config, RouterConfig):
            config = parse_config(config)
        self.config = config
        self.limits = limits if limits is not None else Limits()
        self.agent = f"wamp-core-router-{__version__}"
        self._call_later = call_later
        self._clock = clock
        self._environ = environ
        self.depth = 0
        self.deferred: list[Callable[[], None]] = []
        self.realms: dict[str, Realm] = {r.name: Realm(self, r) for r in config.realms}

    @property
    def warnings(self) -> tuple[str, ...]:
        """What the configuration asks for and this router does not serve."""
        return self.config.warnings

    def __repr__(self) -> str:
        return f"Router(realms={sorted(self.realms)})"

    # -- sessions --------------------------------------------------------------

    def session_factory(self, transport: Any = None) -> RouterSessionFactory:
        """A factory of sessions for a transport configuration (its ``auth`` section)."""
        return RouterSessionFactory(self, transport)

    def session(self, transport: Any = None) -> RouterSession:
        """A session for one connection to ``transport`` (a transport configuration)."""
        return RouterSession(self, self.transport_auth(transport))

    def transport_auth(self, transport: Any = None) -> TransportAuth:
        """The authenticators of a transport configuration (its ``auth`` section)."""
        return TransportAuth(getattr(transport, "auth", None), self, self._environ)

    def has_realm(self, realm: str) -> bool:
        """Whether ``realm`` is served (asked by the authenticators)."""
        return realm in self.realms

    def has_role(self, realm: str, authrole: str) -> bool:
        """Whether ``realm`` has the role ``authrole`` (asked by the authenticators)."""
        r = self.realms.get(realm)
        return r is not None and authrole in r.roles

    def close(self, reason: str = "wamp.close.system_shutdown",
              message: str | None = None) -> int:
        """End every session of every realm with GOODBYE; return how many."""
        return sum(realm.close(reason, message) for realm in self.realms.values())

    # -- time --------------------------------------------------------------------

    def call_later(self, delay: float, callback: Callable[[], None]) -> TimerHandle | None:
        """Arm a timer through the I/O layer (``None`` without a scheduler)."""
        if self._call_later is None:
            return None

        def fire() -> None:
            self.depth += 1
            try:
                callback()
            except Exception as exc:
                log.failure("router timer failed", log_failure=exc)
            finally:
                self.depth -= 1
                if self.deferred and not self.depth:
                    self.run_deferred()

        return self._call_later(delay, fire)

    def now(self) -> float | None:
        """The wall clock given by the I/O layer, if any."""
        return self._clock() if self._clock is not None else None

    def timestamp(self) -> str | None:
        """The current time as ISO 8601 UTC text (``None`` without a clock)."""
        now = self.now()
        if now is None:
            return None
        stamp = datetime.datetime.fromtimestamp(now, datetime.timezone.utc)
        return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"

    # -- work after the current message ------------------------------------------

    def defer(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` once the message being routed is done (at once if none is)."""
        self.deferred.append(fn)
        if not self.depth:
            self.run_deferred()

    def run_deferred(self) -> None:
        self.depth += 1
        try:
            while self.deferred:
                fn = self.deferred.pop(0)
                try:
                    fn()
                except Exception as exc:
                    log.failure("deferred router work failed", log_failure=exc)
        finally:
            self.depth -= 1
