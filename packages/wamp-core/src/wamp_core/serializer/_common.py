"""Pieces the object serializers share: batched-mode framing and the cache key."""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

from wamp_core.exception import SerializationError

__all__ = ["Buffer", "EncoderKey", "frame_record", "split_records"]

Buffer = bytes | bytearray | memoryview

_LENGTH = struct.Struct(">I")
_pack_length = _LENGTH.pack
_unpack_length = _LENGTH.unpack_from
_MAX_RECORD = 0xFFFFFFFF


class EncoderKey:
    """What ``Message.serialize()`` is given: ``serialize`` is the bare encoder.

    One per object serializer configuration, so a message sent to many peers
    is encoded once per configuration and cached under this key. The encoder
    may raise the library's own exceptions; the message serializer turns them
    into :class:`SerializationError`.
    """

    __slots__ = ("name", "serialize")

    def __init__(self, name: str, serialize: Callable[[Any], bytes]) -> None:
        self.name = name
        self.serialize = serialize

    def __repr__(self) -> str:
        return f"<EncoderKey {self.name}>"


def frame_record(data: bytes) -> bytes:
    """Prefix one serialized record with its length (batched mode)."""
    if len(data) > _MAX_RECORD:
        raise SerializationError(f"record of {len(data)} octets is too long for batched mode")
    return _pack_length(len(data)) + data


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
