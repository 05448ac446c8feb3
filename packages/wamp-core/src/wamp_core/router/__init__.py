"""An embedded, Sans-I/O WAMP router (realms, authentication, authorization, broker, dealer).

Serve it from an I/O layer (see :mod:`wamp_core.router.router`)::

    from wamp_core.router import Router, load_config

    router = Router(load_config(".crossbar/config.json"), call_later=loop.call_later)
    session = router.session_factory(router.config.transports[0])()
    session.onOpen(transport)      # then onMessage(msg) / receive_payload(...), onClose(...)

The configuration is the router worker of a Crossbar.io ``config.json``
(:mod:`wamp_core.router.config`); ``Router()`` alone serves ``realm1`` to
anonymous clients allowed everything.
"""

from __future__ import annotations

from wamp_core.router._report import ConfigError
from wamp_core.router.authorization import Authorization, Role
from wamp_core.router.config import (
    Permission,
    RealmConfig,
    RoleConfig,
    RouterConfig,
    default_config,
    load_config,
    parse_config,
)
from wamp_core.router.config_transport import (
    Endpoint,
    RawSocketTransport,
    TlsOptions,
    Transport,
    UniversalTransport,
    WebSocketTransport,
    WebTransport,
)
from wamp_core.router.limits import Limits
from wamp_core.router.realm import Realm
from wamp_core.router.router import Router, RouterSessionFactory
from wamp_core.router.session import RouterSession, SessionState
from wamp_core.router.timers import ManualScheduler, Scheduler, TimerHandle

__all__ = [
    "Authorization",
    "ConfigError",
    "Endpoint",
    "Limits",
    "ManualScheduler",
    "Permission",
    "RawSocketTransport",
    "Realm",
    "RealmConfig",
    "Role",
    "RoleConfig",
    "Router",
    "RouterConfig",
    "RouterSession",
    "RouterSessionFactory",
    "Scheduler",
    "SessionState",
    "TimerHandle",
    "TlsOptions",
    "Transport",
    "UniversalTransport",
    "WebSocketTransport",
    "WebTransport",
    "default_config",
    "load_config",
    "parse_config",
]
