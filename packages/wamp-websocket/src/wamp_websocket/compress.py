"""permessage-deflate (RFC 7692): offers, accepts, negotiation and the codec.

The offer/accept classes keep Autobahn's names and constructor arguments
(``autobahn.websocket.compress``), so ``perMessageCompressionOffers`` and
``perMessageCompressionAccept`` written for Autobahn work unchanged:

- client: ``PerMessageDeflateOffer`` objects are sent; the server's answer is parsed into a
  ``PerMessageDeflateResponse`` and handed to the accept callable, which returns a
  ``PerMessageDeflateResponseAccept`` (or None to fail the connection).
- server: the client's offers are parsed into ``PerMessageDeflateOffer`` objects and handed to
  the accept callable, which returns a ``PerMessageDeflateOfferAccept`` (or None to decline).

Deliberate difference: an offer with an unknown, repeated or invalid parameter is declined as
RFC 7692 section 5 requires, where Autobahn fails the handshake.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from wamp_websocket.exceptions import PayloadTooBig, ProtocolError
from wamp_websocket.extensions import ExtensionParams, format_extension

__all__ = [
    "EXTENSION_NAME",
    "PerMessageDeflate",
    "PerMessageDeflateOffer",
    "PerMessageDeflateOfferAccept",
    "PerMessageDeflateResponse",
    "PerMessageDeflateResponseAccept",
    "accept_offers",
    "accept_response",
]

EXTENSION_NAME = "permessage-deflate"
_WINDOW_BITS = (9, 10, 11, 12, 13, 14, 15)  # zlib cannot deflate raw streams with 8
_MEM_LEVELS = (1, 2, 3, 4, 5, 6, 7, 8, 9)
_TAIL = b"\x00\x00\xff\xff"  # RFC 7692 7.2.1: the end of a sync flush, removed on the wire
_CHUNK = 1 << 16


def _flag(params: ExtensionParams, name: str) -> bool:
    """A parameter without a value (RFC 7692 7.1.1.1); absent means False."""
    values = params.get(name)
    if values is None:
        return False
    if values != [True]:
        raise ValueError(f"{EXTENSION_NAME} parameter {name!r} takes no value")
    return True


def _bits(params: ExtensionParams, name: str) -> int:
    """A window-bits parameter (RFC 7692 7.1.2): 0 when absent or bare, else 8..15."""
    values = params.get(name)
    if values is None or values == [True]:
        return 0
    value = values[0]
    if not isinstance(value, str) or not value.isdigit() or value[0] == "0":
        raise ValueError(f"{EXTENSION_NAME} parameter {name!r} needs a value from 8 to 15")
    number = int(value)
    if not 8 <= number <= 15:
        raise ValueError(f"{EXTENSION_NAME} parameter {name}={number} is not from 8 to 15")
    return number


def _check_params(params: ExtensionParams, known: Sequence[str]) -> None:
    for name, values in params.items():
        if name not in known:
            raise ValueError(f"unknown {EXTENSION_NAME} parameter {name!r}")
        if len(values) > 1:
            raise ValueError(f"{EXTENSION_NAME} parameter {name!r} repeated")


def _check_window(value: int, name: str, allow_zero: bool) -> None:
    if (value == 0 and allow_zero) or value in _WINDOW_BITS:
        return
    raise ValueError(f"invalid {name} {value!r}: allowed values are {list(_WINDOW_BITS)}")


_PARAMS = (
    "server_no_context_takeover",
    "client_no_context_takeover",
    "server_max_window_bits",
    "client_max_window_bits",
)


@dataclass
class PerMessageDeflateOffer:
    """An offer a client sends (or a server received), with Autobahn's fields."""

    accept_no_context_takeover: bool = True
    accept_max_window_bits: bool = True
    request_no_context_takeover: bool = False
    request_max_window_bits: int = 0

    EXTENSION_NAME = EXTENSION_NAME

    def __post_init__(self) -> None:
        for name in ("accept_no_context_takeover", "accept_max_window_bits",
                     "request_no_context_takeover"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be a bool")
        _check_window(self.request_max_window_bits, "request_max_window_bits", True)

    @classmethod
    def parse(cls, params: ExtensionParams) -> PerMessageDeflateOffer:
        """Parse a client's offer (RFC 7692 7.1); raise ValueError when it must be declined."""
        _check_params(params, _PARAMS)
        _flag(params, "client_no_context_takeover")
        _bits(params, "client_max_window_bits")  # a hint; bare or 8..15
        if params.get("server_max_window_bits") == [True]:
            raise ValueError("server_max_window_bits needs a value")
        server_bits = _bits(params, "server_max_window_bits")
        if server_bits == 8:
            raise ValueError("server_max_window_bits=8 is not supported")
        return cls(
            accept_no_context_takeover=True,  # RFC 7692 7.1.1.2: every client supports it
            accept_max_window_bits="client_max_window_bits" in params,
            request_no_context_takeover=_flag(params, "server_no_context_takeover"),
            request_max_window_bits=server_bits,
        )

    def get_extension_string(self) -> str:
        """The ``Sec-WebSocket-Extensions`` entry for this offer."""
        params: list[tuple[str, str | int | None]] = []
        if self.accept_no_context_takeover:
            params.append(("client_no_context_takeover", None))
        if self.accept_max_window_bits:
            params.append(("client_max_window_bits", None))
        if self.request_no_context_takeover:
            params.append(("server_no_context_takeover", None))
        if self.request_max_window_bits:
            params.append(("server_max_window_bits", self.request_max_window_bits))
        return format_extension(EXTENSION_NAME, params)


@dataclass
class PerMessageDeflateOfferAccept:
    """How a server accepts one of the client's offers (Autobahn's fields)."""

    offer: PerMessageDeflateOffer
    request_no_context_takeover: bool = False
    request_max_window_bits: int = 0
    no_context_takeover: bool | None = None
    window_bits: int | None = None
    mem_level: int | None = None
    max_message_size: int | None = None

    EXTENSION_NAME = EXTENSION_NAME

    def __post_init__(self) -> None:
        offer = self.offer
        if not isinstance(offer, PerMessageDeflateOffer):
            raise ValueError(f"offer must be a PerMessageDeflateOffer, got {type(offer)}")
        if self.request_no_context_takeover and not offer.accept_no_context_takeover:
            raise ValueError("request_no_context_takeover: the client does not support it")
        _check_window(self.request_max_window_bits, "request_max_window_bits", True)
        if self.request_max_window_bits and not offer.accept_max_window_bits:
            raise ValueError("request_max_window_bits: the client does not support it")
        if offer.request_no_context_takeover and self.no_context_takeover is False:
            raise ValueError("no_context_takeover=False: the client requested it")
        if self.window_bits is not None:
            _check_window(self.window_bits, "window_bits", False)
            if offer.request_max_window_bits and self.window_bits > offer.request_max_window_bits:
                raise ValueError("window_bits: the client requested a lower maximum")
        if self.mem_level is not None and self.mem_level not in _MEM_LEVELS:
            raise ValueError(f"invalid mem_level {self.mem_level}: allowed 1 to 9")

    def get_extension_string(self) -> str:
        """The ``Sec-WebSocket-Extensions`` entry of the server's response."""
        params: list[tuple[str, str | int | None]] = []
        if self.offer.request_no_context_takeover:
            params.append(("server_no_context_takeover", None))
        if self.offer.request_max_window_bits:
            params.append(("server_max_window_bits", self.offer.request_max_window_bits))
        if self.request_no_context_takeover:
            params.append(("client_no_context_takeover", None))
        if self.request_max_window_bits:
            params.append(("client_max_window_bits", self.request_max_window_bits))
        return format_extension(EXTENSION_NAME, params)


@dataclass
class PerMessageDeflateResponse:
    """The server's answer as a client parsed it (Autobahn's fields)."""

    client_max_window_bits: int
    client_no_context_takeover: bool
    server_max_window_bits: int
    server_no_context_takeover: bool

    EXTENSION_NAME = EXTENSION_NAME

    @classmethod
    def parse(cls, params: ExtensionParams) -> PerMessageDeflateResponse:
        """Parse a server's response (RFC 7692 7.1); raise ValueError when invalid."""
        _check_params(params, _PARAMS)
        for name in ("client_max_window_bits", "server_max_window_bits"):
            if params.get(name) == [True]:
                raise ValueError(f"{name} needs a value in a response")
        client_bits = _bits(params, "client_max_window_bits")
        if client_bits == 8:
            raise ValueError("client_max_window_bits=8 is not supported")
        return cls(
            client_max_window_bits=client_bits,
            client_no_context_takeover=_flag(params, "client_no_context_takeover"),
            server_max_window_bits=_bits(params, "server_max_window_bits"),
            server_no_context_takeover=_flag(params, "server_no_context_takeover"),
        )

    def matches(self, offer: PerMessageDeflateOffer) -> bool:
        """Whether this response is a valid answer to ``offer`` (RFC 7692 7.1.1, 7.1.2)."""
        if offer.request_no_context_takeover and not self.server_no_context_takeover:
            return False
        if offer.request_max_window_bits and not (
            0 < self.server_max_window_bits <= offer.request_max_window_bits
        ):
            return False
        return not (self.client_max_window_bits and not offer.accept_max_window_bits)


@dataclass
class PerMessageDeflateResponseAccept:
    """How a client accepts the server's response (Autobahn's fields)."""

    response: PerMessageDeflateResponse
    no_context_takeover: bool | None = None
    window_bits: int | None = None
    mem_level: int | None = None
    max_message_size: int | None = None

    EXTENSION_NAME = EXTENSION_NAME

    def __post_init__(self) -> None:
        response = self.response
        if not isinstance(response, PerMessageDeflateResponse):
            raise ValueError(f"response must be a PerMessageDeflateResponse, got {type(response)}")
        if response.client_no_context_takeover and self.no_context_takeover is False:
            raise ValueError("no_context_takeover=False: the server requested it")
        if self.window_bits is not None:
            _check_window(self.window_bits, "window_bits", False)
            limit = response.client_max_window_bits
            if limit and self.window_bits > limit:
                raise ValueError("window_bits: the server requested a lower maximum")
        if self.mem_level is not None and self.mem_level not in _MEM_LEVELS:
            raise ValueError(f"invalid mem_level {self.mem_level}: allowed 1 to 9")


OfferAcceptor = Callable[[list[PerMessageDeflateOffer]], "PerMessageDeflateOfferAccept | None"]
ResponseAcceptor = Callable[[PerMessageDeflateResponse], "PerMessageDeflateResponseAccept | None"]


class PerMessageDeflate:
    """The negotiated codec of one connection: compress what we send, inflate what we get."""

    def __init__(
        self,
        is_server: bool,
        server_no_context_takeover: bool,
        client_no_context_takeover: bool,
        server_max_window_bits: int,
        client_max_window_bits: int,
        mem_level: int | None = None,
        max_message_size: int | None = None,
    ) -> None:
        self.is_server = is_server
        self.server_no_context_takeover = server_no_context_takeover
        self.client_no_context_takeover = client_no_context_takeover
        self.server_max_window_bits = server_max_window_bits or 15
        self.client_max_window_bits = client_max_window_bits or 15
        self.mem_level = mem_level or 8
        self.max_message_size = max_message_size or 0
        local = "server" if is_server else "client"
        remote = "client" if is_server else "server"
        self._reset_compressor = getattr(self, f"{local}_no_context_takeover")
        self._reset_decompressor = getattr(self, f"{remote}_no_context_takeover")
        self._compress_bits = getattr(self, f"{local}_max_window_bits")
        self._compressor: zlib._Compress | None = None
        self._decompressor: zlib._Decompress | None = None

    def __repr__(self) -> str:
        return (
            f"PerMessageDeflate(is_server={self.is_server}, "
            f"server_no_context_takeover={self.server_no_context_takeover}, "
            f"client_no_context_takeover={self.client_no_context_takeover}, "
            f"server_max_window_bits={self.server_max_window_bits}, "
            f"client_max_window_bits={self.client_max_window_bits}, mem_level={self.mem_level})"
        )

    # -- sending -----------------------------------------------------------------------------

    def _compressor_for_message(self) -> zlib._Compress:
        if self._compressor is None:
            self._compressor = zlib.compressobj(
                zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -self._compress_bits, self.mem_level
            )
        return self._compressor

    def compress(self, data: bytes) -> bytes:
        """Compress one whole message (RFC 7692 7.2.1: the sync-flush tail removed)."""
        compressor = self._compressor_for_message()
        out = compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)
        if self._reset_compressor:
            self._compressor = None
        return out[:-4] if out.endswith(_TAIL) else out

    def compress_part(self, data: bytes) -> bytes:
        """Compress a non-final frame of a streamed message (its sync-flush tail kept)."""
        compressor = self._compressor_for_message()
        return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)

    def compress_end(self) -> bytes:
        """The payload of the final frame of a streamed message."""
        out = self._compressor_for_message().flush(zlib.Z_SYNC_FLUSH)
        if self._reset_compressor:
            self._compressor = None
        return out[:-4] if out.endswith(_TAIL) else out

    # -- receiving ---------------------------------------------------------------------------

    def limit(self, configured: int) -> int:
        """The decompressed-size limit: the smaller non-zero of ``configured`` and ours."""
        if configured and self.max_message_size:
            return min(configured, self.max_message_size)
        return configured or self.max_message_size

    def decompress(self, data: bytes, budget: int | None, final: bool) -> list[bytes]:
        """Inflate the next compressed piece of a message, ``final`` adding the tail.

        ``budget`` is how many more bytes the message may grow by (None: unlimited); going past
        it raises :class:`PayloadTooBig` without ever producing more than ``budget + 1``
        bytes, so a compressed bomb cannot exhaust memory. Output comes in chunks of at
        most 64 KiB when unlimited. Corrupt data raises ProtocolError (1007).
        """
        if self._decompressor is None:
            self._decompressor = zlib.decompressobj(-15)
        decompressor = self._decompressor
        if final:
            data = data + _TAIL
        step = budget + 1 if budget is not None else _CHUNK
        out: list[bytes] = []
        produced = 0
        while data:
            try:
                piece = decompressor.decompress(data, step)
            except zlib.error as exc:
                self._decompressor = None
                raise ProtocolError(1007, f"invalid compressed data: {exc}")
            produced += len(piece)
            if budget is not None and produced > budget:
                self._decompressor = None
                raise PayloadTooBig("message too big after decompression")
            if piece:
                out.append(piece)
            data = decompressor.unconsumed_tail
        if final and (self._reset_decompressor or decompressor.eof):
            self._decompressor = None  # a peer that ended its stream starts a new one
        return out


