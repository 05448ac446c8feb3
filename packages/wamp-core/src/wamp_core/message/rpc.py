"""Remote procedure call messages: CALL, CANCEL, RESULT, INVOCATION, INTERRUPT, YIELD."""

from __future__ import annotations

from typing import Any

from wamp_core.message._base import (
    Message,
    check_app_payload,
    check_head,
    marshal_payload,
    read_details,
    read_payload,
)
from wamp_core.message._check import (
    check_bool,
    check_choice,
    check_custom,
    check_forward_for,
    check_id,
    check_nonneg_int,
    check_number,
    check_str,
    check_uri,
)

__all__ = ["Call", "Cancel", "Interrupt", "Invocation", "Result", "Yield"]

CANCEL_SKIP = "skip"
CANCEL_KILL = "kill"
CANCEL_KILLNOWAIT = "killnowait"
CANCEL_MODES = frozenset((CANCEL_SKIP, CANCEL_KILL, CANCEL_KILLNOWAIT))
INTERRUPT_MODES = frozenset((CANCEL_KILL, CANCEL_KILLNOWAIT))

# Options/Details shared by the messages that carry a callee's identity.
_CALLEE_KEYS = (
    ("progress", "progress"),
    ("callee", "callee"),
    ("callee_authid", "callee_authid"),
    ("callee_authrole", "callee_authrole"),
    ("forward_for", "forward_for"),
)


class Call(Message):
    """``CALL``: a caller calls a procedure.

    Options: ``timeout`` (milliseconds on the wire, stored as given),
    ``receive_progress`` (progressive call results), ``progress`` (a
    progressive call invocation: more CALLs with this request follow),
    ``disclose_me``, ``transaction_hash``, caller identity (``caller``,
    ``caller_authid``, ``caller_authrole``, set by routers forwarding calls),
    ``forward_for``, payload passthru (``payload`` + ``enc_*``).
    """

    MESSAGE_TYPE = 48
    _PASSTHRU = True
    _KEYS = (
        ("timeout", "timeout"),
        ("receive_progress", "receive_progress"),
        ("progress", "progress"),
        ("transaction_hash", "transaction_hash"),
        ("disclose_me", "disclose_me"),
        ("caller", "caller"),
        ("caller_authid", "caller_authid"),
        ("caller_authrole", "caller_authrole"),
        ("forward_for", "forward_for"),
    )
    __slots__ = (
        "args",
        "caller",
        "caller_authid",
        "caller_authrole",
        "custom",
        "disclose_me",
        "enc_algo",
        "enc_cipher",
        "enc_key",
        "enc_serializer",
        "forward_for",
        "kwargs",
        "payload",
        "procedure",
        "progress",
        "receive_progress",
        "request",
        "timeout",
        "transaction_hash",
    )

    def __init__(
        self,
        request: int,
        procedure: str,
        args: list[Any] | tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
        payload: bytes | None = None,
        timeout: int | float | None = None,
        receive_progress: bool | None = None,
        transaction_hash: str | None = None,
        enc_algo: str | None = None,
        enc_key: str | None = None,
        enc_serializer: str | None = None,
        caller: int | None = None,
        caller_authid: str | None = None,
        caller_authrole: str | None = None,
        forward_for: list[dict[str, Any]] | None = None,
        *,
        progress: bool | None = None,
        disclose_me: bool | None = None,
        enc_cipher: str | None = None,
        custom: dict[str, Any] | None = None,
    ) -> None:
        m = "CALL"
        self.request = check_id(request, m, "Request|id")
        self.procedure = check_uri(procedure, m, "Procedure|uri")
        check_app_payload(m, args, kwargs, payload, enc_algo, enc_key, enc_serializer,
                          enc_cipher)
        self.args = args
        self.kwargs = kwargs
        self.payload = payload
        self.enc_algo = enc_algo
        self.enc_key = enc_key
        self.enc_serializer = enc_serializer
        self.enc_cipher = enc_cipher
        self.timeout = timeout if timeout is None else check_number(timeout, m,
                                                                    "Options.timeout")
        self.receive_progress = (
            receive_progress if receive_progress is None
            else check_bool(receive_progress, m, "Options.receive_progress"))
        self.progress = progress if progress is None else check_bool(progress, m,
                                                                     "Options.progress")
        self.transaction_hash = (
            transaction_hash if transaction_hash is None
            else check_str(transaction_hash, m, "Options.transaction_hash"))
        self.disclose_me = (disclose_me if disclose_me is None
                            else check_bool(disclose_me, m, "Options.disclose_me"))
        self.caller = caller if caller is None else check_id(caller, m, "Options.caller")
        self.caller_authid = (caller_authid if caller_authid is None
                              else check_str(caller_authid, m, "Options.caller_authid"))
        self.caller_authrole = (caller_authrole if caller_authrole is None
                                else check_str(caller_authrole, m, "Options.caller_authrole"))
        self.forward_for = (forward_for if forward_for is None
                            else check_forward_for(forward_for, m, "Options.forward_for"))
        self.custom = custom if custom is None else check_custom(custom, m, "Options")

    @classmethod
    def parse(cls, wmsg: list[Any]) -> Call:
        # [CALL, Request|id, Options|dict, Procedure|uri]
        # [CALL, Request|id, Options|dict, Procedure|uri, Arguments|list]
        # [CALL, Request|id, Options|dict, Procedure|uri, Arguments|list, ArgumentsKw|dict]
        check_head(wmsg, 48, "CALL", 4, 6)
        kw, custom = read_details(wmsg[2], "CALL", "Options|dict", cls._WIRE)
        args, kwargs, payload = read_payload(wmsg, 4, "CALL", "enc_algo" in kw)
        return cls(wmsg[1], wmsg[3], args, kwargs, payload, custom=custom, **kw)

    def marshal(self) -> list[Any]:
        options = self._options()
        return marshal_payload([48, self.request, options, self.procedure], options, self)


