"""The Sans-I/O WAMP client session: state machine, request correlation, roles.

:class:`SessionMachine` knows the protocol (which message may come when, which
request an answer belongs to, what to answer the router); the application
layer (:mod:`wamp_core.protocol`) turns its events into futures and user
callbacks. See :mod:`wamp_core.session._machine` for the states.
"""

from __future__ import annotations

from wamp_core.session._correlation import (
    CALL,
    PUBLISH,
    REGISTER,
    SUBSCRIBE,
    UNREGISTER,
    UNSUBSCRIBE,
)
from wamp_core.session._events import (
    Challenged,
    Closed,
    CloseKind,
    Incoming,
    Reply,
    Revoked,
    Welcomed,
)
from wamp_core.session._machine import GOODBYE_REPLY, SessionMachine, SessionState
from wamp_core.session._roles import CLIENT_ROLES, RouterRoles, client_roles

__all__ = [
    "CALL",
    "CLIENT_ROLES",
    "GOODBYE_REPLY",
    "PUBLISH",
    "REGISTER",
    "SUBSCRIBE",
    "UNREGISTER",
    "UNSUBSCRIBE",
    "Challenged",
    "CloseKind",
    "Closed",
    "Incoming",
    "Reply",
    "Revoked",
    "RouterRoles",
    "SessionMachine",
    "SessionState",
    "Welcomed",
    "client_roles",
]
