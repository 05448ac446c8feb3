"""CBOR encoding of WAMP messages: small containers here, everything else by cbor2.

cbor2 6 (a Rust extension) pays about 0.2 us per call and 0.35 to 0.45 us per
array or map it meets, while its cost per scalar is low (0.05 to 0.1 us). A
WAMP message is a short list holding a few IDs, a URI, an Options dict (often
empty) and short ``args``/``kwargs``, so for most messages the container cost is
most of the time: ``cbor2.dumps`` takes about 2 us for a small CALL.

:func:`dumps` writes the short containers itself (RFC 8949: a head with the
major type and the item count, then the items; definite lengths, the shortest
head for every integer and length) together with the integers, strings, byte
strings, booleans, null and finite floats inside them. Every other value goes
to ``cbor2.dumps`` whole: containers of more than :data:`SMALL` items (a map
entry counts two; there cbor2's lower cost per item wins), big integers, NaN
and the infinities, subclasses, tags, sets, anything else, and whatever lies
deeper than :data:`MAX_DEPTH`. A CBOR array or map is its head followed by the
encodings of its items, each a complete data item, so the pieces join into
exactly the bytes ``cbor2.dumps`` writes for the whole (cbor2 writes finite
floats as doubles); a test checks that byte for byte.

This is the pure path: when the compiled ``_cbor_speedups`` is built, :mod:`._cbor_impl`
uses it instead (the same bytes, sooner).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from itertools import chain
from typing import Any

from cbor2 import dumps as cbor2_dumps

__all__ = ["MAX_DEPTH", "SMALL", "dumps"]

SMALL = 8
"""Containers with more items than this (a map entry counts two) are encoded by cbor2.

About where the two cost the same: each item costs more here, each container more there.
"""

_ENTRIES = SMALL // 2  # the same limit for maps

MAX_DEPTH = 16
"""Containers nested deeper than this are encoded by cbor2 (with its limits and checks)."""


def _heads(major: int) -> list[bytes]:
    """Heads for the arguments 0 to 255 of a major type (RFC 8949 3: 0-23 inline, 24: 1 octet)."""
    return [bytes((major | n,)) for n in range(24)] + [bytes((major | 24, n))
                                                       for n in range(24, 256)]


_UINT = _heads(0x00)
_NINT = _heads(0x20)
_BYTES = _heads(0x40)
_TEXT = _heads(0x60)
_ARRAY = _heads(0x80)
_MAP = _heads(0xA0)
_NULL, _TRUE, _FALSE = b"\xf6", b"\xf5", b"\xf4"
_pack16 = struct.Struct(">BH").pack
_pack32 = struct.Struct(">BI").pack
_pack64 = struct.Struct(">BQ").pack
_pack_double = struct.Struct(">Bd").pack
_U64 = 1 << 64


def _long_head(major: int, n: int) -> bytes:
    """The head of a major type for an argument of 256 or more."""
    if n < 0x10000:
        return _pack16(major | 25, n)
    if n < 0x100000000:
        return _pack32(major | 26, n)
    return _pack64(major | 27, n)


def _int(v: int) -> bytes:
    """An integer outside 0..255: major type 0 or 1 up to 64 bits, else cbor2's bignum."""
    if 0 <= v < _U64:
        return _UINT[v] if v < 256 else _long_head(0x00, v)
    if -_U64 <= v < 0:
        n = -1 - v
        return _NINT[n] if n < 256 else _long_head(0x20, n)
    return cbor2_dumps(v)


def _container(obj: Any, add: Callable[[bytes], object], depth: int) -> None:
    """Append the encoding of a list, tuple or dict of at most SMALL items."""
    if type(obj) is dict:
        add(_MAP[len(obj)])
        items: Any = chain.from_iterable(obj.items())  # key, value, key, value ...
    else:
        add(_ARRAY[len(obj)])
        items = obj
    for x in items:
        t = type(x)
        if t is str:
            data = x.encode()
            n = len(data)
            add(_TEXT[n] if n < 256 else _long_head(0x60, n))
            add(data)
        elif t is int:
            if x < 0:
                add(_int(x))
            elif x < 256:
                add(_UINT[x])
            elif x < 0x10000:
                add(_pack16(25, x))
            elif x < 0x100000000:
                add(_pack32(26, x))
            elif x < _U64:
                add(_pack64(27, x))
            else:
                add(cbor2_dumps(x))
        elif t is dict:
            n = len(x)
            if not n:
                add(_MAP[0])
            elif n <= _ENTRIES and depth < MAX_DEPTH:
                _container(x, add, depth + 1)
            else:
                add(cbor2_dumps(x))
        elif t is list or t is tuple:
            n = len(x)
            if not n:
                add(_ARRAY[0])
            elif n <= SMALL and depth < MAX_DEPTH:
                _container(x, add, depth + 1)
            else:
                add(cbor2_dumps(x))
        elif x is None:
            add(_NULL)
        elif t is bool:
            add(_TRUE if x else _FALSE)
        elif t is float and x - x == 0.0:  # finite
            add(_pack_double(0xFB, x))
        elif t is bytes:
            n = len(x)
            add(_BYTES[n] if n < 256 else _long_head(0x40, n))
            add(x)
        else:
            add(cbor2_dumps(x))


def dumps(obj: Any) -> bytes:
    """``obj`` as CBOR: the same bytes as ``cbor2.dumps(obj)``, sooner for small messages."""
    t = type(obj)
    if ((t is list or t is tuple) and len(obj) <= SMALL) or (t is dict and len(obj) <= _ENTRIES):
        parts: list[bytes] = []
        _container(obj, parts.append, 1)
        return b"".join(parts)
    return cbor2_dumps(obj)
