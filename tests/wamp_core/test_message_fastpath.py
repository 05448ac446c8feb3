"""The fast path of parse() agrees with the general parser, and the tables with the constructors.

Most message classes get a generated ``parse()`` that only accepts what it can
vouch for and hands the rest to ``_parse_slow`` (the general parser, which
calls the constructor). Here both paths must accept the same messages, build
objects with the same slots and raise the same errors; the generated ``_init``
must store each constructor argument in its own attribute; and the fast path
must really take the common messages.
"""

from __future__ import annotations

import collections
import decimal
import enum
import inspect
from typing import Any

import cbor2
import pytest
from _serializer_samples import SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st
from wamp_core import message
from wamp_core.exception import ProtocolError
from wamp_core.message import MESSAGE_CLASSES, Message
from wamp_core.message._table import Field, install
from wamp_core.serializer import CBORSerializer, _cbor

GENERATED = sorted(
    (cls for cls in MESSAGE_CLASSES.values() if getattr(cls.parse.__func__, "_generated", False)),
    key=lambda c: c.MESSAGE_TYPE,
)
FF = [{"session": 5, "authid": None, "authrole": "router"}]


def _slots(cls: type) -> list[str]:
    names: list[str] = []
    for klass in cls.__mro__:
        names += getattr(klass, "__slots__", ())
    return names


def _state(msg: Message) -> dict[str, Any]:
    """Every slot, set or not (a missing slot shows as a marker)."""
    return {name: getattr(msg, name, "<unset>") for name in _slots(type(msg))}


def _outcome(parse: Any, wire: Any) -> tuple[str, Any]:
    try:
        msg = parse(wire)
    except ProtocolError as exc:
        return "error", str(exc)
    return type(msg).__name__, _state(msg)


def assert_same_outcome(cls: Any, wire: Any) -> None:
    fast = _outcome(cls.parse, wire)
    slow = _outcome(cls._parse_slow, wire)
    assert fast == slow, wire


def test_the_hot_messages_have_a_generated_parser() -> None:
    names = {cls.__name__ for cls in GENERATED}
    assert {"Call", "Result", "Invocation", "Yield", "Publish", "Event", "Error", "Registered",
            "Subscribed", "Published"} <= names
    assert {"Hello", "Welcome"}.isdisjoint(names)  # their roles take the constructor


# Well-formed messages with empty and with populated Options/Details, all classes.
WELL_FORMED: list[list[Any]] = [
    [48, 1, {}, "com.example.add2"],
    [48, 1, {}, "com.example.add2", [1, 2]],
    [48, 1, {"timeout": 5000, "receive_progress": True, "x_trace": "a"}, "com.example.add2",
     [1], {"k": "v"}],
    [48, 1, {"caller": 3, "caller_authid": None, "forward_for": FF, "unknown": 1},
     "com.example.add2", []],
    [48, 1, {"ppt_scheme": "mqtt", "ppt_serializer": "cbor"}, "com.example.add2", [b"x"]],
    [48, 1, {"enc_algo": "cryptobox"}, "com.example.add2", b"raw"],
    [68, 9, 10, {}, ["a"], {"b": 1}],
    [68, 9, 10, {"caller": 3, "procedure": "com.example.add2", "trustlevel": 0}, ["a"]],
    [50, 1, {}],
    [50, 1, {"progress": True}, [1]],
    [70, 1, {"progress": None, "callee": 4}, [], {"a": [1]}],
    [8, 48, 1, {}, "wamp.error.runtime_error", ["boom"]],
    [8, 68, 1, {"callee": 2}, "wamp.error.runtime_error"],
    [16, 1, {}, "com.example.topic", ["hello"]],
    [16, 1, {"acknowledge": True, "exclude": [2, 3], "eligible_authrole": ["x"]},
     "com.example.topic"],
    [36, 1, 2, {}],
    [36, 1, 2, {"publisher": 7, "topic": "com.example.topic", "retained": False}, [1], {}],
    [17, 1, 2], [33, 1, 2], [65, 1, 2],
    [32, 1, {}, "com.example.topic"],
    [32, 1, {"match": "prefix"}, "com.example.topic"],
    [32, 1, {"match": None, "get_retained": True}, "com.example.topic"],
    [64, 1, {"invoke": "roundrobin", "concurrency": 2}, "com.example.proc"],
    [64, 1, {"match": "wildcard", "invoke": None}, "com.example.proc"],
    [34, 1, 2], [34, 1, 2, {}], [34, 1, 2, {"forward_for": FF, "_impl": 1}],
    [66, 1, 2], [66, 1, 2, {"forward_for": FF}],
    [35, 1], [35, 0, {"subscription": 5, "reason": "wamp.error.revoked"}], [35, 3, {}],
    [67, 1], [67, 0, {"registration": 5}],
    [49, 1, {}], [49, 1, {"mode": "kill"}], [69, 1, {"mode": "killnowait", "reason": "a.b"}],
    [3, {"message": "no"}, "wamp.error.no_such_realm"], [6, {}, "wamp.close.normal"],
    [4, "ticket", {}], [4, "ticket", None], [5, "sig", {"a": 1}],
]


