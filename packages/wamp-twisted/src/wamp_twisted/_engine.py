"""The Twisted side of every connection: bytes to and from a Sans-I/O engine.

:class:`EngineProtocol` is a Twisted ``Protocol`` that drives any engine of the common shape
(``receive_data``, ``receive_eof``, ``events_received``, ``data_to_send``, ``timers``,
``timer_expired``; see ``wamp_websocket`` and ``wamp_rawsocket``). It is mixed with a
framework-neutral application layer (``wamp_websocket.protocol``, ``wamp_rawsocket.protocol``)
that creates ``self._engine`` in ``_connection_made()`` and handles the events in
``_handle_events(events)``; this class implements that layer's ``_io_*`` hooks. It is the
twin of ``wamp_asyncio._engine`` (same names, same rules).

What it does, and nothing else:

- **pump**: after input, a fired timer or a send, drain the engine: events to the
  application layer, timer requests to ``reactor.callLater``, bytes to ONE
  ``transport.write``; sends from the callbacks of a pump leave with that write; sends
  outside a pump schedule one pump per reactor iteration (``callLater(0)``), so many
  messages sent in one iteration leave in one write;
- **flow control**: the protocol registers itself with its transport as a streaming producer.
  When the transport's buffer is full (``pauseProducing``) reading pauses too (a peer that
  does not read cannot make us produce more for it), ``resumeProducing`` resumes; more than
  ``maxWriteBufferSize`` bytes written while the transport is full drops the connection;
  more than ``maxPendingCallbacks`` unfinished Deferreds/coroutines returned by callbacks
  pause reading until half of them are done. A producer the application registers with
  ``registerProducer`` is paused and resumed with the transport's buffer;
- **half-close**: a peer's EOF goes to the engine (``IHalfCloseableProtocol``); the engine
  says when to close;
- **details**: the :class:`~wamp_core.types.TransportDetails` of the transport (peer, TLS,
  the peer certificate and the ``tls-unique`` channel binding once the TLS handshake is done)
  in ``_transport_details``.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import os
import threading
from collections.abc import Callable
from typing import Any

from twisted.internet.defer import CancelledError, Deferred, ensureDeferred
from twisted.internet.interfaces import (
    IHalfCloseableProtocol,
    IHandshakeListener,
    IPushProducer,
    ISSLTransport,
)
from twisted.internet.protocol import Protocol, connectionDone
from twisted.python.failure import Failure
from wamp_core.transport.pump import EnginePump
from wamp_core.types import TransportDetails
from zope.interface import implementer  # type: ignore[import-untyped]

from wamp_twisted._txaio import global_reactor

__all__ = [
    "EngineProtocol",
    "Outcome",
    "is_awaitable",
    "peer_of",
    "reactor_of",
    "transport_details",
]

log = logging.getLogger("wamp_twisted")

DEFAULT_MAX_WRITE_BUFFER = 32 * 2**20
"""Bytes written while the transport's buffer is full before the connection is dropped."""
DEFAULT_MAX_PENDING_CALLBACKS = 1000
"""Unfinished Deferreds/coroutines returned by callbacks before reading pauses."""
_MAX_EARLY = 2**16


def is_awaitable(result: Any) -> bool:
    """A Deferred or a coroutine."""
    return isinstance(result, Deferred) or inspect.iscoroutine(result)


def reactor_of(factory: Any) -> Any:
    """The reactor of a factory (its ``reactor`` attribute), else the global one."""
    reactor = getattr(factory, "reactor", None)
    return reactor if reactor is not None else global_reactor()


def peer_of(address: Any) -> str:
    """Autobahn's peer text: ``tcp4:127.0.0.1:8080``, ``tcp6:::1:8080``, ``unix:/path``."""
    kind = type(address).__name__
    if kind == "UNIXAddress":
        name = address.name
        path = name.decode() if isinstance(name, bytes) else name
        return f"unix:{path or '<unnamed>'}"
    if kind in ("IPv4Address", "IPv6Address"):
        family = "tcp6" if kind == "IPv6Address" else "tcp4"
        return f"{family}:{address.host}:{address.port}"
    return "unknown"


