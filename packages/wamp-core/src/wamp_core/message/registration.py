"""Registration messages: REGISTER, REGISTERED, UNREGISTER, UNREGISTERED."""

from __future__ import annotations

from typing import Any

from wamp_core.message._base import Message, check_head, read_details
from wamp_core.message._check import (
    check_bool,
    check_choice,
    check_custom,
    check_forward_for,
    check_id,
    check_id0,
    check_pos_int,
    check_uri,
    check_uri_pattern,
)
from wamp_core.uri import MATCH_EXACT, MATCH_POLICIES, MATCH_PREFIX, MATCH_WILDCARD

__all__ = ["Register", "Registered", "Unregister", "Unregistered"]

INVOKE_SINGLE = "single"
INVOKE_FIRST = "first"
INVOKE_LAST = "last"
INVOKE_ROUNDROBIN = "roundrobin"
INVOKE_RANDOM = "random"
INVOKE_POLICIES = frozenset(
    (INVOKE_SINGLE, INVOKE_FIRST, INVOKE_LAST, INVOKE_ROUNDROBIN, INVOKE_RANDOM)
)


class Register(Message):
    """``REGISTER``: a callee registers a procedure (or a procedure pattern).

    Options: ``match`` (exact, prefix, wildcard), ``invoke`` (single, first,
    last, roundrobin, random), ``concurrency``, ``force_reregister``,
    ``disclose_caller``, ``forward_for``.
    """

    MESSAGE_TYPE = 64
    MATCH_EXACT = MATCH_EXACT
    MATCH_PREFIX = MATCH_PREFIX
    MATCH_WILDCARD = MATCH_WILDCARD
    INVOKE_SINGLE = INVOKE_SINGLE
    INVOKE_FIRST = INVOKE_FIRST
    INVOKE_LAST = INVOKE_LAST
    INVOKE_ROUNDROBIN = INVOKE_ROUNDROBIN
    INVOKE_RANDOM = INVOKE_RANDOM
    _KEYS = (
        ("match", "match"),
        ("invoke", "invoke"),
        ("concurrency", "concurrency"),
        ("force_reregister", "force_reregister"),
        ("disclose_caller", "disclose_caller"),
        ("forward_for", "forward_for"),
    )
    __slots__ = (
        "concurrency",
        "custom",
        "disclose_caller",
        "force_reregister",
        "forward_for",
        "invoke",
        "match",
        "procedure",
        "request",
    )

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
        m = "REGISTER"
        self.request = check_id(request, m, "Request|id")
        self.match = match if match is None else check_choice(match, m, "Options.match",
                                                              MATCH_POLICIES)
        self.procedure = check_uri_pattern(procedure, m, "Procedure|uri", match)
        self.invoke = invoke if invoke is None else check_choice(invoke, m, "Options.invoke",
                                                                 INVOKE_POLICIES)
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

    @classmethod
    def parse(cls, wmsg: list[Any]) -> Register:
        # [REGISTER, Request|id, Options|dict, Procedure|uri]
        check_head(wmsg, 64, "REGISTER", 4, 4)
        kw, custom = read_details(wmsg[2], "REGISTER", "Options|dict", cls._WIRE)
        kw.setdefault("match", MATCH_EXACT)  # the defaults, as Autobahn reports them
        kw.setdefault("invoke", INVOKE_SINGLE)
        return cls(wmsg[1], wmsg[3], custom=custom, **kw)

    def marshal(self) -> list[Any]:
        options = self._options()
        if self.match == MATCH_EXACT:
            del options["match"]  # defaults are not sent
        if self.invoke == INVOKE_SINGLE:
            del options["invoke"]
        return [64, self.request, options, self.procedure]


class Registered(Message):
    """``REGISTERED``: the dealer acknowledges a registration."""

    MESSAGE_TYPE = 65
    __slots__ = ("registration", "request")

    def __init__(self, request: int, registration: int) -> None:
        self.request = check_id(request, "REGISTERED", "REGISTER.Request|id")
        self.registration = check_id(registration, "REGISTERED", "Registration|id")

    @classmethod
    def parse(cls, wmsg: list[Any]) -> Registered:
        # [REGISTERED, REGISTER.Request|id, Registration|id]
        check_head(wmsg, 65, "REGISTERED", 3, 3)
        return cls(wmsg[1], wmsg[2])

    def marshal(self) -> list[Any]:
        return [65, self.request, self.registration]


class Unregister(Message):
    """``UNREGISTER``: a callee ends a registration.

    ``forward_for`` travels in an Options dict after the registration ID
    (Autobahn's router-to-router extension).
    """

    MESSAGE_TYPE = 66
    _KEYS = (("forward_for", "forward_for"),)
    __slots__ = ("custom", "forward_for", "registration", "request")

    def __init__(
        self,
        request: int,
        registration: int,
        forward_for: list[dict[str, Any]] | None = None,
        *,
        custom: dict[str, Any] | None = None,
    ) -> None:
        m = "UNREGISTER"
        self.request = check_id(request, m, "Request|id")
        self.registration = check_id(registration, m, "REGISTERED.Registration|id")
        self.forward_for = (forward_for if forward_for is None
                            else check_forward_for(forward_for, m, "Options.forward_for"))
        self.custom = custom if custom is None else check_custom(custom, m, "Options")

    @classmethod
    def parse(cls, wmsg: list[Any]) -> Unregister:
        # [UNREGISTER, Request|id, REGISTERED.Registration|id]
        # [UNREGISTER, Request|id, REGISTERED.Registration|id, Options|dict]  (Autobahn)
        check_head(wmsg, 66, "UNREGISTER", 3, 4)
        if len(wmsg) == 3:
            return cls(wmsg[1], wmsg[2])
        kw, custom = read_details(wmsg[3], "UNREGISTER", "Options|dict", cls._WIRE)
        return cls(wmsg[1], wmsg[2], custom=custom, **kw)

    def marshal(self) -> list[Any]:
        options = self._options()
        if options:
            return [66, self.request, self.registration, options]
        return [66, self.request, self.registration]


class Unregistered(Message):
    """``UNREGISTERED``: the dealer acknowledges an unregister, or revokes a registration.

    On revocation (advanced profile) the request is 0 and the Details name the
    ``registration`` and the ``reason``.
    """

    MESSAGE_TYPE = 67
    _KEYS = (("registration", "registration"), ("reason", "reason"))
    __slots__ = ("reason", "registration", "request")

    def __init__(
        self, request: int, registration: int | None = None, reason: str | None = None
    ) -> None:
        m = "UNREGISTERED"
        self.request = check_id0(request, m, "UNREGISTER.Request|id")
        self.registration = (registration if registration is None
                             else check_id(registration, m, "Details.registration"))
        self.reason = reason if reason is None else check_uri(reason, m, "Details.reason")
        if request == 0 and registration is None:
            check_id(registration, m, "Details.registration")  # a revocation names it

    @classmethod
    def parse(cls, wmsg: list[Any]) -> Unregistered:
        # [UNREGISTERED, UNREGISTER.Request|id]
        # [UNREGISTERED, UNREGISTER.Request|id, Details|dict]  (revocation: Request 0)
        check_head(wmsg, 67, "UNREGISTERED", 2, 3)
        if len(wmsg) == 2:
            return cls(wmsg[1])
        kw, _ = read_details(wmsg[2], "UNREGISTERED", "Details|dict", cls._WIRE)
        return cls(wmsg[1], **kw)

    def marshal(self) -> list[Any]:
        details = self._options()
        if details:
            return [67, self.request, details]
        return [67, self.request]
