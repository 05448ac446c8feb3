"""The one place the engine takes its hot paths from: compiled when built, pure Python otherwise.

- ``apply_mask(data, mask) -> bytes``: XOR ``data`` (any bytes-like object) with the 4-byte
  ``mask`` repeated (RFC 6455 5.3); a mask of another length raises ValueError.
- ``Utf8Validator``: incremental UTF-8 validation with Autobahn's contract,
  ``validate(chunk) -> (valid, ends_on_codepoint, current_index, total_index)`` and ``reset()``.
- ``SPEEDUPS``: True when the compiled module ``wamp_websocket._speedups`` is in use.

Setting the environment variable ``WAMP_WEBSOCKET_NO_SPEEDUPS=1`` before the import forces the
pure-Python versions (for tests and benchmarks). Both behave identically.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

__all__ = ["SPEEDUPS", "Utf8Validator", "apply_mask"]


def _wanted() -> bool:
    return os.environ.get("WAMP_WEBSOCKET_NO_SPEEDUPS", "").lower() not in ("1", "yes", "true")


if TYPE_CHECKING:  # both implementations have the same signatures; type against the reference
    from wamp_websocket._pure import Utf8Validator, apply_mask

    SPEEDUPS: bool
else:
    try:
        if not _wanted():
            raise ImportError("WAMP_WEBSOCKET_NO_SPEEDUPS is set")
        from wamp_websocket._speedups import Utf8Validator, apply_mask
    except ImportError:  # not built, or switched off: the pure-Python versions
        from wamp_websocket._pure import Utf8Validator, apply_mask

        SPEEDUPS = False
    else:
        SPEEDUPS = True
