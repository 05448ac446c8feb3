"""Session set-up and tear-down types: configuration, HELLO handling, close details.

``str()`` of each class reads exactly as Autobahn|Python's, field for field.
"""

from __future__ import annotations

from typing import Any, ClassVar

from wamp_core.types._checks import Args
from wamp_core.types._details import CallDetails, EventDetails

__all__ = [
    "Accept",
    "Challenge",
    "CloseDetails",
    "ComponentConfig",
    "Deny",
    "HelloDetails",
    "HelloReturn",
    "SessionIdent",
]


class ComponentConfig:
    """Configuration handed to an application session's constructor.

    :param realm: the realm to join, or ``None`` to let the router pick one.
    :param extra: any object for the application (``session.config.extra``); a dict
        is the usual choice.
    :param keyring: a key ring for payload end-to-end encryption, or ``None``.
    :param controller: a session to a controlling entity, when a host provides one.
    :param shared: a dict shared between components run by the same host.
    :param runner: the ``ApplicationRunner`` running the session, if any.
    """

    _ARGS: ClassVar[Args] = Args("ComponentConfig")
    __slots__ = ("controller", "extra", "keyring", "realm", "runner", "shared")

    def __init__(
        self,
        realm: str | None = None,
        extra: Any = None,
        keyring: Any = None,
        controller: Any = None,
        shared: dict[str, Any] | None = None,
        runner: Any = None,
    ) -> None:
        args = self._ARGS
        self.realm = args.opt_str("realm", realm)
        self.extra = extra
        self.keyring = keyring
        self.controller = controller
        self.shared = args.opt_dict("shared", shared)
        self.runner = runner

    def __str__(self) -> str:
        return (
            f"ComponentConfig(realm=<{self.realm}>, extra={self.extra}, keyring={self.keyring}, "
            f"controller={self.controller}, shared={self.shared}, runner={self.runner})"
        )

    __repr__ = __str__


class HelloReturn:
    """Base of what a router's authenticator answers to a HELLO:
    :class:`Accept`, :class:`Deny` or :class:`Challenge`."""

    __slots__ = ()


class Accept(HelloReturn):
    """Accept a HELLO: the session joins with this identity.

    :param realm: the realm the client joins.
    :param authid: the authentication ID given to the client, e.g. ``"joe"``.
    :param authrole: the role given to the client, e.g. ``"user"``.
    :param authmethod: the method that authenticated the client, e.g. ``"wampcra"``.
    :param authprovider: who authenticated the client, e.g. ``"static"``.
    :param authextra: extra data for ``WELCOME.Details.authextra``.
    """

    _ARGS: ClassVar[Args] = Args("Accept")
    __slots__ = ("authextra", "authid", "authmethod", "authprovider", "authrole", "realm")

    def __init__(
        self,
        realm: str | None = None,
        authid: str | None = None,
        authrole: str | None = None,
        authmethod: str | None = None,
        authprovider: str | None = None,
        authextra: dict[str, Any] | None = None,
    ) -> None:
        args = self._ARGS
        self.realm = args.opt_str("realm", realm)
        self.authid = args.opt_str("authid", authid)
        self.authrole = args.opt_str("authrole", authrole)
        self.authmethod = args.opt_str("authmethod", authmethod)
        self.authprovider = args.opt_str("authprovider", authprovider)
        self.authextra = args.opt_dict("authextra", authextra)

    def __str__(self) -> str:
        return (
            f"Accept(realm=<{self.realm}>, authid=<{self.authid}>, authrole=<{self.authrole}>, "
            f"authmethod={self.authmethod}, authprovider={self.authprovider}, "
            f"authextra={self.authextra})"
        )

    __repr__ = __str__


class Deny(HelloReturn):
    """Deny a HELLO: the router answers with ABORT.

    :param reason: the error URI of the ABORT.
    :param message: a human-readable message for the logs.
    """

    _ARGS: ClassVar[Args] = Args("Deny")
    __slots__ = ("message", "reason")

    def __init__(
        self, reason: str = "wamp.error.not_authorized", message: str | None = None
    ) -> None:
        args = self._ARGS
        self.reason = args.req_str("reason", reason)
        self.message = args.opt_str("message", message)

    def __str__(self) -> str:
        return f"Deny(reason=<{self.reason}>, message='{self.message}')"

    __repr__ = __str__


class Challenge(HelloReturn):
    """Challenge the client (router side) or the challenge received (client side).

    :param method: the authentication method, e.g. ``"wampcra"`` or ``"cryptosign"``.
    :param extra: method-specific data of the challenge; ``None`` gives ``{}``.
    """

    _ARGS: ClassVar[Args] = Args("Challenge")
    __slots__ = ("extra", "method")

    def __init__(self, method: str, extra: dict[str, Any] | None = None) -> None:
        args = self._ARGS
        self.method = args.req_str("method", method)
        checked = args.opt_dict("extra", extra)
        self.extra: dict[str, Any] = checked if checked is not None else {}

    def __str__(self) -> str:
        return f"Challenge(method={self.method}, extra={self.extra})"

    __repr__ = __str__


