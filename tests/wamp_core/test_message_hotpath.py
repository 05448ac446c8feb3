"""The hot messages' generated parse() and marshal() against the general path.

The generated ``parse()`` unpacks the list by its length and reads a non-empty
Options/Details dict with inline tests; ``marshal()`` tells an empty
Options/Details by one chain of tests; ``serialize()`` caches a pair, then a
dict. Every result here must be the general path's: the same slots after
``parse()`` (or the same ProtocolError), the same list from ``marshal()`` as
from the Options/Details built key by key (``_options()``).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_message_fastpath import FF, VALUES, _state, assert_same_outcome
from wamp_core import message
from wamp_core.exception import ProtocolError
from wamp_core.message import (
    MESSAGE_CLASSES,
    Call,
    Event,
    Invocation,
    Message,
    Publish,
    Published,
    Result,
    Subscribe,
    Unsubscribe,
    Unsubscribed,
    Yield,
)

HOT = [Call, Publish, Yield, Invocation, Event, Result]
URIS = ["com.example.hot1", "com.example.hot2"]


class Sub(str):
    """A str subclass: the general parser refuses it as a dict key."""


# Valid values per Options/Details attribute of the hot messages.
OPTION_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "timeout": st.integers(0, 10**6) | st.floats(0, 1e6),
    "receive_progress": st.booleans(), "progress": st.booleans(),
    "transaction_hash": st.text(max_size=5), "disclose_me": st.booleans(),
    "caller": st.integers(1, 2**53), "caller_authid": st.text(max_size=5),
    "caller_authrole": st.text(max_size=5), "forward_for": st.just(FF),
    "callee": st.integers(1, 2**53), "callee_authid": st.text(max_size=5),
    "callee_authrole": st.text(max_size=5), "procedure": st.sampled_from(URIS),
    "trustlevel": st.integers(0, 9), "publisher": st.integers(1, 2**53),
    "publisher_authid": st.text(max_size=5), "publisher_authrole": st.text(max_size=5),
    "topic": st.sampled_from(URIS), "retained": st.booleans(),
    "x_acknowledged_delivery": st.booleans(), "acknowledge": st.booleans(),
    "exclude_me": st.booleans(), "exclude": st.lists(st.integers(1, 99), max_size=2),
    "exclude_authid": st.lists(st.text(max_size=3), max_size=2),
    "exclude_authrole": st.lists(st.text(max_size=3), max_size=2),
    "eligible": st.lists(st.integers(1, 99), max_size=2),
    "eligible_authid": st.lists(st.text(max_size=3), max_size=2),
    "eligible_authrole": st.lists(st.text(max_size=3), max_size=2),
    "retain": st.booleans(),
}
ids = st.integers(1, 2**53)
payloads = st.tuples(
    st.none() | st.lists(st.integers() | st.text(max_size=3), max_size=3),
    st.none() | st.dictionaries(st.text(max_size=3), st.integers(), max_size=3),
)


@st.composite
def hot_messages(draw: Any) -> Message:
    """A valid hot message built by its constructor, with a few options set."""
    cls = draw(st.sampled_from(HOT))
    attrs = [k.attr for k in cls._KEYS]
    chosen = draw(st.lists(st.sampled_from(attrs), unique=True, max_size=4))
    kw: dict[str, Any] = {a: draw(st.none() | OPTION_VALUES[a]) for a in chosen}
    kw["args"], kw["kwargs"] = draw(payloads)
    if draw(st.booleans()):
        kw["custom"] = {"x_trace": draw(st.integers()), "_impl": None}
    heads = {"request": ids, "registration": ids, "subscription": ids, "publication": ids,
             "procedure": st.sampled_from(URIS), "topic": st.sampled_from(URIS)}
    for field in cls._HEAD:
        attr = getattr(field, "attr", None)
        if attr is not None:
            kw[attr] = draw(heads[attr])
    return cls(**kw)


def _options_by_key(msg: Message) -> list[Any]:
    """The wire list built with ``_options()`` (the general, key-by-key Options/Details)."""
    wire = msg.marshal()
    dict_at = next(i for i, e in enumerate(type(msg)._HEAD, 1) if not hasattr(e, "attr"))
    wire[dict_at] = msg._options()
    return wire


@settings(max_examples=200, deadline=None)
@given(hot_messages())
def test_hot_messages_parse_alike_on_both_paths_and_round_trip(msg: Message) -> None:
    wire = msg.marshal()
    assert wire == _options_by_key(msg)
    assert_same_outcome(type(msg), wire)
    assert message.parse(wire) == msg


@settings(max_examples=200, deadline=None)
@given(hot_messages())
def test_hot_messages_with_known_uris_take_the_fast_path(msg: Message) -> None:
    wire = msg.marshal()
    cls = type(msg)
    expected = cls._parse_slow(wire)  # puts the URIs in the cache of valid ones
    original = cls.__dict__.get("_parse_slow")

    def refuse(wmsg: Any) -> Any:
        raise AssertionError(f"general parser used for {wmsg}")

    cls._parse_slow = refuse  # type: ignore[method-assign,assignment]
    try:
        parsed = cls.parse(wire)
    finally:
        if original is None:
            del cls._parse_slow
        else:
            cls._parse_slow = original  # type: ignore[method-assign]
    assert _state(parsed) == _state(expected)


ODD = [
    # keys that are not plain strings, in the Options and in ArgumentsKw
    [48, 1, {Sub("timeout"): 5}, "com.example.hot1"],
    [48, 1, {Sub("x_custom"): 5}, "com.example.hot1"],
    [48, 1, {"receive_progress": True, 7: 1}, "com.example.hot1"],
    [48, 1, {}, "com.example.hot1", [], {Sub("k"): 1}],
    [48, 1, {}, "com.example.hot1", [], {1: 1}],
    # values an inline test refuses, the general parser decides
    [48, 1, {"receive_progress": 1}, "com.example.hot1"],
    [48, 1, {"timeout": True}, "com.example.hot1"],
    [48, 1, {"timeout": 2.5, "caller": 0}, "com.example.hot1"],
    [68, 1, 2, {"trustlevel": -1}, []],
    [68, 1, 2, {"trustlevel": False}, []],
    [68, 1, 2, {"procedure": "com..bad"}, []],
    [68, 1, 2, {"procedure": "com.example.new_uri_here"}, []],
    [36, 1, 2, {"publisher": 2**53 + 1}, []],
    [36, 1, 2, {"x_acknowledged_delivery": "yes"}, []],
    [50, 1, {"progress": None, "callee": None}, [1]],
    # payload passthru keys, old and new form
    [48, 1, {"ppt_scheme": "mqtt"}, "com.example.hot1", [b"x"]],
    [36, 1, 2, {"enc_algo": "cryptobox"}, b"raw"],
    # lengths and element types
    [48, 1, {}, "com.example.hot1", (1,)],
    [48, 1, {}, "com.example.hot1", [1], []],
    [48, 1, {}, "com.example.hot1", [1], {}, {}],
    [48, 1, {}], [48], [48.0, 1, {}, "com.example.hot1"], [True, 1, {}, "com.example.hot1"],
    [70, 1, {}, None], [70, 1, None], [70, 1, {}, [], None],
    [17, 1, 2, 3], [17, 1], [35], [35, 1, {}], [35, 1, None], [35, 0, {"subscription": 3}],
    [34, 1, 2, None], [34, 1, 2, {"forward_for": FF, "x_a": 1}],
    # a default reported by parse(), and the same key sent as null
    [32, 1, {"match": None}, "com.example.hot1"], [32, 1, {"match": "exact"}, "com.example.hot1"],
]


@pytest.mark.parametrize("wire", ODD, ids=lambda w: repr(w)[:50])
def test_odd_messages_get_the_general_parsers_outcome(wire: list[Any]) -> None:
    code = wire[0] if type(wire[0]) is int else 48
    assert_same_outcome(MESSAGE_CLASSES[code], wire)


def test_subclass_keys_are_refused_like_the_general_parser() -> None:
    with pytest.raises(ProtocolError, match="key in Options"):
        Call.parse([48, 1, {Sub("timeout"): 5}, "com.example.hot1"])


# One valid value per Options/Details attribute of the hot messages.
EXAMPLES: dict[str, Any] = {
    "timeout": 100, "receive_progress": True, "progress": False, "transaction_hash": "th",
    "disclose_me": True, "caller": 7, "caller_authid": "a", "caller_authrole": "r",
    "forward_for": FF, "callee": 8, "callee_authid": "b", "callee_authrole": "s",
    "procedure": URIS[0], "trustlevel": 0, "publisher": 9, "publisher_authid": "c",
    "publisher_authrole": "t", "topic": URIS[1], "retained": False,
    "x_acknowledged_delivery": True, "acknowledge": True, "exclude_me": False,
    "exclude": [1], "exclude_authid": ["d"], "exclude_authrole": ["u"], "eligible": [2],
    "eligible_authid": ["e"], "eligible_authrole": ["v"], "retain": True,
}


@pytest.mark.parametrize("cls", HOT, ids=lambda c: c.__name__)
def test_marshal_sends_each_option_alone_as_the_key_by_key_path(cls: Any) -> None:
    base = {"request": 3, "registration": 4, "subscription": 5, "publication": 6,
            "procedure": URIS[0], "topic": URIS[1]}
    required = {f.attr: base[f.attr] for f in cls._HEAD if hasattr(f, "attr")}
    for key in cls._KEYS:
        value = EXAMPLES[key.attr]
        msg = cls(**required, **{key.attr: value}, args=[1])
        wire = msg.marshal()
        assert wire == _options_by_key(msg)
        assert key.key in next(e for e in wire if type(e) is dict)
        msg2 = cls(**required, **{key.attr: value})
        msg2.custom = {"x_a": 1}
        assert msg2.marshal() == _options_by_key(msg2)
        assert cls.parse(msg2.marshal()) == msg2


def test_marshal_follows_attributes_changed_after_construction() -> None:
    msg = Call(1, "com.example.hot1", args=[1])
    assert msg.marshal() == [48, 1, {}, "com.example.hot1", [1]]
    msg.timeout = 500
    assert msg.marshal() == [48, 1, {"timeout": 500}, "com.example.hot1", [1]]
    msg.timeout = None
    msg.payload, msg.enc_algo, msg.args = b"p", "mqtt", None
    assert msg.marshal() == [48, 1, {"ppt_scheme": "mqtt"}, "com.example.hot1", [b"p"]]
    sub = Unsubscribe(1, 2)
    assert sub.marshal() == [34, 1, 2]
    sub.custom = {"x_a": 1}
    assert sub.marshal() == [34, 1, 2, {"x_a": 1}]
    assert Subscribe.parse([32, 1, {}, "com.example.hot1"]).marshal() == \
        [32, 1, {}, "com.example.hot1"]


class Counting:
    """A serializer key that counts its encodings."""

    def __init__(self, tag: bytes) -> None:
        self.tag, self.count = tag, 0

    def serialize(self, obj: Any) -> bytes:
        self.count += 1
        return self.tag + repr(obj).encode()


def test_serialize_caches_one_then_several_serializers() -> None:
    msg = Event(1, 2, args=["x"])
    a, b = Counting(b"a:"), Counting(b"b:")
    first = msg.serialize(a)
    assert first == b"a:" + repr([36, 1, 2, {}, ["x"]]).encode()
    assert msg.serialize(a) is first
    second = msg.serialize(b)
    assert second.startswith(b"b:")
    assert msg.serialize(a) is first and msg.serialize(b) is second
    assert (a.count, b.count) == (1, 1)
    msg.args = ["y"]
    msg.uncache()
    assert msg.serialize(b) == b"b:" + repr([36, 1, 2, {}, ["y"]]).encode()
    assert (a.count, b.count) == (1, 2)


def test_serialize_works_on_a_message_built_without_the_cache_slot() -> None:
    msg = object.__new__(Published)
    msg.request, msg.publication = 1, 2
    key = Counting(b"")
    assert msg.serialize(key) == repr([17, 1, 2]).encode()
    assert msg.serialize(key) == repr([17, 1, 2]).encode()
    assert key.count == 1


def test_parsed_and_constructed_messages_start_without_a_cache() -> None:
    for msg in (Result.parse([50, 1, {}, [1]]), Yield(1, args=[1]),
                Unsubscribed.parse([35, 1])):
        assert msg._serialized is None


# -- the generated constructors' inline accept tests ----------------------------------------

ODD_VALUES = [None, True, False, 0, -1, 1, 2**53, 2**53 + 1, 1.5, "", "a..b", "com.example.hot1",
              Sub("com.example.hot1"), b"x", [], [1], ("t",), {}, {1: 2}, {"k": 1}, FF]
# (UNSUBSCRIBED and UNREGISTERED add a rule across fields: a revocation names its ID.)
INIT_HOT = [cls for cls in MESSAGE_CLASSES.values()
            if ("_init" in cls.__init__.__code__.co_names
                or getattr(cls.__init__, "_generated", False))
            and cls.__name__ not in ("Unsubscribed", "Unregistered")]


def _reference_error(cls: Any, attr: str, value: Any) -> str | None:
    """What the table's own check says of ``value`` for ``attr`` (None: accepted)."""
    from wamp_core.message._wire import PAYLOAD_ATTRS, check_app_payload

    try:
        for f in cls._HEAD:
            if getattr(f, "attr", None) == attr:
                f.check(value, cls._NAME, f.text)
                return None
        if value is None:
            return None
        for k in cls._KEYS:
            if k.attr == attr:
                k.check(value, cls._NAME, f"{cls._DICT}.{k.key}")
                return None
        if attr in PAYLOAD_ATTRS:
            payload = dict.fromkeys(PAYLOAD_ATTRS)
            payload[attr] = value
            check_app_payload(cls._NAME, *payload.values())
    except ProtocolError as exc:
        return str(exc)
    return None


