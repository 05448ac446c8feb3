"""wamp_core.types: Autobahn's defaults and str() text, checked arguments, message_attr()."""

from __future__ import annotations

import importlib
import inspect
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from peers import venvs
from peers.clients import parse_result
from wamp_core import types
from wamp_core.types import (
    Accept,
    CallDetails,
    CallOptions,
    CallResult,
    Challenge,
    CloseDetails,
    ComponentConfig,
    Deny,
    EncodedPayload,
    EventDetails,
    HelloDetails,
    HelloReturn,
    PublishOptions,
    RegisterOptions,
    SessionDetails,
    SessionIdent,
    SubscribeOptions,
    TransportDetails,
)

FF = [{"session": 1, "authid": "a", "authrole": "r"}]
FF_TEXT = "[{'session': 1, 'authid': 'a', 'authrole': 'r'}]"


class Handle:
    """Stands for a client-side Subscription or Registration."""

    def __init__(self, handle_id: int = 5) -> None:
        self.id = handle_id

    def __str__(self) -> str:
        return "SUB"


def handler(*args: Any, **kwargs: Any) -> None:
    return None


# -- defaults ------------------------------------------------------------------

# Autobahn|Python 26.10's documented defaults: every keyword of these types is None.
ALL_NONE = [
    ComponentConfig,
    Accept,
    HelloDetails,
    SessionIdent,
    CloseDetails,
    SubscribeOptions,
    PublishOptions,
    RegisterOptions,
    CallOptions,
    TransportDetails,
    SessionDetails,
]


@pytest.mark.parametrize("cls", ALL_NONE, ids=lambda cls: cls.__name__)
def test_keyword_defaults_are_none(cls: type) -> None:
    signature = inspect.signature(cls)
    assert signature.parameters, cls
    obj = cls()
    for name, parameter in signature.parameters.items():
        assert parameter.default is None, name
        assert getattr(obj, name) is None, name


def test_non_none_defaults() -> None:
    assert Deny().reason == "wamp.error.not_authorized"
    assert Deny().message is None
    assert Challenge("wampcra").extra == {}
    assert CloseDetails.REASON_DEFAULT == "wamp.close.normal"
    assert CloseDetails.REASON_TRANSPORT_LOST == "wamp.close.transport_lost"
    assert isinstance(Accept(), HelloReturn) and isinstance(Deny(), HelloReturn)
    assert isinstance(Challenge("x"), HelloReturn)


def test_positional_order_matches_autobahn() -> None:
    expected = {
        ComponentConfig: "realm extra keyring controller shared runner",
        Accept: "realm authid authrole authmethod authprovider authextra",
        Deny: "reason message",
        Challenge: "method extra",
        SessionIdent: "session authid authrole",
        SubscribeOptions: "match details details_arg forward_for get_retained correlation_id "
        "correlation_uri correlation_is_anchor correlation_is_last",
        EventDetails: "subscription publication publisher publisher_authid publisher_authrole "
        "topic retained transaction_hash enc_algo forward_for",
        CallDetails: "registration progress caller caller_authid caller_authrole procedure "
        "transaction_hash enc_algo forward_for",
        EncodedPayload: "payload enc_algo enc_serializer enc_key",
    }
    for cls, names in expected.items():
        assert list(inspect.signature(cls).parameters) == names.split(), cls
    # Our additions come after Autobahn's arguments, so positional calls keep working.
    assert list(inspect.signature(CallOptions).parameters)[-2:] == ["disclose_me", "cancel_mode"]
    assert list(inspect.signature(PublishOptions).parameters)[-1] == "disclose_me"
    assert list(inspect.signature(RegisterOptions).parameters)[-1] == "disclose_caller"


def test_no_mutable_defaults_anywhere() -> None:
    for name in types.__all__:
        obj = getattr(types, name)
        if not isinstance(obj, type):
            continue
        for parameter in inspect.signature(obj).parameters.values():
            assert not isinstance(parameter.default, (list, dict, set)), (name, parameter)