class HelloDetails:
    """What a router knows of a session that sent HELLO and is not joined yet.

    :param realm: the realm the client asks for.
    :param authmethods: the authentication methods the client offers.
    :param authid: the authid the client asks for.
    :param authrole: the authrole the client asks for.
    :param authextra: method-specific data the client sent.
    :param session_roles: the roles (and their features) the client announced.
    :param pending_session: the session ID the session gets once joined.
    :param resumable: whether the client wants a resumable session.
    :param resume_session: the session the client wants to resume.
    :param resume_token: the token authorising the resumption.
    """

    _ARGS: ClassVar[Args] = Args("HelloDetails")
    __slots__ = (
        "authextra",
        "authid",
        "authmethods",
        "authrole",
        "pending_session",
        "realm",
        "resumable",
        "resume_session",
        "resume_token",
        "session_roles",
    )

    def __init__(
        self,
        realm: str | None = None,
        authmethods: list[str] | None = None,
        authid: str | None = None,
        authrole: str | None = None,
        authextra: dict[str, Any] | None = None,
        session_roles: dict[str, Any] | None = None,
        pending_session: int | None = None,
        resumable: bool | None = None,
        resume_session: int | None = None,
        resume_token: str | None = None,
    ) -> None:
        args = self._ARGS
        self.realm = args.opt_str("realm", realm)
        self.authmethods = args.opt_str_list("authmethods", authmethods)
        self.authid = args.opt_str("authid", authid)
        self.authrole = args.opt_str("authrole", authrole)
        self.authextra = args.opt_dict("authextra", authextra)
        self.session_roles = args.opt_dict("session_roles", session_roles)
        self.pending_session = args.opt_id("pending_session", pending_session)
        self.resumable = args.opt_bool("resumable", resumable)
        self.resume_session = args.opt_id("resume_session", resume_session)
        self.resume_token = args.opt_str("resume_token", resume_token)

    def __str__(self) -> str:
        return (
            f"HelloDetails(realm=<{self.realm}>, authmethods={self.authmethods}, "
            f"authid=<{self.authid}>, authrole=<{self.authrole}>, authextra={self.authextra}, "
            f"session_roles={self.session_roles}, pending_session={self.pending_session}, "
            f"resumable={self.resumable}, resume_session={self.resume_session}, "
            f"resume_token={self.resume_token})"
        )

    __repr__ = __str__


class SessionIdent:
    """Who a session is: its session ID, authid and authrole.

    Unlike Autobahn (which asserts a str ``authrole`` despite its ``None``
    default), every argument may be ``None``: an undisclosed caller has none.
    """

    _ARGS: ClassVar[Args] = Args("SessionIdent")
    __slots__ = ("authid", "authrole", "session")

    def __init__(
        self,
        session: int | None = None,
        authid: str | None = None,
        authrole: str | None = None,
    ) -> None:
        args = self._ARGS
        self.session = args.opt_id("session", session)
        self.authid = args.opt_str("authid", authid)
        self.authrole = args.opt_str("authrole", authrole)

    def __str__(self) -> str:
        return (
            f"SessionIdent(session={self.session}, authid={self.authid}, authrole={self.authrole})"
        )

    __repr__ = __str__

    def marshal(self) -> dict[str, Any]:
        """``{"session", "authid", "authrole"}``."""
        return {"session": self.session, "authid": self.authid, "authrole": self.authrole}

    @staticmethod
    def from_calldetails(call_details: CallDetails) -> SessionIdent:
        """The original caller of an invocation (the first ``forward_for`` hop if any)."""
        if not isinstance(call_details, CallDetails):
            raise Args("SessionIdent.from_calldetails").type_error(
                "call_details", "a CallDetails", call_details
            )
        if call_details.forward_for:
            return SessionIdent._from_hop(call_details.forward_for[0])
        return SessionIdent(
            call_details.caller, call_details.caller_authid, call_details.caller_authrole
        )

    @staticmethod
    def from_eventdetails(event_details: EventDetails) -> SessionIdent:
        """The original publisher of an event (the first ``forward_for`` hop if any)."""
        if not isinstance(event_details, EventDetails):
            raise Args("SessionIdent.from_eventdetails").type_error(
                "event_details", "an EventDetails", event_details
            )
        if event_details.forward_for:
            return SessionIdent._from_hop(event_details.forward_for[0])
        return SessionIdent(
            event_details.publisher,
            event_details.publisher_authid,
            event_details.publisher_authrole,
        )

    @staticmethod
    def _from_hop(hop: dict[str, Any]) -> SessionIdent:
        return SessionIdent(hop["session"], hop["authid"], hop["authrole"])


class CloseDetails:
    """Why a session closed, as given to ``onLeave``.

    :param reason: the close reason URI, e.g. ``"wamp.close.normal"``.
    :param message: the closing message, for the logs.
    """

    REASON_DEFAULT = "wamp.close.normal"
    REASON_TRANSPORT_LOST = "wamp.close.transport_lost"

    _ARGS: ClassVar[Args] = Args("CloseDetails")
    __slots__ = ("message", "reason")

    def __init__(self, reason: str | None = None, message: str | None = None) -> None:
        args = self._ARGS
        self.reason = args.opt_str("reason", reason)
        self.message = args.opt_str("message", message)

    def marshal(self) -> dict[str, Any]:
        """``{"reason", "message"}``."""
        return {"reason": self.reason, "message": self.message}

    def __str__(self) -> str:
        return f"CloseDetails(reason=<{self.reason}>, message='{self.message}')"

    __repr__ = __str__
