"""Serving the embedded router (``wamp_core.router``) on asyncio.

::

    server = await serve(ws=["127.0.0.1:0/ws"], rawsocket=["127.0.0.1:0"])
    print(server.urls)          # ['ws://127.0.0.1:40117/ws', 'rs://127.0.0.1:38301']
    ...
    await server.close()        # GOODBYE to every session, then the listeners close

``serve(config)`` takes a Crossbar.io ``config.json`` (a path, a dict or a
:class:`~wamp_core.router.RouterConfig`); ``serve(ws=..., rawsocket=..., unix=...,
realm=...)`` builds a development configuration (every serializer, anonymous may do
everything); ``serve()`` alone listens on ``ws://127.0.0.1:8080/ws``. What to listen on
comes from :func:`wamp_core.transport.serving.plan`; this module only opens the sockets
(TCP, Unix, TLS from the endpoint's ``tls`` files), picks RawSocket or WebSocket on a
``universal`` endpoint from the first octet, and drives the router's call timeouts with
``loop.call_later``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import ssl
import time
from collections.abc import Mapping, Sequence
from typing import Any

from wamp_core.log import make_logger
from wamp_core.router import Router
from wamp_core.transport.serving import Listener, listener_factories, plan, sniff
from wamp_core.transport.serving import router_config as make_router_config
from wamp_websocket.compress import PerMessageDeflateOfferAccept

from wamp_asyncio.rawsocket import WampRawSocketServerFactory, WampRawSocketServerProtocol
from wamp_asyncio.websocket import WampWebSocketServerFactory, WampWebSocketServerProtocol

__all__ = ["RouterServer", "serve"]

log = make_logger(__name__)


class _Tracked:
    """Served connections register with their server, so ``close()`` can wait for them."""

    factory: Any

    def connection_made(self, transport: Any) -> None:
        self.factory._connections.add(self)
        super().connection_made(transport)  # type: ignore[misc]

    def connection_lost(self, exc: Exception | None) -> None:
        self.factory._connections.discard(self)
        super().connection_lost(exc)  # type: ignore[misc]


class _WebSocketProtocol(_Tracked, WampWebSocketServerProtocol):
    pass


class _RawSocketProtocol(_Tracked, WampRawSocketServerProtocol):
    pass


class _Sniffer(asyncio.Protocol):
    """A universal endpoint: hand the connection to RawSocket or WebSocket by its first octet."""

    def __init__(self, websocket: Any, rawsocket: Any) -> None:
        self._factories = {"websocket": websocket, "rawsocket": rawsocket}

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        kind = sniff(data)
        factory = self._factories.get(kind or "")
        if factory is None:
            self.transport.close()
            return
        proto = factory()
        self.transport.set_protocol(proto)
        proto.connection_made(self.transport)
        proto.data_received(data)


def _tls_context(endpoint: Any) -> ssl.SSLContext | None:
    tls = endpoint.tls
    if tls is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tls.certificate, tls.key)
    for ca in tls.ca_certificates:
        context.load_verify_locations(ca)
    if tls.ciphers:
        context.set_ciphers(tls.ciphers)
    return context


class RouterServer:
    """A running router: ``router``, ``urls`` (where clients connect), ``close()``."""

    def __init__(self, router: Router) -> None:
        self.router = router
        self.urls: list[str] = []
        self.servers: list[asyncio.AbstractServer] = []
        self._connections: set[Any] = set()

    async def _listen(self, listener: Listener) -> None:
        loop = asyncio.get_running_loop()
        factory = self._factory(listener)
        endpoint = listener.endpoint
        context = _tls_context(endpoint)
        if endpoint.type == "unix":
            path = str(endpoint.path)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
            server = await loop.create_unix_server(factory, path, ssl=context)
            host, port = "", None
        else:
            server = await loop.create_server(
                factory, endpoint.interface or "127.0.0.1", endpoint.port, ssl=context,
                backlog=endpoint.backlog or 100, reuse_port=endpoint.shared or None)
            host, port = server.sockets[0].getsockname()[:2]
        self.servers.append(server)
        self.urls.extend(listener.urls(host, port))

    def _factory(self, listener: Listener) -> Any:
        ws, rs = listener_factories(self.router, listener, WampWebSocketServerFactory,
                                    WampRawSocketServerFactory, _accept_deflate)
        for factory, protocol in ((ws, _WebSocketProtocol), (rs, _RawSocketProtocol)):
            if factory is not None:
                factory.protocol = protocol
                factory._connections = self._connections
        if ws is not None and rs is not None:
            return lambda: _Sniffer(ws, rs)
        return ws if ws is not None else rs

    async def close(self, timeout: float = 2.0) -> None:
        """Say GOODBYE to every session, stop listening, wait (``timeout``) for the
        connections to close, then drop those left."""
        for server in self.servers:
            server.close()
        self.router.close()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._connections and loop.time() < deadline:
            await asyncio.sleep(0.01)
        for proto in list(self._connections):
            proto.dropConnection(abort=True)
        await asyncio.sleep(0)

    async def __aenter__(self) -> RouterServer:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()


def _accept_deflate(offers: list[Any]) -> Any:
    return PerMessageDeflateOfferAccept(offers[0])


async def serve(config: Any = None, *, ws: Sequence[str] = (), rawsocket: Sequence[str] = (),
                unix: Sequence[str] = (), realm: str = "realm1",
                environ: Mapping[str, str] | None = None) -> RouterServer:
    """Start the embedded router (see the module text); returns the running server."""
    loop = asyncio.get_running_loop()
    router_config = make_router_config(config, realm, ws, rawsocket, unix)
    router = Router(router_config, call_later=loop.call_later, clock=time.time,
                    environ=environ)
    for warning in router.warnings:
        log.warn("router configuration: {warning}", warning=warning)
    server = RouterServer(router)
    try:
        for listener in plan(router_config):
            await server._listen(listener)
    except BaseException:
        await server.close(timeout=0)
        raise
    return server