@pytest.mark.parametrize("wire", WELL_FORMED, ids=lambda w: str(w)[:40])
def test_fast_and_general_parsers_agree_on_well_formed(wire: list[Any]) -> None:
    cls = MESSAGE_CLASSES[wire[0]]
    assert_same_outcome(cls, wire)
    parsed = cls.parse(wire)
    assert message.parse(parsed.marshal()) == parsed


def test_fast_and_general_parsers_agree_on_the_malformed_table() -> None:
    from test_message_malformed import MALFORMED

    checked = 0
    for wire, _, _ in MALFORMED:
        if type(wire) is list and wire and type(wire[0]) is int and wire[0] in MESSAGE_CLASSES:
            cls = MESSAGE_CLASSES[wire[0]]
            if cls._HEAD:  # HELLO and WELCOME parse by hand
                assert_same_outcome(cls, wire)
                checked += 1
    assert checked > 70


def test_samples_round_trip_through_both_parsers() -> None:
    for msg in SAMPLES:
        cls = type(msg)
        wire = msg.marshal()
        if cls._HEAD:
            assert_same_outcome(cls, wire)
        assert cls.parse(wire) == msg


# -- the fast path is taken ------------------------------------------------------------------

COMMON = [
    [48, 8191, {}, "com.example.add2", [23, 7]],
    [48, 8191, {"receive_progress": True, "timeout": 1000}, "com.example.add2", [23, 7]],
    [68, 6131533, 9823526, {"caller": 3, "procedure": "com.example.add2"}, [23, 7]],
    [70, 6131533, {}, [30]], [50, 8191, {"progress": True}, [30]],
    [8, 48, 7814135, {}, "com.example.error", ["write protected"], {"severity": 3}],
    [16, 239714735, {"acknowledge": True}, "com.example.topic", ["Hello"]],
    [36, 5512315355, 4429313566, {"publisher": 7}, [], {"text": "x" * 900}],
    [17, 1, 2], [33, 1, 2], [65, 1, 2], [35, 4], [67, 4], [34, 1, 2], [66, 1, 2],
    [32, 1, {}, "com.example.topic"], [64, 1, {"invoke": "random"}, "com.example.add2"],
    [49, 1, {}], [69, 1, {}], [6, {}, "wamp.close.normal"], [4, "ticket", {}],
]