def test_challenge_extra_is_not_shared() -> None:
    first, second = Challenge("a"), Challenge("b")
    first.extra["x"] = 1
    assert second.extra == {}


# -- str() reads as Autobahn's -------------------------------------------------

STR_CASES: list[tuple[Any, str]] = [
    (
        ComponentConfig("realm1", {"a": 1}),
        "ComponentConfig(realm=<realm1>, extra={'a': 1}, keyring=None, controller=None, "
        "shared=None, runner=None)",
    ),
    (
        Accept("r", "joe", "user", "wampcra", "static", {"x": 1}),
        "Accept(realm=<r>, authid=<joe>, authrole=<user>, authmethod=wampcra, "
        "authprovider=static, authextra={'x': 1})",
    ),
    (Deny(), "Deny(reason=<wamp.error.not_authorized>, message='None')"),
    (
        Challenge("cryptosign", {"challenge": "ab"}),
        "Challenge(method=cryptosign, extra={'challenge': 'ab'})",
    ),
    (
        HelloDetails("r", ["anonymous"], "joe", "user", {}, {"caller": {}}, 3, True, 4, "tok"),
        "HelloDetails(realm=<r>, authmethods=['anonymous'], authid=<joe>, authrole=<user>, "
        "authextra={}, session_roles={'caller': {}}, pending_session=3, resumable=True, "
        "resume_session=4, resume_token=tok)",
    ),
    (SessionIdent(1, "a", "r"), "SessionIdent(session=1, authid=a, authrole=r)"),
    (
        CloseDetails("wamp.close.normal", "bye"),
        "CloseDetails(reason=<wamp.close.normal>, message='bye')",
    ),
    (
        SubscribeOptions(match="prefix", details=True, get_retained=True, forward_for=FF),
        "SubscribeOptions(match=prefix, details=True, details_arg=details, get_retained=True, "
        f"forward_for={FF_TEXT})",
    ),
    (
        PublishOptions(True, False, 1, "a", ["r"], [2, 3], ["x"], "y", True, FF, "h"),
        "PublishOptions(acknowledge=True, exclude_me=False, exclude=1, exclude_authid=a, "
        "exclude_authrole=['r'], eligible=[2, 3], eligible_authid=['x'], eligible_authrole=y, "
        f"retain=True, transaction_hash=h, forward_for={FF_TEXT})",
    ),
    (
        RegisterOptions("wildcard", "roundrobin", 3, True, FF, True),
        "RegisterOptions(match=wildcard, invoke=roundrobin, concurrency=3, details=True, "
        f"details_arg=details, force_reregister=True, forward_for={FF_TEXT})",
    ),
    (
        CallOptions(None, 2.5, "h", 1, "a", "r", FF, details=True),
        "CallOptions(on_progress=None, timeout=2.5, transaction_hash=h, caller=1, caller_authid=a, "
        f"caller_authrole=r, forward_for={FF_TEXT}, details=True)",
    ),
    (
        CallResult(1, 2, a=3, callee=4, callee_authid="x", callee_authrole="y", enc_algo="cbox"),
        "CallResult(results=(1, 2), kwresults={'a': 3}, enc_algo=cbox, callee=4, "
        "callee_authid=x, callee_authrole=y, forward_for=None)",
    ),
    (
        EventDetails(Handle(), 7, 1, "a", "r", "t", True, "h", "cryptobox"),
        "EventDetails(subscription=SUB, publication=7, publisher=1, publisher_authid=a, "
        "publisher_authrole=r, topic=<t>, retained=True, transaction_hash=h, enc_algo=cryptobox, "
        "forward_for=None)",
    ),
    (
        CallDetails(Handle(), None, 1, "a", "r", "p", "h", "c", FF),
        "CallDetails(registration=SUB, progress=None, caller=1, caller_authid=a, "
        f"caller_authrole=r, procedure=<p>, transaction_hash=h, enc_algo=c, forward_for={FF_TEXT})",
    ),
]


