"""ApplicationSession, callee side: ``register``, invocations, interrupts, timeouts.

An endpoint may return a value, a :class:`~wamp_core.types.CallResult`, a
Deferred/Future or a coroutine; what it returns becomes YIELD, what it raises
becomes ERROR (its URI from ``define``/``@wamp.error``, ``ApplicationError.error``,
or ``wamp.error.runtime_error``), after ``onUserError`` logged it.

``INTERRUPT`` cancels the endpoint's Deferred/Future; the ERROR then says
``wamp.error.canceled`` (or the interrupt's ``reason``). ``INVOCATION.Details.timeout``
(milliseconds) starts a timer that does the same with ``wamp.error.timeout``.

Progressive call invocations (the caller streams its arguments): an endpoint
that takes details gets the first chunk as its arguments and the following
ones from ``details.stream`` (an :class:`~wamp_core.request.InvocationStream`);
an endpoint without details is called once, after the last chunk, with all
positional arguments in order and the keyword arguments merged.
"""

from __future__ import annotations

import inspect
from typing import Any

from wamp_core._session_base import (
    BaseSession,
    call_with_payload,
    is_cancellation,
    is_method_or_function,
)
from wamp_core.decorators import options_with_match, type_check
from wamp_core.exception import ApplicationError, TransportLost
from wamp_core.message import Error, Interrupt, Invocation
from wamp_core.observable import call_now, failure_value
from wamp_core.request import (
    Endpoint,
    InvocationChunk,
    InvocationDetails,
    InvocationRequest,
    InvocationStream,
    RegisterRequest,
    Registration,
    UnregisterRequest,
)
from wamp_core.types import CallResult, RegisterOptions
from wamp_core.uri import check_or_raise_uri

__all__ = ["CalleeMixin"]


