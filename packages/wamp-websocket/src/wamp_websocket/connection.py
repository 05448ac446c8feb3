"""The Sans-I/O WebSocket connection: what both sides share once the handshake is done.

Bytes in (``receive_data``, ``receive_eof``), events out (``events_received``), bytes out
(``data_to_send``; an element ``b""`` means "close the transport after writing what came
before"), and timer requests out (``timers``; the I/O layer calls ``timer_expired``). The
engine never reads a clock and never does I/O.

Timers: ``open_handshake``, ``close_handshake``, ``server_drop`` (a client closes the TCP
connection itself when the server does not after the closing handshake), ``auto_ping`` and
``auto_ping_timeout``.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Callable
from typing import ClassVar

from wamp_websocket._assembler import MessageAssembler
from wamp_websocket._framing import (
    ERROR,
    MASK_ANY,
    MASK_FORBIDDEN,
    MASK_REQUIRED,
    NEED_DATA,
    FrameParser,
)
from wamp_websocket._sender import FrameWriter, PreparedMessage
from wamp_websocket.close import build_close_payload, is_valid_close_code, parse_close_payload
from wamp_websocket.compress import PerMessageDeflate
from wamp_websocket.events import ConnectionClosed, Event, PingReceived, PongReceived
from wamp_websocket.exceptions import (
    InvalidStateError,
    PayloadTooBig,
    ProtocolError,
    WebSocketError,
    WebSocketTimeout,
)
from wamp_websocket.options import ClientOptions, ServerOptions

__all__ = ["Connection", "Side", "State"]

BytesLike = bytes | bytearray | memoryview


class State(enum.Enum):
    """Where a connection is in its life (RFC 6455 4, 7)."""

    CONNECTING = 0
    OPEN = 1
    CLOSING = 2
    CLOSED = 3


class Side(enum.Enum):
    """Which end of the connection this engine is."""

    CLIENT = 0
    SERVER = 1


class Connection(FrameWriter):
    """The common engine; use :class:`ServerConnection` or :class:`ClientConnection`."""

    _TIMERS: ClassVar[dict[str, Callable[[Connection], None]]] = {}

    def __init__(self, side: Side, options: ServerOptions | ClientOptions, peer: str) -> None:
        if isinstance(options, ServerOptions):
            mask_out = options.mask_server_frames
        else:
            mask_out = options.mask_client_frames
        super().__init__(mask_out, options.apply_mask, options.auto_fragment_size)
        self.side = side
        self.options = options
        self.peer = peer
        self.state = State.CONNECTING
        self.failure: WebSocketError | None = None
        self.subprotocol: str | None = None
        self.extensions: list[str] = []
        self.per_message_compress: PerMessageDeflate | None = None
        self._events: list[Event] = []
        self._timer_requests: list[tuple[str, float | None]] = []
        self._armed: set[str] = set()
        self._close_pending = False  # b"" still to report by data_to_send()
        self._transport_closing = False
        self._close_by_peer = False
        self._ignore_input = False
        self._ping_payload: bytes | None = None
        self._parser: FrameParser | None = None
        self._assembler: MessageAssembler | None = None

    # -- the I/O layer's interface -----------------------------------------------------------

    def receive_data(self, data: BytesLike) -> None:
        """Feed bytes received from the network; peer errors never raise out of here."""
        if self.state is State.CLOSED or self._ignore_input or not data:
            return
        if self.state is State.CONNECTING:
            self._receive_handshake(data)
            return
        parser = self._parser
        if parser is None:  # pragma: no cover - set whenever the state is OPEN or CLOSING
            return
        if self._ping_payload is not None and self.options.auto_ping_restart_on_any_traffic:
            self._pong_arrived()
        parser.feed(data)
        self._process_frames(parser)

    def receive_eof(self) -> None:
        """The peer closed its side of the transport (or the transport was lost)."""
        if self.state is State.CLOSED:
            self._cancel("server_drop")
            self._close_transport()
            return
        if self.state is State.CONNECTING:
            self._handshake_eof()
            return
        reason = "peer dropped the TCP connection without previous WebSocket closing handshake"
        self._finish(1006, reason, False, self.state is State.OPEN)

    def events_received(self) -> list[Event]:
        """Drain the events produced so far."""
        events = self._events
        self._events = []
        return events

    def data_to_send(self) -> list[bytes]:
        """Drain the bytes to write, joined into few large chunks; ``b""`` means close."""
        chunks = self._drain()
        if self._close_pending:
            self._close_pending = False
            chunks.append(b"")
        return chunks

    def close_expected(self) -> bool:
        """Whether the I/O layer should expect (or perform) the TCP close now."""
        return self.state is State.CLOSED

    def timers(self) -> list[tuple[str, float | None]]:
        """Drain timer requests: ``(name, seconds)`` (re)arms a timer, ``(name, None)`` cancels."""
        requests = self._timer_requests
        self._timer_requests = []
        return requests

    def timer_expired(self, name: str) -> None:
        """An armed timer fired; stale or unknown names are ignored."""
        if name not in self._armed:
            return
        self._armed.discard(name)
        handler = self._TIMERS.get(name)
        if handler is not None:
            handler(self)

    # -- sending: the public methods check the state, FrameWriter builds the frames ---------

    def _check_open(self, what: str) -> None:
        if self.state is not State.OPEN:
            raise InvalidStateError(f"cannot {what}: the connection is {self.state.name}")

    def send_message(self, payload: BytesLike | str, is_binary: bool = False,
                     compress: bool | None = None, fragment_size: int | None = None) -> None:
        """Send a text (UTF-8) or binary message.

        ``compress=False`` sends it uncompressed even when permessage-deflate is in use;
        ``fragment_size`` overrides ``autoFragmentSize`` (0: one frame).
        """
        self._check_open("send a message")
        self._write_message(payload, is_binary, self._codec_for(compress), fragment_size)

    def send_prepared_message(self, prepared: PreparedMessage) -> None:
        """Send a message made by :func:`prepare_message` (``sendPreparedMessage``)."""
        self._check_open("send a message")
        self._write_prepared(prepared, None if prepared.do_not_compress
                             else self.per_message_compress)

    def send_ping(self, payload: BytesLike = b"") -> None:
        """Send a ping (RFC 6455 5.5.2); the payload is at most 125 bytes."""
        self._check_open("send a ping")
        self._write_control(0x89, bytes(payload))

    def send_pong(self, payload: BytesLike = b"") -> None:
        """Send an unsolicited pong (RFC 6455 5.5.3); the payload is at most 125 bytes."""
        self._check_open("send a pong")
        self._write_control(0x8A, bytes(payload))

    def send_close(self, code: int | None = None, reason: str | None = None) -> None:
        """Start the closing handshake (RFC 6455 7.1.2); a no-op once closing.

        ``code`` is a close code valid on the wire (1000, 3000-4999 ...); a ``reason`` needs a
        code and is cut to 123 bytes of UTF-8. During the opening handshake this drops the
        connection.
        """
        if code is not None and (type(code) is not int or not is_valid_close_code(code)):
            raise ValueError(f"invalid close code {code!r}: use 1000, 1001 or 3000-4999")
        if reason is not None and code is None:
            raise ValueError("a close reason needs a close code")
        if self.state is State.CONNECTING:
            self._finish(1006, "connection closed during the opening handshake", False, False)
        elif self.state is State.OPEN:
            self._start_close(code, reason)

    def begin_message(self, is_binary: bool = False, compress: bool | None = None) -> None:
        """Start a message sent frame by frame (Autobahn's ``beginMessage``)."""
        self._check_open("begin a message")
        self._begin_message(is_binary, self._codec_for(compress))

    def send_message_frame(self, payload: BytesLike) -> None:
        """Send one whole non-final frame of the message begun (``sendMessageFrame``)."""
        self._check_open("send a message frame")
        self._write_message_frame(bytes(payload))

    def begin_message_frame(self, length: int) -> None:
        """Start a frame of ``length`` bytes sent in pieces (``beginMessageFrame``)."""
        self._check_open("begin a message frame")
        self._begin_message_frame(length)

    def send_message_frame_data(self, payload: BytesLike) -> int:
        """Send the next piece of the frame begun (``sendMessageFrameData``).

        Returns the bytes the frame still expects; 0 when complete; negative: that many
        bytes of ``payload`` went past the frame's end and were not sent.
        """
        self._check_open("send message frame data")
        return self._write_frame_data(bytes(payload))

    def end_message(self) -> None:
        """End the message begun with a final frame (``endMessage``)."""
        self._check_open("end a message")
        self._end_message()

    def send_frame(self, opcode: int, payload: BytesLike = b"", fin: bool = True,
                   rsv: int = 0) -> None:
        """Send one raw frame exactly as given (for tests and fuzzing; no checks)."""
        if self.state not in (State.OPEN, State.CLOSING):
            raise InvalidStateError(f"cannot send a frame: the connection is {self.state.name}")
        if not 0 <= opcode <= 15 or not 0 <= rsv <= 7:
            raise ValueError("opcode must be 0-15 and rsv 0-7")
        self._write_frame((0x80 if fin else 0) | (rsv << 4) | opcode, bytes(payload))

    def _codec_for(self, compress: bool | None) -> PerMessageDeflate | None:
        return None if compress is False else self.per_message_compress

    # -- opening (subclasses call _open when their handshake succeeded) ---------------------

    def _receive_handshake(self, data: BytesLike) -> None:
        raise NotImplementedError

    def _handshake_eof(self) -> None:
        self._finish(1006, "connection closed during the opening handshake", False, True)

    def _open(self, rest: bytes) -> None:
        """Switch to OPEN with the negotiated extensions, then parse what already arrived."""
        options = self.options
        if isinstance(options, ServerOptions):
            rule = MASK_REQUIRED if options.require_masked_client_frames else MASK_ANY
        else:
            rule = MASK_ANY if options.accept_masked_server_frames else MASK_FORBIDDEN
        parser = FrameParser(rule, options.apply_mask, options.max_frame_payload_size,
                             options.max_message_payload_size, options.utf8_validate_incoming)
        codec = self.per_message_compress
        parser.rsv_allowed = 0x40 if codec is not None else 0
        parser.fast = not options.frame_events
        self._parser = parser
        self._assembler = MessageAssembler(options.frame_events, options.utf8_validate_incoming,
                                           options.max_message_payload_size, codec)
        self.state = State.OPEN
        self._cancel("open_handshake")
        if options.auto_ping_interval > 0:
            self._arm("auto_ping", options.auto_ping_interval)
        if rest:
            parser.feed(rest)
            self._process_frames(parser)

    # -- receiving frames --------------------------------------------------------------------

    def _process_frames(self, parser: FrameParser) -> None:
        events = self._events
        assembler = self._assembler
        while self.state is State.OPEN or self.state is State.CLOSING:
            status = parser.parse(events)
            if status == NEED_DATA:
                return
            if status == ERROR:
                # past a bad frame header the stream cannot be trusted: read no more of it
                self._ignore_input = not parser.error_in_sync
                code, reason = parser.error_code, parser.error_reason
                self._fail(PayloadTooBig(reason) if code == 1009 else ProtocolError(code, reason))
                return
            if parser.opcode >= 8:
                self._on_control(parser.opcode, parser.chunk)
            elif assembler is not None:
                try:
                    assembler.on_chunk(parser, events)
                except ProtocolError as exc:
                    self._fail(exc)
                    return

    def _on_control(self, opcode: int, payload: bytes) -> None:
        if opcode == 9:
            self._events.append(PingReceived(payload))
            if self.state is State.OPEN:
                self._write_control(0x8A, payload)  # RFC 6455 5.5.3: echo the payload
        elif opcode == 10:
            self._events.append(PongReceived(payload))
            if payload == self._ping_payload:
                self._pong_arrived()
        else:
            self._on_close_frame(payload)

    def _on_close_frame(self, payload: bytes) -> None:
        try:
            code, reason = parse_close_payload(payload)
        except ProtocolError as exc:
            self._fail(exc)
            return
        if self.state is State.OPEN:
            # RFC 6455 5.5.1: answer a Close frame with a Close frame
            if self.options.echo_close_code_reason:
                self._write_frame(0x88, build_close_payload(code, reason))
            else:
                self._write_frame(0x88, build_close_payload(1000, ""))
            self._finish(1005 if code is None else code, reason, True, True)
        else:
            self._cancel("close_handshake")
            self._finish(1005 if code is None else code, reason, True, self._close_by_peer)

    # -- closing -----------------------------------------------------------------------------

    def _start_close(self, code: int | None, reason: str | None) -> None:
        self._write_frame(0x88, build_close_payload(code, reason))
        self.state = State.CLOSING
        self._close_by_peer = False
        self._cancel("auto_ping")  # the closing handshake has its own deadline
        self._cancel("auto_ping_timeout")
        if self.options.close_handshake_timeout > 0:
            self._arm("close_handshake", self.options.close_handshake_timeout)

    def _fail(self, error: WebSocketError) -> None:
        """Fail the connection (RFC 6455 7.1.7) because of ``error``."""
        if self.state is State.CLOSED:
            return
        self.failure = error
        if self._parser is not None:
            self._parser.fast = False
        if self._assembler is not None:
            self._assembler.discard = True
        reason = getattr(error, "reason", str(error))
        if self.state is State.OPEN and isinstance(error, ProtocolError):
            if not self.options.fail_by_drop:
                self._start_close(error.code, reason)
                return
            self._write_frame(0x88, build_close_payload(error.code, reason))
        self._finish(1006, reason, False, False)

    def _finish(self, code: int, reason: str, was_clean: bool, by_peer: bool) -> None:
        """Enter CLOSED, report it, and close the transport (or, for a client after a clean
        close, give the server ``serverConnectionDropTimeout`` to close it first)."""
        if self.state is State.CLOSED:
            return
        self.state = State.CLOSED
        for name in list(self._armed):
            self._cancel(name)
        self._events.append(ConnectionClosed(code, reason, was_clean, by_peer))
        if self.side is Side.CLIENT and was_clean:
            delay = getattr(self.options, "server_connection_drop_timeout", 0)
            if delay > 0:
                self._arm("server_drop", delay)
                return
        self._close_transport()

    def _close_transport(self) -> None:
        if not self._transport_closing:
            self._transport_closing = True
            self._close_pending = True

    # -- timers ------------------------------------------------------------------------------

    def _arm(self, name: str, delay: float) -> None:
        self._armed.add(name)
        self._timer_requests.append((name, float(delay)))

    def _cancel(self, name: str) -> None:
        if name in self._armed:
            self._armed.discard(name)
            self._timer_requests.append((name, None))

    def _pong_arrived(self) -> None:
        """The peer answered our auto-ping (or showed it is alive): plan the next one."""
        self._ping_payload = None
        self._cancel("auto_ping_timeout")
        if self.state is State.OPEN and self.options.auto_ping_interval > 0:
            self._arm("auto_ping", self.options.auto_ping_interval)

    def _on_auto_ping(self) -> None:
        if self.state is not State.OPEN:
            return
        options = self.options
        self._ping_payload = os.urandom(options.auto_ping_size)
        self._write_control(0x89, self._ping_payload)
        if options.auto_ping_timeout > 0:
            self._arm("auto_ping_timeout", options.auto_ping_timeout)

    def _on_timeout(self, timer: str, reason: str) -> None:
        self.failure = WebSocketTimeout(timer, reason)
        self._finish(1006, reason, False, False)

    def _on_open_timeout(self) -> None:
        if self.state is State.CONNECTING:
            self._on_timeout("open_handshake", "opening handshake timeout")

    def _on_close_timeout(self) -> None:
        if self.state is State.CLOSING:
            self._on_timeout("close_handshake", "closing handshake timeout")

    def _on_ping_timeout(self) -> None:
        self._on_timeout("auto_ping_timeout", "auto-ping timeout: no pong in time")

    def _on_server_drop(self) -> None:
        self._close_transport()


Connection._TIMERS = {
    "open_handshake": Connection._on_open_timeout,
    "close_handshake": Connection._on_close_timeout,
    "server_drop": Connection._on_server_drop,
    "auto_ping": Connection._on_auto_ping,
    "auto_ping_timeout": Connection._on_ping_timeout,
}
