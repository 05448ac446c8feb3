"""Listening transports of a Crossbar.io router worker, as typed configuration objects.

Read from the ``transports`` list of a router worker (Crossbar.io's format,
accepted as is):

- ``websocket``: a WebSocket endpoint (``url``, ``serializers``, ``options``,
  ``auth``) -> :class:`WebSocketTransport`;
- ``rawsocket``: a RawSocket endpoint (``serializers``, ``options.max_message_size``,
  ``auth``) -> :class:`RawSocketTransport`;
- ``web``: HTTP with ``paths``; only ``websocket`` path services are served,
  other services (static files, WSGI, reverse proxies ...) are reported and
  left out -> :class:`WebTransport`;
- ``universal``: one port, the protocol detected from the first bytes, with
  ``rawsocket``, ``websocket`` (by path) and ``web`` parts -> :class:`UniversalTransport`.

Endpoints (:class:`Endpoint`) are ``tcp`` (``port``, ``interface``,
``version``, ``backlog``, ``shared``, ``tls``) or ``unix`` (``path``).
The asyncio and Twisted packages serve these objects; this module only reads
and checks them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, TypeAlias

from wamp_core.router._report import Report, type_name
from wamp_core.router.authentication import check_auth_config
from wamp_core.serializer import SERID_TO_SER

__all__ = [
    "DEFAULT_SERIALIZERS",
    "Endpoint",
    "RawSocketTransport",
    "TlsOptions",
    "Transport",
    "UniversalTransport",
    "WebSocketTransport",
    "WebTransport",
    "parse_transport",
]

DEFAULT_SERIALIZERS: Final = tuple(s for s in ("cbor", "msgpack", "ubjson", "json")
                                   if s in SERID_TO_SER)
"""The serializers a transport offers when it lists none (Crossbar.io's order)."""

_KNOWN_SERIALIZERS: Final = ("json", "msgpack", "cbor", "ubjson", "flatbuffers")
_RAWSOCKET_MAX: Final = 2**24
_RAWSOCKET_MIN: Final = 2**9
_WEBSOCKET_MAX: Final = 64 * 2**20

_WEBSOCKET_OPTIONS: Final = (
    "allowed_origins", "allow_null_origin", "external_port", "enable_hybi10",
    "enable_rfc6455", "open_handshake_timeout", "close_handshake_timeout",
    "enable_webstatus", "validate_utf8", "mask_server_frames",
    "require_masked_client_frames", "apply_mask", "max_frame_size", "max_message_size",
    "auto_fragment_size", "fail_by_drop", "echo_close_codereason", "tcp_nodelay",
    "auto_ping_interval", "auto_ping_timeout", "auto_ping_size",
    "auto_ping_restart_on_any_traffic", "enable_flash_policy", "flash_policy",
    "compression", "require_websocket_subprotocol", "show_server_version",
)
_WEB_PATH_SERVICES: Final = (
    "static", "wsgi", "resource", "redirect", "nodeinfo", "reverseproxy", "json", "cgi",
    "longpoll", "publisher", "webhook", "caller", "path", "upload", "schemadoc",
    "websocket-reverseproxy", "archive", "fileupload",
)


@dataclass(frozen=True, slots=True)
class TlsOptions:
    """TLS of a listening endpoint: file names of the key and certificates."""

    key: str
    certificate: str
    chain_certificates: tuple[str, ...] = ()
    ca_certificates: tuple[str, ...] = ()
    dhparam: str | None = None
    ciphers: str | None = None


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A listening endpoint: ``tcp`` (port, interface, tls ...) or ``unix`` (path)."""

    type: str
    port: int | None = None
    interface: str | None = None
    version: int = 4
    backlog: int | None = None
    shared: bool = False
    path: str | None = None
    tls: TlsOptions | None = None


@dataclass(frozen=True, slots=True)
class WebSocketTransport:
    """WAMP over WebSocket: a ``websocket`` transport, or a path of a web/universal one."""

    type: str = "websocket"
    id: str | None = None
    endpoint: Endpoint | None = None
    url: str | None = None
    serializers: tuple[str, ...] = DEFAULT_SERIALIZERS
    options: Mapping[str, Any] = field(default_factory=dict)
    auth: Mapping[str, Any] | None = None
    max_connections: int | None = None

    @property
    def max_message_size(self) -> int | None:
        """``options.max_message_size`` (0 or absent: the engine's default)."""
        value = self.options.get("max_message_size")
        return value if isinstance(value, int) and value > 0 else None


@dataclass(frozen=True, slots=True)
class RawSocketTransport:
    """WAMP over RawSocket."""

    type: str = "rawsocket"
    id: str | None = None
    endpoint: Endpoint | None = None
    serializers: tuple[str, ...] = DEFAULT_SERIALIZERS
    options: Mapping[str, Any] = field(default_factory=dict)
    auth: Mapping[str, Any] | None = None
    max_connections: int | None = None

    @property
    def max_message_size(self) -> int | None:
        """``options.max_message_size`` (512 .. 16 MiB), or ``None``."""
        value = self.options.get("max_message_size")
        return value if isinstance(value, int) else None


@dataclass(frozen=True, slots=True)
class WebTransport:
    """HTTP with ``paths``; only the WebSocket path services are kept."""

    type: str = "web"
    id: str | None = None
    endpoint: Endpoint | None = None
    paths: Mapping[str, WebSocketTransport] = field(default_factory=dict)
    max_connections: int | None = None


@dataclass(frozen=True, slots=True)
class UniversalTransport:
    """One port for RawSocket, WebSocket (by path) and Web, told apart by the first bytes."""

    type: str = "universal"
    id: str | None = None
    endpoint: Endpoint | None = None
    rawsocket: RawSocketTransport | None = None
    websocket: Mapping[str, WebSocketTransport] = field(default_factory=dict)
    web: WebTransport | None = None
    max_connections: int | None = None


Transport: TypeAlias = "WebSocketTransport | RawSocketTransport | WebTransport | UniversalTransport"


# -- endpoints ----------------------------------------------------------------


def _tls(r: Report, tls: Mapping[str, Any], path: str) -> TlsOptions | None:
    r.keys(tls, path, ("key", "certificate", "chain_certificates", "dhparam", "ciphers",
                       "ca_certificates"))
    key = r.string(tls, "key", path, required=True)
    cert = r.string(tls, "certificate", path, required=True)
    lists = {}
    for name in ("chain_certificates", "ca_certificates"):
        items = r.seq(tls, name, path) or ()
        if not all(isinstance(i, str) for i in items):
            r.error(f"{path}.{name}", "must be an array of file names (strings)")
            items = ()
        lists[name] = tuple(items)
    if key is None or cert is None:
        return None
    return TlsOptions(key, cert, lists["chain_certificates"], lists["ca_certificates"],
                      r.string(tls, "dhparam", path), r.string(tls, "ciphers", path))


def parse_endpoint(r: Report, ep: Any, path: str) -> Endpoint | None:
    """A listening endpoint (Crossbar.io's ``endpoint`` object)."""
    if not isinstance(ep, Mapping):
        r.error(path, f"must be an object, got {type_name(ep)}")
        return None
    etype = r.string(ep, "type", path, required=True)
    if etype == "unix":
        r.keys(ep, path, ("type", "path", "backlog"))
        return Endpoint("unix", path=r.string(ep, "path", path, required=True),
                        backlog=r.integer(ep, "backlog", path, 1, 65535))
    if etype in ("twisted", "onion"):
        r.error(f"{path}.type", f"endpoint type '{etype}' is not supported (use tcp or unix)")
        return None
    if etype != "tcp":
        if etype is not None:
            r.error(f"{path}.type", f"unknown endpoint type '{etype}' (use tcp or unix)")
        return None
    r.keys(ep, path, ("type", "version", "port", "shared", "interface", "backlog", "tls"),
           {"portrange": "port ranges are not supported; set 'port'",
            "user_timeout": "TCP_USER_TIMEOUT is not set by this router; ignored"})
    port = r.integer(ep, "port", path, 0, 65535, required=True)
    version = r.integer(ep, "version", path, 4, 6)
    if version == 5:
        r.error(f"{path}.version", "must be 4 or 6")
    tls = r.mapping(ep, "tls", path)
    return Endpoint(
        "tcp", port=port, interface=r.string(ep, "interface", path), version=version or 4,
        backlog=r.integer(ep, "backlog", path, 1, 65535),
        shared=r.boolean(ep, "shared", path, False),
        tls=_tls(r, tls, f"{path}.tls") if tls is not None else None,
    )


# -- transports ---------------------------------------------------------------


def _serializers(r: Report, t: Mapping[str, Any], path: str, allowed: tuple[str, ...]
                 ) -> tuple[str, ...]:
    items = r.seq(t, "serializers", path)
    if items is None:
        return DEFAULT_SERIALIZERS
    out = []
    for i, name in enumerate(items):
        if name not in allowed:
            r.error(f"{path}.serializers[{i}]",
                    f"unknown serializer {name!r} (allowed: {', '.join(allowed)})")
        elif name not in SERID_TO_SER:
            r.warn(f"{path}.serializers[{i}]",
                   f"serializer {name!r} needs the 'wamp-core[{name}]' extra; left out")
        else:
            out.append(name)
    if not out:
        r.error(f"{path}.serializers", "no usable serializer")
    return tuple(out)


def _common(r: Report, t: Mapping[str, Any], path: str, with_endpoint: bool, kind: str
            ) -> tuple[str | None, Endpoint | None, int | None]:
    tid = r.string(t, "id", path)
    endpoint = None
    if with_endpoint:
        if "endpoint" not in t:
            r.error(path, f"missing mandatory key 'endpoint' in {kind} transport")
        else:
            endpoint = parse_endpoint(r, t["endpoint"], f"{path}.endpoint")
    elif "endpoint" in t:
        r.error(f"{path}.endpoint", f"not allowed in a {kind} part of a universal transport")
    max_conn = r.integer(t, "max_connections", path, 1, 2**31)
    if max_conn is not None and not with_endpoint:
        r.error(f"{path}.max_connections", "set it on the universal transport")
    return tid, endpoint, max_conn


def _websocket_options(r: Report, t: Mapping[str, Any], path: str) -> Mapping[str, Any]:
    options = r.mapping(t, "options", path)
    if options is None:
        return {}
    r.keys(options, f"{path}.options", _WEBSOCKET_OPTIONS)
    r.integer(options, "max_message_size", f"{path}.options", 0, _WEBSOCKET_MAX)
    r.integer(options, "max_frame_size", f"{path}.options", 0, _WEBSOCKET_MAX)
    return dict(options)


def _auth(r: Report, t: Mapping[str, Any], path: str) -> Mapping[str, Any] | None:
    auth = r.mapping(t, "auth", path)
    if auth is not None:
        check_auth_config(r, auth, f"{path}.auth")
    return auth


def parse_websocket(r: Report, t: Mapping[str, Any], path: str, with_endpoint: bool = True
                    ) -> WebSocketTransport:
    """A ``websocket`` transport (or, without endpoint, a websocket path service)."""
    r.keys(t, path, ("id", "type", "endpoint", "url", "serializers", "debug", "options",
                     "auth", "max_connections"),
           {"cookie": "cookie tracking and cookie authentication are not supported; ignored"})
    tid, endpoint, max_conn = _common(r, t, path, with_endpoint, "WebSocket")
    return WebSocketTransport(
        id=tid, endpoint=endpoint, url=r.string(t, "url", path),
        serializers=_serializers(r, t, path, _KNOWN_SERIALIZERS),
        options=_websocket_options(r, t, path), auth=_auth(r, t, path),
        max_connections=max_conn,
    )


def parse_rawsocket(r: Report, t: Mapping[str, Any], path: str, with_endpoint: bool = True
                    ) -> RawSocketTransport:
    """A ``rawsocket`` transport (or the rawsocket part of a universal one)."""
    r.keys(t, path, ("id", "type", "endpoint", "serializers", "debug", "options", "auth",
                     "max_connections"))
    tid, endpoint, max_conn = _common(r, t, path, with_endpoint, "RawSocket")
    options = r.mapping(t, "options", path) or {}
    r.keys(options, f"{path}.options", ("max_message_size",))
    r.integer(options, "max_message_size", f"{path}.options", _RAWSOCKET_MIN, _RAWSOCKET_MAX)
    return RawSocketTransport(
        id=tid, endpoint=endpoint,
        serializers=_serializers(r, t, path, _KNOWN_SERIALIZERS[:4]),
        options=dict(options), auth=_auth(r, t, path), max_connections=max_conn,
    )


def _paths(r: Report, paths: Mapping[str, Any], path: str) -> dict[str, WebSocketTransport]:
    out: dict[str, WebSocketTransport] = {}
    for name, service in paths.items():
        here = f"{path}[{name!r}]"
        if not isinstance(service, Mapping):
            r.error(here, f"must be an object, got {type_name(service)}")
            continue
        stype = service.get("type")
        if stype == "websocket":
            out[name] = parse_websocket(r, service, here, with_endpoint=False)
        elif stype in _WEB_PATH_SERVICES:
            r.warn(here, f"web service '{stype}' is not served by this router; path left out")
        else:
            r.error(f"{here}.type", f"unknown web service type {stype!r}")
    return out


def parse_web(r: Report, t: Mapping[str, Any], path: str, with_endpoint: bool = True
              ) -> WebTransport:
    """A ``web`` transport: only its ``websocket`` paths are served."""
    r.keys(t, path, ("id", "type", "endpoint", "paths", "max_connections"),
           {"options": "web transport options (access_log, hsts ...) are not supported; "
                       "ignored"})
    tid, endpoint, max_conn = _common(r, t, path, with_endpoint, "Web")
    paths = r.mapping(t, "paths", path, required=True) or {}
    served = _paths(r, paths, f"{path}.paths")
    if paths and not served:
        r.warn(f"{path}.paths", "no websocket path: this transport serves nothing")
    return WebTransport(id=tid, endpoint=endpoint, paths=served, max_connections=max_conn)


def parse_universal(r: Report, t: Mapping[str, Any], path: str) -> UniversalTransport:
    """A ``universal`` transport."""
    r.keys(t, path, ("id", "type", "endpoint", "rawsocket", "websocket", "web",
                     "max_connections"),
           {"mqtt": "MQTT is not supported; the mqtt part is left out"})
    tid, endpoint, max_conn = _common(r, t, path, True, "universal")
    raw = r.mapping(t, "rawsocket", path)
    ws = r.mapping(t, "websocket", path) or {}
    web = r.mapping(t, "web", path)
    websocket = {}
    for name, sub in ws.items():
        here = f"{path}.websocket[{name!r}]"
        if isinstance(sub, Mapping):
            websocket[name] = parse_websocket(r, sub, here, with_endpoint=False)
        else:
            r.error(here, f"must be an object, got {type_name(sub)}")
    return UniversalTransport(
        id=tid, endpoint=endpoint,
        rawsocket=parse_rawsocket(r, raw, f"{path}.rawsocket", False) if raw else None,
        websocket=websocket,
        web=parse_web(r, web, f"{path}.web", False) if web else None,
        max_connections=max_conn,
    )


def parse_transport(r: Report, t: Any, path: str) -> Transport | None:
    """One item of a router worker's ``transports``."""
    if not isinstance(t, Mapping):
        r.error(path, f"must be an object, got {type_name(t)}")
        return None
    ttype = t.get("type")
    if ttype == "websocket":
        return parse_websocket(r, t, path)
    if ttype == "rawsocket":
        return parse_rawsocket(r, t, path)
    if ttype == "web":
        return parse_web(r, t, path)
    if ttype == "universal":
        return parse_universal(r, t, path)
    if ttype in ("mqtt", "flashpolicy", "websocket.testee", "stream.testee"):
        r.warn(path, f"transport type '{ttype}' is not supported; left out")
        return None
    r.error(f"{path}.type", f"unknown transport type {ttype!r} "
                            "(websocket, rawsocket, web, universal)")
    return None
