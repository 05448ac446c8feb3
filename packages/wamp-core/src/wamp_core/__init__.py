"""Sans-I/O WAMP v2 core: messages, serializers, session, application API, embedded router."""

from __future__ import annotations

from wamp_core.__about__ import __version__
from wamp_core.decorators import error, register, subscribe
from wamp_core.exception import (
    ApplicationError,
    Error,
    InvalidUri,
    ProtocolError,
    SerializationError,
    SessionNotReady,
    TransportLost,
)
from wamp_core.interfaces import ISession
from wamp_core.types import (
    CallDetails,
    CallOptions,
    CallResult,
    CloseDetails,
    ComponentConfig,
    EventDetails,
    PublishOptions,
    RegisterOptions,
    SessionDetails,
    SubscribeOptions,
)

__all__ = [
    "ApplicationError",
    "CallDetails",
    "CallOptions",
    "CallResult",
    "CloseDetails",
    "ComponentConfig",
    "Error",
    "EventDetails",
    "ISession",
    "InvalidUri",
    "ProtocolError",
    "PublishOptions",
    "RegisterOptions",
    "SerializationError",
    "SessionDetails",
    "SessionNotReady",
    "SubscribeOptions",
    "TransportLost",
    "__version__",
    "error",
    "register",
    "subscribe",
]
