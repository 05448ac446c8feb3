"""The compiled speedups and the pure-Python reference behave identically.

One test class runs against both implementations (``impl``): XOR masking (RFC 6455 5.3) and
incremental UTF-8 validation (RFC 6455 8.1, RFC 3629), checked against a byte-by-byte masking
reference and against Python's own UTF-8 decoder.
"""

from __future__ import annotations

import codecs
import importlib
import itertools
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wamp_websocket import _pure, _speedups_api

MASK = b"\x37\xfa\x21\x3d"


def _compiled() -> ModuleType | None:
    try:
        return importlib.import_module("wamp_websocket._speedups")
    except ImportError:
        return None


COMPILED = _compiled()
DEFAULT_KERNELS = COMPILED.kernels() if COMPILED is not None else {}


class PinnedKernels:
    """The compiled module with its C kernels forced (and restored after each call)."""

    def __init__(self, module: ModuleType, mask: str, utf8: str) -> None:
        self.module, self.pinned = module, {"mask": mask, "utf8": utf8}

    def call(self, function: Any, *args: Any) -> Any:
        self.module.use_kernels(**self.pinned)
        try:
            return function(*args)
        finally:
            self.module.use_kernels(**DEFAULT_KERNELS)

    def apply_mask(self, data: Any, mask: Any) -> bytes:
        return self.call(self.module.apply_mask, data, mask)  # type: ignore[no-any-return]

    def Utf8Validator(self) -> Any:
        validator = self.module.Utf8Validator()
        pinned = self

        class Validator:
            def validate(self, data: Any) -> Any:
                return pinned.call(validator.validate, data)

            def reset(self) -> None:
                validator.reset()

        return Validator()


def kernel_params() -> list[Any]:
    """The compiled module once per C kernel this CPU can run (vector and portable ones)."""
    params = []
    for mask, utf8 in (("sse2", "sse4.1"), ("words", "scalar")):
        available = COMPILED is not None
        if available:
            try:
                COMPILED.use_kernels(mask=mask, utf8=utf8)
            except ValueError:
                available = False
            COMPILED.use_kernels(**DEFAULT_KERNELS)
        impl = PinnedKernels(COMPILED, mask, utf8) if available else None
        params.append(pytest.param(impl, id=f"compiled-{mask}-{utf8}", marks=pytest.mark.skipif(
            not available, reason=f"kernels {mask}/{utf8} not available")))
    return params


IMPLEMENTATIONS = [
    pytest.param(_pure, id="pure"),
    # Skipped only when not built; test_ci_build_has_the_speedups fails CI in that case.
    pytest.param(COMPILED, id="compiled",
                 marks=pytest.mark.skipif(COMPILED is None, reason="speedups not built")),
    *kernel_params(),
]


def reference_mask(data: bytes, mask: bytes) -> bytes:
    return bytes(byte ^ mask[i % 4] for i, byte in enumerate(data))


def first_invalid_index(data: bytes) -> int | None:
    """Index of the first byte after which ``data`` is no prefix of valid UTF-8, or None."""
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError as exc:
        start = exc.start  # a bad or truncated sequence begins here, on a code point boundary
    for end in range(start + 1, min(start + 4, len(data)) + 1):
        if not valid_prefix(data[start:end]):
            return end - 1
    return None  # a sequence cut short at the end, valid so far


def valid_prefix(head: bytes) -> bool:
    """Whether some UTF-8 character starts with ``head``, checked by Python's decoder.

    (Python's incremental decoder accepts ED A0 as an incomplete sequence, so it cannot be
    the reference; completing the sequence and decoding it with final=True is exact.)
    """
    lead = head[0]
    length = 2 if 0xC2 <= lead <= 0xDF else 3 if 0xE0 <= lead <= 0xEF else \
        4 if 0xF0 <= lead <= 0xF4 else 1 if lead < 0x80 else 0
    if length < len(head):
        return False
    # Only the second byte has a narrowed range, and each range contains 0x80 or 0xBF.
    return any(_decodes(head + fill * (length - len(head))) for fill in (b"\x80", b"\xbf"))


