"""The RawSocket wire format: the 4-octet handshake and the 4-octet frame header.

Both are big-endian 32-bit words (WAMP advanced profile, "RawSocket Transport").

Handshake request (client) and accepting reply (server)::

    0111 1111 LLLL SSSS RRRR RRRR RRRR RRRR
    magic 0x7F, LLLL = n (the sender receives at most 2**(9+n) octets per message),
    SSSS = serializer id (1..15, 0 is illegal), R = reserved, must be zero.

Error reply (server)::

    0111 1111 EEEE 0000 RRRR RRRR RRRR RRRR
    EEEE = error code (1..4 defined, 0 illegal, 5..15 reserved); SSSS = 0 marks the error.

Frame header, followed by the payload::

    RRRR XTTT LLLL LLLL LLLL LLLL LLLL LLLL
    R = reserved (zero), TTT = frame type (0 message, 1 ping, 2 pong, 3..7 reserved),
    L = payload length (24 bits); X is a 25th length bit, set only for a payload of exactly
    2**24 octets, and then the 24 L bits are all zero.
"""

from __future__ import annotations

import struct
from enum import IntEnum
from typing import Final

from wamp_rawsocket.exceptions import InvalidOptions

__all__ = [
    "DEFAULT_MAX_LENGTH_EXPONENT",
    "ERROR_DESCRIPTIONS",
    "MAGIC",
    "MAX_LENGTH_EXPONENT",
    "MAX_MESSAGE_SIZE",
    "MIN_MESSAGE_SIZE",
    "FrameType",
    "HandshakeErrorCode",
    "describe_error",
    "encode_error_reply",
    "encode_frame_header",
    "encode_handshake",
    "length_exponent_for",
    "max_length_for",
]

MAGIC: Final = 0x7F
"""First octet of every handshake request and reply."""

MAX_LENGTH_EXPONENT: Final = 15
"""Largest LLLL value: 2**(9+15) = 16 MiB."""

DEFAULT_MAX_LENGTH_EXPONENT: Final = 15
"""What Autobahn|Python announces by default (a 16 MiB maximum), and so do we."""

MIN_MESSAGE_SIZE: Final = 1 << 9
MAX_MESSAGE_SIZE: Final = 1 << 24

_X_BIT: Final = 0x08
_RESERVED_BITS: Final = 0xF0
_WORD: Final = struct.Struct(">I")


class FrameType(IntEnum):
    """The TTT bits of a frame header."""

    MESSAGE = 0
    PING = 1
    PONG = 2


class HandshakeErrorCode(IntEnum):
    """The EEEE nibble of an error reply, as the spec numbers it."""

    SERIALIZER_UNSUPPORTED = 1
    MAX_LENGTH_UNACCEPTABLE = 2
    RESERVED_BITS_USED = 3
    MAX_CONNECTIONS_REACHED = 4


ERROR_DESCRIPTIONS: Final[dict[int, str]] = {
    0: "illegal error code 0",
    HandshakeErrorCode.SERIALIZER_UNSUPPORTED: "serializer unsupported",
    HandshakeErrorCode.MAX_LENGTH_UNACCEPTABLE: "maximum message length unacceptable",
    HandshakeErrorCode.RESERVED_BITS_USED: "use of reserved bits (unsupported feature)",
    HandshakeErrorCode.MAX_CONNECTIONS_REACHED: "maximum connection count reached",
}


def describe_error(code: int) -> str:
    """A readable text for a handshake error code, also for codes the spec reserves."""
    text = ERROR_DESCRIPTIONS.get(code)
    return text if text is not None else f"unknown error code {code} (reserved by the spec)"


def max_length_for(exponent: int) -> int:
    """The maximum message length that LLLL = ``exponent`` announces: 2**(9+exponent)."""
    _check_exponent("max_length_exponent", exponent)
    return 1 << (9 + exponent)


def length_exponent_for(size: int) -> int:
    """The smallest exponent whose maximum holds ``size`` octets (512 <= size <= 2**24).

    A size between two powers of two rounds up, as Autobahn|Python does: the announced
    maximum (and the limit we enforce) is then the next power of two.
    """
    if isinstance(size, bool) or not isinstance(size, int):
        raise InvalidOptions(f"message size must be an int, not {type(size).__name__}")
    if not MIN_MESSAGE_SIZE <= size <= MAX_MESSAGE_SIZE:
        raise InvalidOptions(
            f"message size must be between {MIN_MESSAGE_SIZE} and {MAX_MESSAGE_SIZE}, not {size}"
        )
    return max((size - 1).bit_length() - 9, 0)


def encode_handshake(serializer_id: int, exponent: int) -> bytes:
    """The 4 octets of a request or accepting reply."""
    _check_exponent("max_length_exponent", exponent)
    if isinstance(serializer_id, bool) or not isinstance(serializer_id, int):
        raise InvalidOptions(f"serializer id must be an int, not {type(serializer_id).__name__}")
    if not 1 <= serializer_id <= 15:
        raise InvalidOptions(f"serializer id must be between 1 and 15, not {serializer_id}")
    return bytes((MAGIC, (exponent << 4) | serializer_id, 0, 0))


def encode_error_reply(code: int) -> bytes:
    """The 4 octets of an error reply (SSSS = 0, EEEE = ``code``)."""
    if not 1 <= code <= 15:
        raise InvalidOptions(f"handshake error code must be between 1 and 15, not {code}")
    return bytes((MAGIC, code << 4, 0, 0))


def encode_frame_header(frame_type: int, length: int) -> bytes:
    """The 4-octet header of a frame of ``length`` payload octets (0 <= length <= 2**24)."""
    if length < MAX_MESSAGE_SIZE:
        return _WORD.pack((frame_type << 24) | length)
    if length == MAX_MESSAGE_SIZE:
        # the X bit stands for 2**24; the 24 length bits stay zero
        return _WORD.pack((_X_BIT | frame_type) << 24)
    raise ValueError(f"a RawSocket frame holds at most {MAX_MESSAGE_SIZE} octets, not {length}")


def _check_exponent(name: str, exponent: int) -> None:
    if isinstance(exponent, bool) or not isinstance(exponent, int):
        raise InvalidOptions(f"{name} must be an int, not {type(exponent).__name__}")
    if not 0 <= exponent <= MAX_LENGTH_EXPONENT:
        raise InvalidOptions(
            f"{name} must be between 0 (512 octets) and {MAX_LENGTH_EXPONENT} (16 MiB), "
            f"not {exponent}"
        )