def accept_offers(
    entries: Sequence[tuple[str, ExtensionParams]], acceptor: OfferAcceptor | None
) -> tuple[PerMessageDeflate, str] | None:
    """Server side: pick a permessage-deflate configuration from the client's offers.

    Returns the codec and the response entry, or None when nothing was accepted. Offers we
    must decline (RFC 7692 5) are left out; the acceptor sees the others in the client's order.
    """
    offers: list[PerMessageDeflateOffer] = []
    for name, params in entries:
        if name != EXTENSION_NAME:
            continue
        try:
            offers.append(PerMessageDeflateOffer.parse(params))
        except ValueError:
            continue
    if not offers or acceptor is None:
        return None
    accept = acceptor(offers)
    if accept is None:
        return None
    if not isinstance(accept, PerMessageDeflateOfferAccept):
        raise TypeError(
            f"perMessageCompressionAccept must return a PerMessageDeflateOfferAccept or None, "
            f"got {type(accept).__name__}"
        )
    offer = accept.offer
    codec = PerMessageDeflate(
        True,
        accept.no_context_takeover
        if accept.no_context_takeover is not None
        else offer.request_no_context_takeover,
        accept.request_no_context_takeover,
        accept.window_bits or offer.request_max_window_bits,
        accept.request_max_window_bits,
        accept.mem_level,
        accept.max_message_size,
    )
    return codec, accept.get_extension_string()


