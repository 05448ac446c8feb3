"""The router configuration: the router worker of a Crossbar.io ``config.json``, as is.

:func:`parse_config` takes a whole node configuration (``{"version": 2,
"workers": [...]}``) or one router worker (``{"type": "router", "realms":
[...], "transports": [...]}``) and returns a :class:`RouterConfig` of typed,
immutable objects. :func:`load_config` reads a JSON (or, with PyYAML, YAML)
file first.

What the router cannot honour is never dropped silently:

- a key Crossbar.io would reject too (a typo) is an **error**;
- a feature this router does not implement and whose absence changes who may
  do what (dynamic authenticators and authorizers, TLS-client-certificate and
  cookie authentication, unsupported endpoint types) is an **error**;
- a feature whose absence only leaves something out (static web services,
  worker process options, router components, payload validation, MQTT) is a
  **warning** in ``RouterConfig.warnings``, for the caller to show at start.

All errors are collected and raised together as one :class:`ConfigError`.

Permissions follow Crossbar.io: a permission without ``match`` uses a starred
URI (``com.example.*`` is a prefix, ``com.*.update`` a wildcard, no star is
exact); every ``allow`` and ``disclose`` flag defaults to false. A role without
permissions may do nothing.

The default configuration (:func:`default_config`) serves realm ``realm1``,
where the role ``anonymous`` may do everything, to anonymous clients.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from wamp_core.router._report import ConfigError, Report, type_name
from wamp_core.router.config_transport import (
    Transport,
    WebSocketTransport,
    parse_endpoint,
    parse_transport,
)
from wamp_core.uri import (
    MATCH_EXACT,
    MATCH_POLICIES,
    MATCH_PREFIX,
    MATCH_WILDCARD,
    is_valid_pattern,
    is_valid_realm,
)

__all__ = [
    "ConfigError",
    "Permission",
    "RealmConfig",
    "RoleConfig",
    "RouterConfig",
    "default_config",
    "load_config",
    "parse_config",
]

URI_CHECK_LOOSE: Final = "loose"
URI_CHECK_STRICT: Final = "strict"

_ACTIONS: Final = ("call", "register", "publish", "subscribe")


@dataclass(frozen=True, slots=True)
class Permission:
    """One permission of a role: what may be done on the URIs ``(uri, match)`` covers."""

    uri: str
    match: str = MATCH_EXACT
    call: bool = False
    register: bool = False
    publish: bool = False
    subscribe: bool = False
    disclose_caller: bool = False
    disclose_publisher: bool = False
    cache: bool = True

    def allows(self, action: str) -> bool:
        """Whether ``action`` (call, register, publish, subscribe) is allowed."""
        return bool(getattr(self, action))


@dataclass(frozen=True, slots=True)
class RoleConfig:
    """A role of a realm and its static permissions."""

    name: str
    permissions: tuple[Permission, ...] = ()


@dataclass(frozen=True, slots=True)
class RealmConfig:
    """A realm: its roles and options (``uri_check``, ``enable_meta_api``)."""

    name: str
    roles: tuple[RoleConfig, ...] = ()
    uri_check: str = URI_CHECK_LOOSE
    enable_meta_api: bool = True

    def role(self, name: str) -> RoleConfig | None:
        """The role called ``name``, or ``None``."""
        for role in self.roles:
            if role.name == name:
                return role
        return None


@dataclass(frozen=True, slots=True)
class RouterConfig:
    """A router: realms, listening transports, and the warnings found reading it."""

    realms: tuple[RealmConfig, ...] = ()
    transports: tuple[Transport, ...] = ()
    id: str | None = None
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def realm(self, name: str) -> RealmConfig | None:
        """The realm called ``name``, or ``None``."""
        for realm in self.realms:
            if realm.name == name:
                return realm
        return None


ALLOW_ALL: Final = Permission("", MATCH_PREFIX, True, True, True, True)
"""A permission allowing every action on every URI (the default realm's)."""


def default_config(port: int = 8080, interface: str = "127.0.0.1") -> RouterConfig:
    """Realm ``realm1``, role ``anonymous`` allowed everything, a WebSocket transport."""
    endpoint = parse_endpoint(Report(), {"type": "tcp", "port": port, "interface": interface},
                              "endpoint")
    return RouterConfig(
        realms=(RealmConfig("realm1", (RoleConfig("anonymous", (ALLOW_ALL,)),)),),
        transports=(WebSocketTransport(endpoint=endpoint, url=f"ws://{interface}:{port}/ws"),),
    )


# -- realms, roles, permissions -----------------------------------------------


def _starred(uri: str) -> tuple[str, str]:
    """Crossbar.io's starred URIs: ``a.b.*`` prefix, ``a.*.c`` wildcard, else exact."""
    stars = uri.count("*")
    if stars == 0:
        return uri, MATCH_EXACT
    if stars == 1 and uri.endswith("*"):
        return uri[:-1], MATCH_PREFIX
    return uri.replace("*", ""), MATCH_WILDCARD


def _permission(r: Report, p: Any, path: str) -> Permission | None:
    if not isinstance(p, Mapping):
        r.error(path, f"must be an object, got {type_name(p)}")
        return None
    r.keys(p, path, ("uri", "match", "allow", "disclose", "cache"),
           {"validate": "payload validation is not supported; payloads are not checked"})
    uri = r.string(p, "uri", path, required=True)
    if uri is None:
        return None
    if "match" in p:
        match = p["match"]
        if match not in MATCH_POLICIES:
            r.error(f"{path}.match", f"must be exact, prefix or wildcard, got {match!r}")
            return None
    else:
        uri, match = _starred(uri)
    if uri and not is_valid_pattern(uri, MATCH_WILDCARD if match != MATCH_EXACT else match):
        r.error(f"{path}.uri", f"invalid URI {uri!r} for match policy {match}")
        return None
    allow = r.mapping(p, "allow", path) or {}
    r.keys(allow, f"{path}.allow", _ACTIONS)
    disclose = r.mapping(p, "disclose", path) or {}
    r.keys(disclose, f"{path}.disclose", ("caller", "publisher"))
    flags = {a: r.boolean(allow, a, f"{path}.allow", False) for a in _ACTIONS}
    return Permission(
        uri, match, **flags,
        disclose_caller=r.boolean(disclose, "caller", f"{path}.disclose", False),
        disclose_publisher=r.boolean(disclose, "publisher", f"{path}.disclose", False),
        cache=r.boolean(p, "cache", path, True),
    )


def _role(r: Report, role: Any, path: str) -> RoleConfig | None:
    if not isinstance(role, Mapping):
        r.error(path, f"must be an object, got {type_name(role)}")
        return None
    r.keys(role, path, ("name", "permissions", "id", "authorizer"))
    if "authorizer" in role:
        r.error(f"{path}.authorizer", "dynamic authorizers are not supported; "
                                      "give the role static 'permissions'")
    name = r.string(role, "name", path, required=True)
    items = r.seq(role, "permissions", path) or ()
    perms = [_permission(r, p, f"{path}.permissions[{i}]") for i, p in enumerate(items)]
    if name is None:
        return None
    return RoleConfig(name, tuple(p for p in perms if p is not None))


def _realm(r: Report, realm: Any, path: str) -> RealmConfig | None:
    if not isinstance(realm, Mapping):
        r.error(path, f"must be an object, got {type_name(realm)}")
        return None
    r.keys(realm, path, ("name", "roles", "options", "id"),
           {"store": "event history and realm stores are not supported; ignored"})
    name = r.string(realm, "name", path, required=True)
    if name is not None and not is_valid_realm(name):
        r.error(f"{path}.name", f"invalid realm name {name!r}")
    roles = []
    seen: set[str] = set()
    for i, item in enumerate(r.seq(realm, "roles", path) or ()):
        role = _role(r, item, f"{path}.roles[{i}]")
        if role is not None:
            if role.name in seen:
                r.error(f"{path}.roles[{i}].name", f"duplicate role {role.name!r}")
            seen.add(role.name)
            roles.append(role)
    options = r.mapping(realm, "options", path) or {}
    opath = f"{path}.options"
    r.keys(options, opath, ("uri_check", "enable_meta_api"),
           {"event_dispatching_chunk_size": "events are dispatched in one go; ignored",
            "bridge_meta_api": "router-to-router links are not supported; ignored"})
    uri_check = options.get("uri_check", URI_CHECK_LOOSE)
    if uri_check not in (URI_CHECK_LOOSE, URI_CHECK_STRICT):
        r.error(f"{opath}.uri_check", f"must be 'loose' or 'strict', got {uri_check!r}")
    if name is None:
        return None
    return RealmConfig(name, tuple(roles), uri_check,
                       r.boolean(options, "enable_meta_api", opath, True))


# -- workers and the node -----------------------------------------------------

_WORKER_UNSUPPORTED: Final = {
    "options": "worker process options (pythonpath, env, cpu affinity ...) do not apply to "
               "an embedded router; ignored",
    "manhole": "the manhole is not supported; ignored",
    "components": "router components are not started by this router; run them as clients",
    "connections": "router connections are not supported; ignored",
}


def _router_worker(r: Report, w: Mapping[str, Any], path: str) -> RouterConfig:
    r.keys(w, path, ("type", "id", "realms", "transports"), _WORKER_UNSUPPORTED)
    realms = []
    seen: set[str] = set()
    for i, item in enumerate(r.seq(w, "realms", path) or ()):
        realm = _realm(r, item, f"{path}.realms[{i}]")
        if realm is not None:
            if realm.name in seen:
                r.error(f"{path}.realms[{i}].name", f"duplicate realm {realm.name!r}")
            seen.add(realm.name)
            realms.append(realm)
    transports = []
    for i, item in enumerate(r.seq(w, "transports", path) or ()):
        t = parse_transport(r, item, f"{path}.transports[{i}]")
        if t is not None:
            transports.append(t)
    return RouterConfig(tuple(realms), tuple(transports), r.string(w, "id", path))


def _node(r: Report, node: Mapping[str, Any]) -> RouterConfig:
    r.keys(node, "config", ("$schema", "version", "controller", "workers"))
    version = node.get("version", 2)
    if version != 2:
        r.error("config.version", f"must be 2 (Crossbar.io's current format), got {version!r}")
    if node.get("controller"):
        r.warn("config.controller", "the node controller is not part of this router; ignored")
    workers: Sequence[Any] = r.seq(node, "workers", "config") or ()
    found = None
    for i, worker in enumerate(workers):
        path = f"workers[{i}]"
        if not isinstance(worker, Mapping):
            r.error(path, f"must be an object, got {type_name(worker)}")
        elif worker.get("type") != "router":
            r.warn(path, f"{worker.get('type')!r} workers are not run by this router; ignored")
        elif found is None:
            found = _router_worker(r, worker, path)
        else:
            r.error(path, "only one router worker is supported")
    if found is None:
        r.error("config.workers", "no router worker")
        return RouterConfig()
    return found


def parse_config(data: Mapping[str, Any]) -> RouterConfig:
    """Read a Crossbar.io node configuration, or one router worker; see the module text.

    Raises :class:`ConfigError` listing every problem found.
    """
    r = Report()
    if not isinstance(data, Mapping):
        r.error("config", f"must be an object, got {type_name(data)}")
        r.raise_errors()
    is_worker = data.get("type") == "router"
    config = _router_worker(r, data, "router") if is_worker else _node(r, data)
    if not config.realms and not r.errors:
        r.warn("realms", "no realm is configured: every client will be refused")
    r.raise_errors()
    return RouterConfig(config.realms, config.transports, config.id, tuple(r.warnings))


def load_config(path: str) -> RouterConfig:
    """Read a configuration file (``.json``; ``.yaml``/``.yml`` with PyYAML installed)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if path.endswith((".yaml", ".yml")):
        try:
            import yaml  # type: ignore[import-untyped]
        except ImportError as exc:
            raise ConfigError([f"{path}: reading YAML needs PyYAML (pip install pyyaml)"]) \
                from exc
        data = yaml.safe_load(text)
    else:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ConfigError([f"{path}: not valid JSON ({exc})"]) from exc
    return parse_config(data)
