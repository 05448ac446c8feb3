"""Serving the embedded router (``wamp_core.router``) on Twisted.

::

    server = await serve(ws=["127.0.0.1:0/ws"], rawsocket=["127.0.0.1:0"])   # a Deferred
    print(server.urls)          # ['ws://127.0.0.1:40117/ws', 'rs://127.0.0.1:38301']
    ...
    await server.close()        # GOODBYE to every session, then the listeners close

The twin of ``wamp_asyncio.router``, with the same arguments: ``serve(config)`` takes a
Crossbar.io ``config.json`` (a path, a dict or a :class:`~wamp_core.router.RouterConfig`);
``serve(ws=..., rawsocket=..., unix=..., realm=...)`` builds a development configuration
(every serializer, anonymous may do everything); ``serve()`` alone listens on
``ws://127.0.0.1:8080/ws``; ``reactor=`` picks the reactor (default: the global one). What to
listen on and the WAMP factories come from :mod:`wamp_core.transport.serving`; this module
only opens the listening ports (TCP, Unix, TLS from the endpoint's ``tls`` files), picks
RawSocket or WebSocket on a ``universal`` endpoint from the first octet, and drives the
router's call timeouts with ``reactor.callLater``.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Mapping, Sequence
from typing import Any

from twisted.internet.defer import Deferred, ensureDeferred
from twisted.internet.interfaces import (
    IHalfCloseableProtocol,
    IHandshakeListener,
    IOpenSSLServerConnectionCreator,
)
from twisted.internet.protocol import Factory, Protocol, connectionDone
from twisted.internet.task import deferLater
from twisted.python.failure import Failure
from wamp_core.log import make_logger
from wamp_core.router import Router
from wamp_core.transport.serving import Listener, listener_factories, plan, sniff
from wamp_core.transport.serving import router_config as make_router_config
from wamp_websocket.compress import PerMessageDeflateOfferAccept
from zope.interface import implementer  # type: ignore[import-untyped]

from wamp_twisted._txaio import global_reactor
from wamp_twisted.rawsocket import WampRawSocketServerFactory, WampRawSocketServerProtocol
from wamp_twisted.websocket import WampWebSocketServerFactory, WampWebSocketServerProtocol

__all__ = ["RouterServer", "serve"]

log = make_logger(__name__)


class _Tracked:
    """Served connections register with their server, so ``close()`` can wait for them."""

    factory: Any

    def connectionMade(self) -> None:
        self.factory._connections.add(self)
        super().connectionMade()  # type: ignore[misc]

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        self.factory._connections.discard(self)
        super().connectionLost(reason)  # type: ignore[misc]


class _WebSocketProtocol(_Tracked, WampWebSocketServerProtocol):
    pass


class _RawSocketProtocol(_Tracked, WampRawSocketServerProtocol):
    pass


@implementer(IHalfCloseableProtocol, IHandshakeListener)
class _Sniffer(Protocol):
    """A universal endpoint: hand the connection to RawSocket or WebSocket by its first
    octet; afterwards every event goes to that protocol."""

    transport: Any = None

    def __init__(self, websocket: Any, rawsocket: Any) -> None:
        self._factories = {"websocket": websocket, "rawsocket": rawsocket}
        self._proto: Any = None

    def dataReceived(self, data: bytes) -> None:
        if self._proto is not None:
            self._proto.dataReceived(data)
            return
        factory = self._factories.get(sniff(data) or "")
        if factory is None:
            return  # nothing yet (sniff needs one octet)
        self._proto = factory.buildProtocol(self.transport.getPeer())
        self._proto.makeConnection(self.transport)
        self._proto.dataReceived(data)

    def readConnectionLost(self) -> None:
        if self._proto is not None:
            self._proto.readConnectionLost()
        elif self.transport is not None:
            self.transport.loseConnection()

    def writeConnectionLost(self) -> None:
        if self._proto is not None:
            self._proto.writeConnectionLost()

    def handshakeCompleted(self) -> None:
        if self._proto is not None:
            self._proto.handshakeCompleted()

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        if self._proto is not None:
            self._proto.connectionLost(reason)


class _SnifferFactory(Factory):
    noisy = False

    def __init__(self, websocket: Any, rawsocket: Any) -> None:
        self._websocket, self._rawsocket = websocket, rawsocket

    def buildProtocol(self, addr: Any) -> _Sniffer:
        return _Sniffer(self._websocket, self._rawsocket)


@implementer(IOpenSSLServerConnectionCreator)
class ServerTls:
    """TLS of a listening endpoint from its files (``key``, ``certificate``,
    ``chain_certificates``, ``ca_certificates``, ``dhparam``, ``ciphers``), TLS 1.2 or newer."""

    def __init__(self, tls: Any) -> None:
        from OpenSSL import SSL

        context = SSL.Context(SSL.TLS_SERVER_METHOD)
        context.set_min_proto_version(SSL.TLS1_2_VERSION)
        context.use_certificate_chain_file(tls.certificate)
        context.use_privatekey_file(tls.key)
        for chain in tls.chain_certificates:
            for cert in _load_certificates(chain):
                context.add_extra_chain_cert(cert)
        for ca in tls.ca_certificates:
            context.load_verify_locations(ca)
        if tls.dhparam:
            context.load_tmp_dh(tls.dhparam)
        if tls.ciphers:
            context.set_cipher_list(tls.ciphers.encode())
        self.context = context

    def serverConnectionForTLS(self, tlsProtocol: Any) -> Any:
        from OpenSSL import SSL

        return SSL.Connection(self.context, None)


def _load_certificates(path: str) -> list[Any]:
    from cryptography import x509

    with open(path, "rb") as file:
        return list(x509.load_pem_x509_certificates(file.read()))


class RouterServer:
    """A running router: ``router``, ``urls`` (where clients connect), ``close()``."""

    def __init__(self, router: Router, reactor: Any) -> None:
        self.router = router
        self.reactor = reactor
        self.urls: list[str] = []
        self.ports: list[Any] = []
        self._connections: set[Any] = set()

    def _listen(self, listener: Listener) -> None:
        factory = self._factory(listener)
        endpoint = listener.endpoint
        reactor = self.reactor
        if endpoint.type == "unix":
            path = str(endpoint.path)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
            if endpoint.tls is not None:
                from twisted.protocols.tls import TLSMemoryBIOFactory

                tls: Any = ServerTls(endpoint.tls)
                factory = TLSMemoryBIOFactory(tls, False, factory)
            port = reactor.listenUNIX(path, factory, backlog=endpoint.backlog or 50)
            host, number = "", None
        else:
            interface = endpoint.interface or "127.0.0.1"
            backlog = endpoint.backlog or 50
            if endpoint.tls is not None:
                port = reactor.listenSSL(endpoint.port or 0, factory, ServerTls(endpoint.tls),
                                         backlog, interface)
            else:
                port = reactor.listenTCP(endpoint.port or 0, factory, backlog, interface)
            address = port.getHost()
            host, number = address.host, address.port
        self.ports.append(port)
        self.urls.extend(listener.urls(host, number))

    def _factory(self, listener: Listener) -> Any:
        ws, rs = listener_factories(self.router, listener, WampWebSocketServerFactory,
                                    WampRawSocketServerFactory, _accept_deflate,
                                    reactor=self.reactor)
        for factory, protocol in ((ws, _WebSocketProtocol), (rs, _RawSocketProtocol)):
            if factory is not None:
                factory.protocol = protocol
                factory._connections = self._connections
        if ws is not None and rs is not None:
            return _SnifferFactory(ws, rs)
        return ws if ws is not None else rs

    def close(self, timeout: float = 2.0) -> Deferred[None]:
        """Say GOODBYE to every session, stop listening, wait (``timeout``) for the
        connections to close, then drop those left. A Deferred."""
        return ensureDeferred(self._close(timeout))

    async def _close(self, timeout: float) -> None:
        stopping = [port.stopListening() for port in self.ports]
        self.ports = []
        self.router.close()
        for d in stopping:
            if isinstance(d, Deferred):
                await d
        reactor = self.reactor
        deadline = reactor.seconds() + timeout
        while self._connections and reactor.seconds() < deadline:
            await deferLater(reactor, 0.01, lambda: None)
        for proto in list(self._connections):
            proto.dropConnection(abort=True)
        await deferLater(reactor, 0, lambda: None)


def _accept_deflate(offers: list[Any]) -> Any:
    return PerMessageDeflateOfferAccept(offers[0])


def serve(config: Any = None, *, ws: Sequence[str] = (), rawsocket: Sequence[str] = (),
          unix: Sequence[str] = (), realm: str = "realm1",
          environ: Mapping[str, str] | None = None, reactor: Any = None
          ) -> Deferred[RouterServer]:
    """Start the embedded router (see the module text); a Deferred of the running server."""
    return ensureDeferred(_serve(config, ws, rawsocket, unix, realm, environ, reactor))


async def _serve(config: Any, ws: Sequence[str], rawsocket: Sequence[str], unix: Sequence[str],
                 realm: str, environ: Mapping[str, str] | None, reactor: Any) -> RouterServer:
    reactor = reactor if reactor is not None else global_reactor()
    router_config = make_router_config(config, realm, ws, rawsocket, unix)
    router = Router(router_config, call_later=reactor.callLater, clock=time.time,
                    environ=environ)
    for warning in router.warnings:
        log.warn("router configuration: {warning}", warning=warning)
    server = RouterServer(router, reactor)
    try:
        for listener in plan(router_config):
            server._listen(listener)
    except BaseException:
        await server.close(timeout=0)
        raise
    return server
