"""Protocol options of a RawSocket connection, and the ``setProtocolOptions`` mapper.

Autobahn|Python's Twisted RawSocket factories take one option,
``setProtocolOptions(maxMessagePayloadSize=...)`` (512 to 2**24 octets, default 2**24); its
asyncio factories take none. We keep that name and add the ones Autobahn's WebSocket
factories use for deadlines (``openHandshakeTimeout``, ``autoPingInterval``,
``autoPingTimeout``, ``autoPingSize``), so an adapter maps ``setProtocolOptions(**kw)`` one
to one onto :func:`set_protocol_options`. Each key may also be given in snake_case.

As in Autobahn, a value of ``None`` leaves an option unchanged and ``0`` switches a
deadline off.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Final

from wamp_rawsocket.exceptions import InvalidOptions
from wamp_rawsocket.wire import MAX_MESSAGE_SIZE, MIN_MESSAGE_SIZE, length_exponent_for

__all__ = [
    "AUTO_PING_SIZE_RANGE",
    "DEFAULT_OPEN_HANDSHAKE_TIMEOUT",
    "OPTION_NAMES",
    "RawSocketOptions",
    "check_delay",
    "check_int",
    "reset_protocol_options",
    "set_protocol_options",
]

DEFAULT_OPEN_HANDSHAKE_TIMEOUT: Final = 5.0
"""Seconds; the default of Autobahn|Python's WebSocket servers, applied to both sides."""

AUTO_PING_SIZE_RANGE: Final = (4, 512)
"""Automatic ping payloads: at least 4 octets (a counter), at most 512 (fits every peer)."""

OPTION_NAMES: Final[dict[str, str]] = {
    "maxMessagePayloadSize": "max_message_size",
    "minPeerMaxMessagePayloadSize": "min_peer_max_message_size",
    "openHandshakeTimeout": "open_handshake_timeout",
    "autoPingInterval": "auto_ping_interval",
    "autoPingTimeout": "auto_ping_timeout",
    "autoPingSize": "auto_ping_size",
    "maxConnections": "max_connections",
}
"""Autobahn-style (camelCase) option name -> field of :class:`RawSocketOptions`."""


def check_int(name: str, value: object, low: int, high: int) -> int:
    """``value`` as an int in ``low..high``, or :class:`InvalidOptions` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidOptions(f"{name} must be an int, not {type(value).__name__} {value!r}")
    if not low <= value <= high:
        raise InvalidOptions(f"{name} must be between {low} and {high}, not {value}")
    return value


def check_delay(name: str, value: object) -> float | None:
    """A deadline in seconds: a positive finite number, or None/0 for "off"."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidOptions(
            f"{name} must be a number of seconds (or 0/None for off), "
            f"not {type(value).__name__} {value!r}"
        )
    if value == 0:
        return None
    if not (value > 0 and math.isfinite(value)):
        raise InvalidOptions(f"{name} must be a positive number of seconds, not {value!r}")
    return float(value)


@dataclass(frozen=True)
class RawSocketOptions:
    """Validated options for a client or server engine (and its adapter's factory).

    ``max_message_size`` rounds up to a power of two in the handshake (as in Autobahn):
    ``max_length_exponent`` is what the engine announces and enforces.
    """

    max_message_size: int = MAX_MESSAGE_SIZE
    """Largest message we accept (``maxMessagePayloadSize``), 512..2**24 octets."""
    min_peer_max_message_size: int = MIN_MESSAGE_SIZE
    """Refuse a peer that accepts less than this (a server answers error 2)."""
    open_handshake_timeout: float | None = DEFAULT_OPEN_HANDSHAKE_TIMEOUT
    """Seconds for the opening handshake, or None."""
    auto_ping_interval: float | None = None
    """Seconds between automatic pings once open, or None."""
    auto_ping_timeout: float | None = None
    """Seconds to wait for the pong of an automatic ping before failing, or None."""
    auto_ping_size: int = 4
    """Payload octets of an automatic ping."""
    max_connections: int | None = None
    """For server factories: beyond this many open connections, answer error 4."""

    def __post_init__(self) -> None:
        size_range = (MIN_MESSAGE_SIZE, MAX_MESSAGE_SIZE)
        check_int("max_message_size", self.max_message_size, *size_range)
        check_int("min_peer_max_message_size", self.min_peer_max_message_size, *size_range)
        check_int("auto_ping_size", self.auto_ping_size, *AUTO_PING_SIZE_RANGE)
        for name in ("open_handshake_timeout", "auto_ping_interval", "auto_ping_timeout"):
            object.__setattr__(self, name, check_delay(name, getattr(self, name)))
        if self.max_connections is not None:
            check_int("max_connections", self.max_connections, 1, 2**31)

    @property
    def max_length_exponent(self) -> int:
        """The LLLL we announce: the smallest n with 2**(9+n) >= ``max_message_size``."""
        return length_exponent_for(self.max_message_size)

    @property
    def min_peer_max_length_exponent(self) -> int:
        """The smallest LLLL we accept from the peer."""
        return length_exponent_for(self.min_peer_max_message_size)

    def engine_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``ClientConnection`` / ``ServerConnection``."""
        return {
            "max_length_exponent": self.max_length_exponent,
            "min_peer_max_length_exponent": self.min_peer_max_length_exponent,
            "open_handshake_timeout": self.open_handshake_timeout,
            "auto_ping_interval": self.auto_ping_interval,
            "auto_ping_timeout": self.auto_ping_timeout,
            "auto_ping_size": self.auto_ping_size,
        }


_FIELDS: Final = frozenset(f.name for f in dataclasses.fields(RawSocketOptions))


def set_protocol_options(options: RawSocketOptions, **kw: Any) -> RawSocketOptions:
    """A copy of ``options`` with the given options changed; ``None`` leaves one unchanged.

    Keys are Autobahn's camelCase names (``maxMessagePayloadSize``, ``autoPingInterval``...)
    or the snake_case field names. An unknown key or a bad value raises
    :class:`InvalidOptions` naming the key.
    """
    changes: dict[str, Any] = {}
    for key, value in kw.items():
        field = OPTION_NAMES.get(key, key)
        if field not in _FIELDS:
            allowed = ", ".join(OPTION_NAMES)
            raise InvalidOptions(f"unknown RawSocket protocol option {key!r} (allowed: {allowed})")
        if value is None:
            continue
        try:
            dataclasses.replace(options, **{field: value})
        except InvalidOptions as exc:
            raise InvalidOptions(f"RawSocket protocol option {key!r}: {exc}") from None
        changes[field] = value
    return dataclasses.replace(options, **changes)


def reset_protocol_options() -> RawSocketOptions:
    """The defaults (Autobahn's ``resetProtocolOptions``)."""
    return RawSocketOptions()
