"""The server side: answer the opening handshake, then run the connection.

Flow: bytes arrive → the request is validated (bad ones get an HTTP error and the
connection closes) → a :class:`ConnectRequest` event → the I/O layer (the application's
``onConnect``, possibly asynchronously) calls :meth:`ServerConnection.accept` with the chosen
subprotocol and extra headers, or :meth:`ServerConnection.reject` with an HTTP status →
``101 Switching Protocols`` and a :class:`ConnectionOpened` event.

An Autobahn ``onConnect`` maps as: return ``None``/``"proto"`` → ``accept(proto)``; return
``(proto, headers)`` → ``accept(proto, headers)``; raise ``ConnectionDeny(code, reason)`` →
``reject(code, reason)``; raise anything else → ``reject(500, ...)``.
"""

from __future__ import annotations

import html
from http import HTTPStatus
from urllib.parse import urlsplit

from wamp_websocket.__about__ import __version__
from wamp_websocket._http import HeaderValues, HeadReader, HttpError, build_head, iter_headers
from wamp_websocket.compress import accept_offers
from wamp_websocket.connection import Connection, Side, State
from wamp_websocket.events import ConnectionOpened, ConnectRequest, HandshakeFailed
from wamp_websocket.exceptions import HandshakeError, InvalidStateError
from wamp_websocket.handshake import NoUpgrade, Request, accept_key, check_request
from wamp_websocket.options import ServerOptions

__all__ = ["DEFAULT_SERVER", "ServerConnection"]

