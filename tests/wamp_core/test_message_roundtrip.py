"""Every message survives marshal() -> parse() with all its options set and with none."""

from __future__ import annotations

from typing import Any

import pytest
from wamp_core import message
from wamp_core.message import (
    MESSAGE_CLASSES,
    Abort,
    Authenticate,
    Call,
    Cancel,
    Challenge,
    Error,
    Event,
    Goodbye,
    Hello,
    Interrupt,
    Invocation,
    Message,
    Publish,
    Published,
    Register,
    Registered,
    Result,
    Subscribe,
    Subscribed,
    Unregister,
    Unregistered,
    Unsubscribe,
    Unsubscribed,
    Welcome,
    Yield,
)

FF = [{"session": 123, "authid": "router1", "authrole": "router"},
      {"session": 456, "authid": None, "authrole": "trusted"}]
CUSTOM = {"x_trace": "abc", "_impl_flag": True}
PPT = {"payload": b"\x00\x01binary", "enc_algo": "wamp.eth", "enc_serializer": "cbor",
       "enc_key": "0xdeadbeef", "enc_cipher": "xsalsa20poly1305"}
ARGS: dict[str, Any] = {"args": [1, "two", {"three": 3}], "kwargs": {"a": 1, "b": [2]}}

MINIMAL: list[Message] = [
    Hello("com.example.realm", {"caller": {}}),
    Welcome(1, {"dealer": {}}),
    Abort("wamp.error.no_such_realm"),
    Challenge("ticket"),
    Authenticate("secret"),
    Goodbye(),
    Error(48, 1, "wamp.error.no_such_procedure"),
    Publish(1, "com.example.topic"),
    Published(1, 2),
    Subscribe(1, "com.example.topic"),
    Subscribed(1, 2),
    Unsubscribe(1, 2),
    Unsubscribed(1),
    Event(1, 2),
    Call(1, "com.example.proc"),
    Cancel(1),
    Result(1),
    Register(1, "com.example.proc"),
    Registered(1, 2),
    Unregister(1, 2),
    Unregistered(1),
    Invocation(1, 2),
    Interrupt(1),
    Yield(1),
]

