"""The part of a RawSocket engine that clients and servers share.

A connection is an object without I/O: the I/O layer feeds it the bytes it reads
(``receive_data``) and the end of the stream (``receive_eof``), then drains the events
(``events_received``), the bytes to write (``data_to_send``; an element ``b""`` means
"close the transport after writing what came before") and the timer requests (``timers``),
and reports fired timers (``timer_expired``). The engine never reads a clock.

States: CONNECTING (the 4-octet handshake) -> OPEN (frames) -> CLOSING (we asked the I/O
layer to close, or the peer's EOF arrived) -> CLOSED (after ``receive_eof``). RawSocket has
no closing handshake: closing is closing the stream.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from enum import Enum
from typing import Final

from wamp_rawsocket.events import (
    ConnectionClosed,
    Event,
    HandshakeCompleted,
    HandshakeFailed,
    MessageReceived,
    PingReceived,
    PongReceived,
)
from wamp_rawsocket.exceptions import (
    FrameError,
    FrameTooLarge,
    HandshakeRefused,
    HandshakeTimeout,
    IncompleteFrame,
    IncompleteHandshake,
    InvalidState,
    PayloadTooLarge,
    PingTimeout,
    ProtocolError,
)
from wamp_rawsocket.options import AUTO_PING_SIZE_RANGE, check_delay, check_int
from wamp_rawsocket.serializers import serializer_name
from wamp_rawsocket.wire import MAX_LENGTH_EXPONENT, FrameType, encode_frame_header

__all__ = [
    "TIMER_AUTO_PING",
    "TIMER_AUTO_PING_TIMEOUT",
    "TIMER_OPEN_HANDSHAKE",
    "Connection",
    "State",
]

TIMER_OPEN_HANDSHAKE: Final = "open_handshake"
TIMER_AUTO_PING: Final = "auto_ping"
TIMER_AUTO_PING_TIMEOUT: Final = "auto_ping_timeout"

_WORD: Final = struct.Struct(">I")
_LENGTH_MASK: Final = 0xFFFFFF
_X_ONLY: Final = 0x01  # word >> 27 when only the X bit is set
_BIG_FRAME: Final = 1 << 24

_Data = bytes | bytearray | memoryview
_new = object.__new__


class State(Enum):
    """Where a connection is in its life."""

    CONNECTING = 0
    OPEN = 1
    CLOSING = 2
    CLOSED = 3


# The states as module constants: an enum member read through its class costs ~60 ns on
# CPython 3.11, and the send and receive paths test the state for every message.
_CONNECTING: Final = State.CONNECTING
_OPEN: Final = State.OPEN
_CLOSING: Final = State.CLOSING
_CLOSED: Final = State.CLOSED


class Connection:
    """Shared engine of :class:`ClientConnection` and :class:`ServerConnection`."""

    side = "connection"

    def __init__(
        self,
        *,
        max_length_exponent: int = MAX_LENGTH_EXPONENT,
        min_peer_max_length_exponent: int = 0,
        open_handshake_timeout: float | None = None,
        auto_ping_interval: float | None = None,
        auto_ping_timeout: float | None = None,
        auto_ping_size: int = 4,
    ) -> None:
        exp = check_int("max_length_exponent", max_length_exponent, 0, MAX_LENGTH_EXPONENT)
        self._own_exponent = exp
        self._own_max = 1 << (9 + exp)
        self._min_peer_exponent = check_int(
            "min_peer_max_length_exponent", min_peer_max_length_exponent, 0, MAX_LENGTH_EXPONENT
        )
        self._open_timeout = check_delay("open_handshake_timeout", open_handshake_timeout)
        self._ping_interval = check_delay("auto_ping_interval", auto_ping_interval)
        self._ping_timeout = check_delay("auto_ping_timeout", auto_ping_timeout)
        self._ping_size = check_int("auto_ping_size", auto_ping_size, *AUTO_PING_SIZE_RANGE)

        self._state = _CONNECTING
        self._serializer_id: int | None = None
        self._peer_max = 0
        self._failure: ProtocolError | None = None
        self._close_reason = ""
        self._buf = bytearray()
        self._events: list[Event] = []
        self._out: list[bytes] = []
        self._timer_requests: list[tuple[str, float | None]] = []
        self._armed: set[str] = set()
        self._ping_counter = 0
        self._ping_outstanding: bytes | None = None
        self._control: dict[int, Callable[[bytes], None]] = {
            FrameType.PING: self._on_ping,
            FrameType.PONG: self._on_pong,
        }
        self._timer_handlers: dict[str, Callable[[], None]] = {
            TIMER_OPEN_HANDSHAKE: self._open_handshake_expired,
            TIMER_AUTO_PING: self._auto_ping_due,
            TIMER_AUTO_PING_TIMEOUT: self._auto_ping_timeout_expired,
        }
        if self._open_timeout is not None:
            self._arm(TIMER_OPEN_HANDSHAKE, self._open_timeout)

    # -- what the I/O layer reads -------------------------------------------------------

    @property
    def state(self) -> State:
        """CONNECTING, OPEN, CLOSING or CLOSED."""
        return self._state

    @property
    def failure(self) -> ProtocolError | None:
        """The recorded peer error (or deadline missed) that failed the connection."""
        return self._failure

    @property
    def serializer_id(self) -> int | None:
        """The negotiated serializer id once OPEN (before: a client's request, a server's None)."""
        return self._serializer_id

    @property
    def peer_max_length(self) -> int:
        """The largest message the peer accepts (0 until the handshake completes)."""
        return self._peer_max

    @property
    def own_max_length(self) -> int:
        """The largest message we accept: 2**(9 + max_length_exponent)."""
        return self._own_max

    @property
    def max_length_exponent(self) -> int:
        """The LLLL value we announce."""
        return self._own_exponent

    def events_received(self) -> list[Event]:
        """Drain the events produced since the last call."""
        events, self._events = self._events, []
        return events

    def data_to_send(self) -> list[bytes]:
        """Drain the bytes to write; ``b""`` means "then close the transport"."""
        out, self._out = self._out, []
        return out

    def timers(self) -> list[tuple[str, float | None]]:
        """Drain timer requests: ``(name, seconds)`` arms or re-arms, ``(name, None)`` cancels."""
        requests, self._timer_requests = self._timer_requests, []
        return requests

    def close_expected(self) -> bool:
        """True once the engine asked the I/O layer to close (CLOSING) or it is CLOSED."""
        return self._state is _CLOSING or self._state is _CLOSED

    # -- what the I/O layer feeds -------------------------------------------------------

    def receive_data(self, data: _Data) -> None:
        """Feed bytes read from the network. Peer errors are recorded, never raised."""
        state = self._state
        if state is _CLOSED:
            raise InvalidState("receive_data() called after receive_eof()")
        if state is _CLOSING or not data:
            return
        buf = self._buf
        src: _Data
        if buf:
            buf += data
            src = buf
        else:
            src = data
        consumed = self._parse(src)
        if self._state is not _OPEN and self._state is not _CONNECTING:
            buf.clear()  # failed: whatever follows is ignored
        elif src is buf:
            if consumed:
                del buf[:consumed]
        elif consumed < len(src):
            with memoryview(src) as view:
                buf += view[consumed:]

    def receive_eof(self) -> None:
        """The stream ended (the peer closed, or the transport is gone after our close)."""
        state = self._state
        if state is _CLOSED:
            raise InvalidState("receive_eof() called twice")
        if state is _CONNECTING:
            got = len(self._buf)
            self._fail(
                IncompleteHandshake(
                    f"the stream ended during the opening handshake ({got} of 4 octets received)"
                )
            )
        elif state is _OPEN:
            if self._buf:
                self._fail(IncompleteFrame(self._describe_partial_frame()))
            else:
                self._close_reason = "the peer closed the connection"
                self._start_closing()
        self._buf.clear()
        self._state = _CLOSED
        failure = self._failure
        reason = str(failure) if failure is not None else self._close_reason
        self._events.append(ConnectionClosed(reason=reason, was_clean=failure is None))

    def timer_expired(self, name: str) -> None:
        """An armed timer fired; stale or unknown names are ignored."""
        if name not in self._armed:
            return
        self._armed.discard(name)
        handler = self._timer_handlers.get(name)
        if handler is not None:
            handler()

    # -- what the application calls -----------------------------------------------------

    def send_message(self, payload: bytes | bytearray | memoryview) -> None:
        """Queue one WAMP message (frame type 0).

        Raises :class:`InvalidState` unless OPEN, and :class:`PayloadTooLarge` (queueing
        nothing) when the payload is longer than the peer's maximum.
        """
        if self._state is not _OPEN:
            raise InvalidState(f"cannot send a message: the connection is {self._state.name}")
        size = len(payload)
        if size > self._peer_max:
            raise PayloadTooLarge(size, self._peer_max)
        out = self._out
        if size < _BIG_FRAME:
            out.append(_WORD.pack(size))
        else:
            out.append(encode_frame_header(FrameType.MESSAGE, size))
        if size:
            out.append(payload if type(payload) is bytes else bytes(payload))

    def send_ping(self, payload: bytes = b"") -> None:
        """Queue a ping; the peer must answer with a pong carrying the same payload."""
        if self._state is not _OPEN:
            raise InvalidState(f"cannot send a ping: the connection is {self._state.name}")
        if len(payload) > self._peer_max:
            raise PayloadTooLarge(len(payload), self._peer_max, what="ping")
        self._send_frame(FrameType.PING, bytes(payload))

    def close(self, reason: str | None = None) -> None:
        """Ask the I/O layer to close the stream (after the data queued so far).

        Closing a connection that is already CLOSING or CLOSED does nothing.
        """
        if self._state is _CONNECTING or self._state is _OPEN:
            self._close_reason = reason or f"closed by this side ({self.side})"
            self._start_closing()

    # -- the receive path ---------------------------------------------------------------

    def _parse(self, src: _Data) -> int:
        """Consume handshake and frames from ``src``; return how many octets were used."""
        pos = 0
        if self._state is _CONNECTING:
            if len(src) < 4:
                return 0
            self._handshake(bytes(src[:4]))  # either opens or fails the connection
            if self._failure is not None:
                return len(src)
            pos = 4
        return self._parse_frames(src, pos)

    def _parse_frames(self, src: _Data, pos: int) -> int:
        # Frame header (big-endian word): RRRR XTTT | 24-bit length (see wire.py).
        # Fast path: a first octet of zero is a message (type 0, no reserved or X bit),
        # and then the word is the length; one comparison covers type, bits and limit.
        end = len(src)
        fast_limit = min(self._own_max, _LENGTH_MASK)
        append = self._events.append
        message = MessageReceived
        unpack = _WORD.unpack_from
        if type(src) is bytes:  # a read of whole messages: the loop below without its tests
            new = _new
            while end - pos >= 4:
                word = unpack(src, pos)[0]
                stop = pos + 4 + word
                if word > fast_limit or stop > end:
                    break
                event = new(message)  # MessageReceived(payload), without the __init__ call
                event.payload = src[pos + 4 : stop]
                append(event)
                pos = stop
        # slicing bytes copies once; slicing a view needs bytes() on top (3x slower)
        is_bytes = type(src) is bytes
        raw = src if isinstance(src, bytes) else b""
        with memoryview(src) as view:
            while end - pos >= 4:
                word = unpack(src, pos)[0]
                if word <= fast_limit:
                    stop = pos + 4 + word
                    if stop > end:
                        break
                    pos += 4
                    append(message(raw[pos:stop] if is_bytes else bytes(view[pos:stop])))
                    pos = stop
                    continue
                stop = self._frame_end(word, pos, end)
                if stop < 0:
                    return end  # failed
                if stop > end:
                    break
                payload = raw[pos + 4 : stop] if is_bytes else bytes(view[pos + 4 : stop])
                pos = stop
                frame_type = (word >> 24) & 0x07
                if frame_type == 0:
                    append(message(payload))
                else:
                    self._control[frame_type](payload)
                    if self._state is not _OPEN:
                        return end
        return pos

    def _frame_end(self, word: int, pos: int, end: int) -> int:
        """Check a header off the fast path; return where its frame ends, or -1 (failed)."""
        length = word & _LENGTH_MASK
        top = word >> 27
        if top:
            if top != _X_ONLY or length:
                self._fail(FrameError(_describe_bad_header(word)))
                return -1
            length = _BIG_FRAME
        if length > self._own_max:
            self._fail(FrameTooLarge(length, self._own_max))
            return -1
        frame_type = (word >> 24) & 0x07
        if frame_type != FrameType.MESSAGE and frame_type not in self._control:
            self._fail(FrameError(f"the peer sent a frame of reserved type {frame_type}"))
            return -1
        return pos + 4 + length

    def _on_ping(self, payload: bytes) -> None:
        # Spec: reply to each PING with exactly one PONG echoing its payload, immediately.
        if len(payload) > self._peer_max:
            self._fail(
                ProtocolError(
                    f"the peer sent a ping of {len(payload)} octets but accepts at most "
                    f"{self._peer_max}: its pong cannot be sent"
                )
            )
            return
        self._send_frame(FrameType.PONG, payload)
        self._events.append(PingReceived(payload))

    def _on_pong(self, payload: bytes) -> None:
        if self._ping_outstanding is not None and payload == self._ping_outstanding:
            self._ping_outstanding = None
            self._cancel(TIMER_AUTO_PING_TIMEOUT)
        self._events.append(PongReceived(payload))

    def _describe_partial_frame(self) -> str:
        have = len(self._buf)
        if have < 4:
            return f"the stream ended inside a frame header ({have} of 4 octets received)"
        length = _WORD.unpack_from(self._buf, 0)[0] & _LENGTH_MASK
        return f"the stream ended inside a frame ({have - 4} of {length} payload octets received)"

    # -- handshake hooks (subclasses) ---------------------------------------------------

    def _handshake(self, octets: bytes) -> None:
        """Process the peer's 4 handshake octets: call ``_open`` or ``_fail``."""
        raise NotImplementedError

    def _open(self, serializer_id: int, peer_exponent: int) -> None:
        self._state = _OPEN
        self._serializer_id = serializer_id
        self._peer_max = 1 << (9 + peer_exponent)
        self._cancel(TIMER_OPEN_HANDSHAKE)
        self._events.append(
            HandshakeCompleted(
                serializer_id=serializer_id,
                peer_max_length=self._peer_max,
                own_max_length=self._own_max,
            )
        )
        if self._ping_interval is not None:
            self._arm(TIMER_AUTO_PING, self._ping_interval)

    # -- failing and closing ------------------------------------------------------------

    def _fail(self, failure: ProtocolError, reply: bytes | None = None) -> None:
        """Record a peer error, report it, queue ``reply`` (if any) and close."""
        self._failure = failure
        if self._state is _CONNECTING:
            code: int | None = None
            by_peer = False
            if isinstance(failure, HandshakeRefused):
                code, by_peer = failure.code, failure.sent_by_peer
            self._events.append(HandshakeFailed(code, str(failure), by_peer))
        if reply is not None:
            self._out.append(reply)
        self._start_closing()

    def _start_closing(self) -> None:
        self._state = _CLOSING
        for name in sorted(self._armed):
            self._timer_requests.append((name, None))
        self._armed.clear()
        self._ping_outstanding = None
        self._out.append(b"")

    # -- timers -------------------------------------------------------------------------

    def _arm(self, name: str, delay: float) -> None:
        self._armed.add(name)
        self._timer_requests.append((name, delay))

    def _cancel(self, name: str) -> None:
        if name in self._armed:
            self._armed.discard(name)
            self._timer_requests.append((name, None))

    def _open_handshake_expired(self) -> None:
        if self._state is _CONNECTING:
            self._fail(
                HandshakeTimeout(
                    f"the opening handshake did not finish within {self._open_timeout:g} s"
                )
            )

    def _auto_ping_due(self) -> None:
        if self._state is not _OPEN or self._ping_interval is None:
            return
        if self._ping_outstanding is None:
            self._ping_counter = (self._ping_counter + 1) % (1 << (8 * self._ping_size))
            payload = self._ping_counter.to_bytes(self._ping_size, "big")
            self._send_frame(FrameType.PING, payload)
            if self._ping_timeout is not None:
                self._ping_outstanding = payload
                self._arm(TIMER_AUTO_PING_TIMEOUT, self._ping_timeout)
        self._arm(TIMER_AUTO_PING, self._ping_interval)

    def _auto_ping_timeout_expired(self) -> None:
        if self._state is _OPEN and self._ping_outstanding is not None:
            self._fail(
                PingTimeout(f"no pong for an automatic ping within {self._ping_timeout:g} s")
            )

    # -- helpers ------------------------------------------------------------------------

    def _send_frame(self, frame_type: int, payload: bytes) -> None:
        self._out.append(encode_frame_header(frame_type, len(payload)))
        if payload:
            self._out.append(payload)

    def __repr__(self) -> str:
        sid = self._serializer_id
        ser = serializer_name(sid) if sid is not None else "-"
        return f"<{type(self).__name__} {self._state.name} serializer={ser}>"


def _describe_bad_header(word: int) -> str:
    first = word >> 24
    if first & 0xF0:
        return f"the peer set reserved bits in a frame header (first octet 0x{first:02x})"
    return (
        "the peer set the 25th length bit in a frame header with a non-zero 24-bit length "
        f"(header 0x{word:08x})"
    )