DEFAULT_SERVER = f"wamp-websocket/{__version__}"
_FLASH_REQUEST = b"<policy-file-request/>\x00"
_STATUS_PAGE = """<!DOCTYPE html>
<html>
  <head>{refresh}<title>WebSocket endpoint</title></head>
  <body>
    <h1>wamp-websocket {version}</h1>
    <p>This address is a WebSocket endpoint: connect to it with a WebSocket client.</p>
  </body>
</html>
"""


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class ServerConnection(Connection):
    """A server's WebSocket connection (Sans-I/O).

    ``peer`` describes the client for events (``X-Forwarded-For`` may replace it, see
    ``trustXForwardedFor``); ``server`` is the ``Server`` header (None: none); ``headers``
    are sent with every 101 response; ``external_port``, if given, must match the port in
    the request's ``Host`` header (Autobahn's ``externalPort``).
    """

    options: ServerOptions

    def __init__(self, options: ServerOptions | None = None, *, peer: str = "",
                 secure: bool = False, server: str | None = DEFAULT_SERVER,
                 headers: HeaderValues | None = None, external_port: int | None = None) -> None:
        options = options if options is not None else ServerOptions()
        super().__init__(Side.SERVER, options, peer)
        self.secure = secure
        self.server = server
        self.headers = list(iter_headers(headers))
        self.external_port = external_port
        self.request: Request | None = None
        self._reader = HeadReader(options.max_handshake_size)
        self._early = bytearray()
        self._decided = False
        if options.open_handshake_timeout > 0:
            self._arm("open_handshake", options.open_handshake_timeout)

    # -- the request -------------------------------------------------------------------------

    def _receive_handshake(self, data: bytes | bytearray | memoryview) -> None:
        if self.request is not None:  # waiting for accept()/reject(): keep what follows
            self._early += data
            if len(self._early) > self.options.max_handshake_size:
                # RFC 6455 4.1: a client waits for the 101 before it sends frames
                self._decided = True
                self._http_error(400, "too much data before the handshake completed", [])
            return
        try:
            got = self._reader.feed(data)
        except HttpError as exc:
            self._http_error(exc.status, exc.reason, exc.headers)
            return
        if got is None:
            if self.options.serve_flash_socket_policy and _FLASH_REQUEST in self._reader.peek():
                self._serve_flash_policy()
            return
        head, rest = got
        try:
            request = check_request(head, self.options, self.peer, self.external_port)
        except NoUpgrade as plain:
            if self.options.web_status:
                self._serve_status(plain)
            else:
                self._http_error(426, "HTTP Upgrade header missing", [("Upgrade", "websocket")])
            return
        except HttpError as exc:
            if exc.status == 405:
                exc.headers.append(("Allow", "GET"))
            self._http_error(exc.status, exc.reason, exc.headers)
            return
        self.request = request
        self._early = bytearray(rest)
        self._events.append(ConnectRequest(
            request.peer, request.headers, request.host, request.path, request.params,
            request.version, request.origin, request.protocols, request.extensions,
            list(request.head.fields),
        ))

    def _pending_request(self, what: str) -> Request:
        if self.request is None or self._decided:
            raise InvalidStateError(f"cannot {what}: no connection request is waiting")
        return self.request

    # -- the answer --------------------------------------------------------------------------

    def accept(self, subprotocol: str | None = None,
               headers: HeaderValues | None = None) -> None:
        """Accept the request with ``subprotocol`` (one the client offered, or None).

        ``headers`` are added to the response. A no-op when the connection is already closed
        (e.g. the opening handshake timed out while the application decided).
        """
        if self.state is State.CLOSED:
            return
        request = self._pending_request("accept")
        if subprotocol is not None and subprotocol not in request.protocols:
            raise ValueError(
                f"subprotocol {subprotocol!r} was not offered by the client: {request.protocols}"
            )
        negotiated = accept_offers(request.extensions, self.options.per_message_compression_accept)
        fields = [("Server", self.server)] if self.server else []
        fields += [("Upgrade", "websocket"), ("Connection", "Upgrade")]
        fields += self.headers + list(iter_headers(headers))
        if subprotocol is not None:
            fields.append(("Sec-WebSocket-Protocol", subprotocol))
        fields.append(("Sec-WebSocket-Accept", accept_key(request.key)))
        if negotiated is not None:
            fields.append(("Sec-WebSocket-Extensions", negotiated[1]))
        response = build_head("HTTP/1.1 101 Switching Protocols", fields)
        self._decided = True
        self._out.append(response)
        self.subprotocol = subprotocol
        if negotiated is not None:
            self.per_message_compress, extension = negotiated
            self.extensions = [extension]
        self._events.append(ConnectionOpened(
            subprotocol, list(self.extensions), request.headers, request.path, request.params,
            request.peer, request.version, request.origin,
        ))
        early = bytes(self._early)
        self._early = bytearray()
        self._open(early)

    def reject(self, status: int = 400, reason: str | None = None,
               headers: HeaderValues | None = None) -> None:
        """Refuse the request with an HTTP error (Autobahn's ``ConnectionDeny(code, reason)``).

        A no-op when the connection is already closed.
        """
        if self.state is State.CLOSED:
            return
        self._pending_request("reject")
        if type(status) is not int or not 300 <= status <= 599:
            raise ValueError(f"an HTTP error status is from 300 to 599, got {status!r}")
        self._decided = True
        self._http_error(status, reason or _phrase(status), list(iter_headers(headers)))

    def _http_error(self, status: int, reason: str, headers: list[tuple[str, str]]) -> None:
        """Answer with an HTTP error and close (a failed opening handshake)."""
        text = " ".join(reason.split())  # one line, whatever the reason held
        body = f"{status} {text}\n".encode()
        fields = [("Server", self.server)] if self.server else []
        fields += [*headers, ("Content-Type", "text/plain; charset=utf-8"),
                   ("Content-Length", str(len(body))), ("Connection", "close")]
        self._out.append(build_head(f"HTTP/1.1 {status} {_phrase(status)}", fields) + body)
        self.failure = HandshakeError(text, status)
        self._events.append(HandshakeFailed(text, status))
        self._finish(1006, text, False, False)

    def _serve_status(self, plain: NoUpgrade) -> None:
        """webStatus: answer a plain GET with a page, or ``?redirect=URL[&after=seconds]``."""
        target = (plain.params.get("redirect") or [""])[0]
        after = (plain.params.get("after") or [""])[0]
        refresh = ""
        if target and urlsplit(target).scheme in ("http", "https") and target.isprintable():
            if not after.isdigit():
                head = build_head("HTTP/1.1 303 See Other", [("Location", target),
                                  ("Content-Length", "0"), ("Connection", "close")])
                self._out.append(head)
                self._finish(1006, "plain HTTP request: redirected", False, True)
                return
            url = html.escape(target, quote=True)
            refresh = f'<meta http-equiv="refresh" content="{int(after)};URL=\'{url}\'">'
        body = _STATUS_PAGE.format(refresh=refresh, version=__version__).encode()
        fields = [("Server", self.server)] if self.server else []
        fields += [("Content-Type", "text/html; charset=UTF-8"),
                   ("Content-Length", str(len(body))), ("Connection", "close")]
        self._out.append(build_head("HTTP/1.1 200 OK", fields) + body)
        self._finish(1006, "plain HTTP request: served the status page", False, True)

    def _serve_flash_policy(self) -> None:
        self._out.append(self.options.flash_socket_policy.encode())
        self._finish(1006, "served the Flash socket policy file", False, True)