def _is_tls_error(exc: Any) -> bool:
    """An error of the TLS layer (pyOpenSSL), e.g. a certificate that does not verify."""
    return type(exc).__module__.startswith("OpenSSL")


def _fileno(transport: Any) -> int:
    try:
        return int(transport.getHandle().fileno())
    except Exception:  # a TLS handle (memory BIO) or no handle at all
        return -1


def transport_details(transport: Any, is_server: bool) -> TransportDetails:
    """The details of a Twisted transport (before the TLS handshake has completed)."""
    secure = ISSLTransport.providedBy(transport)
    return TransportDetails(
        channel_type=(TransportDetails.CHANNEL_TYPE_TLS if secure
                      else TransportDetails.CHANNEL_TYPE_TCP),
        peer=peer_of(transport.getPeer()),
        own=peer_of(transport.getHost()),
        is_server=is_server,
        own_pid=os.getpid(),
        own_tid=threading.get_native_id(),
        own_fd=_fileno(transport),
        is_secure=secure,
    )


def _name_value(component: Any) -> tuple[tuple[str, str], ...]:
    return tuple((attr.oid._name, str(attr.value)) for attr in component)


def peer_certificate(transport: Any) -> dict[str, Any] | None:
    """The peer's certificate as ``ssl.SSLSocket.getpeercert()`` shows it, or None."""
    try:
        cert = transport.getPeerCertificate()
    except Exception:
        return None
    if cert is None:
        return None
    crypto = cert.to_cryptography()
    fmt = "%b %d %H:%M:%S %Y GMT"
    info: dict[str, Any] = {
        "subject": tuple((pair,) for pair in _name_value(crypto.subject)),
        "issuer": tuple((pair,) for pair in _name_value(crypto.issuer)),
        "version": crypto.version.value + 1,
        "serialNumber": f"{crypto.serial_number:X}",
        "notBefore": crypto.not_valid_before_utc.strftime(fmt),
        "notAfter": crypto.not_valid_after_utc.strftime(fmt),
    }
    try:
        from cryptography import x509

        names = crypto.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except Exception:  # no SAN extension
        return info
    alt: list[tuple[str, str]] = [("DNS", n) for n in names.get_values_for_type(x509.DNSName)]
    alt += [("IP Address", str(ip)) for ip in names.get_values_for_type(x509.IPAddress)]
    info["subjectAltName"] = tuple(alt)
    return info


def channel_id(transport: Any, is_server: bool) -> dict[str, bytes] | None:
    """``tls-unique`` as Autobahn computes it: SHA-256 of the client's TLS Finished message
    (the server reads it as the peer's)."""
    try:
        connection = transport.getHandle()
        finished = connection.get_peer_finished() if is_server else connection.get_finished()
    except Exception:
        return None
    if not isinstance(finished, bytes):
        return None
    return {"tls-unique": hashlib.sha256(finished).digest()}


def _direct_writes(transport: Any) -> bool:
    """Whether ``transport`` is a socket connection of Twisted's POSIX reactors, which
    :meth:`EngineProtocol._flush` may write to at once when its buffer is empty (a TLS
    transport, the IOCP reactor's or an in-memory one go through ``write()``)."""
    try:
        from twisted.internet.tcp import Connection
    except ImportError:  # pragma: no cover - a reactor without POSIX sockets
        return False
    names = ("writeSomeData", "_tempDataLen", "dataBuffer", "TLS", "connected",
             "disconnecting", "_writeDisconnecting", "_writeDisconnected")
    return isinstance(transport, Connection) and all(hasattr(transport, n) for n in names)


def _set_nodelay(transport: Any, factory: Any) -> None:
    """TCP_NODELAY as asyncio sets it on every TCP transport (Autobahn's ``tcpNoDelay``
    option, default on): with Nagle's algorithm a second small write waits for the peer's
    ACK, which a peer with nothing to send back delays by tens of milliseconds."""
    setter = getattr(transport, "setTcpNoDelay", None)  # TLS passes it to the TCP transport
    if setter is None:
        return
    flag = getattr(getattr(factory, "options", None), "tcp_no_delay", True)
    try:
        setter(bool(flag))
    except Exception:  # not a TCP socket underneath (UNIX, in-memory)
        log.debug("%s: cannot set TCP_NODELAY on %r", type(factory).__name__, transport)


