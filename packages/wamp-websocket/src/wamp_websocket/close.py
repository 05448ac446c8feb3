"""Close codes (RFC 6455 7.4) and the Close frame payload (RFC 6455 5.5.1).

Wire format of a Close frame's payload: empty, or ``code|uint16 big-endian`` followed by a
UTF-8 ``reason`` (at most 123 bytes, since a control frame carries at most 125).
"""

from __future__ import annotations

from enum import IntEnum

from wamp_websocket.exceptions import ProtocolError

__all__ = [
    "MAX_REASON_BYTES",
    "CloseCode",
    "build_close_payload",
    "is_valid_close_code",
    "parse_close_payload",
    "truncate_reason",
]

MAX_REASON_BYTES = 123


class CloseCode(IntEnum):
    """Close codes registered with IANA (RFC 6455 7.4.1 and the registry)."""

    NORMAL = 1000
    GOING_AWAY = 1001
    PROTOCOL_ERROR = 1002
    UNSUPPORTED_DATA = 1003
    RESERVED = 1004  # never on the wire
    NO_STATUS = 1005  # never on the wire: "the Close frame had no code"
    ABNORMAL = 1006  # never on the wire: "closed without a Close frame"
    INVALID_PAYLOAD = 1007
    POLICY_VIOLATION = 1008
    MESSAGE_TOO_BIG = 1009
    MANDATORY_EXTENSION = 1010
    INTERNAL_ERROR = 1011
    SERVICE_RESTART = 1012
    TRY_AGAIN_LATER = 1013
    BAD_GATEWAY = 1014
    TLS_HANDSHAKE = 1015  # never on the wire


# RFC 6455 7.4.1/7.4.2: 1000-1003 and 1007-1011 are defined, 1012-1014 are registered with
# IANA since; 1004-1006 and 1015 MUST NOT be sent; 3000-3999 are registered by libraries and
# 4000-4999 are private. Everything else below 3000 is reserved.
_WIRE_CODES = frozenset((1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014))


def is_valid_close_code(code: int) -> bool:
    """Whether ``code`` may appear in a Close frame (RFC 6455 7.4)."""
    return code in _WIRE_CODES or 3000 <= code <= 4999


def truncate_reason(reason: str) -> bytes:
    """Encode ``reason`` as UTF-8, cut to 123 bytes at a code point boundary."""
    data = reason.encode("utf-8")
    if len(data) <= MAX_REASON_BYTES:
        return data
    return data[:MAX_REASON_BYTES].decode("utf-8", "ignore").encode("utf-8")


def build_close_payload(code: int | None, reason: str | None) -> bytes:
    """Return the payload of a Close frame; no code means an empty payload."""
    if code is None:
        return b""
    return code.to_bytes(2, "big") + truncate_reason(reason or "")


def parse_close_payload(payload: bytes) -> tuple[int | None, str]:
    """Return ``(code, reason)`` of a received Close frame; raise ProtocolError if invalid."""
    if not payload:
        return None, ""
    if len(payload) == 1:
        # RFC 6455 5.5.1: the body starts with a 2-byte code if it is present at all.
        raise ProtocolError(1002, "close frame with a 1-byte payload")
    code = int.from_bytes(payload[:2], "big")
    if not is_valid_close_code(code):
        raise ProtocolError(1002, f"invalid close code {code}")
    try:
        reason = payload[2:].decode("utf-8")
    except UnicodeDecodeError:
        # RFC 6455 5.5.1 / 8.1: the reason is UTF-8 text.
        raise ProtocolError(1007, "close reason is not valid UTF-8")
    return code, reason
