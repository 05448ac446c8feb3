"""Small helpers shared by the client and router sides of WAMP authentication.

- :func:`require` imports an optional dependency and, when it is missing, raises
  :class:`MissingExtraError` naming the ``wamp-core[...]`` extra that installs it.
- :func:`xor` for equal-length byte strings (cryptosign channel binding, SCRAM proofs).
- :func:`saslprep`: RFC 4013 SASLprep (the stringprep profile SCRAM applies to
  user names), built on the standard library's :mod:`stringprep` tables.
- :func:`b64decode_strict`: canonical base64 only (RFC 4648, no whitespace).

Nothing here reads a clock or does I/O.
"""

from __future__ import annotations

import base64
import binascii
import importlib
import stringprep
import unicodedata
from types import ModuleType

__all__ = [
    "MissingExtraError",
    "b64decode_strict",
    "require",
    "saslprep",
    "xor",
]


class MissingExtraError(ImportError):
    """An optional dependency of an authentication method is not installed.

    The message names the method, the missing module and the extra that
    installs it, e.g. ``pip install 'wamp-core[cryptosign]'``.
    """


def require(module: str, extra: str, feature: str) -> ModuleType:
    """Import ``module``; if it is missing raise :class:`MissingExtraError`."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(
            f"{feature} needs the Python module {module!r}, which is not installed; "
            f"install it with: pip install 'wamp-core[{extra}]'"
        ) from exc


def xor(left: bytes, right: bytes) -> bytes:
    """Bytewise XOR of two byte strings of the same length."""
    if len(left) != len(right):
        raise ValueError(f"cannot XOR {len(left)} bytes with {len(right)} bytes")
    return (int.from_bytes(left, "big") ^ int.from_bytes(right, "big")).to_bytes(len(left), "big")


def b64decode_strict(text: str) -> bytes:
    """Decode canonical base64 text; anything else raises ``ValueError``."""
    if not isinstance(text, str):
        raise ValueError(f"base64 text must be a str, got {type(text).__name__}")
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error) as exc:
        raise ValueError(f"invalid base64 text {text!r}") from exc
    if base64.b64encode(raw).decode("ascii") != text:
        raise ValueError(f"non-canonical base64 text {text!r}")
    return raw


# RFC 4013 section 3: prohibited output (C.1.2 is mapped to SPACE before).
_PROHIBITED = (
    stringprep.in_table_c12,
    stringprep.in_table_c21,
    stringprep.in_table_c22,
    stringprep.in_table_c3,
    stringprep.in_table_c4,
    stringprep.in_table_c5,
    stringprep.in_table_c6,
    stringprep.in_table_c7,
    stringprep.in_table_c8,
    stringprep.in_table_c9,
)


def saslprep(text: str, allow_unassigned: bool = False) -> str:
    """Prepare ``text`` with SASLprep (RFC 4013), as SCRAM does for user names.

    Maps non-ASCII spaces to SPACE and removes characters mapped to nothing,
    applies NFKC, then refuses prohibited characters, unassigned code points
    (unless ``allow_unassigned``) and bad bidirectional text with ``ValueError``.
    """
    if not isinstance(text, str):
        raise TypeError(f"saslprep: expected a str, got {type(text).__name__}")
    # RFC 4013 2.1 (mapping) and 2.2 (NFKC normalization)
    mapped = "".join(
        " " if stringprep.in_table_c12(ch) else ch
        for ch in text
        if not stringprep.in_table_b1(ch)
    )
    prepared = unicodedata.normalize("NFKC", mapped)
    if not prepared:
        return prepared
    for ch in prepared:
        if any(table(ch) for table in _PROHIBITED):
            raise ValueError(f"saslprep: prohibited character U+{ord(ch):04X} in {text!r}")
        if not allow_unassigned and stringprep.in_table_a1(ch):
            raise ValueError(f"saslprep: unassigned code point U+{ord(ch):04X} in {text!r}")
    _check_bidi(text, prepared)
    return prepared


def _check_bidi(text: str, prepared: str) -> None:
    """RFC 3454 section 6: right-to-left text must be wholly right-to-left."""
    has_ral = any(stringprep.in_table_d1(ch) for ch in prepared)
    if not has_ral:
        return
    if any(stringprep.in_table_d2(ch) for ch in prepared):
        raise ValueError(f"saslprep: mixed left-to-right and right-to-left text in {text!r}")
    if not (stringprep.in_table_d1(prepared[0]) and stringprep.in_table_d1(prepared[-1])):
        raise ValueError(
            f"saslprep: right-to-left text must start and end with a right-to-left "
            f"character in {text!r}"
        )
