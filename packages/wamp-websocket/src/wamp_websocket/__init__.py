"""Sans-I/O WebSocket (RFC 6455 + RFC 7692) engine with Cython speedups.

``ServerConnection`` and ``ClientConnection`` take bytes (``receive_data``/``receive_eof``)
and give events (``events_received``), bytes to write (``data_to_send``) and timer requests
(``timers``/``timer_expired``). ``ServerOptions``/``ClientOptions`` carry Autobahn's protocol
options (``set_protocol_options(**camelCase)``).
"""

from __future__ import annotations

from wamp_websocket.__about__ import __version__
from wamp_websocket._sender import PreparedMessage, prepare_message
from wamp_websocket._speedups_api import SPEEDUPS, Utf8Validator, apply_mask
from wamp_websocket.client import DEFAULT_USERAGENT, ClientConnection
from wamp_websocket.close import CloseCode
from wamp_websocket.compress import (
    PerMessageDeflate,
    PerMessageDeflateOffer,
    PerMessageDeflateOfferAccept,
    PerMessageDeflateResponse,
    PerMessageDeflateResponseAccept,
)
from wamp_websocket.connection import Connection, Side, State
from wamp_websocket.events import (
    ConnectionClosed,
    ConnectionOpened,
    ConnectRequest,
    Event,
    FrameBegin,
    FrameData,
    FrameEnd,
    HandshakeFailed,
    MessageBegin,
    MessageEnd,
    MessageReceived,
    PingReceived,
    PongReceived,
    ProxyConnected,
)
from wamp_websocket.exceptions import (
    ConnectionDeny,
    HandshakeError,
    InvalidStateError,
    PayloadTooBig,
    ProtocolError,
    WebSocketError,
    WebSocketTimeout,
)
from wamp_websocket.options import ClientOptions, ServerOptions, wildcards_to_patterns
from wamp_websocket.server import DEFAULT_SERVER, ServerConnection
from wamp_websocket.url import create_url, parse_url

__all__ = [
    "DEFAULT_SERVER",
    "DEFAULT_USERAGENT",
    "SPEEDUPS",
    "ClientConnection",
    "ClientOptions",
    "CloseCode",
    "ConnectRequest",
    "Connection",
    "ConnectionClosed",
    "ConnectionDeny",
    "ConnectionOpened",
    "Event",
    "FrameBegin",
    "FrameData",
    "FrameEnd",
    "HandshakeError",
    "HandshakeFailed",
    "InvalidStateError",
    "MessageBegin",
    "MessageEnd",
    "MessageReceived",
    "PayloadTooBig",
    "PerMessageDeflate",
    "PerMessageDeflateOffer",
    "PerMessageDeflateOfferAccept",
    "PerMessageDeflateResponse",
    "PerMessageDeflateResponseAccept",
    "PingReceived",
    "PongReceived",
    "PreparedMessage",
    "ProtocolError",
    "ProxyConnected",
    "ServerConnection",
    "ServerOptions",
    "Side",
    "State",
    "Utf8Validator",
    "WebSocketError",
    "WebSocketTimeout",
    "__version__",
    "apply_mask",
    "create_url",
    "parse_url",
    "prepare_message",
    "wildcards_to_patterns",
]
