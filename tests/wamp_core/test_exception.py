"""The exception tree and ApplicationError's text, compared with Autobahn's format."""

from __future__ import annotations

import pytest
from wamp_core import exception
from wamp_core.exception import (
    ApplicationError,
    Error,
    InvalidPayload,
    InvalidUri,
    InvalidUriError,
    NotAuthorized,
    PayloadExceededError,
    ProtocolError,
    SerializationError,
    SessionNotReady,
    TransportLost,
    TypeCheckError,
)


def test_tree() -> None:
    for cls in (SessionNotReady, SerializationError, InvalidUriError, ProtocolError,
                TransportLost, ApplicationError):
        assert issubclass(cls, Error)
    assert issubclass(Error, RuntimeError)
    assert issubclass(ProtocolError, ValueError)
    assert issubclass(InvalidUriError, ValueError)
    assert issubclass(PayloadExceededError, SerializationError)
    assert issubclass(TypeCheckError, ApplicationError)
    for cls in (NotAuthorized, InvalidUri, InvalidPayload):
        assert not issubclass(cls, Error)
        assert issubclass(cls, Exception)


def test_user_error_classes_carry_uris() -> None:
    assert NotAuthorized.wamp_error_uri == "wamp.error.not_authorized"
    assert InvalidUri.wamp_error_uri == "wamp.error.invalid_uri"
    assert InvalidPayload.wamp_error_uri == "wamp.error.invalid_payload"


@pytest.mark.parametrize(
    ("name", "uri"),
    [
        ("INVALID_URI", "wamp.error.invalid_uri"),
        ("NO_SUCH_PROCEDURE", "wamp.error.no_such_procedure"),
        ("PROCEDURE_ALREADY_EXISTS", "wamp.error.procedure_already_exists"),
        ("NO_SUCH_REGISTRATION", "wamp.error.no_such_registration"),
        ("NO_SUCH_SUBSCRIPTION", "wamp.error.no_such_subscription"),
        ("INVALID_ARGUMENT", "wamp.error.invalid_argument"),
        ("SYSTEM_SHUTDOWN", "wamp.error.system_shutdown"),
        ("CLOSE_REALM", "wamp.error.close_realm"),
        ("GOODBYE_AND_OUT", "wamp.error.goodbye_and_out"),
        ("CLOSE_SYSTEM_SHUTDOWN", "wamp.close.system_shutdown"),
        ("CLOSE_CLOSE_REALM", "wamp.close.close_realm"),
        ("CLOSE_GOODBYE_AND_OUT", "wamp.close.goodbye_and_out"),
        ("CLOSE_NORMAL", "wamp.close.normal"),
        ("NOT_AUTHORIZED", "wamp.error.not_authorized"),
        ("AUTHORIZATION_FAILED", "wamp.error.authorization_failed"),
        ("AUTHENTICATION_FAILED", "wamp.error.authentication_failed"),
        ("NO_AUTH_METHOD", "wamp.error.no_auth_method"),
        ("NO_MATCHING_AUTH_METHOD", "wamp.error.no_matching_auth_method"),
        ("NO_SUCH_REALM", "wamp.error.no_such_realm"),
        ("NO_SUCH_ROLE", "wamp.error.no_such_role"),
        ("NO_SUCH_PRINCIPAL", "wamp.error.no_such_principal"),
        ("CANCELED", "wamp.error.canceled"),
        ("TIMEOUT", "wamp.error.timeout"),
        ("NO_ELIGIBLE_CALLEE", "wamp.error.no_eligible_callee"),
        ("NO_AVAILABLE_CALLEE", "wamp.error.no_available_callee"),
        ("PAYLOAD_SIZE_EXCEEDED", "wamp.error.payload_size_exceeded"),
        ("FEATURE_NOT_SUPPORTED", "wamp.error.feature_not_supported"),
        ("PROTOCOL_VIOLATION", "wamp.error.protocol_violation"),
        ("NO_SUCH_SESSION", "wamp.error.no_such_session"),
        ("UNAVAILABLE", "wamp.error.unavailable"),
        ("OPTION_NOT_ALLOWED", "wamp.error.option_not_allowed"),
        ("OPTION_DISALLOWED_DISCLOSE_ME", "wamp.error.option_disallowed.disclose_me"),
        ("NETWORK_FAILURE", "wamp.error.network_failure"),
        ("AUTHENTICATION_DENIED", "wamp.error.authentication_denied"),
        ("AUTHENTICATION_REQUIRED", "wamp.error.authentication_required"),
        ("AUTHORIZATION_DENIED", "wamp.error.authorization_denied"),
        ("AUTHORIZATION_REQUIRED", "wamp.error.authorization_required"),
        ("INVALID_PAYLOAD", "wamp.error.invalid_payload"),
        ("TYPE_CHECK_ERROR", "wamp.error.type_check_error"),
    ],
)
def test_standard_uris(name: str, uri: str) -> None:
    assert getattr(ApplicationError, name) == uri


