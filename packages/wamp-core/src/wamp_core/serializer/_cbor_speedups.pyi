"""Typing stub of the compiled module ``_cbor_speedups.pyx`` (see ``_cbor_impl``)."""

from __future__ import annotations

from typing import Any, Final

__all__: Final[list[str]]

MAX_NESTING: Final[int]
MAX_DECODE_NESTING: Final[int]

def dumps(obj: Any, /) -> bytes: ...
def loads(data: bytes | bytearray | memoryview, /) -> Any: ...
