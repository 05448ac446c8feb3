"""The compiled CBOR module and the pure path give cbor2's bytes and values.

Every test here runs against both implementations (``impl``: the pure path, ``_cbor.dumps``
with ``cbor2.loads``, and the compiled ``_cbor_speedups``); the reference is always cbor2
itself. The serializer-level tests swap the implementation under ``CBORSerializer``.
"""

from __future__ import annotations

import collections
import datetime
import decimal
import enum
import math
import os
import struct
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import cbor2
import pytest
from _serializer_samples import SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st
from wamp_core import serializer as S
from wamp_core.exception import SerializationError
from wamp_core.message import Call, Event, Publish
from wamp_core.serializer import _cbor, _cbor_impl, _wamp


def _compiled() -> ModuleType | None:
    try:
        from wamp_core.serializer import _cbor_speedups
    except ImportError:
        return None
    return _cbor_speedups


COMPILED = _compiled()
PURE = SimpleNamespace(dumps=_cbor.dumps, loads=cbor2.loads, __name__="pure")
IMPLEMENTATIONS = [
    pytest.param(PURE, id="pure"),
    # Skipped only when not built; test_ci_build_has_the_speedups fails CI in that case.
    pytest.param(COMPILED, id="compiled",
                 marks=pytest.mark.skipif(COMPILED is None, reason="CBOR speedups not built")),
]
needs_compiled = pytest.mark.skipif(COMPILED is None, reason="CBOR speedups not built")

# -- values, and how to compare outcomes -------------------------------------------------------

INT_EDGES = [0, 1, 23, 24, 255, 256, 65535, 65536, 2**32 - 1, 2**32, 2**53, 2**63 - 1, 2**63,
             2**64 - 1, 2**64, 2**70, -1, -24, -25, -256, -257, -65536, -65537, -(2**32),
             -(2**32) - 1, -(2**63), -(2**63) - 1, -(2**64), -(2**64) - 1, -(2**70)]
FLOAT_EDGES = [0.0, -0.0, 1.5, -2.25, 0.1, 5e-324, 2.2250738585072014e-308, 1e300, 65504.0,
               float("nan"), float("inf"), float("-inf"), -float("nan"),
               struct.unpack(">d", bytes.fromhex("7ff0000000000001"))[0]]
STRINGS = ["", "a", "x" * 23, "x" * 24, "x" * 255, "x" * 256, "x" * 65535, "x" * 65536,
           "é", "grüße", "€" * 100, "中文字符", "\U0001f600", "a\U0010ffffz", "\x00\x7f\x80"]

json_scalars = (st.none() | st.booleans() | st.integers() | st.sampled_from(INT_EDGES)
                | st.floats() | st.text(max_size=40) | st.binary(max_size=40))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=12) | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=8) | st.integers() | st.booleans() | st.binary(max_size=4),
                      inner, max_size=7),
    max_leaves=40,
)


def same(a: Any, b: Any) -> bool:
    """Equal values of equal types, floats to the bit (NaN payloads too), dicts in order."""
    pairs = [(a, b)]  # a stack, not recursion: some values are hundreds of levels deep
    while pairs:
        x, y = pairs.pop()
        if type(x) is not type(y):
            return False
        if type(x) is float:
            if struct.pack(">d", x) != struct.pack(">d", y):
                return False
        elif type(x) in (list, tuple, dict):
            if len(x) != len(y):
                return False
            if type(x) is dict:
                pairs += zip([*x, *x.values()], [*y, *y.values()], strict=True)
            else:
                pairs += zip(x, y, strict=True)
        elif x != y and repr(x) != repr(y):  # repr: NaN inside tags, sets ...
            return False
    return True


def outcome(function: Callable[[Any], Any], arg: Any) -> tuple[Any, ...]:
    """("ok", value) or ("error", exception type, message)."""
    try:
        return ("ok", function(arg))
    except Exception as exc:
        return ("error", type(exc), str(exc))


def assert_same_outcome(got: tuple[Any, ...], want: tuple[Any, ...]) -> None:
    if want[0] == "ok":
        assert got[0] == "ok", got
        assert same(got[1], want[1]), (got[1], want[1])
    else:
        assert got == want