def expected_results(chunks: list[bytes]) -> list[tuple[bool, bool, int, int]]:
    """What a validator must answer for each chunk, derived from Python's decoder."""
    whole = b"".join(chunks)
    bad = first_invalid_index(whole)
    results: list[tuple[bool, bool, int, int]] = []
    offset, failed = 0, False
    decoder = codecs.getincrementaldecoder("utf-8")()
    for chunk in chunks:
        if failed:
            results.append((False, False, 0, offset))
            continue
        if bad is not None and bad < offset + len(chunk):
            results.append((False, False, bad - offset, bad))
            offset, failed = bad, True
            continue
        offset += len(chunk)
        decoder.decode(chunk)  # valid so far, so the decoder only holds an unfinished sequence
        results.append((True, decoder.getstate()[0] == b"", len(chunk), offset))
    return results


def _decodes(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({min(c, len(data)) for c in cuts})
    bounds = [0, *points, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


# Text that exercises 1- to 4-byte sequences (so that some straddle 16/32/64-byte blocks).
MIXED = "ASCII text, Grüße, Ελληνικά, Русский, 中文字符, 日本語, 한국어, عربى, 🎉🚀, ".encode() * 7

INVALID_SEQUENCES = [
    (b"\x80", 0), (b"\xbf", 0),                  # lone continuation bytes
    (b"\xc0\x80", 0), (b"\xc1\xbf", 0),          # overlong 2-byte forms
    (b"\xe0\x80\x80", 1), (b"\xe0\x9f\xbf", 1),  # overlong 3-byte forms
    (b"\xed\xa0\x80", 1), (b"\xed\xbf\xbf", 1),  # UTF-16 surrogates
    (b"\xf0\x80\x80\x80", 1), (b"\xf0\x8f\xbf\xbf", 1),  # overlong 4-byte forms
    (b"\xf4\x90\x80\x80", 1), (b"\xf7\xbf\xbf\xbf", 0),  # above U+10FFFF
    (b"\xf5", 0), (b"\xfe", 0), (b"\xff", 0),
    (b"\xc2A", 1), (b"\xe2\x82A", 2), (b"\xf0\x9f\x98A", 3),  # sequence cut short
    (b"\xe2\x82\xac\xac", 3),                    # one continuation byte too many
]


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
class TestSpeedups:
    # -- masking --------------------------------------------------------------------------

    @pytest.mark.parametrize(
        "size", [*range(0, 70), 127, 128, 129, 255, 256, 257, 1023, 4099, 65536 + 3]
    )
    def test_mask_matches_reference(self, impl: Any, size: int) -> None:
        data = bytes((i * 7 + 3) & 0xFF for i in range(size))
        expected = reference_mask(data, MASK)
        assert impl.apply_mask(data, MASK) == expected
        assert impl.apply_mask(bytearray(data), bytearray(MASK)) == expected
        assert impl.apply_mask(memoryview(data), memoryview(MASK)) == expected

    @pytest.mark.parametrize("size", [1, 7, 15, 16, 31, 33, 100, 129, 1000, 5000])
    def test_mask_at_any_alignment(self, impl: Any, size: int) -> None:
        # Every source offset modulo 64 (the result's own alignment is the allocator's).
        backing = bytearray((i * 13 + 5) & 0xFF for i in range(size + 64))
        for offset in range(64):
            view = memoryview(backing)[offset:offset + size]
            out = impl.apply_mask(view, MASK)
            assert type(out) is bytes
            assert out == reference_mask(bytes(view), MASK), offset

    def test_mask_is_an_involution_and_leaves_input_alone(self, impl: Any) -> None:
        data = bytearray(b"payload " * 100)
        masked = impl.apply_mask(data, MASK)
        assert data == bytearray(b"payload " * 100)
        assert impl.apply_mask(masked, MASK) == bytes(data)

    @pytest.mark.parametrize("size", [(1 << 20) + 3, (12 << 20) + 5])
    def test_mask_large_buffer(self, impl: Any, size: int) -> None:
        # Large payloads take other paths: without the GIL, and past the caches (>= 12 MiB).
        data = os.urandom(size)
        masked = impl.apply_mask(memoryview(data)[1:], MASK)
        assert masked == _pure.apply_mask(data[1:], MASK)
        assert masked[:1000] == reference_mask(data[1:1001], MASK)
        assert impl.apply_mask(masked, MASK) == data[1:]
        assert impl.apply_mask(bytearray(masked), bytearray(MASK)) == data[1:]

    def test_mask_non_contiguous_and_typed_views(self, impl: Any) -> None:
        data = bytes(range(200))
        strided = memoryview(data)[::3]
        assert impl.apply_mask(strided, MASK) == reference_mask(data[::3], MASK)
        words = memoryview(bytearray(data[:40])).cast("I")
        assert impl.apply_mask(words, MASK) == reference_mask(data[:40], MASK)
        assert impl.apply_mask(data, memoryview(bytearray(MASK)).cast("I")) == \
            reference_mask(data, MASK)

    @pytest.mark.parametrize("mask", [b"", b"abc", b"abcde", bytearray(8)])
    def test_mask_of_wrong_length_raises(self, impl: Any, mask: bytes) -> None:
        with pytest.raises(ValueError, match="4 bytes"):
            impl.apply_mask(b"data", mask)

    def test_mask_of_non_buffer_raises(self, impl: Any) -> None:
        with pytest.raises(TypeError):
            impl.apply_mask("text", MASK)
        with pytest.raises(TypeError):
            impl.apply_mask(b"data", "abcd")

    @settings(max_examples=200, deadline=None)
    @given(data=st.binary(max_size=600), mask=st.binary(min_size=4, max_size=4),
           offset=st.integers(0, 15))
    def test_mask_property(self, impl: Any, data: bytes, mask: bytes,
                           offset: int) -> None:
        view = memoryview(bytes(offset) + data)[offset:]
        assert impl.apply_mask(view, mask) == reference_mask(data, mask)

    # -- UTF-8 validation -----------------------------------------------------------------

    def check(self, impl: Any, chunks: list[bytes]) -> None:
        validator = impl.Utf8Validator()
        got = [validator.validate(chunk) for chunk in chunks]
        assert got == expected_results(chunks), chunks

    def test_autobahn_contract(self, impl: Any) -> None:
        validator = impl.Utf8Validator()
        assert validator.validate("héllo".encode()) == (True, True, 6, 6)
        assert validator.validate(b"\xe2\x82") == (True, False, 2, 8)  # € cut after 2 bytes
        assert validator.validate(b"\xac!") == (True, True, 2, 10)
        assert validator.validate(b"") == (True, True, 0, 10)
        assert validator.validate(b"ab\xed\xa0\x80") == (False, False, 3, 13)  # a surrogate
        assert validator.validate(b"more") == (False, False, 0, 13)  # stays invalid
        assert validator.validate(b"") == (False, False, 0, 13)
        validator.reset()
        assert validator.validate(b"ok") == (True, True, 2, 2)

    def test_answers_kept_by_the_caller_stay_unchanged(self, impl: Any) -> None:
        # (The compiled validator reuses its answer tuple only when nobody else holds it.)
        validator = impl.Utf8Validator()
        kept = [validator.validate(b"ab"), validator.validate(b"\xe2\x82")]
        validator.validate(b"\xac")  # dropped at once
        assert validator.validate(b"\xff") == (False, False, 0, 5)
        assert kept == [(True, True, 2, 2), (True, False, 2, 4)]

    @pytest.mark.parametrize(("sequence", "bad"), INVALID_SEQUENCES)
    def test_invalid_sequences_at_exact_index(self, impl: Any, sequence: bytes,
                                              bad: int) -> None:
        for prefix in (b"", b"a", MIXED[:61], MIXED[:200]):
            data = prefix + sequence + b"tail"
            assert first_invalid_index(data) == len(prefix) + bad
            result = impl.Utf8Validator().validate(data)
            assert result == (False, False, len(prefix) + bad, len(prefix) + bad)

    @pytest.mark.parametrize(("sequence", "bad"), INVALID_SEQUENCES)
    def test_invalid_sequences_split_at_every_point(self, impl: Any, sequence: bytes,
                                                    bad: int) -> None:
        data = MIXED[:90] + sequence + MIXED[:40]
        for cut in range(len(data) + 1):
            self.check(impl, [data[:cut], data[cut:]])
        self.check(impl, [data[i:i + 1] for i in range(len(data))])

    @pytest.mark.parametrize("text", ["€", "𝄞", "ü", "a€𝄞üz", "\U0010ffff", "\ud7ff\ue000"])
    def test_sequences_cut_at_chunk_ends(self, impl: Any, text: str) -> None:
        data = text.encode("utf-8", "surrogatepass")
        for cut in range(len(data) + 1):
            self.check(impl, [data[:cut], data[cut:]])
            self.check(impl, [data[:cut]])  # a message that stops inside a code point
        self.check(impl, [data[i:i + 1] for i in range(len(data))])

    def test_every_error_position_in_long_input(self, impl: Any) -> None:
        base = bytearray(MIXED[:400])
        for position in range(len(base)):
            for bad in (0x80, 0xFF, 0xC0, 0xED):
                data = bytes(base[:position]) + bytes([bad]) + bytes(base[position + 1:])
                expected = first_invalid_index(data)
                got = impl.Utf8Validator().validate(data)
                if expected is None:
                    assert got[0] and got[3] == len(data)
                else:
                    assert got == (False, False, expected, expected), (position, bad)

    def test_long_valid_inputs_in_chunks(self, impl: Any) -> None:
        data = MIXED * 40 + ("x" * 5000).encode() + MIXED
        for size in (1, 3, 7, 16, 63, 64, 65, 1000, 4096, len(data)):
            self.check(impl, [data[i:i + size] for i in range(0, len(data), size)])

    def test_large_input_with_late_error(self, impl: Any) -> None:
        data = MIXED * (3000 + 1)  # about 1 MiB: validated without the GIL
        for position in (len(data) - 70, len(data) - 1):
            bad = data[:position] + b"\xf5" + data[position:]
            assert impl.Utf8Validator().validate(bad) == (False, False, position, position)
        assert impl.Utf8Validator().validate(data) == (True, True, len(data), len(data))

    def test_accepts_any_bytes_like(self, impl: Any) -> None:
        data = "grüße 🎉".encode()
        for form in (bytearray(data), memoryview(data), memoryview(b"xx" + data)[2:],
                     memoryview(bytearray(data + b"!!!!")).cast("I")):
            got = impl.Utf8Validator().validate(form)
            assert got == (True, True, memoryview(form).nbytes, memoryview(form).nbytes)
        strided = memoryview(b"a\xffb\xffc")[::2]
        assert impl.Utf8Validator().validate(strided) == (True, True, 3, 3)
        with pytest.raises(TypeError):
            impl.Utf8Validator().validate("text")

    @settings(max_examples=200, deadline=None)
    @given(text=st.text(max_size=300), cuts=st.lists(st.integers(0, 1300), max_size=6))
    def test_valid_text_split_anywhere(self, impl: Any, text: str,
                                       cuts: list[int]) -> None:
        self.check(impl, split(text.encode(), cuts))

    @settings(max_examples=200, deadline=None)
    @given(data=st.binary(max_size=300), cuts=st.lists(st.integers(0, 300), max_size=4))
    def test_random_bytes_split_anywhere(self, impl: Any, data: bytes,
                                         cuts: list[int]) -> None:
        self.check(impl, split(data, cuts))

    @settings(max_examples=200, deadline=None)
    @given(text=st.text(min_size=1, max_size=300), position=st.integers(0, 2000),
           junk=st.binary(min_size=1, max_size=4), cuts=st.lists(st.integers(0, 2000),
                                                                  max_size=4))
    def test_damaged_text_split_anywhere(self, impl: Any, text: str, position: int,
                                         junk: bytes, cuts: list[int]) -> None:
        data = text.encode()
        position %= len(data) + 1
        self.check(impl, split(data[:position] + junk + data[position:], cuts))


def test_api_exposes_one_implementation() -> None:
    assert isinstance(_speedups_api.SPEEDUPS, bool)
    if _speedups_api.SPEEDUPS:
        from wamp_websocket import _speedups

        assert _speedups_api.apply_mask is _speedups.apply_mask
        assert _speedups_api.Utf8Validator is _speedups.Utf8Validator
    else:
        assert _speedups_api.apply_mask is _pure.apply_mask
        assert _speedups_api.Utf8Validator is _pure.Utf8Validator


def test_ci_build_has_the_speedups() -> None:
    """CI builds with WAMP_WEBSOCKET_BUILD_EXTENSION=yes: then the compiled versions are used."""
    if os.environ.get("WAMP_WEBSOCKET_BUILD_EXTENSION", "").lower() != "yes":
        pytest.skip("WAMP_WEBSOCKET_BUILD_EXTENSION is not 'yes'")
    if os.environ.get("WAMP_WEBSOCKET_NO_SPEEDUPS"):
        pytest.skip("WAMP_WEBSOCKET_NO_SPEEDUPS is set")
    assert _speedups_api.SPEEDUPS, "WAMP_WEBSOCKET_BUILD_EXTENSION=yes but SPEEDUPS is False"


def test_no_speedups_switch_forces_the_fallback() -> None:
    probe = "import wamp_websocket._speedups_api as a; print(a.SPEEDUPS, a.apply_mask.__module__)"
    env = dict(os.environ, WAMP_WEBSOCKET_NO_SPEEDUPS="1")
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                         text=True, timeout=60, check=True)
    assert out.stdout.split() == ["False", "wamp_websocket._pure"]


PACKAGE_ROOT = Path(__file__).resolve().parents[2] / "packages" / "wamp-websocket"


@pytest.mark.slow
@pytest.mark.parametrize(("switch", "compiled"), [("no", False), ("yes", True)])
def test_build_switch_decides_the_wheel(tmp_path: Path, switch: str, compiled: bool) -> None:
    """WAMP_WEBSOCKET_BUILD_EXTENSION=no builds a pure wheel; yes a platform wheel with C."""
    env = dict(os.environ, WAMP_WEBSOCKET_BUILD_EXTENSION=switch)
    out = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path),
         str(PACKAGE_ROOT)],
        env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    (wheel,) = tmp_path.glob("wamp_websocket-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/WHEEL")))
    binaries = [n for n in names if n.endswith((".so", ".pyd"))]
    assert "wamp_websocket/_speedups_api.py" in names
    assert "wamp_websocket/_speedups.pyi" in names
    assert not [n for n in names if n.endswith((".pyx", ".c", ".h"))]
    if compiled:
        assert not wheel.name.endswith("-py3-none-any.whl")
        assert b"Root-Is-Purelib: false" in metadata
        assert any(n.startswith("wamp_websocket/_speedups.") for n in binaries), names
    else:
        assert wheel.name.endswith("-py3-none-any.whl")
        assert b"Root-Is-Purelib: true" in metadata
        assert binaries == []
