"""wamp_core.serializer under generated input.

- ``unserialize`` of arbitrary or mangled bytes raises SerializationError or
  ProtocolError and nothing else, for every serializer and mode;
- generated application payloads (any JSON-like value, bytes at any depth)
  come back equal through every serializer.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from _serializer_samples import FBS_SAMPLES, SAMPLES
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from wamp_core import serializer as S
from wamp_core.exception import ProtocolError, SerializationError
from wamp_core.message import Call, Event, Message, Result

BATCHABLE = [S.JsonSerializer, S.MsgPackSerializer, S.CBORSerializer, S.UBJSONSerializer]
MODES = [(cls, b) for cls in BATCHABLE for b in (False, True)] + [(S.FlatBuffersSerializer, False)]
MODE_IDS = [f"{cls.SERIALIZER_ID}{'.batched' if b else ''}" for cls, b in MODES]

FUZZ = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
LIGHT = settings(FUZZ, max_examples=100)


def _samples(cls: type[S.Serializer]) -> list[Message]:
    return FBS_SAMPLES if cls is S.FlatBuffersSerializer else SAMPLES


def assert_only_wamp_errors(ser: S.Serializer, payload: bytes) -> None:
    try:
        messages = ser.unserialize(payload)
    except (SerializationError, ProtocolError):
        return
    assert isinstance(messages, list)
    assert all(isinstance(m, Message) for m in messages)


@pytest.mark.parametrize(("cls", "batched"), MODES, ids=MODE_IDS)
@FUZZ
@given(payload=st.binary(max_size=300))
def test_arbitrary_bytes_raise_only_wamp_errors(cls: type[S.Serializer], batched: bool,
                                                payload: bytes) -> None:
    assert_only_wamp_errors(cls(batched=batched), payload)


@pytest.mark.parametrize(("cls", "batched"), MODES, ids=MODE_IDS)
@LIGHT
@given(data=st.data())
def test_mangled_messages_raise_only_wamp_errors(cls: type[S.Serializer], batched: bool,
                                                 data: st.DataObject) -> None:
    ser = cls(batched=batched)
    msg = data.draw(st.sampled_from(_samples(cls)))
    payload = bytearray(ser.serialize(msg)[0])
    edits = data.draw(st.lists(
        st.tuples(st.integers(0, max(len(payload) - 1, 0)), st.integers(0, 255),
                  st.sampled_from(["set", "insert", "delete"])),
        min_size=1, max_size=4,
    ))
    for pos, value, op in edits:
        pos = min(pos, len(payload))
        if op == "set" and pos < len(payload):
            payload[pos] = value
        elif op == "insert":
            payload.insert(pos, value)
        elif op == "delete" and pos < len(payload):
            del payload[pos]
    cut = data.draw(st.integers(0, len(payload)))
    assert_only_wamp_errors(ser, bytes(payload[:cut] if data.draw(st.booleans()) else payload))


@FUZZ
@given(text=st.text(alphabet=st.sampled_from('[]{},:"\\u0123456789.-+eEtrufalsn \x00\x1e\x18'),
                    max_size=80))
def test_json_like_text_raises_only_wamp_errors(text: str) -> None:
    for batched in (False, True):
        assert_only_wamp_errors(S.JsonSerializer(batched=batched), text.encode())


# -- payload round trips --------------------------------------------------------------------

_INT64 = st.integers(-(2**63), 2**63 - 1)
_TEXT = st.text(max_size=20).filter(lambda s: not s.startswith("\x00"))
_LEAVES = st.none() | st.booleans() | _INT64 | st.floats(allow_nan=False) | _TEXT | \
    st.binary(max_size=20)
_VALUES = st.recursive(
    _LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=20,
)
_ARGS = st.lists(_VALUES, max_size=4)
_KWARGS = st.dictionaries(_TEXT, _VALUES, max_size=4)


def _fits(cls: type[S.Serializer], value: Any) -> bool:
    """UBJSON has no infinities (py-ubjson writes null): skip those values there."""
    if isinstance(value, float):
        return cls is not S.UBJSONSerializer or math.isfinite(value)
    if isinstance(value, list):
        return all(_fits(cls, v) for v in value)
    if isinstance(value, dict):
        return all(_fits(cls, v) for v in value.values())
    return True


@pytest.mark.parametrize(("cls", "batched"), MODES, ids=MODE_IDS)
@LIGHT
@given(args=_ARGS, kwargs=_KWARGS, kind=st.sampled_from(["call", "event", "result"]))
def test_generated_payloads_round_trip(cls: type[S.Serializer], batched: bool,
                                       args: list[Any], kwargs: dict[str, Any],
                                       kind: str) -> None:
    assume(_fits(cls, args) and _fits(cls, kwargs))
    msg: Message
    if kind == "call":
        msg = Call(1, "com.example.proc", args=args, kwargs=kwargs)
    elif kind == "event":
        msg = Event(2, 3, args=args, kwargs=kwargs)
    else:
        msg = Result(4, args=args, kwargs=kwargs)
    ser = cls(batched=batched)
    data, is_binary = ser.serialize(msg)
    assert ser.unserialize(data, is_binary) == [msg]
