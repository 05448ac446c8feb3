"""Autobahn|Python's WebSocket factories, without I/O: session parameters and options.

:class:`WebSocketServerFactory` (``url``, ``protocols``, ``server``, ``headers``,
``externalPort``) and :class:`WebSocketClientFactory` (``url``, ``origin``, ``protocols``,
``useragent``, ``headers``, ``proxy``) keep Autobahn's constructor arguments, attributes
(``url``, ``isSecure``, ``host``, ``port``, ``resource``, ``path``, ``params`` ...),
``setSessionParameters``, ``setProtocolOptions(**camelCase)`` (every option of the engine,
see :mod:`wamp_websocket.options`), ``resetProtocolOptions`` and ``prepareMessage``. The I/O
adapters subclass them and add how a protocol instance is built (``__call__`` on asyncio,
``buildProtocol`` on Twisted).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from wamp_websocket.client import DEFAULT_USERAGENT
from wamp_websocket.options import ClientOptions, ServerOptions
from wamp_websocket.protocol import WebSocketClientProtocol, WebSocketServerProtocol
from wamp_websocket.server import DEFAULT_SERVER
from wamp_websocket.url import parse_url

__all__ = ["PreparedMessage", "WebSocketClientFactory", "WebSocketServerFactory"]


class PreparedMessage:
    """A message made once and sent to many connections (``sendPreparedMessage``)."""

    __slots__ = ("binary", "doNotCompress", "payload")

    def __init__(self, payload: bytes | str, isBinary: bool = False,
                 doNotCompress: bool = False) -> None:
        self.payload = payload
        self.binary = isBinary
        self.doNotCompress = doNotCompress


class _Factory:
    """What both factories share."""

    options: ServerOptions | ClientOptions

    def setProtocolOptions(self, **options: Any) -> None:
        """Set protocol options by Autobahn's camelCase names (None leaves one unchanged)."""
        self.options.set_protocol_options(**options)

    def resetProtocolOptions(self) -> None:
        """Back to the default protocol options."""
        self.options.reset_protocol_options()

    def prepareMessage(self, payload: bytes | str, isBinary: bool = False,
                       doNotCompress: bool = False) -> PreparedMessage:
        """A message for ``sendPreparedMessage`` on the connections of this factory."""
        return PreparedMessage(payload, isBinary, doNotCompress)


class WebSocketServerFactory(_Factory):
    """Makes server connections; see the module text."""

    protocol: type[Any] = WebSocketServerProtocol
    isServer = True
    options: ServerOptions

    def __init__(self, url: str | None = None, protocols: Sequence[str] | None = None,
                 server: str | None = DEFAULT_SERVER,
                 headers: Mapping[str, Any] | None = None,
                 externalPort: int | None = None) -> None:
        self.options = ServerOptions()
        self.countConnections = 0
        self.setSessionParameters(url, protocols, server, headers, externalPort)

    def setSessionParameters(self, url: str | None = None,
                             protocols: Sequence[str] | None = None,
                             server: str | None = DEFAULT_SERVER,
                             headers: Mapping[str, Any] | None = None,
                             externalPort: int | None = None) -> None:
        """Set the URL served, the subprotocols, the Server header and extra headers."""
        secure, host, port, resource, path, params = parse_url(url or "ws://localhost")
        if params:
            raise ValueError(f"a server WebSocket URL takes no query parameters: {url!r}")
        self.url = url or "ws://localhost"
        self.isSecure, self.host, self.port = secure, host, port
        self.resource, self.path, self.params = resource, path, params
        self.protocols = list(protocols) if protocols is not None else []
        self.server = server
        self.headers = dict(headers) if headers is not None else {}
        if externalPort:
            self.externalPort: int | None = externalPort
        else:
            self.externalPort = port if url else None

    def getConnectionCount(self) -> int:
        """How many connections are currently open."""
        return self.countConnections


class WebSocketClientFactory(_Factory):
    """Makes client connections; see the module text. ``proxy`` is ``{"host", "port"}``."""

    protocol: type[Any] = WebSocketClientProtocol
    isServer = False
    options: ClientOptions

    def __init__(self, url: str | None = None, origin: str | None = None,
                 protocols: Sequence[str] | None = None,
                 useragent: str | None = DEFAULT_USERAGENT,
                 headers: Mapping[str, Any] | None = None,
                 proxy: Mapping[str, Any] | None = None) -> None:
        self.options = ClientOptions()
        self.setSessionParameters(url, origin, protocols, useragent, headers, proxy)

    def setSessionParameters(self, url: str | None = None, origin: str | None = None,
                             protocols: Sequence[str] | None = None,
                             useragent: str | None = DEFAULT_USERAGENT,
                             headers: Mapping[str, Any] | None = None,
                             proxy: Mapping[str, Any] | None = None) -> None:
        """Set the URL to connect to, and what the opening handshake sends."""
        secure, host, port, resource, path, params = parse_url(url or "ws://localhost")
        self.url = url or "ws://localhost"
        self.isSecure, self.host, self.port = secure, host, port
        self.resource, self.path, self.params = resource, path, params
        self.origin = origin
        self.protocols = list(protocols) if protocols is not None else []
        self.useragent = useragent
        self.headers = dict(headers) if headers is not None else {}
        if proxy is not None and not (isinstance(proxy, Mapping) and "host" in proxy
                                      and "port" in proxy):
            raise ValueError(f"proxy must be a dict with 'host' and 'port', not {proxy!r}")
        self.proxy = dict(proxy) if proxy is not None else None
