"""Static authorization: what a role may do on a URI, decided once per session and URI.

A :class:`Role` holds the permissions of one realm role in a
:class:`~wamp_core.router.matching.UriMap`. Which permission applies to a URI
(Crossbar.io's rule, without its trie quirk): an ``exact`` permission for the
URI, else the best ``wildcard`` permission matching it, else the longest
matching ``prefix`` permission, else nothing is allowed.

The answer is an :class:`Authorization` (``allow``, ``disclose``). Sessions
keep the answers in one dict per action keyed by URI
(:class:`AuthorizationCache`), so a session calling or publishing the same URIs
over and over pays one dict lookup per message. Static permissions do not
change while the router runs, so the cache is always valid; it is bounded and
starts over when full. The broker and dealer decide only for URIs that passed
their URI checks (strict URIs, restricted ``wamp.`` topics), so a remembered
decision also stands for those checks: a PUBLISH or CALL that finds one skips them.
"""

from __future__ import annotations

from typing import Final

from wamp_core.router.config import Permission, RoleConfig
from wamp_core.router.matching import UriMap

__all__ = [
    "ACTIONS",
    "ALLOW",
    "DENY",
    "Authorization",
    "AuthorizationCache",
    "Role",
]

ACTIONS: Final = ("call", "register", "publish", "subscribe")
_CACHE_LIMIT: Final = 4096


class Authorization:
    """An authorization decision: ``allow`` the action, ``disclose`` the caller/publisher."""

    __slots__ = ("allow", "disclose")

    def __init__(self, allow: bool, disclose: bool = False) -> None:
        self.allow = allow
        self.disclose = disclose

    def __repr__(self) -> str:
        return f"Authorization(allow={self.allow}, disclose={self.disclose})"


DENY: Final = Authorization(False)
ALLOW: Final = Authorization(True)
_ALLOW_DISCLOSE: Final = Authorization(True, True)


def _decision(perm: Permission | None, action: str) -> Authorization:
    if perm is None or not perm.allows(action):
        return DENY
    if action == "call":
        return _ALLOW_DISCLOSE if perm.disclose_caller else ALLOW
    if action == "publish":
        return _ALLOW_DISCLOSE if perm.disclose_publisher else ALLOW
    return ALLOW


class Role:
    """The permissions of one role of a realm."""

    __slots__ = ("_perms", "name", "trusted")

    def __init__(self, config: RoleConfig | None = None, name: str | None = None,
                 trusted: bool = False) -> None:
        self.name = config.name if config is not None else (name or "")
        self.trusted = trusted
        self._perms: UriMap[Permission] = UriMap()
        for perm in config.permissions if config is not None else ():
            # a later permission for the same (uri, match) replaces an earlier one
            self._perms.remove(perm.uri, perm.match)
            self._perms.add(perm.uri, perm.match, perm)

    def permission(self, uri: str) -> Permission | None:
        """The permission that applies to ``uri`` (see the module text), or ``None``."""
        perms = self._perms
        perm = perms.get(uri, "exact")
        if perm is not None:
            return perm
        if perms.has_wildcards():
            perm = perms.best_wildcard(uri)
            if perm is not None:
                return perm
        return perms.longest_prefix(uri)

    def authorize(self, uri: str, action: str) -> Authorization:
        """The decision for ``action`` (call, register, publish, subscribe) on ``uri``."""
        if self.trusted:
            return _ALLOW_DISCLOSE
        return _decision(self.permission(uri), action)


class AuthorizationCache:
    """One session's decisions, one dict per action keyed by URI."""

    __slots__ = ("_role", "call", "publish", "register", "subscribe")

    def __init__(self, role: Role) -> None:
        self._role = role
        self.call: dict[str, Authorization] = {}
        self.register: dict[str, Authorization] = {}
        self.publish: dict[str, Authorization] = {}
        self.subscribe: dict[str, Authorization] = {}

    def decide(self, cache: dict[str, Authorization], uri: str, action: str) -> Authorization:
        """The decision for a URI missing from ``cache`` (computed, then remembered)."""
        decision = self._role.authorize(uri, action)
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[uri] = decision
        return decision
