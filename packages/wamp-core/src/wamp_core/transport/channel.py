"""WAMP over a message channel: the ``ITransport`` both WebSocket and RawSocket protocols are.

:class:`WampTransportMixin` is mixed into a protocol object that already carries messages
(the WebSocket or RawSocket application layer). It serializes outgoing WAMP messages
(``send``; a message caches its bytes per serializer, so a router sending one EVENT to many
peers serializes it once), parses incoming ones and hands them to the
``ITransportHandler`` (an ``ApplicationSession`` or a router session), and closes.

What the channel supplies (duck-typed; the WebSocket and RawSocket mixins of this package
implement it on top of the adapters): ``factory._factory`` (makes the handler),
``_transport_details`` (a :class:`~wamp_core.types.TransportDetails` from the I/O layer),
``_channel_open()`` (whether messages may be sent now), ``_send_payload(payload,
is_binary)``, ``_close_channel()``, ``_abort_channel()``, ``_wamp_protocol_error(reason)``
and ``_io_spawn(result)`` (run an awaitable a handler returned).

Errors: bytes that do not parse as WAMP end the connection (the router's sessions answer
them with ABORT themselves, through ``receive_payload``); a message larger than the peer
accepts raises :class:`~wamp_core.exception.PayloadExceededError` from ``send``; sending on
a transport that is not open raises :class:`~wamp_core.exception.TransportLost`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from zope.interface import implementer  # type: ignore[import-untyped]

from wamp_core.exception import (
    PayloadExceededError,
    ProtocolError,
    SerializationError,
    TransportLost,
)
from wamp_core.interfaces import ITransport
from wamp_core.log import make_logger
from wamp_core.transport.pump import SLICE
from wamp_core.types import TransportDetails

__all__ = ["WampTransportMixin"]

log = make_logger("wamp_core.transport")


@implementer(ITransport)
class WampTransportMixin:
    """The WAMP ``ITransport`` of a protocol object; see the module text."""

    factory: Any
    peer: str
    _transport_details: Any = None
    _session: Any = None
    _serializer: Any = None
    _receive_payload: Any = None
    _make_handler: Callable[[], Any] | None = None
    """Makes the handler of this connection (default: ``factory._factory``)."""
    _max_send = 0
    """The largest serialized message the peer accepts (0: no limit known)."""
    maxEventsPerPump = SLICE
    """WAMP messages read at once are handled in slices, each slice's answers written when it
    is done (see ``wamp_core.transport.pump``): the router, or the peer, works on the first
    answers while this side handles the rest."""

    # -- what the channel implements ------------------------------------------------------

    def _channel_open(self) -> bool:
        raise NotImplementedError

    def _send_payload(self, payload: bytes, is_binary: bool) -> None:
        raise NotImplementedError

    def _close_channel(self) -> None:
        raise NotImplementedError

    def _abort_channel(self) -> None:
        raise NotImplementedError

    def _wamp_protocol_error(self, reason: str) -> None:
        raise NotImplementedError

    _io_spawn: Callable[[Any], None]  # the I/O adapter's (never defined here: it would win)

    # -- ITransport -----------------------------------------------------------------------

    @property
    def transport_details(self) -> TransportDetails | None:
        """Details of this transport (channel, framing, serializer, peer, TLS ...)."""
        details: TransportDetails | None = self._transport_details
        return details

    def send(self, msg: Any) -> None:
        """Serialize ``msg`` and send it (written with the others of this loop turn)."""
        if self._session is None or not self._channel_open():
            raise self._not_open(msg)
        payload, is_binary = self._serializer.serialize(msg)
        limit = self._max_send
        if limit and len(payload) > limit:
            raise self._too_large(msg, len(payload))
        self._send_payload(payload, is_binary)

    def _not_open(self, msg: Any) -> TransportLost:
        return TransportLost(f"cannot send {type(msg).__name__.upper()} to {self.peer}: "
                             "the transport is not open")

    def _too_large(self, msg: Any, size: int) -> PayloadExceededError:
        limit = self._max_send
        return PayloadExceededError(f"{type(msg).__name__.upper()} of {size} octets is more "
                                    f"than the {limit} octets {self.peer} accepts", size, limit)

    def isOpen(self) -> bool:
        """Whether a WAMP session runs over this transport."""
        return self._session is not None

    def close(self) -> None:
        """Close the transport with its closing handshake."""
        if self._session is None:
            raise TransportLost(f"cannot close the transport to {self.peer}: it is not open")
        self._close_channel()

    def abort(self) -> None:
        """Drop the transport at once."""
        if self._session is None:
            raise TransportLost(f"cannot abort the transport to {self.peer}: it is not open")
        self._abort_channel()

    def get_channel_id(self, channel_id_type: str | None = None) -> bytes | None:
        """The TLS channel binding (``tls-unique``), or None on a transport without TLS."""
        details = self._transport_details
        ids = getattr(details, "channel_id", None) or {}
        value: bytes | None = ids.get(channel_id_type or "tls-unique")
        return value

    # -- for the WebSocket and RawSocket mixins -----------------------------------------

    def _wamp_open(self, serializer: Any) -> None:
        """The channel is open with ``serializer``: make the handler and open it."""
        self._serializer = serializer
        details = self._transport_details
        if isinstance(details, TransportDetails):
            details.channel_serializer = _serializer_code(serializer)
        try:
            session = (self._make_handler or self.factory._factory)()
        except Exception as exc:
            log.failure("making the WAMP session for {peer} failed: {error!r}", failure=exc,
                        peer=self.peer, error=exc)
            self._abort_channel()
            return
        self._session = session
        self._receive_payload = getattr(session, "receive_payload", None)
        try:
            result = session.onOpen(self)
        except Exception as exc:
            log.failure("{session!r}.onOpen() failed: {error!r}", failure=exc,
                        session=session, error=exc)
            self._abort_channel()
            return
        if result is not None:
            self._io_spawn(result)

    def _wamp_receive(self, payload: bytes, is_binary: bool | None = None) -> None:
        """Bytes of one transport message: parse them and hand the messages over."""
        session = self._session
        if session is None:
            return
        if self._receive_payload is not None:  # a router session checks and answers itself
            self._receive_payload(payload, self._serializer, is_binary)
            return
        try:
            messages = self._serializer.unserialize(payload, is_binary)
        except (ProtocolError, SerializationError) as exc:
            log.warn("{peer} sent a message that is not WAMP: {error}", peer=self.peer,
                     error=exc)
            self._wamp_protocol_error(f"WAMP protocol error: {exc}")
            return
        for message in messages:
            try:
                session.onMessage(message)
            except Exception as exc:
                log.failure("{session!r}.onMessage() failed: {error!r}", failure=exc,
                            session=session, error=exc)
                self._wamp_protocol_error(f"internal error: {exc}")
                return

    def _wamp_closed(self, was_clean: bool) -> None:
        """The channel is closed: tell the handler (once)."""
        session, self._session = self._session, None
        if session is None:
            return
        try:
            result = session.onClose(was_clean)
        except Exception as exc:
            log.failure("{session!r}.onClose() failed: {error!r}", failure=exc,
                        session=session, error=exc)
            return
        if result is not None:
            self._io_spawn(result)


def _serializer_code(serializer: Any) -> int:
    code = getattr(serializer, "RAWSOCKET_SERIALIZER_ID", 0)
    return code if code in TransportDetails.CHANNEL_SERIALIZER_TO_STR else 0
