"""The asyncio side of every connection: bytes to and from a Sans-I/O engine.

:class:`EngineProtocol` is an ``asyncio.Protocol`` that drives any engine of the common shape
(``receive_data``, ``receive_eof``, ``events_received``, ``data_to_send``, ``timers``,
``timer_expired``; see ``wamp_websocket`` and ``wamp_rawsocket``). It is mixed with a
framework-neutral application layer (``wamp_websocket.protocol``, ``wamp_rawsocket.protocol``)
that creates ``self._engine`` in ``_connection_made()`` and handles the events in
``_handle_events(events)``; this class implements that layer's ``_io_*`` hooks.

What it does, and nothing else:

- **pump**: after input, a fired timer or a send, drain the engine: events to the
  application layer, timer requests to ``loop.call_later``, bytes to ONE ``transport.write``
  (or several of at most :data:`JOIN_LIMIT` bytes each, see :func:`coalesce`); sends from
  the callbacks of a pump leave with that write; sends outside a pump schedule one pump per
  loop iteration (``call_soon``), so many messages sent in one iteration leave in one write;
- **flow control**: ``pause_writing`` pauses reading too (a peer that does not read cannot
  make us produce more for it), ``resume_writing`` resumes; a write buffer over
  ``maxWriteBufferSize`` drops the connection; more than ``maxPendingCallbacks`` unfinished
  awaitables returned by callbacks pause reading until half of them are done;
- **details**: the :class:`~wamp_core.types.TransportDetails` of the transport (peer, TLS,
  ``tls-unique`` channel binding) in ``_transport_details``.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import socket
import threading
from collections.abc import Callable
from typing import Any

from wamp_core.transport.pump import EnginePump
from wamp_core.types import TransportDetails
from wamp_websocket._sender import JOIN_LIMIT, NO_COPY, coalesce  # written once, there

__all__ = ["JOIN_LIMIT", "NO_COPY", "READ_SIZE", "EngineProtocol", "coalesce", "is_awaitable",
           "peer_of", "transport_details"]

log = logging.getLogger("wamp_asyncio")

DEFAULT_MAX_WRITE_BUFFER = 32 * 2**20
"""Bytes buffered for a peer that does not read before the connection is dropped."""
DEFAULT_MAX_PENDING_CALLBACKS = 1000
"""Unfinished awaitables returned by callbacks before reading pauses."""
_MAX_EARLY = 2**16


def is_awaitable(result: Any) -> bool:
    """A coroutine or an asyncio future/task."""
    return asyncio.iscoroutine(result) or asyncio.isfuture(result)


def peer_of(address: Any, family: int | None) -> str:
    """Autobahn's peer text: ``tcp4:127.0.0.1:8080``, ``tcp6:::1:8080``, ``unix:/path``."""
    if family == getattr(socket, "AF_UNIX", None) or isinstance(address, str | bytes):
        path = address.decode() if isinstance(address, bytes) else address
        return f"unix:{path or '<unnamed>'}"
    if isinstance(address, tuple) and len(address) >= 2:
        kind = "tcp6" if family == socket.AF_INET6 or ":" in str(address[0]) else "tcp4"
        return f"{kind}:{address[0]}:{address[1]}"
    return "unknown"


def _channel_id(ssl_object: Any) -> dict[str, bytes] | None:
    """``tls-unique`` as Autobahn computes it: SHA-256 of the TLS Finished message."""
    try:
        finished = ssl_object.get_channel_binding("tls-unique")
    except (ValueError, AttributeError):
        return None
    if not isinstance(finished, bytes):
        return None
    return {"tls-unique": hashlib.sha256(finished).digest()}


