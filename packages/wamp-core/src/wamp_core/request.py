"""Handles and records of a session's requests, with Autobahn|Python's names.

What applications hold:

- :class:`Subscription` (``unsubscribe()``), one per ``session.subscribe()``
  handler. Several handlers on the same topic and options share one broker
  subscription (the broker answers a repeated SUBSCRIBE with the same ID); the
  last ``unsubscribe()`` ends it at the broker.
- :class:`Registration` (``unregister()``).
- :class:`Publication`, the answer to an acknowledged publish.
- :class:`ProgressiveCall` (not in Autobahn): a call that streams its
  arguments (``session.call_progressive()``), with ``send()`` and ``finish()``.
- :class:`InvocationStream` and :class:`InvocationChunk` (not in Autobahn): the
  callee's side of such a call, ``details.stream`` of :class:`InvocationDetails`.

What the session keeps: :class:`Handler` and :class:`Endpoint` (the callable,
its object and keyword for details), and one ``*Request`` record per request
waiting for the router (``request_id`` and the Deferred/Future ``on_reply``).
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

from zope.interface import implementer  # type: ignore[import-untyped]

from wamp_core.exception import ApplicationError
from wamp_core.interfaces import IPublication, IRegistration, ISubscription
from wamp_core.types import CallDetails

if TYPE_CHECKING:
    from wamp_core.decorators import Pattern

__all__ = [
    "CallRequest",
    "Endpoint",
    "Handler",
    "InvocationChunk",
    "InvocationDetails",
    "InvocationRequest",
    "InvocationStream",
    "ProgressiveCall",
    "Publication",
    "PublishRequest",
    "RegisterRequest",
    "Registration",
    "Request",
    "SubscribeRequest",
    "Subscription",
    "UnregisterRequest",
    "UnsubscribeRequest",
]


@implementer(IPublication)
class Publication:
    """An acknowledged publication: ``id`` is the broker's publication ID."""

    __slots__ = ("id", "was_encrypted")

    def __init__(self, publication_id: int, was_encrypted: bool) -> None:
        self.id = publication_id
        self.was_encrypted = was_encrypted

    def __str__(self) -> str:
        return f"Publication(id={self.id}, was_encrypted={self.was_encrypted})"

    __repr__ = __str__


@implementer(ISubscription)
class Subscription:
    """One handler subscribed to ``topic`` under broker subscription ``id``."""

    __slots__ = ("active", "handler", "id", "session", "topic")

    def __init__(self, subscription_id: int, topic: str, session: Any, handler: Handler) -> None:
        self.id = subscription_id
        self.topic = topic
        self.active = True
        self.session = session
        self.handler = handler

    def unsubscribe(self) -> Any:
        """Remove this handler; a Deferred/Future of the number of handlers left.

        The broker subscription ends with the last handler (the Deferred/Future
        then fires with 0 once the broker confirmed).
        """
        if not self.active:
            raise RuntimeError(f"subscription {self.id} to '{self.topic}' is no longer active")
        return self.session._unsubscribe(self)

    def __str__(self) -> str:
        return f"Subscription(id={self.id}, is_active={self.active})"

    __repr__ = __str__


class Handler:
    """An event handler: ``fn`` (called on ``obj`` when set), the details keyword,
    and the decorator ``pattern`` whose named URI components become keywords
    (``prefix``: the ``register(prefix=...)`` put in front of the pattern)."""

    __slots__ = ("details_arg", "fn", "obj", "pattern", "plain", "prefix")

    def __init__(self, fn: Any, obj: Any = None, details_arg: str | None = None,
                 pattern: Pattern | None = None, prefix: str = "") -> None:
        self.fn = fn
        self.obj = obj
        self.details_arg = details_arg
        self.pattern = pattern
        self.prefix = prefix
        self.plain = obj is None and not details_arg and pattern is None
        """Called with the message's arguments alone (no object, details or URI keywords)."""

    def keywords(self, uri: str) -> dict[str, Any]:
        """The pattern's named components in ``uri`` (``ValueError`` when it does not match)."""
        if self.pattern is None:
            return {}
        if self.prefix and uri.startswith(self.prefix):
            uri = uri[len(self.prefix):]
        return self.pattern.keywords(uri)


