"""Turn data frames handed over by the frame parser into message events.

This is the slow path of receiving: fragmented messages, compressed messages (RFC 7692),
frames that arrive in pieces, and frame-event mode. It validates text as UTF-8 a piece at a
time (failing at the first invalid byte, RFC 6455 8.1) and enforces the message size limit,
after decompression, without ever inflating more than the limit allows.
"""

from __future__ import annotations

from wamp_websocket._framing import FrameParser
from wamp_websocket._speedups_api import Utf8Validator
from wamp_websocket.compress import PerMessageDeflate
from wamp_websocket.events import (
    Event,
    FrameBegin,
    FrameData,
    FrameEnd,
    MessageBegin,
    MessageEnd,
    MessageReceived,
)
from wamp_websocket.exceptions import PayloadTooBig, ProtocolError

__all__ = ["MessageAssembler"]


class MessageAssembler:
    """Message state of one connection's receiving side."""

    def __init__(self, frame_events: bool, validate_utf8: bool, max_message: int,
                 codec: PerMessageDeflate | None) -> None:
        self.frame_events = frame_events
        self.validate_utf8 = validate_utf8
        self.codec = codec
        self.limit = codec.limit(max_message) if codec is not None else max_message
        self.discard = False  # after a failure: parse on, deliver nothing
        self._validator = Utf8Validator()
        self._parts: list[bytes] = []
        self._size = 0
        self._binary = False
        self._compressed = False

    def _start(self, parser: FrameParser, events: list[Event]) -> None:
        self._binary = parser.opcode == 2
        self._compressed = parser.rsv1
        self._parts = []
        self._size = 0
        self._validator.reset()
        if self.frame_events and not self.discard:
            events.append(MessageBegin(self._binary))

    def _inflate(self, data: bytes, final: bool) -> list[bytes]:
        codec = self.codec
        if codec is None:  # the parser only lets RSV1 through when deflate was negotiated
            raise ProtocolError(1002, "compressed frame without permessage-deflate")
        budget = self.limit - self._size if self.limit else None
        return codec.decompress(data, budget, final)

    def _check_text(self, pieces: list[bytes], final: bool) -> None:
        validator = self._validator
        for piece in pieces:
            if not validator.validate(piece)[0]:
                raise ProtocolError(1007, "invalid UTF-8 in a text message")
        if final and not validator.validate(b"")[1]:
            raise ProtocolError(1007, "text message ends inside a UTF-8 sequence")

    def on_chunk(self, parser: FrameParser, events: list[Event]) -> None:
        """Take the piece of a data frame the parser holds; raise ProtocolError if bad."""
        if parser.first:
            if parser.opcode != 0:
                self._start(parser, events)
            if (self.limit and not self._compressed
                    and self._size + parser.length > self.limit):
                raise PayloadTooBig(f"message longer than the limit of {self.limit} bytes")
            if self.frame_events and not self.discard:
                events.append(FrameBegin(parser.length))
        final = parser.last and parser.fin
        data = parser.chunk
        pieces = self._inflate(data, final) if self._compressed else [data] if data else []
        for piece in pieces:
            self._size += len(piece)
        if self.limit and self._size > self.limit:
            raise PayloadTooBig(f"message longer than the limit of {self.limit} bytes")
        if not self._binary and self.validate_utf8:
            self._check_text(pieces, final)
        if self.discard:
            return
        if self.frame_events:
            events.extend(FrameData(piece) for piece in pieces)
            if parser.last:
                events.append(FrameEnd())
                if final:
                    events.append(MessageEnd())
            return
        self._parts.extend(pieces)
        if final:
            parts = self._parts
            payload = parts[0] if len(parts) == 1 else b"".join(parts)
            self._parts = []
            events.append(MessageReceived(payload, self._binary))