def transport_details(transport: asyncio.BaseTransport, is_server: bool) -> TransportDetails:
    """The details of an asyncio transport (before the WebSocket/RawSocket handshake)."""
    sock = transport.get_extra_info("socket")
    family = getattr(sock, "family", None)
    ssl_object = transport.get_extra_info("ssl_object")
    details = TransportDetails(
        channel_type=(TransportDetails.CHANNEL_TYPE_TLS if ssl_object is not None
                      else TransportDetails.CHANNEL_TYPE_TCP),
        peer=peer_of(transport.get_extra_info("peername"), family),
        own=peer_of(transport.get_extra_info("sockname"), family),
        is_server=is_server,
        own_pid=os.getpid(),
        own_tid=threading.get_native_id(),
        own_fd=sock.fileno() if sock is not None else -1,
        is_secure=ssl_object is not None,
    )
    if ssl_object is not None:
        details.channel_id = _channel_id(ssl_object)
        cert = ssl_object.getpeercert()
        details.peer_cert = cert or None
    return details


def _clear_nodelay(transport: asyncio.BaseTransport) -> None:
    """Autobahn's ``tcpNoDelay=False``: Nagle's algorithm back on."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 0)
        except OSError:
            log.debug("%s: cannot clear TCP_NODELAY", transport)


READ_SIZE = 65536
"""Octets asked of each ``recv()``. asyncio's socket transports ask 256 KiB, a buffer above
glibc's mmap threshold: every read then maps and faults in fresh pages (about 13 us per read
against 1.6 us for 64 KiB on a 2-vCPU VM, more than the rest of a small echo costs)."""


class EngineProtocol(EnginePump, asyncio.Protocol):
    """Moves bytes between an asyncio transport and ``self._engine``; see the module text."""

    # from the application layer (mixed in after this class): ``is_server``, ``factory``,
    # ``_engine``, ``_connection_made()``, ``_handle_events(events)``
    is_server: bool
    _engine: Any
    _connection_made: Callable[[], None]
    _handle_events: Callable[[list[Any]], None]
    transport: Any = None
    maxWriteBufferSize = DEFAULT_MAX_WRITE_BUFFER
    maxPendingCallbacks = DEFAULT_MAX_PENDING_CALLBACKS

    # -- asyncio.Protocol -----------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self._loop = asyncio.get_running_loop()
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._wake: asyncio.Handle | None = None
        self._pumping = self._again = self._eof = self._dropped = self._close_later = False
        self._paused: set[str] = set()
        self._tasks: set[asyncio.Future[Any]] = set()
        self._early = bytearray()
        self.is_open: asyncio.Future[None] = self._loop.create_future()
        self.is_closed: asyncio.Future[Any] = self._loop.create_future()
        if getattr(transport, "max_size", 0) > READ_SIZE:  # selector socket transports
            transport.max_size = READ_SIZE  # type: ignore[attr-defined]
        self._transport_details = transport_details(transport, self.is_server)
        self.peer = self._transport_details.peer or "unknown"
        options = getattr(getattr(self, "factory", None), "options", None)
        if getattr(options, "tcp_no_delay", True) is False:
            _clear_nodelay(transport)  # asyncio sets TCP_NODELAY on every TCP transport
        self._connection_made()

    def data_received(self, data: bytes) -> None:
        engine = self._engine
        if engine is None:  # the application layer has not made its engine yet
            self._early += data
            if len(self._early) > _MAX_EARLY:
                self._io_drop(True)
            return
        engine.receive_data(data)
        self._pump()

    def eof_received(self) -> bool:
        self._end_of_stream()
        # we close the transport ourselves once the engine says so; TLS cannot stay half-open
        # (asyncio closes it anyway, and warns when asked to keep it)
        return not self._transport_details.is_secure

    def connection_lost(self, exc: Exception | None) -> None:
        self._dropped = True  # nothing more can be written
        self._end_of_stream()
        for handle in self._timers.values():
            handle.cancel()
        self._timers.clear()
        if self._wake is not None:
            self._wake.cancel()
            self._wake = None
        self.transport = None
        self._transport_lost()
        if not self.is_closed.done():  # the engine never reported its end (never made)
            self._io_closed(False, f"connection lost: {exc or 'closed'}")

    def pause_writing(self) -> None:
        self._pause("writing")

    def resume_writing(self) -> None:
        self._resume("writing")

    # -- the pump -------------------------------------------------------------------------

    def _after_pump(self) -> None:
        if self._close_later:  # dropConnection() from a callback: after this write
            self._close_later = False
            self._io_drop(False)

    def _write(self, chunks: list[bytes]) -> None:
        transport = self.transport
        if not chunks or transport is None or self._dropped:
            return
        pending: list[bytes] = []
        for chunk in chunks:
            if chunk:
                pending.append(chunk)
                continue
            self._flush(transport, pending)
            pending = []
            self._dropped = True
            transport.close()
            return
        self._flush(transport, pending)
        if transport.get_write_buffer_size() > self.maxWriteBufferSize:
            log.warning("%s: %d bytes wait for a peer that does not read: dropping it",
                        self.peer, transport.get_write_buffer_size())
            self._io_drop(True)

    @staticmethod
    def _flush(transport: Any, pending: list[bytes]) -> None:
        if len(pending) == 1:
            transport.write(pending[0])
            return
        for chunk in coalesce(pending):
            transport.write(chunk)

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
            if old is not None:
                old.cancel()
            if delay is not None and not self._eof:
                timers[name] = self._loop.call_later(delay, self._timer_fired, name)

    def _timer_fired(self, name: str) -> None:
        self._timers.pop(name, None)
        if self._engine is not None:
            self._engine.timer_expired(name)
            self._pump()

    # -- flow control ---------------------------------------------------------------------

    def _pause(self, reason: str) -> None:
        if not self._paused and self.transport is not None and not self._eof:
            self.transport.pause_reading()
        self._paused.add(reason)

    def _resume(self, reason: str) -> None:
        if reason not in self._paused:
            return
        self._paused.discard(reason)
        if not self._paused and self.transport is not None and not self._eof:
            self.transport.resume_reading()

    # -- the application layer's hooks ----------------------------------------------------

    def _io_wake(self, now: bool = False) -> None:
        if now:
            self._pump()
        elif self._pumping:
            return  # sent from a callback of the running pump, which writes when it ends
        elif self._wake is None and self.transport is not None:
            self._wake = self._loop.call_soon(self._pump)

    def _io_drop(self, abort: bool) -> None:
        transport = self.transport
        if transport is None or self._dropped:
            return
        if not abort and self._pumping:
            self._close_later = True
            return
        if not abort and self._engine is not None:
            self._write(self._engine.data_to_send())
        if self._dropped:
            return
        self._dropped = True
        if abort:
            transport.abort()
        else:
            transport.close()

    def _io_spawn(self, result: Any) -> None:
        if not is_awaitable(result):
            return
        task = asyncio.ensure_future(result)
        self._tasks.add(task)
        if len(self._tasks) > self.maxPendingCallbacks:
            self._pause("callbacks")
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Future[Any]) -> None:
        self._tasks.discard(task)
        if len(self._tasks) <= self.maxPendingCallbacks // 2:
            self._resume("callbacks")
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            log.error("%s: a callback failed: %r", type(self).__name__, exc, exc_info=exc)

    def _io_when(self, result: Any, on_value: Callable[[Any], None],
                 on_error: Callable[[BaseException], None]) -> None:
        if not is_awaitable(result):
            on_value(result)
            return

        def done(future: asyncio.Future[Any]) -> None:
            if future.cancelled():
                on_error(asyncio.CancelledError())
            elif future.exception() is not None:
                on_error(future.exception())  # type: ignore[arg-type]
            else:
                on_value(future.result())

        task = asyncio.ensure_future(result)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(done)

    def _io_opened(self) -> None:
        if not self.is_open.done():
            self.is_open.set_result(None)

    def _io_closed(self, was_clean: bool, *reason: Any) -> None:
        text = reason[-1] if reason else None
        if not self.is_open.done():
            failure = getattr(self, "failure", None)
            if not isinstance(failure, Exception):
                failure = ConnectionError(f"{self.peer}: closed before opening: {text}")
            self.is_open.set_exception(failure)
            self.is_open.exception()  # retrieved: nobody has to wait on it
        if not self.is_closed.done():
            self.is_closed.set_result(text)