@pytest.mark.parametrize(("obj", "text"), STR_CASES, ids=lambda x: type(x).__name__)
def test_str_reads_as_autobahn(obj: Any, text: str) -> None:
    assert str(obj) == text
    assert repr(obj) == text
    assert f"{obj}" == text


def test_str_shows_our_additions_only_when_set() -> None:
    assert str(CallOptions()).endswith("forward_for=None, details=None)")
    assert str(CallOptions(disclose_me=True, cancel_mode="kill")).endswith(
        "details=None, disclose_me=True, cancel_mode=kill)"
    )
    assert str(PublishOptions(disclose_me=True)).endswith("forward_for=None, disclose_me=True)")
    assert str(RegisterOptions(disclose_caller=True)).endswith(
        "forward_for=None, disclose_caller=True)"
    )


def test_encoded_payload_text_does_not_dump_the_payload() -> None:
    payload = EncodedPayload(b"\x00" * 100, "cryptobox", "cbor", "key1")
    assert str(payload) == (
        "EncodedPayload(payload=<100 bytes>, enc_algo=cryptobox, enc_serializer=cbor, enc_key=key1)"
    )


# -- bad arguments raise, naming the argument ----------------------------------

BAD: list[tuple[Any, type[Exception], str]] = [
    (lambda: ComponentConfig(realm=1), TypeError, "realm"),
    (lambda: ComponentConfig(shared=[]), TypeError, "shared"),
    (lambda: Accept(authextra=[]), TypeError, "authextra"),
    (lambda: Accept(authid=b"joe"), TypeError, "authid"),
    (lambda: Deny(reason=None), TypeError, "reason"),
    (lambda: Challenge(None), TypeError, "method"),
    (lambda: Challenge("x", extra="y"), TypeError, "extra"),
    (lambda: HelloDetails(authmethods="ticket"), TypeError, "authmethods"),
    (lambda: HelloDetails(authmethods=["ticket", 1]), TypeError, "authmethods[1]"),
    (lambda: HelloDetails(pending_session=True), TypeError, "pending_session"),
    (lambda: HelloDetails(resume_session=-1), ValueError, "resume_session"),
    (lambda: SessionIdent(session="1"), TypeError, "session"),
    (lambda: CloseDetails(reason=3), TypeError, "reason"),
    (lambda: SubscribeOptions(match="glob"), ValueError, "match"),
    (lambda: SubscribeOptions(details=1), TypeError, "details"),
    (lambda: SubscribeOptions(details=True, details_arg="d"), ValueError, "details_arg"),
    (lambda: SubscribeOptions(details_arg="not an identifier"), ValueError, "details_arg"),
    (lambda: SubscribeOptions(get_retained="yes"), TypeError, "get_retained"),
    (lambda: SubscribeOptions(forward_for={}), TypeError, "forward_for"),
    (lambda: SubscribeOptions(forward_for=[{"session": 1}]), ValueError, "authid"),
    (lambda: SubscribeOptions(correlation_id=5), TypeError, "correlation_id"),
    (lambda: PublishOptions(acknowledge=1), TypeError, "acknowledge"),
    (lambda: PublishOptions(exclude="1"), TypeError, "exclude"),
    (lambda: PublishOptions(exclude=[1, "2"]), TypeError, "exclude[1]"),
    (lambda: PublishOptions(eligible=2**53 + 1), ValueError, "eligible"),
    (lambda: PublishOptions(eligible=[True]), TypeError, "eligible[0]"),
    (lambda: PublishOptions(exclude_authid=3), TypeError, "exclude_authid"),
    (lambda: PublishOptions(eligible_authrole=["a", None]), TypeError, "eligible_authrole[1]"),
    (lambda: PublishOptions(retain="no"), TypeError, "retain"),
    (lambda: PublishOptions(transaction_hash=1), TypeError, "transaction_hash"),
    (lambda: PublishOptions(disclose_me="y"), TypeError, "disclose_me"),
    (lambda: PublishOptions(forward_for=[{**FF[0], "session": "x"}]), TypeError, "session"),
    (lambda: RegisterOptions(invoke="sticky"), ValueError, "invoke"),
    (lambda: RegisterOptions(match=1), TypeError, "match"),
    (lambda: RegisterOptions(concurrency=0), ValueError, "concurrency"),
    (lambda: RegisterOptions(concurrency=1.5), TypeError, "concurrency"),
    (lambda: RegisterOptions(force_reregister=1), TypeError, "force_reregister"),
    (lambda: RegisterOptions(disclose_caller=0), TypeError, "disclose_caller"),
    (lambda: CallOptions(on_progress=1), TypeError, "on_progress"),
    (lambda: CallOptions(timeout=0), ValueError, "timeout"),
    (lambda: CallOptions(timeout=-2.5), ValueError, "timeout"),
    (lambda: CallOptions(timeout=float("inf")), ValueError, "timeout"),
    (lambda: CallOptions(timeout="5"), TypeError, "timeout"),
    (lambda: CallOptions(timeout=True), TypeError, "timeout"),
    (lambda: CallOptions(caller=1.0), TypeError, "caller"),
    (lambda: CallOptions(caller_authrole=1), TypeError, "caller_authrole"),
    (lambda: CallOptions(details="yes"), TypeError, "details"),
    (lambda: CallOptions(cancel_mode="abort"), ValueError, "cancel_mode"),
    (lambda: CallResult(callee="x"), TypeError, "callee"),
    (lambda: CallResult(enc_algo=1), TypeError, "enc_algo"),
    (lambda: CallResult(forward_for=[1]), TypeError, "forward_for[0]"),
    (lambda: EventDetails(None, 1), TypeError, "subscription"),
    (lambda: EventDetails(Handle(), "1"), TypeError, "publication"),
    (lambda: EventDetails(Handle(), 1, topic=1), TypeError, "topic"),
    (lambda: EventDetails(Handle(), 1, retained=1), TypeError, "retained"),
    (lambda: CallDetails(object()), TypeError, "registration"),
    (lambda: CallDetails(Handle(), progress=1), TypeError, "progress"),
    (lambda: CallDetails(Handle(), procedure=1), TypeError, "procedure"),
    (lambda: EncodedPayload("text", "cryptobox"), TypeError, "payload"),
    (lambda: EncodedPayload(b"", None), TypeError, "enc_algo"),
]


