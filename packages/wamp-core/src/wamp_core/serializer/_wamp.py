"""WAMP message serializers: a message object in, ``(bytes, is_binary)`` out, and back.

Each class pairs an object serializer (``IObjectSerializer``) with WAMP's
identifiers for it: ``SERIALIZER_ID`` (WebSocket subprotocol ``wamp.2.<id>``,
``<id>.batched`` in batched mode), ``RAWSOCKET_SERIALIZER_ID`` (the RawSocket
handshake number) and ``MIME_TYPE``.

``serialize`` goes through ``Message.serialize(key)``, so a message sent to
many peers is serialized once per serializer configuration: the key (and the
object serializer behind it) is shared between serializer instances of the
same configuration (they hold no per-connection state).

``unserialize`` raises :class:`~wamp_core.exception.SerializationError` for
bytes that do not decode (the cause chained) and
:class:`~wamp_core.exception.ProtocolError` for decoded values that are not
WAMP messages; never anything else.
"""

from __future__ import annotations

from typing import Any, ClassVar

from zope.interface import implementer  # type: ignore[import-untyped]

from wamp_core.exception import ProtocolError, SerializationError
from wamp_core.interfaces import ISerializer
from wamp_core.message import MESSAGE_CLASSES, Message
from wamp_core.message import parse as parse_message
from wamp_core.serializer._binary import (
    CBORObjectSerializer,
    MsgPackObjectSerializer,
    UBJSONObjectSerializer,
    require_ubjson,
)
from wamp_core.serializer._common import EncoderKey
from wamp_core.serializer._json import JsonObjectSerializer

__all__ = [
    "CBORSerializer",
    "JsonSerializer",
    "MsgPackSerializer",
    "Serializer",
    "UBJSONSerializer",
]

_SHARED: dict[tuple[Any, ...], Any] = {}
_PARSERS = {code: cls.parse for code, cls in MESSAGE_CLASSES.items()}


def shared_object_serializer(cls: type[Any], *args: Any) -> Any:
    """One object serializer per (class, configuration), shared by every user."""
    key = (cls, *args)
    objser = _SHARED.get(key)
    if objser is None:
        objser = _SHARED[key] = cls(*args)
    return objser


@implementer(ISerializer)
class Serializer:
    """Base class: WAMP messages over one object serializer."""

    MESSAGE_TYPE_MAP: ClassVar[dict[int, type[Message]]] = MESSAGE_CLASSES
    SERIALIZER_ID: str = ""
    RAWSOCKET_SERIALIZER_ID: ClassVar[int] = 0
    PAYLOAD_SERIALIZER_ID: str = ""
    MIME_TYPE: ClassVar[str] = ""
    SUBPROTOCOL: str = ""
    """The WebSocket subprotocol, ``wamp.2.`` + ``SERIALIZER_ID``."""

    def __init__(self, serializer: Any, batched: bool | None = None) -> None:
        """Wrap ``serializer``, any ``IObjectSerializer`` (batched as it says)."""
        self._serializer = serializer
        self._binary: bool = bool(serializer.BINARY)
        if batched is None:
            batched = bool(getattr(serializer, "_batched", False))
        self._batched = bool(batched)
        # The fast path: bare encoder/decoder, library exceptions converted here.
        # Object serializers from elsewhere get the plain path.
        self._key = getattr(serializer, "_cache_key", None) or EncoderKey(
            str(serializer.NAME), serializer.serialize
        )
        self._decode_single = getattr(serializer, "_decode_single", None)
        self._label = str(getattr(serializer, "_LABEL", serializer.NAME))
        base = type(self).SERIALIZER_ID or str(serializer.NAME)
        self.SERIALIZER_ID = f"{base}.batched" if batched else base
        self.SUBPROTOCOL = f"wamp.2.{self.SERIALIZER_ID}"
        if not self.PAYLOAD_SERIALIZER_ID:
            self.PAYLOAD_SERIALIZER_ID = base

    @property
    def BINARY(self) -> bool:
        """Whether the serialized messages are binary (else UTF-8 text)."""
        return self._binary

    @property
    def batched(self) -> bool:
        """Whether several messages may share one transport message."""
        return self._batched

    def serialize(self, msg: Message) -> tuple[bytes, bool]:
        """Return ``(payload, is_binary)`` for ``msg`` (cached on the message)."""
        try:
            return msg.serialize(self._key), self._binary
        except SerializationError:
            raise
        except Exception as exc:
            raise self._encode_error(msg, exc) from exc

    def serialize_many(self, msgs: list[Message]) -> tuple[bytes, bool]:
        """Return one payload carrying every message of ``msgs`` (batched mode only)."""
        if not self._batched:
            raise ValueError(
                f"serialize_many() needs a batched serializer; {self.SERIALIZER_ID!r} sends "
                "one message per transport message"
            )
        key = self._key
        try:
            return b"".join([msg.serialize(key) for msg in msgs]), self._binary
        except SerializationError:
            raise
        except Exception as exc:
            raise self._encode_error(None, exc) from exc

    def unserialize(self, payload: bytes, is_binary: bool | None = None, *,
                    isBinary: bool | None = None) -> list[Message]:
        """Return the messages in ``payload``; see the module text for the errors.

        ``isBinary`` is Autobahn's spelling of ``is_binary``, accepted as well.
        """
        if is_binary is None:
            is_binary = isBinary
        if is_binary is not None and (not is_binary) == self._binary:
            kind = "binary" if is_binary else "text"
            want = "binary" if self._binary else "text"
            raise ProtocolError(
                f"invalid serialization of WAMP message: {kind} payload, "
                f"{self.SERIALIZER_ID} is {want}"
            )
        decode = self._decode_single
        if decode is None:
            return [parse_message(raw) for raw in self._serializer.unserialize(payload)]
        try:
            obj = decode(payload)
        except SerializationError:
            raise
        except Exception as exc:
            raise SerializationError(f"invalid {self._label} payload: {exc}") from exc
        # message.parse() without the call: the dispatch, then its checks on anything odd.
        if type(obj) is list and obj and type(obj[0]) is int:
            parser = _PARSERS.get(obj[0])
            if parser is not None:
                return [parser(obj)]
        return [parse_message(obj)]

    def _encode_error(self, msg: Message | None, exc: Exception) -> SerializationError:
        what = f"{type(msg).__name__.upper()} message" if msg is not None else "messages"
        return SerializationError(f"cannot serialize {what} to {self._label}: {exc}")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(batched={self._batched})"


