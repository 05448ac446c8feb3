"""The client side: (an HTTP CONNECT through a proxy, then) the opening handshake.

The constructor queues the first bytes to send (the CONNECT request, or the upgrade request),
so the I/O layer writes ``data_to_send()`` as soon as the transport is up. Through a proxy to
a ``wss`` server, the engine reports :class:`ProxyConnected` after the proxy's 2xx; the I/O
layer starts TLS on the tunnel and calls :meth:`ClientConnection.start_handshake`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs

from wamp_websocket.__about__ import __version__
from wamp_websocket._http import HeaderValues, HeadReader, HttpError, iter_headers
from wamp_websocket.connection import Connection, Side
from wamp_websocket.events import ConnectionOpened, HandshakeFailed, ProxyConnected
from wamp_websocket.exceptions import HandshakeError, InvalidStateError
from wamp_websocket.handshake import (
    build_connect,
    build_request,
    check_connect_response,
    check_response,
    new_key,
)
from wamp_websocket.options import ClientOptions
from wamp_websocket.url import parse_url

__all__ = ["DEFAULT_USERAGENT", "ClientConnection"]

DEFAULT_USERAGENT = f"wamp-websocket/{__version__}"


class ClientConnection(Connection):
    """A client's WebSocket connection (Sans-I/O).

    ``host``/``port``/``resource``/``secure`` say where to (see :meth:`from_url`);
    ``origin``, ``protocols``, ``useragent`` and ``headers`` go into the request; ``proxy``
    (``{"host": ..., "port": ...}``) makes the engine tunnel with HTTP CONNECT first.
    """

    options: ClientOptions

    def __init__(self, options: ClientOptions | None = None, *, host: str = "localhost",
                 port: int | None = None, resource: str = "/", secure: bool = False,
                 origin: str | None = None, protocols: Sequence[str] = (),
                 useragent: str | None = DEFAULT_USERAGENT, headers: HeaderValues | None = None,
                 proxy: Mapping[str, Any] | None = None, peer: str = "") -> None:
        options = options if options is not None else ClientOptions()
        super().__init__(Side.CLIENT, options, peer)
        self.host = host
        self.port = port if port is not None else (443 if secure else 80)
        self.resource = resource or "/"
        self.secure = secure
        self.origin = origin
        self.protocols = list(protocols)
        self.useragent = useragent
        self.headers = list(iter_headers(headers))
        self.key = new_key()
        self.response_headers: dict[str, str] = {}
        self._reader = HeadReader(options.max_handshake_size)
        self._phase = "response"
        self._request = build_request(
            host, self.port, secure, self.resource, self.key, origin, self.protocols,
            useragent, self.headers,
            [offer.get_extension_string() for offer in options.per_message_compression_offers],
            options.version,
        )
        if options.open_handshake_timeout > 0:
            self._arm("open_handshake", options.open_handshake_timeout)
        if proxy is not None:
            self._phase = "proxy"
            self._out.append(build_connect(host, self.port))
        else:
            self._out.append(self._request)

    @classmethod
    def from_url(cls, url: str, options: ClientOptions | None = None,
                 **kwargs: Any) -> ClientConnection:
        """A connection to a ``ws://`` or ``wss://`` URL (host, port, resource, secure)."""
        secure, host, port, resource, _path, _params = parse_url(url)
        return cls(options, host=host, port=port, resource=resource, secure=secure, **kwargs)

    def start_handshake(self) -> None:
        """After :class:`ProxyConnected` with ``secure``: TLS is up, send the handshake."""
        if self._phase != "tls":
            raise InvalidStateError("start_handshake() is only for a wss connection via a proxy")
        self._phase = "response"
        self._out.append(self._request)

    def _receive_handshake(self, data: bytes | bytearray | memoryview) -> None:
        if self._phase == "tls":
            self._fail_handshake("data from the proxy tunnel before TLS started")
            return
        try:
            got = self._reader.feed(data)
        except HttpError as exc:
            self._fail_handshake(f"bad HTTP response: {exc.reason}")
            return
        if got is None:
            return
        head, rest = got
        try:
            if self._phase == "proxy":
                check_connect_response(head)
            else:
                subprotocol, codec, extensions = check_response(
                    head, self.key, self.protocols,
                    self.options.per_message_compression_offers,
                    self.options.per_message_compression_accept,
                )
        except HandshakeError as exc:
            self._fail_handshake(exc.reason, exc.status)
            return
        if self._phase == "proxy":
            self._proxy_done(rest)
            return
        self.subprotocol = subprotocol
        self.per_message_compress = codec
        self.extensions = extensions
        self.response_headers = head.combined()
        path, _, query = self.resource.partition("?")
        self._events.append(ConnectionOpened(
            subprotocol, list(extensions), self.response_headers, path or "/",
            parse_qs(query), self.peer, 13 if self.options.version > 12 else 8,
            self.origin,
        ))
        self._open(rest)

    def _proxy_done(self, rest: bytes) -> None:
        self._events.append(ProxyConnected(self.secure))
        if self.secure:
            self._phase = "tls"
            if rest:
                self._fail_handshake("data from the proxy tunnel before TLS started")
            return
        self._phase = "response"
        self._out.append(self._request)
        if rest:
            self._receive_handshake(rest)

    def _fail_handshake(self, reason: str, status: int | None = None) -> None:
        self.failure = HandshakeError(reason, status)
        self._events.append(HandshakeFailed(reason, status))
        self._finish(1006, reason, False, False)

    def _handshake_eof(self) -> None:
        self._fail_handshake("the server closed the connection during the opening handshake")