def encoding(function: Callable[[Any], bytes], value: Any) -> bytes | type[Exception]:
    """The bytes, or the type of the error."""
    try:
        return function(value)
    except Exception as exc:
        return type(exc)


def nested(depth: int, leaf: Any = "leaf") -> Any:
    """``leaf`` inside ``depth`` containers, lists and dicts in turn."""
    value = leaf
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


class Weird(enum.IntEnum):
    A = 1


EDGE_VALUES = [
    INT_EDGES, [[i] for i in INT_EDGES], {i: i for i in INT_EDGES},
    FLOAT_EDGES, STRINGS, {s: s for s in STRINGS[:12]},
    [b"", b"\x00" * 23, b"\xff" * 24, b"b" * 256, b"c" * 65536, bytearray(b"ab"), bytearray()],
    [{}, [], (), [[]], [{}], {"": {}}, ((),), [[[[]]]]],
    [list(range(8)), list(range(9)), list(range(100)), {i: str(i) for i in range(40)}],
    {2: "int", "1": "str", b"1": "bytes", (1, 2): "tuple", None: "none", True: "true",
     1.5: "float", frozenset({1}): "frozenset"},
    [memoryview(b"ab")],  # cbor2 6: an array of integers; cbor2 5: an error
    [{1, 2}, frozenset(), decimal.Decimal("1.5"), Weird.A,
     collections.OrderedDict(a=1), type("S", (str,), {})("sub"), type("F", (float,), {})(1.5),
     type("L", (list,), {})([1]), cbor2.CBORTag(4000, [1, "x"]), cbor2.undefined,
     datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)],
    [True, False, None, 0, -1, "", b""],
    nested(30), nested(200), "x" * 100_000, [b"y" * 5000] * 300,
    [48, 8191, {}, "com.example.add2", [23, 7]],
    [36, 5512315355, 4429313566, {}, [], {"text": "t" * 900, "price": 19.99, "ok": True}],
]

# -- encoder ------------------------------------------------------------------------------------


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
class TestEncoder:
    @settings(max_examples=200, deadline=None)
    @given(json_values)
    def test_bytes_are_cbor2s(self, impl: Any, value: Any) -> None:
        assert impl.dumps(value) == cbor2.dumps(value)
        message = [36, 2**40, 7, {"k": value}, [value], {"v": value, "w": [value, value]}]
        assert impl.dumps(message) == cbor2.dumps(message)

    @pytest.mark.parametrize("value", EDGE_VALUES, ids=lambda v: repr(v)[:40])
    def test_bytes_are_cbor2s_on_edges(self, impl: Any, value: Any) -> None:
        assert encoding(impl.dumps, value) == encoding(cbor2.dumps, value)
        assert encoding(impl.dumps, [value]) == encoding(cbor2.dumps, [value])

    @pytest.mark.parametrize("value", [*INT_EDGES, *FLOAT_EDGES, *STRINGS, None, True, b"z"])
    def test_scalars_alone_are_cbor2s(self, impl: Any, value: Any) -> None:
        assert impl.dumps(value) == cbor2.dumps(value)

    def test_known_bytes(self, impl: Any) -> None:
        # RFC 8949 appendix A examples.
        assert impl.dumps([1, [2, 3], [4, 5]]).hex() == "8301820203820405"
        assert impl.dumps({"a": 1, "b": [2, 3]}).hex() == "a26161016162820203"
        assert impl.dumps(-1000).hex() == "3903e7"
        assert impl.dumps(2**64 - 1).hex() == "1bffffffffffffffff"
        assert impl.dumps(-(2**64)).hex() == "3bffffffffffffffff"
        assert impl.dumps("\u00fc").hex() == "62c3bc"
        assert impl.dumps(1.1).hex() == "fb3ff199999999999a"

    @pytest.mark.parametrize("text", ["\ud800", "a\udfffb", "\udc00" * 3, "é\ud83d"])
    def test_lone_surrogates_raise_like_cbor2(self, impl: Any, text: str) -> None:
        for value in (text, [text], {"k": text}, {text: 1}, [1, {"a": [text]}]):
            with pytest.raises(UnicodeEncodeError) as ours:
                impl.dumps(value)
            with pytest.raises(UnicodeEncodeError) as theirs:
                cbor2.dumps(value)
            assert str(ours.value) == str(theirs.value)

    def test_unencodable_values_raise_like_cbor2(self, impl: Any) -> None:
        for value in (object(), [1, object()], {"k": {"j": object()}}):
            with pytest.raises(cbor2.CBOREncodeError):
                impl.dumps(value)
        cycle: list[Any] = []
        cycle.append(cycle)
        with pytest.raises(cbor2.CBOREncodeValueError):
            impl.dumps([1, cycle])

    def test_nesting_up_to_the_limit_is_cbor2s(self, impl: Any) -> None:
        limit = COMPILED.MAX_NESTING if COMPILED is not None else 400
        for depth in (_cbor.MAX_DEPTH, _cbor.MAX_DEPTH + 1, limit - 1, limit):
            value = nested(depth)
            assert impl.dumps(value) == cbor2.dumps(value)

    def test_large_output_grows_the_buffer(self, impl: Any) -> None:
        for value in ([b"x" * 3000, "y" * 3000], list(range(5000)), ["é" * 10_000] * 50,
                      {str(i): [i, "v" * i] for i in range(300)}):
            assert impl.dumps(value) == cbor2.dumps(value)


