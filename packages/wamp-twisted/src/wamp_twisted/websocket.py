"""WebSocket and WAMP-over-WebSocket on Twisted (Autobahn's ``autobahn.twisted.websocket``).

Each class is three layers put together: the Twisted adapter (:mod:`wamp_twisted._engine`:
bytes, timers, producers), the framework-neutral WebSocket API
(:mod:`wamp_websocket.protocol`, :mod:`wamp_websocket.factory`) and, for the ``Wamp*``
classes, the framework-neutral WAMP glue (:mod:`wamp_core.transport.websocket`). Use them as
Autobahn's::

    factory = WebSocketServerFactory("ws://127.0.0.1:9000")
    factory.protocol = MyServerProtocol
    listenWS(factory)                 # or reactor.listenTCP(9000, factory)

Factories take ``reactor=`` (default: the global reactor, imported when first needed). A
client factory's ``contextFactory`` (set by :func:`connectWS`, or given to the constructor)
is used for ``wss`` through a proxy, where TLS starts inside the tunnel.

:class:`WebSocketResource` mounts a WebSocket factory in a ``twisted.web`` site (the
connection leaves the web server after the upgrade request); :class:`WSGIRootResource`
serves a WSGI application at the root with other resources (say a WebSocketResource) as
children.
"""

from __future__ import annotations

from typing import Any

from twisted.internet import protocol as _twisted
from twisted.internet.interfaces import IListeningPort
from twisted.protocols.policies import ProtocolWrapper
from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET
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

from wamp_twisted._engine import EngineProtocol, _TwistedFactory, reactor_of

__all__ = [
    "ConnectingRequest",
    "ConnectionAccept",
    "ConnectionDeny",
    "ConnectionRequest",
    "ConnectionResponse",
    "WSGIRootResource",
    "WampWebSocketClientFactory",
    "WampWebSocketClientProtocol",
    "WampWebSocketServerFactory",
    "WampWebSocketServerProtocol",
    "WebSocketClientFactory",
    "WebSocketClientProtocol",
    "WebSocketResource",
    "WebSocketServerFactory",
    "WebSocketServerProtocol",
    "connectWS",
    "listenWS",
]


class WebSocketServerProtocol(EngineProtocol, _protocol.WebSocketServerProtocol):
    """Base class of Twisted WebSocket server protocols."""


class WebSocketClientProtocol(EngineProtocol, _protocol.WebSocketClientProtocol):
    """Base class of Twisted WebSocket client protocols."""

    def _io_start_tls(self) -> None:
        factory, transport = self.factory, self.transport
        creator = getattr(factory, "contextFactory", None)
        try:
            if creator is None:
                from twisted.internet.ssl import optionsForClientTLS

                creator = optionsForClientTLS(factory.host)
            self._tls_handshaking = True
            transport.startTLS(creator)
        except Exception as exc:  # no TLS support, a bad host name for a certificate
            self._refusal = exc  # what ``failure`` reports
            self._io_drop(True)
            return
        details = self._transport_details
        details.is_secure = True
        self._tls_started()


class WebSocketServerFactory(_TwistedFactory, _factory.WebSocketServerFactory,
                             _twisted.ServerFactory):
    """Twisted WebSocket server factory: Autobahn's arguments plus ``reactor=``."""

    protocol: type[Any] = WebSocketServerProtocol

    def __init__(self, *args: Any, reactor: Any = None, **kwargs: Any) -> None:
        self._reactor = reactor
        _factory.WebSocketServerFactory.__init__(self, *args, **kwargs)


class WebSocketClientFactory(_TwistedFactory, _factory.WebSocketClientFactory,
                             _twisted.ClientFactory):
    """Twisted WebSocket client factory: Autobahn's arguments plus ``reactor=`` and
    ``contextFactory=`` (TLS inside a proxy tunnel; default ``optionsForClientTLS(host)``)."""

    protocol: type[Any] = WebSocketClientProtocol

    def __init__(self, *args: Any, reactor: Any = None, contextFactory: Any = None,
                 **kwargs: Any) -> None:
        self._reactor = reactor
        self.contextFactory = contextFactory
        _factory.WebSocketClientFactory.__init__(self, *args, **kwargs)


class WampWebSocketServerProtocol(WampWebSocketServerProtocolMixin, WebSocketServerProtocol):
    """Twisted WAMP-over-WebSocket server protocol (an ``ITransport``)."""


class WampWebSocketClientProtocol(WampWebSocketClientProtocolMixin, WebSocketClientProtocol):
    """Twisted WAMP-over-WebSocket client protocol (an ``ITransport``)."""


class WampWebSocketServerFactory(WampWebSocketServerFactoryMixin, WebSocketServerFactory):
    """Twisted WAMP-over-WebSocket server factory: ``(factory, *args, serializers=None, ...)``."""

    protocol: type[Any] = WampWebSocketServerProtocol

    def __init__(self, factory: Any, *args: Any, serializers: Any = None,
                 **kwargs: Any) -> None:
        WampWebSocketServerFactoryMixin.__init__(self, factory, serializers)
        kwargs["protocols"] = self._protocols
        WebSocketServerFactory.__init__(self, *args, **kwargs)
        self._set_default_limits()


