"""WAMP over WebSocket, for any framework: mixins over Autobahn's WebSocket API.

The mixins sit on top of a WebSocket protocol with Autobahn's API (``wamp_websocket.protocol``
driven by an asyncio or Twisted adapter): they implement its callbacks (``onConnect``,
``onOpen``, ``onMessage``, ``onClose``) and use its methods (``sendMessage``, ``sendClose``,
``dropConnection``, ``_fail_connection``, ``state``), so the same code serves
``wamp_asyncio.websocket`` and ``wamp_twisted.websocket``::

    class WampWebSocketServerProtocol(WampWebSocketServerProtocolMixin, WebSocketServerProtocol)

Subprotocols (WAMP spec, WebSocket transport): a server picks the first ``wamp.2.<serializer>``
the client offers that it speaks, and refuses with HTTP 406 when there is none (or, as
Autobahn, when none is offered, unless ``factory._requireWebSocketSubprotocol`` is False; then
it speaks JSON). A client fails the connection when the server answers with a subprotocol it
did not offer.

Limits: the WAMP factories bound incoming frames and messages to :data:`DEFAULT_MAX_MESSAGE_SIZE`
(16 MiB, the RawSocket maximum) unless ``maxMessagePayloadSize``/``maxFramePayloadSize`` are
set; Autobahn leaves them unbounded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Final

from wamp_core.exception import ProtocolError, TransportLost
from wamp_core.transport.channel import WampTransportMixin
from wamp_core.transport.negotiate import (
    choose_subprotocol,
    client_serializers,
    serializer_for_subprotocol,
    server_serializers,
    subprotocols,
)
from wamp_core.types import TransportDetails

__all__ = [
    "DEFAULT_MAX_MESSAGE_SIZE",
    "WampWebSocketClientFactoryMixin",
    "WampWebSocketClientProtocolMixin",
    "WampWebSocketServerFactoryMixin",
    "WampWebSocketServerProtocolMixin",
]

DEFAULT_MAX_MESSAGE_SIZE: Final = 16 * 2**20
_PROTOCOL_ERROR: Final = 1002
_INTERNAL_ERROR: Final = 1011


class _WampWebSocketProtocol(WampTransportMixin):
    """What both sides share."""

    state: int
    STATE_OPEN: int
    http_headers: dict[str, str]
    websocket_protocol_in_use: str | None
    websocket_extensions_in_use: list[str]
    sendMessage: Callable[..., None]
    sendClose: Callable[..., None]
    dropConnection: Callable[..., None]
    _fail_connection: Callable[[int, str], None]

    _engine: Any
    _open_state: Any = None
    """The engine's OPEN state, taken when the WebSocket opened (compared by identity for
    every message sent, which is cheaper than the ``state`` property's mapping)."""

    def _channel_open(self) -> bool:
        engine = self._engine
        return engine is not None and engine.state is self._open_state

    def _send_payload(self, payload: bytes, is_binary: bool) -> None:
        self.sendMessage(payload, is_binary)

    def _close_channel(self) -> None:
        self.sendClose(1000)

    def _abort_channel(self) -> None:
        self.dropConnection(abort=True)

    def _wamp_protocol_error(self, reason: str) -> None:
        code = _PROTOCOL_ERROR if reason.startswith("WAMP protocol error") else _INTERNAL_ERROR
        self._fail_connection(code, reason)

    def onOpen(self) -> None:
        details = self._transport_details
        if isinstance(details, TransportDetails):
            details.channel_framing = TransportDetails.CHANNEL_FRAMING_WEBSOCKET
            details.websocket_protocol = self.websocket_protocol_in_use
            details.websocket_extensions_in_use = list(self.websocket_extensions_in_use)
            details.http_headers_received = dict(self.http_headers)
        if self.state == self.STATE_OPEN and self._engine is not None:
            self._open_state = self._engine.state
        self._wamp_open(self._serializer)

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        self._wamp_receive(payload, isBinary)

    def onClose(self, wasClean: bool, code: int | None, reason: str | None) -> None:
        self._wamp_closed(wasClean)


