"""MessagePack, CBOR and UBJSON object serializers.

Each uses the compiled path of its library (``msgpack``'s C packer and
unpacker, ``cbor2``'s native module, ``py-ubjson``'s C extension) and lets the
library decide how values outside JSON's model travel (integers beyond 64 bits,
NaN, extension types, tags).

Batched mode (spec: WAMP-over-Batched-WebSocket): every message is preceded by
its length as a 4-octet big-endian unsigned integer, and a payload carries any
number of such records.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable
from typing import Any

import cbor2
import msgpack  # type: ignore[import-untyped]
from zope.interface import implementer  # type: ignore[import-untyped]

from wamp_core.exception import SerializationError
from wamp_core.interfaces import IObjectSerializer

__all__ = [
    "CBORObjectSerializer",
    "MsgPackObjectSerializer",
    "UBJSONObjectSerializer",
    "require_ubjson",
    "ubjson_available",
]

try:
    import ubjson as _ubjson  # type: ignore[import-untyped]
except ImportError:  # the "ubjson" extra is not installed
    _ubjson = None

_LENGTH = struct.Struct(">I")
_pack_length = _LENGTH.pack
_unpack_length = _LENGTH.unpack_from
_MAX_RECORD = 0xFFFFFFFF

Buffer = bytes | bytearray | memoryview


def ubjson_available() -> bool:
    """Whether py-ubjson (the ``ubjson`` extra) is installed."""
    return _ubjson is not None


def split_records(payload: Buffer, loads: Callable[[Any], Any]) -> list[Any]:
    """Decode every length-prefixed record of a batched payload with ``loads``."""
    view = memoryview(payload)
    end = len(view)
    out = []
    pos = 0
    while pos < end:
        if pos + 4 > end:
            raise SerializationError(f"batched payload: truncated length prefix at offset {pos}")
        (size,) = _unpack_length(view, pos)
        pos += 4
        if pos + size > end:
            raise SerializationError(
                f"batched payload: record of {size} octets at offset {pos} "
                f"runs past the end ({end} octets)"
            )
        out.append(loads(view[pos:pos + size]))
        pos += size
    if not out:
        raise SerializationError("batched payload: no message")
    return out


def frame_record(data: bytes) -> bytes:
    """Prefix one serialized record with its length (batched mode)."""
    if len(data) > _MAX_RECORD:
        raise SerializationError(f"record of {len(data)} octets is too long for batched mode")
    return _pack_length(len(data)) + data


class _BinaryObjectSerializer:
    """Shared framing and error handling; subclasses set ``_dumps`` and ``_loads``."""

    NAME = ""
    BINARY = True
    _LABEL = ""

    def __init__(self, batched: bool = False) -> None:
        self._batched = bool(batched)

    def _dumps(self, obj: Any) -> bytes:  # pragma: no cover - overridden
        raise NotImplementedError

    def _loads(self, data: Buffer) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def serialize(self, obj: Any) -> bytes:
        """Return ``obj`` serialized (length-prefixed when batched)."""
        try:
            data = self._dumps(obj)
        except Exception as exc:
            raise SerializationError(f"cannot serialize to {self._LABEL}: {exc}") from exc
        if self._batched:
            return frame_record(data)
        return data

    def unserialize(self, payload: Buffer) -> list[Any]:
        """Return the objects in ``payload`` (one, or every record when batched)."""
        try:
            if self._batched:
                return split_records(payload, self._loads)
            return [self._loads(payload)]
        except SerializationError:
            raise
        except Exception as exc:
            raise SerializationError(f"invalid {self._LABEL} payload: {exc}") from exc


@implementer(IObjectSerializer)
class MsgPackObjectSerializer(_BinaryObjectSerializer):
    """MessagePack with the str/bin distinction (``use_bin_type``), strings read as str."""

    NAME = "msgpack"
    _LABEL = "MessagePack"

    def __init__(self, batched: bool = False) -> None:
        super().__init__(batched)
        # One packer per serializer: packb() would build one per call.
        self._dumps = msgpack.Packer(use_bin_type=True).pack  # type: ignore[method-assign]

    @staticmethod
    def _loads(data: Buffer) -> Any:
        # Trailing octets raise ExtraData; containers claiming more items
        # than the payload has octets raise before anything is allocated.
        return msgpack.unpackb(data, raw=False)


@implementer(IObjectSerializer)
class CBORObjectSerializer(_BinaryObjectSerializer):
    """CBOR (RFC 8949) with cbor2."""

    NAME = "cbor"
    _LABEL = "CBOR"

    @staticmethod
    def _dumps(obj: Any) -> bytes:
        return cbor2.dumps(obj)

    @staticmethod
    def _loads(data: Buffer) -> Any:
        # Like cbor2.loads (and Autobahn|Python): octets after the first data item
        # are not looked at.
        return cbor2.loads(data)


# UBJSON containers with a type and a count ("[$Z#l<count>") make py-ubjson
# allocate the count up front, even for types without payload octets (null,
# no-op, true, false). A count larger than the whole payload cannot be honest.
_UBJSON_COUNTED = re.compile(rb"[\[{]\$[^#]#([iUIlL])")
_UBJSON_COUNT_FORMATS = {b"i": ">b", b"U": ">B", b"I": ">h", b"l": ">i", b"L": ">q"}


def _check_ubjson_counts(raw: bytes) -> None:
    if b"$" not in raw:
        return
    limit = len(raw)
    for match in _UBJSON_COUNTED.finditer(raw):
        fmt = _UBJSON_COUNT_FORMATS[match.group(1)]
        try:
            (count,) = struct.unpack_from(fmt, raw, match.end())
        except struct.error:
            continue  # truncated: the decoder reports it
        if count > limit:
            raise SerializationError(
                f"invalid UBJSON payload: container count {count} at offset {match.start()} "
                f"exceeds the payload size ({limit} octets)"
            )


def require_ubjson() -> Any:
    if _ubjson is None:
        raise ImportError(
            "the UBJSON serializer needs py-ubjson: pip install 'wamp-core[ubjson]'"
        )
    return _ubjson


@implementer(IObjectSerializer)
class UBJSONObjectSerializer(_BinaryObjectSerializer):
    """UBJSON (Draft 12, ubjson.org) with py-ubjson: spec UBJSON, not BJData.

    Needs the ``ubjson`` extra (``pip install 'wamp-core[ubjson]'``); without it
    the constructor raises :class:`ImportError`.
    """

    NAME = "ubjson"
    _LABEL = "UBJSON"

    def __init__(self, batched: bool = False) -> None:
        module = require_ubjson()
        super().__init__(batched)
        self._dumpb = module.dumpb
        self._loadb = module.loadb

    def _dumps(self, obj: Any) -> bytes:
        return self._dumpb(obj)  # type: ignore[no-any-return]

    def _loads(self, data: Buffer) -> Any:
        raw = data if type(data) is bytes else bytes(data)
        _check_ubjson_counts(raw)
        # Like py-ubjson: octets after the first value are not looked at.
        return self._loadb(raw)
