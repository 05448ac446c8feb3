"""Named events with listeners, on a txaio API object bound to the instance.

:class:`ObservableMixin` has Autobahn|Python's API (``set_valid_events``, ``on``, ``off``,
``fire``) and is shared by the Component and the ApplicationSession. ``fire()`` calls every
handler of the event at once, in the order they were added; a handler may return a plain
value, a Future, a Deferred or a coroutine. The future ``fire()`` returns resolves to the list
of the handlers' results once every one of them has finished; when the object has a
``_parent`` (a Component watching its session), the parent's gathered list comes last.
An event the parent does not list in its valid events stays with the child (Autobahn
raises there).

An exception in a handler (raised at once or later through its future) is logged with its
traceback and then fails the gathered future with the first failure in handler order, as
Autobahn's ``fire()`` propagates it. Unlike Autobahn the gathered future waits for every
handler before it fails, on asyncio as on Twisted, so both frameworks behave the same.

The framework comes from ``self._txaio``: a txaio API object such as
``txaio.aio.with_config(loop=loop)`` or a Twisted one, set by whoever owns the instance
(never the process-wide ``txaio.use_asyncio()``/``use_twisted()``). An object without its own
falls back to its parent's. This module imports neither asyncio nor Twisted.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from wamp_core.log import Logger, make_logger

__all__ = [
    "ObservableMixin",
    "TxaioApi",
    "call_as_future",
    "call_now",
    "failure_value",
    "gather_all",
]

_log = make_logger(__name__)


class TxaioApi(Protocol):
    """The part of a txaio API object (``txaio.aio.with_config(...)`` ...) used here."""

    def create_future(self, result: Any = ..., error: Any = ..., canceller: Any = ...) -> Any: ...

    def create_future_success(self, result: Any) -> Any: ...

    def as_future(self, fun: Callable[..., Any], *args: Any, **kwargs: Any) -> Any: ...

    def is_future(self, obj: Any) -> bool: ...

    def call_later(self, delay: float, fun: Callable[..., Any], *args: Any,
                   **kwargs: Any) -> Any: ...

    def is_called(self, future: Any) -> bool: ...

    def resolve(self, future: Any, result: Any = None) -> None: ...

    def reject(self, future: Any, error: Any = None) -> None: ...

    def cancel(self, future: Any, msg: str | None = None) -> None: ...

    def create_failure(self, exception: BaseException | None = None) -> Any: ...

    def add_callbacks(self, future: Any, callback: Callable[[Any], Any] | None,
                      errback: Callable[[Any], Any] | None) -> Any: ...

    def failure_message(self, fail: Any) -> str: ...


def failure_value(fail: Any) -> BaseException:
    """The exception inside a txaio failure (asyncio ``FailedFuture`` or Twisted ``Failure``)."""
    value = getattr(fail, "value", fail)
    if isinstance(value, BaseException):
        return value
    return RuntimeError(f"unexpected failure object {fail!r}")


def _identity(value: Any) -> Any:
    return value


# Results that are never awaitable: the common ones skip the isawaitable() check.
_PLAIN_TYPES = frozenset({type(None), bool, int, float, str, bytes, list, dict, tuple})


def call_now(api: TxaioApi, fn: Callable[..., Any], *args: Any,
             **kwargs: Any) -> tuple[bool, Any]:
    """Call ``fn`` now: ``(True, value)`` when it returned a plain value, else
    ``(False, future)`` with the future :func:`call_as_future` would return."""
    try:
        result = fn(*args, **kwargs)
    except Exception:
        failed = api.create_future()
        api.reject(failed, api.create_failure())
        return False, failed
    if type(result) in _PLAIN_TYPES or not (api.is_future(result)
                                            or inspect.isawaitable(result)):
        return True, result
    return False, api.as_future(_identity, result)


def call_as_future(api: TxaioApi, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``fn`` now and return a future of its outcome.

    A returned Future/Deferred is passed on, a coroutine is scheduled (a task on asyncio, a
    Deferred on Twisted), a plain value becomes a resolved future, and an exception raised by
    ``fn`` becomes a failed future carrying its traceback.
    """
    done, outcome = call_now(api, fn, *args, **kwargs)
    return api.create_future_success(outcome) if done else outcome


