"""The sending half of a connection: frames into one outgoing buffer.

Frames are appended to a list of byte strings (header and payload apart, nothing copied) and
joined once per ``data_to_send()``, so many messages sent in one loop iteration leave as one
large write (several writes of at most :data:`JOIN_LIMIT` bytes when there is more, see
:func:`coalesce`). Masking keys come from a pool filled by ``os.urandom`` (RFC 6455
10.3 asks for unpredictable keys) 1024 keys at a time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from wamp_websocket._framing import frame_header
from wamp_websocket._speedups_api import apply_mask
from wamp_websocket.compress import PerMessageDeflate
from wamp_websocket.exceptions import InvalidStateError

__all__ = ["JOIN_LIMIT", "NO_COPY", "FrameWriter", "PreparedMessage", "coalesce", "prepare_message"]

BytesLike = bytes | bytearray | memoryview
_POOL = 4096
JOIN_LIMIT = 100 * 1024
"""The most bytes joined into one write: below the C library's threshold for fresh pages from
the OS (128 KiB), whose cost (a page fault per 4 KiB, each time) is far more than the copy's."""
NO_COPY = 16 * 1024
"""When there is more than :data:`JOIN_LIMIT` to write, chunks this long are written as they
are rather than copied."""


def coalesce(chunks: list[bytes]) -> list[bytes]:
    """``chunks`` as few writes as copying allows, in order: all of them joined when they
    come to at most :data:`JOIN_LIMIT` bytes; else chunks of :data:`NO_COPY` bytes or more
    alone (not copied) and the runs of smaller ones between them joined, up to
    :data:`JOIN_LIMIT` bytes a piece."""
    if len(chunks) < 2:
        return chunks
    if sum(map(len, chunks)) <= JOIN_LIMIT:
        return [b"".join(chunks)]
    out: list[bytes] = []
    run: list[bytes] = []
    size = 0
    for chunk in chunks:
        n = len(chunk)
        if run and (n >= NO_COPY or size + n > JOIN_LIMIT):
            out.append(run[0] if len(run) == 1 else b"".join(run))
            run, size = [], 0
        if n >= NO_COPY:
            out.append(chunk)
        else:
            run.append(chunk)
            size += n
    if run:
        out.append(run[0] if len(run) == 1 else b"".join(run))
    return out


@dataclass(frozen=True, slots=True)
class PreparedMessage:
    """A message framed once, to send on many connections (Autobahn's ``PreparedMessage``).

    ``frame`` is the unmasked, uncompressed frame; a connection that masks or compresses
    frames the ``payload`` itself instead.
    """

    payload: bytes
    is_binary: bool
    do_not_compress: bool
    frame: bytes


def prepare_message(payload: BytesLike | str, is_binary: bool = False,
                    do_not_compress: bool = False) -> PreparedMessage:
    """Frame a message once (Autobahn's ``factory.prepareMessage``)."""
    if isinstance(payload, str):
        if is_binary:
            raise TypeError("a binary message takes bytes, not str")
        data = payload.encode("utf-8")
    else:
        data = bytes(payload)
    head = frame_header(0x82 if is_binary else 0x81, len(data), None)
    return PreparedMessage(data, is_binary, do_not_compress, head + data)


