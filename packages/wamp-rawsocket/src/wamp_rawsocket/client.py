"""The client half of the RawSocket opening handshake.

The client speaks first: its 4-octet request is queued when the engine is created, so the
I/O layer sends it as soon as the stream is connected. The server answers with the same
serializer id and its own maximum length, or with an error reply.
"""

from __future__ import annotations

from wamp_rawsocket.connection import Connection
from wamp_rawsocket.exceptions import HandshakeRefused, InvalidHandshake
from wamp_rawsocket.options import DEFAULT_OPEN_HANDSHAKE_TIMEOUT, RawSocketOptions
from wamp_rawsocket.serializers import serializer_name
from wamp_rawsocket.wire import (
    DEFAULT_MAX_LENGTH_EXPONENT,
    MAGIC,
    HandshakeErrorCode,
    describe_error,
    encode_handshake,
)

__all__ = ["ClientConnection"]


def _magic_hint(first: int) -> str:
    if first == ord("H"):
        return " (it looks like an HTTP reply: is this a WebSocket endpoint? use ws:// instead)"
    return ""


class ClientConnection(Connection):
    """Sans-I/O engine of a RawSocket client.

    ``serializer_id`` is the serializer to request (1 json, 2 msgpack, 3 cbor, 4 ubjson,
    5 flatbuffers; 6..15 are accepted for future serializers). ``max_length_exponent`` n
    announces that we accept messages of up to 2**(9+n) octets (default 15: 16 MiB, as
    Autobahn|Python). A server reply announcing less than ``min_peer_max_length_exponent``
    fails the connection.
    """

    side = "client"

    def __init__(
        self,
        serializer_id: int,
        *,
        max_length_exponent: int = DEFAULT_MAX_LENGTH_EXPONENT,
        min_peer_max_length_exponent: int = 0,
        open_handshake_timeout: float | None = DEFAULT_OPEN_HANDSHAKE_TIMEOUT,
        auto_ping_interval: float | None = None,
        auto_ping_timeout: float | None = None,
        auto_ping_size: int = 4,
    ) -> None:
        request = encode_handshake(serializer_id, max_length_exponent)  # validates both
        super().__init__(
            max_length_exponent=max_length_exponent,
            min_peer_max_length_exponent=min_peer_max_length_exponent,
            open_handshake_timeout=open_handshake_timeout,
            auto_ping_interval=auto_ping_interval,
            auto_ping_timeout=auto_ping_timeout,
            auto_ping_size=auto_ping_size,
        )
        self._requested = serializer_id
        self._serializer_id = serializer_id
        self._out.append(request)

    @classmethod
    def from_options(cls, serializer_id: int, options: RawSocketOptions) -> ClientConnection:
        """A client configured from protocol options."""
        return cls(serializer_id, **options.engine_kwargs())

    def _handshake(self, octets: bytes) -> None:
        # Reply: 0x7F, LLLL SSSS (or EEEE 0000 for an error), two reserved zero octets.
        magic, second, reserved1, reserved2 = octets
        if magic != MAGIC:
            self._fail(
                InvalidHandshake(
                    f"the server's reply starts with 0x{magic:02x}, not the RawSocket magic "
                    f"0x7f{_magic_hint(magic)}"
                )
            )
            return
        if reserved1 or reserved2:
            self._fail(
                InvalidHandshake(
                    "the server's reply sets its reserved octets "
                    f"(0x{reserved1:02x}{reserved2:02x}); they must be zero"
                )
            )
            return
        sid, exponent = second & 0x0F, second >> 4
        if sid == 0:
            code = _error_code(exponent)
            self._fail(HandshakeRefused(code, self._explain(code), sent_by_peer=True))
            return
        if sid != self._requested:
            self._fail(
                InvalidHandshake(
                    f"the server accepted serializer {serializer_name(sid)} ({sid}), "
                    f"but we asked for {serializer_name(self._requested)} ({self._requested})"
                )
            )
            return
        if exponent < self._min_peer_exponent:
            self._fail(
                InvalidHandshake(
                    f"the server accepts messages of at most {1 << (9 + exponent)} octets, "
                    f"below the {1 << (9 + self._min_peer_exponent)} we require"
                )
            )
            return
        self._open(sid, exponent)

    def _explain(self, code: int) -> str:
        """The error's text plus what we had asked for, when that is what was refused."""
        context: dict[int, str] = {
            HandshakeErrorCode.SERIALIZER_UNSUPPORTED: (
                f" (we asked for {serializer_name(self._requested)}, id {self._requested})"
            ),
            HandshakeErrorCode.MAX_LENGTH_UNACCEPTABLE: (
                f" (we accept messages of at most {self._own_max} octets)"
            ),
        }
        return describe_error(code) + context.get(code, "")


def _error_code(value: int) -> int:
    try:
        return HandshakeErrorCode(value)
    except ValueError:
        return value