def gather_all(api: TxaioApi, futures: Iterable[Any]) -> Any:
    """A future of the list of results of ``futures``, once all of them have finished.

    If any failed, the gathered future fails with the first failure in list order. The
    callbacks added here consume each future's failure (no "unhandled error" noise).
    """
    pending = list(futures)
    gathered = api.create_future()
    results: list[Any] = [None] * len(pending)
    failures: list[tuple[int, Any]] = []
    remaining = [len(pending)]

    def finished() -> None:
        remaining[0] -= 1
        if remaining[0] == 0:
            if failures:
                api.reject(gathered, min(failures, key=lambda item: item[0])[1])
            else:
                api.resolve(gathered, results)

    def watch(index: int, future: Any) -> None:
        def ok(value: Any) -> None:
            results[index] = value
            finished()

        def failed(fail: Any) -> None:
            failures.append((index, fail))
            finished()

        api.add_callbacks(future, ok, failed)

    if not pending:
        api.resolve(gathered, results)
    for index, future in enumerate(pending):
        watch(index, future)
    return gathered


class ObservableMixin:
    """Event listeners with Autobahn's API; see the module docstring.

    Instance state is created on first use, so subclasses need not call an ``__init__``.
    """

    _parent: ObservableMixin | None = None
    _valid_events: list[str] | None = None
    _listeners: dict[str, list[Callable[..., Any]]] | None = None
    _txaio: TxaioApi | None = None

    def set_valid_events(self, valid_events: Iterable[str] | None = None) -> None:
        """Restrict ``on()``/``off()``/``fire()`` to these event names (None: any name)."""
        self._valid_events = None if valid_events is None else list(valid_events)

    def _check_event(self, event: str) -> None:
        if self._valid_events is not None and event not in self._valid_events:
            raise RuntimeError(
                f"Invalid event '{event}'. Expected one of: {', '.join(self._valid_events)}"
            )

    def on(self, event: str, handler: Callable[..., Any]) -> None:
        """Call ``handler(*args, **kwargs)`` with what ``fire(event, ...)`` is given."""
        self._check_event(event)
        if not callable(handler):
            raise TypeError(f"handler for event '{event}' must be callable, not {handler!r}")
        if self._listeners is None:
            self._listeners = {}
        self._listeners.setdefault(event, []).append(handler)

    def off(self, event: str | None = None, handler: Callable[..., Any] | None = None) -> None:
        """Remove one handler of ``event``, every handler of it, or (no event) all handlers."""
        if event is None:
            if handler is not None:
                raise RuntimeError("Can't specify a specific handler without an event")
            self._listeners = {}
            return
        self._check_event(event)
        if self._listeners is None or event not in self._listeners:
            return
        if handler is None:
            del self._listeners[event]
            return
        try:
            self._listeners[event].remove(handler)
        except ValueError:
            pass

    def _event_api(self) -> TxaioApi:
        api = self._txaio
        if api is None and self._parent is not None:
            api = self._parent._txaio
        if api is None:
            raise RuntimeError(
                f"{type(self).__name__} has no txaio API bound (set ._txaio, e.g. to "
                "txaio.aio.with_config(loop=loop), before firing events)"
            )
        return api

    def fire(self, event: str, *args: Any, **kwargs: Any) -> Any:
        """Call every handler of ``event``; a future of the list of their results."""
        self._check_event(event)
        api = self._event_api()
        handlers = list((self._listeners or {}).get(event, ()))
        futures = [self._call_handler(api, event, h, args, kwargs) for h in handlers]
        parent = self._parent
        if parent is not None and (parent._valid_events is None or event in parent._valid_events):
            futures.append(parent.fire(event, *args, **kwargs))
        return gather_all(api, futures)

    def _handler_log(self) -> Logger:
        log = getattr(self, "log", None)
        return log if isinstance(log, Logger) else _log

    def _call_handler(self, api: TxaioApi, event: str, handler: Callable[..., Any],
                      args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        log = self._handler_log()
        try:
            result = handler(*args, **kwargs)
        except Exception as exc:
            log.failure("error in '{event}' handler {handler}: {error!r}", failure=exc,
                        event=event, handler=handler, error=exc)
            failed = api.create_future()
            api.reject(failed, api.create_failure())
            return failed
        if not (api.is_future(result) or inspect.isawaitable(result)):
            return api.create_future_success(result)
        future = api.as_future(_identity, result)

        def log_failure(fail: Any) -> Any:
            exc = failure_value(fail)
            log.failure("error in '{event}' handler {handler}: {error!r}", failure=exc,
                        event=event, handler=handler, error=exc)
            return fail  # keeps a Twisted chain failed; asyncio ignores the return value

        api.add_callbacks(future, None, log_failure)
        return future