class Cancel(Message):
    """``CANCEL``: a caller cancels a call; ``mode`` is skip, kill or killnowait.

    Autobahn sends no mode; the dealer then picks its default.
    """

    MESSAGE_TYPE = 49
    SKIP = CANCEL_SKIP
    KILL = CANCEL_KILL
    KILLNOWAIT = CANCEL_KILLNOWAIT
    _KEYS = (("mode", "mode"), ("forward_for", "forward_for"))
    __slots__ = ("custom", "forward_for", "mode", "request")

    def __init__(
        self,
        request: int,
        mode: str | None = None,
        forward_for: list[dict[str, Any]] | None = None,
        *,
        custom: dict[str, Any] | None = None,
    ) -> None:
        m = "CANCEL"
        self.request = check_id(request, m, "CALL.Request|id")
        self.mode = mode if mode is None else check_choice(mode, m, "Options.mode", CANCEL_MODES)
        self.forward_for = (forward_for if forward_for is None
                            else check_forward_for(forward_for, m, "Options.forward_for"))
        self.custom = custom if custom is None else check_custom(custom, m, "Options")

    @classmethod
    def parse(cls, wmsg: list[Any]) -> Cancel:
        # [CANCEL, CALL.Request|id, Options|dict]
        check_head(wmsg, 49, "CANCEL", 3, 3)
        kw, custom = read_details(wmsg[2], "CANCEL", "Options|dict", cls._WIRE)
        return cls(wmsg[1], custom=custom, **kw)

    def marshal(self) -> list[Any]:
        return [49, self.request, self._options()]


