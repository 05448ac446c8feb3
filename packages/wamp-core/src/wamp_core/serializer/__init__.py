"""WAMP serializers, with Autobahn|Python's names.

Object serializers (``IObjectSerializer``: plain values <-> bytes):
:class:`JsonObjectSerializer`, :class:`MsgPackObjectSerializer`,
:class:`CBORObjectSerializer`, :class:`UBJSONObjectSerializer`,
:class:`FlatBuffersObjectSerializer`.

Message serializers (``ISerializer``: messages <-> ``(bytes, is_binary)``), with
their WebSocket subprotocol and RawSocket serializer number:

- :class:`JsonSerializer`: ``wamp.2.json``, ``wamp.2.json.batched``; 1
- :class:`MsgPackSerializer`: ``wamp.2.msgpack``, ``wamp.2.msgpack.batched``; 2
- :class:`CBORSerializer`: ``wamp.2.cbor``, ``wamp.2.cbor.batched``; 3
- :class:`UBJSONSerializer`: ``wamp.2.ubjson``, ``wamp.2.ubjson.batched``; 4
- :class:`FlatBuffersSerializer`: ``wamp.2.flatbuffers``; 5

Batched JSON ends every message with 0x1E (the spec's record separator;
Autobahn|Python writes 0x18, which is read too). Batched MessagePack, CBOR and
UBJSON put a 4-octet big-endian length before every message. UBJSON needs the
``ubjson`` extra.

:data:`SERID_TO_SER`, :data:`SUBPROTOCOL_TO_SER` and :data:`RAWSOCKET_ID_TO_SER`
map serializer ids, WebSocket subprotocols and RawSocket numbers to the
installed formats. :data:`CBOR_SPEEDUPS` says whether CBOR is encoded and
decoded by the compiled module (else by Python and cbor2; the same bytes and
values). :func:`create_transport_serializer` builds a serializer from
an id (``"cbor"``, ``"json.batched"``); :func:`serializer_for_subprotocol` and
:func:`serializer_for_rawsocket_id` from what a handshake negotiated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from wamp_core.serializer._binary import (
    CBORObjectSerializer,
    MsgPackObjectSerializer,
    UBJSONObjectSerializer,
    ubjson_available,
)
from wamp_core.serializer._cbor_impl import CBOR_SPEEDUPS
from wamp_core.serializer._flatbuffers import (
    FlatBuffersObjectSerializer,
    FlatBuffersSerializer,
)
from wamp_core.serializer._json import JsonObjectSerializer
from wamp_core.serializer._wamp import (
    CBORSerializer,
    JsonSerializer,
    MsgPackSerializer,
    Serializer,
    UBJSONSerializer,
)

__all__ = [
    "CBOR_SPEEDUPS",
    "RAWSOCKET_ID_TO_SER",
    "SERID_TO_OBJSER",
    "SERID_TO_SER",
    "SUBPROTOCOL_TO_SER",
    "CBORObjectSerializer",
    "CBORSerializer",
    "FlatBuffersObjectSerializer",
    "FlatBuffersSerializer",
    "JsonObjectSerializer",
    "JsonSerializer",
    "MsgPackObjectSerializer",
    "MsgPackSerializer",
    "Serializer",
    "UBJSONObjectSerializer",
    "UBJSONSerializer",
    "create_transport_serializer",
    "create_transport_serializers",
    "serializer_for_rawsocket_id",
    "serializer_for_subprotocol",
]

_ALL_SERIALIZERS: tuple[type[Serializer], ...] = (
    JsonSerializer,
    MsgPackSerializer,
    CBORSerializer,
    UBJSONSerializer,
    FlatBuffersSerializer,
)
_ALL_OBJECT_SERIALIZERS: tuple[type[Any], ...] = (
    JsonObjectSerializer,
    MsgPackObjectSerializer,
    CBORObjectSerializer,
    UBJSONObjectSerializer,
    FlatBuffersObjectSerializer,
)


def _available(cls: type[Any]) -> bool:
    return cls.NAME != "ubjson" or ubjson_available()


SERID_TO_SER: dict[str, type[Serializer]] = {
    cls.SERIALIZER_ID: cls for cls in _ALL_SERIALIZERS
    if cls is not UBJSONSerializer or ubjson_available()
}
"""Serializer id (``"json"`` ...) -> message serializer class, for the installed formats."""

SERID_TO_OBJSER: dict[str, type[Any]] = {
    cls.NAME: cls for cls in _ALL_OBJECT_SERIALIZERS if _available(cls)
}
"""Format name -> object serializer class, for the installed formats."""

RAWSOCKET_ID_TO_SER: dict[int, type[Serializer]] = {
    cls.RAWSOCKET_SERIALIZER_ID: cls for cls in SERID_TO_SER.values()
}
"""RawSocket serializer number -> message serializer class, for the installed formats."""

_BATCHABLE = frozenset({"json", "msgpack", "cbor", "ubjson"})

SUBPROTOCOL_TO_SER: dict[str, tuple[type[Serializer], bool]] = {
    f"wamp.2.{ser_id}{suffix}": (cls, bool(suffix))
    for ser_id, cls in SERID_TO_SER.items()
    for suffix in (("", ".batched") if ser_id in _BATCHABLE else ("",))
}
"""WebSocket subprotocol (``"wamp.2.cbor.batched"``) -> (class, batched), installed formats."""


def _known_ids() -> str:
    names = [*SERID_TO_SER, *(f"{n}.batched" for n in SERID_TO_SER if n in _BATCHABLE)]
    return ", ".join(repr(n) for n in sorted(names))


def create_transport_serializer(serializer_id: str) -> Serializer:
    """Build a serializer from its id: ``"cbor"``, ``"msgpack.batched"`` ...

    Raises :class:`ValueError` for an unknown id, :class:`ImportError` when the
    format needs an extra that is not installed (``ubjson``).
    """
    name, dot, mode = serializer_id.partition(".")
    if (dot and mode != "batched") or (mode and name not in _BATCHABLE):
        raise ValueError(f"unknown serializer {serializer_id!r} (known: {_known_ids()})")
    factory: Callable[..., Serializer] | None = SERID_TO_SER.get(name)
    if factory is None:
        if name == UBJSONSerializer.SERIALIZER_ID:
            return UBJSONSerializer(batched=bool(mode))  # raises the ImportError with the hint
        raise ValueError(f"unknown serializer {serializer_id!r} (known: {_known_ids()})")
    return factory(batched=bool(mode))


def create_transport_serializers(transport: Any) -> list[Serializer]:
    """Build the serializers listed in ``transport.serializers`` (ids, in order)."""
    ids: Iterable[str] = transport.serializers
    return [create_transport_serializer(serializer_id) for serializer_id in ids]


def serializer_for_subprotocol(subprotocol: str) -> Serializer:
    """Build the serializer for a negotiated WebSocket subprotocol (``"wamp.2.cbor"``)."""
    prefix = "wamp.2."
    if not subprotocol.startswith(prefix):
        raise ValueError(f"{subprotocol!r} is not a WAMP v2 WebSocket subprotocol")
    return create_transport_serializer(subprotocol[len(prefix):])


def serializer_for_rawsocket_id(serializer_id: int) -> Serializer:
    """Build the serializer for a RawSocket handshake's serializer number (1..5)."""
    factory: Callable[..., Serializer] | None = RAWSOCKET_ID_TO_SER.get(serializer_id)
    if factory is None:
        if serializer_id == UBJSONSerializer.RAWSOCKET_SERIALIZER_ID:
            return UBJSONSerializer()  # raises the ImportError with the hint
        known = ", ".join(
            f"{k} ({c.SERIALIZER_ID})" for k, c in sorted(RAWSOCKET_ID_TO_SER.items())
        )
        raise ValueError(f"unknown RawSocket serializer {serializer_id!r} (known: {known})")
    return factory()