@implementer(IRegistration)
class Registration:
    """Procedure ``procedure`` registered under dealer registration ``id``."""

    __slots__ = ("active", "endpoint", "id", "procedure", "session")

    def __init__(self, session: Any, registration_id: int, procedure: str,
                 endpoint: Endpoint) -> None:
        self.id = registration_id
        self.active = True
        self.session = session
        self.procedure = procedure
        self.endpoint = endpoint

    def unregister(self) -> Any:
        """Unregister; a Deferred/Future that fires once the dealer confirmed."""
        if not self.active:
            raise RuntimeError(
                f"registration {self.id} of '{self.procedure}' is no longer active")
        return self.session._unregister(self)

    def __str__(self) -> str:
        return (f'Registration(id={self.id}, is_active={self.active}, '
                f'procedure="{self.procedure}")')

    __repr__ = __str__


class Endpoint(Handler):
    """A procedure endpoint (the same fields as :class:`Handler`)."""

    __slots__ = ()


# -- request records ------------------------------------------------------------


class Request:
    """A request waiting for the router: its ID and the Deferred/Future to fire."""

    __slots__ = ("on_reply", "request_id")

    def __init__(self, request_id: int | None, on_reply: Any) -> None:
        self.request_id: int = request_id or 0  # 0 until the request is sent
        self.on_reply = on_reply


class PublishRequest(Request):
    """An acknowledged publication waiting for PUBLISHED."""

    __slots__ = ("was_encrypted",)

    def __init__(self, request_id: int | None, on_reply: Any, was_encrypted: bool) -> None:
        super().__init__(request_id, on_reply)
        self.was_encrypted = was_encrypted


class SubscribeRequest(Request):
    """A SUBSCRIBE waiting for SUBSCRIBED."""

    __slots__ = ("handler", "topic")

    def __init__(self, request_id: int | None, topic: str, on_reply: Any,
                 handler: Handler) -> None:
        super().__init__(request_id, on_reply)
        self.topic = topic
        self.handler = handler


class UnsubscribeRequest(Request):
    """An UNSUBSCRIBE waiting for UNSUBSCRIBED."""

    __slots__ = ("subscription_id",)

    def __init__(self, request_id: int | None, on_reply: Any, subscription_id: int) -> None:
        super().__init__(request_id, on_reply)
        self.subscription_id = subscription_id


class CallRequest(Request):
    """A CALL waiting for its RESULT or ERROR.

    ``timer`` is the client-side timeout timer, ``finished`` tells that the
    Deferred/Future was settled (or cancelled) and that the router's answer, if
    it still comes, is dropped.
    """

    __slots__ = ("finished", "options", "procedure", "timer")

    def __init__(self, request_id: int | None, procedure: str, on_reply: Any,
                 options: Any) -> None:
        self.request_id = request_id or 0  # Request.__init__, inline: one per call
        self.on_reply = on_reply
        self.procedure = procedure
        self.options = options
        self.timer: Any = None
        self.finished = False


class InvocationRequest(Request):
    """An invocation of one of our endpoints, running.

    ``on_reply`` is the endpoint's Deferred/Future; ``interrupt`` the INTERRUPT
    that cancelled it, ``timed_out`` whether the callee-side timeout did.
    """

    __slots__ = ("collected", "interrupt", "invocation", "procedure", "stream", "timed_out",
                 "timer")

    def __init__(self, request_id: int | None, on_reply: Any, procedure: str = "") -> None:
        self.request_id = request_id or 0  # Request.__init__, inline: one per invocation
        self.on_reply = on_reply
        self.procedure = procedure
        self.interrupt: Any = None
        self.timed_out = False
        self.timer: Any = None
        self.stream: InvocationStream | None = None
        self.invocation: Any = None  # the first INVOCATION message
        self.collected: tuple[list[Any], dict[str, Any]] | None = None


class RegisterRequest(Request):
    """A REGISTER waiting for REGISTERED."""

    __slots__ = ("endpoint", "procedure")

    def __init__(self, request_id: int | None, on_reply: Any, procedure: str,
                 endpoint: Endpoint) -> None:
        super().__init__(request_id, on_reply)
        self.procedure = procedure
        self.endpoint = endpoint


class UnregisterRequest(Request):
    """An UNREGISTER waiting for UNREGISTERED."""

    __slots__ = ("registration_id",)

    def __init__(self, request_id: int | None, on_reply: Any, registration_id: int) -> None:
        super().__init__(request_id, on_reply)
        self.registration_id = registration_id


# -- progressive call invocations (WAMP advanced profile) ------------------------