def test_application_error_attributes() -> None:
    e = ApplicationError("com.example.error", 1, "a", foo=2, enc_algo="cryptobox",
                         callee=7, callee_authid="bob", callee_authrole="user",
                         forward_for=[{"session": 1, "authid": "a", "authrole": "r"}])
    assert e.error == "com.example.error"
    assert e.args == (1, "a")
    assert e.kwargs == {"foo": 2}
    assert e.enc_algo == "cryptobox"
    assert (e.callee, e.callee_authid, e.callee_authrole) == (7, "bob", "user")
    assert e.forward_for == [{"session": 1, "authid": "a", "authrole": "r"}]
    assert e.error_message() == "com.example.error: 1 a"


def test_application_error_str_matches_autobahn() -> None:
    e = ApplicationError("com.x.y", 1, "a", foo=2)
    assert str(e) == (
        "ApplicationError(error=<com.x.y>, args=[1, 'a'], kwargs={'foo': 2}, enc_algo=None, "
        "callee=None, callee_authid=None, callee_authrole=None, forward_for=None)"
    )
    assert repr(e) == "ApplicationError(1, 'a')"
    assert repr(ApplicationError("a.b")) == "ApplicationError()"
    assert ApplicationError("a.b").error_message() == "a.b: "


def test_application_error_str_with_traceback() -> None:
    e = ApplicationError("com.x.y", traceback="line 1\nline 2")
    expected = (
        "ApplicationError(error=<com.x.y>, args=[], kwargs={'traceback': '...'}, enc_algo=None, "
        "callee=None, callee_authid=None, callee_authrole=None, forward_for=None):\n"
        "line 1\nline 2\n"
    )
    assert str(e) == expected
    # Printing does not rewrite the payload (Autobahn replaces it with "...").
    assert str(e) == expected
    assert e.kwargs == {"traceback": "line 1\nline 2"}


def test_type_check_error() -> None:
    e = TypeCheckError("bad type", x=1)
    assert e.error == "wamp.error.type_check_error"
    assert e.args == ("bad type",)
    assert str(e).startswith(
        "ApplicationError(error=<wamp.error.type_check_error>, args=['bad type']"
    )


def test_payload_exceeded() -> None:
    e = PayloadExceededError("too big", size=10, limit=5)
    assert (e.size, e.limit, str(e)) == (10, 5, "too big")
    assert e.error == ApplicationError.PAYLOAD_SIZE_EXCEEDED


def test_all_matches_public_names() -> None:
    public = {
        n for n, v in vars(exception).items()
        if not n.startswith("_") and isinstance(v, type) and v.__module__ == exception.__name__
    }
    assert set(exception.__all__) == public


def test_package_reexports_autobahn_wamp_exceptions() -> None:
    import wamp_core

    for name in ("ApplicationError", "Error", "InvalidUri", "ProtocolError",
                 "SerializationError", "SessionNotReady", "TransportLost"):
        assert getattr(wamp_core, name) is getattr(exception, name)
        assert name in wamp_core.__all__
