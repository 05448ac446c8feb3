"""Autobahn|Python's WebSocket application API on the engine, for any I/O layer.

:class:`WebSocketServerProtocol` and :class:`WebSocketClientProtocol` have Autobahn's
callbacks (``onConnecting``, ``onConnect``, ``onOpen``, ``onMessage(payload, isBinary)``, the
frame-level ``onMessageBegin`` ... ``onMessageEnd``, ``onPing``, ``onPong``,
``onClose(wasClean, code, reason)``) and methods (``sendMessage``, ``sendPing``,
``sendPong``, ``sendClose``, ``beginMessage`` ... ``endMessage``, ``sendFrame``,
``dropConnection``). They turn engine events into callbacks and calls into engine sends,
and never touch a socket: an I/O adapter (``wamp_asyncio.websocket``,
``wamp_twisted.websocket``) subclasses them together with its framework's protocol class.

The adapter's side of the contract:

- it sets ``factory``, ``peer`` and ``_transport_details`` (anything with ``peer`` and
  ``is_secure``), then calls :meth:`WebSocketProtocol._connection_made` once the transport is
  up; afterwards it feeds ``self._engine`` (``receive_data``/``receive_eof``), hands the
  drained events to :meth:`WebSocketProtocol._handle_events`, arms the engine's timers and
  writes its bytes;
- it implements the ``_io_*`` hooks: ``_io_wake(now)`` (the engine has bytes or timers:
  drain it soon, or at once), ``_io_drop(abort)`` (close the transport, after writing what is
  pending unless ``abort``), ``_io_spawn(result)`` (run an awaitable a callback returned and
  log its failure), ``_io_when(result, on_value, on_error)`` (wait for a maybe-awaitable),
  ``_io_start_tls()`` (TLS inside a proxy tunnel, then
  :meth:`WebSocketClientProtocol._tls_started`), and may override ``_io_opened()`` and
  ``_io_closed(...)`` (no-ops here) to resolve futures.

Frame-level receiving is switched on per class: when a subclass overrides one of the
``onMessageBegin``/``onMessageFrameBegin``/``onMessageFrameData``/``onMessageFrameEnd``/
``onMessageFrame``/``onMessageEnd`` callbacks, the engine reports frames and the default
implementations assemble them (bounded by ``maxMessagePayloadSize``) into ``onMessage``.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any, ClassVar

from wamp_websocket.client import ClientConnection
from wamp_websocket.close import CloseCode
from wamp_websocket.connection import Connection, State
from wamp_websocket.events import (
    ConnectionClosed,
    ConnectionOpened,
    ConnectRequest,
    Event,
    FrameBegin,
    FrameData,
    FrameEnd,
    HandshakeFailed,
    MessageBegin,
    MessageEnd,
    MessageReceived,
    PingReceived,
    PongReceived,
    ProxyConnected,
)
from wamp_websocket.exceptions import ConnectionDeny, InvalidStateError
from wamp_websocket.server import ServerConnection
from wamp_websocket.types import (
    ConnectingRequest,
    ConnectionAccept,
    ConnectionRequest,
    ConnectionResponse,
)

__all__ = ["WebSocketClientProtocol", "WebSocketProtocol", "WebSocketServerProtocol"]

log = logging.getLogger("wamp_websocket.protocol")

_FRAME_CALLBACKS = ("onMessageBegin", "onMessageFrameBegin", "onMessageFrameData",
                    "onMessageFrameEnd", "onMessageFrame", "onMessageEnd")
_STATES = {State.CONNECTING: 1, State.OPEN: 3, State.CLOSING: 2, State.CLOSED: 0}

Handler = Callable[["WebSocketProtocol", Any], None]


class WebSocketProtocol:
    """What both sides share (Autobahn's ``WebSocketProtocol``); see the module text."""

    STATE_CLOSED: ClassVar[int] = 0
    STATE_CONNECTING: ClassVar[int] = 1
    STATE_CLOSING: ClassVar[int] = 2
    STATE_OPEN: ClassVar[int] = 3
    STATE_PROXY_CONNECTING: ClassVar[int] = 4

    CLOSE_STATUS_CODE_NORMAL: ClassVar[int] = CloseCode.NORMAL
    CLOSE_STATUS_CODE_GOING_AWAY: ClassVar[int] = 1001
    CLOSE_STATUS_CODE_PROTOCOL_ERROR: ClassVar[int] = 1002
    CLOSE_STATUS_CODE_UNSUPPORTED_DATA: ClassVar[int] = 1003
    CLOSE_STATUS_CODE_RESERVED1: ClassVar[int] = 1004
    CLOSE_STATUS_CODE_NULL: ClassVar[int] = 1005
    CLOSE_STATUS_CODE_ABNORMAL_CLOSE: ClassVar[int] = 1006
    CLOSE_STATUS_CODE_INVALID_PAYLOAD: ClassVar[int] = 1007
    CLOSE_STATUS_CODE_POLICY_VIOLATION: ClassVar[int] = 1008
    CLOSE_STATUS_CODE_MESSAGE_TOO_BIG: ClassVar[int] = 1009
    CLOSE_STATUS_CODE_MANDATORY_EXTENSION: ClassVar[int] = 1010
    CLOSE_STATUS_CODE_INTERNAL_ERROR: ClassVar[int] = 1011
    CLOSE_STATUS_CODE_SERVICE_RESTART: ClassVar[int] = 1012
    CLOSE_STATUS_CODE_TRY_AGAIN_LATER: ClassVar[int] = 1013
    CLOSE_STATUS_CODE_UNASSIGNED1: ClassVar[int] = 1014
    CLOSE_STATUS_CODE_TLS_HANDSHAKE_FAILED: ClassVar[int] = 1015

    _HANDLERS: ClassVar[dict[type, Handler]] = {}
    is_server: ClassVar[bool] = False

    factory: Any = None
    peer: str = "<never connected>"
    _engine: Connection | None = None
    _transport_details: Any = None
    _connected = False
    _dispatching = False  # inside _handle_events, before onClose
    _lost = False  # the adapter said the transport is gone
    _close_event: ConnectionClosed | None = None  # the close, reported once _lost
    # Autobahn's attributes, filled as the connection goes
    websocket_version: int | None = None
    websocket_protocol_in_use: str | None = None
    websocket_extensions_in_use: list[str] = []
    http_headers: dict[str, str] = {}
    http_request_path: str | None = None
    http_request_params: dict[str, list[str]] = {}
    wasClean: bool = False
    remoteCloseCode: int | None = None
    remoteCloseReason: str | None = None
    wasNotCleanReason: str | None = None

    # -- the I/O adapter's hooks ------------------------------------------------------------

    def _io_wake(self, now: bool = False) -> None:
        raise NotImplementedError("the I/O adapter drains the engine")

    def _io_drop(self, abort: bool) -> None:
        raise NotImplementedError("the I/O adapter closes the transport")

    def _io_spawn(self, result: Any) -> None:
        raise NotImplementedError("the I/O adapter runs awaitables")

    def _io_when(self, result: Any, on_value: Callable[[Any], None],
                 on_error: Callable[[BaseException], None]) -> None:
        raise NotImplementedError("the I/O adapter waits for awaitables")

    def _io_opened(self) -> None:
        """The WebSocket connection is open (after ``onOpen``)."""

    def _io_closed(self, was_clean: bool, code: int, reason: str) -> None:
        """The WebSocket connection is closed (after ``onClose``)."""

    # -- life cycle ---------------------------------------------------------------------

    @property
    def state(self) -> int:
        """Autobahn's ``STATE_*`` value of the connection."""
        engine = self._engine
        if engine is None:
            return self.STATE_CONNECTING if self._connected else self.STATE_CLOSED
        if engine.state is State.CONNECTING and getattr(engine, "_phase", "") in ("proxy", "tls"):
            return self.STATE_PROXY_CONNECTING
        return _STATES[engine.state]

    @property
    def failure(self) -> Exception | None:
        """The peer error or deadline that failed the connection, if any."""
        return self._engine.failure if self._engine is not None else None

    @property
    def transport_details(self) -> Any:
        """What the I/O adapter knows of the transport (a ``TransportDetails``: peer, TLS ...)."""
        return self._transport_details

    def _connection_made(self) -> None:
        raise NotImplementedError

    def _wants_frames(self) -> bool:
        cls = type(self)
        return any(getattr(cls, name) is not getattr(WebSocketProtocol, name)
                   for name in _FRAME_CALLBACKS)

    def _options_for(self, options: Any) -> Any:
        frames = self._wants_frames()
        if options.frame_events == frames:
            return options
        return dataclasses.replace(options, frame_events=frames)

    def _handle_events(self, events: list[Event]) -> None:
        """Dispatch drained engine events to the callbacks (called by the adapter).

        A callback that raises is logged and the connection dropped (as a framework does
        when Autobahn's ``dataReceived`` raises); the events after it are still dispatched,
        so ``onClose`` is never lost.
        """
        handlers = self._HANDLERS
        self._dispatching = True
        try:
            for event in events:
                try:
                    handlers[type(event)](self, event)
                except Exception:
                    log.exception("WebSocket callback of %s failed on %s: dropping the "
                                  "connection", type(self).__name__, type(event).__name__)
                    self._io_drop(True)
        finally:
            self._dispatching = False

    def _call(self, result: Any) -> None:
        if result is not None:
            self._io_spawn(result)

    def _require_engine(self, what: str) -> Connection:
        engine = self._engine
        if engine is None:
            raise InvalidStateError(f"cannot {what}: the connection is not open")
        return engine

    def _answer_dropped(self) -> bool:
        """Whether a send is an answer to an event that arrived before the connection closed.

        The engine handles all the bytes of a read before the callbacks run, so a message and
        a Close frame (or a bad frame) read together reach ``onMessage`` with the connection
        already closing; Autobahn, which calls back frame by frame, would still be open
        there. Such an answer is dropped silently; outside the callbacks a send on a closed
        connection raises, as in Autobahn.
        """
        engine = self._engine
        return (self._dispatching and engine is not None
                and engine.state in (State.CLOSING, State.CLOSED))

    # -- callbacks (override these) -------------------------------------------------------

    def onOpen(self) -> Any:
        """The opening handshake completed."""

    def onMessage(self, payload: bytes, isBinary: bool) -> Any:
        """A whole message arrived (UTF-8 bytes for a text message)."""

    def onMessageBegin(self, isBinary: bool) -> Any:
        """Frame-level receiving: a message begins."""
        self.message_is_binary = isBinary
        self.message_data: list[bytes] = []

    def onMessageFrameBegin(self, length: int) -> Any:
        """Frame-level receiving: a frame of ``length`` bytes begins."""
        self.frame_length = length
        self.frame_data: list[bytes] = []

    def onMessageFrameData(self, payload: bytes) -> Any:
        """Frame-level receiving: the next piece of the frame."""
        self.frame_data.append(payload)

    def onMessageFrameEnd(self) -> Any:
        """Frame-level receiving: the frame is complete."""
        return self.onMessageFrame(self.frame_data)

    def onMessageFrame(self, payload: list[bytes]) -> Any:
        """Frame-level receiving: a complete frame (its pieces)."""
        self.message_data.extend(payload)

    def onMessageEnd(self) -> Any:
        """Frame-level receiving: the message is complete; calls ``onMessage``."""
        data, self.message_data = b"".join(self.message_data), []
        return self.onMessage(data, self.message_is_binary)

    def onPing(self, payload: bytes) -> Any:
        """A ping arrived; the pong was already sent."""

    def onPong(self, payload: bytes) -> Any:
        """A pong arrived."""

    def onClose(self, wasClean: bool, code: int | None, reason: str | None) -> Any:
        """The connection is closed."""

    # -- sending --------------------------------------------------------------------------

    def sendMessage(self, payload: bytes | str, isBinary: bool = False,
                    fragmentSize: int | None = None, sync: bool = False,
                    doNotCompress: bool = False) -> None:
        """Send a message (``fragmentSize`` overrides ``autoFragmentSize``)."""
        if self._answer_dropped():
            return
        self._require_engine("send a message").send_message(
            payload, isBinary, False if doNotCompress else None, fragmentSize)
        self._io_wake(sync)

    def sendPreparedMessage(self, preparedMsg: Any) -> None:
        """Send a message made by the factory's ``prepareMessage``."""
        self.sendMessage(preparedMsg.payload, preparedMsg.binary,
                         doNotCompress=preparedMsg.doNotCompress)

    def sendPing(self, payload: bytes | None = None) -> None:
        """Send a ping (at most 125 bytes of payload)."""
        if self._answer_dropped():
            return
        self._require_engine("send a ping").send_ping(payload or b"")
        self._io_wake()

    def sendPong(self, payload: bytes | None = None) -> None:
        """Send an unsolicited pong."""
        if self._answer_dropped():
            return
        self._require_engine("send a pong").send_pong(payload or b"")
        self._io_wake()

    def sendClose(self, code: int | None = None, reason: str | None = None) -> None:
        """Start the closing handshake; ``code`` is 1000 or 3000-4999 (Autobahn's rule)."""
        if code is not None and (type(code) is not int
                                 or not (code == 1000 or 3000 <= code <= 4999)):
            raise ValueError(f"invalid close code {code!r}: use 1000 or 3000-4999")
        if reason is not None and (code is None or not isinstance(reason, str)):
            raise ValueError(f"invalid close reason {reason!r}: a str, and only with a code")
        engine = self._engine
        if engine is None:
            self.dropConnection(abort=True)
            return
        engine.send_close(code, reason)
        self._io_wake()

    def _fail_connection(self, code: int, reason: str) -> None:
        """Close with any wire code (1002 ...), e.g. for a WAMP protocol violation."""
        engine = self._engine
        if engine is not None and engine.state is State.OPEN:
            engine.send_close(code, reason)
            self._io_wake()
        else:
            self.dropConnection(abort=True)

    def dropConnection(self, abort: bool = False) -> None:
        """Close the transport without (or without finishing) the closing handshake."""
        self._io_drop(abort)

    def beginMessage(self, isBinary: bool = False, doNotCompress: bool = False) -> None:
        """Start a message sent frame by frame."""
        self._require_engine("begin a message").begin_message(
            isBinary, False if doNotCompress else None)

    def sendMessageFrame(self, payload: bytes, sync: bool = False) -> None:
        """Send one whole frame of the message begun."""
        self._require_engine("send a message frame").send_message_frame(payload)
        self._io_wake(sync)

    def beginMessageFrame(self, length: int) -> None:
        """Start a frame of ``length`` bytes, sent with ``sendMessageFrameData``."""
        self._require_engine("begin a message frame").begin_message_frame(length)
        self._io_wake()

    def sendMessageFrameData(self, payload: bytes, sync: bool = False) -> int:
        """Send the next piece of the frame begun; returns the bytes it still expects."""
        left = self._require_engine("send message frame data").send_message_frame_data(payload)
        self._io_wake(sync)
        return left

    def endMessage(self) -> None:
        """End the message begun."""
        self._require_engine("end a message").end_message()
        self._io_wake()

    def sendFrame(self, opcode: int, payload: bytes = b"", fin: bool = True, rsv: int = 0,
                  mask: bytes | None = None, payload_len: int | None = None,
                  chopsize: int | None = None, sync: bool = False) -> None:
        """Send one raw frame (testing); ``mask``/``payload_len`` are not supported."""
        if mask is not None or payload_len is not None:
            raise NotImplementedError("sendFrame(): mask and payload_len are not supported")
        self._require_engine("send a frame").send_frame(opcode, payload, fin, rsv)
        self._io_wake(sync)

    # -- engine events ----------------------------------------------------------------------

    def _on_opened(self, event: ConnectionOpened) -> None:
        self.websocket_version = event.version
        self.websocket_protocol_in_use = event.subprotocol
        self.websocket_extensions_in_use = list(event.extensions)
        self.http_request_path = event.path
        self.http_request_params = event.params
        self._call(self.onOpen())
        self._io_opened()

    def _on_message(self, event: MessageReceived) -> None:
        result = self.onMessage(event.data, event.is_binary)
        if result is not None:
            self._io_spawn(result)

    def _on_closed(self, event: ConnectionClosed) -> None:
        self._dispatching = False  # from onClose on, a send raises
        self.wasClean = event.was_clean
        if event.was_clean:
            self.remoteCloseCode, self.remoteCloseReason = event.code, event.reason
        else:
            self.wasNotCleanReason = event.reason
        if self.factory is not None and self.is_server:
            self.factory.countConnections -= 1
        if not self._lost:
            # As Autobahn: onClose once the connection is gone. The engine closes the
            # transport after this event (a client after a clean close gives the server
            # serverConnectionDropTimeout to do it first), so the adapter's
            # _transport_lost() follows.
            self._close_event = event
            return
        self._report_closed(event)

    def _transport_lost(self) -> None:
        """The adapter: the transport is gone; report the close that waited for it."""
        self._lost = True
        event, self._close_event = self._close_event, None
        if event is not None:
            self._report_closed(event)

    def _report_closed(self, event: ConnectionClosed) -> None:
        self._call(self.onClose(event.was_clean, event.code, event.reason))
        self._io_closed(event.was_clean, event.code, event.reason)

    def _on_handshake_failed(self, event: HandshakeFailed) -> None:
        log.info("WebSocket opening handshake with %s failed: %s", self.peer, event.reason)

    def _on_connect_request(self, event: ConnectRequest) -> None:
        raise NotImplementedError  # server only

    def _on_proxy_connected(self, event: ProxyConnected) -> None:
        raise NotImplementedError  # client only


WebSocketProtocol._HANDLERS = {
    ConnectRequest: lambda p, e: p._on_connect_request(e),
    ProxyConnected: lambda p, e: p._on_proxy_connected(e),
    ConnectionOpened: lambda p, e: p._on_opened(e),
    HandshakeFailed: lambda p, e: p._on_handshake_failed(e),
    MessageReceived: lambda p, e: p._on_message(e),
    MessageBegin: lambda p, e: p._call(p.onMessageBegin(e.is_binary)),
    FrameBegin: lambda p, e: p._call(p.onMessageFrameBegin(e.length)),
    FrameData: lambda p, e: p._call(p.onMessageFrameData(e.data)),
    FrameEnd: lambda p, e: p._call(p.onMessageFrameEnd()),
    MessageEnd: lambda p, e: p._call(p.onMessageEnd()),
    PingReceived: lambda p, e: p._call(p.onPing(e.data)),
    PongReceived: lambda p, e: p._call(p.onPong(e.data)),
    ConnectionClosed: lambda p, e: p._on_closed(e),
}


class WebSocketServerProtocol(WebSocketProtocol):
    """A server's WebSocket connection (Autobahn's ``WebSocketServerProtocol``).

    ``onConnect(request)`` gets a :class:`ConnectionRequest` and returns ``None``, a
    subprotocol, a ``(subprotocol, headers)`` pair or a :class:`ConnectionAccept` (maybe
    asynchronously), or raises :class:`ConnectionDeny` to refuse with an HTTP status.
    """

    is_server: ClassVar[bool] = True
    ConnectionDeny: ClassVar[type[ConnectionDeny]] = ConnectionDeny
    """Raise ``self.ConnectionDeny(code, reason)`` from ``onConnect`` to refuse."""

    def onConnect(self, request: ConnectionRequest) -> Any:
        """Accept (the default, without a subprotocol) or refuse a connection request."""
        return None

    def _connection_made(self) -> None:
        factory = self.factory
        self._connected = True
        factory.countConnections += 1
        details = self._transport_details
        self._engine = ServerConnection(
            self._options_for(factory.options), peer=self.peer,
            secure=bool(getattr(details, "is_secure", False)), server=factory.server,
            headers=factory.headers, external_port=factory.externalPort,
        )
        self._io_wake()

    def _on_connect_request(self, event: ConnectRequest) -> None:
        self.http_headers = event.headers
        self.http_request_path = event.path
        self.http_request_params = event.params
        self.http_request_host = event.host
        self.websocket_origin = event.origin
        self.websocket_protocols = event.protocols
        if event.peer:
            self.peer = event.peer
        limit = self.factory.options.max_connections
        if limit and self.factory.countConnections > limit:
            self._deny(ConnectionDeny(503, "maximum number of connections reached"))
            return
        request = ConnectionRequest(event.peer, event.headers, event.host, event.path,
                                    event.params, event.version, event.origin,
                                    list(event.protocols), list(event.extensions))
        try:
            result = self.onConnect(request)
        except Exception as exc:
            self._deny(exc)
            return
        self._io_when(result, self._accept, self._deny)

    def _accept(self, value: Any) -> None:
        engine = self._engine
        if engine is None:
            return
        headers: Any = None
        if isinstance(value, ConnectionAccept):
            subprotocol, headers = value.subprotocol, value.headers
        elif isinstance(value, tuple | list) and len(value) == 2:
            subprotocol, headers = value
        else:
            subprotocol = value
        if subprotocol is not None and not isinstance(subprotocol, str):
            self._deny(TypeError(f"onConnect() returned {value!r}: expected None, a "
                                 "subprotocol, (subprotocol, headers) or ConnectionAccept"))
            return
        try:
            engine.accept(subprotocol, headers)  # type: ignore[attr-defined]
        except ValueError as exc:
            self._deny(exc)
            return
        self._io_wake()

    def _deny(self, exc: BaseException) -> None:
        engine = self._engine
        if engine is None:
            return
        if isinstance(exc, ConnectionDeny):
            engine.reject(exc.code, exc.reason)  # type: ignore[attr-defined]
        else:
            log.error("onConnect() of %s failed: %r", type(self).__name__, exc, exc_info=exc)
            engine.reject(500, f"internal server error: {exc}")  # type: ignore[attr-defined]
        self._io_wake()


class WebSocketClientProtocol(WebSocketProtocol):
    """A client's WebSocket connection (Autobahn's ``WebSocketClientProtocol``).

    ``onConnecting(transport_details)`` may return a :class:`ConnectingRequest` to change
    what the opening handshake sends; ``onConnect(response)`` gets the
    :class:`ConnectionResponse` (raising fails the connection).
    """

    _refusal: BaseException | None = None

    def onConnecting(self, transport_details: Any) -> Any:
        """The transport is up; return a ConnectingRequest, or None for the factory's values."""
        return None

    def onConnect(self, response: ConnectionResponse) -> Any:
        """The server accepted the opening handshake."""
        return None

    def _connection_made(self) -> None:
        self._connected = True
        try:
            result = self.onConnecting(self._transport_details)
        except Exception as exc:
            self._connecting_failed(exc)
            return
        self._io_when(result, self._start_handshake, self._connecting_failed)

    def _connecting_failed(self, exc: BaseException) -> None:
        log.error("onConnecting() of %s failed: %r", type(self).__name__, exc, exc_info=exc)
        self.dropConnection(abort=True)

    def _start_handshake(self, request: ConnectingRequest | None) -> None:
        factory = self.factory
        if request is None:
            host, port, resource = factory.host, factory.port, factory.resource
            headers, useragent = factory.headers, factory.useragent
            origin, protocols = factory.origin, factory.protocols
        elif isinstance(request, ConnectingRequest):
            host, port, resource = request.host, request.port, request.resource
            headers = {**(factory.headers or {}), **request.headers}
            useragent = request.useragent or factory.useragent
            origin, protocols = request.origin, request.protocols
        else:
            self._connecting_failed(TypeError(
                f"onConnecting() must return a ConnectingRequest or None, not {request!r}"))
            return
        self._engine = ClientConnection(
            self._options_for(factory.options), host=host, port=port, resource=resource,
            secure=factory.isSecure, origin=origin, protocols=protocols or (),
            useragent=useragent, headers=headers, proxy=factory.proxy, peer=self.peer,
        )
        self._io_wake()

    def _on_proxy_connected(self, event: ProxyConnected) -> None:
        if event.secure:
            self._io_start_tls()

    def _io_start_tls(self) -> None:
        raise NotImplementedError("the I/O adapter starts TLS inside the proxy tunnel")

    def _tls_started(self) -> None:
        """TLS inside the proxy tunnel is up: send the opening handshake."""
        engine = self._engine
        if isinstance(engine, ClientConnection) and engine.state is State.CONNECTING:
            engine.start_handshake()
            self._io_wake()

    def _on_opened(self, event: ConnectionOpened) -> None:
        self.http_headers = event.headers
        response = ConnectionResponse(event.peer or self.peer, event.headers, event.version,
                                      event.subprotocol, list(event.extensions))
        try:
            result = self.onConnect(response)
        except Exception as exc:
            log.error("onConnect() of %s refused the connection: %r", type(self).__name__, exc)
            self._connect_refused(exc)
            return
        self._call(result)
        super()._on_opened(event)

    def _connect_refused(self, exc: BaseException) -> None:
        self.wasNotCleanReason = f"onConnect() refused the connection: {exc}"
        self._refusal = exc
        self._fail_connection(self.CLOSE_STATUS_CODE_PROTOCOL_ERROR, str(exc))

    @property
    def failure(self) -> Exception | None:
        """The peer error, deadline or ``onConnect`` refusal that failed the connection."""
        refusal = self._refusal
        if isinstance(refusal, Exception):
            return refusal
        return super().failure