@pytest.mark.parametrize("cls", INIT_HOT, ids=lambda c: c.__name__)
def test_constructors_accept_and_refuse_as_the_checks(cls: Any) -> None:
    params = [p for p in cls._FIELDS if p != "custom"]
    required = {f.attr: VALUES[f.attr] for f in cls._HEAD if hasattr(f, "attr")}
    for attr in params:
        for value in ODD_VALUES:
            expected = _reference_error(cls, attr, value)
            try:
                msg = cls(**{**required, attr: value})
            except ProtocolError as exc:
                assert str(exc) == expected, (attr, value)
            else:
                assert expected is None, (attr, value)
                assert value is None or getattr(msg, attr) is value


def test_generated_constructors_keep_the_hand_written_signature() -> None:
    generated = [cls for cls in MESSAGE_CLASSES.values()
                 if getattr(cls.__init__, "_generated", False)]
    assert {Call, Publish, Yield, Invocation, Event, Result, Published} <= set(generated)
    for cls in generated:
        made, hand = cls.__init__, cls.__init__.__wrapped__
        code, hand_code = made.__code__, hand.__code__
        count = code.co_argcount + code.co_kwonlyargcount
        assert code.co_varnames[:count] == hand_code.co_varnames[:count]
        assert (code.co_argcount, code.co_kwonlyargcount) == \
            (hand_code.co_argcount, hand_code.co_kwonlyargcount)
        assert made.__defaults__ == hand.__defaults__
        assert made.__kwdefaults__ == hand.__kwdefaults__
        assert made.__doc__ == hand.__doc__
    with pytest.raises(TypeError):
        Call(1, "com.example.hot1", None, None, None, None, None, None, None, None, None,
             None, None, None, None, None)  # progress and later are keyword-only
