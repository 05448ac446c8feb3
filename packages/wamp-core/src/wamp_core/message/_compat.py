"""Autobahn's message-level helpers (``autobahn.wamp.message``), for code that imports them."""

from __future__ import annotations

from typing import Any

from wamp_core.exception import ProtocolError
from wamp_core.message._check import show
from wamp_core.util import ID_MAX

__all__ = [
    "PAYLOAD_ENC_CRYPTO_BOX",
    "PAYLOAD_ENC_MQTT",
    "PAYLOAD_ENC_STANDARD_IDENTIFIERS",
    "PAYLOAD_ENC_STANDARD_SERIALIZERS",
    "PAYLOAD_ENC_XBR",
    "check_or_raise_extra",
    "check_or_raise_id",
    "is_valid_enc_algo",
    "is_valid_enc_serializer",
]

PAYLOAD_ENC_CRYPTO_BOX = "cryptobox"
"""Payload passthru scheme: end-to-end encryption with NaCl cryptobox (Autobahn)."""
PAYLOAD_ENC_MQTT = "mqtt"
"""Payload passthru scheme: an MQTT payload carried as is."""
PAYLOAD_ENC_XBR = "xbr"
"""Payload passthru scheme: XBR (Autobahn)."""
PAYLOAD_ENC_STANDARD_IDENTIFIERS = [PAYLOAD_ENC_CRYPTO_BOX, PAYLOAD_ENC_MQTT, PAYLOAD_ENC_XBR,
                                    "wamp.eth"]
"""Known payload passthru schemes (``ppt_scheme``); custom ones start with ``x_``."""
PAYLOAD_ENC_STANDARD_SERIALIZERS = ["json", "msgpack", "cbor", "ubjson", "flatbuffers", "mqtt"]
"""Known payload passthru serializers (``ppt_serializer``); custom ones start with ``x_``."""


def is_valid_enc_algo(enc_algo: Any) -> bool:
    """Whether ``enc_algo`` is a known passthru scheme or a custom ``x_...`` one."""
    return type(enc_algo) is str and (
        enc_algo in PAYLOAD_ENC_STANDARD_IDENTIFIERS or enc_algo.startswith("x_")
    )


def is_valid_enc_serializer(enc_serializer: Any) -> bool:
    """Whether ``enc_serializer`` is a known passthru serializer or a custom ``x_...`` one."""
    return type(enc_serializer) is str and (
        enc_serializer in PAYLOAD_ENC_STANDARD_SERIALIZERS or enc_serializer.startswith("x_")
    )


def check_or_raise_id(value: Any, message: str = "WAMP message invalid") -> int:
    """Autobahn's ID check: an int in [0, 2**53], else ProtocolError."""
    if type(value) is not int:
        raise ProtocolError(f"{message}: invalid type {type(value).__name__} for ID")
    if not 0 <= value <= ID_MAX:
        raise ProtocolError(f"{message}: invalid value {value} for ID")
    return value


def check_or_raise_extra(value: Any, message: str = "WAMP message invalid") -> dict[str, Any]:
    """Autobahn's check of an Options/Details/Extra dict: string keys, else ProtocolError."""
    if type(value) is not dict:
        raise ProtocolError(f"{message}: invalid type {type(value).__name__} for WAMP extra")
    for k in value:
        if type(k) is not str:
            raise ProtocolError(f"{message}: invalid key {show(k)} in WAMP extra (not a string)")
    return value
