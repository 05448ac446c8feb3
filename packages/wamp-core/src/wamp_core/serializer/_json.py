"""JSON for WAMP: the standard library's C encoder and scanner, plus WAMP's binary convention.

WAMP over JSON carries binary values as strings: a NUL character followed by the
base64 text of the bytes (``"\\u0000AQI="`` for ``b"\\x01\\x02"``), and reads such
strings back as bytes. Neither direction walks the message in Python on the
common path:

- encoding uses the C encoder of :mod:`json` with a ``default`` hook; bytes are
  not JSON types, so the C encoder calls the hook for them (at any depth) and
  only for them;
- decoding uses the C scanner, and only when the payload contains the escape
  ``\\u0000`` (a NUL must be escaped in JSON text) does a walk turn the marked
  strings into bytes.

Text is UTF-8 without ``\\u`` escapes for non-ASCII characters, with compact
separators. ``Decimal`` values are written as strings (as Autobahn|Python does).
"""

from __future__ import annotations

import binascii
import decimal
import json
import re
from collections.abc import Callable
from typing import Any

from zope.interface import implementer  # type: ignore[import-untyped]

from wamp_core.exception import SerializationError
from wamp_core.interfaces import IObjectSerializer
from wamp_core.serializer._common import Buffer, EncoderKey

__all__ = ["JsonObjectSerializer"]

# WAMP batched mode over JSON: every message is followed by this octet (the spec's
# record separator). Autobahn|Python writes 0x18 instead; both are read (neither
# can occur unescaped in JSON text).
RECORD_SEPARATOR = "\x1e"
_AUTOBAHN_SEPARATOR = "\x18"

_NUL_ESCAPE = "\\u0000"
_JSON_WS = " \t\n\r"
_DECIMAL_TEXT = re.compile(r"^[+\-]?(\d+\.?\d*|\.\d+)([eE][+\-]?\d+)?$")

_BINARY_TYPES = (bytes, bytearray, memoryview)


def _default_base64(obj: Any) -> Any:
    if isinstance(obj, _BINARY_TYPES):
        return "\x00" + binascii.b2a_base64(obj, newline=False).decode("ascii")
    if isinstance(obj, decimal.Decimal):
        return str(obj)
    raise TypeError(f"{type(obj).__name__} is not serializable to JSON")


def _default_hex(obj: Any) -> Any:
    if isinstance(obj, _BINARY_TYPES):
        return "0x" + binascii.b2a_hex(obj).decode("ascii")
    if isinstance(obj, decimal.Decimal):
        return str(obj)
    raise TypeError(f"{type(obj).__name__} is not serializable to JSON")


def _make_encoder(default: Callable[[Any], Any], suffix: str) -> Callable[[Any], bytes]:
    """Return ``obj -> UTF-8 bytes`` (plus ``suffix``): the C encoder when there is one."""
    try:
        from _json import encode_basestring, make_encoder
    except ImportError:  # pragma: no cover - not CPython
        pass
    else:
        # markers=None: no cycle bookkeeping (a cycle ends in RecursionError).
        c_encode = make_encoder(None, default, encode_basestring, None, ":", ",",
                                False, False, True)
        try:
            probe = "".join(c_encode([0], 0))
        except TypeError:  # pragma: no cover - a signature we do not know
            probe = ""
        if probe == "[0]":
            if suffix:
                return lambda obj: ("".join(c_encode(obj, 0)) + suffix).encode()
            return lambda obj: "".join(c_encode(obj, 0)).encode()
    encode = json.JSONEncoder(  # pragma: no cover - not CPython
        ensure_ascii=False, separators=(",", ":"), default=default
    ).encode
    return lambda obj: (encode(obj) + suffix).encode()  # pragma: no cover


def _unmark_base64(text: str) -> bytes:
    return binascii.a2b_base64(text[1:])


def _unmark_hex(text: str) -> bytes:
    return binascii.a2b_hex(text[2:])


def _convert_strings(obj: Any, convert: Callable[[str], Any]) -> Any:
    """Apply ``convert`` to every string in a decoded JSON value (in place, iteratively)."""
    if type(obj) is str:
        return convert(obj)
    stack = [obj]
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        items = node.items() if type(node) is dict else enumerate(node)
        for key, value in items:
            kind = type(value)
            if kind is str:
                new = convert(value)
                if new is not value:
                    node[key] = new
            elif kind is list or kind is dict:
                push(value)
    return obj