class FrameWriter:
    """Frame building, masking, compression and fragmentation for a connection."""

    def __init__(self, mask_out: bool, apply: bool, auto_fragment: int) -> None:
        self._out: list[bytes] = []
        self._mask_out = mask_out
        self._apply = apply
        self._auto_fragment = auto_fragment
        self._pool = b""
        self._pool_at = _POOL
        # a message sent frame by frame: its opcode (-1: none), codec, and whether the next
        # frame is its first; a frame sent in pieces: its mask, bytes left and offset
        self._tx_opcode = -1
        self._tx_codec: PerMessageDeflate | None = None
        self._tx_first = True
        self._tx_mask: bytes | None = None
        self._tx_left = 0
        self._tx_offset = 0
        self._deferred: list[tuple[int, bytes]] = []  # frames held while a frame is in pieces

    def _drain(self) -> list[bytes]:
        out = self._out
        if not out:
            return []
        self._out = []
        return coalesce(out)

    def _next_mask(self) -> bytes:
        at = self._pool_at
        if at >= _POOL:
            self._pool = os.urandom(_POOL)
            at = 0
        self._pool_at = at + 4
        return self._pool[at : at + 4]

    def _write_frame(self, first_byte: int, payload: bytes) -> None:
        if self._tx_left:  # a frame is being sent in pieces: nothing may cut into it
            self._deferred.append((first_byte, payload))
            return
        if not self._mask_out:
            self._out.append(frame_header(first_byte, len(payload), None))
            if payload:
                self._out.append(payload)
            return
        mask = self._next_mask()
        self._out.append(frame_header(first_byte, len(payload), mask))
        if payload:
            self._out.append(apply_mask(payload, mask) if self._apply else payload)

    def _write_control(self, first_byte: int, payload: bytes) -> None:
        if len(payload) > 125:  # RFC 6455 5.5
            raise ValueError(f"control frame payload of {len(payload)} bytes: at most 125")
        self._write_frame(first_byte, payload)

    def _check_no_stream(self) -> None:
        if self._tx_opcode >= 0:
            raise InvalidStateError("a message begun with begin_message() is not ended")

    def _write_message(self, payload: BytesLike | str, is_binary: bool,
                       codec: PerMessageDeflate | None, fragment_size: int | None) -> None:
        self._check_no_stream()
        if isinstance(payload, str):
            if is_binary:
                raise TypeError("a binary message takes bytes, not str")
            data = payload.encode("utf-8")
        else:
            data = payload if type(payload) is bytes else bytes(payload)
        first_byte = 0x82 if is_binary else 0x81
        if codec is not None:
            data = codec.compress(data)
            first_byte |= 0x40  # RFC 7692 6: RSV1 marks a compressed message
        size = self._auto_fragment if fragment_size is None else fragment_size
        if size <= 0 or len(data) <= size:
            self._write_frame(first_byte, data)
            return
        # RFC 6455 5.4: the first frame has the opcode (and RSV1), the others continue it
        total = len(data)
        for start in range(0, total, size):
            head = first_byte & 0x7F if start == 0 else 0
            if start + size >= total:
                head |= 0x80
            self._write_frame(head, data[start : start + size])

    def _write_prepared(self, prepared: PreparedMessage, codec: PerMessageDeflate | None) -> None:
        if self._mask_out or codec is not None or self._tx_left:
            self._write_message(prepared.payload, prepared.is_binary, codec, 0)
            return
        self._check_no_stream()
        self._out.append(prepared.frame)

    def _begin_message(self, is_binary: bool, codec: PerMessageDeflate | None) -> None:
        self._check_no_stream()
        self._tx_opcode = 2 if is_binary else 1
        self._tx_codec = codec
        self._tx_first = True

    def _stream_head(self, final: bool) -> int:
        if self._tx_opcode < 0:
            raise InvalidStateError("no message begun: call begin_message() first")
        if self._tx_left:
            raise InvalidStateError(f"the frame begun still expects {self._tx_left} bytes")
        head = 0
        if self._tx_first:
            head = self._tx_opcode | (0x40 if self._tx_codec is not None else 0)
            self._tx_first = False
        return head | (0x80 if final else 0)

    def _write_message_frame(self, data: bytes) -> None:
        head = self._stream_head(False)
        codec = self._tx_codec
        self._write_frame(head, codec.compress_part(data) if codec is not None else data)

    def _begin_message_frame(self, length: int) -> None:
        if self._tx_codec is not None:
            raise InvalidStateError("a compressed message cannot be sent in frame pieces")
        if length < 0:
            raise ValueError("a frame length is >= 0")
        head = self._stream_head(False)
        mask = self._next_mask() if self._mask_out else None
        self._out.append(frame_header(head, length, mask))
        self._tx_mask = mask if self._apply else None
        self._tx_left = length
        self._tx_offset = 0

    def _write_frame_data(self, data: bytes) -> int:
        left = self._tx_left
        if left <= 0:
            raise InvalidStateError("no frame begun: call begin_message_frame() first")
        piece = data[:left]
        mask = self._tx_mask
        if mask is not None and piece:
            shift = self._tx_offset & 3
            piece = apply_mask(piece, mask[shift:] + mask[:shift] if shift else mask)
        if piece:
            self._out.append(piece)
        self._tx_offset += len(piece)
        self._tx_left = left - len(piece)
        if not self._tx_left and self._deferred:
            deferred, self._deferred = self._deferred, []
            for first_byte, payload in deferred:
                self._write_frame(first_byte, payload)
        return self._tx_left if self._tx_left else left - len(data)

    def _end_message(self) -> None:
        head = self._stream_head(True)
        codec = self._tx_codec
        self._write_frame(head, codec.compress_end() if codec is not None else b"")
        self._tx_opcode = -1
        self._tx_codec = None
