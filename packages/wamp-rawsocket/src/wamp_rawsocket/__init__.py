"""Sans-I/O WAMP RawSocket transport engine.

``ClientConnection`` and ``ServerConnection`` turn bytes into events and calls into bytes,
without sockets, event loops or clocks; the I/O layer (``wamp_asyncio``, ``wamp_twisted``
or your own) moves the bytes and runs the timers the engine asks for.
"""

from __future__ import annotations

from wamp_rawsocket.__about__ import __version__
from wamp_rawsocket.client import ClientConnection
from wamp_rawsocket.connection import (
    TIMER_AUTO_PING,
    TIMER_AUTO_PING_TIMEOUT,
    TIMER_OPEN_HANDSHAKE,
    Connection,
    State,
)
from wamp_rawsocket.events import (
    ConnectionClosed,
    Event,
    HandshakeCompleted,
    HandshakeFailed,
    MessageReceived,
    PingReceived,
    PongReceived,
)
from wamp_rawsocket.exceptions import (
    FrameError,
    FrameTooLarge,
    HandshakeError,
    HandshakeRefused,
    HandshakeTimeout,
    IncompleteFrame,
    IncompleteHandshake,
    InvalidHandshake,
    InvalidOptions,
    InvalidState,
    InvalidURL,
    PayloadTooLarge,
    PingTimeout,
    ProtocolError,
    RawSocketError,
)
from wamp_rawsocket.options import (
    AUTO_PING_SIZE_RANGE,
    DEFAULT_OPEN_HANDSHAKE_TIMEOUT,
    OPTION_NAMES,
    RawSocketOptions,
    check_delay,
    check_int,
    reset_protocol_options,
    set_protocol_options,
)
from wamp_rawsocket.protocol import (
    RawSocketClientFactory,
    RawSocketClientProtocol,
    RawSocketProtocol,
    RawSocketServerFactory,
    RawSocketServerProtocol,
)
from wamp_rawsocket.serializers import (
    SERIALIZER_IDS,
    SERIALIZER_NAMES,
    SerializerId,
    serializer_id,
    serializer_name,
)
from wamp_rawsocket.server import ServerConnection
from wamp_rawsocket.url import DEFAULT_PORTS, RawSocketURL, create_url, parse_url
from wamp_rawsocket.wire import (
    DEFAULT_MAX_LENGTH_EXPONENT,
    ERROR_DESCRIPTIONS,
    MAGIC,
    MAX_LENGTH_EXPONENT,
    MAX_MESSAGE_SIZE,
    MIN_MESSAGE_SIZE,
    FrameType,
    HandshakeErrorCode,
    describe_error,
    encode_error_reply,
    encode_frame_header,
    encode_handshake,
    length_exponent_for,
    max_length_for,
)

__all__ = [
    "__version__",
    # client.py
    "ClientConnection",
    # connection.py
    "TIMER_AUTO_PING",
    "TIMER_AUTO_PING_TIMEOUT",
    "TIMER_OPEN_HANDSHAKE",
    "Connection",
    "State",
    # events.py
    "ConnectionClosed",
    "Event",
    "HandshakeCompleted",
    "HandshakeFailed",
    "MessageReceived",
    "PingReceived",
    "PongReceived",
    # exceptions.py
    "FrameError",
    "FrameTooLarge",
    "HandshakeError",
    "HandshakeRefused",
    "HandshakeTimeout",
    "IncompleteFrame",
    "IncompleteHandshake",
    "InvalidHandshake",
    "InvalidOptions",
    "InvalidState",
    "InvalidURL",
    "PayloadTooLarge",
    "PingTimeout",
    "ProtocolError",
    "RawSocketError",
    # options.py
    "AUTO_PING_SIZE_RANGE",
    "DEFAULT_OPEN_HANDSHAKE_TIMEOUT",
    "OPTION_NAMES",
    "RawSocketOptions",
    "check_delay",
    "check_int",
    "reset_protocol_options",
    "set_protocol_options",
    # protocol.py
    "RawSocketClientFactory",
    "RawSocketClientProtocol",
    "RawSocketProtocol",
    "RawSocketServerFactory",
    "RawSocketServerProtocol",
    # serializers.py
    "SERIALIZER_IDS",
    "SERIALIZER_NAMES",
    "SerializerId",
    "serializer_id",
    "serializer_name",
    # server.py
    "ServerConnection",
    # url.py
    "DEFAULT_PORTS",
    "RawSocketURL",
    "create_url",
    "parse_url",
    # wire.py
    "DEFAULT_MAX_LENGTH_EXPONENT",
    "ERROR_DESCRIPTIONS",
    "MAGIC",
    "MAX_LENGTH_EXPONENT",
    "MAX_MESSAGE_SIZE",
    "MIN_MESSAGE_SIZE",
    "FrameType",
    "HandshakeErrorCode",
    "describe_error",
    "encode_error_reply",
    "encode_frame_header",
    "encode_handshake",
    "length_exponent_for",
    "max_length_for",
]
