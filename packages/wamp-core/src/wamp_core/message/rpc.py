"""Remote procedure call messages: CALL, CANCEL, RESULT, INVOCATION, INTERRUPT, YIELD."""

from __future__ import annotations

from typing import Any

from wamp_core.message._base import Message, PayloadMessage
from wamp_core.message._check import (
    check_bool,
    check_choice,
    check_forward_for,
    check_id,
    check_nonneg_int,
    check_number,
    check_str,
    check_uri,
)
from wamp_core.message._table import OPTIONS, Field, Key, slots

__all__ = ["Call", "Cancel", "Interrupt", "Invocation", "Result", "Yield"]

CANCEL_SKIP = "skip"
CANCEL_KILL = "kill"
CANCEL_KILLNOWAIT = "killnowait"
CANCEL_MODES = frozenset((CANCEL_SKIP, CANCEL_KILL, CANCEL_KILLNOWAIT))
INTERRUPT_MODES = frozenset((CANCEL_KILL, CANCEL_KILLNOWAIT))


def _cancel_mode(v: Any, msg: str, field: str) -> str:
    return check_choice(v, msg, field, CANCEL_MODES)


def _interrupt_mode(v: Any, msg: str, field: str) -> str:
    return check_choice(v, msg, field, INTERRUPT_MODES)


_REQUEST = Field("request", check_id, "Request|id")
_FORWARD_FOR = Key("forward_for", check_forward_for)
# Caller identity, disclosed by the dealer (or set by routers forwarding calls).
_CALLER_KEYS = (
    Key("caller", check_id),
    Key("caller_authid", check_str),
    Key("caller_authrole", check_str),
)


class Call(PayloadMessage):
    """``CALL``: a caller calls a procedure.

    Options: ``timeout`` (milliseconds on the wire, stored as given),
    ``receive_progress`` (progressive call results), ``progress`` (a
    progressive call invocation: more CALLs with this request follow),
    ``disclose_me``, ``transaction_hash``, caller identity (``caller``,
    ``caller_authid``, ``caller_authrole``, set by routers forwarding calls),
    ``forward_for``, payload passthru (``payload`` + ``enc_*``).
    """

    # [CALL, Request|id, Options|dict, Procedure|uri, Arguments|list, ArgumentsKw|dict]
    MESSAGE_TYPE = 48
    _HEAD = (_REQUEST, OPTIONS, Field("procedure", check_uri, "Procedure|uri"))
    _KEYS = (
        Key("timeout", check_number),
        Key("receive_progress", check_bool),
        Key("progress", check_bool),
        Key("transaction_hash", check_str),
        Key("disclose_me", check_bool),
        *_CALLER_KEYS,
        _FORWARD_FOR,
    )
    __slots__ = slots(_HEAD, _KEYS, payload=True, custom=True)

    request: int
    procedure: str
    timeout: int | float | None
    receive_progress: bool | None
    progress: bool | None
    transaction_hash: str | None
    disclose_me: bool | None
    caller: int | None
    caller_authid: str | None
    caller_authrole: str | None

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
        self._init(request, procedure, args, kwargs, payload, timeout, receive_progress,
                   transaction_hash, enc_algo, enc_key, enc_serializer, caller, caller_authid,
                   caller_authrole, forward_for, progress, disclose_me, enc_cipher, custom)


class Cancel(Message):
    """``CANCEL``: a caller cancels a call; ``mode`` is skip, kill or killnowait.

    Autobahn sends no mode; the dealer then picks its default.
    """

    # [CANCEL, CALL.Request|id, Options|dict]
    MESSAGE_TYPE = 49
    SKIP = CANCEL_SKIP
    KILL = CANCEL_KILL
    KILLNOWAIT = CANCEL_KILLNOWAIT
    _HEAD = (Field("request", check_id, "CALL.Request|id"), OPTIONS)
    _KEYS = (Key("mode", _cancel_mode), _FORWARD_FOR)
    __slots__ = slots(_HEAD, _KEYS, custom=True)

    request: int
    mode: str | None
    forward_for: list[dict[str, Any]] | None
    custom: dict[str, Any] | None

    def __init__(
        self,
        request: int,
        mode: str | None = None,
        forward_for: list[dict[str, Any]] | None = None,
        *,
        custom: dict[str, Any] | None = None,
    ) -> None:
        self._init(request, mode, forward_for, custom)


# Options/Details of the messages that return a callee's result.
_CALLEE_KEYS = (
    Key("progress", check_bool),
    Key("callee", check_id),
    Key("callee_authid", check_str),
    Key("callee_authrole", check_str),
    _FORWARD_FOR,
)