class CalleeMixin(BaseSession):
    """The callee role of ApplicationSession."""

    def __init__(self) -> None:
        super().__init__()
        self._registrations: dict[int, Registration] = {}
        self._invocations: dict[int, InvocationRequest] = {}

    # -- register / unregister ---------------------------------------------------------

    def register(self, endpoint: Any, procedure: str | None = None,
                 options: RegisterOptions | None = None, prefix: str | None = None,
                 check_types: bool | None = None) -> Any:
        """Register a callable under ``procedure``; a Deferred/Future of its
        :class:`~wamp_core.request.Registration`.

        Given an object instead, register each method decorated with
        ``@wamp.register``; a Deferred/Future of the list of Registrations (a
        failed one is its exception in the list).
        """
        if self._transport is None:
            raise TransportLost("cannot register: the session has no transport")
        if callable(endpoint):
            if procedure is None:
                raise TypeError("register(): a procedure URI is needed to register a callable")
            return self._register_one(None, endpoint, procedure, options, prefix or "",
                                      check_types, None)
        if procedure is not None or check_types:
            raise TypeError("register(obj): procedure and check_types apply to callables only")
        futures = []
        for _, fn in inspect.getmembers(type(endpoint), is_method_or_function):
            for pattern in getattr(fn, "_wampuris", ()):
                if pattern.is_endpoint():
                    opts = options_with_match(pattern.options or options, RegisterOptions,
                                              pattern.wire_match)
                    futures.append(self._register_one(
                        endpoint, fn, pattern.wire_uri, opts, prefix or "",
                        pattern.check_types, pattern if pattern.has_names else None))
        return self._gather(futures)

    def _register_one(self, obj: Any, fn: Any, procedure: str, options: Any, prefix: str,
                      check_types: bool | None, pattern: Any) -> Any:
        if options is not None and not isinstance(options, RegisterOptions):
            raise TypeError(f"options must be a RegisterOptions, not {type(options).__name__}")
        procedure = prefix + procedure
        check_or_raise_uri(procedure, message=f"{type(self).__name__}.register()",
                           allow_empty_components=True)
        if check_types:
            fn = type_check(fn)
        endpoint = Endpoint(fn, obj, options.details_arg if options else None, pattern, prefix)
        record = RegisterRequest(None, self._api.create_future(), procedure, endpoint)
        attrs = options.message_attr() if options is not None else {}
        record.request_id = self._machine.register(procedure, token=record, **attrs)
        self._flush_request(record.request_id)
        return record.on_reply

    def _on_register_reply(self, reply: Any) -> None:
        record: RegisterRequest = reply.token
        msg = reply.message
        api = self._api
        if isinstance(msg, Error):
            if not api.is_called(record.on_reply):
                api.reject(record.on_reply, self._exception_from_message(msg))
            return
        registration = Registration(self, msg.registration, record.procedure, record.endpoint)
        self._registrations[msg.registration] = registration
        if not api.is_called(record.on_reply):
            api.resolve(record.on_reply, registration)

    def _unregister(self, registration: Registration) -> Any:
        """``Registration.unregister()``."""
        if self._transport is None:
            raise TransportLost("cannot unregister: the session has no transport")
        record = UnregisterRequest(None, self._api.create_future(), registration.id)
        record.request_id = self._machine.unregister(registration.id, token=record)
        self._flush_request(record.request_id)
        return record.on_reply

    def _on_unregister_reply(self, reply: Any) -> None:
        record: UnregisterRequest = reply.token
        api = self._api
        if isinstance(reply.message, Error):
            if not api.is_called(record.on_reply):
                api.reject(record.on_reply, self._exception_from_message(reply.message))
            return
        registration = self._registrations.pop(record.registration_id, None)
        if registration is not None:
            registration.active = False
        if not api.is_called(record.on_reply):
            api.resolve(record.on_reply, None)

    def _on_registration_revoked(self, msg: Any) -> None:
        registration = self._registrations.pop(msg.registration, None)
        if registration is not None:
            registration.active = False
            self.log.info("the router revoked registration {id} of '{procedure}' ({reason})",
                          id=msg.registration, procedure=registration.procedure,
                          reason=msg.reason)

    # -- invocations -----------------------------------------------------------------

    def _on_invocation(self, msg: Invocation, continued: bool) -> None:
        if continued:
            self._continue_invocation(msg)
            return
        registration = self._registrations.get(msg.registration)
        if registration is None:  # confirmed by the router, but not known here
            self._reply_error(msg.request, ApplicationError.NO_SUCH_REGISTRATION,
                              f"no endpoint for registration {msg.registration}")
            return
        endpoint = registration.endpoint
        if endpoint.plain and not msg.timeout and not msg.progress and msg.enc_algo is None:
            # The common case: call at once; a record only if the answer is not ready.
            done, outcome = call_with_payload(self._api, endpoint.fn, msg.args, msg.kwargs)
            if done and not isinstance(outcome, CallResult):
                self._machine.yield_plain(msg.request, [outcome])
                self._flush_quietly()
                return
            record = InvocationRequest(msg.request, None, msg.procedure or registration.procedure)
            record.invocation = msg
            self._invocations[msg.request] = record
            self._invoked(record, done, outcome)
            return
        procedure = msg.procedure or registration.procedure
        record = InvocationRequest(msg.request, None, procedure)
        record.invocation = msg
        self._invocations[msg.request] = record
        if msg.timeout:
            record.timer = self._call_later(msg.timeout / 1000, self._invocation_timed_out,
                                            record)
        if msg.enc_algo is None:
            args, kwargs = msg.args, msg.kwargs
        else:
            args, kwargs, failed = self._decode(False, procedure, msg)
            if failed is not None:
                self._answer_error(record, failed)
                return
        if msg.progress and registration.endpoint.details_arg is None:
            record.collected = (list(args or ()), dict(kwargs or {}))
        else:
            self._invoke(record, registration, args, kwargs)

    def _continue_invocation(self, msg: Invocation) -> None:
        record = self._invocations.get(msg.request)
        if record is None:
            return
        args, kwargs, failed = self._decode(False, record.procedure, msg)
        if failed is not None:
            self._answer_error(record, failed)
            return
        last = not msg.progress
        if record.collected is not None:
            collected_args, collected_kwargs = record.collected
            collected_args.extend(args or ())
            collected_kwargs.update(kwargs or {})
            if last:
                record.collected = None
                registration = self._registrations.get(record.invocation.registration)
                if registration is None:
                    self._answer_error(record, ApplicationError(
                        ApplicationError.NO_SUCH_REGISTRATION, "the registration ended"))
                    return
                self._invoke(record, registration, collected_args, collected_kwargs)
        elif record.stream is not None:
            record.stream._push(InvocationChunk(tuple(args or ()), dict(kwargs or {}), last))

    def _invoke(self, record: InvocationRequest, registration: Registration, args: Any,
                kwargs: Any) -> None:
        endpoint = registration.endpoint
        api = self._api
        if endpoint.plain:  # the endpoint takes the message's arguments alone
            done, outcome = call_with_payload(api, endpoint.fn, args, kwargs)
        else:
            call_args = ((endpoint.obj,) if endpoint.obj is not None else ()) + tuple(args or ())
            call_kwargs = dict(kwargs or {})
            try:
                call_kwargs.update(endpoint.keywords(record.procedure))
            except ValueError as exc:
                self._answer_error(record, ApplicationError(ApplicationError.INVALID_ARGUMENT,
                                                            str(exc)))
                return
            if endpoint.details_arg:
                call_kwargs[endpoint.details_arg] = self._call_details(record, registration,
                                                                       record.invocation)
            done, outcome = call_now(api, endpoint.fn, *call_args, **call_kwargs)
        self._invoked(record, done, outcome)

    def _invoked(self, record: InvocationRequest, done: bool, outcome: Any) -> None:
        """The endpoint was called: ``call_now``'s ``(done, value or future)``."""
        if done:  # a plain value: YIELD now, as on Twisted (no future, no loop turn)
            self._invocation_succeeded(record, outcome)
            return
        record.on_reply = outcome
        self._api.add_callbacks(outcome,
                                lambda result: self._invocation_succeeded(record, result),
                                lambda fail: self._invocation_failed(record, fail))

    def _call_details(self, record: InvocationRequest, registration: Registration,
                      msg: Invocation) -> InvocationDetails:
        progress = self._progress_sender(record) if msg.receive_progress else None
        if msg.progress:
            record.stream = InvocationStream(self._api)
        return InvocationDetails(
            registration, progress=progress, caller=msg.caller,
            caller_authid=msg.caller_authid, caller_authrole=msg.caller_authrole,
            procedure=record.procedure, transaction_hash=msg.transaction_hash,
            enc_algo=msg.enc_algo, forward_for=msg.forward_for, stream=record.stream)

    def _progress_sender(self, record: InvocationRequest) -> Any:
        def progress(*args: Any, **kwargs: Any) -> None:
            """Send a progressive result (YIELD with ``progress: true``)."""
            if self._invocations.get(record.request_id) is not record:
                raise ApplicationError(ApplicationError.CANCELED,
                                       "the invocation has ended; no more progress")
            attrs = self._reply_encoding(record, args, kwargs)
            if attrs:
                args, kwargs = (), {}
            self._machine.yield_(record.request_id, list(args) or None, kwargs or None,
                                 progress=True, **attrs)
            self._flush()

        return progress

    # -- answering ------------------------------------------------------------------------

    def _take(self, record: InvocationRequest) -> bool:
        """End the invocation if ``record`` is still the one running under its ID."""
        request = record.request_id
        if self._invocations.get(request) is not record:
            return False
        del self._invocations[request]
        if record.timer is not None:
            self._cancel_timer(record.timer)
            record.timer = None
        if record.stream is not None and not record.stream.done:
            record.stream._fail(ApplicationError(ApplicationError.CANCELED,
                                                 "the invocation has ended"))
        return True

    def _invocation_succeeded(self, record: InvocationRequest, result: Any) -> None:
        if not self._take(record):
            return
        args: list[Any] | None
        invocation = record.invocation
        if not isinstance(result, CallResult):
            if invocation is None or invocation.enc_algo is None:  # the common case, in short
                self._machine.yield_plain(record.request_id, [result])
                self._flush_quietly()
                return
            args, kwargs, attrs = [result], None, {}
        else:
            args, kwargs = list(result.results), result.kwresults or None
            attrs = {name: value for name in ("callee", "callee_authid", "callee_authrole",
                                              "forward_for")
                     if (value := getattr(result, name)) is not None}
        if invocation is not None and invocation.enc_algo is not None:
            encoded = self._reply_encoding(record, args, kwargs)
            if encoded:
                args, kwargs = None, None
                attrs.update(encoded)
        self._machine.yield_(record.request_id, args, kwargs, **attrs)
        self._flush_quietly()

    def _invocation_failed(self, record: InvocationRequest, fail: Any) -> None:
        exc = failure_value(fail)
        if is_cancellation(exc) and (record.interrupt is not None or record.timed_out):
            self._answer_cancelled(record)
            return
        if self._invocations.get(record.request_id) is not record:
            return
        self._swallow_error(fail, f"invoking '{record.procedure}': {exc!r}")
        tb = self._traceback_of(fail) if self.traceback_app else None
        self._answer_error(record, exc, tb)

    def _answer_cancelled(self, record: InvocationRequest) -> None:
        if record.timed_out:
            uri, text = ApplicationError.TIMEOUT, "the invocation timed out (callee timer)"
        else:
            uri = record.interrupt.reason or ApplicationError.CANCELED
            text = f"the invocation was interrupted ({record.interrupt.mode or 'no mode'})"
        self._answer_error(record, ApplicationError(uri, text))

    def _answer_error(self, record: InvocationRequest, exc: BaseException,
                      tb: str | None = None) -> None:
        if not self._take(record):
            return
        args, kwargs = self._error_payload(exc, tb)
        attrs = self._reply_encoding(record, args, kwargs, self._error_uri(exc)) or {}
        if attrs:
            args, kwargs = [], {}
        self._machine.invocation_error(record.request_id, self._error_uri(exc), args or None,
                                       kwargs or None, **attrs)
        self._flush_quietly()

    def _reply_error(self, request: int, uri: str, text: str) -> None:
        self._machine.invocation_error(request, uri, [text])
        self._flush_quietly()

    def _reply_encoding(self, record: InvocationRequest, args: Any, kwargs: Any,
                        uri: str | None = None) -> dict[str, Any]:
        """Encode a reply's payload when the invocation came encoded (as Autobahn)."""
        msg = record.invocation
        if msg is None or msg.enc_algo is None:
            return {}
        return self._encode(False, uri or record.procedure, args, kwargs) or {}

    def _on_interrupt(self, msg: Interrupt) -> None:
        record = self._invocations.get(msg.request)
        if record is None:
            return
        record.interrupt = msg
        if record.on_reply is None:  # still collecting the chunks
            self._answer_cancelled(record)
        else:
            self._api.cancel(record.on_reply)

    def _invocation_timed_out(self, record: InvocationRequest) -> None:
        record.timer = None
        if self._invocations.get(record.request_id) is not record:
            return
        record.timed_out = True
        if record.on_reply is None:
            self._answer_cancelled(record)
        else:
            self._api.cancel(record.on_reply)

    def _end_invocations(self) -> None:
        """The session ended: running invocations can no longer be answered."""
        for record in list(self._invocations.values()):
            self._take(record)
        for registration in self._registrations.values():
            registration.active = False
        self._registrations.clear()
