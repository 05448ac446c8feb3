"""WAMP over WebSocket and RawSocket on Twisted: client, server and embedded router.

The modules mirror Autobahn|Python's ``autobahn.twisted``: :mod:`~wamp_twisted.websocket`,
:mod:`~wamp_twisted.rawsocket`, :mod:`~wamp_twisted.wamp`, :mod:`~wamp_twisted.component`;
:mod:`~wamp_twisted.router` serves the embedded router, and ``python -m wamp_twisted`` is the
command line. The module and class names are those of ``wamp_asyncio``. Every name is
re-exported here.
"""

from __future__ import annotations

from wamp_twisted.__about__ import __version__
from wamp_twisted.component import Component, run
from wamp_twisted.rawsocket import (
    RawSocketClientFactory,
    RawSocketClientProtocol,
    RawSocketServerFactory,
    RawSocketServerProtocol,
    WampRawSocketClientFactory,
    WampRawSocketClientProtocol,
    WampRawSocketServerFactory,
    WampRawSocketServerProtocol,
)
from wamp_twisted.router import RouterServer, serve
from wamp_twisted.wamp import (
    ApplicationRunner,
    ApplicationSession,
    ApplicationSessionFactory,
    Session,
)
from wamp_twisted.websocket import (
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
    WebSocketResource,
    WebSocketServerFactory,
    WebSocketServerProtocol,
    WSGIRootResource,
    connectWS,
    listenWS,
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
    "WSGIRootResource",
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
    "WebSocketResource",
    "WebSocketServerFactory",
    "WebSocketServerProtocol",
    "__version__",
    "connectWS",
    "listenWS",
    "run",
    "serve",
]
