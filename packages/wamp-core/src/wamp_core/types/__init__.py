"""Public WAMP value types, with Autobahn|Python's names, arguments and ``str()``.

``from wamp_core.types import CallOptions`` replaces
``from autobahn.wamp.types import CallOptions``. What differs from Autobahn,
on purpose:

- Arguments are checked with real exceptions (``TypeError`` for a wrong type,
  ``ValueError`` for a wrong value), each naming the class and the argument,
  where Autobahn uses ``assert`` (gone under ``python -O``).
- ``CallOptions(timeout=...)`` is in seconds, as in Autobahn; the session puts
  milliseconds on the wire, as the spec says.
- Additions, all defaulting to ``None`` and shown by ``str()`` only when set:
  ``PublishOptions(disclose_me=)``, ``CallOptions(disclose_me=, cancel_mode=)``,
  ``RegisterOptions(disclose_caller=)``.
- ``repr()`` equals ``str()`` (Autobahn keeps ``object.__repr__``), except for
  ``TransportDetails`` and ``SessionDetails`` whose ``repr()`` lists the fields set.
- ``SessionIdent`` accepts ``authrole=None`` (its default), which Autobahn refuses.
- ``TransportDetails.marshal()`` writes channel bindings as hex text, which
  ``parse()`` reads back.

``Publication``, ``Registration`` and ``Subscription`` (re-exported here by
Autobahn) are read from :mod:`wamp_core.request` on first access.
"""

from __future__ import annotations

import importlib
from typing import Any

from wamp_core.types._details import CallDetails, CallResult, EncodedPayload, EventDetails
from wamp_core.types._options import (
    CANCEL_MODES,
    INVOKE_POLICIES,
    MATCH_POLICIES,
    CallOptions,
    PublishOptions,
    RegisterOptions,
    SubscribeOptions,
)
from wamp_core.types._session import (
    Accept,
    Challenge,
    CloseDetails,
    ComponentConfig,
    Deny,
    HelloDetails,
    HelloReturn,
    SessionIdent,
)
from wamp_core.types._transport import CHANNEL_BINDING_TYPES, SessionDetails, TransportDetails

__all__ = [
    "CANCEL_MODES",
    "CHANNEL_BINDING_TYPES",
    "INVOKE_POLICIES",
    "MATCH_POLICIES",
    "Accept",
    "CallDetails",
    "CallOptions",
    "CallResult",
    "Challenge",
    "CloseDetails",
    "ComponentConfig",
    "Deny",
    "EncodedPayload",
    "EventDetails",
    "HelloDetails",
    "HelloReturn",
    "PublishOptions",
    "RegisterOptions",
    "SessionDetails",
    "SessionIdent",
    "SubscribeOptions",
    "TransportDetails",
]

_FROM_REQUEST = ("Publication", "Registration", "Subscription")


def __getattr__(name: str) -> Any:
    """Autobahn re-exports the request handles from its types module; so do we, lazily."""
    if name in _FROM_REQUEST:
        try:
            request = importlib.import_module("wamp_core.request")
        except ImportError as exc:
            raise AttributeError(
                f"wamp_core.types.{name} comes from wamp_core.request, which is not available"
            ) from exc
        return getattr(request, name)
    raise AttributeError(f"module 'wamp_core.types' has no attribute {name!r}")
