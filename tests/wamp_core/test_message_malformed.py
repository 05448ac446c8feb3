"""Malformed messages are rejected with a ProtocolError naming the message, field and value."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wamp_core import message
from wamp_core.exception import ProtocolError
from wamp_core.message import (
    Call,
    Cancel,
    Error,
    Event,
    Hello,
    Interrupt,
    Invocation,
    Publish,
    Register,
    Subscribe,
    Unsubscribed,
    Welcome,
    Yield,
)

BIG = 2**53 + 1
ROLES = {"roles": {"caller": {}}}

# (wire message, expected start of the error text, offending value as shown)
MALFORMED: list[tuple[Any, str, str]] = [
    # whole message
    ({}, "invalid WAMP message", "{}"),
    ([], "invalid WAMP message", "[]"),
    ([7, 1], "invalid WAMP message type", "7"),
    (["48", 1, {}, "a.b"], "invalid WAMP message type", "'48'"),
    ([True, "realm", {}], "invalid WAMP message type", "True"),
    ([48.0, 1, {}, "a.b"], "invalid WAMP message type", "48.0"),
    # lengths
    ([48, 1, {}], "CALL: invalid message length", "3"),
    ([48, 1, {}, "a.b", [], {}, 7], "CALL: invalid message length", "7"),
    ([17, 1], "PUBLISHED: invalid message length", "2"),
    ([1, "realm1"], "HELLO: invalid message length", "2"),
    ([35, 1, {}, 3], "UNSUBSCRIBED: invalid message length", "4"),
    # IDs
    ([48, 0, {}, "a.b"], "CALL: invalid Request|id", "0"),
    ([48, -1, {}, "a.b"], "CALL: invalid Request|id", "-1"),
    ([48, BIG, {}, "a.b"], "CALL: invalid Request|id", str(BIG)),
    ([48, True, {}, "a.b"], "CALL: invalid Request|id", "True"),
    ([48, 1.0, {}, "a.b"], "CALL: invalid Request|id", "1.0"),
    ([48, "1", {}, "a.b"], "CALL: invalid Request|id", "'1'"),
    ([2, 0, {"roles": {"broker": {}}}], "WELCOME: invalid Session|id", "0"),
    ([17, 1, 0], "PUBLISHED: invalid Publication|id", "0"),
    ([33, 1, None], "SUBSCRIBED: invalid Subscription|id", "None"),
    ([34, 1, False], "UNSUBSCRIBE: invalid SUBSCRIBED.Subscription|id", "False"),
    ([35, -5], "UNSUBSCRIBED: invalid UNSUBSCRIBE.Request|id", "-5"),
    ([36, 1, BIG, {}], "EVENT: invalid PUBLISHED.Publication|id", str(BIG)),
    ([65, 1, "x"], "REGISTERED: invalid Registration|id", "'x'"),
    ([66, 1, 0], "UNREGISTER: invalid REGISTERED.Registration|id", "0"),
    ([68, 1, 0, {}], "INVOCATION: invalid REGISTERED.Registration|id", "0"),
    ([70, 0, {}], "YIELD: invalid INVOCATION.Request|id", "0"),
    ([49, [1], {}], "CANCEL: invalid CALL.Request|id", "[1]"),
    # dicts
    ([48, 1, [], "a.b"], "CALL: invalid Options|dict", "[]"),
    ([48, 1, {1: True}, "a.b"], "CALL: invalid key in Options|dict", "1"),
    ([36, 1, 2, None], "EVENT: invalid Details|dict", "None"),
    ([6, "details", "a.b"], "GOODBYE: invalid Details|dict", "'details'"),
    ([4, "ticket", []], "CHALLENGE: invalid Extra|dict", "[]"),
    ([5, "sig", {b"k": 1}], "AUTHENTICATE: invalid key in Extra|dict", "b'k'"),
    # URIs
    ([48, 1, {}, "a..b"], "CALL: invalid Procedure|uri", "'a..b'"),
    ([48, 1, {}, ""], "CALL: invalid Procedure|uri", "''"),
    ([48, 1, {}, "a.b "], "CALL: invalid Procedure|uri", "'a.b '"),
    ([48, 1, {}, "a.#b"], "CALL: invalid Procedure|uri", "'a.#b'"),
    ([48, 1, {}, ".a.b"], "CALL: invalid Procedure|uri", "'.a.b'"),
    ([48, 1, {}, 5], "CALL: invalid Procedure|uri", "5"),
    ([16, 1, {}, "a.b."], "PUBLISH: invalid Topic|uri", "'a.b.'"),
    ([32, 1, {}, "a..b"], "SUBSCRIBE: invalid Topic|uri", "'a..b'"),
    ([32, 1, {"match": "prefix"}, "a..b"], "SUBSCRIBE: invalid Topic|uri", "'a..b'"),
    ([64, 1, {"match": "prefix"}, "a. b"], "REGISTER: invalid Procedure|uri", "'a. b'"),
    ([64, 1, {"match": "wildcard"}, "a.#"], "REGISTER: invalid Procedure|uri", "'a.#'"),
    ([8, 48, 1, {}, "bad uri"], "ERROR: invalid Error|uri", "'bad uri'"),
    ([3, {}, None], "ABORT: invalid Reason|uri", "None"),
    ([1, "realm one", ROLES], "HELLO: invalid Realm|uri", "'realm one'"),
    ([2, 1, {"roles": {"broker": {}}, "realm": "a..b"}], "WELCOME: invalid Details.realm",
     "'a..b'"),
    ([69, 1, {"reason": "x y"}], "INTERRUPT: invalid Options.reason", "'x y'"),
    ([36, 1, 2, {"topic": "a..b"}], "EVENT: invalid Details.topic", "'a..b'"),
    ([68, 1, 2, {"procedure": ""}], "INVOCATION: invalid Details.procedure", "''"),
    # options and details
    ([48, 1, {"timeout": -1}, "a.b"], "CALL: invalid Options.timeout", "-1"),
    ([48, 1, {"timeout": True}, "a.b"], "CALL: invalid Options.timeout", "True"),
    ([48, 1, {"timeout": "5"}, "a.b"], "CALL: invalid Options.timeout", "'5'"),
    ([48, 1, {"receive_progress": 1}, "a.b"], "CALL: invalid Options.receive_progress", "1"),
    ([48, 1, {"progress": "yes"}, "a.b"], "CALL: invalid Options.progress", "'yes'"),
    ([48, 1, {"disclose_me": 0}, "a.b"], "CALL: invalid Options.disclose_me", "0"),
    ([48, 1, {"caller": 0}, "a.b"], "CALL: invalid Options.caller", "0"),
    ([48, 1, {"forward_for": {}}, "a.b"], "CALL: invalid Options.forward_for", "{}"),
    ([48, 1, {"forward_for": [{"session": 1}]}, "a.b"],
     "CALL: invalid item in Options.forward_for", "{'session': 1}"),
    ([49, 1, {"mode": "abort"}], "CANCEL: invalid Options.mode", "'abort'"),
    ([49, 1, {"mode": ["kill"]}], "CANCEL: invalid Options.mode", "['kill']"),
    ([69, 1, {"mode": "skip"}], "INTERRUPT: invalid Options.mode", "'skip'"),
    ([16, 1, {"acknowledge": "true"}, "a.b"], "PUBLISH: invalid Options.acknowledge",
     "'true'"),
    ([16, 1, {"exclude": [1, True]}, "a.b"], "PUBLISH: invalid item in Options.exclude",
     "True"),
    ([16, 1, {"exclude": 5}, "a.b"], "PUBLISH: invalid Options.exclude", "5"),
    ([16, 1, {"eligible_authid": ["a", 2]}, "a.b"],
     "PUBLISH: invalid item in Options.eligible_authid", "2"),
    ([16, 1, {"retain": None, "exclude_authrole": "x"}, "a.b"],
     "PUBLISH: invalid Options.exclude_authrole", "'x'"),
    ([32, 1, {"match": "regex"}, "a.b"], "SUBSCRIBE: invalid Options.match", "'regex'"),
    ([32, 1, {"get_retained": 1}, "a.b"], "SUBSCRIBE: invalid Options.get_retained", "1"),
    ([64, 1, {"invoke": "all"}, "a.b"], "REGISTER: invalid Options.invoke", "'all'"),
    ([64, 1, {"concurrency": 0}, "a.b"], "REGISTER: invalid Options.concurrency", "0"),
    ([64, 1, {"force_reregister": "no"}, "a.b"], "REGISTER: invalid Options.force_reregister",
     "'no'"),
    ([36, 1, 2, {"publisher": "me"}], "EVENT: invalid Details.publisher", "'me'"),
    ([36, 1, 2, {"trustlevel": -1}], "EVENT: invalid Details.trustlevel", "-1"),
    ([36, 1, 2, {"x_acknowledged_delivery": 1}], "EVENT: invalid Details.x_acknowledged_delivery",
     "1"),
    ([50, 1, {"progress": None, "callee_authid": 3}], "RESULT: invalid Details.callee_authid",
     "3"),
    ([70, 1, {"progress": "true"}], "YIELD: invalid Options.progress", "'true'"),
    ([6, {"message": 5}, "a.b"], "GOODBYE: invalid Details.message", "5"),
    ([3, {"message": ["x"]}, "a.b"], "ABORT: invalid Details.message", "['x']"),
    ([35, 0, {}], "UNSUBSCRIBED: invalid Details.subscription", "None"),
    ([67, 0, {"reason": "a.b"}], "UNREGISTERED: invalid Details.registration", "None"),
    # session messages
    ([1, "realm1", {}], "HELLO: invalid Details.roles", "None"),
    ([1, "realm1", {"roles": {}}], "HELLO: invalid Details.roles", "{}"),
    ([1, "realm1", {"roles": {"dealer": {}}}], "HELLO: invalid role in Details.roles",
     "'dealer'"),
    ([1, "realm1", {"roles": {"caller": []}}], "HELLO: invalid Details.roles.caller", "[]"),
    ([1, "realm1", {"roles": {"caller": {"features": 1}}}],
     "HELLO: invalid Details.roles.caller.features", "1"),
    ([1, "realm1", {**ROLES, "authmethods": "ticket"}], "HELLO: invalid Details.authmethods",
     "'ticket'"),
    ([1, "realm1", {**ROLES, "authextra": []}], "HELLO: invalid Details.authextra", "[]"),
    ([1, "realm1", {**ROLES, "resume-session": 5}], "HELLO: invalid Details.resume-token",
     "None"),
    ([2, 1, {"roles": {"caller": {}}}], "WELCOME: invalid role in Details.roles", "'caller'"),
    ([2, 1, {"roles": {"broker": {}}, "resumable": True}],
     "WELCOME: invalid Details.resume_token", "None"),
    ([2, 1, {"roles": {"broker": {}}, "authid": 5}], "WELCOME: invalid Details.authid", "5"),
    ([4, 5, {}], "CHALLENGE: invalid AuthMethod|string", "5"),
    ([5, None, {}], "AUTHENTICATE: invalid Signature|string", "None"),
    # ERROR
    ([8, 49, 1, {}, "a.b"], "ERROR: invalid REQUEST.Type|int", "49"),
    ([8, "48", 1, {}, "a.b"], "ERROR: invalid REQUEST.Type|int", "'48'"),
    # payload
    ([48, 1, {}, "a.b", {"a": 1}], "CALL: invalid Arguments|list", "{'a': 1}"),
    ([48, 1, {}, "a.b", "args"], "CALL: invalid Arguments|list", "'args'"),
    ([48, 1, {}, "a.b", [], []], "CALL: invalid ArgumentsKw|dict", "[]"),
    ([48, 1, {}, "a.b", [], {1: 2}], "CALL: invalid key in ArgumentsKw|dict", "1"),
    ([50, 1, {}, b"raw"], "RESULT: invalid Arguments|list", "b'raw'"),
    ([48, 1, {"ppt_scheme": "mqtt"}, "a.b", [1]], "CALL: invalid Arguments|list", "[1]"),
    ([48, 1, {"ppt_scheme": "mqtt"}, "a.b", [b"a", b"b"]], "CALL: invalid Arguments|list",
     "[b'a', b'b']"),
    ([48, 1, {"ppt_scheme": "mqtt"}, "a.b", [b"a"], {"k": 1}], "CALL: invalid Arguments|list",
     "[b'a']"),
    ([48, 1, {"ppt_scheme": "mqtt"}, "a.b"], "CALL: invalid payload", "None"),
    ([48, 1, {"ppt_scheme": ""}, "a.b", [b"x"]], "CALL: invalid enc_algo (ppt_scheme)", "''"),
    ([48, 1, {"ppt_scheme": "m", "ppt_keyid": 5}, "a.b", [b"x"]],
     "CALL: invalid enc_key (ppt_keyid)", "5"),
    ([36, 1, 2, {"ppt_serializer": "cbor"}, [b"x"]], "EVENT: invalid enc_algo (ppt_scheme)",
     "None"),
    ([16, 1, {"ppt_scheme": "m", "ppt_serializer": 7}, "a.b", [b"x"]],
     "PUBLISH: invalid enc_serializer (ppt_serializer)", "7"),
]


@pytest.mark.parametrize(("wire", "start", "shown"), MALFORMED,
                         ids=[f"{i}:{c[1][:30]}" for i, c in enumerate(MALFORMED)])
def test_malformed_message_rejected(wire: Any, start: str, shown: str) -> None:
    with pytest.raises(ProtocolError) as info:
        message.parse(wire)
    text = str(info.value)
    assert text.startswith(start), text
    assert f" {shown} " in text, text
    assert "(expected " in text


def test_table_is_large() -> None:
    assert len(MALFORMED) >= 80


def test_direct_class_parse_checks_the_type_code() -> None:
    with pytest.raises(ProtocolError, match=r"CALL: invalid MessageType 16 \(expected 48\)"):
        Call.parse([16, 1, {}, "a.b"])
    with pytest.raises(ProtocolError, match="CALL: invalid message "):
        Call.parse((48, 1, {}, "a.b"))  # type: ignore[arg-type]


def test_huge_values_are_shown_bounded() -> None:
    with pytest.raises(ProtocolError) as info:
        message.parse([48, 1, {}, "x" * 100_000 + " y"])
    assert len(str(info.value)) < 300


def test_revocations_allow_request_zero_only_with_details() -> None:
    revoked = message.parse([35, 0, {"subscription": 5, "reason": "wamp.error.revoked"}])
    assert isinstance(revoked, Unsubscribed)
    assert (revoked.request, revoked.subscription) == (0, 5)
    with pytest.raises(ProtocolError, match=r"Details\.subscription"):
        message.parse([35, 0])


# -- constructors raise the same errors on misuse -------------------------------------------

@pytest.mark.parametrize(
    ("make", "start"),
    [
        (lambda: Call(0, "a.b"), "CALL: invalid Request|id 0"),
        (lambda: Call(1, "a b"), "CALL: invalid Procedure|uri 'a b'"),
        (lambda: Call(1, "a.b", args={"a": 1}), "CALL: invalid Arguments|list"),
        (lambda: Call(1, "a.b", kwargs={1: 1}), "CALL: invalid key in ArgumentsKw|dict 1"),
        (lambda: Call(1, "a.b", timeout=-2), "CALL: invalid Options.timeout -2"),
        (lambda: Call(1, "a.b", timeout=float("nan")), "CALL: invalid Options.timeout nan"),
        (lambda: Call(1, "a.b", payload=b"x"), "CALL: invalid enc_algo (ppt_scheme) None"),
        (lambda: Call(1, "a.b", payload="x", enc_algo="mqtt"), "CALL: invalid payload 'x'"),
        (lambda: Call(1, "a.b", args=[1], payload=b"x", enc_algo="mqtt"),
         "CALL: invalid Arguments|list [1]"),
        (lambda: Call(1, "a.b", enc_key="k"), "CALL: invalid enc_algo (ppt_scheme) None"),
        (lambda: Call(1, "a.b", custom={"timeout": 1}), "CALL: invalid key in Options"),
        (lambda: Yield(1, progress=1), "YIELD: invalid Options.progress 1"),
        (lambda: Invocation(1, 2, caller=-1), "INVOCATION: invalid Details.caller -1"),
        (lambda: Publish(1, "a.b", exclude=[0]), "PUBLISH: invalid item in Options.exclude 0"),
        (lambda: Subscribe(1, "a.b", match="glob"), "SUBSCRIBE: invalid Options.match 'glob'"),
        (lambda: Subscribe(1, "a..b"), "SUBSCRIBE: invalid Topic|uri 'a..b'"),
        (lambda: Register(1, "a.b", concurrency=True),
         "REGISTER: invalid Options.concurrency True"),
        (lambda: Cancel(1, mode="SKIP"), "CANCEL: invalid Options.mode 'SKIP'"),
        (lambda: Interrupt(1, mode="skip"), "INTERRUPT: invalid Options.mode 'skip'"),
        (lambda: Error(99, 1, "a.b"), "ERROR: invalid REQUEST.Type|int 99"),
        (lambda: Event(1, 2, forward_for=[{"session": 1, "authrole": 2}]),
         "EVENT: invalid item in Details.forward_for"),
        (lambda: Hello("realm1", {}), "HELLO: invalid Details.roles {}"),
        (lambda: Hello("realm1", [object()]), "HELLO: invalid Details.roles"),
        (lambda: Hello("realm1", 5), "HELLO: invalid Details.roles 5"),
        (lambda: Welcome(1, {"broker": {}}, resumable=True), "WELCOME: invalid Details.resume"),
    ],
)
def test_constructor_misuse_raises(make: Any, start: str) -> None:
    with pytest.raises(ProtocolError) as info:
        make()
    assert str(info.value).startswith(start), str(info.value)


# -- fuzzing: parse() raises nothing but ProtocolError -----------------------------------------

json_scalars = (st.none() | st.booleans() | st.integers(min_value=-(2**64), max_value=2**64)
                | st.floats(allow_nan=True) | st.text(max_size=12) | st.binary(max_size=8))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=8) | st.integers() | st.binary(max_size=4), inner,
                      max_size=4),
    max_leaves=16,
)
uris = st.sampled_from(["a.b", "com.example.proc", "a..b", "", "a.", "x y", "wamp.error.x"])
ids = st.sampled_from([0, 1, 2**53, 2**53 + 1, -1, True]) | st.integers(1, 10)
option_keys = st.sampled_from([
    "timeout", "receive_progress", "progress", "match", "invoke", "mode", "reason", "roles",
    "exclude", "eligible_authid", "forward_for", "ppt_scheme", "ppt_keyid", "enc_algo",
    "publisher", "caller", "subscription", "registration", "authmethods", "resume-session",
    "resumable", "x_custom", "_impl", "concurrency", "acknowledge", "procedure", "topic",
])
options = st.dictionaries(option_keys, json_values | ids | uris, max_size=4)
elements = json_values | ids | uris | options
plausible = st.builds(
    lambda code, rest: [code, *rest],
    st.sampled_from(sorted(message.MESSAGE_CLASSES)),
    st.lists(elements, max_size=7),
)


def _parse_or_protocol_error(wire: Any) -> None:
    try:
        msg = message.parse(wire)
    except ProtocolError as exc:
        assert str(exc)
        return
    # Whatever parses round-trips.
    assert message.parse(msg.marshal()) == msg


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_fuzz_arbitrary_values(wire: Any) -> None:
    _parse_or_protocol_error(wire)


@settings(max_examples=200, deadline=None)
@given(plausible)
def test_fuzz_plausible_messages(wire: list[Any]) -> None:
    _parse_or_protocol_error(wire)