@pytest.mark.parametrize(("make", "exc", "name"), BAD)
def test_bad_argument_raises_naming_it(make: Any, exc: type[Exception], name: str) -> None:
    with pytest.raises(exc) as info:
        make()
    assert name in str(info.value)
    # The message names the class as well, so a log line can be acted on.
    assert str(info.value).split(":")[0] in {
        "ComponentConfig", "Accept", "Deny", "Challenge", "HelloDetails", "SessionIdent",
        "CloseDetails", "SubscribeOptions", "PublishOptions", "RegisterOptions", "CallOptions",
        "CallResult", "EventDetails", "CallDetails", "EncodedPayload",
    }


def test_checks_survive_python_o() -> None:
    """Checks are real exceptions: ``assert`` would vanish under ``python -O``."""
    import wamp_core.types._checks as checks

    assert "assert " not in inspect.getsource(checks)


# -- message_attr() ------------------------------------------------------------


def test_message_attr_of_empty_options_is_empty() -> None:
    for cls in (SubscribeOptions, PublishOptions, RegisterOptions, CallOptions):
        assert cls().message_attr() == {}


def test_subscribe_message_attr() -> None:
    opts = SubscribeOptions("wildcard", True, None, FF, True, "cid", "com.x", True, False)
    assert opts.message_attr() == {"match": "wildcard", "get_retained": True, "forward_for": FF}


