"""The one place the CBOR serializer takes its encoder and decoder from.

- ``dumps(obj) -> bytes``: the same bytes as ``cbor2.dumps(obj)``; compiled
  (``_cbor_speedups``) when built, else :func:`._cbor.dumps` (Python for small
  containers, cbor2 for the rest).
- ``loads(data)``: the same value (or error) as ``cbor2.loads(data)``; compiled when built,
  else ``cbor2.loads`` itself.
- ``CBOR_SPEEDUPS``: True when the compiled module is in use.

Setting the environment variable ``WAMP_CORE_NO_SPEEDUPS=1`` before the import forces the
pure path (for tests and benchmarks). Both write the same bytes and read the same values,
except that the compiled encoder refuses values nested deeper than its
``MAX_NESTING`` (400) containers, where the pure path hands them to cbor2.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from cbor2 import loads as cbor2_loads

from wamp_core.serializer._cbor import dumps as pure_dumps

__all__ = ["CBOR_SPEEDUPS", "dumps", "loads", "pure_dumps", "pure_loads"]

pure_loads: Callable[[Any], Any] = cbor2_loads
"""The pure path's decoder: cbor2's."""


def _wanted() -> bool:
    return os.environ.get("WAMP_CORE_NO_SPEEDUPS", "").lower() not in ("1", "yes", "true")


dumps: Callable[[Any], bytes]
loads: Callable[[Any], Any]
CBOR_SPEEDUPS: bool

try:
    if not _wanted():
        raise ImportError("WAMP_CORE_NO_SPEEDUPS is set")
    from wamp_core.serializer import _cbor_speedups
except ImportError:  # not built, or switched off: the pure path
    dumps, loads, CBOR_SPEEDUPS = pure_dumps, pure_loads, False
else:
    dumps, loads, CBOR_SPEEDUPS = _cbor_speedups.dumps, _cbor_speedups.loads, True
