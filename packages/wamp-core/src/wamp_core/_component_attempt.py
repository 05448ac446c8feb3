"""One connection attempt of a Component, and the life of its session.

An :class:`_Attempt` is created for every connection the Component tries. It hands the
framework adapter a zero-argument session factory, wires the new session's ``join``,
``leave`` and ``disconnect`` events, runs ``main`` after the join, and ends the attempt by
settling its ``done`` future:

- resolved (``None``): the session left normally (``wamp.close.normal`` /
  ``wamp.close.goodbye_and_out``), or the Component is stopping;
- rejected: the session left for another reason (``ApplicationError`` with that reason),
  the transport closed before the session left (:class:`TransportLost`), ``main`` failed
  (``main_failure`` is then set), or the adapter reported a connection error.

The Component reads the outcome and decides: done, or retry.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, Final, Protocol

from wamp_core._component_transport import _Transport
from wamp_core.exception import ApplicationError, Error, TransportLost
from wamp_core.log import Logger
from wamp_core.observable import TxaioApi, call_as_future, failure_value

__all__ = ["DONE_REASONS", "TransportsExhausted", "_Attempt", "is_attached"]

DONE_REASONS: Final = frozenset({
    "wamp.close.normal", "wamp.close.goodbye_and_out", ApplicationError.GOODBYE_AND_OUT,
})
"""Leave reasons that mean "the session ended as wanted": the Component is done."""


class TransportsExhausted(Error):
    """No transport of the Component can be tried any more.

    ``failures`` lists ``(transport index, url, last exception)`` for every transport.
    """

    def __init__(self, failures: list[tuple[int, str | None, BaseException | None]]) -> None:
        self.failures = failures
        detail = "; ".join(
            f"transport {idx} ({url!r}): {exc!r}" for idx, url, exc in failures
        )
        super().__init__(f"Component failed: exhausted all transport connect attempts ({detail})")


class _Owner(Protocol):
    """What an attempt needs from its Component."""

    log: Logger
    _stopping: bool
    _loop: Any
    _entry: Callable[[Any, Any], Any] | None

    def _event_api(self) -> TxaioApi: ...

    def _make_session(self) -> Any: ...

    def _safely(self, fn: Callable[..., Any], *args: Any) -> None: ...

    def _attach_session(self, attempt: _Attempt, session: Any) -> None: ...


def is_attached(session: Any) -> bool:
    """``session.is_attached()``, False if the session cannot tell."""
    try:
        return bool(session.is_attached())
    except Exception:
        return False


class _Attempt:
    """One connection attempt: its transport, its session and its outcome future ``done``."""

    def __init__(self, owner: _Owner, transport: _Transport) -> None:
        self.owner = owner
        self.api = owner._event_api()
        self.transport = transport
        self.done: Any = self.api.create_future()
        self.connect_f: Any = None
        self.session: Any = None
        self.main_failure: BaseException | None = None

    def create_session(self) -> Any:
        """The zero-argument session factory handed to ``_connect_transport``."""
        api = self.api
        try:
            session = self.owner._make_session()
        except Exception:
            if not api.is_called(self.done):
                api.reject(self.done, api.create_failure())
            raise
        session._parent = self.owner
        session.on("join", self._joined)
        session.on("leave", self._left)
        session.on("disconnect", self._disconnected)
        self.session = session
        self.owner._attach_session(self, session)
        return session

    def fail(self, fail: Any) -> None:
        """End the attempt with ``fail`` unless it has ended already."""
        if not self.api.is_called(self.done):
            self.api.reject(self.done, fail)

    def _joined(self, session: Any, details: Any) -> None:
        self.transport.reset()
        self.transport.connect_successes += 1
        owner, api = self.owner, self.api
        if owner._stopping or api.is_called(self.done):
            self.leave(session)
            return
        if owner._entry is None:
            return
        main_f = call_as_future(api, owner._entry, owner._loop, session)
        api.add_callbacks(main_f, lambda _: owner._safely(self._main_finished),
                          lambda fail: owner._safely(self._main_failed, fail))

    def _main_finished(self) -> None:
        self.owner.log.debug("main() finished; leaving the session")
        self.api.call_later(0, self.owner._safely, self.leave, self.session)

    def _main_failed(self, fail: Any) -> None:
        exc = failure_value(fail)
        self.owner.log.failure("main() failed: {error!r}", failure=exc, error=exc)
        if self.api.is_called(self.done):
            return
        self.main_failure = exc
        self.api.reject(self.done, fail)
        self.disconnect(self.session)

    def _left(self, session: Any, details: Any) -> None:
        reason = getattr(details, "reason", None)
        message = getattr(details, "message", None)
        self.owner.log.info("session leaving '{reason}'", reason=reason)
        if self.api.is_called(self.done):
            return
        if reason in DONE_REASONS or self.owner._stopping:
            self.api.resolve(self.done, None)
        else:
            self.api.reject(self.done, ApplicationError(reason or "wamp.close.unknown", message))

    def _disconnected(self, session: Any, was_clean: bool = True, **_: Any) -> None:
        if self.api.is_called(self.done):
            return
        if self.owner._stopping:
            self.api.resolve(self.done, None)
            return
        how = "cleanly" if was_clean else "uncleanly"
        self.api.reject(self.done, TransportLost(
            f"{self.transport.describe()}: transport closed {how} before the session left"
        ))

    def leave(self, session: Any) -> bool:
        """``session.leave()`` if it is attached; False when it was not or refused."""
        log = self.owner.log
        if session is None or not is_attached(session):
            return False
        try:
            left = session.leave()
        except Exception as exc:  # e.g. SessionNotReady: someone left already
            log.debug("leave() refused: {error!r}", error=exc)
            return False
        if left is not None and (self.api.is_future(left) or hasattr(left, "addErrback")):
            self.api.add_callbacks(left, None, partial(_log_leave_failure, log))
        return True

    def disconnect(self, session: Any) -> None:
        """``session.disconnect()``; a refusal is only logged."""
        try:
            session.disconnect()
        except Exception as exc:
            self.owner.log.debug("disconnect() refused: {error!r}", error=exc)


def _log_leave_failure(log: Logger, fail: Any) -> None:
    log.debug("leave() failed: {error!r}", error=failure_value(fail))