@pytest.mark.parametrize("wire", COMMON, ids=lambda w: str(w)[:40])
def test_common_messages_take_the_fast_path(wire: list[Any],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    cls = MESSAGE_CLASSES[wire[0]]
    expected = cls._parse_slow(wire)  # also puts the URIs in the cache of valid ones

    def refuse(wmsg: Any) -> Any:
        raise AssertionError(f"general parser used for {wmsg}")

    monkeypatch.setattr(cls, "_parse_slow", refuse)
    parsed = message.parse(wire)
    assert _state(parsed) == _state(expected)
    assert parsed._serialized is None


# -- the generated constructors --------------------------------------------------------------

# A valid value per attribute name (distinct values for same-typed attributes).
VALUES: dict[str, Any] = {
    "request": 11, "procedure": "com.example.p", "topic": "com.example.t", "error": "a.b.c",
    "registration": 12, "subscription": 13, "publication": 14, "request_type": 48,
    "reason": "wamp.close.r", "message": "text", "args": [1], "kwargs": {"k": 1},
    "timeout": 1500, "receive_progress": True, "progress": False, "transaction_hash": "th",
    "disclose_me": True, "caller": 21, "caller_authid": "cid", "caller_authrole": "crole",
    "forward_for": FF, "callee": 22, "callee_authid": "eid", "callee_authrole": "erole",
    "mode": "kill", "trustlevel": 3, "publisher": 23, "publisher_authid": "pid",
    "publisher_authrole": "prole", "retained": True, "x_acknowledged_delivery": False,
    "acknowledge": True, "exclude_me": False, "exclude": [31], "exclude_authid": ["xa"],
    "exclude_authrole": ["xr"], "eligible": [32], "eligible_authid": ["ea"],
    "eligible_authrole": ["er"], "retain": True, "resumable": False, "custom": {"x_a": 1},
    "match": "prefix", "get_retained": True, "invoke": "last", "concurrency": 2,
    "force_reregister": True, "disclose_caller": False, "method": "ticket",
    "signature": "sig", "extra": {"e": 1},
}
INIT_CLASSES = [cls for cls in MESSAGE_CLASSES.values()
                if "_init" in cls.__init__.__code__.co_names
                or getattr(cls.__init__, "_generated", False)]


def test_most_constructors_use_the_generated_init() -> None:
    assert len(INIT_CLASSES) >= 17


@pytest.mark.parametrize("cls", INIT_CLASSES, ids=lambda c: c.__name__)
def test_each_argument_lands_in_its_attribute(cls: Any) -> None:
    params = inspect.signature(cls).parameters
    required = {n: VALUES[n] for n, p in params.items() if p.default is p.empty}
    if cls.__name__ in ("Unsubscribed", "Unregistered"):
        required["request"] = 1
    for name, param in params.items():
        if param.default is param.empty:
            continue
        value = VALUES.get(name)
        if value is None:  # the payload passthru attributes go together
            continue
        msg = cls(**required, **{name: value})
        for other in params:
            expected = value if other == name else required.get(other, params[other].default)
            assert getattr(msg, other) == expected, (name, other)
        assert msg._serialized is None


def test_passthru_arguments_land_in_their_attributes() -> None:
    ppt = {"payload": b"p", "enc_algo": "mqtt", "enc_key": "k", "enc_serializer": "cbor",
           "enc_cipher": "c"}
    for cls in INIT_CLASSES:
        if cls._PAYLOAD:
            required = {n: VALUES[n] for n, p in inspect.signature(cls).parameters.items()
                        if p.default is p.empty}
            msg = cls(**required, **ppt)
            assert {k: getattr(msg, k) for k in ppt} == ppt


def test_a_table_that_disagrees_with_the_constructor_is_refused() -> None:
    class Bad(Message):
        __slots__ = ("request",)
        _HEAD = (Field("request", lambda v, m, f: v, "Request|id"),)

        def __init__(self, request: int, other: int = 0) -> None:
            self._init(request, other)

    Bad.MESSAGE_TYPE = 99
    Bad._NAME = "BAD"
    Bad._FIELDS = ("request", "other")
    with pytest.raises(TypeError, match="not the attributes"):
        install(Bad)


def test_generated_source_is_kept() -> None:
    from wamp_core.message import Call

    assert "def parse(cls, wmsg):" in Call._SOURCE
    assert "def marshal(self):" in Call._SOURCE


# -- fuzzing: both parsers agree on arbitrary and on almost-valid messages -------------------

scalars = (st.none() | st.booleans() | st.integers(min_value=-2, max_value=2**53 + 1)
           | st.sampled_from([0, 1, 2**53, 48, 68]) | st.floats(allow_nan=False)
           | st.text(max_size=6) | st.binary(max_size=4))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=5) | st.integers(), inner, max_size=3),
                      max_leaves=8)
keys = st.sampled_from(sorted({k for cls in MESSAGE_CLASSES.values() for k in cls._TABLE}
                              | {"x_mine", "_impl", "other", "roles"}))
valid_values = st.sampled_from([*VALUES.values(), None, "wamp.error.x"])
options = st.dictionaries(keys, valid_values | values, max_size=4)


