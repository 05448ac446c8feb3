"""Exceptions of wamp_core, with Autobahn|Python's names.

The tree::

    Exception
    ├── Error (RuntimeError)                 base of every WAMP error raised by wamp_core
    │   ├── SessionNotReady                  the session is not joined yet
    │   ├── SerializationError               a payload cannot be (de)serialized
    │   │   └── PayloadExceededError         a serialized message is over a size limit
    │   ├── InvalidUriError (ValueError)     a URI or realm name breaks the URI rules
    │   ├── ProtocolError (ValueError)       a message breaks the WAMP protocol
    │   ├── TransportLost                    the transport is gone or not connected
    │   └── ApplicationError                 an error carrying a WAMP error URI and payload
    │       └── TypeCheckError               ``wamp.error.type_check_error``
    ├── NotAuthorized                        user class mapped to ``wamp.error.not_authorized``
    ├── InvalidUri                           user class mapped to ``wamp.error.invalid_uri``
    └── InvalidPayload                       user class mapped to ``wamp.error.invalid_payload``

``ApplicationError`` holds every error URI the WAMP basic and advanced profiles
define as a class constant, plus the ``wamp.close.*`` reasons used in GOODBYE
and ABORT. Where Autobahn|Python and the current spec disagree about a URI
(the session close reasons), the Autobahn constant keeps Autobahn's value and
the spec's value gets its own ``CLOSE_*`` constant.

``NotAuthorized``, ``InvalidUri`` and ``InvalidPayload`` carry their error URI in
``wamp_error_uri``; the ``@error`` decorator of :mod:`wamp_core.uri` maps them.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "ApplicationError",
    "Error",
    "InvalidPayload",
    "InvalidUri",
    "InvalidUriError",
    "NotAuthorized",
    "PayloadExceededError",
    "ProtocolError",
    "SerializationError",
    "SessionNotReady",
    "TransportLost",
    "TypeCheckError",
]


class Error(RuntimeError):
    """Base class of every WAMP exception raised by wamp_core."""


class SessionNotReady(Error):
    """A WAMP interaction was asked for before the session joined a realm."""


class SerializationError(Error):
    """A message or its application payload could not be serialized or parsed."""


class PayloadExceededError(SerializationError):
    """A serialized message is larger than the limit of the transport or the peer.

    ``size`` is the serialized size in octets and ``limit`` the limit, when known.
    """

    error: ClassVar[str] = "wamp.error.payload_size_exceeded"

    def __init__(self, message: str, size: int | None = None, limit: int | None = None) -> None:
        super().__init__(message)
        self.size = size
        self.limit = limit


class InvalidUriError(Error, ValueError):
    """A URI or realm name does not follow the WAMP URI rules."""


class ProtocolError(Error, ValueError):
    """A WAMP message violates the protocol.

    The text names the message type, the field and the offending value, e.g.
    ``CALL: invalid Request|id 0 (must be an integer in [1, 2**53])``.
    Protocol errors are handled by the session (it aborts); applications do not
    see them.
    """


class TransportLost(Error):
    """The transport under the WAMP session was lost or is not connected."""


class ApplicationError(Error):
    """An error with a WAMP error URI, positional and keyword payload.

    ``ApplicationError(error, *args, **kwargs)``: ``error`` is the error URI,
    ``args`` and ``kwargs`` the payload sent in the ERROR message. The keyword
    arguments ``enc_algo``, ``callee``, ``callee_authid``, ``callee_authrole``
    and ``forward_for`` are taken out of ``kwargs`` and kept as attributes.
    """

    # -- Basic profile: interaction
    INVALID_URI = "wamp.error.invalid_uri"
    """A URI attribute of a message (realm, topic, procedure ...) is not a valid URI."""
    NO_SUCH_PROCEDURE = "wamp.error.no_such_procedure"
    """No procedure is registered under the URI that was called."""
    PROCEDURE_ALREADY_EXISTS = "wamp.error.procedure_already_exists"
    """A procedure is already registered under the URI."""
    PROCEDURE_EXISTS_INVOCATION_POLICY_CONFLICT = (
        "wamp.error.procedure_exists_with_different_invocation_policy"
    )
    """A shared registration exists under the URI with another invocation policy."""
    NO_SUCH_REGISTRATION = "wamp.error.no_such_registration"
    """The registration to unregister is not active."""
    NO_SUCH_SUBSCRIPTION = "wamp.error.no_such_subscription"
    """The subscription to unsubscribe is not active."""
    NO_SUCH_SESSION = "wamp.error.no_such_session"
    """A session ID given to the router does not exist."""
    INVALID_ARGUMENT = "wamp.error.invalid_argument"
    """The arguments of a call (or a published payload) are not acceptable."""
    INVALID_PAYLOAD = "wamp.error.invalid_payload"
    """The application payload could not be serialized or validated."""
    PAYLOAD_SIZE_EXCEEDED = "wamp.error.payload_size_exceeded"
    """A message could not be delivered because of transport payload size limits."""
    PROTOCOL_VIOLATION = "wamp.error.protocol_violation"
    """A peer received a message that breaks the protocol (an ABORT reason)."""

    # -- Session close (Autobahn's values; the spec's current ones are CLOSE_* below)
    SYSTEM_SHUTDOWN = "wamp.error.system_shutdown"
    """The peer shuts down completely (GOODBYE or ABORT reason; Autobahn's URI)."""
    CLOSE_REALM = "wamp.error.close_realm"
    """The peer leaves the realm (GOODBYE reason; Autobahn's URI)."""
    GOODBYE_AND_OUT = "wamp.error.goodbye_and_out"
    """Reply reason acknowledging a GOODBYE (Autobahn's URI)."""
    CLOSE_NORMAL = "wamp.close.normal"
    """Default GOODBYE reason sent by Autobahn|Python and Crossbar.io."""
    CLOSE_SYSTEM_SHUTDOWN = "wamp.close.system_shutdown"
    """The peer shuts down completely (GOODBYE or ABORT reason; spec URI)."""
    CLOSE_CLOSE_REALM = "wamp.close.close_realm"
    """The peer leaves the realm (GOODBYE reason; spec URI)."""
    CLOSE_GOODBYE_AND_OUT = "wamp.close.goodbye_and_out"
    """Reply reason acknowledging a GOODBYE (spec URI, used by Crossbar.io)."""
    CLOSE_TRANSPORT_LOST = "wamp.close.transport_lost"
    """The session ended because its transport was lost (local reason)."""

    # -- Authentication
    NOT_AUTHORIZED = "wamp.error.not_authorized"
    """The session may not perform the join, call, register, publish or subscribe."""
    AUTHORIZATION_FAILED = "wamp.error.authorization_failed"
    """The authorization check itself failed (e.g. a custom authorizer raised)."""
    AUTHORIZATION_DENIED = "wamp.error.authorization_denied"
    """The principal is not authorized to perform the action."""
    AUTHORIZATION_REQUIRED = "wamp.error.authorization_required"
    """The action requires an authorization the principal does not hold."""
    AUTHENTICATION_FAILED = "wamp.error.authentication_failed"
    """Authentication could not run to its end (technical failure)."""
    AUTHENTICATION_DENIED = "wamp.error.authentication_denied"
    """The credentials presented were rejected (e.g. wrong password)."""
    AUTHENTICATION_REQUIRED = "wamp.error.authentication_required"
    """The client did not provide required, non-anonymous credentials."""
    NO_AUTH_METHOD = "wamp.error.no_auth_method"
    """No authentication method the client offered is available (Autobahn's URI)."""
    NO_MATCHING_AUTH_METHOD = "wamp.error.no_matching_auth_method"
    """No authentication method the client offered is accepted (spec URI)."""
    NO_SUCH_REALM = "wamp.error.no_such_realm"
    """The realm to join does not exist (and is not auto-created)."""
    NO_SUCH_ROLE = "wamp.error.no_such_role"
    """The role to authenticate under does not exist on the router."""
    NO_SUCH_PRINCIPAL = "wamp.error.no_such_principal"
    """The authid authenticated for does not exist."""

    # -- Advanced RPC
    CANCELED = "wamp.error.canceled"
    """A dealer or callee canceled a call."""
    TIMEOUT = "wamp.error.timeout"
    """A dealer or callee ended a call that timed out."""
    NO_ELIGIBLE_CALLEE = "wamp.error.no_eligible_callee"
    """Callee exclusion or allow lists left no callee for the call."""
    NO_AVAILABLE_CALLEE = "wamp.error.no_available_callee"
    """Every registered callee answered ``wamp.error.unavailable``."""
    UNAVAILABLE = "wamp.error.unavailable"
    """A callee cannot handle the invocation and asks the dealer to reroute it."""
    FEATURE_NOT_SUPPORTED = "wamp.error.feature_not_supported"
    """The call uses an advanced feature the callee (or caller) does not support."""
    OPTION_NOT_ALLOWED = "wamp.error.option_not_allowed"
    """The router disallows an option of the request."""
    OPTION_DISALLOWED_DISCLOSE_ME = "wamp.error.option_disallowed.disclose_me"
    """The router rejected the request to disclose the caller's or publisher's identity."""
    NETWORK_FAILURE = "wamp.error.network_failure"
    """The router encountered a network failure."""

    # -- Payload passthru / end-to-end encryption (Autobahn)
    ENC_NO_PAYLOAD_CODEC = "wamp.error.no_payload_codec"
    """A payload passthru message arrived but no codec could decode it."""
    ENC_TRUSTED_URI_MISMATCH = "wamp.error.encryption.trusted_uri_mismatch"
    """End-to-end encryption: the trusted URI does not match."""
    ENC_DECRYPT_ERROR = "wamp.error.encryption.decrypt_error"
    """End-to-end encryption: the payload could not be decrypted."""
    TYPE_CHECK_ERROR = "wamp.error.type_check_error"
    """A procedure was called, or a topic published, with arguments of wrong types."""

    def __init__(self, error: str, *args: Any, **kwargs: Any) -> None:
        Exception.__init__(self, *args)
        self.error = error
        self.enc_algo: str | None = kwargs.pop("enc_algo", None)
        self.callee: int | None = kwargs.pop("callee", None)
        self.callee_authid: str | None = kwargs.pop("callee_authid", None)
        self.callee_authrole: str | None = kwargs.pop("callee_authrole", None)
        self.forward_for: list[dict[str, Any]] | None = kwargs.pop("forward_for", None)
        self.kwargs: dict[str, Any] = kwargs

    def error_message(self) -> str:
        """The error URI and the positional arguments: ``"<uri>: arg1 arg2"``."""
        return f"{self.error}: {' '.join(str(a) for a in self.args)}"

    def __str__(self) -> str:
        # Autobahn prints a ``traceback`` keyword argument below the summary and
        # shows it as "..." inside kwargs. Autobahn rewrites self.kwargs to do
        # that; here the text is built without touching kwargs, so printing twice
        # gives the same text and the payload sent on the wire is unchanged.
        kwargs = self.kwargs
        tail = ""
        if kwargs and "traceback" in kwargs:
            tail = f":\n{kwargs['traceback']}\n"
            kwargs = {k: v for k, v in kwargs.items() if k != "traceback"}
            kwargs["traceback"] = "..."
        return (
            f"ApplicationError(error=<{self.error}>, args={list(self.args)}, "
            f"kwargs={kwargs}, enc_algo={self.enc_algo}, callee={self.callee}, "
            f"callee_authid={self.callee_authid}, callee_authrole={self.callee_authrole}, "
            f"forward_for={self.forward_for}){tail}"
        )


class TypeCheckError(ApplicationError):
    """Arguments of a call or a publication do not have the declared types."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(ApplicationError.TYPE_CHECK_ERROR, *args, **kwargs)


class NotAuthorized(Exception):
    """Not authorized to perform the action (``wamp.error.not_authorized``)."""

    wamp_error_uri: ClassVar[str] = ApplicationError.NOT_AUTHORIZED


class InvalidUri(Exception):
    """A topic, procedure or error URI is not a valid WAMP URI (``wamp.error.invalid_uri``)."""

    wamp_error_uri: ClassVar[str] = ApplicationError.INVALID_URI


class InvalidPayload(Exception):
    """The application payload is not valid (``wamp.error.invalid_payload``)."""

    wamp_error_uri: ClassVar[str] = ApplicationError.INVALID_PAYLOAD