class Outcome:
    """A result several parties may wait for: :meth:`deferred` gives a new Deferred each
    time, so one that nobody waits on never reports an unhandled error."""

    def __init__(self) -> None:
        self.done = False
        self._value: Any = None
        self._error: BaseException | None = None
        self._waiters: list[Deferred[Any]] = []

    def deferred(self) -> Deferred[Any]:
        d: Deferred[Any] = Deferred()
        if self.done:
            self._fire(d)
        else:
            self._waiters.append(d)
        return d

    def succeed(self, value: Any) -> None:
        self._settle(value, None)

    def fail(self, error: BaseException) -> None:
        self._settle(None, error)

    def _settle(self, value: Any, error: BaseException | None) -> None:
        if self.done:
            return
        self.done, self._value, self._error = True, value, error
        waiters, self._waiters = self._waiters, []
        for d in waiters:
            self._fire(d)

    def _fire(self, d: Deferred[Any]) -> None:
        if self._error is not None:
            d.errback(Failure(self._error))  # type: ignore[no-untyped-call]
        else:
            d.callback(self._value)


@implementer(IPushProducer, IHalfCloseableProtocol, IHandshakeListener)
class EngineProtocol(EnginePump, Protocol):
    """Moves bytes between a Twisted transport and ``self._engine``; see the module text."""

    # from the application layer (mixed in after this class): ``is_server``, ``factory``,
    # ``_engine``, ``_connection_made()``, ``_handle_events(events)``
    is_server: bool
    transport: Any = None
    _engine: Any
    _connection_made: Callable[[], None]
    _handle_events: Callable[[list[Any]], None]
    maxWriteBufferSize = DEFAULT_MAX_WRITE_BUFFER
    maxPendingCallbacks = DEFAULT_MAX_PENDING_CALLBACKS
    _opened: Outcome | None = None
    _closed: Outcome | None = None
    _tls_error: BaseException | None = None
    _direct = False  # see _direct_writes()

    # -- twisted Protocol -----------------------------------------------------------------

    def connectionMade(self) -> None:
        transport = self.transport
        self._reactor = reactor_of(self.factory)
        self._timers: dict[str, Any] = {}
        self._wake: Any = None
        self._pumping = self._again = self._eof = self._dropped = False
        self._paused: set[str] = set()
        self._reading_paused = False
        self._tls_handshaking = False
        self._pending = 0
        self._buffered = 0
        self._early = bytearray()
        self._user_producer: Any = None
        self._opened = self._opened or Outcome()  # is_open may have been asked for already
        self._closed = self._closed or Outcome()
        self._transport_details = transport_details(transport, self.is_server)
        self.peer = self._transport_details.peer or "unknown"
        transport.registerProducer(self, True)
        self._direct = _direct_writes(transport)
        _set_nodelay(transport, self.factory)
        if self._transport_details.is_secure:
            self._tls_handshaking = True
            if channel_id(transport, self.is_server) is not None:  # done before we got it
                self.handshakeCompleted()
        self._connection_made()

    @property
    def is_open(self) -> Deferred[Any]:
        """A Deferred that fires when the connection is open (fails if it never opens)."""
        if self._opened is None:
            self._opened = Outcome()
        return self._opened.deferred()

    @property
    def is_closed(self) -> Deferred[Any]:
        """A Deferred that fires (with the close reason) when the connection is closed."""
        if self._closed is None:
            self._closed = Outcome()
        return self._closed.deferred()

    def dataReceived(self, data: bytes) -> None:
        engine = self._engine
        if engine is None:  # the application layer has not made its engine yet
            self._early += data
            if len(self._early) > _MAX_EARLY:
                self._io_drop(True)
            return
        engine.receive_data(data)
        self._pump()

    def readConnectionLost(self) -> None:
        self._end_of_stream()

    def writeConnectionLost(self) -> None:
        """Our side's write half is closed; nothing to do (the engine closed it)."""

    def handshakeCompleted(self) -> None:
        """The TLS handshake is done: add the peer certificate and the channel binding."""
        details = self._transport_details
        transport = self.transport
        if transport is None or details is None:
            return
        details.is_secure = True
        details.channel_type = TransportDetails.CHANNEL_TYPE_TLS
        details.channel_id = channel_id(transport, self.is_server)
        details.peer_cert = peer_certificate(transport)
        self._tls_handshaking = False
        self._sync_reading()

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        if _is_tls_error(reason.value):  # say why, rather than "closed during the handshake"
            self._tls_error = reason.value
        self._dropped = True  # the transport is gone: nothing more to write or close
        self._end_of_stream()
        for call in self._timers.values():
            if call.active():
                call.cancel()
        self._timers.clear()
        if self._wake is not None and self._wake.active():
            self._wake.cancel()
        self._wake = None
        self.transport = None
        self.connected = 0
        if self._user_producer is not None:
            producer, self._user_producer = self._user_producer, None
            producer.stopProducing()
        self._transport_lost()
        closed = self._closed
        if closed is not None and not closed.done:  # the engine never reported its end
            self._io_closed(False, f"connection lost: {reason.getErrorMessage()}")

    # -- the pump -------------------------------------------------------------------------

    def _write(self, chunks: list[bytes]) -> None:
        transport = self.transport
        if not chunks or transport is None or self._dropped:
            return
        pending: list[bytes] = []
        for chunk in chunks:
            if chunk:
                pending.append(chunk)
                continue
            self._flush(transport, pending, self._direct)
            self._lose(transport)
            return
        written = self._flush(transport, pending, self._direct)
        if "writing" in self._paused:
            self._buffered += written
            if self._buffered > self.maxWriteBufferSize:
                log.warning("%s: %d bytes wait for a peer that does not read: dropping it",
                            self.peer, self._buffered)
                self._io_drop(True)

    @staticmethod
    def _flush(transport: Any, pending: list[bytes], direct: bool) -> int:
        if not pending:
            return 0
        data = pending[0] if len(pending) == 1 else b"".join(pending)
        if direct and not transport._tempDataLen and not transport.dataBuffer \
                and not transport.TLS and transport.connected and not transport.disconnecting \
                and not transport._writeDisconnecting and not transport._writeDisconnected:
            # Nothing of ours waits in the transport: send at once, as asyncio's write()
            # does. transport.write() would buffer, ask the reactor to watch for
            # writability (an epoll_ctl) and send on its next iteration (another epoll_ctl
            # to stop watching): twice the system calls and one reactor iteration per write.
            sent = transport.writeSomeData(data)
            if type(sent) is int and sent > 0:
                if sent == len(data):
                    return sent
                transport.write(data[sent:])
                return len(data)
            # 0 (the socket is full) or the connection is lost: Twisted's own path
        transport.write(data)
        return len(data)

    def _engine_made(self) -> None:
        """Feed what arrived before the engine existed."""
        if self._early and self._engine is not None:
            early, self._early = bytes(self._early), bytearray()
            self._engine.receive_data(early)

    # -- timers ---------------------------------------------------------------------------

    def _arm(self, requests: list[tuple[str, float | None]]) -> None:
        timers = self._timers
        for name, delay in requests:
            old = timers.pop(name, None)
            if old is not None and old.active():
                old.cancel()
            if delay is not None and not self._eof:
                timers[name] = self._reactor.callLater(delay, self._timer_fired, name)

    def _timer_fired(self, name: str) -> None:
        self._timers.pop(name, None)
        if self._engine is not None:
            self._engine.timer_expired(name)
            self._pump()

    # -- flow control (IPushProducer: the transport calls these) ---------------------------

    def pauseProducing(self) -> None:
        self._pause("writing")
        if self._user_producer is not None:
            self._user_producer.pauseProducing()

    def resumeProducing(self) -> None:
        self._buffered = 0
        self._resume("writing")
        if self._user_producer is not None:
            self._user_producer.resumeProducing()

    def stopProducing(self) -> None:
        """The transport is going away; connectionLost follows."""

    def registerProducer(self, producer: Any, streaming: bool) -> None:
        """Autobahn's: an application producer, paused and resumed with the transport's
        buffer (a pull producer is asked for more until the buffer is full)."""
        if self._user_producer is not None:
            raise RuntimeError(f"a producer is already registered: {self._user_producer!r}")
        if streaming:
            self._user_producer = producer
            return
        from twisted.internet._producer_helpers import _PullToPush

        pusher = _PullToPush(producer, self)  # type: ignore[no-untyped-call]
        self._user_producer = pusher
        pusher.startStreaming()  # type: ignore[no-untyped-call]

    def unregisterProducer(self) -> None:
        producer, self._user_producer = self._user_producer, None
        if producer is not None and hasattr(producer, "stopStreaming"):
            producer.stopStreaming()

    def _pause(self, reason: str) -> None:
        self._paused.add(reason)
        self._sync_reading()

    def _resume(self, reason: str) -> None:
        if reason in self._paused:
            self._paused.discard(reason)
            self._sync_reading()

    def _sync_reading(self) -> None:
        """Read while nothing asks for a pause. TLS buffers our writes (and says "pause")
        until its handshake is done, which needs reading: never pause before that."""
        pause = bool(self._paused) and not self._tls_handshaking
        transport = self.transport
        if pause == self._reading_paused or transport is None or self._eof:
            return
        self._reading_paused = pause
        if pause:
            transport.pauseProducing()
        else:
            transport.resumeProducing()

    # -- the application layer's hooks ----------------------------------------------------

    def _io_wake(self, now: bool = False) -> None:
        if now:
            self._pump()
        elif self._pumping:
            return  # sent from a callback of the running pump, which writes when it ends
        elif self._wake is None and self.transport is not None:
            self._wake = self._reactor.callLater(0, self._pump)

    def _io_drop(self, abort: bool) -> None:
        transport = self.transport
        if transport is None or self._dropped:
            return
        if not abort and self._engine is not None and not self._pumping:
            self._write(self._engine.data_to_send())
        if self._dropped:
            return
        if abort:
            self._dropped = True
            transport.abortConnection()
        else:
            self._lose(transport)

    def _lose(self, transport: Any) -> None:
        """Close after what is buffered; TLS waits for its producer to go (it would wait
        for us forever), so we stop being one first."""
        self._dropped = True
        transport.unregisterProducer()
        transport.loseConnection()

    def _io_spawn(self, result: Any) -> None:
        if not is_awaitable(result):
            return
        d = ensureDeferred(result)
        self._pending += 1
        if self._pending > self.maxPendingCallbacks:
            self._pause("callbacks")
        d.addBoth(self._callback_done)

    def _callback_done(self, result: Any) -> None:
        self._pending -= 1
        if self._pending <= self.maxPendingCallbacks // 2:
            self._resume("callbacks")
        if isinstance(result, Failure) and not result.check(CancelledError):  # type: ignore[no-untyped-call]
            log.error("%s: a callback failed: %s", type(self).__name__, result.getTraceback())

    def _io_when(self, result: Any, on_value: Callable[[Any], None],
                 on_error: Callable[[BaseException], None]) -> None:
        if not is_awaitable(result):
            on_value(result)
            return

        def failed(fail: Failure) -> None:
            on_error(fail.value or RuntimeError("failed"))

        ensureDeferred(result).addCallbacks(on_value, failed)

    def _io_opened(self) -> None:
        if self._opened is not None:
            self._opened.succeed(None)

    def _io_closed(self, was_clean: bool, *reason: Any) -> None:
        text = reason[-1] if reason else None
        opened = self._opened
        if opened is not None and not opened.done:
            failure = self._tls_error or getattr(self, "failure", None)
            if not isinstance(failure, Exception):
                failure = ConnectionError(f"{self.peer}: closed before opening: {text}")
            opened.fail(failure)
        if self._closed is not None:
            self._closed.succeed(text)


class _TwistedFactory:
    """``reactor`` (given, or the global one when first used) and Twisted's factory hooks."""

    protocol: Any
    noisy = False
    _reactor: Any = None

    @property
    def reactor(self) -> Any:
        if self._reactor is None:
            self._reactor = reactor_of(None)
        return self._reactor

    @reactor.setter
    def reactor(self, reactor: Any) -> None:
        self._reactor = reactor
