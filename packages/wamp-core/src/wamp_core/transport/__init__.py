"""Framework-neutral WAMP transports: what ``wamp_asyncio`` and ``wamp_twisted`` share.

- :mod:`~wamp_core.transport.negotiate`: serializers, WebSocket subprotocols, RawSocket ids;
- :mod:`~wamp_core.transport.channel`: the ``ITransport`` (send, receive, close, details);
- :mod:`~wamp_core.transport.websocket`, :mod:`~wamp_core.transport.rawsocket`: the
  WAMP-over-WebSocket and WAMP-over-RawSocket protocol and factory mixins, duck-typed over
  the application APIs of ``wamp_websocket.protocol`` and ``wamp_rawsocket.protocol`` (this
  package imports neither).
"""

from __future__ import annotations

from wamp_core.transport.channel import WampTransportMixin
from wamp_core.transport.negotiate import (
    CLIENT_DEFAULT,
    SERVER_DEFAULT,
    choose_subprotocol,
    client_serializers,
    rawsocket_ids,
    serializer_for_rawsocket_id,
    serializer_for_subprotocol,
    server_serializers,
    subprotocol_of,
    subprotocols,
)
from wamp_core.transport.rawsocket import (
    WampRawSocketClientFactoryMixin,
    WampRawSocketClientProtocolMixin,
    WampRawSocketServerFactoryMixin,
    WampRawSocketServerProtocolMixin,
)
from wamp_core.transport.websocket import (
    DEFAULT_MAX_MESSAGE_SIZE,
    WampWebSocketClientFactoryMixin,
    WampWebSocketClientProtocolMixin,
    WampWebSocketServerFactoryMixin,
    WampWebSocketServerProtocolMixin,
)

__all__ = [
    "CLIENT_DEFAULT",
    "DEFAULT_MAX_MESSAGE_SIZE",
    "SERVER_DEFAULT",
    "WampRawSocketClientFactoryMixin",
    "WampRawSocketClientProtocolMixin",
    "WampRawSocketServerFactoryMixin",
    "WampRawSocketServerProtocolMixin",
    "WampTransportMixin",
    "WampWebSocketClientFactoryMixin",
    "WampWebSocketClientProtocolMixin",
    "WampWebSocketServerFactoryMixin",
    "WampWebSocketServerProtocolMixin",
    "choose_subprotocol",
    "client_serializers",
    "rawsocket_ids",
    "serializer_for_rawsocket_id",
    "serializer_for_subprotocol",
    "server_serializers",
    "subprotocol_of",
    "subprotocols",
]
