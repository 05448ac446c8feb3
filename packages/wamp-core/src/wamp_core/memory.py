"""An in-memory transport pair: two connected :class:`~wamp_core.interfaces.ITransport` ends.

A :class:`MemoryPipe` joins a client-side and a server-side handler (each an
:class:`~wamp_core.interfaces.ITransportHandler`: ``onOpen(transport)``,
``onMessage(msg)``, ``onClose(wasClean)``), exactly as the asyncio and Twisted
adapters drive them, without sockets or an event loop::

    pipe = MemoryPipe(serializer=JsonSerializer())
    pipe.connect(client_session, router_side_session)
    pipe.flush()                      # deliver what was sent so far

Delivery modes:

- **queued** (the default): ``send()`` appends to a queue and returns; nothing
  reaches the other side until :meth:`MemoryPipe.flush` runs, or, when the pipe
  was given a txaio API object (``txaio_api=``), until the flush it schedules
  with ``call_later(0, ...)``. Code that wrongly expects an answer *during*
  ``send()`` fails here as it would over a real network.
- **synchronous** (``synchronous=True``): ``send()`` hands the message to the
  other side's ``onMessage`` before it returns (re-entrant delivery).

With a ``serializer`` every message goes through a real round trip
(``serialize`` on send, ``unserialize`` on delivery), so a payload that cannot
be serialized raises :class:`~wamp_core.exception.SerializationError` from
``send()`` as it would on a socket. Without one the message object itself is
delivered (receivers must not modify messages).

Closing: ``close()`` is the regular close (what was sent before is still
delivered, then both handlers get ``onClose(True)``); ``abort()`` drops what is
still queued and both handlers get ``onClose(False)``. After either, ``isOpen()``
is false on both ends and ``send()`` raises
:class:`~wamp_core.exception.TransportLost`.

A handler that raises from ``onMessage`` (handlers are not supposed to), or a
delivery that cannot be parsed, is logged with its traceback, recorded in
:attr:`MemoryPipe.errors`, and aborts the pipe, as a real adapter drops a
broken connection.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable
from typing import Any, Final, Protocol

from zope.interface import implementer  # type: ignore[import-untyped]

from wamp_core.exception import TransportLost
from wamp_core.interfaces import ITransport
from wamp_core.log import make_logger
from wamp_core.types import TransportDetails

__all__ = ["MemoryPipe", "MemoryTransport", "connect_memory"]

_log = make_logger(__name__)


class _CallLater(Protocol):
    """The part of a txaio API object the pipe uses."""

    def call_later(self, delay: float, fun: Callable[..., Any], *args: Any,
                   **kwargs: Any) -> Any: ...

_CLOSE: Final = object()
"""Queue marker: the regular close, delivered after what was queued before it."""
_ABORT: Final = object()
"""Queue marker: the abort (what was queued before it is dropped)."""

_pipe_numbers = iter(range(1, 2**62))


def _serializer_code(serializer: Any) -> int:
    if serializer is None:
        return TransportDetails.CHANNEL_SERIALIZER_NONE
    code = getattr(serializer, "RAWSOCKET_SERIALIZER_ID", 0)
    return code if code in TransportDetails.CHANNEL_SERIALIZER_TO_STR else 0


@implementer(ITransport)
class MemoryTransport:
    """One end of a :class:`MemoryPipe`; made by the pipe, not by applications."""

    def __init__(self, pipe: MemoryPipe, is_server: bool, details: TransportDetails) -> None:
        self._pipe = pipe
        self.is_server = is_server
        self.handler: Any = None
        self._details = details

    @property
    def peer(self) -> MemoryTransport:
        """The other end of the pipe."""
        return self._pipe.client if self.is_server else self._pipe.server

    @property
    def transport_details(self) -> TransportDetails:
        """Details of this end: channel type ``memory``, framing ``native``."""
        return self._details

    @property
    def serializer(self) -> Any:
        """The serializer of the round trip, or ``None``."""
        return self._pipe.serializer

    # Autobahn's sessions read the serializer of a transport from ``_serializer``.
    _serializer = serializer

    def get_channel_id(self, channel_id_type: str | None = None) -> bytes | None:
        """The channel binding of this pipe for ``channel_id_type`` (``tls-unique``), or None."""
        channel_id = self._details.channel_id or {}
        return channel_id.get(channel_id_type or "tls-unique")

    def send(self, message: Any) -> None:
        """Send one message to the other end (queued or delivered at once)."""
        self._pipe._send(self, message)

    def isOpen(self) -> bool:
        """True from ``connect()`` until either end closes or aborts."""
        return self._pipe.is_open

    def close(self) -> None:
        """Regular close: deliver what is queued, then ``onClose(True)`` on both ends."""
        self._pipe._close(clean=True)

    def abort(self) -> None:
        """Drop the pipe: discard what is queued, then ``onClose(False)`` on both ends."""
        self._pipe._close(clean=False)

    def __repr__(self) -> str:
        side = "server" if self.is_server else "client"
        return f"<MemoryTransport {side} of pipe {self._pipe.number} open={self.isOpen()}>"


class MemoryPipe:
    """Two connected :class:`MemoryTransport` ends, ``client`` and ``server``.

    :param serializer: an ``ISerializer`` for a real round trip, or ``None``.
    :param synchronous: deliver inside ``send()`` instead of queueing.
    :param txaio_api: a txaio API object; when given, queued messages are
        flushed by ``call_later(0, flush)`` without an explicit ``flush()``.
    :param channel_id: channel bindings (``{"tls-unique": 32 bytes}``) for both
        ends' ``transport_details`` and ``get_channel_id()``.
    """

    def __init__(
        self,
        serializer: Any = None,
        *,
        synchronous: bool = False,
        txaio_api: _CallLater | None = None,
        channel_id: dict[str, bytes] | None = None,
    ) -> None:
        self.number = next(_pipe_numbers)
        self.serializer = serializer
        self.synchronous = synchronous
        self.txaio_api = txaio_api
        self.errors: list[BaseException] = []
        """Exceptions raised by handlers or by parsing during delivery."""
        self.delivered = 0
        """The number of messages delivered so far (both directions)."""
        self._queue: deque[tuple[MemoryTransport, Any]] = deque()
        self._state = "new"  # new -> open -> closing -> closed
        self._flushing = False
        self._flush_scheduled = False
        self.client = MemoryTransport(self, False, self._details(False, channel_id))
        self.server = MemoryTransport(self, True, self._details(True, channel_id))

    def _details(self, is_server: bool, channel_id: dict[str, bytes] | None) -> TransportDetails:
        sides = (f"memory:client:{self.number}", f"memory:server:{self.number}")
        own, peer = (sides[1], sides[0]) if is_server else sides
        return TransportDetails(
            channel_type=TransportDetails.CHANNEL_TYPE_MEMORY,
            channel_framing=TransportDetails.CHANNEL_FRAMING_NATIVE,
            channel_serializer=_serializer_code(self.serializer),
            own=own,
            peer=peer,
            is_server=is_server,
            own_pid=os.getpid(),
            is_secure=channel_id is not None,
            channel_id=channel_id,
        )

    # -- state ---------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        """True from :meth:`connect` until a close or abort."""
        return self._state == "open"

    @property
    def closed(self) -> bool:
        """True once both handlers were told ``onClose``."""
        return self._state == "closed"

    @property
    def pending(self) -> int:
        """The number of queued deliveries (messages and the close)."""
        return len(self._queue)

    def connect(self, client_handler: Any, server_handler: Any) -> MemoryPipe:
        """Attach the handlers and open both ends (``onOpen``: server first, then client)."""
        if self._state != "new":
            raise RuntimeError(f"memory pipe {self.number} was already connected")
        self.client.handler = client_handler
        self.server.handler = server_handler
        self._state = "open"
        for end in (self.server, self.client):
            self._call(end, "onOpen", end)
        return self

    # -- sending and delivery ------------------------------------------------

    def _send(self, sender: MemoryTransport, message: Any) -> None:
        if self._state != "open":
            side = "server" if sender.is_server else "client"
            raise TransportLost(
                f"memory pipe {self.number} is not open ({self._state}); "
                f"cannot send {type(message).__name__} from the {side} end"
            )
        item = message
        if self.serializer is not None:
            item = self.serializer.serialize(message)  # may raise SerializationError
        if self.synchronous:
            self._deliver(sender.peer, item)
        else:
            self._queue.append((sender.peer, item))
            self._schedule()

    def _schedule(self) -> None:
        if self.txaio_api is None or self._flush_scheduled:
            return
        self._flush_scheduled = True
        self.txaio_api.call_later(0, self._scheduled_flush)

    def _scheduled_flush(self) -> None:
        self._flush_scheduled = False
        self.flush()

    def flush(self, limit: int | None = None) -> int:
        """Deliver queued messages in order, including those queued while delivering.

        Returns the number of deliveries made. ``limit`` stops after that many.
        A flush started from inside a delivery (a handler calling ``flush()``)
        returns 0 at once; the outer flush goes on.
        """
        if self._flushing:
            return 0
        self._flushing = True
        count = 0
        try:
            while self._queue and (limit is None or count < limit):
                receiver, item = self._queue.popleft()
                count += 1
                if item is _CLOSE or item is _ABORT:
                    self._finish_close(clean=item is _CLOSE)
                else:
                    self._deliver(receiver, item)
        finally:
            self._flushing = False
        return count

    def _deliver(self, receiver: MemoryTransport, item: Any) -> None:
        if self._state == "closed":
            return
        if self.serializer is None:
            messages = [item]
        else:
            payload, is_binary = item
            try:
                messages = self.serializer.unserialize(payload, is_binary)
            except Exception as exc:
                self._fail(exc, f"cannot parse a message for the {self._side(receiver)} end")
                return
        for message in messages:
            self.delivered += 1
            if not self._call(receiver, "onMessage", message):
                return

    def _side(self, end: MemoryTransport) -> str:
        return "server" if end.is_server else "client"

    def _call(self, end: MemoryTransport, method: str, *args: Any) -> bool:
        """Call a handler method; an exception aborts the pipe. True when it returned."""
        fn: Callable[..., Any] | None = getattr(end.handler, method, None)
        if fn is None:
            return True
        try:
            fn(*args)
        except Exception as exc:
            self._fail(exc, f"{self._side(end)} handler {method}() raised")
            return False
        return True

    def _fail(self, exc: BaseException, what: str) -> None:
        _log.failure("memory pipe {number}: {what}: {error!r}", failure=exc,
                     number=self.number, what=what, error=exc)
        self.errors.append(exc)
        self._close(clean=False)

    # -- closing -------------------------------------------------------------

    def _close(self, clean: bool) -> None:
        if self._state in ("new", "closed"):
            if self._state == "new":
                self._state = "closed"
            return
        if self._state == "closing" and clean:
            return  # a regular close is already on its way
        self._state = "closing"
        if not clean:
            self._queue.clear()
        if self.synchronous:
            self._finish_close(clean)
        else:
            # Like a socket, the handlers hear of the close later, never from
            # inside the close()/abort() call.
            self._queue.append((self.client, _CLOSE if clean else _ABORT))
            self._schedule()

    def _finish_close(self, clean: bool) -> None:
        if self._state == "closed":
            return
        self._state = "closed"
        self._queue.clear()
        for end in (self.server, self.client):
            self._call(end, "onClose", clean)

    def __repr__(self) -> str:
        mode = "synchronous" if self.synchronous else "queued"
        return f"<MemoryPipe {self.number} {self._state} {mode} pending={self.pending}>"


def connect_memory(
    client_handler: Any,
    server_handler: Any,
    serializer: Any = None,
    *,
    synchronous: bool = False,
    txaio_api: _CallLater | None = None,
    channel_id: dict[str, bytes] | None = None,
) -> MemoryPipe:
    """Make a :class:`MemoryPipe`, connect both handlers, and return it."""
    pipe = MemoryPipe(serializer, synchronous=synchronous, txaio_api=txaio_api,
                      channel_id=channel_id)
    return pipe.connect(client_handler, server_handler)