class Result(Message):
    """``RESULT``: the dealer returns a call result (``progress``: more results follow).

    Details: ``progress``, callee disclosure, ``forward_for``, payload passthru.
    """

    MESSAGE_TYPE = 50
    _PASSTHRU = True
    _KEYS = _CALLEE_KEYS
    __slots__ = (
        "args",
        "callee",
        "callee_authid",
        "callee_authrole",
        "custom",
        "enc_algo",
        "enc_cipher",
        "enc_key",
        "enc_serializer",
        "forward_for",
        "kwargs",
        "payload",
        "progress",
        "request",
    )

    request: int
    args: list[Any] | tuple[Any, ...] | None
    kwargs: dict[str, Any] | None
    payload: bytes | None
    progress: bool | None
    enc_algo: str | None
    enc_key: str | None
    enc_serializer: str | None
    enc_cipher: str | None
    callee: int | None
    callee_authid: str | None
    callee_authrole: str | None
    forward_for: list[dict[str, Any]] | None
    custom: dict[str, Any] | None

    def __init__(
        self,
        request: int,
        args: list[Any] | tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
        payload: bytes | None = None,
        progress: bool | None = None,
        enc_algo: str | None = None,
        enc_key: str | None = None,
        enc_serializer: str | None = None,
        callee: int | None = None,
        callee_authid: str | None = None,
        callee_authrole: str | None = None,
        forward_for: list[dict[str, Any]] | None = None,
        *,
        enc_cipher: str | None = None,
        custom: dict[str, Any] | None = None,
    ) -> None:
        _init_callee_reply(self, "RESULT", "Details", "CALL.Request|id", request, args, kwargs,
                           payload, progress, enc_algo, enc_key, enc_serializer, callee,
                           callee_authid, callee_authrole, forward_for, enc_cipher, custom)

    @classmethod
    def parse(cls, wmsg: list[Any]) -> Result:
        # [RESULT, CALL.Request|id, Details|dict]
        # [RESULT, CALL.Request|id, Details|dict, YIELD.Arguments|list]
        # [RESULT, CALL.Request|id, Details|dict, YIELD.Arguments|list,
        #     YIELD.ArgumentsKw|dict]
        check_head(wmsg, 50, "RESULT", 3, 5)
        kw, custom = read_details(wmsg[2], "RESULT", "Details|dict", cls._WIRE)
        args, kwargs, payload = read_payload(wmsg, 3, "RESULT", "enc_algo" in kw)
        return cls(wmsg[1], args, kwargs, payload, custom=custom, **kw)

    def marshal(self) -> list[Any]:
        details = self._options()
        return marshal_payload([50, self.request, details], details, self)


class Yield(Message):
    """``YIELD``: a callee returns a result (``progress``: more results follow).

    Options: ``progress``, callee disclosure, ``forward_for``, payload passthru.
    """

    MESSAGE_TYPE = 70
    _PASSTHRU = True
    _KEYS = _CALLEE_KEYS
    __slots__ = (
        "args",
        "callee",
        "callee_authid",
        "callee_authrole",
        "custom",
        "enc_algo",
        "enc_cipher",
        "enc_key",
        "enc_serializer",
        "forward_for",
        "kwargs",
        "payload",
        "progress",
        "request",
    )

    request: int
    args: list[Any] | tuple[Any, ...] | None
    kwargs: dict[str, Any] | None
    payload: bytes | None
    progress: bool | None
    enc_algo: str | None
    enc_key: str | None
    enc_serializer: str | None
    enc_cipher: str | None
    callee: int | None
    callee_authid: str | None
    callee_authrole: str | None
    forward_for: list[dict[str, Any]] | None
    custom: dict[str, Any] | None

    def __init__(
        self,
        request: int,
        args: list[Any] | tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
        payload: bytes | None = None,
        progress: bool | None = None,
        enc_algo: str | None = None,
        enc_key: str | None = None,
        enc_serializer: str | None = None,
        callee: int | None = None,
        callee_authid: str | None = None,
        callee_authrole: str | None = None,
        forward_for: list[dict[str, Any]] | None = None,
        *,
        enc_cipher: str | None = None,
        custom: dict[str, Any] | None = None,
    ) -> None:
        _init_callee_reply(self, "YIELD", "Options", "INVOCATION.Request|id", request, args,
                           kwargs, payload, progress, enc_algo, enc_key, enc_serializer, callee,
                           callee_authid, callee_authrole, forward_for, enc_cipher, custom)

    @classmethod
    def parse(cls, wmsg: list[Any]) -> Yield:
        # [YIELD, INVOCATION.Request|id, Options|dict]
        # [YIELD, INVOCATION.Request|id, Options|dict, Arguments|list]
        # [YIELD, INVOCATION.Request|id, Options|dict, Arguments|list, ArgumentsKw|dict]
        check_head(wmsg, 70, "YIELD", 3, 5)
        kw, custom = read_details(wmsg[2], "YIELD", "Options|dict", cls._WIRE)
        args, kwargs, payload = read_payload(wmsg, 3, "YIELD", "enc_algo" in kw)
        return cls(wmsg[1], args, kwargs, payload, custom=custom, **kw)

    def marshal(self) -> list[Any]:
        options = self._options()
        return marshal_payload([70, self.request, options], options, self)