def test_publish_message_attr_sends_lists() -> None:
    opts = PublishOptions(
        acknowledge=True, exclude_me=False, exclude=1, exclude_authid="a", exclude_authrole=["r"],
        eligible=(2, 3), eligible_authid="x", eligible_authrole="y", retain=True,
        transaction_hash="h", forward_for=FF, correlation_id="c", disclose_me=True,
    )
    assert opts.message_attr() == {
        "acknowledge": True, "exclude_me": False, "exclude": [1], "exclude_authid": ["a"],
        "exclude_authrole": ["r"], "eligible": [2, 3], "eligible_authid": ["x"],
        "eligible_authrole": ["y"], "retain": True, "transaction_hash": "h", "forward_for": FF,
        "disclose_me": True,
    }


def test_register_message_attr_leaves_out_client_side_options() -> None:
    opts = RegisterOptions("prefix", "random", 2, False, FF, True, correlation_uri="u",
                           disclose_caller=True)
    assert opts.message_attr() == {
        "match": "prefix", "invoke": "random", "concurrency": 2, "force_reregister": False,
        "forward_for": FF, "disclose_caller": True,
    }
    assert opts.details_arg == "details"


def test_call_message_attr_timeout_stays_in_seconds() -> None:
    opts = CallOptions(on_progress=handler, timeout=2.5, transaction_hash="h", caller=7,
                       caller_authid="a", caller_authrole="r", forward_for=FF, details=True,
                       disclose_me=True, cancel_mode="killnowait", correlation_is_last=True)
    assert opts.message_attr() == {
        "timeout": 2.5, "receive_progress": True, "transaction_hash": "h", "forward_for": FF,
        "caller": 7, "caller_authid": "a", "caller_authrole": "r", "disclose_me": True,
    }
    assert CallOptions(timeout=3).message_attr() == {"timeout": 3}
    assert opts.cancel_mode == "killnowait"


def test_details_arg_compatibility() -> None:
    assert SubscribeOptions(details=True).details_arg == "details"
    assert SubscribeOptions(details=False).details_arg is None
    assert SubscribeOptions(details_arg="info").details_arg == "info"
    assert RegisterOptions(details_arg="info").details is None


MESSAGE_CASES = [
    ("Subscribe", ("com.t",), SubscribeOptions(match="prefix", get_retained=True, forward_for=FF)),
    (
        "Register",
        ("com.p",),
        RegisterOptions("wildcard", "roundrobin", 3, True, FF, disclose_caller=True),
    ),
    (
        "Publish",
        ("com.t",),
        PublishOptions(True, False, [1], "a", "r", 2, ["x"], "y", True, FF, "hash",
                       disclose_me=True),
    ),
    (
        "Call",
        ("com.p",),
        CallOptions(handler, 2.5, "hash", 1, "a", "r", FF, disclose_me=True, cancel_mode="kill"),
    ),
]


@pytest.mark.parametrize(("name", "args", "options"), MESSAGE_CASES, ids=lambda x: str(x)[:9])
def test_message_attr_feeds_the_message_constructor(name: str, args: tuple[Any, ...],
                                                    options: Any) -> None:
    message = pytest.importorskip(
        "wamp_core.message", reason="wamp_core.message is written by another helper"
    )
    if not hasattr(message, name):
        pytest.skip(f"wamp_core.message.{name} does not exist yet")
    cls = getattr(message, name)
    attrs = options.message_attr()
    msg = cls(1234, *args, **attrs)
    for key, value in attrs.items():
        assert getattr(msg, key) == value, key
    empty = cls(1234, *args, **type(options)().message_attr())
    assert empty.request == 1234


# -- results and details -------------------------------------------------------