FULL: list[Message] = [
    Hello("com.example.realm",
          {"caller": {"progressive_call_results": True, "call_canceling": True},
           "callee": {"shared_registration": True}, "publisher": {}, "subscriber": {}},
          authmethods=["cryptosign", "ticket"], authid="alice", authrole="user",
          authextra={"pubkey": "00ff"}, resumable=True, resume_session=77,
          resume_token="tok", agent="wamp-core/0.1", custom=CUSTOM),
    Welcome(2**53, {"broker": {"publisher_exclusion": True}, "dealer": {"call_timeout": True}},
            realm="realm1", authid="alice", authrole="user", authmethod="ticket",
            authprovider="static", authextra={"x": 1}, resumed=False, resumable=True,
            resume_token="tok", custom={"x_cb_node": "node1", "x_cb_worker": "worker001",
                                        "x_cb_peer": "tcp4:127.0.0.1:5000", "x_cb_pid": 42},
            agent="wamp-router"),
    Abort("wamp.error.protocol_violation", message="bad HELLO", custom=CUSTOM),
    Challenge("cryptosign", {"challenge": "ab12", "channel_binding": None}),
    Authenticate("sig", {"x": [1, 2]}),
    Goodbye("wamp.close.system_shutdown", message="bye", resumable=True, custom=CUSTOM),
    Error(68, 9, "com.example.error", callee=5, callee_authid="bob", callee_authrole="svc",
          forward_for=FF, custom=CUSTOM, **ARGS),
    Error(48, 9, "com.example.error", **PPT),
    Publish(3, "com.example.topic", acknowledge=True, exclude_me=False, exclude=[4, 5],
            exclude_authid=["mallory"], exclude_authrole=["guest"], eligible=[6],
            eligible_authid=["alice"], eligible_authrole=["user"], retain=True,
            transaction_hash="th", forward_for=FF, disclose_me=True, custom=CUSTOM, **ARGS),
    Publish(3, "com.example.topic", acknowledge=True, **PPT),
    Published(3, 2**53),
    Subscribe(4, "com..topic", match="wildcard", get_retained=True, forward_for=FF,
              custom=CUSTOM),
    Subscribe(4, "com.example.", match="prefix"),
    Subscribed(4, 77),
    Unsubscribe(5, 77, forward_for=FF, custom=CUSTOM),
    Unsubscribed(0, subscription=77, reason="wamp.subscription.revoked"),
    Unsubscribed(5, subscription=77),
    Event(77, 88, publisher=3, publisher_authid="alice", publisher_authrole="user",
          topic="com.example.topic.a", retained=True, transaction_hash="th",
          x_acknowledged_delivery=True, forward_for=FF, trustlevel=2, custom=CUSTOM, **ARGS),
    Event(77, 88, **PPT),
    Call(6, "com.example.proc", timeout=2500, receive_progress=True, progress=True,
         transaction_hash="th", disclose_me=True, caller=3, caller_authid="alice",
         caller_authrole="user", forward_for=FF, custom=CUSTOM, **ARGS),
    Call(6, "com.example.proc", timeout=1.5, **PPT),
    Cancel(6, mode="killnowait", forward_for=FF, custom=CUSTOM),
    Result(6, progress=True, callee=4, callee_authid="bob", callee_authrole="svc",
           forward_for=FF, custom=CUSTOM, **ARGS),
    Result(6, progress=False, **PPT),
    Register(7, "com..proc", match="wildcard", invoke="roundrobin", concurrency=4,
             force_reregister=True, forward_for=FF, disclose_caller=True, custom=CUSTOM),
    Register(7, "com.example.", match="prefix", invoke="random"),
    Registered(7, 99),
    Unregister(8, 99, forward_for=FF, custom=CUSTOM),
    Unregistered(0, registration=99, reason="wamp.registration.revoked"),
    Unregistered(8),
    Invocation(10, 99, timeout=1000, receive_progress=True, caller=3, caller_authid="alice",
               caller_authrole="user", procedure="com.example.proc.x", transaction_hash="th",
               forward_for=FF, progress=True, trustlevel=1, custom=CUSTOM, **ARGS),
    Invocation(10, 99, **PPT),
    Interrupt(10, mode="kill", reason="wamp.error.canceled", forward_for=FF, custom=CUSTOM),
    Yield(10, progress=True, callee=4, callee_authid="bob", callee_authrole="svc",
          forward_for=FF, custom=CUSTOM, **ARGS),
    Yield(10, **PPT),
]


def _fields(msg: Message) -> dict[str, Any]:
    out = {}
    for name in type(msg)._FIELDS:
        value = getattr(msg, name)
        out[name] = list(value) if type(value) is tuple else value
    return out


def _id(msg: Message) -> str:
    return type(msg).__name__


def test_tables_cover_every_message() -> None:
    assert {type(m) for m in MINIMAL} == set(MESSAGE_CLASSES.values())
    assert {type(m) for m in FULL} == set(MESSAGE_CLASSES.values())
    assert len(MESSAGE_CLASSES) == 24


@pytest.mark.parametrize("msg", MINIMAL + FULL, ids=_id)
def test_roundtrip(msg: Message) -> None:
    wire = msg.marshal()
    assert wire[0] == type(msg).MESSAGE_TYPE
    parsed = message.parse(wire)
    assert type(parsed) is type(msg)
    assert parsed == msg
    assert parsed.marshal() == wire
    assert type(msg).parse(wire) == msg


@pytest.mark.parametrize("msg", FULL, ids=_id)
def test_roundtrip_keeps_every_attribute(msg: Message) -> None:
    parsed = message.parse(msg.marshal())
    assert _fields(parsed) == _fields(msg)


@pytest.mark.parametrize("msg", MINIMAL, ids=_id)
def test_minimal_messages_send_no_options(msg: Message) -> None:
    for item in msg.marshal():
        if isinstance(item, dict) and not isinstance(msg, (Hello, Welcome)):
            assert item == {}


