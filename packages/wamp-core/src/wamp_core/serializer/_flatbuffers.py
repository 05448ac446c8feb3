"""WAMP-FlatBuffers serializers (``wamp.2.flatbuffers``; RawSocket serializer 5).

The envelope is the WAMP-FlatBuffers schema (``wamp_core/_flatbuffers_gen/schema``,
the layout Autobahn|Python 26 speaks); args and kwargs travel inside it as CBOR
by default (``payload_serializer``). The schema has a field for what the spec
and Autobahn define, not for arbitrary Options/Details keys: those are dropped.
See :mod:`wamp_core.serializer._fbs_codec` for the wire details.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from zope.interface import implementer  # type: ignore[import-untyped]

from wamp_core.exception import SerializationError
from wamp_core.interfaces import IObjectSerializer
from wamp_core.serializer._binary import (
    CBORObjectSerializer,
    MsgPackObjectSerializer,
    UBJSONObjectSerializer,
    ubjson_available,
)
from wamp_core.serializer._common import Buffer, EncoderKey
from wamp_core.serializer._json import JsonObjectSerializer
from wamp_core.serializer._wamp import Serializer, shared_object_serializer

__all__ = ["FlatBuffersObjectSerializer", "FlatBuffersSerializer"]

_PAYLOAD_FORMATS: dict[str, type[Any]] = {
    "cbor": CBORObjectSerializer,
    "msgpack": MsgPackObjectSerializer,
    "json": JsonObjectSerializer,
    "ubjson": UBJSONObjectSerializer,
}


def _codec(name: str) -> Any:
    from wamp_core.serializer._fbs_codec import PayloadCodec

    objser = _PAYLOAD_FORMATS[name]()

    def loads(data: bytes) -> Any:
        return objser.unserialize(data)[0]

    return PayloadCodec(name, objser.serialize, loads)


def _reading_codecs() -> dict[str, Any]:
    names = [n for n in _PAYLOAD_FORMATS if n != "ubjson" or ubjson_available()]
    return {name: _codec(name) for name in names}


@implementer(IObjectSerializer)
class FlatBuffersObjectSerializer:
    """WAMP message lists <-> WAMP-FlatBuffers ``Message`` buffers (one per payload)."""

    NAME = "flatbuffers"
    BINARY = True
    _LABEL = "WAMP-FlatBuffers"

    def __init__(self, batched: bool = False, payload_serializer: str = "cbor") -> None:
        if batched:
            raise ValueError("WAMP-FlatBuffers has no batched mode")
        if payload_serializer not in _PAYLOAD_FORMATS:
            raise ValueError(
                f"unknown payload serializer {payload_serializer!r} "
                f"(known: {', '.join(sorted(_PAYLOAD_FORMATS))})"
            )
        # Imported here: the flatbuffers runtime imports numpy when it is installed.
        from wamp_core.serializer._fbs_codec import decode_message, encode_message

        self._batched = False
        codec = _codec(payload_serializer)
        codecs = _reading_codecs()
        self._cache_key = EncoderKey(
            f"flatbuffers/{payload_serializer}", lambda obj: encode_message(obj, codec)
        )

        def decode(payload: Buffer) -> list[Any]:
            return decode_message(payload, codecs)

        self._decode_single: Callable[[Buffer], list[Any]] = decode

    def serialize(self, obj: Any) -> bytes:
        """Return the WAMP message list ``obj`` as a WAMP-FlatBuffers buffer."""
        try:
            return self._cache_key.serialize(obj)
        except SerializationError:
            raise
        except Exception as exc:
            raise SerializationError(f"cannot serialize to WAMP-FlatBuffers: {exc}") from exc

    def unserialize(self, payload: bytes | bytearray | memoryview) -> list[Any]:
        """Return ``[message list]`` read from one WAMP-FlatBuffers buffer."""
        try:
            return [self._decode_single(payload)]
        except SerializationError:
            raise
        except Exception as exc:
            raise SerializationError(f"invalid WAMP-FlatBuffers payload: {exc}") from exc


class FlatBuffersSerializer(Serializer):
    """WAMP over FlatBuffers (``wamp.2.flatbuffers``; RawSocket serializer 5).

    ``payload_serializer`` names the format of args and kwargs inside the
    envelope: ``"cbor"`` (the default, what Autobahn|Python reads), ``"msgpack"``,
    ``"json"`` or ``"ubjson"``. There is no batched mode.
    """

    SERIALIZER_ID = "flatbuffers"
    RAWSOCKET_SERIALIZER_ID = 5
    MIME_TYPE = "application/x-flatbuffers"

    def __init__(self, batched: bool = False, payload_serializer: str = "cbor") -> None:
        if batched:
            raise ValueError("WAMP-FlatBuffers has no batched mode")
        self.PAYLOAD_SERIALIZER_ID = payload_serializer
        objser = shared_object_serializer(FlatBuffersObjectSerializer, False, payload_serializer)
        super().__init__(objser, False)
