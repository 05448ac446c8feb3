"""ApplicationSession, caller side: ``call``, ``call_progressive``, results, cancel, timeout.

Result mapping (as Autobahn|Python): a RESULT with one positional value and no
keywords gives that value; several values, or any keyword value, or a call
made with ``CallOptions(details=True)``, give a :class:`~wamp_core.types.CallResult`;
no value gives ``None``. An ERROR gives the exception mapped to its URI
(``define``/``@wamp.error``) or an ``ApplicationError``.

Cancelling the returned Deferred/Future sends ``CANCEL`` (with
``CallOptions(cancel_mode=...)``, or no mode as Autobahn does) when the router
announced ``call_canceling``; the router's late answer is dropped. A
``CallOptions(timeout=seconds)`` goes on the wire in milliseconds (the spec's
unit) and also starts a client-side timer: when it fires first, the call is
cancelled (``killnowait`` unless ``cancel_mode`` says otherwise) and fails at
once with ``wamp.error.timeout``.
"""

from __future__ import annotations

from typing import Any

from wamp_core._session_base import VALID_URIS, BaseSession, check_uri_once
from wamp_core.exception import ApplicationError, SessionNotReady, TransportLost
from wamp_core.message import Error, Result
from wamp_core.request import CallRequest, ProgressiveCall
from wamp_core.types import CallOptions, CallResult

__all__ = ["CallerMixin"]


def milliseconds(seconds: float) -> int:
    """``CALL.Options.timeout`` in milliseconds; never 0 (which means "no timeout")."""
    return max(1, round(seconds * 1000))


def call_result(record: CallRequest, msg: Result, args: Any, kwargs: Any) -> Any:
    """What ``call()`` resolves with; see the module text."""
    options = record.options
    if kwargs or (options is not None and options.details):
        result = CallResult(*(args or ()), **(kwargs or {}))
        _disclose(result, msg)
        return result
    if args:
        return CallResult(*args) if len(args) > 1 else args[0]
    return None


def _disclose(result: CallResult, msg: Any) -> None:
    result.callee = msg.callee
    result.callee_authid = msg.callee_authid
    result.callee_authrole = msg.callee_authrole
    result.forward_for = msg.forward_for


