"""What a router listens on: listeners planned from a router configuration.

The embedded router's configuration is a Crossbar.io router worker
(:mod:`wamp_core.router.config`). :func:`plan` turns its ``transports`` into
:class:`Listener` objects that an I/O layer serves as they are: an endpoint (TCP with
``interface``/``port`` and maybe TLS, or a Unix socket ``path``), the WebSocket services by
request path, and the RawSocket service, each with its serializers and the protocol options
mapped to Autobahn's camelCase names (Crossbar.io gives the four timeouts in milliseconds).

- ``websocket`` transport: WebSocket on any path (key ``"*"``);
- ``rawsocket``: RawSocket;
- ``web``: WebSocket on its websocket paths (other web services are left out; the router
  configuration warns about them);
- ``universal``: RawSocket and WebSocket on one port; :func:`sniff` tells them apart from the
  first octet (RawSocket's magic 0x7F; anything else is HTTP).

:func:`cli_config` builds such a configuration from ``--ws HOST:PORT/PATH``,
``--rawsocket HOST:PORT`` and ``--unix PATH`` arguments and a realm whose anonymous role may
do everything (for development); :func:`router_config` picks between that and a given
configuration. :func:`listener_factories` makes the WAMP server factories of a listener from
the framework's factory classes, so the asyncio and Twisted routers only open sockets.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from wamp_core.router.config import RouterConfig, load_config, parse_config
from wamp_core.router.config_transport import (
    Endpoint,
    RawSocketTransport,
    UniversalTransport,
    WebSocketTransport,
    WebTransport,
)
from wamp_core.transport.negotiate import server_serializers

__all__ = [
    "ANY_PATH",
    "Listener",
    "RawSocketService",
    "WebSocketService",
    "cli_config",
    "listener_factories",
    "parse_address",
    "plan",
    "rawsocket_options",
    "router_config",
    "sniff",
    "websocket_options",
]

ANY_PATH: Final = "*"
"""The path key of a WebSocket service that answers on every path."""

_MS_OPTIONS: Final = {
    "open_handshake_timeout": "openHandshakeTimeout",
    "close_handshake_timeout": "closeHandshakeTimeout",
    "auto_ping_interval": "autoPingInterval",
    "auto_ping_timeout": "autoPingTimeout",
}
_WS_OPTIONS: Final = {
    "allowed_origins": "allowedOrigins",
    "allow_null_origin": "allowNullOrigin",
    "enable_webstatus": "webStatus",
    "validate_utf8": "utf8validateIncoming",
    "mask_server_frames": "maskServerFrames",
    "require_masked_client_frames": "requireMaskedClientFrames",
    "apply_mask": "applyMask",
    "max_frame_size": "maxFramePayloadSize",
    "max_message_size": "maxMessagePayloadSize",
    "auto_fragment_size": "autoFragmentSize",
    "fail_by_drop": "failByDrop",
    "echo_close_codereason": "echoCloseCodeReason",
    "tcp_nodelay": "tcpNoDelay",
    "auto_ping_size": "autoPingSize",
    "auto_ping_restart_on_any_traffic": "autoPingRestartOnAnyTraffic",
    "enable_flash_policy": "serveFlashSocketPolicy",
    "flash_policy": "flashSocketPolicy",
}
_VERSIONS: Final = {"enable_hybi10": 8, "enable_rfc6455": 13}


@dataclass(frozen=True)
class WebSocketService:
    """WAMP over WebSocket on one path of a listener."""

    transport: Any
    """The configuration object (its ``auth`` section goes to the router)."""
    serializers: tuple[str, ...]
    options: Mapping[str, Any]
    """``setProtocolOptions`` keywords (camelCase)."""
    compression: bool = False
    """Accept permessage-deflate offers (``options.compression.deflate``)."""
    require_subprotocol: bool = True
    external_port: int | None = None
    show_server_version: bool = True


@dataclass(frozen=True)
class RawSocketService:
    """WAMP over RawSocket on a listener."""

    transport: Any
    serializers: tuple[str, ...]
    options: Mapping[str, Any]


@dataclass(frozen=True)
class Listener:
    """One listening endpoint and what it serves."""

    endpoint: Endpoint
    websocket: Mapping[str, WebSocketService] = field(default_factory=dict)
    rawsocket: RawSocketService | None = None
    max_connections: int | None = None
    id: str | None = None

    @property
    def kind(self) -> str:
        """``websocket``, ``rawsocket`` or ``universal`` (both on one endpoint)."""
        if self.websocket and self.rawsocket is not None:
            return "universal"
        return "rawsocket" if self.rawsocket is not None else "websocket"

    def urls(self, host: str, port: int | None) -> list[str]:
        """The client URLs of this listener, given where it actually listens."""
        secure = self.endpoint.tls is not None
        ws, rs = ("wss", "rss") if secure else ("ws", "rs")
        if self.endpoint.type == "unix":  # a Unix socket URL names no WebSocket path
            place = f"unix:{self.endpoint.path}"
            urls = [f"{ws}://{place}"] if self.websocket else []
        else:
            place = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
            urls = [f"{ws}://{place}{'/ws' if path == ANY_PATH else path}"
                    for path in self.websocket]
        if self.rawsocket is not None:
            urls.append(f"{rs}://{place}")
        return urls


def websocket_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """Crossbar.io WebSocket options -> ``setProtocolOptions`` keywords."""
    out: dict[str, Any] = {}
    for name, value in options.items():
        if name in _MS_OPTIONS:
            out[_MS_OPTIONS[name]] = value / 1000.0
        elif name in _WS_OPTIONS:
            out[_WS_OPTIONS[name]] = value
    versions = [v for name, v in _VERSIONS.items() if options.get(name, True)]
    if len(versions) < len(_VERSIONS):
        out["versions"] = versions or [13]
    return out


def rawsocket_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """Crossbar.io RawSocket options -> ``setProtocolOptions`` keywords."""
    out: dict[str, Any] = {}
    if isinstance(options.get("max_message_size"), int):
        out["maxMessagePayloadSize"] = options["max_message_size"]
    for name in ("auto_ping_interval", "auto_ping_timeout"):
        if name in options:
            out[_MS_OPTIONS[name]] = options[name] / 1000.0
    return out


def _with_batched(names: Sequence[str]) -> tuple[str, ...]:
    """A WebSocket service also speaks the batched mode of its serializers (as Crossbar.io)."""
    batched = [f"{n}.batched" for n in names if n != "flatbuffers" and "." not in n]
    return (*names, *batched)


def _websocket(t: WebSocketTransport) -> WebSocketService:
    options = dict(t.options)
    compression = options.get("compression")
    return WebSocketService(
        transport=t, serializers=_with_batched(t.serializers), options=websocket_options(options),
        compression=isinstance(compression, Mapping) and "deflate" in compression,
        require_subprotocol=bool(options.get("require_websocket_subprotocol", True)),
        external_port=options.get("external_port"),
        show_server_version=bool(options.get("show_server_version", True)),
    )


def _rawsocket(t: RawSocketTransport) -> RawSocketService:
    return RawSocketService(transport=t, serializers=tuple(t.serializers),
                            options=rawsocket_options(t.options))


def _path(key: str) -> str:
    return key if key.startswith("/") else f"/{key}"


def _paths(paths: Mapping[str, WebSocketTransport]) -> dict[str, WebSocketService]:
    return {_path(key): _websocket(t) for key, t in paths.items()}


def plan(config: RouterConfig) -> list[Listener]:
    """The listeners of a router configuration, in order (see the module text)."""
    listeners: list[Listener] = []
    for t in config.transports:
        if t.endpoint is None:
            continue
        common: dict[str, Any] = {"max_connections": t.max_connections, "id": t.id}
        if isinstance(t, WebSocketTransport):
            listeners.append(Listener(t.endpoint, {ANY_PATH: _websocket(t)}, **common))
        elif isinstance(t, RawSocketTransport):
            listeners.append(Listener(t.endpoint, rawsocket=_rawsocket(t), **common))
        elif isinstance(t, WebTransport):
            if t.paths:
                listeners.append(Listener(t.endpoint, _paths(t.paths), **common))
        elif isinstance(t, UniversalTransport):
            websocket = _paths(t.websocket)
            if t.web is not None:
                websocket.update(_paths(t.web.paths))
            raw = _rawsocket(t.rawsocket) if t.rawsocket is not None else None
            listeners.append(Listener(t.endpoint, websocket, raw, **common))
    return listeners


def sniff(first: bytes) -> str | None:
    """``rawsocket`` or ``websocket`` from the first octets of a connection (None: wait)."""
    if not first:
        return None
    return "rawsocket" if first[0] == 0x7F else "websocket"


def parse_address(text: str, default_path: str | None = None) -> tuple[str, int, str | None]:
    """``HOST:PORT[/PATH]`` (``[::1]:8080/ws``; a bare ``PORT`` means 127.0.0.1)."""
    address, slash, path = text.partition("/")
    if address.startswith("["):
        host, _, port_text = address[1:].partition("]:")
    elif ":" in address:
        host, _, port_text = address.rpartition(":")
    else:
        host, port_text = "127.0.0.1", address
    if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise ValueError(f"{text!r}: expected HOST:PORT[/PATH] with a port from 0 to 65535")
    return host or "127.0.0.1", int(port_text), f"/{path}" if slash else default_path


def _tcp(host: str, port: int) -> dict[str, Any]:
    return {"type": "tcp", "interface": host, "port": port, "version": 6 if ":" in host else 4}


def cli_config(realm: str = "realm1", ws: Sequence[str] = (), rawsocket: Sequence[str] = (),
               unix: Sequence[str] = ()) -> RouterConfig:
    """A router configuration for ``serve --ws/--rawsocket/--unix`` (see the module text).

    ``--unix PATH`` serves RawSocket and WebSocket (on any path) on the socket. Every
    serializer is served (FlatBuffers on WebSocket).
    """
    serializers = ["cbor", "msgpack", "ubjson", "json"]
    service = {"type": "websocket", "serializers": [*serializers, "flatbuffers"]}
    transports: list[dict[str, Any]] = []
    for text in ws:
        host, port, path = parse_address(text, "/ws")
        key = (path or "/ws").lstrip("/") or "/"
        transports.append({"type": "web", "endpoint": _tcp(host, port),
                           "paths": {key: service}})
    for text in rawsocket:
        host, port, _ = parse_address(text)
        transports.append({"type": "rawsocket", "endpoint": _tcp(host, port),
                           "serializers": serializers})
    for path in unix:
        transports.append({"type": "universal", "endpoint": {"type": "unix", "path": path},
                           "rawsocket": {"serializers": serializers},
                           "websocket": {"/": service}})
    everything = {"uri": "", "match": "prefix",
                  "allow": {"call": True, "register": True, "publish": True, "subscribe": True},
                  "disclose": {"caller": True, "publisher": True}}
    return parse_config({
        "type": "router",
        "realms": [{"name": realm, "roles": [{"name": "anonymous",
                                              "permissions": [everything]}]}],
        "transports": transports,
    })


def router_config(config: Any = None, realm: str = "realm1", ws: Sequence[str] = (),
                  rawsocket: Sequence[str] = (), unix: Sequence[str] = ()) -> RouterConfig:
    """What ``serve(config, ws=..., rawsocket=..., unix=..., realm=...)`` serves.

    ``config`` is a :class:`RouterConfig`, a dict (a router worker or a whole Crossbar.io
    node configuration) or the path of a ``config.json``; without one, :func:`cli_config`
    of the addresses (none at all: ``ws://127.0.0.1:8080/ws``).
    """
    if config is not None:
        if isinstance(config, RouterConfig):
            return config
        if isinstance(config, Mapping):
            return parse_config(config)
        return load_config(os.fspath(config))
    if not (ws or rawsocket or unix):
        ws = ["127.0.0.1:8080/ws"]
    return cli_config(realm, ws=ws, rawsocket=rawsocket, unix=unix)


def listener_factories(router: Any, listener: Listener, websocket_factory: Callable[..., Any],
                       rawsocket_factory: Callable[..., Any],
                       accept_deflate: Callable[[list[Any]], Any],
                       **kwargs: Any) -> tuple[Any, Any]:
    """The ``(WebSocket, RawSocket)`` WAMP server factories of a listener (None where the
    listener serves no such service), made from the framework's
    ``WampWebSocketServerFactory`` and ``WampRawSocketServerFactory`` (``kwargs`` go to
    both, e.g. ``reactor=``): one router session factory per WebSocket path, the
    serializers, protocol options, compression (``accept_deflate(offers)``) and the
    connection limit of the configuration."""
    ws = rs = None
    if listener.websocket:
        first = next(iter(listener.websocket.values()))
        extra = {} if first.show_server_version else {"server": None}
        ws = websocket_factory(router.session_factory(first.transport),
                               serializers=first.serializers,
                               externalPort=first.external_port, **extra, **kwargs)
        ws._routes = {path: (router.session_factory(s.transport),
                             server_serializers(s.serializers))
                      for path, s in listener.websocket.items()}
        ws._requireWebSocketSubprotocol = first.require_subprotocol
        ws.setProtocolOptions(**first.options)
        if first.compression:
            ws.setProtocolOptions(perMessageCompressionAccept=accept_deflate)
        if listener.max_connections:
            ws.setProtocolOptions(maxConnections=listener.max_connections)
    if listener.rawsocket is not None:
        service = listener.rawsocket
        rs = rawsocket_factory(router.session_factory(service.transport),
                               serializers=service.serializers, **kwargs)
        rs.setProtocolOptions(**service.options)
        if listener.max_connections:
            rs.setProtocolOptions(maxConnections=listener.max_connections)
    return ws, rs