@st.composite
def near_valid(draw: Any) -> list[Any]:
    """A well-formed message with a few elements or entries replaced."""
    wire = list(draw(st.sampled_from(WELL_FORMED + COMMON)))
    if draw(st.booleans()) and type(wire[-1]) is dict:
        wire[-1] = {**wire[-1], **draw(options)}
    for _ in range(draw(st.integers(0, 2))):
        i = draw(st.integers(1, len(wire) - 1)) if len(wire) > 1 else 0
        wire[i] = draw(values | options | valid_values)
    if draw(st.booleans()):
        wire = wire[:draw(st.integers(1, len(wire)))] + draw(st.lists(values, max_size=2))
    return wire


@settings(max_examples=200, deadline=None)
@given(near_valid())
def test_fuzz_fast_and_general_parsers_agree(wire: list[Any]) -> None:
    cls = MESSAGE_CLASSES[wire[0]]
    assert_same_outcome(cls, wire)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(GENERATED), st.lists(values | options, max_size=6))
def test_fuzz_any_list_under_a_type_code(cls: Any, rest: list[Any]) -> None:
    assert_same_outcome(cls, [cls.MESSAGE_TYPE, *rest])


# -- CBOR: small containers written here, the same bytes as cbor2 -----------------------------


def _nested(depth: int) -> Any:
    value: Any = "deep"
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


DEEP = [_nested(3), _nested(_cbor.MAX_DEPTH + 3), _nested(60)]
INT_EDGES = [0, 1, 23, 24, 255, 256, 65535, 65536, 2**32 - 1, 2**32, 2**53, 2**64 - 1, 2**64,
             2**70, -1, -24, -25, -256, -257, -65536, -65537, -(2**32), -(2**32) - 1,
             -(2**64), -(2**64) - 1, -(2**70)]
cbor_scalars = (st.none() | st.booleans() | st.integers() | st.sampled_from(INT_EDGES)
                | st.floats() | st.text(max_size=300) | st.binary(max_size=300))
cbor_values = st.recursive(
    cbor_scalars,
    lambda inner: st.lists(inner, max_size=14) | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=8) | st.integers() | st.booleans(), inner, max_size=7),
    max_leaves=40,
)


def assert_same_cbor(value: Any) -> None:
    ours, theirs = _cbor.dumps(value), cbor2.dumps(value)
    assert ours == theirs, value


@settings(max_examples=300, deadline=None)
@given(cbor_values)
def test_cbor_bytes_are_cbor2s(value: Any) -> None:
    assert_same_cbor(value)
    assert_same_cbor([48, 1, {}, "a.b", [value], {"k": value}])


@pytest.mark.parametrize("value", [
    INT_EDGES, [[i] for i in INT_EDGES], {str(i): i for i in range(4)},
    ["x" * 23, "x" * 24, "x" * 255, "x" * 256, "é" * 200, "x" * 70_000, "\U0001f600"],
    [b"", b"\x00" * 24, b"\xff" * 256, b"b" * 70_000],
    [float("nan"), float("inf"), float("-inf"), -0.0, 5e-324, 1.5, 1e300],
    [list(range(8)), list(range(9)), list(range(100)), {i: i for i in range(5)}],
    [{}, [], (), [[]], [{}], {"": {}}],
    DEEP,
    [{1, 2}, frozenset(), bytearray(b"ab"), decimal.Decimal("1.5")],
    [enum.IntEnum("E", "A B").A, collections.OrderedDict(a=1)],
    [type("S", (str,), {})("sub"), True, False, None],
], ids=lambda v: repr(v)[:30])
def test_cbor_bytes_are_cbor2s_on_edges(value: Any) -> None:
    assert_same_cbor(value)


def test_cbor_errors_like_cbor2() -> None:
    with pytest.raises(UnicodeEncodeError):
        _cbor.dumps(["\ud800"])
    cycle: list[Any] = []
    cycle.append(cycle)
    with pytest.raises(cbor2.CBOREncodeValueError):
        _cbor.dumps(cycle)
    with pytest.raises(cbor2.CBOREncodeError):
        _cbor.dumps([object()])


def test_cbor_serializer_writes_cbor2s_bytes() -> None:
    ser = CBORSerializer()
    for msg in SAMPLES:
        data, binary = ser.serialize(msg)
        assert binary
        assert data == cbor2.dumps(msg.marshal())
        assert ser.unserialize(data, True) == [msg]