@needs_compiled
def test_compiled_refuses_nesting_beyond_the_limit() -> None:
    assert COMPILED is not None
    limit = COMPILED.MAX_NESTING
    assert COMPILED.dumps(nested(limit)) == cbor2.dumps(nested(limit))
    # Far deeper than the C stack would allow if it recursed without a limit.
    for depth in (limit + 1, 100_000):
        with pytest.raises(cbor2.CBOREncodeValueError, match=f"deeper than {limit} containers"):
            COMPILED.dumps(nested(depth))
    with pytest.raises(cbor2.CBOREncodeValueError, match="cyclic"):
        cycle: dict[str, Any] = {}
        cycle["self"] = cycle
        COMPILED.dumps(cycle)


# -- decoder ------------------------------------------------------------------------------------

DECODE_EDGES = [
    "f93c00", "f90001", "f903ff", "f90400", "f97bff", "f97c00", "f9fc00", "f97e00", "f97c01",
    "f9fe00", "f97e01", "f98000", "fa47c35000", "fa7f800000", "fa7f800001", "fa7fc00001",
    "fa00000001", "fb3ff199999999999a", "fb7ff8000000000001", "fb8000000000000000",
    "17", "1818", "1900ff", "1a00010000", "1b0000000100000000", "1bffffffffffffffff",
    "3bffffffffffffffff", "3b7fffffffffffffff", "3b8000000000000000", "20", "3818",
    "1800", "190000", "7800", "780161", "5900026162",  # non-shortest heads, accepted
    "40", "60", "80", "a0", "f4", "f5", "f6", "f7", "f0", "f820", "f818", "ff", "1c", "5c",
    "c1fb41d452d9ec200000", "c249010000000000000000", "d9d9f7820102", "d81843a10102",
    "5f41614162ff", "7f6161ff", "9f01ff", "bf6161f5ff", "9fff",
    "a2616101616102", "a3010202030104", "a18001", "a1a10102", "a1a00102", "a1f97e0001",
    "a1fb7ff800000000000001", "a141780a", "a1f601", "a1f5f4",
    "62c3bc", "62eda080", "63e282", "61ff", "62c0af", "64f0908080", "64f4908080",
    "8261616161", "830102", "83010203ff", "a26161", "", "00ff", "0102", "8201020304",
    "9b00000000ffffffff", "9bffffffffffffffff", "bbffffffffffffffff", "ba7fffffff",
    "5bffffffffffffffff", "7b7fffffffffffffff", "5a7fffffff", "7a7fffffff61",
    "81" * 63 + "80", "81" * 64 + "80", "81" * 65 + "80", "81" * 400 + "80", "81" * 401 + "80",
    "d8" + "18" * 2, "818181",
]


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
class TestDecoder:
    @pytest.mark.parametrize("hexdata", DECODE_EDGES, ids=lambda h: h[:24] or "empty")
    def test_edges_decode_as_cbor2(self, impl: Any, hexdata: str) -> None:
        data = bytes.fromhex(hexdata)
        assert_same_outcome(outcome(impl.loads, data), outcome(cbor2.loads, data))

    @settings(max_examples=300, deadline=None)
    @given(st.binary(max_size=40))
    def test_arbitrary_bytes_decode_as_cbor2(self, impl: Any, data: bytes) -> None:
        assert_same_outcome(outcome(impl.loads, data), outcome(cbor2.loads, data))

    @settings(max_examples=200, deadline=None)
    @given(json_values, st.data())
    def test_damaged_encodings_decode_as_cbor2(self, impl: Any, value: Any,
                                               data: st.DataObject) -> None:
        encoded = cbor2.dumps([value, {"k": value}])
        assert_same_outcome(outcome(impl.loads, encoded), outcome(cbor2.loads, encoded))
        cut = data.draw(st.integers(0, len(encoded)))
        position = data.draw(st.integers(0, len(encoded)))
        byte = data.draw(st.integers(0, 255))
        for damaged in (encoded[:cut], encoded[:position] + bytes([byte]) + encoded[position + 1:],
                        encoded[:position] + bytes([byte]) + encoded[position:]):
            assert_same_outcome(outcome(impl.loads, damaged), outcome(cbor2.loads, damaged))

    @pytest.mark.parametrize("value", EDGE_VALUES, ids=lambda v: repr(v)[:40])
    def test_encoded_edges_decode_as_cbor2(self, impl: Any, value: Any) -> None:
        encoded = encoding(cbor2.dumps, value)
        if not isinstance(encoded, bytes):
            pytest.skip(f"this cbor2 cannot encode it ({encoded.__name__})")
        assert_same_outcome(outcome(impl.loads, encoded), outcome(cbor2.loads, encoded))

    def test_trailing_octets_are_ignored_like_cbor2(self, impl: Any) -> None:
        assert impl.loads(b"\x82\x01\x02\xff\xff") == [1, 2]
        assert impl.loads(b"\x01\x02") == 1

    def test_any_buffer_decodes(self, impl: Any) -> None:
        encoded = cbor2.dumps({"a": [1, "b", b"c"]})
        for form in (bytearray(encoded), memoryview(encoded), memoryview(b"xx" + encoded)[2:],
                     memoryview(bytearray(encoded))):
            assert impl.loads(form) == {"a": [1, "b", b"c"]}
        strided = memoryview(b"\x82\x00\x01\x00\x02")[::2]  # what cbor2 makes of it, too
        assert_same_outcome(outcome(impl.loads, strided), outcome(cbor2.loads, strided))

    @pytest.mark.parametrize("data", [
        bytes.fromhex(h) for h in ["9bffffffffffffffff", "bbffffffffffffffff",
                                   "5bffffffffffffffff", "7b7fffffffffffffff",
                                   "9a7fffffff01", "ba7fffffff0102", "829a7fffffff00"]
    ] + [
        # 20 nested arrays, each claiming 65536 items: one octet is there for each, not more.
        b"\x9a\x00\x01\x00\x00" * 20 + b"\x00" * 65536,
        b"\xba\x00\x00\x80\x00\x00" * 20 + b"\x00" * 65536,
    ], ids=lambda d: d[:12].hex())
    def test_declared_lengths_beyond_the_input_allocate_nothing(self, impl: Any,
                                                                data: bytes) -> None:
        result, peak = peak_memory(impl.loads, data)
        reference, reference_peak = peak_memory(cbor2.loads, data)
        assert result[0] == "error"
        assert_same_outcome(result, reference)
        assert peak < reference_peak + (1 << 20)  # no more than cbor2 spends on it itself