def test_call_result_splits_results_from_metadata() -> None:
    result = CallResult(1, "two", total=3, callee=9, callee_authid="c", callee_authrole="r",
                        enc_algo="cryptobox", forward_for=FF)
    assert result.results == (1, "two")
    assert result.kwresults == {"total": 3}
    assert (result.callee, result.callee_authid, result.callee_authrole) == (9, "c", "r")
    assert result.enc_algo == "cryptobox" and result.forward_for == FF
    empty = CallResult()
    assert empty.results == () and empty.kwresults == {}


def test_session_ident_from_details() -> None:
    call = CallDetails(Handle(), caller=9, caller_authid="x", caller_authrole="y")
    assert SessionIdent.from_calldetails(call).marshal() == {
        "session": 9, "authid": "x", "authrole": "y"
    }
    forwarded = EventDetails(Handle(), 1, publisher=2, forward_for=FF)
    assert SessionIdent.from_eventdetails(forwarded).marshal() == FF[0]
    anonymous = SessionIdent.from_eventdetails(EventDetails(Handle(), 1))
    assert anonymous.marshal() == {"session": None, "authid": None, "authrole": None}
    with pytest.raises(TypeError, match="call_details"):
        SessionIdent.from_calldetails(forwarded)  # type: ignore[arg-type]


def test_close_details_marshal() -> None:
    assert CloseDetails("wamp.close.goodbye_and_out", "x").marshal() == {
        "reason": "wamp.close.goodbye_and_out", "message": "x"
    }


def test_call_details_keeps_the_progress_callable() -> None:
    details = CallDetails(Handle(3), progress=handler, procedure="com.a.b")
    assert details.progress is handler and details.registration.id == 3


# -- transport and session details ---------------------------------------------

TLS_UNIQUE = bytes(range(32))


def full_transport() -> TransportDetails:
    return TransportDetails(
        channel_type=TransportDetails.CHANNEL_TYPE_TLS,
        channel_framing=TransportDetails.CHANNEL_FRAMING_WEBSOCKET,
        channel_serializer=TransportDetails.CHANNEL_SERIALIZER_CBOR,
        own="wss://localhost:8080/ws", peer="tcp4:127.0.0.1:38810", is_server=False,
        own_pid=100, own_tid=101, own_fd=7, is_secure=True, channel_id={"tls-unique": TLS_UNIQUE},
        peer_cert={"subject": []}, websocket_protocol="wamp.2.cbor",
        websocket_extensions_in_use=["permessage-deflate"],
        http_headers_received={"host": "localhost"}, http_headers_sent={"server": "x"},
        http_cbtid="cookie",
    )


def test_transport_constants_match_autobahn() -> None:
    td = TransportDetails
    assert list(range(8)) == [
        td.CHANNEL_TYPE_NONE, td.CHANNEL_TYPE_FUNCTION, td.CHANNEL_TYPE_MEMORY,
        td.CHANNEL_TYPE_SERIAL, td.CHANNEL_TYPE_TCP, td.CHANNEL_TYPE_TLS, td.CHANNEL_TYPE_UDP,
        td.CHANNEL_TYPE_DTLS,
    ]
    assert list(range(4)) == [
        td.CHANNEL_FRAMING_NONE, td.CHANNEL_FRAMING_NATIVE, td.CHANNEL_FRAMING_WEBSOCKET,
        td.CHANNEL_FRAMING_RAWSOCKET,
    ]
    assert list(range(6)) == [
        td.CHANNEL_SERIALIZER_NONE, td.CHANNEL_SERIALIZER_JSON, td.CHANNEL_SERIALIZER_MSGPACK,
        td.CHANNEL_SERIALIZER_CBOR, td.CHANNEL_SERIALIZER_UBJSON,
        td.CHANNEL_SERIALIZER_FLATBUFFERS,
    ]
    assert td.CHANNEL_TYPE_FROM_STR["tls"] == 5 and td.CHANNEL_TYPE_TO_STR[2] == "memory"
    assert td.CHANNEL_FRAMING_FROM_STR["rawsocket"] == 3
    assert td.CHANNEL_SERIALIZER_TO_STR[5] == "flatbuffers"


