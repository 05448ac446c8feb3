"""WAMP-over-RawSocket on Twisted (Autobahn's ``autobahn.twisted.rawsocket``).

As in :mod:`wamp_twisted.websocket`, each class puts together the Twisted adapter
(:mod:`wamp_twisted._engine`), the framework-neutral RawSocket API
(:mod:`wamp_rawsocket.protocol`: ``sendPing``/``onPing``/``onPong``, ``setProtocolOptions``
on both factories) and the framework-neutral WAMP glue (:mod:`wamp_core.transport.rawsocket`)::

    factory = WampRawSocketServerFactory(router_session_factory)
    reactor.listenTCP(8080, factory, interface="127.0.0.1")
"""

from __future__ import annotations

from typing import Any

from twisted.internet import protocol as _twisted
from wamp_core.transport.rawsocket import (
    WampRawSocketClientFactoryMixin,
    WampRawSocketClientProtocolMixin,
    WampRawSocketServerFactoryMixin,
    WampRawSocketServerProtocolMixin,
)
from wamp_rawsocket import protocol as _protocol

from wamp_twisted._engine import EngineProtocol, _TwistedFactory

__all__ = [
    "RawSocketClientFactory",
    "RawSocketClientProtocol",
    "RawSocketServerFactory",
    "RawSocketServerProtocol",
    "WampRawSocketClientFactory",
    "WampRawSocketClientProtocol",
    "WampRawSocketServerFactory",
    "WampRawSocketServerProtocol",
]


class RawSocketServerProtocol(EngineProtocol, _protocol.RawSocketServerProtocol):
    """Twisted RawSocket server protocol (callbacks ``onOpen``, ``onMessage`` ...)."""


class RawSocketClientProtocol(EngineProtocol, _protocol.RawSocketClientProtocol):
    """Twisted RawSocket client protocol."""


class RawSocketServerFactory(_TwistedFactory, _protocol.RawSocketServerFactory,
                             _twisted.ServerFactory):
    """Twisted RawSocket server factory (``serializer_ids``, ``reactor=``)."""

    protocol: type[Any] = RawSocketServerProtocol

    def __init__(self, *args: Any, reactor: Any = None, **kwargs: Any) -> None:
        self._reactor = reactor
        _protocol.RawSocketServerFactory.__init__(self, *args, **kwargs)


class RawSocketClientFactory(_TwistedFactory, _protocol.RawSocketClientFactory,
                             _twisted.ClientFactory):
    """Twisted RawSocket client factory (``serializer_id``, ``reactor=``)."""

    protocol: type[Any] = RawSocketClientProtocol

    def __init__(self, *args: Any, reactor: Any = None, **kwargs: Any) -> None:
        self._reactor = reactor
        _protocol.RawSocketClientFactory.__init__(self, *args, **kwargs)


class WampRawSocketServerProtocol(WampRawSocketServerProtocolMixin, RawSocketServerProtocol):
    """Twisted WAMP-over-RawSocket server protocol (an ``ITransport``)."""


class WampRawSocketClientProtocol(WampRawSocketClientProtocolMixin, RawSocketClientProtocol):
    """Twisted WAMP-over-RawSocket client protocol (an ``ITransport``)."""


class WampRawSocketServerFactory(WampRawSocketServerFactoryMixin, RawSocketServerFactory):
    """``WampRawSocketServerFactory(factory, serializers=None, reactor=None)``."""

    protocol: type[Any] = WampRawSocketServerProtocol

    def __init__(self, factory: Any, serializers: Any = None, reactor: Any = None) -> None:
        WampRawSocketServerFactoryMixin.__init__(self, factory, serializers)
        RawSocketServerFactory.__init__(self, self.serializer_ids, reactor=reactor)


class WampRawSocketClientFactory(WampRawSocketClientFactoryMixin, RawSocketClientFactory):
    """``WampRawSocketClientFactory(factory, serializer=None, reactor=None)``."""

    protocol: type[Any] = WampRawSocketClientProtocol

    def __init__(self, factory: Any, serializer: Any = None, reactor: Any = None) -> None:
        WampRawSocketClientFactoryMixin.__init__(self, factory, serializer)
        RawSocketClientFactory.__init__(self, self.serializer_id, reactor=reactor)
