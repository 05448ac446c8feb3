"""The server half of the RawSocket opening handshake.

The server waits for the client's 4-octet request, then accepts (echoing the serializer id
with its own maximum length) or refuses with one of the spec's error replies. Unlike
Crossbar.io, which resets the connection, we send the error reply before closing, so the
client can tell its user why.
"""

from __future__ import annotations

from collections.abc import Sequence

from wamp_rawsocket.connection import Connection, State
from wamp_rawsocket.exceptions import (
    HandshakeRefused,
    InvalidHandshake,
    InvalidOptions,
    InvalidState,
)
from wamp_rawsocket.options import DEFAULT_OPEN_HANDSHAKE_TIMEOUT, RawSocketOptions
from wamp_rawsocket.serializers import serializer_name
from wamp_rawsocket.wire import (
    DEFAULT_MAX_LENGTH_EXPONENT,
    MAGIC,
    HandshakeErrorCode,
    describe_error,
    encode_error_reply,
    encode_handshake,
)

__all__ = ["ServerConnection"]

# First octets of HTTP request methods (GET, POST, PUT, HEAD, OPTIONS, DELETE, PATCH...).
_HTTP_FIRST = frozenset(b"GPHODCT")


class ServerConnection(Connection):
    """Sans-I/O engine of a RawSocket server (a router's side).

    ``serializer_ids`` are the serializers we accept, in our order of preference (RawSocket
    lets the client choose, so the order only shows in messages). ``max_length_exponent``
    n announces that we accept messages of up to 2**(9+n) octets. A client announcing less
    than ``min_peer_max_length_exponent`` is refused with error 2. With
    ``max_connections_reached`` (or after :meth:`reject_max_connections`) the client's
    request is answered with error 4.
    """

    side = "server"

    def __init__(
        self,
        serializer_ids: Sequence[int],
        *,
        max_length_exponent: int = DEFAULT_MAX_LENGTH_EXPONENT,
        min_peer_max_length_exponent: int = 0,
        open_handshake_timeout: float | None = DEFAULT_OPEN_HANDSHAKE_TIMEOUT,
        auto_ping_interval: float | None = None,
        auto_ping_timeout: float | None = None,
        auto_ping_size: int = 4,
        max_connections_reached: bool = False,
    ) -> None:
        self._accepted = _check_serializer_ids(serializer_ids)
        super().__init__(
            max_length_exponent=max_length_exponent,
            min_peer_max_length_exponent=min_peer_max_length_exponent,
            open_handshake_timeout=open_handshake_timeout,
            auto_ping_interval=auto_ping_interval,
            auto_ping_timeout=auto_ping_timeout,
            auto_ping_size=auto_ping_size,
        )
        self._reject_max = bool(max_connections_reached)

    @classmethod
    def from_options(
        cls,
        serializer_ids: Sequence[int],
        options: RawSocketOptions,
        *,
        max_connections_reached: bool = False,
    ) -> ServerConnection:
        """A server configured from protocol options."""
        return cls(
            serializer_ids,
            max_connections_reached=max_connections_reached,
            **options.engine_kwargs(),
        )

    @property
    def serializer_ids(self) -> tuple[int, ...]:
        """The serializers we accept, in order of preference."""
        return self._accepted

    def reject_max_connections(self) -> None:
        """Answer the client's request with error 4 (maximum connection count reached).

        Allowed while CONNECTING; the reply goes out once the request has arrived (replying
        earlier risks a reset that destroys the reply before the client reads it).
        """
        if self._state is not State.CONNECTING:
            raise InvalidState(
                f"reject_max_connections() needs a CONNECTING connection, not {self._state.name}"
            )
        self._reject_max = True

    def _handshake(self, octets: bytes) -> None:
        # Request: 0x7F, LLLL SSSS, two reserved zero octets.
        magic, second, reserved1, reserved2 = octets
        if magic != MAGIC:
            hint = " (it looks like an HTTP request)" if magic in _HTTP_FIRST else ""
            self._fail(
                InvalidHandshake(
                    f"not a RawSocket client: the first octet is 0x{magic:02x}, "
                    f"not the magic 0x7f{hint}"
                )
            )
            return
        sid, exponent = second & 0x0F, second >> 4
        if reserved1 or reserved2:
            self._refuse(
                HandshakeErrorCode.RESERVED_BITS_USED,
                f"the request sets its reserved octets (0x{reserved1:02x}{reserved2:02x})",
            )
        elif self._reject_max:
            self._refuse(HandshakeErrorCode.MAX_CONNECTIONS_REACHED, "the server is full")
        elif sid not in self._accepted:
            self._refuse(HandshakeErrorCode.SERIALIZER_UNSUPPORTED, self._unsupported(sid))
        elif exponent < self._min_peer_exponent:
            self._refuse(
                HandshakeErrorCode.MAX_LENGTH_UNACCEPTABLE,
                f"the client accepts messages of at most {1 << (9 + exponent)} octets, "
                f"below the {1 << (9 + self._min_peer_exponent)} we require",
            )
        else:
            self._out.append(encode_handshake(sid, self._own_exponent))
            self._open(sid, exponent)

    def _unsupported(self, sid: int) -> str:
        accepted = ", ".join(f"{serializer_name(s)} ({s})" for s in self._accepted)
        asked = "the illegal serializer id 0" if sid == 0 else f"{serializer_name(sid)} ({sid})"
        return f"the client asked for {asked}; we accept {accepted}"

    def _refuse(self, code: HandshakeErrorCode, detail: str) -> None:
        failure = HandshakeRefused(code, f"{describe_error(code)}: {detail}", sent_by_peer=False)
        self._fail(failure, reply=encode_error_reply(code))


def _check_serializer_ids(serializer_ids: Sequence[int]) -> tuple[int, ...]:
    if isinstance(serializer_ids, (str, bytes)) or not isinstance(serializer_ids, Sequence):
        raise InvalidOptions(
            f"serializer_ids must be a sequence of ints, not {type(serializer_ids).__name__}"
        )
    ids = tuple(serializer_ids)
    if not ids:
        raise InvalidOptions("serializer_ids must name at least one serializer")
    for sid in ids:
        if isinstance(sid, bool) or not isinstance(sid, int) or not 1 <= sid <= 15:
            raise InvalidOptions(f"serializer_ids: {sid!r} is not a serializer id (1 to 15)")
    if len(set(ids)) != len(ids):
        raise InvalidOptions(f"serializer_ids lists a serializer twice: {ids}")
    return ids