class WampWebSocketServerProtocolMixin(_WampWebSocketProtocol):
    """WAMP-over-WebSocket, server side (Autobahn's ``WampWebSocketServerProtocol``)."""

    ConnectionDeny: Any

    def onConnect(self, request: Any) -> tuple[str | None, dict[str, str]]:
        factory = self.factory
        serializers = self._route(request.path)
        chosen = choose_subprotocol(request.protocols, serializers)
        if chosen is not None:
            subprotocol, self._serializer = chosen
            return subprotocol, {}
        if request.protocols or factory._requireWebSocketSubprotocol:
            offered = ", ".join(request.protocols) or "none"
            raise self.ConnectionDeny(
                406, f"this server only speaks WebSocket subprotocols "
                     f"{', '.join(subprotocols(serializers))} (offered: {offered})")
        self._serializer = _json_of(serializers)
        return None, {}

    def _route(self, path: str) -> list[Any]:
        """The serializers (and handler factory) for a request path: a factory with
        ``_routes`` (``{path or "*": (handler factory, serializers)}``) serves several."""
        factory = self.factory
        routes = getattr(factory, "_routes", None)
        if not routes:
            serializers: list[Any] = factory._serializers
            return serializers
        route = routes.get(path) or routes.get("*")
        if route is None:
            raise self.ConnectionDeny(404, f"no WAMP service at path {path!r} (served: "
                                           f"{', '.join(sorted(routes))})")
        self._make_handler, serializers = route
        return serializers


class WampWebSocketClientProtocolMixin(_WampWebSocketProtocol):
    """WAMP-over-WebSocket, client side (Autobahn's ``WampWebSocketClientProtocol``)."""

    def onConnect(self, response: Any) -> None:
        factory = self.factory
        if response.protocol is None and not factory._requireWebSocketSubprotocol:
            self._serializer = _json_of(factory._serializers)
            return
        try:
            self._serializer = serializer_for_subprotocol(response.protocol,
                                                          factory._serializers)
        except ValueError as exc:
            raise ProtocolError(f"{factory.url}: {exc}") from None


def _json_of(serializers: list[Any]) -> Any:
    for serializer in serializers:
        if serializer.SERIALIZER_ID == "json":
            return serializer
    raise TransportLost("the peer speaks no WebSocket subprotocol and we do not speak JSON")


class _WampWebSocketFactory:
    """The WAMP part of a WebSocket factory: the session factory and the serializers."""

    options: Any
    _serializers: list[Any]
    _protocols: list[str]
    _requireWebSocketSubprotocol = True

    def _init_wamp(self, factory: Callable[[], Any], serializers: list[Any]) -> None:
        if not callable(factory):
            raise ValueError(f"factory must be a callable making ITransportHandler objects "
                             f"(e.g. an ApplicationSession factory), not {factory!r}")
        self._factory = factory
        self._serializers = serializers
        self._protocols = subprotocols(serializers)

    def _set_default_limits(self) -> None:
        """Bound incoming frames and messages unless the options already do."""
        options = self.options
        if not options.max_message_payload_size:
            options.max_message_payload_size = DEFAULT_MAX_MESSAGE_SIZE
        if not options.max_frame_payload_size:
            options.max_frame_payload_size = DEFAULT_MAX_MESSAGE_SIZE


class WampWebSocketServerFactoryMixin(_WampWebSocketFactory):
    """``(factory, serializers=None)``: every installed serializer by default."""

    def __init__(self, factory: Callable[[], Any], serializers: Iterable[Any] | None = None
                 ) -> None:
        self._init_wamp(factory, server_serializers(serializers))


class WampWebSocketClientFactoryMixin(_WampWebSocketFactory):
    """``(factory, serializers=None)``: CBOR, MessagePack, UBJSON, JSON by default.

    ``serializer=`` (one serializer) is accepted too: Autobahn documents that name, its code
    takes ``serializers``.
    """

    def __init__(self, factory: Callable[[], Any], serializers: Iterable[Any] | None = None,
                 serializer: Any = None) -> None:
        if serializer is not None:
            if serializers is not None:
                raise ValueError("give serializers=[...] or serializer=..., not both")
            serializers = [serializer]
        self._init_wamp(factory, client_serializers(serializers))