class ProgressiveCall:
    """A call whose arguments are streamed: made by ``session.call_progressive()``.

    The first CALL (``progress: true``) is sent when the object is made; each
    :meth:`send` sends one more argument chunk, :meth:`finish` the last one.
    ``result`` is the Deferred/Future of the call's result (the same mapping as
    ``session.call()``); cancelling it cancels the call. The callee may answer
    before :meth:`finish`; further chunks then raise.
    """

    __slots__ = ("_record", "_session")

    def __init__(self, session: Any, record: CallRequest) -> None:
        self._session = session
        self._record = record

    @property
    def request_id(self) -> int:
        """The request ID shared by every CALL of this call."""
        return self._record.request_id

    @property
    def procedure(self) -> str:
        return self._record.procedure

    @property
    def result(self) -> Any:
        """The Deferred/Future of the call's result."""
        return self._record.on_reply

    @property
    def finished(self) -> bool:
        """Whether the call has ended (answered, failed, cancelled or timed out)."""
        return self._record.finished

    def send(self, *args: Any, **kwargs: Any) -> None:
        """Send one more chunk of arguments (a CALL with ``progress: true``)."""
        self._session._call_chunk(self._record, args, kwargs, final=False)

    def finish(self, *args: Any, **kwargs: Any) -> Any:
        """Send the last chunk (a CALL without ``progress``); return :attr:`result`."""
        self._session._call_chunk(self._record, args, kwargs, final=True)
        return self._record.on_reply

    def cancel(self) -> None:
        """Cancel the call (the same as cancelling :attr:`result`)."""
        self._session._txaio.cancel(self._record.on_reply)

    def __repr__(self) -> str:
        return (f"ProgressiveCall(procedure={self.procedure!r}, request_id={self.request_id}, "
                f"finished={self.finished})")


class InvocationChunk:
    """One chunk of a progressive call invocation: ``args``, ``kwargs``, and ``last``."""

    __slots__ = ("args", "kwargs", "last")

    def __init__(self, args: tuple[Any, ...], kwargs: dict[str, Any], last: bool) -> None:
        self.args = args
        self.kwargs = kwargs
        self.last = last

    def __repr__(self) -> str:
        return f"InvocationChunk(args={self.args!r}, kwargs={self.kwargs!r}, last={self.last})"


class InvocationStream:
    """The chunks after the first of a progressive call invocation (callee side).

    ``await stream.receive()`` (or a Deferred's callback) gives the next
    :class:`InvocationChunk`; ``async for chunk in stream`` iterates until the
    chunk with ``last=True``. Chunks that arrive before they are asked for wait
    in order. When the invocation is interrupted or the session ends, waiting
    and later ``receive()`` calls fail with ``ApplicationError`` (canceled).
    """

    __slots__ = ("_api", "_chunks", "_error", "_finished", "_waiters", "done")

    def __init__(self, api: Any) -> None:
        self._api = api
        self._chunks: deque[InvocationChunk] = deque()
        self._waiters: deque[Any] = deque()
        self._error: BaseException | None = None
        self._finished = False  # the last chunk was handed out
        self.done = False
        """Whether the last chunk has arrived."""

    def receive(self) -> Any:
        """A Deferred/Future of the next chunk."""
        api = self._api
        if self._chunks:
            chunk = self._chunks.popleft()
            self._finished = chunk.last
            return api.create_future_success(chunk)
        if self._error is not None:
            failed = api.create_future()
            api.reject(failed, self._error)
            return failed
        if self._finished:
            failed = api.create_future()
            api.reject(failed, ApplicationError(ApplicationError.CANCELED,
                                                "the last chunk was already received"))
            return failed
        waiter = api.create_future()
        self._waiters.append(waiter)
        return waiter

    def __aiter__(self) -> InvocationStream:
        return self

    def __anext__(self) -> Any:
        if self._finished and not self._chunks:
            raise StopAsyncIteration
        return self.receive()

    def _push(self, chunk: InvocationChunk) -> None:
        self.done = chunk.last
        while self._waiters:
            waiter = self._waiters.popleft()
            if not self._api.is_called(waiter):
                self._finished = chunk.last
                self._api.resolve(waiter, chunk)
                return
        self._chunks.append(chunk)

    def _fail(self, error: BaseException) -> None:
        self._error = error
        self.done = True
        while self._waiters:
            waiter = self._waiters.popleft()
            if not self._api.is_called(waiter):
                self._api.reject(waiter, error)

    def __repr__(self) -> str:
        return f"InvocationStream(queued={len(self._chunks)}, done={self.done})"


class InvocationDetails(CallDetails):
    """:class:`~wamp_core.types.CallDetails` plus ``stream``: the
    :class:`InvocationStream` of a progressive call invocation, else ``None``."""

    __slots__ = ("stream",)

    def __init__(self, *args: Any, stream: InvocationStream | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stream = stream