def accept_response(
    entries: Sequence[tuple[str, ExtensionParams]],
    offers: Sequence[PerMessageDeflateOffer],
    acceptor: ResponseAcceptor | None,
) -> PerMessageDeflate | None:
    """Client side: check the server's extensions against our offers; raise ValueError if bad.

    Without an acceptor, a valid response is accepted as it is (Autobahn's default acceptor
    refuses every response, which makes offers useless until one is set).
    """
    if not entries:
        return None
    if len(entries) > 1 or entries[0][0] != EXTENSION_NAME or not offers:
        names = ", ".join(name for name, _ in entries)
        raise ValueError(f"the server selected extensions we did not offer: {names}")
    response = PerMessageDeflateResponse.parse(entries[0][1])
    if not any(response.matches(offer) for offer in offers):
        raise ValueError(f"the server's {EXTENSION_NAME} parameters match none of our offers")
    accept = (
        PerMessageDeflateResponseAccept(response) if acceptor is None else acceptor(response)
    )
    if accept is None:
        raise ValueError(f"the {EXTENSION_NAME} response was denied by the client")
    if not isinstance(accept, PerMessageDeflateResponseAccept):
        raise TypeError(
            f"perMessageCompressionAccept must return a PerMessageDeflateResponseAccept or None,"
            f" got {type(accept).__name__}"
        )
    return PerMessageDeflate(
        False,
        response.server_no_context_takeover,
        accept.no_context_takeover
        if accept.no_context_takeover is not None
        else response.client_no_context_takeover,
        response.server_max_window_bits,
        accept.window_bits or response.client_max_window_bits,
        accept.mem_level,
        accept.max_message_size,
    )
