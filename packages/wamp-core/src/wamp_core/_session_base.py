"""The parts of ApplicationSession every role shares.

Identity properties, the txaio API of the instance, calling user code safely,
sending what the session machine queued, errors <-> ERROR messages
(``define``, ``@wamp.error``), payload codecs, and client-side timers.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from wamp_core.exception import (
    ApplicationError,
    PayloadExceededError,
    SerializationError,
    TransportLost,
)
from wamp_core.log import make_logger
from wamp_core.message import Error, Invocation, Message, Yield
from wamp_core.observable import (
    ObservableMixin,
    TxaioApi,
    call_as_future,
    call_now,
    failure_value,
)
from wamp_core.session import SessionMachine
from wamp_core.types import EncodedPayload, SessionDetails
from wamp_core.uri import check_or_raise_uri

__all__ = ["VALID_URIS", "BaseSession", "call_with_payload", "check_uri_once"]

_INVOCATION = Invocation.MESSAGE_TYPE


VALID_URIS: dict[str, None] = {}
"""Procedures and topics ``call()`` and ``publish()`` found valid (loose rule, exact match),
so the next call tests one dict; bounded (cleared when full)."""
_VALID_URIS_LIMIT = 4096


def check_uri_once(uri: Any, what: str) -> None:
    """Check ``uri`` (raise ``InvalidUriError`` naming ``what``) and remember it is valid."""
    check_or_raise_uri(uri, message=what)
    if len(VALID_URIS) >= _VALID_URIS_LIMIT:
        VALID_URIS.clear()
    VALID_URIS[uri] = None


_PLAIN_RESULTS = frozenset({type(None), bool, int, float, str, bytes, list, dict, tuple})
"""Results that are never awaitable (``observable.call_now`` skips the check for them too)."""


def call_with_payload(api: TxaioApi, fn: Callable[..., Any], args: Sequence[Any] | None,
                      kwargs: dict[str, Any] | None) -> tuple[bool, Any]:
    """``observable.call_now(api, fn, *args, **kwargs)`` for a message's own arguments
    (``None`` for none), without packing them again: the endpoints and handlers that take
    nothing else are called this way, once per invocation or event."""
    try:
        result = fn(*(args or ()), **kwargs) if kwargs else fn(*args) if args else fn()
    except Exception:
        failed = api.create_future()
        api.reject(failed, api.create_failure())
        return False, failed
    if type(result) in _PLAIN_RESULTS:
        return True, result
    return call_now(api, _same, result)


def _same(value: Any) -> Any:
    return value


def _agent() -> str:
    from wamp_core.__about__ import __version__

    return f"wamp-core-{__version__}"


def is_method_or_function(obj: Any) -> bool:
    return inspect.ismethod(obj) or inspect.isfunction(obj)


def is_cancellation(exc: BaseException) -> bool:
    """Whether ``exc`` is asyncio's or Twisted's CancelledError (without importing either)."""
    return type(exc).__name__ == "CancelledError"


class BaseSession(ObservableMixin):
    """Identity, error mapping, payload codec and plumbing; see the module text."""

    VALID_EVENTS: ClassVar[tuple[str, ...]] = ("join", "leave", "ready", "connect", "disconnect")

    def __init__(self) -> None:
        self.log = make_logger("wamp_core.protocol")
        self.set_valid_events(self.VALID_EVENTS)
        self.traceback_app = False
        """Send the traceback of an endpoint's exception in the ERROR (``kwargs.traceback``)."""
        self._ecls_to_uri_pat: dict[type, list[Any]] = {}
        self._uri_to_ecls: dict[str, type] = {
            ApplicationError.INVALID_PAYLOAD: SerializationError,
            ApplicationError.PAYLOAD_SIZE_EXCEEDED: PayloadExceededError,
        }
        self._transport: Any = None
        self._realm: str | None = None
        self._session_id: int | None = None
        self._authid: str | None = None
        self._authrole: str | None = None
        self._authmethod: str | None = None
        self._authprovider: str | None = None
        self._authextra: dict[str, Any] | None = None
        self._session_details: SessionDetails | None = None
        self._payload_codec: Any = None
        self._machine = SessionMachine(agent=_agent())
        self._txaio = self._create_txaio()

    # -- the txaio API ---------------------------------------------------------

    def _create_txaio(self) -> TxaioApi | None:
        """The txaio API object of a new session; the framework subclasses return theirs
        (``txaio.aio.with_config(loop=...)``, a Twisted one). ``None`` here: whoever
        makes the session sets ``session._txaio`` (a Component does)."""
        return None

    @property
    def _api(self) -> TxaioApi:
        api = self._txaio
        if api is None:
            raise RuntimeError(
                f"{type(self).__name__} has no txaio API: use the ApplicationSession of "
                "wamp_asyncio.wamp or wamp_twisted.wamp, or set session._txaio (e.g. "
                "txaio.aio.with_config(loop=loop)) before the transport opens")
        return api

    def type_check(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """``func`` wrapped to check its arguments against its type hints (Autobahn's name)."""
        from wamp_core.decorators import type_check

        return type_check(func)

    # -- identity ----------------------------------------------------------------

    @property
    def transport(self) -> Any:
        """The WAMP transport (an ``ITransport``), or ``None``."""
        return self._transport

    @property
    def session_details(self) -> SessionDetails | None:
        return self._session_details

    @property
    def realm(self) -> str | None:
        return self._realm

    @property
    def session_id(self) -> int | None:
        return self._session_id

    @property
    def authid(self) -> str | None:
        return self._authid

    @property
    def authrole(self) -> str | None:
        return self._authrole

    @property
    def authmethod(self) -> str | None:
        return self._authmethod

    @property
    def authprovider(self) -> str | None:
        return self._authprovider

    @property
    def authextra(self) -> dict[str, Any] | None:
        return self._authextra

    @property
    def router_roles(self) -> dict[str, dict[str, Any]]:
        """The roles and features the router announced in WELCOME (``{}`` before)."""
        return self._machine.router_roles.as_dict()

    def is_connected(self) -> bool:
        """Whether the transport is open."""
        return self._transport is not None and bool(self._transport.isOpen())

    def is_attached(self) -> bool:
        """Whether the session is joined to a realm (and the transport open)."""
        return self._session_id is not None and self.is_connected()

    # -- user code ----------------------------------------------------------------

    def onUserError(self, fail: Any, msg: str) -> None:
        """User code raised: log it (an ``ApplicationError`` as a warning, anything else
        as an error with its traceback). Override to report errors elsewhere."""
        exc = failure_value(fail)
        if isinstance(exc, ApplicationError):
            self.log.warn('{klass}.onUserError(): "{msg}"', klass=type(self).__name__,
                          msg=exc.error_message())
            return
        self.log.error('{klass}.onUserError(): "{msg}"\n{traceback}', klass=type(self).__name__,
                       msg=msg, traceback=self._traceback_of(fail))

    def _traceback_of(self, fail: Any) -> str:
        api = self._txaio
        formatter = getattr(api, "failure_format_traceback", None)
        if formatter is not None and not isinstance(fail, BaseException):
            return str(formatter(fail))
        import traceback

        exc = failure_value(fail)
        return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))

    def _swallow_error(self, fail: Any, msg: str) -> None:
        """Report an error of user code through onUserError, never letting it escape."""
        try:
            self.onUserError(fail, msg)
        except Exception as exc:
            self.log.failure("onUserError() itself raised: {error!r}", failure=exc, error=exc)

    def _call_user(self, what: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call user code; a future of its result whose failure is reported and swallowed."""
        api = self._api
        future = call_as_future(api, fn, *args, **kwargs)

        def report(fail: Any) -> None:
            self._swallow_error(fail, f"While {what}")
            return None

        api.add_callbacks(future, None, report)
        return future

    def _then(self, future: Any, what: str | None, fn: Callable[..., Any], *args: Any) -> Any:
        """Run ``fn(*args)`` (maybe asynchronous) once ``future`` is done, either way.

        A future of ``fn``'s result that never fails: an error of ``fn`` is reported
        through onUserError (``what`` says where), or only logged at debug level
        when ``what`` is None (for ``fire()``, which logs its handlers' errors).
        """
        api = self._api
        done = api.create_future()

        def run(_: Any) -> None:
            if what is None:
                inner = call_as_future(api, fn, *args)
            else:
                inner = self._call_user(what, fn, *args)
            api.add_callbacks(inner, lambda r: _resolve(api, done, r),
                              lambda f: _resolve(api, done, None))

        api.add_callbacks(future, run, run)
        return done

    def _resolve(self, future: Any, value: Any) -> None:
        """Resolve ``future`` with ``value`` unless it is done (cancelled); the framework
        sessions do it without txaio's layers."""
        api = self._api
        if not api.is_called(future):
            api.resolve(future, value)

    # -- gathering (register(obj), subscribe(obj)) ------------------------------------

    def _gather(self, futures: list[Any]) -> Any:
        """A Deferred/Future of the list of results; a failure is its exception in the list."""
        api = self._api
        gathered = api.create_future()
        results: list[Any] = [None] * len(futures)
        remaining = [len(futures)]

        def settle(index: int, value: Any) -> None:
            results[index] = value
            remaining[0] -= 1
            if remaining[0] == 0 and not api.is_called(gathered):
                api.resolve(gathered, results)

        def watch(index: int, future: Any) -> None:
            def ok(value: Any) -> None:
                settle(index, value)

            def failed(fail: Any) -> None:
                settle(index, failure_value(fail))

            api.add_callbacks(future, ok, failed)

        for index, future in enumerate(futures):
            watch(index, future)
        if not futures:
            api.resolve(gathered, results)
        return gathered

    # -- sending ----------------------------------------------------------------------

    def _flush(self) -> None:
        """Send what the machine queued, one message at a time (a send may queue more).
        A YIELD or an invocation ERROR whose payload cannot be serialized becomes an ERROR
        naming the problem; other send errors raise (what was not sent stays queued)."""
        out = self._machine.outgoing
        while out:
            message = out.pop(0)
            transport = self._transport
            if transport is None:
                out.clear()
                raise TransportLost(f"cannot send {type(message).__name__}: no transport")
            try:
                transport.send(message)
            except (SerializationError, PayloadExceededError) as exc:
                if not _is_invocation_reply(message):
                    raise
                transport.send(_payload_error(message, exc))

    def _flush_request(self, request: int) -> None:
        """Send a request just queued; if it cannot be sent, forget it and raise."""
        try:
            self._flush()
        except Exception:
            self._machine.discard(request)
            raise

    def _flush_quietly(self) -> None:
        """Send what is queued, logging (not raising) a failure: for replies from callbacks."""
        if not self._machine.outgoing:
            return
        try:
            self._flush()
        except Exception as exc:
            self.log.debug("could not send: {error!r}", error=exc)

    # -- errors <-> ERROR messages --------------------------------------------------------

    def define(self, exception: type[BaseException], error: str | None = None) -> None:
        """Map an exception class to a WAMP error URI, both ways.

        Without ``error`` the class must carry its URI (``@wamp.error(uri)``, or a
        ``wamp_error_uri`` attribute such as ``wamp_core.exception.NotAuthorized``).
        """
        from wamp_core.decorators import Pattern

        if not (isinstance(exception, type) and issubclass(exception, BaseException)):
            raise TypeError(f"define() needs an exception class, not {exception!r}")
        patterns = exception.__dict__.get("_wampuris")
        if error is None:
            if patterns:
                self._ecls_to_uri_pat[exception] = patterns
                self._uri_to_ecls[patterns[0].uri()] = exception
                return
            uri = getattr(exception, "wamp_error_uri", None)
            if not isinstance(uri, str):
                raise RuntimeError(f"cannot define WAMP exception from {exception.__name__}: "
                                   "no @wamp.error decoration and no error URI given")
            error = uri
        elif patterns:
            raise RuntimeError(f"cannot define WAMP exception {exception.__name__}: the error "
                               "URI is given, but the class is decorated with @wamp.error")
        self._ecls_to_uri_pat[exception] = [Pattern(error, Pattern.URI_TARGET_EXCEPTION)]
        self._uri_to_ecls[error] = exception

    def _error_uri(self, exc: BaseException) -> str:
        if isinstance(exc, ApplicationError):
            return exc.error
        for cls in type(exc).__mro__:
            patterns = self._ecls_to_uri_pat.get(cls) or cls.__dict__.get("_wampuris")
            if patterns:
                return str(patterns[0].uri())
            uri = cls.__dict__.get("wamp_error_uri")
            if isinstance(uri, str):
                return uri
        return "wamp.error.runtime_error"

    def _error_payload(self, exc: BaseException,
                       tb: str | None) -> tuple[list[Any], dict[str, Any]]:
        args = list(exc.args)
        kwargs = dict(getattr(exc, "kwargs", None) or {})
        if tb:
            kwargs["traceback"] = tb
        return args, kwargs

    def _exception_from_message(self, msg: Error) -> BaseException:
        """The exception for an ERROR: a defined class when its URI is mapped, else
        ``ApplicationError`` (with the callee disclosure of the message). An encoded
        payload is decoded under the error URI, as Autobahn does."""
        args, kwargs, failed = self._decode(True, msg.error, msg)
        if failed is not None:
            return failed
        exc: BaseException | None = None
        ecls = self._uri_to_ecls.get(msg.error)
        if ecls is not None:
            try:
                exc = ecls(*(args or ()), **(kwargs or {}))
            except Exception:
                self._swallow_error(self._api.create_failure(),
                                    "While re-constructing exception")
        if exc is None:
            exc = ApplicationError(msg.error, *(args or ()), **(kwargs or {}))
        for name in ("callee", "callee_authid", "callee_authrole", "forward_for", "enc_algo"):
            if hasattr(exc, name):
                setattr(exc, name, getattr(msg, name))
        return exc

    # -- payload codec (payload transparency / end-to-end encryption) ---------------

    def set_payload_codec(self, payload_codec: Any) -> None:
        """Encode application payloads with an ``IPayloadCodec`` (``None``: plain)."""
        self._payload_codec = payload_codec

    def get_payload_codec(self) -> Any:
        return self._payload_codec

    def _encode(self, is_originating: bool, uri: str, args: Any, kwargs: Any
                ) -> dict[str, Any] | None:
        """Message keywords for an encoded payload, or ``None`` to send it plain."""
        codec = self._payload_codec
        if codec is None:
            return None
        encoded = codec.encode(is_originating, uri, list(args) if args else None,
                               kwargs or None)
        if encoded is None:
            return None
        return {"payload": encoded.payload, "enc_algo": encoded.enc_algo,
                "enc_key": encoded.enc_key, "enc_serializer": encoded.enc_serializer}

    def _decode(self, is_originating: bool, uri: str, msg: Any
                ) -> tuple[Any, Any, ApplicationError | None]:
        """``(args, kwargs, failure)`` of a message, decoded when it carries ``enc_algo``."""
        if msg.enc_algo is None:
            return msg.args, msg.kwargs, None
        codec = self._payload_codec
        if codec is None:
            text = f"received a payload encoded with {msg.enc_algo}, but no payload codec is set"
            self.log.warn(text)
            return None, None, ApplicationError(ApplicationError.ENC_NO_PAYLOAD_CODEC, text,
                                                enc_algo=msg.enc_algo)
        try:
            encoded = EncodedPayload(msg.payload, msg.enc_algo, msg.enc_serializer, msg.enc_key)
            decoded_uri, args, kwargs = codec.decode(is_originating, uri, encoded)
        except Exception as exc:
            text = f"failed to decode the application payload: {exc}"
            self.log.warn(text)
            return None, None, ApplicationError(ApplicationError.ENC_DECRYPT_ERROR, text,
                                                enc_algo=msg.enc_algo)
        if decoded_uri != uri:
            text = (f"URI within the encoded payload ('{decoded_uri}') does not match the "
                    f"envelope ('{uri}')")
            self.log.warn(text)
            return None, None, ApplicationError(ApplicationError.ENC_TRUSTED_URI_MISMATCH, text,
                                                enc_algo=msg.enc_algo)
        return args, kwargs, None

    # -- timers -------------------------------------------------------------------------------

    def _call_later(self, delay: float, fn: Callable[..., Any], *args: Any) -> Any:
        return self._api.call_later(delay, fn, *args)

    @staticmethod
    def _cancel_timer(timer: Any) -> None:
        if timer is None:
            return
        active = getattr(timer, "active", None)
        if callable(active) and not active():
            return  # a Twisted call that already ran
        try:
            timer.cancel()
        except Exception:
            pass


def _resolve(api: TxaioApi, future: Any, value: Any) -> None:
    if not api.is_called(future):
        api.resolve(future, value)


def _is_invocation_reply(message: Message) -> bool:
    """A final YIELD or an ERROR for an invocation (a progressive YIELD raises to its sender)."""
    if isinstance(message, Yield):
        return not message.progress
    return isinstance(message, Error) and message.request_type == _INVOCATION


def _payload_error(message: Any, exc: BaseException) -> Error:
    what = "result" if isinstance(message, Yield) else "error"
    if isinstance(exc, PayloadExceededError):
        uri = ApplicationError.PAYLOAD_SIZE_EXCEEDED
        text = f"the {what} of the invoked procedure exceeds the transport size limit: {exc}"
    else:
        uri = ApplicationError.INVALID_PAYLOAD
        text = f"the {what} of the invoked procedure could not be serialized: {exc}"
    return Error(_INVOCATION, message.request, uri, [text])
