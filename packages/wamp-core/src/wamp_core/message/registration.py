"""Registration messages: REGISTER, REGISTERED, UNREGISTER, UNREGISTERED."""

from __future__ import annotations

from typing import Any

from wamp_core.message._base import Message
from wamp_core.message._check import (
    check_bool,
    check_choice,
    check_custom,
    check_forward_for,
    check_id,
    check_id0,
    check_match,
    check_pos_int,
    check_uri,
    check_uri_pattern,
)
from wamp_core.message._table import OPTIONAL_OPTIONS, OPTIONS, Field, Key, slots
from wamp_core.uri import MATCH_EXACT, MATCH_PREFIX, MATCH_WILDCARD

__all__ = ["Register", "Registered", "Unregister", "Unregistered"]

INVOKE_SINGLE = "single"
INVOKE_FIRST = "first"
INVOKE_LAST = "last"
INVOKE_ROUNDROBIN = "roundrobin"
INVOKE_RANDOM = "random"
INVOKE_POLICIES = frozenset(
    (INVOKE_SINGLE, INVOKE_FIRST, INVOKE_LAST, INVOKE_ROUNDROBIN, INVOKE_RANDOM)
)

_REQUEST = Field("request", check_id, "Request|id")
_FORWARD_FOR = Key("forward_for", check_forward_for)


def _invoke_policy(v: Any, msg: str, field: str) -> str:
    return check_choice(v, msg, field, INVOKE_POLICIES)


class Register(Message):
    """``REGISTER``: a callee registers a procedure (or a procedure pattern).

    Options: ``match`` (exact, prefix, wildcard), ``invoke`` (single, first,
    last, roundrobin, random), ``concurrency``, ``force_reregister``,
    ``disclose_caller``, ``forward_for``.
    """

    # [REGISTER, Request|id, Options|dict, Procedure|uri]
    MESSAGE_TYPE = 64
    MATCH_EXACT = MATCH_EXACT
    MATCH_PREFIX = MATCH_PREFIX
    MATCH_WILDCARD = MATCH_WILDCARD
    INVOKE_SINGLE = INVOKE_SINGLE
    INVOKE_FIRST = INVOKE_FIRST
    INVOKE_LAST = INVOKE_LAST
    INVOKE_ROUNDROBIN = INVOKE_ROUNDROBIN
    INVOKE_RANDOM = INVOKE_RANDOM
    _HEAD = (_REQUEST, OPTIONS, Field("procedure", check_uri, "Procedure|uri"))
    _KEYS = (
        Key("match", check_match),
        Key("invoke", _invoke_policy),
        Key("concurrency", check_pos_int),
        Key("force_reregister", check_bool),
        Key("disclose_caller", check_bool),
        _FORWARD_FOR,
    )
    # Reported by parse() as Autobahn does, not sent.
    _DEFAULTS = (("match", MATCH_EXACT), ("invoke", INVOKE_SINGLE))
    __slots__ = slots(_HEAD, _KEYS, custom=True)

    request: int
    procedure: str
    match: str | None
    invoke: str | None
    concurrency: int | None
    force_reregister: bool | None
    disclose_caller: bool | None
    forward_for: list[dict[str, Any]] | None
    custom: dict[str, Any] | None

    def __init__(
        self,
        request: int,
        procedure: str,
        match: str | None = None,
        invoke: str | None = None,
        concurrency: int | None = None,
        force_reregister: bool | None = None,
        forward_for: list[dict[str, Any]] | None = None,
        *,
        disclose_caller: bool | None = None,
        custom: dict[str, Any] | None = None,
    ) -> None:
        # Not _init(): the procedure is checked against the match policy, after it.
        m = "REGISTER"
        self._serialized = None
        self.request = check_id(request, m, "Request|id")
        self.match = match if match is None else check_match(match, m, "Options.match")
        self.procedure = check_uri_pattern(procedure, m, "Procedure|uri", match)
        self.invoke = invoke if invoke is None else _invoke_policy(invoke, m, "Options.invoke")
        self.concurrency = (concurrency if concurrency is None
                            else check_pos_int(concurrency, m, "Options.concurrency"))
        self.force_reregister = (
            force_reregister if force_reregister is None
            else check_bool(force_reregister, m, "Options.force_reregister"))
        self.disclose_caller = (disclose_caller if disclose_caller is None
                                else check_bool(disclose_caller, m, "Options.disclose_caller"))
        self.forward_for = (forward_for if forward_for is None
                            else check_forward_for(forward_for, m, "Options.forward_for"))
        self.custom = custom if custom is None else check_custom(custom, m, "Options")


class Registered(Message):
    """``REGISTERED``: the dealer acknowledges a registration."""

    # [REGISTERED, REGISTER.Request|id, Registration|id]
    MESSAGE_TYPE = 65
    _HEAD = (Field("request", check_id, "REGISTER.Request|id"),
             Field("registration", check_id, "Registration|id"))
    __slots__ = slots(_HEAD, ())

    request: int
    registration: int

    def __init__(self, request: int, registration: int) -> None:
        self._init(request, registration)


class Unregister(Message):
    """``UNREGISTER``: a callee ends a registration.

    ``forward_for`` travels in an Options dict after the registration ID
    (Autobahn's router-to-router extension).
    """

    # [UNREGISTER, Request|id, REGISTERED.Registration|id]
    # [UNREGISTER, Request|id, REGISTERED.Registration|id, Options|dict]  (Autobahn)
    MESSAGE_TYPE = 66
    _HEAD = (_REQUEST, Field("registration", check_id, "REGISTERED.Registration|id"),
             OPTIONAL_OPTIONS)
    _KEYS = (_FORWARD_FOR,)
    __slots__ = slots(_HEAD, _KEYS, custom=True)

    request: int
    registration: int
    forward_for: list[dict[str, Any]] | None
    custom: dict[str, Any] | None

    def __init__(
        self,
        request: int,
        registration: int,
        forward_for: list[dict[str, Any]] | None = None,
        *,
        custom: dict[str, Any] | None = None,
    ) -> None:
        self._init(request, registration, forward_for, custom)


class Unregistered(Message):
    """``UNREGISTERED``: the dealer acknowledges an unregister, or revokes a registration.

    On revocation (advanced profile) the request is 0 and the Details name the
    ``registration`` and the ``reason``.
    """

    # [UNREGISTERED, UNREGISTER.Request|id]
    # [UNREGISTERED, UNREGISTER.Request|id, Details|dict]  (revocation: Request 0)
    MESSAGE_TYPE = 67
    # A revocation (request 0) must name the registration: that takes the constructor.
    _HEAD = (Field("request", check_id0, "UNREGISTER.Request|id", fast=check_id), OPTIONAL_OPTIONS)
    _DICT = "Details"
    _KEYS = (Key("registration", check_id), Key("reason", check_uri))
    __slots__ = slots(_HEAD, _KEYS)

    request: int
    registration: int | None
    reason: str | None

    def __init__(
        self, request: int, registration: int | None = None, reason: str | None = None
    ) -> None:
        self._init(request, registration, reason)
        if request == 0 and registration is None:  # a revocation names the registration
            check_id(registration, "UNREGISTERED", "Details.registration")
