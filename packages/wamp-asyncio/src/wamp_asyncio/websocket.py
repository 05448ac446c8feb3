"""WebSocket and WAMP-over-WebSocket on asyncio (Autobahn's ``autobahn.asyncio.websocket``).

Each class is three layers put together: the asyncio adapter (:mod:`wamp_asyncio._engine`:
bytes, timers, flow control), the framework-neutral WebSocket API
(:mod:`wamp_websocket.protocol`, :mod:`wamp_websocket.factory`) and, for the ``Wamp*``
classes, the framework-neutral WAMP glue (:mod:`wamp_core.transport.websocket`). Use them as
Autobahn's::

    factory = WebSocketServerFactory("ws://127.0.0.1:9000")
    factory.protocol = MyServerProtocol
    server = await loop.create_server(factory, "127.0.0.1", 9000)

Factories take ``loop=`` (default: the running loop when used); a client factory also takes
``ssl=`` (an ``ssl.SSLContext``, or None for the default context) for ``wss`` through a proxy.
"""

from __future__ import annotations

import asyncio
import ssl as _ssl
from typing import Any

from wamp_core.transport.websocket import (
    WampWebSocketClientFactoryMixin,
    WampWebSocketClientProtocolMixin,
    WampWebSocketServerFactoryMixin,
    WampWebSocketServerProtocolMixin,
)
from wamp_websocket import factory as _factory
from wamp_websocket import protocol as _protocol
from wamp_websocket.types import (
    ConnectingRequest,
    ConnectionAccept,
    ConnectionDeny,
    ConnectionRequest,
    ConnectionResponse,
)

from wamp_asyncio._engine import EngineProtocol, transport_details

__all__ = [
    "ConnectingRequest",
    "ConnectionAccept",
    "ConnectionDeny",
    "ConnectionRequest",
    "ConnectionResponse",
    "WampWebSocketClientFactory",
    "WampWebSocketClientProtocol",
    "WampWebSocketServerFactory",
    "WampWebSocketServerProtocol",
    "WebSocketClientFactory",
    "WebSocketClientProtocol",
    "WebSocketServerFactory",
    "WebSocketServerProtocol",
]


class WebSocketServerProtocol(EngineProtocol, _protocol.WebSocketServerProtocol):
    """Base class of asyncio WebSocket server protocols."""


class WebSocketClientProtocol(EngineProtocol, _protocol.WebSocketClientProtocol):
    """Base class of asyncio WebSocket client protocols."""

    def _io_start_tls(self) -> None:
        self._io_spawn(self._start_tls())

    async def _start_tls(self) -> None:
        factory, transport = self.factory, self.transport
        context = getattr(factory, "ssl", None)
        if not isinstance(context, _ssl.SSLContext):
            context = _ssl.create_default_context()
        try:
            tls = await self._loop.start_tls(transport, self, context,
                                             server_hostname=factory.host)
        except (OSError, _ssl.SSLError) as exc:
            self._refusal = exc  # what ``failure`` reports
            self._io_drop(True)
            return
        if tls is None:
            return
        self.transport = tls
        self._transport_details = transport_details(tls, False)
        self._tls_started()


class _AsyncioFactory:
    """``loop`` (given, or the running one) and ``__call__`` making a protocol."""

    protocol: Any
    _loop: asyncio.AbstractEventLoop | None = None

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is not None:
            return self._loop
        return asyncio.get_running_loop()

    @loop.setter
    def loop(self, loop: asyncio.AbstractEventLoop | None) -> None:
        self._loop = loop

    def __call__(self) -> Any:
        proto = self.protocol()
        proto.factory = self
        return proto


class WebSocketServerFactory(_AsyncioFactory, _factory.WebSocketServerFactory):
    """asyncio WebSocket server factory: Autobahn's arguments plus ``loop=``."""

    protocol: type[Any] = WebSocketServerProtocol

    def __init__(self, *args: Any, loop: asyncio.AbstractEventLoop | None = None,
                 **kwargs: Any) -> None:
        self._loop = loop
        _factory.WebSocketServerFactory.__init__(self, *args, **kwargs)


class WebSocketClientFactory(_AsyncioFactory, _factory.WebSocketClientFactory):
    """asyncio WebSocket client factory: Autobahn's arguments plus ``loop=`` and ``ssl=``."""

    protocol: type[Any] = WebSocketClientProtocol

    def __init__(self, *args: Any, loop: asyncio.AbstractEventLoop | None = None,
                 ssl: _ssl.SSLContext | None = None, **kwargs: Any) -> None:
        self._loop = loop
        self.ssl = ssl
        _factory.WebSocketClientFactory.__init__(self, *args, **kwargs)


class WampWebSocketServerProtocol(WampWebSocketServerProtocolMixin, WebSocketServerProtocol):
    """asyncio WAMP-over-WebSocket server protocol (an ``ITransport``)."""


class WampWebSocketClientProtocol(WampWebSocketClientProtocolMixin, WebSocketClientProtocol):
    """asyncio WAMP-over-WebSocket client protocol (an ``ITransport``)."""


class WampWebSocketServerFactory(WampWebSocketServerFactoryMixin, WebSocketServerFactory):
    """asyncio WAMP-over-WebSocket server factory: ``(factory, *args, serializers=None, ...)``."""

    protocol: type[Any] = WampWebSocketServerProtocol

    def __init__(self, factory: Any, *args: Any, serializers: Any = None,
                 **kwargs: Any) -> None:
        WampWebSocketServerFactoryMixin.__init__(self, factory, serializers)
        kwargs["protocols"] = self._protocols
        WebSocketServerFactory.__init__(self, *args, **kwargs)
        self._set_default_limits()


class WampWebSocketClientFactory(WampWebSocketClientFactoryMixin, WebSocketClientFactory):
    """asyncio WAMP-over-WebSocket client factory: ``(factory, *args, serializers=None, ...)``
    (or ``serializer=``, Autobahn's documented name)."""

    protocol: type[Any] = WampWebSocketClientProtocol

    def __init__(self, factory: Any, *args: Any, serializers: Any = None,
                 serializer: Any = None, **kwargs: Any) -> None:
        WampWebSocketClientFactoryMixin.__init__(self, factory, serializers, serializer)
        kwargs["protocols"] = self._protocols
        WebSocketClientFactory.__init__(self, *args, **kwargs)
        self._set_default_limits()
