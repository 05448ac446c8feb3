"""The RawSocket application API on the engine, for any I/O layer.

:class:`RawSocketServerProtocol` and :class:`RawSocketClientProtocol` turn engine events into
callbacks (``onOpen()``, ``onMessage(payload)``, ``onPing(payload)``, ``onPong(payload)``,
``onClose(wasClean, reason)``) and calls (``sendMessage``, ``sendPing``, ``dropConnection``)
into engine sends; :class:`RawSocketServerFactory` and :class:`RawSocketClientFactory` hold
the serializers and the protocol options (``setProtocolOptions(**camelCase)``, see
:mod:`wamp_rawsocket.options`). No sockets here: an I/O adapter (``wamp_asyncio.rawsocket``,
``wamp_twisted.rawsocket``) subclasses them with its framework's protocol class, exactly as
for ``wamp_websocket.protocol``, and implements the same ``_io_*`` hooks: ``_io_wake(now)``,
``_io_drop(abort)``, ``_io_spawn(result)``, and optionally ``_io_opened()`` and
``_io_closed(was_clean, reason)``. It sets ``factory``, ``peer`` and ``_transport_details``,
calls ``_connection_made()``, feeds ``self._engine`` and hands its events to
``_handle_events``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from wamp_rawsocket.client import ClientConnection
from wamp_rawsocket.connection import Connection, State
from wamp_rawsocket.events import (
    ConnectionClosed,
    Event,
    HandshakeCompleted,
    HandshakeFailed,
    MessageReceived,
    PingReceived,
    PongReceived,
)
from wamp_rawsocket.exceptions import InvalidState, ProtocolError
from wamp_rawsocket.options import RawSocketOptions, reset_protocol_options, set_protocol_options
from wamp_rawsocket.serializers import SerializerId
from wamp_rawsocket.server import ServerConnection

__all__ = [
    "RawSocketClientFactory",
    "RawSocketClientProtocol",
    "RawSocketProtocol",
    "RawSocketServerFactory",
    "RawSocketServerProtocol",
]

log = logging.getLogger("wamp_rawsocket.protocol")

_STATES = {State.CONNECTING: 1, State.OPEN: 3, State.CLOSING: 2, State.CLOSED: 0}
_OPEN = State.OPEN
_DEFAULT_IDS = (SerializerId.CBOR, SerializerId.MSGPACK, SerializerId.UBJSON, SerializerId.JSON)

Handler = Callable[["RawSocketProtocol", Any], None]


class RawSocketProtocol:
    """What both sides share; see the module text."""

    STATE_CLOSED: ClassVar[int] = 0
    STATE_CONNECTING: ClassVar[int] = 1
    STATE_CLOSING: ClassVar[int] = 2
    STATE_OPEN: ClassVar[int] = 3

    _HANDLERS: ClassVar[dict[type, Handler]] = {}
    is_server: ClassVar[bool] = False

    factory: Any = None
    peer: str = "<never connected>"
    _engine: Connection | None = None
    _transport_details: Any = None
    _connected = False
    serializer_id: int | None = None
    """The serializer both sides speak (once open)."""
    peer_max_length = 0
    """The largest message the peer accepts (once open)."""
    wasClean = False
    closeReason: str | None = None

    # -- the I/O adapter's hooks ------------------------------------------------------------

    def _io_wake(self, now: bool = False) -> None:
        raise NotImplementedError("the I/O adapter drains the engine")

    def _io_drop(self, abort: bool) -> None:
        raise NotImplementedError("the I/O adapter closes the transport")

    def _io_spawn(self, result: Any) -> None:
        raise NotImplementedError("the I/O adapter runs awaitables")

    def _io_opened(self) -> None:
        """The handshake completed (after ``onOpen``)."""

    def _io_closed(self, was_clean: bool, reason: str) -> None:
        """The connection is closed (after ``onClose``)."""

    def _transport_lost(self) -> None:
        """The adapter: the transport is gone (after the engine heard of it)."""

    # -- state --------------------------------------------------------------------------

    @property
    def state(self) -> int:
        """``STATE_CONNECTING``, ``STATE_OPEN``, ``STATE_CLOSING`` or ``STATE_CLOSED``."""
        engine = self._engine
        if engine is None:
            return self.STATE_CONNECTING if self._connected else self.STATE_CLOSED
        state = engine.state
        return self.STATE_OPEN if state is _OPEN else _STATES[state]

    @property
    def failure(self) -> ProtocolError | None:
        """The peer error or deadline that failed the connection, if any."""
        return self._engine.failure if self._engine is not None else None

    @property
    def transport_details(self) -> Any:
        """What the I/O adapter knows of the transport (a ``TransportDetails``: peer, TLS ...)."""
        return self._transport_details

    def _connection_made(self) -> None:
        raise NotImplementedError

    def _handle_events(self, events: list[Event]) -> None:
        """Dispatch drained engine events to the callbacks (called by the adapter); a callback
        that raises is logged and drops the connection (``onClose`` still comes)."""
        handlers = self._HANDLERS
        for event in events:
            try:
                if type(event) is MessageReceived:  # the common case, without the table
                    result = self.onMessage(event.payload)
                    if result is not None:
                        self._io_spawn(result)
                else:
                    handlers[type(event)](self, event)
            except Exception:  # as wamp_websocket.protocol: log, drop, keep onClose
                log.exception("RawSocket callback of %s failed on %s: dropping the "
                              "connection", type(self).__name__, type(event).__name__)
                self._io_drop(True)

    def _call(self, result: Any) -> None:
        if result is not None:
            self._io_spawn(result)

    # -- callbacks (override these) -----------------------------------------------------

    def onOpen(self) -> Any:
        """The handshake completed; ``serializer_id`` is the serializer spoken."""

    def onMessage(self, payload: bytes) -> Any:
        """A message arrived."""

    def onPing(self, payload: bytes) -> Any:
        """A ping arrived; the pong was already sent."""

    def onPong(self, payload: bytes) -> Any:
        """A pong arrived."""

    def onClose(self, wasClean: bool, reason: str) -> Any:
        """The connection is closed."""

    # -- sending ------------------------------------------------------------------------

    def sendMessage(self, payload: bytes) -> None:
        """Send a message (PayloadTooLarge when the peer accepts less)."""
        engine = self._engine
        if engine is None:
            raise InvalidState("cannot send a message: the connection is not open")
        engine.send_message(payload)
        self._io_wake()

    def sendPing(self, payload: bytes | None = None) -> None:
        """Send a ping; the peer answers with a pong carrying the same payload."""
        engine = self._engine
        if engine is None:
            raise InvalidState("cannot send a ping: the connection is not open")
        engine.send_ping(payload or b"")
        self._io_wake()

    def dropConnection(self, abort: bool = False) -> None:
        """Close the connection (after what was sent, unless ``abort``)."""
        engine = self._engine
        if engine is not None and not abort:
            engine.close()
            self._io_wake()
        else:
            self._io_drop(abort)

    # -- engine events --------------------------------------------------------------------

    def _on_open(self, event: HandshakeCompleted) -> None:
        self.serializer_id = event.serializer_id
        self.peer_max_length = event.peer_max_length
        self._call(self.onOpen())
        self._io_opened()

    def _on_failed(self, event: HandshakeFailed) -> None:
        log.info("RawSocket handshake with %s failed: %s", self.peer, event.reason)

    def _on_closed(self, event: ConnectionClosed) -> None:
        self.wasClean, self.closeReason = event.was_clean, event.reason
        if self.is_server and self.factory is not None:
            self.factory.countConnections -= 1
        self._call(self.onClose(event.was_clean, event.reason))
        self._io_closed(event.was_clean, event.reason)


RawSocketProtocol._HANDLERS = {
    HandshakeCompleted: lambda p, e: p._on_open(e),
    HandshakeFailed: lambda p, e: p._on_failed(e),
    MessageReceived: lambda p, e: p._call(p.onMessage(e.payload)),
    PingReceived: lambda p, e: p._call(p.onPing(e.payload)),
    PongReceived: lambda p, e: p._call(p.onPong(e.payload)),
    ConnectionClosed: lambda p, e: p._on_closed(e),
}


class RawSocketServerProtocol(RawSocketProtocol):
    """A server's RawSocket connection (accepts the factory's ``serializer_ids``)."""

    is_server: ClassVar[bool] = True

    def _connection_made(self) -> None:
        factory = self.factory
        self._connected = True
        factory.countConnections += 1
        limit = factory.options.max_connections
        self._engine = ServerConnection.from_options(
            factory.serializer_ids, factory.options,
            max_connections_reached=bool(limit and factory.countConnections > limit))
        self._io_wake()


class RawSocketClientProtocol(RawSocketProtocol):
    """A client's RawSocket connection (asks for the factory's ``serializer_id``)."""

    def _connection_made(self) -> None:
        factory = self.factory
        self._connected = True
        self._engine = ClientConnection.from_options(factory.serializer_id, factory.options)
        self._io_wake()


class _Factory:
    options: RawSocketOptions

    def setProtocolOptions(self, **options: Any) -> None:
        """Set protocol options by Autobahn-style camelCase names (None leaves one unchanged).

        ``maxMessagePayloadSize``, ``minPeerMaxMessagePayloadSize``, ``openHandshakeTimeout``,
        ``autoPingInterval``, ``autoPingTimeout``, ``autoPingSize``, ``maxConnections``.
        """
        self.options = set_protocol_options(self.options, **options)

    def resetProtocolOptions(self) -> None:
        """Back to the default protocol options."""
        self.options = reset_protocol_options()


class RawSocketServerFactory(_Factory):
    """Makes server connections accepting ``serializer_ids`` (default: 3, 2, 4, 1)."""

    protocol: type[Any] = RawSocketServerProtocol
    isServer = True

    def __init__(self, serializer_ids: Sequence[int] = _DEFAULT_IDS) -> None:
        self.serializer_ids = tuple(int(sid) for sid in serializer_ids)
        self.options = RawSocketOptions()
        self.countConnections = 0


class RawSocketClientFactory(_Factory):
    """Makes client connections asking for ``serializer_id`` (default: 3, CBOR)."""

    protocol: type[Any] = RawSocketClientProtocol
    isServer = False

    def __init__(self, serializer_id: int = SerializerId.CBOR) -> None:
        self.serializer_id = int(serializer_id)
        self.options = RawSocketOptions()