class CallerMixin(BaseSession):
    """The caller role of ApplicationSession."""

    def call(self, procedure: str, *args: Any, **kwargs: Any) -> Any:
        """Call ``procedure``; a Deferred/Future of the result (see the module text).

        ``options=CallOptions(...)`` is taken out of the keyword arguments.
        """
        options = kwargs.pop("options", None)
        return self._start_call(procedure, args, kwargs, options, False).on_reply

    def call_progressive(self, procedure: str, *args: Any, **kwargs: Any) -> ProgressiveCall:
        """Start a call that streams its arguments (progressive call invocations).

        The first CALL carries ``args``/``kwargs``; continue with ``send()`` and
        end with ``finish()`` on the returned :class:`~wamp_core.request.ProgressiveCall`,
        whose ``result`` is the Deferred/Future of the call. Raises
        ``ApplicationError(wamp.error.feature_not_supported)`` when the router did
        not announce ``progressive_call_invocations`` (sending it anyway would be a
        protocol violation).
        """
        options = kwargs.pop("options", None)
        if not self._machine.router_roles.supports("dealer", "progressive_call_invocations"):
            raise ApplicationError(
                ApplicationError.FEATURE_NOT_SUPPORTED,
                f"cannot call '{procedure}' progressively: the router did not announce "
                "the dealer feature progressive_call_invocations")
        record = self._start_call(procedure, args, kwargs, options, True)
        return ProgressiveCall(self, record)

    def _start_call(self, procedure: str, args: tuple[Any, ...], kwargs: dict[str, Any],
                    options: Any, progress: bool) -> CallRequest:
        if options is not None and not isinstance(options, CallOptions):
            raise TypeError(f"options must be a CallOptions, not {type(options).__name__}")
        if type(procedure) is not str or procedure not in VALID_URIS:
            check_uri_once(procedure, f"{type(self).__name__}.call()")
        if self._transport is None:
            raise TransportLost(f"cannot call '{procedure}': the session has no transport")
        if options is None and self._payload_codec is None:  # the common case, in short
            record = CallRequest(None, procedure, None, None)
            record.on_reply = self._new_call_future(record)
            machine = self._machine
            if progress:
                request = machine.call(procedure, list(args) if args else None, kwargs or None,
                                       record, progress=True)
            else:  # the URI is valid, the payload a list and a dict of keywords
                request = machine.call_plain(procedure, list(args) if args else None,
                                             kwargs or None, record)
            record.request_id = request
            self._flush_request(request)
            return record
        attrs = options.message_attr() if options is not None else {}
        timeout = attrs.pop("timeout", None)
        if timeout:
            attrs["timeout"] = milliseconds(timeout)
        encoded = self._encode(True, procedure, args, kwargs)
        if encoded is not None:
            attrs.update(encoded)
            args, kwargs = (), {}
        record = CallRequest(None, procedure, None, options)
        record.on_reply = self._new_call_future(record)
        request = self._machine.call(procedure, list(args) if args else None, kwargs or None,
                                     token=record, progress=progress, **attrs)
        record.request_id = request
        self._flush_request(request)
        if timeout and not record.finished:
            record.timer = self._call_later(timeout, self._call_timed_out, record)
        return record

    def _new_call_future(self, record: CallRequest) -> Any:
        """The Deferred/Future of a call; cancelling it calls ``_call_cancelled(record)``.
        The framework sessions make a cheaper one than txaio's (see ``wamp_asyncio.wamp``)."""
        return self._api.create_future(canceller=lambda _: self._call_cancelled(record))

    def _call_chunk(self, record: CallRequest, args: tuple[Any, ...], kwargs: dict[str, Any],
                    final: bool) -> None:
        """The next CALL of a progressive call (``ProgressiveCall.send``/``finish``)."""
        if record.finished:
            raise SessionNotReady(f"the call to '{record.procedure}' has ended; "
                                  "it takes no more arguments")
        attrs = self._encode(True, record.procedure, args, kwargs) or {}
        if attrs:
            args, kwargs = (), {}
        self._machine.call_chunk(record.request_id, list(args) if args else None,
                                 kwargs or None, final, **attrs)
        self._flush()

    # -- ending a call from this side ----------------------------------------------

    def _call_cancelled(self, record: CallRequest) -> None:
        """The application cancelled the call's Deferred/Future."""
        if record.finished:
            return
        record.finished = True
        self._cancel_timer(record.timer)
        mode = record.options.cancel_mode if record.options is not None else None
        self._send_cancel(record, mode)

    def _call_timed_out(self, record: CallRequest) -> None:
        record.timer = None
        if record.finished:
            return
        record.finished = True
        options = record.options
        self._send_cancel(record, (options.cancel_mode if options else None) or "killnowait")
        timeout = options.timeout if options else None
        api = self._api
        if not api.is_called(record.on_reply):
            api.reject(record.on_reply, ApplicationError(
                ApplicationError.TIMEOUT,
                f"call to '{record.procedure}' timed out after {timeout} s (caller timer)"))

    def _send_cancel(self, record: CallRequest, mode: str | None) -> None:
        machine = self._machine
        request = record.request_id
        if machine.router_roles.supports("dealer", "call_canceling") and \
                machine.cancel(request, mode):
            self._flush_quietly()
        machine.abandon(request)

    # -- answers ---------------------------------------------------------------------

    def _on_call_reply(self, reply: Any) -> None:
        self._on_call_answer(reply.token, reply.message, reply.final)

    def _on_call_answer(self, record: CallRequest, msg: Any, final: bool) -> None:
        """The router answered call ``record`` with ``msg`` (``final``: not a progressive
        RESULT)."""
        if type(msg) is Result and final and msg.enc_algo is None and \
                record.options is None and not msg.kwargs:  # the common case, in short
            record.finished = True  # no options: no timer to cancel
            args = msg.args
            self._resolve(record.on_reply, (args[0] if len(args) == 1 else CallResult(*args))
                          if args else None)
            return
        api = self._api
        if isinstance(msg, Error):
            self._end_call(record)
            if not api.is_called(record.on_reply):
                api.reject(record.on_reply, self._exception_from_message(msg))
            return
        args, kwargs, failed = self._decode(True, record.procedure, msg)
        if not final:
            self._progress(record, msg, args, kwargs, failed)
            return
        self._end_call(record)
        if api.is_called(record.on_reply):
            return
        if failed is not None:
            api.reject(record.on_reply, failed)
        else:
            api.resolve(record.on_reply, call_result(record, msg, args, kwargs))

    def _end_call(self, record: CallRequest) -> None:
        record.finished = True
        self._cancel_timer(record.timer)
        record.timer = None

    def _progress(self, record: CallRequest, msg: Result, args: Any, kwargs: Any,
                  failed: Any) -> None:
        options = record.options
        on_progress = options.on_progress if options is not None else None
        if on_progress is None or record.finished:
            self.log.debug("progressive result for '{p}' dropped (no on_progress)",
                           p=record.procedure)
            return
        if failed is not None:
            self._swallow_error(failed, "delivering a progressive result (payload not decoded)")
            return
        if options.details:
            value = CallResult(*(args or ()), **(kwargs or {}))
            _disclose(value, msg)
            self._call_user("firing on_progress", on_progress, value)
        else:
            self._call_user("firing on_progress", on_progress, *(args or ()), **(kwargs or {}))