def test_transport_details_round_trip_and_equality() -> None:
    details = full_transport()
    data = details.marshal()
    assert data["channel_type"] == "tls" and data["channel_serializer"] == "cbor"
    assert data["channel_id"] == {"tls-unique": TLS_UNIQUE.hex()}
    again = TransportDetails.parse(data)
    assert again == details
    assert not again.__ne__(details)
    assert again.channel_id == {"tls-unique": TLS_UNIQUE}
    assert details.channel_typeid == "tls-websocket-cbor"
    assert TransportDetails().channel_typeid == "null-null-null"
    assert TransportDetails() != details and details != "details"


def test_transport_details_str_is_pformat_of_marshal() -> None:
    text = str(TransportDetails(4, 2, 1))
    assert text.startswith("{'channel_framing': 'websocket',\n 'channel_id': None,\n")
    assert "'channel_type': 'tcp'," in text and text.endswith("'websocket_protocol': None}")
    assert repr(TransportDetails(4, own="x")) == "TransportDetails(channel_type=4, own='x')"


def test_transport_details_setters_check() -> None:
    details = TransportDetails()
    details.channel_serializer = TransportDetails.CHANNEL_SERIALIZER_JSON
    details.peer = "unix:/tmp/x.sock"
    assert details.channel_typeid == "null-null-json" and details.peer == "unix:/tmp/x.sock"
    with pytest.raises(ValueError, match="channel_type"):
        details.channel_type = 99
    with pytest.raises(TypeError, match="is_secure"):
        details.is_secure = "yes"  # type: ignore[assignment]
    with pytest.raises(ValueError, match="channel_id"):
        details.channel_id = {"tls-unique": b"short"}
    with pytest.raises(ValueError, match="channel_id"):
        details.channel_id = {"tls-unknown": TLS_UNIQUE}
    with pytest.raises(TypeError, match="websocket_extensions_in_use"):
        TransportDetails(websocket_extensions_in_use="permessage-deflate")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"channel_type": "carrier-pigeon"}, "channel_type"),
        ({"channel_framing": 2}, "channel_framing"),
        ({"own_pid": "1"}, "own_pid"),
        ({"is_server": 1}, "is_server"),
        ({"channel_id": {"tls-unique": "zz" * 32}}, "channel_id"),
        ({"channel_id": {"tls-unique": "00" * 31}}, "channel_id"),
        ({"http_headers_sent": ["x"]}, "http_headers_sent"),
    ],
)
def test_transport_details_parse_rejects_bad_data(data: dict[str, Any], key: str) -> None:
    with pytest.raises(ValueError, match=key):
        TransportDetails.parse(data)


def test_session_details_round_trip() -> None:
    details = SessionDetails("realm1", 123, "joe", "user", "anonymous", "static", {"x": 1},
                             "json", full_transport(), False, True, "tok")
    data = details.marshal()
    assert data["transport"]["channel_type"] == "tls"
    assert SessionDetails.parse(data) == details
    assert SessionDetails() != details
    assert str(SessionDetails()).startswith("{'authextra': None,\n 'authid': None,")
    assert repr(SessionDetails("r", 1)) == "SessionDetails(realm='r', session=1)"
    with pytest.raises(ValueError, match="session"):
        SessionDetails.parse({"session": "one"})
    with pytest.raises(TypeError, match="transport"):
        SessionDetails(transport={})  # type: ignore[arg-type]


