"""The roles and features a client announces in HELLO, and reading the router's from WELCOME.

Only what this session implements is announced (WAMP advanced profile,
"Feature Announcement"): a router relies on the announcement to decide what it
may send, so announcing an unimplemented feature breaks peers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

__all__ = ["CLIENT_ROLES", "RouterRoles", "client_roles"]

# Payload passthru mode (a payload codec set with ``set_payload_codec``), under the spec's
# name and under the name Autobahn|Python and Crossbar.io use.
_PASSTHRU: Final = {"payload_passthru_mode": True, "payload_transparency": True}

CLIENT_ROLES: Final[Mapping[str, Mapping[str, bool]]] = {
    "caller": {
        "caller_identification": True,
        "progressive_call_results": True,
        # Our CALLs may stream their arguments (CALL.Options.progress).
        "progressive_call_invocations": True,
        "call_canceling": True,
        # CALL.Options.timeout in milliseconds, plus the caller's own timer.
        "call_timeout": True,
        **_PASSTHRU,
    },
    "callee": {
        "caller_identification": True,
        "pattern_based_registration": True,
        "shared_registration": True,
        "progressive_call_results": True,
        "progressive_call_invocations": True,
        "call_canceling": True,
        # INVOCATION.Details.timeout is enforced with a timer (ERROR wamp.error.timeout).
        "call_timeout": True,
        "registration_revocation": True,
        **_PASSTHRU,
    },
    "publisher": {
        "publisher_identification": True,
        "subscriber_blackwhite_listing": True,
        "publisher_exclusion": True,
        **_PASSTHRU,
    },
    "subscriber": {
        "publisher_identification": True,
        "pattern_based_subscription": True,
        "subscription_revocation": True,
        **_PASSTHRU,
    },
}
"""Client role -> feature -> ``True``, as announced in ``HELLO.Details.roles``."""


def client_roles(
    extra: Mapping[str, Mapping[str, bool]] | None = None,
) -> dict[str, dict[str, bool]]:
    """A fresh copy of :data:`CLIENT_ROLES`, with ``extra`` features merged per role."""
    roles = {role: dict(features) for role, features in CLIENT_ROLES.items()}
    for role, features in (extra or {}).items():
        roles.setdefault(role, {}).update(features)
    return roles


class RouterRoles:
    """The roles and features a router announced in ``WELCOME.Details.roles``.

    ``roles`` maps ``"broker"``/``"dealer"`` to their feature dicts (as the
    WELCOME message keeps them).
    """

    __slots__ = ("_roles",)

    def __init__(self, roles: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self._roles: dict[str, dict[str, Any]] = {
            role: dict(features) for role, features in (roles or {}).items()
        }

    def has_role(self, role: str) -> bool:
        """Whether the router announced ``role`` (``"broker"`` or ``"dealer"``)."""
        return role in self._roles

    def supports(self, role: str, feature: str) -> bool:
        """Whether the router announced ``feature`` as ``true`` under ``role``."""
        return self._roles.get(role, {}).get(feature) is True

    def features(self, role: str) -> dict[str, Any]:
        """A copy of the features announced under ``role`` (empty when absent)."""
        return dict(self._roles.get(role, {}))

    def as_dict(self) -> dict[str, dict[str, Any]]:
        """``{role: {feature: value}}``, a copy."""
        return {role: dict(features) for role, features in self._roles.items()}

    def __repr__(self) -> str:
        return f"RouterRoles({self._roles!r})"
