"""RawSocket serializer ids and their names.

The handshake names the serializer by a 4-bit id; the spec assigns 1 to 5 and reserves
6 to 15 for future serializers (0 is illegal). The names are the ones WAMP uses for the
WebSocket subprotocols ``wamp.2.<name>`` and Autobahn|Python for its serializers.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Final

from wamp_rawsocket.exceptions import InvalidOptions

__all__ = [
    "SERIALIZER_IDS",
    "SERIALIZER_NAMES",
    "SerializerId",
    "serializer_id",
    "serializer_name",
]


class SerializerId(IntEnum):
    """The serializer ids the spec defines."""

    JSON = 1
    MSGPACK = 2
    CBOR = 3
    UBJSON = 4
    FLATBUFFERS = 5


SERIALIZER_NAMES: Final[dict[int, str]] = {
    SerializerId.JSON: "json",
    SerializerId.MSGPACK: "msgpack",
    SerializerId.CBOR: "cbor",
    SerializerId.UBJSON: "ubjson",
    SerializerId.FLATBUFFERS: "flatbuffers",
}
"""Serializer id -> name."""

SERIALIZER_IDS: Final[dict[str, int]] = {name: sid for sid, name in SERIALIZER_NAMES.items()}
"""Serializer name -> id."""


def serializer_name(sid: int) -> str:
    """The name of a serializer id; ids the spec reserves read ``"serializer <id>"``."""
    name = SERIALIZER_NAMES.get(sid)
    if name is not None:
        return name
    if isinstance(sid, int) and 6 <= sid <= 15:
        return f"serializer {sid}"
    raise InvalidOptions(f"no RawSocket serializer has id {sid!r} (valid ids: 1 to 15)")


def serializer_id(name: str) -> int:
    """The id of a serializer name (case-insensitive), e.g. ``serializer_id("cbor") == 3``."""
    sid = SERIALIZER_IDS.get(name.lower()) if isinstance(name, str) else None
    if sid is None:
        known = ", ".join(SERIALIZER_IDS)
        raise InvalidOptions(f"unknown RawSocket serializer {name!r} (known: {known})")
    return sid