class _CalleeReply(PayloadMessage):
    """RESULT and YIELD: the same fields (a call result), under other names."""

    __slots__ = ()
    _KEYS = _CALLEE_KEYS

    request: int
    progress: bool | None
    callee: int | None
    callee_authid: str | None
    callee_authrole: str | None

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
        self._init(request, args, kwargs, payload, progress, enc_algo, enc_key, enc_serializer,
                   callee, callee_authid, callee_authrole, forward_for, enc_cipher, custom)


class Result(_CalleeReply):
    """``RESULT``: the dealer returns a call result (``progress``: more results follow).

    Details: ``progress``, callee disclosure, ``forward_for``, payload passthru.
    """

    # [RESULT, CALL.Request|id, Details|dict, YIELD.Arguments|list, YIELD.ArgumentsKw|dict]
    MESSAGE_TYPE = 50
    _HEAD = (Field("request", check_id, "CALL.Request|id"), OPTIONS)
    _DICT = "Details"
    __slots__ = slots(_HEAD, _CALLEE_KEYS, payload=True, custom=True)


class Yield(_CalleeReply):
    """``YIELD``: a callee returns a result (``progress``: more results follow).

    Options: ``progress``, callee disclosure, ``forward_for``, payload passthru.
    """

    # [YIELD, INVOCATION.Request|id, Options|dict, Arguments|list, ArgumentsKw|dict]
    MESSAGE_TYPE = 70
    _HEAD = (Field("request", check_id, "INVOCATION.Request|id"), OPTIONS)
    __slots__ = slots(_HEAD, _CALLEE_KEYS, payload=True, custom=True)


class Invocation(PayloadMessage):
    """``INVOCATION``: the dealer invokes a registered procedure on a callee.

    Details: ``timeout``, ``receive_progress``, ``progress`` (progressive call
    invocations), caller disclosure (``caller``, ``caller_authid``,
    ``caller_authrole``), ``procedure`` (for pattern registrations),
    ``trustlevel``, ``transaction_hash``, ``forward_for``, payload passthru.
    """

    # [INVOCATION, Request|id, REGISTERED.Registration|id, Details|dict,
    #     CALL.Arguments|list, CALL.ArgumentsKw|dict]
    MESSAGE_TYPE = 68
    _HEAD = (_REQUEST, Field("registration", check_id, "REGISTERED.Registration|id"), OPTIONS)
    _DICT = "Details"
    _KEYS = (
        Key("timeout", check_number),
        Key("receive_progress", check_bool),
        Key("progress", check_bool),
        *_CALLER_KEYS,
        Key("procedure", check_uri),
        Key("trustlevel", check_nonneg_int),
        Key("transaction_hash", check_str),
        _FORWARD_FOR,
    )
    __slots__ = slots(_HEAD, _KEYS, payload=True, custom=True)

    request: int
    registration: int
    timeout: int | float | None
    receive_progress: bool | None
    progress: bool | None
    caller: int | None
    caller_authid: str | None
    caller_authrole: str | None
    procedure: str | None
    trustlevel: int | None
    transaction_hash: str | None

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
        self._init(request, registration, args, kwargs, payload, timeout, receive_progress,
                   caller, caller_authid, caller_authrole, procedure, transaction_hash,
                   enc_algo, enc_key, enc_serializer, forward_for, progress, trustlevel,
                   enc_cipher, custom)


class Interrupt(Message):
    """``INTERRUPT``: the dealer asks a callee to stop an invocation.

    Options: ``mode`` (kill, killnowait), ``reason`` (an error URI, e.g.
    ``wamp.error.canceled`` or ``wamp.error.timeout``), ``forward_for``.
    """

    # [INTERRUPT, INVOCATION.Request|id, Options|dict]
    MESSAGE_TYPE = 69
    KILL = CANCEL_KILL
    KILLNOWAIT = CANCEL_KILLNOWAIT
    _HEAD = (Field("request", check_id, "INVOCATION.Request|id"), OPTIONS)
    _KEYS = (Key("mode", _interrupt_mode), Key("reason", check_uri), _FORWARD_FOR)
    __slots__ = slots(_HEAD, _KEYS, custom=True)

    request: int
    mode: str | None
    reason: str | None
    forward_for: list[dict[str, Any]] | None
    custom: dict[str, Any] | None

    def __init__(
        self,
        request: int,
        mode: str | None = None,
        reason: str | None = None,
        forward_for: list[dict[str, Any]] | None = None,
        *,
        custom: dict[str, Any] | None = None,
    ) -> None:
        self._init(request, mode, reason, forward_for, custom)
