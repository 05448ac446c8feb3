"""WAMP over RawSocket, for any framework: mixins over the RawSocket application API.

The mixins sit on top of a RawSocket protocol with the API of ``wamp_rawsocket.protocol``
(driven by an asyncio or Twisted adapter): they implement its callbacks (``onOpen``,
``onMessage``, ``onClose``) and use its methods (``sendMessage``, ``dropConnection``,
``state``), so ``wamp_asyncio.rawsocket`` and ``wamp_twisted.rawsocket`` share them::

    class WampRawSocketServerProtocol(WampRawSocketServerProtocolMixin, RawSocketServerProtocol)

A server accepts the RawSocket serializer ids of its serializers (default: every installed
one); a client asks for one serializer (default: CBOR, else the first installed of
MessagePack, UBJSON, JSON). A message larger than the peer announced raises
:class:`~wamp_core.exception.PayloadExceededError` from ``send``. Bytes that do not parse
as WAMP drop the connection (RawSocket has no close code).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from wamp_core.transport.channel import WampTransportMixin
from wamp_core.transport.negotiate import (
    client_serializers,
    rawsocket_ids,
    serializer_for_rawsocket_id,
    server_serializers,
)
from wamp_core.types import TransportDetails

__all__ = [
    "WampRawSocketClientFactoryMixin",
    "WampRawSocketClientProtocolMixin",
    "WampRawSocketServerFactoryMixin",
    "WampRawSocketServerProtocolMixin",
]


class _WampRawSocketProtocol(WampTransportMixin):
    """What both sides share."""

    state: int
    STATE_OPEN: int
    serializer_id: int | None
    peer_max_length: int
    sendMessage: Callable[[bytes], None]
    dropConnection: Callable[..., None]
    _engine: Any
    _io_wake: Callable[[], None]

    def _channel_open(self) -> bool:
        # Asked only while a session runs, so the handshake is done: OPEN until closing.
        engine = self._engine
        return engine is not None and not engine.close_expected()

    def _send_payload(self, payload: bytes, is_binary: bool) -> None:
        self._engine.send_message(payload)  # _channel_open() said there is one
        self._io_wake()

    def send(self, msg: Any) -> None:
        """``WampTransportMixin.send`` in one function (it runs for every message)."""
        engine = self._engine
        if self._session is None or engine is None or engine.close_expected():
            raise self._not_open(msg)
        payload = self._serializer.serialize(msg)[0]
        limit = self._max_send
        if limit and len(payload) > limit:
            raise self._too_large(msg, len(payload))
        engine.send_message(payload)
        self._io_wake()

    def _close_channel(self) -> None:
        self.dropConnection()

    def _abort_channel(self) -> None:
        self.dropConnection(abort=True)

    def _wamp_protocol_error(self, reason: str) -> None:
        self.dropConnection(abort=True)

    def onOpen(self) -> None:
        serializer = serializer_for_rawsocket_id(int(self.serializer_id or 0),
                                                 self.factory._serializers)
        self._max_send = self.peer_max_length
        details = self._transport_details
        if isinstance(details, TransportDetails):
            details.channel_framing = TransportDetails.CHANNEL_FRAMING_RAWSOCKET
        self._wamp_open(serializer)

    # ``onMessage(payload)``: a RawSocket message is one WAMP message (no binary flag)
    onMessage = WampTransportMixin._wamp_receive

    def onClose(self, wasClean: bool, reason: str) -> None:
        self._wamp_closed(wasClean)


class WampRawSocketServerProtocolMixin(_WampRawSocketProtocol):
    """WAMP-over-RawSocket, server side (Autobahn's ``WampRawSocketServerProtocol``)."""


class WampRawSocketClientProtocolMixin(_WampRawSocketProtocol):
    """WAMP-over-RawSocket, client side (Autobahn's ``WampRawSocketClientProtocol``)."""


class WampRawSocketServerFactoryMixin:
    """``(factory, serializers=None)``: the serializer ids the server accepts."""

    def __init__(self, factory: Callable[[], Any], serializers: Iterable[Any] | None = None
                 ) -> None:
        _check_factory(factory)
        self._factory = factory
        self._serializers = server_serializers(serializers)
        self.serializer_ids = tuple(rawsocket_ids(self._serializers))


class WampRawSocketClientFactoryMixin:
    """``(factory, serializer=None)``: the one serializer the client asks for."""

    def __init__(self, factory: Callable[[], Any], serializer: Any = None) -> None:
        _check_factory(factory)
        self._factory = factory
        chosen = client_serializers(None if serializer is None else [serializer])[0]
        self._serializers = [chosen]
        self.serializer_id = int(chosen.RAWSOCKET_SERIALIZER_ID)


def _check_factory(factory: Any) -> None:
    if not callable(factory):
        raise ValueError(f"factory must be a callable making ITransportHandler objects "
                         f"(e.g. an ApplicationSession factory), not {factory!r}")