@implementer(IObjectSerializer)
class JsonObjectSerializer:
    """JSON (RFC 8259) with WAMP's convention for binary values.

    ``batched``: every serialized object ends with the record separator 0x1E and
    a payload may carry several. ``use_binary_hex_encoding``: bytes travel as
    ``"0x"`` + hex instead of NUL + base64. ``use_decimal_from_str``: strings
    that look like numbers are read as ``Decimal``; ``use_decimal_from_float``:
    JSON floats are read as ``Decimal``.
    """

    NAME = "json"
    BINARY = False
    _LABEL = "JSON"

    def __init__(
        self,
        batched: bool = False,
        use_binary_hex_encoding: bool = False,
        use_decimal_from_str: bool = False,
        use_decimal_from_float: bool = False,
    ) -> None:
        self._batched = bool(batched)
        self._use_binary_hex_encoding = bool(use_binary_hex_encoding)
        self._use_decimal_from_str = bool(use_decimal_from_str)
        self._use_decimal_from_float = bool(use_decimal_from_float)
        decoder = json.JSONDecoder(
            parse_float=decimal.Decimal if use_decimal_from_float else None
        )
        self._decoder = decoder
        self._scan = decoder.scan_once  # type: ignore[attr-defined]
        self._convert = self._make_converter()
        # Without options, a walk is needed only when a NUL escape is present.
        self._always_walk = bool(use_binary_hex_encoding or use_decimal_from_str)
        default = _default_hex if use_binary_hex_encoding else _default_base64
        name = "json.batched" if batched else "json"
        suffix = RECORD_SEPARATOR if batched else ""
        self._cache_key = EncoderKey(name, _make_encoder(default, suffix))
        self._decode_single: Callable[[Any], Any] | None = (
            None if batched else self._loads_payload
        )

    def _make_converter(self) -> Callable[[str], Any]:
        unmark = _unmark_hex if self._use_binary_hex_encoding else _unmark_base64
        prefix = "0x" if self._use_binary_hex_encoding else "\x00"
        from_str = self._use_decimal_from_str
        match = _DECIMAL_TEXT.match

        def convert(text: str) -> Any:
            if text.startswith(prefix):
                return unmark(text)
            if from_str and match(text):
                return decimal.Decimal(text)
            return text

        return convert

    # -- IObjectSerializer ---------------------------------------------------

    def serialize(self, obj: Any) -> bytes:
        """Return ``obj`` as UTF-8 JSON text (followed by 0x1E when batched)."""
        try:
            return self._cache_key.serialize(obj)
        except Exception as exc:
            raise SerializationError(f"cannot serialize to JSON: {exc}") from exc

    def unserialize(self, payload: Buffer | str) -> list[Any]:
        """Return the objects in ``payload`` (one, or every record when batched)."""
        try:
            if not self._batched:
                return [self._loads_payload(payload)]
            text = payload if isinstance(payload, str) else str(payload, "utf-8")
            return self._loads_batch(text)
        except SerializationError:
            raise
        except Exception as exc:
            raise SerializationError(f"invalid JSON payload: {exc}") from exc

    # -- internals -------------------------------------------------------------

    def _loads_payload(self, payload: Buffer | str) -> Any:
        return self._loads(payload if isinstance(payload, str) else str(payload, "utf-8"))

    def _loads(self, text: str) -> Any:
        try:
            obj, end = self._scan(text, 0)
        except StopIteration:
            # Leading whitespace, or invalid: let the full decoder say which.
            obj = self._decoder.decode(text)
        else:
            if end != len(text) and text[end:].strip(_JSON_WS):
                raise SerializationError(f"invalid JSON payload: extra data at offset {end}")
        if self._always_walk or _NUL_ESCAPE in text:
            obj = _convert_strings(obj, self._convert)
        return obj

    def _loads_batch(self, text: str) -> list[Any]:
        if _AUTOBAHN_SEPARATOR in text:
            text = text.replace(_AUTOBAHN_SEPARATOR, RECORD_SEPARATOR)
        records = text.split(RECORD_SEPARATOR)
        if records[-1] == "":
            records.pop()
        if not records:
            raise SerializationError("invalid batched JSON payload: no message")
        loads = self._loads
        return [loads(record) for record in records]
