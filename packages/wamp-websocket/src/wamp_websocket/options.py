"""Protocol options, with Autobahn's names, meanings and defaults.

:class:`ServerOptions` and :class:`ClientOptions` are dataclasses with snake_case fields.
``options.set_protocol_options(**kw)`` takes Autobahn's camelCase names
(``WebSocketServerFactory.setProtocolOptions`` / ``WebSocketClientFactory.setProtocolOptions``)
one to one: a value of None leaves an option unchanged, an unknown name or a bad value raises
ValueError naming the option and the values it takes, and nothing changes unless every
option given is valid. ``reset_protocol_options()`` restores the defaults.

Options the engine cannot act on (``tcpNoDelay``, ``maxConnections``) are carried for the
I/O layer. Two fields are ours, not Autobahn's: ``frame_events`` (report frames instead of
whole messages) and ``max_handshake_size`` (the bound on the opening handshake's HTTP head).

Deliberate differences: ``autoPingSize`` takes 4 to 125 as Autobahn's documentation says
(its code asks for 12 or more); Autobahn's quirk that every ``setProtocolOptions`` call on a
server resets ``allowNullOrigin`` to False unless it is passed is kept, as migrated code may
rely on it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from wamp_websocket.compress import (
    OfferAcceptor,
    PerMessageDeflateOffer,
    ResponseAcceptor,
)

__all__ = [
    "CLIENT_OPTION_NAMES",
    "DEFAULT_FLASH_POLICY",
    "SERVER_OPTION_NAMES",
    "ClientOptions",
    "ServerOptions",
    "wildcards_to_patterns",
]

DEFAULT_FLASH_POLICY = (
    '<cross-domain-policy>\n     <allow-access-from domain="*" to-ports="*" />\n'
    "</cross-domain-policy>\x00"
)


class _Bad(ValueError):
    """A value check failed; the text says what the option takes."""


def _bool(value: Any) -> bool:
    if type(value) is not bool:
        raise _Bad("a bool (True or False)")
    return value


def _count(value: Any) -> int:
    if type(value) is not int or value < 0:
        raise _Bad("an integer >= 0 (0 switches it off)")
    return value


def _seconds(value: Any) -> float:
    if type(value) not in (int, float) or value < 0:
        raise _Bad("a number of seconds >= 0 (0 switches it off)")
    return value  # type: ignore[no-any-return]


def _ping_size(value: Any) -> int:
    if type(value) not in (int, float) or not 4 <= value <= 125 or value != int(value):
        raise _Bad("an integer from 4 to 125")
    return int(value)


def _versions(value: Any) -> tuple[int, ...]:
    items = tuple(value) if isinstance(value, Iterable) and not isinstance(value, str) else ()
    if not items or any(v not in (8, 13) for v in items):
        raise _Bad("a non-empty list of WebSocket protocol versions from [8, 13]")
    return items


def _spec_version(value: Any) -> int:
    if type(value) is not int or not 10 <= value <= 18:
        raise _Bad("a WebSocket draft version from 10 to 18 (18 is RFC 6455)")
    return value


def _callable(value: Any) -> Any:
    if value is not None and not callable(value):
        raise _Bad("a callable")
    return value


def _offers(value: Any) -> list[PerMessageDeflateOffer]:
    if not isinstance(value, list) or not all(
        isinstance(item, PerMessageDeflateOffer) for item in value
    ):
        raise _Bad("a list of PerMessageDeflateOffer")
    return list(value)


def _origins(value: Any) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise _Bad("a list of origin strings ('*' is a wildcard)")
    return list(value)


def _patterns(value: Any) -> list[re.Pattern[str]]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, re.Pattern) for v in value):
        raise _Bad("a list of compiled regular expressions")
    return list(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Bad("a string")
    return value


def _positive(value: Any) -> int:
    if type(value) is not int or value < 1:
        raise _Bad("an integer >= 1")
    return value


def wildcards_to_patterns(origins: Iterable[str]) -> list[re.Pattern[str]]:
    """Compile origin patterns where ``*`` matches any run of characters (Autobahn's rule)."""
    return [
        re.compile("^" + ".*".join(re.escape(part) for part in origin.split("*")) + "$")
        for origin in origins
    ]


_Check = Callable[[Any], Any]

# camelCase name -> (field, check), shared by both sides
_COMMON: dict[str, tuple[str, _Check]] = {
    "utf8validateIncoming": ("utf8_validate_incoming", _bool),
    "applyMask": ("apply_mask", _bool),
    "maxFramePayloadSize": ("max_frame_payload_size", _count),
    "maxMessagePayloadSize": ("max_message_payload_size", _count),
    "autoFragmentSize": ("auto_fragment_size", _count),
    "failByDrop": ("fail_by_drop", _bool),
    "echoCloseCodeReason": ("echo_close_code_reason", _bool),
    "openHandshakeTimeout": ("open_handshake_timeout", _seconds),
    "closeHandshakeTimeout": ("close_handshake_timeout", _seconds),
    "tcpNoDelay": ("tcp_no_delay", _bool),
    "autoPingInterval": ("auto_ping_interval", _seconds),
    "autoPingTimeout": ("auto_ping_timeout", _seconds),
    "autoPingSize": ("auto_ping_size", _ping_size),
    "autoPingRestartOnAnyTraffic": ("auto_ping_restart_on_any_traffic", _bool),
    "perMessageCompressionAccept": ("per_message_compression_accept", _callable),
}
_SERVER: dict[str, tuple[str, _Check]] = {
    **_COMMON,
    "versions": ("versions", _versions),
    "webStatus": ("web_status", _bool),
    "maskServerFrames": ("mask_server_frames", _bool),
    "requireMaskedClientFrames": ("require_masked_client_frames", _bool),
    "serveFlashSocketPolicy": ("serve_flash_socket_policy", _bool),
    "flashSocketPolicy": ("flash_socket_policy", _text),
    "allowedOrigins": ("allowed_origins", _origins),
    "allowedOriginsPatterns": ("allowed_origins_patterns", _patterns),
    "allowNullOrigin": ("allow_null_origin", _bool),
    "maxConnections": ("max_connections", _count),
    "trustXForwardedFor": ("trust_x_forwarded_for", _count),
}
_CLIENT: dict[str, tuple[str, _Check]] = {
    **_COMMON,
    "version": ("version", _spec_version),
    "acceptMaskedServerFrames": ("accept_masked_server_frames", _bool),
    "maskClientFrames": ("mask_client_frames", _bool),
    "serverConnectionDropTimeout": ("server_connection_drop_timeout", _seconds),
    "perMessageCompressionOffers": ("per_message_compression_offers", _offers),
}
_OURS: dict[str, _Check] = {"frame_events": _bool, "max_handshake_size": _positive}

SERVER_OPTION_NAMES: tuple[str, ...] = tuple(_SERVER)
CLIENT_OPTION_NAMES: tuple[str, ...] = tuple(_CLIENT)


def _check(table: dict[str, tuple[str, _Check]], camel: str, value: Any) -> Any:
    name, check = table[camel]
    try:
        return check(value)
    except _Bad as exc:
        raise ValueError(f"option {camel!r} ({name}) must be {exc}, got {value!r}") from None


@dataclass
class _Options:
    """Options both sides share."""

    utf8_validate_incoming: bool = True
    apply_mask: bool = True
    max_frame_payload_size: int = 0
    max_message_payload_size: int = 0
    auto_fragment_size: int = 0
    fail_by_drop: bool = True
    echo_close_code_reason: bool = False
    open_handshake_timeout: float = 5
    close_handshake_timeout: float = 1
    tcp_no_delay: bool = True
    auto_ping_interval: float = 0
    auto_ping_timeout: float = 0
    auto_ping_size: int = 12
    auto_ping_restart_on_any_traffic: bool = True
    # ours: report MessageBegin/FrameBegin/FrameData/FrameEnd/MessageEnd, not MessageReceived
    frame_events: bool = False
    # ours: the longest opening-handshake HTTP head accepted, in bytes
    max_handshake_size: int = 65536

    def _table(self) -> dict[str, tuple[str, _Check]]:
        raise NotImplementedError

    def __post_init__(self) -> None:
        table = self._table()
        for camel, (name, _) in table.items():
            if camel != "allowedOriginsPatterns" or getattr(self, name):
                setattr(self, name, _check(table, camel, getattr(self, name)))
        for name, check in _OURS.items():
            try:
                check(getattr(self, name))
            except _Bad as exc:
                raise ValueError(f"option {name!r} must be {exc}") from None

    def _apply(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        table = self._table()
        changes: dict[str, Any] = {}
        for camel, value in kwargs.items():
            if camel not in table:
                side = "server" if isinstance(self, ServerOptions) else "client"
                raise ValueError(
                    f"unknown WebSocket {side} option {camel!r}; known options: "
                    + ", ".join(sorted(table))
                )
            if value is not None:
                changes[table[camel][0]] = _check(table, camel, value)
        return changes

    def set_protocol_options(self, **kwargs: Any) -> None:
        """Set options by Autobahn's camelCase names (see the module docstring)."""
        for name, value in self._apply(kwargs).items():
            setattr(self, name, value)

    def reset_protocol_options(self) -> None:
        """Restore every option to its default."""
        fresh = type(self)()
        for item in dataclasses.fields(self):
            setattr(self, item.name, getattr(fresh, item.name))


@dataclass
class ServerOptions(_Options):
    """Options of a WebSocket server (``WebSocketServerFactory.setProtocolOptions``)."""

    versions: tuple[int, ...] = (8, 13)
    web_status: bool = True
    mask_server_frames: bool = False
    require_masked_client_frames: bool = True
    per_message_compression_accept: OfferAcceptor | None = None
    serve_flash_socket_policy: bool = False
    flash_socket_policy: str = DEFAULT_FLASH_POLICY
    allowed_origins: list[str] = field(default_factory=lambda: ["*"])
    allowed_origins_patterns: list[re.Pattern[str]] = field(default_factory=list)
    allow_null_origin: bool = True
    max_connections: int = 0
    trust_x_forwarded_for: int = 0

    def _table(self) -> dict[str, tuple[str, _Check]]:
        return _SERVER

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.allowed_origins_patterns:
            self.allowed_origins_patterns = wildcards_to_patterns(self.allowed_origins)

    def set_protocol_options(self, **kwargs: Any) -> None:
        """Set options by Autobahn's camelCase names (see the module docstring).

        As in Autobahn, ``allowNullOrigin`` is set on every call: to False when not passed.
        """
        kwargs.setdefault("allowNullOrigin", False)
        if kwargs["allowNullOrigin"] is None:
            raise ValueError("option 'allowNullOrigin' (allow_null_origin) must be a bool")
        changes = self._apply(kwargs)
        if "allowed_origins" in changes and "allowed_origins_patterns" not in changes:
            changes["allowed_origins_patterns"] = wildcards_to_patterns(
                changes["allowed_origins"]
            )
        for name, value in changes.items():
            setattr(self, name, value)


@dataclass
class ClientOptions(_Options):
    """Options of a WebSocket client (``WebSocketClientFactory.setProtocolOptions``)."""

    version: int = 18
    accept_masked_server_frames: bool = False
    mask_client_frames: bool = True
    server_connection_drop_timeout: float = 1
    per_message_compression_offers: list[PerMessageDeflateOffer] = field(default_factory=list)
    # None accepts any valid answer to our offers (Autobahn's default refuses every answer)
    per_message_compression_accept: ResponseAcceptor | None = None

    def _table(self) -> dict[str, tuple[str, _Check]]:
        return _CLIENT