def test_wire_forms_of_minimal_messages() -> None:
    assert [m.marshal() for m in MINIMAL] == [
        [1, "com.example.realm", {"roles": {"caller": {}}}],
        [2, 1, {"roles": {"dealer": {}}}],
        [3, {}, "wamp.error.no_such_realm"],
        [4, "ticket", {}],
        [5, "secret", {}],
        [6, {}, "wamp.close.normal"],
        [8, 48, 1, {}, "wamp.error.no_such_procedure"],
        [16, 1, {}, "com.example.topic"],
        [17, 1, 2],
        [32, 1, {}, "com.example.topic"],
        [33, 1, 2],
        [34, 1, 2],
        [35, 1],
        [36, 1, 2, {}],
        [48, 1, {}, "com.example.proc"],
        [49, 1, {}],
        [50, 1, {}],
        [64, 1, {}, "com.example.proc"],
        [65, 1, 2],
        [66, 1, 2],
        [67, 1],
        [68, 1, 2, {}],
        [69, 1, {}],
        [70, 1, {}],
    ]


def test_call_wire_form_with_everything() -> None:
    call = FULL[[type(m) for m in FULL].index(Call)]
    assert call.marshal() == [
        48, 6,
        {"x_trace": "abc", "_impl_flag": True, "timeout": 2500, "receive_progress": True,
         "progress": True, "transaction_hash": "th", "disclose_me": True, "caller": 3,
         "caller_authid": "alice", "caller_authrole": "user", "forward_for": FF},
        "com.example.proc", [1, "two", {"three": 3}], {"a": 1, "b": [2]},
    ]


def test_payload_passthru_wire_form_follows_the_spec() -> None:
    call = Call(6, "com.example.proc", **PPT)
    assert call.marshal() == [
        48, 6,
        {"ppt_scheme": "wamp.eth", "ppt_serializer": "cbor", "ppt_cipher": "xsalsa20poly1305",
         "ppt_keyid": "0xdeadbeef"},
        "com.example.proc", [b"\x00\x01binary"],
    ]
    assert call.args is None and call.kwargs is None


def test_autobahn_style_passthru_is_read() -> None:
    # Autobahn's earlier form: enc_* option keys, the payload as a bare binary element.
    wire = [48, 6, {"enc_algo": "cryptobox", "enc_key": "k", "enc_serializer": "json"},
            "com.example.proc", b"opaque"]
    call = message.parse(wire)
    assert isinstance(call, Call)
    assert (call.payload, call.enc_algo, call.enc_key, call.enc_serializer) == (
        b"opaque", "cryptobox", "k", "json")
    assert call.marshal()[2] == {"ppt_scheme": "cryptobox", "ppt_serializer": "json",
                                 "ppt_keyid": "k"}
    # An empty ArgumentsKw next to the passthru payload is tolerated.
    event = message.parse([36, 1, 2, {"ppt_scheme": "mqtt"}, [b"raw"], {}])
    assert isinstance(event, Event)
    assert event.payload == b"raw"


def test_empty_args_and_kwargs_are_not_sent() -> None:
    assert Call(1, "a.b", args=[], kwargs={}).marshal() == [48, 1, {}, "a.b"]
    assert Call(1, "a.b", args=[1], kwargs={}).marshal() == [48, 1, {}, "a.b", [1]]
    assert Call(1, "a.b", kwargs={"k": 1}).marshal() == [48, 1, {}, "a.b", [], {"k": 1}]
    assert Yield(1, args=(1, 2)).marshal() == [70, 1, {}, (1, 2)]


def test_equality_is_equality_on_the_wire() -> None:
    assert Call(1, "a.b", args=(1, 2)) == Call(1, "a.b", args=[1, 2])
    assert Call(1, "a.b", args=[]) == Call(1, "a.b")
    assert Call(1, "a.b") != Call(2, "a.b")
    assert Call(1, "a.b") != Publish(1, "a.b")
    assert Subscribe(1, "a.b", match="exact") == Subscribe(1, "a.b")
    assert Call(1, "a.b") != "not a message"


def test_defaults_reported_by_parse_like_autobahn() -> None:
    sub = message.parse([32, 1, {}, "a.b"])
    assert isinstance(sub, Subscribe)
    assert sub.match == "exact"
    reg = message.parse([64, 1, {}, "a.b"])
    assert isinstance(reg, Register)
    assert (reg.match, reg.invoke) == ("exact", "single")
    assert reg.marshal() == [64, 1, {}, "a.b"]


