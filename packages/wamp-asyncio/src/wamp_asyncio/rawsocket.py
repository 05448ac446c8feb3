"""WAMP-over-RawSocket on asyncio (Autobahn's ``autobahn.asyncio.rawsocket``).

As in :mod:`wamp_asyncio.websocket`, each class puts together the asyncio adapter
(:mod:`wamp_asyncio._engine`), the framework-neutral RawSocket API
(:mod:`wamp_rawsocket.protocol`: ``sendPing``/``onPing``/``onPong``, ``setProtocolOptions``
on both factories) and the framework-neutral WAMP glue (:mod:`wamp_core.transport.rawsocket`)::

    factory = WampRawSocketServerFactory(router_session_factory)
    server = await loop.create_server(factory, "127.0.0.1", 8080)
"""

from __future__ import annotations

import asyncio
from typing import Any

from wamp_core.transport.rawsocket import (
    WampRawSocketClientFactoryMixin,
    WampRawSocketClientProtocolMixin,
    WampRawSocketServerFactoryMixin,
    WampRawSocketServerProtocolMixin,
)
from wamp_rawsocket import protocol as _protocol

from wamp_asyncio._engine import EngineProtocol

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
    """asyncio RawSocket server protocol (callbacks ``onOpen``, ``onMessage`` ...)."""


class RawSocketClientProtocol(EngineProtocol, _protocol.RawSocketClientProtocol):
    """asyncio RawSocket client protocol."""


class _AsyncioFactory:
    protocol: Any
    _loop: asyncio.AbstractEventLoop | None = None

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._loop if self._loop is not None else asyncio.get_running_loop()

    def __call__(self) -> Any:
        proto = self.protocol()
        proto.factory = self
        return proto


class RawSocketServerFactory(_AsyncioFactory, _protocol.RawSocketServerFactory):
    """asyncio RawSocket server factory (``serializer_ids``, ``loop=``)."""

    protocol: type[Any] = RawSocketServerProtocol

    def __init__(self, *args: Any, loop: asyncio.AbstractEventLoop | None = None,
                 **kwargs: Any) -> None:
        self._loop = loop
        _protocol.RawSocketServerFactory.__init__(self, *args, **kwargs)


class RawSocketClientFactory(_AsyncioFactory, _protocol.RawSocketClientFactory):
    """asyncio RawSocket client factory (``serializer_id``, ``loop=``)."""

    protocol: type[Any] = RawSocketClientProtocol

    def __init__(self, *args: Any, loop: asyncio.AbstractEventLoop | None = None,
                 **kwargs: Any) -> None:
        self._loop = loop
        _protocol.RawSocketClientFactory.__init__(self, *args, **kwargs)


class WampRawSocketServerProtocol(WampRawSocketServerProtocolMixin, RawSocketServerProtocol):
    """asyncio WAMP-over-RawSocket server protocol (an ``ITransport``)."""


class WampRawSocketClientProtocol(WampRawSocketClientProtocolMixin, RawSocketClientProtocol):
    """asyncio WAMP-over-RawSocket client protocol (an ``ITransport``)."""


class WampRawSocketServerFactory(WampRawSocketServerFactoryMixin, RawSocketServerFactory):
    """``WampRawSocketServerFactory(factory, serializers=None, loop=None)``."""

    protocol: type[Any] = WampRawSocketServerProtocol

    def __init__(self, factory: Any, serializers: Any = None,
                 loop: asyncio.AbstractEventLoop | None = None) -> None:
        WampRawSocketServerFactoryMixin.__init__(self, factory, serializers)
        RawSocketServerFactory.__init__(self, self.serializer_ids, loop=loop)


class WampRawSocketClientFactory(WampRawSocketClientFactoryMixin, RawSocketClientFactory):
    """``WampRawSocketClientFactory(factory, serializer=None, loop=None)``."""

    protocol: type[Any] = WampRawSocketClientProtocol

    def __init__(self, factory: Any, serializer: Any = None,
                 loop: asyncio.AbstractEventLoop | None = None) -> None:
        WampRawSocketClientFactoryMixin.__init__(self, factory, serializer)
        RawSocketClientFactory.__init__(self, self.serializer_id, loop=loop)
