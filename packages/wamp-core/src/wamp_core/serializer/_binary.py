"""MessagePack, CBOR and UBJSON object serializers.

Each uses the compiled path of its library (``msgpack``'s C packer and
unpacker, ``cbor2``'s native module, ``py-ubjson``'s C extension) and lets the
library decide how values outside JSON's model travel (integers beyond 64 bits,
NaN, extension types, tags). CBOR is the exception: cbor2 spends more on each
array and map than needed, so :mod:`._cbor_impl` supplies the encoder and
decoder, compiled (``_cbor_speedups``) when built, else Python for small
containers; both give cbor2's bytes and values and leave the rare cases to
cbor2. A MessagePack
payload must hold exactly one value; CBOR and UBJSON, like their libraries,
ignore octets after the first.

Batched mode (spec: WAMP-over-Batched-WebSocket): every message is preceded by
its length as a 4-octet big-endian unsigned integer, and a payload carries any
number of such records.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable
from typing import Any

import msgpack  # type: ignore[import-untyped]
from zope.interface import implementer  # type: ignore[import-untyped]

from wamp_core.exception import SerializationError
from wamp_core.interfaces import IObjectSerializer
from wamp_core.serializer import _cbor_impl
from wamp_core.serializer._common import Buffer, EncoderKey, frame_record, split_records

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


def ubjson_available() -> bool:
    """Whether py-ubjson (the ``ubjson`` extra) is installed."""
    return _ubjson is not None


def require_ubjson() -> Any:
    """The py-ubjson module, or :class:`ImportError` naming the extra to install."""
    if _ubjson is None:
        raise ImportError(
            "the UBJSON serializer needs py-ubjson: pip install 'wamp-core[ubjson]'"
        )
    return _ubjson


class BinaryObjectSerializer:
    """Framing and error handling over a library's ``dumps`` and ``loads``.

    ``_cache_key.serialize`` and ``_decode_single`` are the bare functions
    (library exceptions escape them) that the message serializers call on
    their fast path; ``serialize`` and ``unserialize`` wrap them.
    """

    NAME = ""
    BINARY = True
    _LABEL = ""

    def __init__(self, batched: bool, dumps: Callable[[Any], bytes],
                 loads: Callable[[Any], Any]) -> None:
        self._batched = bool(batched)
        self._loads = loads
        if self._batched:
            self._cache_key = EncoderKey(f"{self.NAME}.batched",
                                         lambda obj: frame_record(dumps(obj)))
            self._decode_single: Callable[[Any], Any] | None = None
        else:
            self._cache_key = EncoderKey(self.NAME, dumps)
            self._decode_single = loads

    def serialize(self, obj: Any) -> bytes:
        """Return ``obj`` serialized (length-prefixed when batched)."""
        try:
            return self._cache_key.serialize(obj)
        except SerializationError:
            raise
        except Exception as exc:
            raise SerializationError(f"cannot serialize to {self._LABEL}: {exc}") from exc

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
class MsgPackObjectSerializer(BinaryObjectSerializer):
    """MessagePack with the str/bin distinction (``use_bin_type``), strings read as str."""

    NAME = "msgpack"
    _LABEL = "MessagePack"

    def __init__(self, batched: bool = False) -> None:
        # One packer for the serializer (packb() builds one per call). unpackb()
        # reads strings as str, refuses trailing octets (ExtraData) and
        # containers claiming more items than the payload has octets.
        packer = msgpack.Packer(use_bin_type=True)
        super().__init__(batched, packer.pack, msgpack.unpackb)


@implementer(IObjectSerializer)
class CBORObjectSerializer(BinaryObjectSerializer):
    """CBOR (RFC 8949): the bytes and values of cbor2, sooner.

    The encoder and decoder come from :mod:`._cbor_impl`: compiled when built
    (``CBOR_SPEEDUPS``), else Python for small containers and cbor2 for the rest
    (cbor2 6 pays a high fixed cost per container).
    """

    NAME = "cbor"
    _LABEL = "CBOR"

    def __init__(self, batched: bool = False) -> None:
        super().__init__(batched, _cbor_impl.dumps, _cbor_impl.loads)


# UBJSON containers with a type and a count ("[$Z#l<count>") make py-ubjson
# allocate the count up front. For element types without payload octets (null,
# no-op, true, false) nothing bounds the count but the count itself, so a few
# octets could demand gigabytes: their counts must add up to no more than the
# payload size. Other typed containers need an octet per element, so only 32-
# and 64-bit counts (larger than any payload) need looking at. Both scans are
# regular expressions over the payload (C speed; matches are rare in honest data).
_ZERO_SIZE_COUNTED = re.compile(rb"\$[ZNTF]#([iUIlL])")
_LONG_COUNTED = re.compile(rb"\$.#([lL])", re.DOTALL)
_COUNT_FORMATS = {
    b"i": struct.Struct(">b"), b"U": struct.Struct(">B"), b"I": struct.Struct(">h"),
    b"l": struct.Struct(">i"), b"L": struct.Struct(">q"),
}


def _count(raw: bytes, match: re.Match[bytes]) -> int:
    fmt = _COUNT_FORMATS[match.group(1)]
    if match.end() + fmt.size > len(raw):
        return 0  # truncated: the decoder reports it
    return int(fmt.unpack_from(raw, match.end())[0])


def _check_ubjson_counts(raw: bytes) -> None:
    """Refuse typed, counted containers that would allocate more than the payload holds."""
    if b"#" not in raw or b"$" not in raw:  # memchr: cheap on the common path
        return
    limit = len(raw)
    total = 0
    for match in _ZERO_SIZE_COUNTED.finditer(raw):
        total += _count(raw, match)
        if total > limit:
            raise SerializationError(
                f"invalid UBJSON payload: counted containers of empty values hold {total} "
                f"elements by offset {match.start()}, more than the payload size ({limit} octets)"
            )
    for match in _LONG_COUNTED.finditer(raw):
        count = _count(raw, match)
        if count > limit:
            raise SerializationError(
                f"invalid UBJSON payload: container count {count} at offset {match.start()} "
                f"exceeds the payload size ({limit} octets)"
            )


@implementer(IObjectSerializer)
class UBJSONObjectSerializer(BinaryObjectSerializer):
    """UBJSON (Draft 12, ubjson.org) with py-ubjson: spec UBJSON, not BJData.

    Needs the ``ubjson`` extra (``pip install 'wamp-core[ubjson]'``); without it
    the constructor raises :class:`ImportError`.
    """

    NAME = "ubjson"
    _LABEL = "UBJSON"

    def __init__(self, batched: bool = False) -> None:
        module = require_ubjson()
        loadb = module.loadb

        def loads(data: Buffer) -> Any:
            raw = data if type(data) is bytes else bytes(data)
            _check_ubjson_counts(raw)
            return loadb(raw)

        super().__init__(batched, module.dumpb, loads)
