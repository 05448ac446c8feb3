"""The frame layer (RFC 6455 5.2): parse frames out of a buffer, and build frame headers.

This module is the receive hot path. It is plain Python that Cython also compiles unchanged
(pure Python mode: the ``cython`` names below are no-ops when it runs uncompiled).

Wire format of a frame::

     0                   1                   2                   3
     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    +-+-+-+-+-------+-+-------------+-------------------------------+
    |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
    |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
    |N|V|V|V|       |S|             |   (if payload len==126/127)   |
    | |1|2|3|       |K|             |                               |
    +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
    |     Extended payload length continued, if payload len == 127  |
    + - - - - - - - - - - - - - - - +-------------------------------+
    |                               | Masking-key, if MASK set to 1 |
    +-------------------------------+-------------------------------+
    | Masking-key (continued)       |          Payload Data         |
    +-------------------------------- - - - - - - - - - - - - - - - +

:class:`FrameParser` keeps a bytearray and a read index. ``parse(events)`` runs a tight
loop: every unfragmented text/binary frame that is complete in the buffer becomes a
``MessageReceived`` appended to ``events`` straight away (the fast path). It stops at
anything else (a control frame, a fragment, a compressed frame, a frame not yet complete)
and hands that frame to the connection, a piece of payload at a time, through its public
attributes (``opcode``, ``fin``, ``rsv1``, ``length``, ``chunk``, ``first``, ``last``).
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wamp_websocket import _cython_shim as cython
else:
    try:
        import cython
    except ModuleNotFoundError:  # uncompiled, and Cython not installed
        from wamp_websocket import _cython_shim as cython

from wamp_websocket._speedups_api import Utf8Validator, apply_mask
from wamp_websocket.events import MessageReceived

__all__ = [
    "ERROR",
    "FRAME",
    "MASK_ANY",
    "MASK_FORBIDDEN",
    "MASK_REQUIRED",
    "NEED_DATA",
    "FrameParser",
    "frame_header",
]

# What parse() returns
NEED_DATA = 0  # everything complete was consumed; feed more bytes
FRAME = 1  # a piece of one frame is ready in the parser's attributes
ERROR = 2  # the peer broke the protocol: error_code / error_reason

# What the parser requires of incoming frames' MASK bit (RFC 6455 5.1, 5.3)
MASK_FORBIDDEN = 0  # a client: the server must not mask (unless acceptMaskedServerFrames)
MASK_REQUIRED = 1  # a server: the client must mask (unless requireMaskedClientFrames=False)
MASK_ANY = 2

# The same values as C constants for the compiled loop (plain ints when uncompiled).
_NEED = cython.declare(cython.int, 0)
_FRAME = cython.declare(cython.int, 1)
_ERROR = cython.declare(cython.int, 2)
_M_FORBIDDEN = cython.declare(cython.int, 0)
_M_REQUIRED = cython.declare(cython.int, 1)
_M_ANY = cython.declare(cython.int, 2)
_SMALL = cython.declare(cython.Py_ssize_t, 2048)  # smaller payloads are copied, not viewed
_UNLIMITED = cython.declare(cython.Py_ssize_t, 1 << 62)

_pack_short = struct.Struct("!BB").pack
_pack_medium = struct.Struct("!BBH").pack
_pack_long = struct.Struct("!BBQ").pack


def frame_header(first_byte: int, length: int, mask: bytes | None) -> bytes:
    """The header of a frame: FIN/RSV/opcode byte, minimal length encoding, masking key."""
    bit = 0 if mask is None else 0x80
    if length < 126:
        head = _pack_short(first_byte, bit | length)
    elif length < 65536:
        head = _pack_medium(first_byte, bit | 126, length)
    else:
        head = _pack_long(first_byte, bit | 127, length)
    return head if mask is None else head + mask


@cython.cfunc
def _limit(max_frame: cython.Py_ssize_t, max_message: cython.Py_ssize_t) -> cython.Py_ssize_t:
    """The largest payload the fast path may take: the smaller non-zero limit."""
    if max_frame and max_message:
        return min(max_frame, max_message)
    return max_frame or max_message or _UNLIMITED


@cython.cclass
class FrameParser:
    """Incremental frame parser over a bytearray with a read index (see the module doc)."""

    # the receive buffer; bytes before ``pos`` are consumed
    buf = cython.declare(bytearray, visibility="public")
    pos = cython.declare(cython.Py_ssize_t, visibility="public")
    # configuration
    mask_rule = cython.declare(cython.int, visibility="public")
    unmask = cython.declare(cython.bint, visibility="public")
    rsv_allowed = cython.declare(cython.int, visibility="public")
    max_frame = cython.declare(cython.Py_ssize_t, visibility="public")
    max_message = cython.declare(cython.Py_ssize_t, visibility="public")
    validate_utf8 = cython.declare(cython.bint, visibility="public")
    fast = cython.declare(cython.bint, visibility="public")
    # the frame being handed over (slow path)
    in_frame = cython.declare(cython.bint, visibility="public")
    opcode = cython.declare(cython.int, visibility="public")
    fin = cython.declare(cython.bint, visibility="public")
    rsv1 = cython.declare(cython.bint, visibility="public")
    length = cython.declare(cython.Py_ssize_t, visibility="public")
    remaining = cython.declare(cython.Py_ssize_t, visibility="public")
    offset = cython.declare(cython.Py_ssize_t, visibility="public")
    mask = cython.declare(object, visibility="public")
    chunk = cython.declare(bytes, visibility="public")
    first = cython.declare(cython.bint, visibility="public")
    last = cython.declare(cython.bint, visibility="public")
    # opcode of the fragmented message in progress (0: none)
    msg_opcode = cython.declare(cython.int, visibility="public")
    error_code = cython.declare(cython.int, visibility="public")
    error_reason = cython.declare(str, visibility="public")
    error_in_sync = cython.declare(cython.bint, visibility="public")
    validator = cython.declare(object, visibility="public")

    def __init__(self, mask_rule: int, unmask: bool, max_frame: int, max_message: int,
                 validate_utf8: bool) -> None:
        self.buf = bytearray()
        self.pos = 0
        self.mask_rule = mask_rule
        self.unmask = unmask
        self.rsv_allowed = 0
        self.max_frame = max_frame
        self.max_message = max_message
        self.validate_utf8 = validate_utf8
        self.fast = True
        self.in_frame = False
        self.opcode = 0
        self.fin = False
        self.rsv1 = False
        self.length = 0
        self.remaining = 0
        self.offset = 0
        self.mask = None
        self.chunk = b""
        self.first = False
        self.last = False
        self.msg_opcode = 0
        self.error_code = 0
        self.error_reason = ""
        self.error_in_sync = False
        self.validator = Utf8Validator()

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        """Append received bytes, dropping what was consumed (O(1) at a bytearray's front)."""
        if self.pos:
            del self.buf[: self.pos]
            self.pos = 0
        self.buf += data

    @cython.cfunc
    def _fail(self, code: int, reason: str) -> int:
        """Record a protocol error; ``error_in_sync`` tells whether parsing could go on."""
        self.error_code = code
        self.error_reason = reason
        return _ERROR

    @cython.locals(end=cython.Py_ssize_t, pos=cython.Py_ssize_t, start=cython.Py_ssize_t,
                   length=cython.Py_ssize_t, b0=cython.int, b1=cython.int, masked=cython.int,
                   fast=cython.bint, want=cython.int, any_mask=cython.bint, unmask=cython.bint,
                   check_text=cython.bint, limit=cython.Py_ssize_t, buf=bytearray,
                   data=bytes)
    def parse(self, events: list[Any]) -> int:
        """Parse frames from the buffer; return NEED_DATA, FRAME or ERROR (see module doc)."""
        if self.in_frame:
            return self._payload(False)
        buf = self.buf
        end = len(buf)
        pos = self.pos
        # The fast path takes an unfragmented text/binary frame (first byte 0x81 or 0x82)
        # that is complete, within the limits, and masked as the mask rule wants.
        fast = self.fast and self.msg_opcode == 0
        limit = _limit(self.max_frame, self.max_message)
        want = 0x80 if self.mask_rule == _M_REQUIRED else 0
        any_mask = self.mask_rule == _M_ANY
        unmask = self.unmask
        check_text = self.validate_utf8
        view = memoryview(buf)
        try:
            while end - pos >= 2:
                b0 = buf[pos]
                b1 = buf[pos + 1]
                length = b1 & 0x7F
                start = pos + 2
                if length >= 126:
                    if length == 126:
                        if end - pos < 4:
                            break
                        length = (buf[pos + 2] << 8) | buf[pos + 3]
                        start = pos + 4
                    else:
                        if end - pos < 10:
                            break
                        if buf[pos + 2] & 0x80:
                            # RFC 6455 5.2: the most significant bit of a 64-bit length is 0
                            self.pos = pos
                            return self._fail(1002, "frame length with the high bit set")
                        length = int.from_bytes(buf[pos + 2 : pos + 10], "big")
                        start = pos + 10
                masked = b1 & 0x80
                if masked:
                    start += 4
                if end < start:
                    break
                if (fast and (b0 == 0x81 or b0 == 0x82) and length <= end - start
                        and length <= limit and (masked == want or any_mask)):
                    # fast path: a whole unfragmented, uncompressed data message
                    if length < _SMALL:  # copying a small payload is cheaper than a view
                        source = buf[start : start + length]
                    else:
                        source = view[start : start + length]
                    if masked and unmask:
                        data = apply_mask(source, buf[start - 4 : start])
                    else:
                        data = bytes(source)
                    pos = start + length
                    if b0 == 0x81 and check_text and not self._valid_text(data):
                        self.pos = pos  # the stream stays in sync past this frame
                        self.error_in_sync = True
                        return self._fail(1007, "invalid UTF-8 in a text message")
                    events.append(MessageReceived(data, b0 == 0x82))
                    continue
                self.pos = pos
                return self._begin(b0, masked != 0, length, start)
            self.pos = pos
            return _NEED
        finally:
            view.release()

    @cython.cfunc
    def _valid_text(self, data: bytes) -> cython.bint:
        if len(data) < _SMALL:  # the C decoder is the quickest check for small texts
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                return False
            return True
        validator = self.validator
        validator.reset()
        result = validator.validate(data)
        return bool(result[0] and result[1])

    @cython.cfunc
    @cython.locals(opcode=cython.int, rsv=cython.int, fin=cython.bint)
    def _begin(self, b0: int, masked: bool, length: int, start: int) -> int:
        """Check a frame header against RFC 6455 5.2-5.5 and RFC 7692 6.1, then hand it over."""
        opcode = b0 & 0x0F
        fin = (b0 & 0x80) != 0
        rsv = b0 & 0x70
        if rsv & ~self.rsv_allowed:
            return self._fail(1002, "reserved bits set without a negotiated extension")
        if opcode >= 8:
            if opcode > 10:
                return self._fail(1002, f"reserved control opcode {opcode}")
            if not fin:
                return self._fail(1002, "fragmented control frame")  # RFC 6455 5.5
            if length > 125:
                return self._fail(1002, "control frame payload longer than 125 bytes")
            if rsv:
                return self._fail(1002, "RSV1 set on a control frame")  # RFC 7692 6.1
        elif opcode > 2:
            return self._fail(1002, f"reserved data opcode {opcode}")
        elif opcode == 0:
            if self.msg_opcode == 0:
                return self._fail(1002, "continuation frame outside a fragmented message")
            if rsv:
                return self._fail(1002, "RSV1 set on a continuation frame")  # RFC 7692 6.1
        elif self.msg_opcode != 0:
            return self._fail(1002, "new data frame inside a fragmented message")
        if self.mask_rule == _M_REQUIRED and not masked:
            return self._fail(1002, "unmasked frame from a client")  # RFC 6455 5.1
        if self.mask_rule == _M_FORBIDDEN and masked:
            return self._fail(1002, "masked frame from a server")  # RFC 6455 5.1
        if self.max_frame and length > self.max_frame:
            return self._fail(
                1009, f"frame payload of {length} bytes exceeds the limit of {self.max_frame}"
            )
        if opcode >= 8 and len(self.buf) - start < length:
            return _NEED  # control frames are handed over whole; wait for the rest
        self.mask = bytes(self.buf[start - 4 : start]) if masked else None
        self.opcode = opcode
        self.fin = fin
        self.rsv1 = rsv != 0
        self.length = length
        self.remaining = length
        self.offset = 0
        self.pos = start
        self.in_frame = True
        if opcode == 1 or opcode == 2:
            self.msg_opcode = 0 if fin else opcode
        elif opcode == 0 and fin:
            self.msg_opcode = 0
        return self._payload(True)

    @cython.cfunc
    @cython.locals(size=cython.Py_ssize_t, pos=cython.Py_ssize_t, shift=cython.int)
    def _payload(self, first: bool) -> int:
        """Hand over the next piece of the current frame's payload (unmasked)."""
        pos = self.pos
        size = min(len(self.buf) - pos, self.remaining)
        if size == 0 and not first:
            return _NEED
        view = memoryview(self.buf)
        try:
            piece = view[pos : pos + size]
            mask = self.mask
            if mask is not None and self.unmask and size:
                shift = self.offset & 3
                self.chunk = apply_mask(piece, mask[shift:] + mask[:shift] if shift else mask)
            else:
                self.chunk = piece.tobytes()
            piece.release()
        finally:
            view.release()
        self.pos = pos + size
        self.offset += size
        self.remaining -= size
        self.first = first
        self.last = self.remaining == 0
        if self.last:
            self.in_frame = False
        return _FRAME
