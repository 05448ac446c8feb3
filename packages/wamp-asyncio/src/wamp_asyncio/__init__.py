"""WAMP over WebSocket and RawSocket on asyncio: client, server and embedded router.

The modules mirror Autobahn|Python's ``autobahn.asyncio``: :mod:`~wamp_asyncio.websocket`,
:mod:`~wamp_asyncio.rawsocket`, :mod:`~wamp_asyncio.wamp`, :mod:`~wamp_asyncio.component`;
:mod:`~wamp_asyncio.router` serves the embedded router, and ``python -m wamp_asyncio`` is the
command line. Every name is re-exported here.
"""

from __future__ import annotations

from wamp_asyncio.__about__ import __version__
from wamp_asyncio.component import Component, run
from wamp_asyncio.rawsocket import (
    RawSocketClientFactory,
    RawSocketClientProtocol,
    RawSocketServerFactory,
    RawSocketServerProtocol,
    WampRawSocketClientFactory,
    WampRawSocketClientProtocol,
    WampRawSocketServerFactory,
    WampRawSocketServerProtocol,
)
from wamp_asyncio.router import RouterServer, serve
from wamp_asyncio.wamp import (
    ApplicationRunner,
    ApplicationSession,
    ApplicationSessionFactory,
    Session,
)
from wamp_asyncio.websocket import (
    ConnectingRequest,
    ConnectionAccept,
    ConnectionDeny,
    ConnectionRequest,
    ConnectionResponse,
    WampWebSocketClientFactory,
    WampWebSocketClientProtocol,
    WampWebSocketServerFactory,
    WampWebSocketServerProtocol,
    WebSocketClientFactory,
    WebSocketClientProtocol,
    WebSocketServerFactory,
    WebSocketServerProtocol,
)

__all__ = [
    "ApplicationRunner",
    "ApplicationSession",
    "ApplicationSessionFactory",
    "Component",
    "ConnectingRequest",
    "ConnectionAccept",
    "ConnectionDeny",
    "ConnectionRequest",
    "ConnectionResponse",
    "RawSocketClientFactory",
    "RawSocketClientProtocol",
    "RawSocketServerFactory",
    "RawSocketServerProtocol",
    "RouterServer",
    "Session",
    "WampRawSocketClientFactory",
    "WampRawSocketClientProtocol",
    "WampRawSocketServerFactory",
    "WampRawSocketServerProtocol",
    "WampWebSocketClientFactory",
    "WampWebSocketClientProtocol",
    "WampWebSocketServerFactory",
    "WampWebSocketServerProtocol",
    "WebSocketClientFactory",
    "WebSocketClientProtocol",
    "WebSocketServerFactory",
    "WebSocketServerProtocol",
    "__version__",
    "run",
    "serve",
]
