"""Pure-Python reference implementations of the WebSocket hot paths.

These are the fallbacks of :mod:`wamp_websocket._speedups_api` and the reference the compiled
module (``_speedups.pyx``) is tested against: both must give the same results for every input.

- :func:`apply_mask` XORs a payload with the 4-byte masking key (RFC 6455 5.3), a whole
  buffer at a time through Python's arbitrary-precision integers.
- :class:`Utf8Validator` validates UTF-8 incrementally, a chunk at a time, as a text message
  arrives in frames (RFC 6455 8.1), and reports the index of the first byte at which the
  input stops being a prefix of valid UTF-8.
"""

from __future__ import annotations

from codecs import utf_8_decode
from typing import TypeAlias

__all__ = ["BytesLike", "Utf8Validator", "apply_mask"]

BytesLike: TypeAlias = bytes | bytearray | memoryview

# The UTF-8 automaton (RFC 3629 section 4). A state is premultiplied by 256 so that the next
# state is ``_NEXT[state + byte]``. ACCEPT sits on a code point boundary; REJECT is a sink.
_ACCEPT, _REJECT, _NEED1, _NEED2, _NEED3, _AFTER_E0, _AFTER_ED, _AFTER_F0, _AFTER_F4 = (
    k * 256 for k in range(9)
)


def _build_table() -> bytes:
    """Return the transition table, one row of 256 next states (premultiplied) per state."""
    table = bytearray([_REJECT // 256]) * (9 * 256)

    def row(state: int, lo: int, hi: int, target: int) -> None:
        for byte in range(lo, hi + 1):
            table[state + byte] = target // 256

    row(_ACCEPT, 0x00, 0x7F, _ACCEPT)
    row(_ACCEPT, 0xC2, 0xDF, _NEED1)
    row(_ACCEPT, 0xE0, 0xE0, _AFTER_E0)  # E0 A0..BF: no overlong 3-byte forms
    row(_ACCEPT, 0xE1, 0xEC, _NEED2)
    row(_ACCEPT, 0xED, 0xED, _AFTER_ED)  # ED 80..9F: no UTF-16 surrogates
    row(_ACCEPT, 0xEE, 0xEF, _NEED2)
    row(_ACCEPT, 0xF0, 0xF0, _AFTER_F0)  # F0 90..BF: no overlong 4-byte forms
    row(_ACCEPT, 0xF1, 0xF3, _NEED3)
    row(_ACCEPT, 0xF4, 0xF4, _AFTER_F4)  # F4 80..8F: nothing above U+10FFFF
    row(_NEED1, 0x80, 0xBF, _ACCEPT)
    row(_NEED2, 0x80, 0xBF, _NEED1)
    row(_NEED3, 0x80, 0xBF, _NEED2)
    row(_AFTER_E0, 0xA0, 0xBF, _NEED1)
    row(_AFTER_ED, 0x80, 0x9F, _NEED1)
    row(_AFTER_F0, 0x90, 0xBF, _NEED2)
    row(_AFTER_F4, 0x80, 0x8F, _NEED2)
    return bytes(table)


# The table stores state numbers (0..8) in bytes; the lookup tuple holds them premultiplied.
_NEXT: tuple[int, ...] = tuple(b * 256 for b in _build_table())

# Decode at most this many bytes at once, so that validating a huge message never builds a
# huge temporary string.
_WINDOW = 1 << 16


def apply_mask(data: BytesLike, mask: BytesLike) -> bytes:
    """Return ``data`` XOR the 4-byte ``mask`` repeated (RFC 6455 5.3); any bytes-like input."""
    if type(mask) is not bytes:
        mask = memoryview(mask).tobytes()
    if len(mask) != 4:
        raise ValueError(f"the mask must be 4 bytes long, got {len(mask)}")
    if type(data) is not bytes and type(data) is not bytearray:
        data = memoryview(data).tobytes()
    size = len(data)
    if size == 0:
        return b""
    key = (mask * ((size + 3) >> 2))[:size]
    value = int.from_bytes(data, "little") ^ int.from_bytes(key, "little")
    return value.to_bytes(size, "little")


def _run(view: memoryview, start: int, stop: int, state: int) -> tuple[int, int]:
    """Step the automaton over ``view[start:stop]``: (state, index of the rejected byte or -1)."""
    for index in range(start, stop):
        state = _NEXT[state + view[index]]
        if state == _REJECT:
            return state, index
    return state, -1


def _scan(view: memoryview, start: int, stop: int) -> tuple[int, int]:
    """Validate ``view[start:stop]`` starting on a code point boundary: (state, bad index)."""
    pos = start
    while True:
        end = min(pos + _WINDOW, stop)
        try:
            # final=False leaves a trailing incomplete (but so far valid) sequence unconsumed.
            consumed = utf_8_decode(view[pos:end], "strict", False)[1]
        except UnicodeDecodeError as exc:
            # exc.start is where the bad sequence begins; the automaton finds its bad byte.
            return _run(view, pos + exc.start, stop, _ACCEPT)
        pos += consumed
        if end == stop:
            return _run(view, pos, stop, _ACCEPT)


class Utf8Validator:
    """Incremental UTF-8 validator with Autobahn's contract.

    ``validate(chunk)`` returns ``(valid, ends_on_codepoint, current_index, total_index)``.
    While the input is valid, ``current_index`` is ``len(chunk)`` and ``total_index`` the
    number of bytes consumed since the last :meth:`reset`. At the first byte that makes the
    input invalid, ``valid`` is False, ``current_index`` is that byte's index in the chunk and
    ``total_index`` its index in the whole input; the validator then stays invalid (every
    later call answers ``(False, False, 0, total_index)``) until :meth:`reset`.
    """

    __slots__ = ("_state", "_total")

    def __init__(self) -> None:
        self._state = _ACCEPT
        self._total = 0

    def reset(self) -> None:
        """Start validating a new, independent input."""
        self._state = _ACCEPT
        self._total = 0

    def validate(self, data: BytesLike) -> tuple[bool, bool, int, int]:
        """Validate the next chunk of the input; see the class docstring for the result."""
        state = self._state
        if state == _REJECT:
            return False, False, 0, self._total
        if type(data) is bytes and state == _ACCEPT and data.isascii():
            self._total += len(data)
            return True, True, len(data), self._total
        view = memoryview(data)
        if view.format != "B" or view.ndim != 1 or not view.c_contiguous:
            view = memoryview(view.tobytes())
        size = len(view)
        index = 0
        while state != _ACCEPT and index < size:  # finish a sequence begun in an earlier chunk
            state = _NEXT[state + view[index]]
            if state == _REJECT:
                break
            index += 1
        if state == _ACCEPT and index < size:
            state, bad = _scan(view, index, size)
            index = bad if bad >= 0 else size
        self._state = state
        if state == _REJECT:
            self._total += index
            return False, False, index, self._total
        self._total += size
        return True, state == _ACCEPT, size, self._total
