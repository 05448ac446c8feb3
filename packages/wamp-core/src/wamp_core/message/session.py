"""Session messages: HELLO, WELCOME, ABORT, CHALLENGE, AUTHENTICATE, GOODBYE."""

from __future__ import annotations

from typing import Any

from wamp_core.message._base import Message
from wamp_core.message._check import (
    check_bool,
    check_custom,
    check_dict,
    check_id,
    check_roles,
    check_str,
    check_str_list,
    check_uri,
    fail,
    roles_from_user,
)
from wamp_core.message._table import OPTIONS, Field, Key, slots
from wamp_core.message._wire import check_head, read_details

__all__ = ["Abort", "Authenticate", "Challenge", "Goodbye", "Hello", "Welcome"]

CLIENT_ROLES = frozenset(("publisher", "subscriber", "caller", "callee"))
ROUTER_ROLES = frozenset(("broker", "dealer"))


def _extra(v: Any, msg: str, field: str) -> dict[str, Any]:
    """The Extra dict of CHALLENGE and AUTHENTICATE (None: empty)."""
    return {} if v is None else check_dict(v, msg, field)


_EXTRA = Field("extra", _extra, "Extra|dict")


def _marshal_roles(roles: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {role: ({"features": f} if f else {}) for role, f in roles.items()}


class Hello(Message):
    """``HELLO``: a client asks to join a realm.

    ``roles`` maps role names (publisher, subscriber, caller, callee) to their
    feature dicts; Autobahn-style role feature objects are accepted too and
    stored as dicts.
    """

    # [HELLO, Realm|uri, Details|dict]
    MESSAGE_TYPE = 1
    _DICT = "Details"
    _KEYS = (
        Key("agent", check_str),
        Key("authmethods", check_str_list),
        Key("authid", check_str),
        Key("authrole", check_str),
        Key("authextra", check_dict),
        Key("resumable", check_bool),
        Key("resume_session", check_id, "resume-session"),
        Key("resume_token", check_str, "resume-token"),
    )
    __slots__ = (
        "agent",
        "authextra",
        "authid",
        "authmethods",
        "authrole",
        "custom",
        "realm",
        "resumable",
        "resume_session",
        "resume_token",
        "roles",
    )

    def __init__(
        self,
        realm: str | None,
        roles: Any,
        authmethods: list[str] | None = None,
        authid: str | None = None,
        authrole: str | None = None,
        authextra: dict[str, Any] | None = None,
        resumable: bool | None = None,
        resume_session: int | None = None,
        resume_token: str | None = None,
        *,
        agent: str | None = None,
        custom: dict[str, Any] | None = None,
    ) -> None:
        m = "HELLO"
        self._serialized = None
        self.realm = realm if realm is None else check_uri(realm, m, "Realm|uri")
        self.roles = roles_from_user(roles, m, "Details.roles", CLIENT_ROLES)
        self.authmethods = (authmethods if authmethods is None
                            else check_str_list(authmethods, m, "Details.authmethods"))
        self.authid = authid if authid is None else check_str(authid, m, "Details.authid")
        self.authrole = (authrole if authrole is None
                         else check_str(authrole, m, "Details.authrole"))
        self.authextra = (authextra if authextra is None
                          else check_dict(authextra, m, "Details.authextra"))
        self.resumable = (resumable if resumable is None
                          else check_bool(resumable, m, "Details.resumable"))
        self.resume_session = (resume_session if resume_session is None
                               else check_id(resume_session, m, "Details.resume-session"))
        self.resume_token = (resume_token if resume_token is None
                             else check_str(resume_token, m, "Details.resume-token"))
        if resume_session is not None and resume_token is None:
            fail(m, "Details.resume-token", None, "a string when resume-session is given")
        self.agent = agent if agent is None else check_str(agent, m, "Details.agent")
        self.custom = custom if custom is None else check_custom(custom, m, "Details")

    @classmethod
    def parse(cls, wmsg: list[Any]) -> Hello:
        check_head(wmsg, cls.MESSAGE_TYPE, "HELLO", 3, 3)
        kw, custom = read_details(wmsg[2], "HELLO", "Details|dict", cls._WIRE)
        roles = check_roles(wmsg[2].get("roles"), "HELLO", "Details.roles", CLIENT_ROLES)
        return cls(wmsg[1], roles, custom=custom, **kw)

    def marshal(self) -> list[Any]:
        details = self._options()
        details["roles"] = _marshal_roles(self.roles)
        return [1, self.realm, details]


class Welcome(Message):
    """``WELCOME``: the router accepts the client; the session is open.

    ``custom`` keeps implementation-specific details such as Crossbar.io's
    ``x_cb_node``, ``x_cb_worker``, ``x_cb_peer`` and ``x_cb_pid``.
    """

    # [WELCOME, Session|id, Details|dict]
    MESSAGE_TYPE = 2
    _DICT = "Details"
    _KEYS = (
        Key("realm", check_uri),
        Key("authid", check_str),
        Key("authrole", check_str),
        Key("authmethod", check_str),
        Key("authprovider", check_str),
        Key("authextra", check_dict),
        Key("resumed", check_bool),
        Key("resumable", check_bool),
        Key("resume_token", check_str),
        Key("agent", check_str),
    )
    __slots__ = (
        "agent",
        "authextra",
        "authid",
        "authmethod",
        "authprovider",
        "authrole",
        "custom",
        "realm",
        "resumable",
        "resume_token",
        "resumed",
        "roles",
        "session",
    )

    def __init__(
        self,
        session: int,
        roles: Any,
        realm: str | None = None,
        authid: str | None = None,
        authrole: str | None = None,
        authmethod: str | None = None,
        authprovider: str | None = None,
        authextra: dict[str, Any] | None = None,
        resumed: bool | None = None,
        resumable: bool | None = None,
        resume_token: str | None = None,
        custom: dict[str, Any] | None = None,
        *,
        agent: str | None = None,
    ) -> None:
        m = "WELCOME"
        self._serialized = None
        self.session = check_id(session, m, "Session|id")
        self.roles = roles_from_user(roles, m, "Details.roles", ROUTER_ROLES)
        self.realm = realm if realm is None else check_uri(realm, m, "Details.realm")
        self.authid = authid if authid is None else check_str(authid, m, "Details.authid")
        self.authrole = (authrole if authrole is None
                         else check_str(authrole, m, "Details.authrole"))
        self.authmethod = (authmethod if authmethod is None
                           else check_str(authmethod, m, "Details.authmethod"))
        self.authprovider = (authprovider if authprovider is None
                             else check_str(authprovider, m, "Details.authprovider"))
        self.authextra = (authextra if authextra is None
                          else check_dict(authextra, m, "Details.authextra"))
        self.resumed = resumed if resumed is None else check_bool(resumed, m, "Details.resumed")
        self.resumable = (resumable if resumable is None
                          else check_bool(resumable, m, "Details.resumable"))
        self.resume_token = (resume_token if resume_token is None
                             else check_str(resume_token, m, "Details.resume_token"))
        if resumable and resume_token is None:
            fail(m, "Details.resume_token", None, "a string when resumable is true")
        self.custom = custom if custom is None else check_custom(custom, m, "Details")
        self.agent = agent if agent is None else check_str(agent, m, "Details.agent")

    @classmethod
    def parse(cls, wmsg: list[Any]) -> Welcome:
        check_head(wmsg, cls.MESSAGE_TYPE, "WELCOME", 3, 3)
        kw, custom = read_details(wmsg[2], "WELCOME", "Details|dict", cls._WIRE)
        roles = check_roles(wmsg[2].get("roles"), "WELCOME", "Details.roles", ROUTER_ROLES)
        return cls(wmsg[1], roles, custom=custom, **kw)

    def marshal(self) -> list[Any]:
        details = self._options()
        details["roles"] = _marshal_roles(self.roles)
        return [2, self.session, details]


class Abort(Message):
    """``ABORT``: a peer refuses or ends the opening of a session."""

    # [ABORT, Details|dict, Reason|uri]
    MESSAGE_TYPE = 3
    _HEAD = (OPTIONS, Field("reason", check_uri, "Reason|uri"))
    _DICT = "Details"
    _KEYS = (Key("message", check_str),)
    __slots__ = slots(_HEAD, _KEYS, custom=True)

    reason: str
    message: str | None
    custom: dict[str, Any] | None

    def __init__(
        self, reason: str, message: str | None = None, *, custom: dict[str, Any] | None = None
    ) -> None:
        self._init(reason, message, custom)


class Challenge(Message):
    """``CHALLENGE``: the router asks the client to authenticate with ``method``."""

    # [CHALLENGE, AuthMethod|string, Extra|dict]
    MESSAGE_TYPE = 4
    _HEAD = (Field("method", check_str, "AuthMethod|string"), _EXTRA)
    __slots__ = slots(_HEAD, ())

    method: str
    extra: dict[str, Any]

    def __init__(self, method: str, extra: dict[str, Any] | None = None) -> None:
        self._init(method, extra)


class Authenticate(Message):
    """``AUTHENTICATE``: the client's answer to a CHALLENGE."""

    # [AUTHENTICATE, Signature|string, Extra|dict]
    MESSAGE_TYPE = 5
    _HEAD = (Field("signature", check_str, "Signature|string"), _EXTRA)
    __slots__ = slots(_HEAD, ())

    signature: str
    extra: dict[str, Any]

    def __init__(self, signature: str, extra: dict[str, Any] | None = None) -> None:
        self._init(signature, extra)


class Goodbye(Message):
    """``GOODBYE``: a peer closes the session; the other peer echoes it."""

    # [GOODBYE, Details|dict, Reason|uri]
    MESSAGE_TYPE = 6
    DEFAULT_REASON = "wamp.close.normal"
    """The reason used when none is given (Autobahn's default)."""
    _HEAD = (OPTIONS, Field("reason", check_uri, "Reason|uri"))
    _DICT = "Details"
    _KEYS = (Key("message", check_str), Key("resumable", check_bool))
    __slots__ = slots(_HEAD, _KEYS, custom=True)

    reason: str
    message: str | None
    resumable: bool | None
    custom: dict[str, Any] | None

    def __init__(
        self,
        reason: str = DEFAULT_REASON,
        message: str | None = None,
        resumable: bool | None = None,
        *,
        custom: dict[str, Any] | None = None,
    ) -> None:
        self._init(reason, message, resumable, custom)