class WampWebSocketClientFactory(WampWebSocketClientFactoryMixin, WebSocketClientFactory):
    """Twisted WAMP-over-WebSocket client factory: ``(factory, *args, serializers=None, ...)``
    (or ``serializer=``, Autobahn's documented name)."""

    protocol: type[Any] = WampWebSocketClientProtocol

    def __init__(self, factory: Any, *args: Any, serializers: Any = None,
                 serializer: Any = None, **kwargs: Any) -> None:
        WampWebSocketClientFactoryMixin.__init__(self, factory, serializers, serializer)
        kwargs["protocols"] = self._protocols
        WebSocketClientFactory.__init__(self, *args, **kwargs)
        self._set_default_limits()


# -- connecting and listening (Autobahn's helpers) ------------------------------------------


def connectWS(factory: Any, contextFactory: Any = None, timeout: float = 30,
              bindAddress: Any = None) -> Any:
    """Connect a client factory to its URL (through its proxy, if any); an ``IConnector``.

    For ``wss`` without ``contextFactory``: ``optionsForClientTLS(factory.host)``, which
    verifies the server's certificate against the platform's trust roots (Autobahn's
    default, ``ClientContextFactory``, verifies nothing).
    """
    reactor = reactor_of(factory)
    if factory.isSecure and contextFactory is None:
        from twisted.internet.ssl import optionsForClientTLS

        contextFactory = optionsForClientTLS(factory.host)
    if factory.proxy is not None:
        factory.contextFactory = contextFactory  # TLS starts inside the tunnel
        return reactor.connectTCP(factory.proxy["host"], factory.proxy["port"], factory,
                                  timeout, bindAddress)
    if factory.isSecure:
        return reactor.connectSSL(factory.host, factory.port, factory, contextFactory,
                                  timeout, bindAddress)
    return reactor.connectTCP(factory.host, factory.port, factory, timeout, bindAddress)


def listenWS(factory: Any, contextFactory: Any = None, backlog: int = 50,
             interface: str = "") -> IListeningPort:
    """Listen on the port of a server factory's URL (TLS for ``wss``); an ``IListeningPort``."""
    reactor = reactor_of(factory)
    if factory.isSecure:
        if contextFactory is None:
            raise ValueError(f"listenWS({factory.url!r}): a wss URL needs a contextFactory "
                             "(e.g. twisted.internet.ssl.CertificateOptions)")
        port: IListeningPort = reactor.listenSSL(factory.port, factory, contextFactory,
                                                 backlog, interface)
        return port
    port = reactor.listenTCP(factory.port, factory, backlog, interface)
    return port


# -- twisted.web ------------------------------------------------------------------------------


class WebSocketResource(Resource):
    """A ``twisted.web`` resource that turns the request into a WebSocket connection of
    ``factory`` (a WebSocketServerFactory): the connection leaves the web server and the
    factory's protocol takes it over, upgrade request included."""

    isLeaf = True

    def __init__(self, factory: Any) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._factory = factory

    def render(self, request: Any) -> Any:
        channel = request.channel
        transport = channel.transport
        proto = self._factory.buildProtocol(transport.getPeer())
        if proto is None:
            request.setResponseCode(503)
            return b""
        channel.setTimeout(None)  # the web server lets go of the connection
        channel.transport = None
        transport.unregisterProducer()
        if isinstance(transport, ProtocolWrapper):  # TLS: the wrapper feeds its protocol
            transport.wrappedProtocol = proto
        else:
            transport.protocol = proto
        proto.makeConnection(transport)
        transport.resumeProducing()  # twisted.web paused reading for the request
        proto.dataReceived(_request_head(request))
        return NOT_DONE_YET


def _request_head(request: Any) -> bytes:
    """The HTTP head of an upgrade request, written again for the WebSocket engine."""
    lines = [b"%s %s HTTP/1.1" % (request.method, request.uri)]
    for name, values in request.requestHeaders.getAllRawHeaders():
        lines.append(name + b": " + b", ".join(values))
    return b"\r\n".join(lines) + b"\r\n\r\n"


class WSGIRootResource(Resource):
    """Serves ``wsgiResource`` (a ``twisted.web.wsgi.WSGIResource``) for every path but the
    ``children`` (``{b"ws": WebSocketResource(...)}``), Autobahn's way to put a Flask or
    Django application and a WebSocket endpoint on one port."""

    def __init__(self, wsgiResource: Any, children: dict[bytes, Any]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._wsgi = wsgiResource
        for name, child in children.items():
            self.putChild(name, child)

    def getChild(self, path: bytes, request: Any) -> Any:
        request.prepath.pop()
        request.postpath.insert(0, path)
        return self._wsgi