def test_unknown_options_are_dropped_custom_ones_kept() -> None:
    call = message.parse([48, 1, {"some_future_option": 1, "x_mine": {"a": 1}, "_impl": 2},
                          "a.b"])
    assert isinstance(call, Call)
    assert call.custom == {"x_mine": {"a": 1}, "_impl": 2}
    assert call.marshal() == [48, 1, {"x_mine": {"a": 1}, "_impl": 2}, "a.b"]


def test_unsubscribe_autobahn_options_element() -> None:
    assert message.parse([34, 1, 2, {}]) == Unsubscribe(1, 2)
    assert Unsubscribe(1, 2).marshal() == [34, 1, 2]
    assert Unregister(1, 2, forward_for=FF).marshal() == [66, 1, 2, {"forward_for": FF}]


def test_hello_roles_accept_autobahn_role_objects() -> None:
    class RoleCallerFeatures:
        ROLE = "caller"

        def __init__(self) -> None:
            self.progressive_call_results = True
            self.call_timeout = None

    hello = Hello("realm1", [RoleCallerFeatures()])
    assert hello.roles == {"caller": {"progressive_call_results": True}}
    assert hello.marshal()[2]["roles"] == {"caller": {"features": {"progressive_call_results":
                                                                   True}}}
    wire_form = Hello("realm1", {"callee": {"features": {"shared_registration": True}}})
    assert wire_form.roles == {"callee": {"shared_registration": True}}


def test_serialize_caches_per_serializer() -> None:
    class Counting:
        calls = 0

        def serialize(self, obj: Any) -> bytes:
            Counting.calls += 1
            return repr(obj).encode()

    ser = Counting()
    event = Event(1, 2, args=["x"])
    first = event.serialize(ser)
    assert event.serialize(ser) is first
    assert Counting.calls == 1
    assert first == b"[36, 1, 2, {}, ['x']]"
    event.uncache()
    event.serialize(ser)
    assert Counting.calls == 2


def test_str_like_autobahn_and_repr() -> None:
    call = Call(1, "com.x", args=[1, 2], kwargs={"a": 1}, timeout=100)
    assert str(call) == "CALL::\n    [48, 1, {'timeout': 100}, 'com.x', [1, 2], {'a': 1}]"
    assert repr(call) == "Call(request=1, procedure='com.x', args=[1, 2], kwargs={'a': 1}, " \
                         "timeout=100)"
    assert str(Unsubscribed(3)) == "UNSUBSCRIBED::\n    [35, 3]"
    assert repr(Goodbye()) == "Goodbye(reason='wamp.close.normal')"


def test_constants_like_autobahn() -> None:
    assert (Cancel.SKIP, Cancel.KILL, Cancel.KILLNOWAIT) == ("skip", "kill", "killnowait")
    assert (Interrupt.KILL, Interrupt.KILLNOWAIT) == ("kill", "killnowait")
    assert (Subscribe.MATCH_EXACT, Subscribe.MATCH_PREFIX, Subscribe.MATCH_WILDCARD) == (
        "exact", "prefix", "wildcard")
    assert (Register.INVOKE_SINGLE, Register.INVOKE_FIRST, Register.INVOKE_LAST,
            Register.INVOKE_ROUNDROBIN, Register.INVOKE_RANDOM) == (
        "single", "first", "last", "roundrobin", "random")
    assert {code: cls.__name__ for code, cls in MESSAGE_CLASSES.items()} == {
        1: "Hello", 2: "Welcome", 3: "Abort", 4: "Challenge", 5: "Authenticate", 6: "Goodbye",
        8: "Error", 16: "Publish", 17: "Published", 32: "Subscribe", 33: "Subscribed",
        34: "Unsubscribe", 35: "Unsubscribed", 36: "Event", 48: "Call", 49: "Cancel",
        50: "Result", 64: "Register", 65: "Registered", 66: "Unregister", 67: "Unregistered",
        68: "Invocation", 69: "Interrupt", 70: "Yield",
    }
