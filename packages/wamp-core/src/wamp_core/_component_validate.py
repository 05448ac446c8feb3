"""Checking a Component's ``transports=`` configuration.

Every key of a transport dict is checked when the Component is created, and each error names
the transport (its index and URL), the key and what is allowed, e.g.::

    transport 1 ('rs://localhost:8080'): 'headers' is only for websocket transports

The framework adapters take part through three hooks (methods of the Component): whether
they accept a native ``endpoint`` object (a Twisted ``IStreamClientEndpoint``), a native
``tls`` object (an ``ssl.SSLContext``, a Twisted ``CertificateOptions`` ...), and a deeper
check of the WebSocket/RawSocket protocol ``options`` values.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Protocol
from urllib.parse import urlsplit

from wamp_core._component_transport import _Transport

__all__ = [
    "DEFAULT_ENDPOINT_TIMEOUT",
    "DEFAULT_RAWSOCKET_SERIALIZER",
    "DEFAULT_TRANSPORT_URL",
    "DEFAULT_WEBSOCKET_SERIALIZERS",
    "ENDPOINT_KEYS",
    "RAWSOCKET_OPTIONS",
    "SERIALIZERS",
    "TRANSPORT_KEYS",
    "TRANSPORT_TYPES",
    "WEBSOCKET_OPTIONS",
    "NativeChecks",
    "ParsedURL",
    "parse_transport_url",
    "parse_transports",
]

TRANSPORT_TYPES: Final = ("websocket", "rawsocket")
ENDPOINT_TYPES: Final = ("tcp", "unix")
SERIALIZERS: Final = ("json", "msgpack", "cbor", "ubjson", "flatbuffers")
DEFAULT_TRANSPORT_URL: Final = "ws://127.0.0.1:8080/ws"
DEFAULT_WEBSOCKET_SERIALIZERS: Final = ("cbor", "json")
DEFAULT_RAWSOCKET_SERIALIZER: Final = "cbor"
DEFAULT_ENDPOINT_TIMEOUT: Final = 10
"""Seconds allowed for the TCP/Unix connection (Autobahn's default; undocumented)."""

TRANSPORT_KEYS: Final = (
    "type", "url", "endpoint", "serializer", "serializers", "options", "proxy", "headers",
    "max_retries", "initial_retry_delay", "max_retry_delay", "retry_delay_growth",
    "retry_delay_jitter",
)
ENDPOINT_KEYS: Final = ("type", "host", "port", "path", "timeout", "tls", "version")
TLS_KEYS: Final = ("hostname", "trust_root")
_URL_SCHEMES: Final = {"websocket": ("ws", "wss"), "rawsocket": ("rs", "rss", "ws", "wss")}
_SECURE: Final = frozenset({"wss", "rss"})
_DEFAULT_PORT: Final = {"ws": 80, "rs": 80, "wss": 443, "rss": 443}

# Client protocol options by Autobahn's camelCase name -> kind of value ("bool", "count",
# "seconds" or "any": checked by the framework adapter / protocol engine).
WEBSOCKET_OPTIONS: Final[dict[str, str]] = {
    "version": "any", "utf8validateIncoming": "bool", "acceptMaskedServerFrames": "bool",
    "maskClientFrames": "bool", "applyMask": "bool", "maxFramePayloadSize": "count",
    "maxMessagePayloadSize": "count", "autoFragmentSize": "count", "failByDrop": "bool",
    "echoCloseCodeReason": "bool", "serverConnectionDropTimeout": "seconds",
    "openHandshakeTimeout": "seconds", "closeHandshakeTimeout": "seconds",
    "tcpNoDelay": "bool", "perMessageCompressionOffers": "any",
    "perMessageCompressionAccept": "any", "autoPingInterval": "seconds",
    "autoPingTimeout": "seconds", "autoPingSize": "count", "autoPingRestartOnAnyTraffic": "bool",
}
RAWSOCKET_OPTIONS: Final[dict[str, str]] = {
    "maxMessagePayloadSize": "count", "minPeerMaxMessagePayloadSize": "count",
    "openHandshakeTimeout": "seconds", "autoPingInterval": "seconds",
    "autoPingTimeout": "seconds", "autoPingSize": "count",
}
# WebSocket request headers the handshake itself writes.
_HANDSHAKE_HEADERS: Final = frozenset({
    "host", "upgrade", "connection", "sec-websocket-key", "sec-websocket-version",
    "sec-websocket-protocol", "sec-websocket-extensions", "content-length",
})
_TOKEN: Final = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


class NativeChecks(Protocol):
    """The adapter's hooks, implemented by the Component (see the module docstring)."""

    def _check_native_endpoint(self, endpoint: Any) -> bool: ...

    def _check_native_tls(self, tls: Any) -> bool: ...

    def _check_transport_options(self, kind: str, options: dict[str, Any]) -> dict[str, Any]: ...


@dataclass(frozen=True)
class ParsedURL:
    """A transport URL: a TCP ``host``/``port`` or a Unix socket ``path``."""

    scheme: str
    secure: bool
    host: str | None
    port: int | None
    path: str | None
    resource: str
    """The HTTP request target for WebSocket (path and query), ``/`` when absent."""


def _is_number(value: Any) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _allowed(names: Iterable[str]) -> str:
    return ", ".join(names)


def _unknown(key: str, names: Iterable[str]) -> str:
    names = list(names)
    near = difflib.get_close_matches(key, names, n=1)
    hint = f" (did you mean '{near[0]}'?)" if near else ""
    return f"is not a valid key{hint}; allowed: {_allowed(names)}"


def parse_transport_url(kind: str, url: str) -> ParsedURL:
    """Parse a transport URL; a ValueError says what is wrong (without the transport name)."""
    schemes = _URL_SCHEMES[kind]
    scheme, sep, _ = url.partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in schemes:
        raise ValueError(f"must be a {kind} URL with scheme {' or '.join(schemes)}://")
    parts = urlsplit(url)
    if parts.fragment:
        raise ValueError("must not have a fragment ('#...')")
    if "@" in parts.netloc:
        raise ValueError("must not carry user information ('user@host')")
    stream = scheme in ("rs", "rss")
    if stream and parts.query:
        raise ValueError("a RawSocket URL takes no query ('?...')")
    secure = scheme in _SECURE
    if parts.netloc.lower().startswith("unix:"):
        path = parts.netloc[5:] + parts.path
        if not path:
            raise ValueError(f"names no Unix socket path (expected {scheme}://unix:/path)")
        return ParsedURL(scheme, secure, None, None, path, "/")
    host = parts.hostname
    if not host:
        raise ValueError("has no host name")
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port is None:
        port = _DEFAULT_PORT[scheme]
    if not 1 <= port <= 65535:
        raise ValueError("has an invalid port (expected 1..65535)")
    if stream and parts.path not in ("", "/"):
        raise ValueError(f"a RawSocket URL has no path, found {parts.path!r}")
    resource = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return ParsedURL(scheme, secure, host, port, None, resource)


class _TransportChecker:
    """Checks one transport entry; ``error()`` builds messages naming the transport."""

    def __init__(self, index: int, config: Mapping[str, Any], hooks: NativeChecks) -> None:
        self.index = index
        self.config = config
        self.hooks = hooks
        url = config.get("url")
        self.where = f"transport {index}" + (f" ({url!r})" if isinstance(url, str) else "")

    def error(self, key: str, problem: str) -> ValueError:
        return ValueError(f"{self.where}: '{key}' {problem}")

    def build(self) -> _Transport:
        config = self.config
        for key in config:
            if key not in TRANSPORT_KEYS:
                raise self.error(str(key), _unknown(str(key), TRANSPORT_KEYS))
        kind = config.get("type", "websocket")
        if kind not in TRANSPORT_TYPES:
            raise self.error("type", f"must be one of {_allowed(TRANSPORT_TYPES)}, not {kind!r}")
        url, parsed = self.url(kind)
        endpoint = self.endpoint(kind, parsed)
        return _Transport(
            self.index, kind, url, endpoint, self.serializers(kind),
            options=self.options(kind), headers=self.headers(kind), proxy=self.proxy(kind),
            **self.retry(),
        )

    def url(self, kind: str) -> tuple[str | None, ParsedURL | None]:
        url = self.config.get("url")
        if url is None:
            if kind == "websocket":
                raise self.error("url", "is required for websocket transports")
            if "endpoint" not in self.config:
                raise self.error("url", "or 'endpoint' is required for rawsocket transports")
            return None, None
        if not isinstance(url, str):
            raise self.error("url", f"must be a str, not {type(url).__name__}")
        try:
            return url, parse_transport_url(kind, url)
        except ValueError as exc:
            raise self.error("url", str(exc)) from None

    def endpoint(self, kind: str, parsed: ParsedURL | None) -> Any:
        if "endpoint" not in self.config:
            if parsed is None:  # pragma: no cover - url() refuses this
                raise self.error("endpoint", "is required without a 'url'")
            if parsed.path is not None:
                ep: dict[str, Any] = {"type": "unix", "path": parsed.path}
            else:
                ep = {"type": "tcp", "host": parsed.host, "port": parsed.port}
            ep["timeout"] = DEFAULT_ENDPOINT_TIMEOUT
            ep["tls"] = parsed.secure
            return ep
        endpoint = self.config["endpoint"]
        if not isinstance(endpoint, dict):
            if self.hooks._check_native_endpoint(endpoint):
                return endpoint
            raise self.error("endpoint", "must be a dict with 'type' tcp or unix (or an "
                             f"endpoint object this framework accepts), not {endpoint!r}")
        return self.endpoint_dict(endpoint)

    def endpoint_dict(self, endpoint: dict[Any, Any]) -> dict[str, Any]:
        for key in endpoint:
            if key not in ENDPOINT_KEYS:
                raise self.error("endpoint", f"key '{key}' " + _unknown(str(key), ENDPOINT_KEYS))
        etype = endpoint.get("type")
        if etype not in ENDPOINT_TYPES:
            raise self.error("endpoint", f"'type' must be tcp or unix, not {etype!r}")
        needed, refused = (("host", "port"), ("path",)) if etype == "tcp" else (
            ("path",), ("host", "port", "version"))
        for key in needed:
            if key not in endpoint:
                raise self.error("endpoint", f"'{key}' is required for a {etype} endpoint")
        for key in refused:
            if key in endpoint:
                raise self.error("endpoint", f"'{key}' is not valid for a {etype} endpoint "
                                 f"(it takes {', '.join(needed)})")
        out: dict[str, Any] = {"type": etype}
        if etype == "tcp":
            out["host"] = self.text("endpoint", "host", endpoint["host"])
            port = endpoint["port"]
            if not _is_int(port) or not 1 <= port <= 65535:
                raise self.error("endpoint", f"'port' must be an int in 1..65535, not {port!r}")
            out["port"] = port
            if "version" in endpoint:
                if endpoint["version"] not in (4, 6) or isinstance(endpoint["version"], bool):
                    raise self.error("endpoint", "'version' must be 4 or 6, "
                                     f"not {endpoint['version']!r}")
                out["version"] = endpoint["version"]
        else:
            out["path"] = self.text("endpoint", "path", endpoint["path"])
        timeout = endpoint.get("timeout", DEFAULT_ENDPOINT_TIMEOUT)
        if not _is_number(timeout) or timeout <= 0:
            raise self.error("endpoint", f"'timeout' must be a number of seconds > 0, "
                             f"not {timeout!r}")
        out["timeout"] = timeout
        out["tls"] = self.tls(endpoint.get("tls", False))
        return out

    def tls(self, tls: Any) -> Any:
        if isinstance(tls, bool) or tls is None:
            return bool(tls)
        if isinstance(tls, dict):
            for key in tls:
                if key not in TLS_KEYS:
                    raise self.error("endpoint", f"'tls' key '{key}' "
                                     + _unknown(str(key), TLS_KEYS))
            for key in TLS_KEYS:
                if tls.get(key) is not None and not isinstance(tls[key], str):
                    raise self.error("endpoint", f"'tls' '{key}' must be a str, "
                                     f"not {type(tls[key]).__name__}")
            return dict(tls)
        if self.hooks._check_native_tls(tls):
            return tls
        raise self.error("endpoint", "'tls' must be True/False, a dict with "
                         f"{' and/or '.join(TLS_KEYS)}, or a TLS context object this "
                         f"framework accepts, not {tls!r}")

    def text(self, key: str, sub: str, value: Any) -> str:
        if not isinstance(value, str) or not value:
            raise self.error(key, f"'{sub}' must be a non-empty str, not {value!r}")
        return value

    def serializers(self, kind: str) -> list[str]:
        config = self.config
        if kind == "websocket":
            if "serializer" in config:
                raise self.error("serializer", "is only for rawsocket transports; use "
                                 "'serializers': [...] for websocket")
            names = config.get("serializers", DEFAULT_WEBSOCKET_SERIALIZERS)
            return self.serializer_list("serializers", names)
        if "serializer" in config and "serializers" in config:
            raise self.error("serializer", "and 'serializers' are both given; a rawsocket "
                             "transport takes one serializer")
        if "serializers" in config:
            names = self.serializer_list("serializers", config["serializers"])
            if len(names) != 1:
                raise self.error("serializers", "must name exactly one serializer for a "
                                 f"rawsocket transport, got {names!r}")
            return names
        name = config.get("serializer", DEFAULT_RAWSOCKET_SERIALIZER)
        if name not in SERIALIZERS:
            raise self.error("serializer", f"must be one of {_allowed(SERIALIZERS)}, "
                             f"not {name!r}")
        return [name]

    def serializer_list(self, key: str, names: Any) -> list[str]:
        if isinstance(names, str) or not isinstance(names, list | tuple) or not names:
            raise self.error(key, "must be a non-empty list of serializer names "
                             f"({_allowed(SERIALIZERS)}), not {names!r}")
        for name in names:
            if name not in SERIALIZERS:
                raise self.error(key, f"has unknown serializer {name!r} "
                                 f"(allowed: {_allowed(SERIALIZERS)})")
        if len(set(names)) != len(names):
            raise self.error(key, f"names a serializer twice: {list(names)!r}")
        return list(names)

    def options(self, kind: str) -> dict[str, Any]:
        options = self.config.get("options", {})
        if options is None:
            return {}
        if not isinstance(options, dict):
            raise self.error("options", f"must be a dict, not {type(options).__name__}")
        table = WEBSOCKET_OPTIONS if kind == "websocket" else RAWSOCKET_OPTIONS
        out: dict[str, Any] = {}
        for key, value in options.items():
            name = _option_name(key, table)
            if name is None:
                near = difflib.get_close_matches(str(key), list(table), n=1)
                hint = f" (did you mean '{near[0]}'?)" if near else ""
                raise self.error("options", f"has unknown {kind} option {key!r}{hint}; "
                                 f"allowed: {_allowed(table)} (or their snake_case forms)")
            problem = _option_problem(table[name], value)
            if problem:
                raise self.error("options", f"{key!r} must be {problem}, not {value!r}")
            out[name] = value
        try:
            return self.hooks._check_transport_options(kind, out)
        except (TypeError, ValueError) as exc:
            raise self.error("options", f"rejected: {exc}") from None

    def headers(self, kind: str) -> dict[str, str] | None:
        headers = self.config.get("headers")
        if headers is None:
            return None
        if kind != "websocket":
            raise self.error("headers", "is only for websocket transports")
        if not isinstance(headers, dict):
            raise self.error("headers", f"must be a dict of str to str, "
                             f"not {type(headers).__name__}")
        for name, value in headers.items():
            if not isinstance(name, str) or not _TOKEN.match(name):
                raise self.error("headers", f"has an invalid header name {name!r}")
            if not isinstance(value, str) or "\r" in value or "\n" in value:
                raise self.error("headers", f"value of {name!r} must be a str without CR/LF, "
                                 f"not {value!r}")
            if name.lower() in _HANDSHAKE_HEADERS:
                raise self.error("headers", f"must not set {name!r}: the WebSocket handshake "
                                 "writes it")
        return dict(headers)

    def proxy(self, kind: str) -> dict[str, Any] | None:
        proxy = self.config.get("proxy")
        if proxy is None:
            return None
        if kind != "websocket":
            raise self.error("proxy", "is only for websocket transports")
        if not isinstance(proxy, dict):
            raise self.error("proxy", f"must be a dict with 'host' and 'port', not {proxy!r}")
        for key in proxy:
            if key not in ("host", "port"):
                raise self.error("proxy", f"key '{key}' " + _unknown(str(key), ("host", "port")))
        for key in ("host", "port"):
            if key not in proxy:
                raise self.error("proxy", f"needs '{key}'")
        host, port = proxy["host"], proxy["port"]
        if not isinstance(host, str) or not host:
            raise self.error("proxy", f"'host' must be a non-empty str, not {host!r}")
        if not _is_int(port) or not 1 <= port <= 65535:
            raise self.error("proxy", f"'port' must be an int in 1..65535, not {port!r}")
        return {"host": host, "port": port}

    def retry(self) -> dict[str, Any]:
        config, out = self.config, {}
        if "max_retries" in config:
            value = config["max_retries"]
            if not _is_int(value) or value < -1:
                raise self.error("max_retries", "must be an int >= -1 (-1 retries forever, "
                                 f"0 never retries), not {value!r}")
            out["max_retries"] = value
        for key, low in (("initial_retry_delay", 0.0), ("max_retry_delay", 0.0),
                         ("retry_delay_growth", 1.0)):
            if key in config:
                value = config[key]
                if not _is_number(value) or value < low:
                    raise self.error(key, f"must be a finite number >= {low:g}, not {value!r}")
                out[key] = float(value)
        initial = out.get("initial_retry_delay")
        cap = out.get("max_retry_delay")
        if initial is not None and cap is not None and cap < initial:
            raise self.error("max_retry_delay", f"({cap:g}) must not be below "
                             f"'initial_retry_delay' ({initial:g})")
        if "retry_delay_jitter" in config:
            value = config["retry_delay_jitter"]
            if not callable(value) and (not _is_number(value) or not 0.0 <= value <= 1.0):
                raise self.error("retry_delay_jitter", "must be a number in [0, 1] or a "
                                 f"0-argument callable giving noise in [0, 1], not {value!r}")
            out["retry_delay_jitter"] = value if callable(value) else float(value)
        return out


def _camel_to_snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _snake_names(table: Mapping[str, str]) -> dict[str, str]:
    names = {_camel_to_snake(camel): camel for camel in table}
    if "utf8validateIncoming" in table:
        names["utf8_validate_incoming"] = "utf8validateIncoming"
    return names


_SNAKE: Final = {id(WEBSOCKET_OPTIONS): _snake_names(WEBSOCKET_OPTIONS),
                 id(RAWSOCKET_OPTIONS): _snake_names(RAWSOCKET_OPTIONS)}


def _option_name(key: Any, table: Mapping[str, str]) -> str | None:
    """The camelCase name of option ``key`` (given in camelCase or snake_case), or None."""
    if not isinstance(key, str):
        return None
    if key in table:
        return key
    snake = _SNAKE.get(id(table)) or _snake_names(table)
    return snake.get(key)


def _option_problem(kind: str, value: Any) -> str | None:
    if value is None or kind == "any":
        return None
    if kind == "bool" and not isinstance(value, bool):
        return "True or False"
    if kind == "count" and (not _is_int(value) or value < 0):
        return "an int >= 0"
    if kind == "seconds" and (not _is_number(value) or value < 0):
        return "a number of seconds >= 0"
    return None


def parse_transports(transports: Any, hooks: NativeChecks) -> list[_Transport]:
    """Check ``transports=`` (None, a URL, a dict or a list of those) into transports."""
    if transports is None:
        transports = DEFAULT_TRANSPORT_URL
    if isinstance(transports, str | dict):
        transports = [transports]
    if not isinstance(transports, list | tuple):
        raise ValueError("transports must be a URL, a dict or a list of those, "
                         f"not {type(transports).__name__}")
    if not transports:
        raise ValueError("transports must name at least one transport (got an empty list)")
    out = []
    for index, entry in enumerate(transports):
        if isinstance(entry, str):
            # A bare URL: rs:// and rss:// mean RawSocket, anything else WebSocket.
            kind = "rawsocket" if entry.lower().startswith(("rs://", "rss://")) else "websocket"
            entry = {"type": kind, "url": entry}
        elif not isinstance(entry, dict):
            raise ValueError(f"transport {index}: must be a URL string or a dict, "
                             f"not {type(entry).__name__}")
        out.append(_TransportChecker(index, entry, hooks).build())
    return out