@settings(max_examples=200)
@given(
    channel_type=st.none() | st.sampled_from(sorted(TransportDetails.CHANNEL_TYPE_TO_STR)),
    serializer=st.none() | st.sampled_from(sorted(TransportDetails.CHANNEL_SERIALIZER_TO_STR)),
    own_pid=st.none() | st.integers(0, 2**31),
    peer=st.none() | st.text(max_size=20),
    channel_id=st.none() | st.binary(min_size=32, max_size=32),
    extensions=st.none() | st.lists(st.text(max_size=10), max_size=3),
)
def test_transport_details_parse_inverts_marshal(channel_type: int | None, serializer: int | None,
                                                 own_pid: int | None, peer: str | None,
                                                 channel_id: bytes | None,
                                                 extensions: list[str] | None) -> None:
    details = TransportDetails(
        channel_type=channel_type, channel_serializer=serializer, own_pid=own_pid, peer=peer,
        channel_id=None if channel_id is None else {"tls-exporter": channel_id},
        websocket_extensions_in_use=extensions,
    )
    assert TransportDetails.parse(details.marshal()) == details


# -- module surface ------------------------------------------------------------


def test_all_names_resolve() -> None:
    for name in types.__all__:
        assert getattr(types, name) is not None
    assert set(types.__all__) >= {
        "Accept", "CallDetails", "CallOptions", "CallResult", "Challenge", "CloseDetails",
        "ComponentConfig", "Deny", "EncodedPayload", "EventDetails", "HelloDetails",
        "HelloReturn", "PublishOptions", "RegisterOptions", "SessionDetails", "SessionIdent",
        "SubscribeOptions", "TransportDetails",
    }


def test_request_handles_are_reexported_lazily() -> None:
    try:
        request = importlib.import_module("wamp_core.request")
    except ImportError:
        with pytest.raises(AttributeError, match=r"wamp_core\.request"):
            types.Subscription  # noqa: B018
    else:
        assert types.Subscription is request.Subscription
        assert types.Registration is request.Registration
        assert types.Publication is request.Publication
    with pytest.raises(AttributeError):
        types.NoSuchThing  # noqa: B018


# -- the same text as Autobahn|Python itself (its venv, from tests/peers) -------------

AUTOBAHN_TYPES_SCRIPT = r"""
import json
from autobahn.wamp import request, types as ab

FF = [{"session": 1, "authid": "a", "authrole": "r"}]


class AbSub(request.Subscription):
    def __init__(self):
        self.id = 5

    def __str__(self):
        return "SUB"


theirs = [
    ab.PublishOptions(True, False, 1, "a", ["r"], [2, 3], ["x"], "y", True, FF, "h"),
    ab.CallOptions(None, 2.5, "h", 1, "a", "r", FF, details=True),
    ab.RegisterOptions("prefix", "first", 2),
    ab.SubscribeOptions("prefix", details=True),
    ab.EventDetails(AbSub(), 7, 1),
    ab.TransportDetails(4, 2, 1, own="x"),
    ab.SessionDetails("r", 1, transport=ab.TransportDetails(4)),
    ab.CallResult(1, a=2),
    ab.Deny(),
    ab.ComponentConfig("realm1"),
]
print("PEER-RESULT " + json.dumps([
    [str(t), t.message_attr() if hasattr(t, "message_attr") else None] for t in theirs]))
"""


@pytest.mark.interop
def test_str_and_message_attr_equal_autobahns(autobahn_venv: venvs.Venv) -> None:
    ours = [
        PublishOptions(True, False, 1, "a", ["r"], [2, 3], ["x"], "y", True, FF, "h"),
        CallOptions(None, 2.5, "h", 1, "a", "r", FF, details=True),
        RegisterOptions("prefix", "first", 2),
        SubscribeOptions("prefix", details=True),
        EventDetails(Handle(), 7, 1),
        TransportDetails(4, 2, 1, own="x"),
        SessionDetails("r", 1, transport=TransportDetails(4)),
        CallResult(1, a=2),
        Deny(),
        ComponentConfig("realm1"),
    ]
    theirs = parse_result(autobahn_venv.run(["-c", AUTOBAHN_TYPES_SCRIPT], timeout=120).output)
    assert len(theirs) == len(ours)
    for (text, attrs), mine in zip(theirs, ours, strict=True):
        assert str(mine) == text
        if attrs is not None:
            assert json.loads(json.dumps(mine.message_attr())) == attrs