def _init_callee_reply(
    self: Any, m: str, where: str, request_field: str, request: Any, args: Any, kwargs: Any,
    payload: Any, progress: Any, enc_algo: Any, enc_key: Any, enc_serializer: Any,
    callee: Any, callee_authid: Any, callee_authrole: Any, forward_for: Any,
    enc_cipher: Any, custom: Any,
) -> None:
    """The shared constructor of RESULT and YIELD (same fields, other names)."""
    self.request = check_id(request, m, request_field)
    check_app_payload(m, args, kwargs, payload, enc_algo, enc_key, enc_serializer, enc_cipher)
    self.args = args
    self.kwargs = kwargs
    self.payload = payload
    self.enc_algo = enc_algo
    self.enc_key = enc_key
    self.enc_serializer = enc_serializer
    self.enc_cipher = enc_cipher
    self.progress = progress if progress is None else check_bool(progress, m,
                                                                 f"{where}.progress")
    self.callee = callee if callee is None else check_id(callee, m, f"{where}.callee")
    self.callee_authid = (callee_authid if callee_authid is None
                          else check_str(callee_authid, m, f"{where}.callee_authid"))
    self.callee_authrole = (callee_authrole if callee_authrole is None
                            else check_str(callee_authrole, m, f"{where}.callee_authrole"))
    self.forward_for = (forward_for if forward_for is None
                        else check_forward_for(forward_for, m, f"{where}.forward_for"))
    self.custom = custom if custom is None else check_custom(custom, m, where)


class Invocation(Message):
    """``INVOCATION``: the dealer invokes a registered procedure on a callee.

    Details: ``timeout``, ``receive_progress``, ``progress`` (progressive call
    invocations), caller disclosure (``caller``, ``caller_authid``,
    ``caller_authrole``), ``procedure`` (for pattern registrations),
    ``trustlevel``, ``transaction_hash``, ``forward_for``, payload passthru.
    """

    MESSAGE_TYPE = 68
    _PASSTHRU = True
    _KEYS = (
        ("timeout", "timeout"),
        ("receive_progress", "receive_progress"),
        ("progress", "progress"),
        ("caller", "caller"),
        ("caller_authid", "caller_authid"),
        ("caller_authrole", "caller_authrole"),
        ("procedure", "procedure"),
        ("trustlevel", "trustlevel"),
        ("transaction_hash", "transaction_hash"),
        ("forward_for", "forward_for"),
    )
    __slots__ = (
        "args",
        "caller",
        "caller_authid",
        "caller_authrole",
        "custom",
        "enc_algo",
        "enc_cipher",
        "enc_key",
        "enc_serializer",
        "forward_for",
        "kwargs",
        "payload",
        "procedure",
        "progress",
        "receive_progress",
        "registration",
        "request",
        "timeout",
        "transaction_hash",
        "trustlevel",
    )

    def __init__(
        self,
        request: int,
        registration: int,
        args: list[Any] | tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
        payload: bytes | None = None,
        timeout: int | float | None = None,
        receive_progress: bool | None = None,
        caller: int | None = None,
        caller_authid: str | None = None,
        caller_authrole: str | None = None,
        procedure: str | None = None,
        transaction_hash: str | None = None,
        enc_algo: str | None = None,
        enc_key: str | None = None,
        enc_serializer: str | None = None,
        forward_for: list[dict[str, Any]] | None = None,
        *,
        progress: bool | None = None,
        trustlevel: int | None = None,
        enc_cipher: str | None = None,
        custom: dict[str, Any] | None = None,
    ) -> None:
        m = "INVOCATION"
        self.request = check_id(request, m, "Request|id")
        self.registration = check_id(registration, m, "REGISTERED.Registration|id")
        check_app_payload(m, args, kwargs, payload, enc_algo, enc_key, enc_serializer,
                          enc_cipher)
        self.args = args
        self.kwargs = kwargs
        self.payload = payload
        self.enc_algo = enc_algo
        self.enc_key = enc_key
        self.enc_serializer = enc_serializer
        self.enc_cipher = enc_cipher
        self.timeout = timeout if timeout is None else check_number(timeout, m,
                                                                    "Details.timeout")
        self.receive_progress = (
            receive_progress if receive_progress is None
            else check_bool(receive_progress, m, "Details.receive_progress"))
        self.progress = progress if progress is None else check_bool(progress, m,
                                                                     "Details.progress")
        self.caller = caller if caller is None else check_id(caller, m, "Details.caller")
        self.caller_authid = (caller_authid if caller_authid is None
                              else check_str(caller_authid, m, "Details.caller_authid"))
        self.caller_authrole = (caller_authrole if caller_authrole is None
                                else check_str(caller_authrole, m, "Details.caller_authrole"))
        self.procedure = (procedure if procedure is None
                          else check_uri(procedure, m, "Details.procedure"))
        self.trustlevel = (trustlevel if trustlevel is None
                           else check_nonneg_int(trustlevel, m, "Details.trustlevel"))
        self.transaction_hash = (
            transaction_hash if transaction_hash is None
            else check_str(transaction_hash, m, "Details.transaction_hash"))
        self.forward_for = (forward_for if forward_for is None
                            else check_forward_for(forward_for, m, "Details.forward_for"))
        self.custom = custom if custom is None else check_custom(custom, m, "Details")

    @classmethod
    def parse(cls, wmsg: list[Any]) -> Invocation:
        # [INVOCATION, Request|id, REGISTERED.Registration|id, Details|dict]
        # [INVOCATION, Request|id, REGISTERED.Registration|id, Details|dict,
        #     CALL.Arguments|list]
        # [INVOCATION, Request|id, REGISTERED.Registration|id, Details|dict,
        #     CALL.Arguments|list, CALL.ArgumentsKw|dict]
        check_head(wmsg, 68, "INVOCATION", 4, 6)
        kw, custom = read_details(wmsg[3], "INVOCATION", "Details|dict", cls._WIRE)
        args, kwargs, payload = read_payload(wmsg, 4, "INVOCATION", "enc_algo" in kw)
        return cls(wmsg[1], wmsg[2], args, kwargs, payload, custom=custom, **kw)

    def marshal(self) -> list[Any]:
        details = self._options()
        return marshal_payload([68, self.request, self.registration, details], details, self)