class JsonSerializer(Serializer):
    """WAMP over JSON (``wamp.2.json``; RawSocket serializer 1)."""

    SERIALIZER_ID = "json"
    RAWSOCKET_SERIALIZER_ID = 1
    MIME_TYPE = "application/json"

    def __init__(
        self,
        batched: bool = False,
        use_binary_hex_encoding: bool = False,
        use_decimal_from_str: bool = False,
    ) -> None:
        objser = shared_object_serializer(
            JsonObjectSerializer, bool(batched), bool(use_binary_hex_encoding),
            bool(use_decimal_from_str),
        )
        super().__init__(objser, batched)


class MsgPackSerializer(Serializer):
    """WAMP over MessagePack (``wamp.2.msgpack``; RawSocket serializer 2)."""

    SERIALIZER_ID = "msgpack"
    RAWSOCKET_SERIALIZER_ID = 2
    MIME_TYPE = "application/x-msgpack"

    def __init__(self, batched: bool = False) -> None:
        super().__init__(shared_object_serializer(MsgPackObjectSerializer, bool(batched)), batched)


class CBORSerializer(Serializer):
    """WAMP over CBOR (``wamp.2.cbor``; RawSocket serializer 3)."""

    SERIALIZER_ID = "cbor"
    RAWSOCKET_SERIALIZER_ID = 3
    MIME_TYPE = "application/cbor"

    def __init__(self, batched: bool = False) -> None:
        super().__init__(shared_object_serializer(CBORObjectSerializer, bool(batched)), batched)


class UBJSONSerializer(Serializer):
    """WAMP over UBJSON (``wamp.2.ubjson``; RawSocket serializer 4).

    Spec UBJSON (py-ubjson, the ``ubjson`` extra), as Crossbar.io and
    Autobahn|Python up to 25.x speak it; Autobahn 26 sends BJData under this
    name, which is not compatible.
    """

    SERIALIZER_ID = "ubjson"
    RAWSOCKET_SERIALIZER_ID = 4
    MIME_TYPE = "application/ubjson"

    def __init__(self, batched: bool = False) -> None:
        require_ubjson()  # before the shared instance: the message names the extra
        super().__init__(shared_object_serializer(UBJSONObjectSerializer, bool(batched)), batched)