def peak_memory(function: Callable[[Any], Any], arg: Any) -> tuple[tuple[Any, ...], int]:
    import tracemalloc

    tracemalloc.start()
    try:
        result = outcome(function, arg)
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@needs_compiled
@pytest.mark.parametrize("data", [
    b"\x9a\x00\x01\x00\x00" * 20 + b"\x00" * 65536,
    b"\xba\x00\x00\x80\x00\x00" * 20 + b"\x00" * 65536,
    b"\x9b" + b"\xff" * 8, b"\x9f" * 30 + b"\x9a\x00\x01\x00\x00" * 20,
], ids=lambda d: d[:12].hex())
def test_compiled_decoder_allocates_at_most_the_input_size(
        data: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    assert COMPILED is not None

    def no_fallback(data: Any) -> Any:
        raise ValueError("left to cbor2")

    monkeypatch.setattr(COMPILED, "_cbor2_loads", no_fallback)
    result, peak = peak_memory(COMPILED.loads, data)
    assert result == ("error", ValueError, "left to cbor2")
    assert peak < 16 * len(data) + (64 << 10)  # list slots: 8 octets per input octet at most


# -- the serializer over each implementation -------------------------------------------------


@pytest.fixture(params=IMPLEMENTATIONS)
def cbor_impl(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``CBORSerializer`` instances made in the test use the implementation ``impl``."""
    impl = request.param
    monkeypatch.setattr(_cbor_impl, "dumps", impl.dumps)
    monkeypatch.setattr(_cbor_impl, "loads", impl.loads)
    monkeypatch.setattr(_wamp, "_SHARED", {})  # no serializer built with the other one
    yield impl


@pytest.mark.parametrize("batched", [False, True])
def test_serializer_round_trips_every_sample(cbor_impl: Any, batched: bool) -> None:
    ser = S.CBORSerializer(batched=batched)
    for msg in SAMPLES:
        msg.uncache()
        data, binary = ser.serialize(msg)
        raw = cbor2.dumps(msg.marshal())
        assert binary
        assert data == (struct.pack(">I", len(raw)) + raw if batched else raw)
        assert ser.unserialize(data, True) == [msg]
        msg.uncache()


def test_serializer_uses_the_implementation(cbor_impl: Any) -> None:
    objser = S.CBORSerializer()._serializer
    assert objser._cache_key.serialize is cbor_impl.dumps
    assert objser._decode_single is cbor_impl.loads


def test_serializer_batches(cbor_impl: Any) -> None:
    ser = S.CBORSerializer(batched=True)
    msgs = [Call(1, "com.a", args=[1, "é"]), Publish(2, "com.b", kwargs={"x": b"\x00"})]
    data, _ = ser.serialize_many(msgs)
    assert ser.unserialize(data, True) == msgs


def test_serializer_event_1kib(cbor_impl: Any) -> None:
    kwargs = {"text": "t" * 900, "id": 1234567, "price": 19.99, "tags": ["a", "b"], "ok": True}
    msg = Event(5512315355, 4429313566, args=[], kwargs=kwargs)
    data, _ = S.CBORSerializer().serialize(msg)
    assert data == cbor2.dumps(msg.marshal())
    (back,) = S.CBORSerializer().unserialize(data, True)
    assert back == msg and back.kwargs == kwargs


@pytest.mark.parametrize("args", [["\ud800"], [{"k": object()}], [math.nan, {"\udfff": 1}]])
def test_serializer_refuses_unencodable_arguments(cbor_impl: Any, args: list[Any]) -> None:
    with pytest.raises(SerializationError, match="cannot serialize CALL message to CBOR"):
        S.CBORSerializer().serialize(Call(1, "com.a", args=args))


@pytest.mark.parametrize("payload", [b"", b"\x83\x30", b"\x84\x30\x01\xa0\x62\xff\xfe",
                                     b"\x9b\xff\xff\xff\xff\xff\xff\xff\xff", b"\x1c",
                                     b"\x85\x30\x01\xa0\x7a\x7f\xff\xff\xff"])
def test_serializer_refuses_bad_payloads(cbor_impl: Any, payload: bytes) -> None:
    with pytest.raises(SerializationError, match="invalid CBOR payload"):
        S.CBORSerializer().unserialize(payload, True)


def test_serializer_reads_tags_through_cbor2(cbor_impl: Any) -> None:
    # An indefinite-length URI and a tagged argument: the rare forms go to cbor2.
    payload = (b"\x85\x18\x30\x0a\xa0" + b"\x7f\x63com\x62.a\xff"  # [48, 10, {}, "com.a",
               + b"\x82\xc1\x01\xd9\xd9\xf7\x01")  # [datetime(1), self-described 1]]
    (msg,) = S.CBORSerializer().unserialize(payload, True)
    assert msg.procedure == "com.a"
    assert msg.args == [datetime.datetime(1970, 1, 1, 0, 0, 1, tzinfo=datetime.timezone.utc), 1]


# -- which implementation, and the build switch -------------------------------------------------


def test_api_exposes_one_implementation() -> None:
    assert S.CBOR_SPEEDUPS is _cbor_impl.CBOR_SPEEDUPS
    assert isinstance(S.CBOR_SPEEDUPS, bool)
    if S.CBOR_SPEEDUPS:
        assert COMPILED is not None
        assert (_cbor_impl.dumps, _cbor_impl.loads) == (COMPILED.dumps, COMPILED.loads)
    else:
        assert (_cbor_impl.dumps, _cbor_impl.loads) == (_cbor.dumps, cbor2.loads)


def test_ci_build_has_the_speedups() -> None:
    """CI builds with WAMP_CORE_BUILD_EXTENSION=yes: then the compiled CBOR module is used."""
    if os.environ.get("WAMP_CORE_BUILD_EXTENSION", "").lower() != "yes":
        pytest.skip("WAMP_CORE_BUILD_EXTENSION is not 'yes'")
    if os.environ.get("WAMP_CORE_NO_SPEEDUPS"):
        pytest.skip("WAMP_CORE_NO_SPEEDUPS is set")
    assert S.CBOR_SPEEDUPS, "WAMP_CORE_BUILD_EXTENSION=yes but CBOR_SPEEDUPS is False"


def test_no_speedups_switch_forces_the_pure_path() -> None:
    probe = ("import wamp_core.serializer as s, wamp_core.serializer._cbor_impl as i; "
             "print(s.CBOR_SPEEDUPS, i.dumps.__module__)")
    env = dict(os.environ, WAMP_CORE_NO_SPEEDUPS="1")
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                         text=True, timeout=60, check=True)
    assert out.stdout.split() == ["False", "wamp_core.serializer._cbor"]


PACKAGE_ROOT = Path(__file__).resolve().parents[2] / "packages" / "wamp-core"


def _build(tmp_path: Path, switch: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, WAMP_CORE_BUILD_EXTENSION=switch)
    return subprocess.run(
        [sys.executable, "-m", "pip", *args, "--no-deps", "--quiet", "-w", str(tmp_path),
         str(PACKAGE_ROOT)],
        env=env, capture_output=True, text=True, timeout=600, check=False,
    )


@pytest.mark.slow
@pytest.mark.parametrize(("switch", "compiled"), [("no", False), ("yes", True)])
def test_build_switch_decides_the_wheel(tmp_path: Path, switch: str, compiled: bool) -> None:
    """WAMP_CORE_BUILD_EXTENSION=no builds a pure wheel; yes a platform wheel with the module."""
    out = _build(tmp_path, switch, "wheel")
    assert out.returncode == 0, out.stderr[-3000:]
    (wheel,) = tmp_path.glob("wamp_core-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/WHEEL")))
    binaries = [n for n in names if n.endswith((".so", ".pyd"))]
    assert "wamp_core/serializer/_cbor_impl.py" in names
    assert "wamp_core/serializer/_cbor_speedups.pyi" in names
    assert not [n for n in names if n.endswith((".pyx", ".c"))]
    if compiled:
        assert not wheel.name.endswith("-py3-none-any.whl")
        assert b"Root-Is-Purelib: false" in metadata
        assert [n for n in binaries if n.startswith("wamp_core/serializer/_cbor_speedups.")]
    else:
        assert wheel.name.endswith("-py3-none-any.whl")
        assert b"Root-Is-Purelib: true" in metadata
        assert binaries == []


@pytest.mark.slow
def test_sdist_carries_the_cython_source(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--outdir", str(tmp_path), str(PACKAGE_ROOT)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    if out.returncode != 0 and "No module named build" in out.stderr:
        pytest.skip("the 'build' frontend is not installed")
    assert out.returncode == 0, out.stderr[-3000:]
    (sdist,) = tmp_path.glob("wamp_core-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = [n.split("/", 1)[1] for n in archive.getnames() if "/" in n]
    assert "hatch_build.py" in names
    assert "src/wamp_core/serializer/_cbor_speedups.pyx" in names
    assert "src/wamp_core/serializer/_cbor_speedups.pyi" in names
    assert not [n for n in names if n.endswith((".so", ".pyd")) or n.startswith("build/")]