class Interrupt(Message):
    """``INTERRUPT``: the dealer asks a callee to stop an invocation.

    Options: ``mode`` (kill, killnowait), ``reason`` (an error URI, e.g.
    ``wamp.error.canceled`` or ``wamp.error.timeout``), ``forward_for``.
    """

    MESSAGE_TYPE = 69
    KILL = CANCEL_KILL
    KILLNOWAIT = CANCEL_KILLNOWAIT
    _KEYS = (("mode", "mode"), ("reason", "reason"), ("forward_for", "forward_for"))
    __slots__ = ("custom", "forward_for", "mode", "reason", "request")

    def __init__(
        self,
        request: int,
        mode: str | None = None,
        reason: str | None = None,
        forward_for: list[dict[str, Any]] | None = None,
        *,
        custom: dict[str, Any] | None = None,
    ) -> None:
        m = "INTERRUPT"
        self.request = check_id(request, m, "INVOCATION.Request|id")
        self.mode = mode if mode is None else check_choice(mode, m, "Options.mode",
                                                           INTERRUPT_MODES)
        self.reason = reason if reason is None else check_uri(reason, m, "Options.reason")
        self.forward_for = (forward_for if forward_for is None
                            else check_forward_for(forward_for, m, "Options.forward_for"))
        self.custom = custom if custom is None else check_custom(custom, m, "Options")

    @classmethod
    def parse(cls, wmsg: list[Any]) -> Interrupt:
        # [INTERRUPT, INVOCATION.Request|id, Options|dict]
        check_head(wmsg, 69, "INTERRUPT", 3, 3)
        kw, custom = read_details(wmsg[2], "INTERRUPT", "Options|dict", cls._WIRE)
        return cls(wmsg[1], custom=custom, **kw)

    def marshal(self) -> list[Any]:
        return [69, self.request, self._options()]
