"""WebSocket hot paths of wamp_websocket against what a user would pick instead.

    hatch run bench:websocket                  # every section, sizes 16 B .. 16 MiB
    python benchmarks/websocket.py --quick     # fewer sizes, shorter runs
    python benchmarks/websocket.py --section mask --section utf8

Sections (all measured in one run, ratios taken within that run):

- mask: XOR masking of a payload (RFC 6455 5.3) by ``wamp_websocket.apply_mask`` against
  websockets' C ``apply_mask``, wsaccel's and Autobahn|Python's NVX maskers (created per frame,
  as those libraries use them) and a plain copy of the same bytes, ``bytes(bytearray)``.
- utf8: ``wamp_websocket.Utf8Validator().validate`` on ASCII and on mixed multilingual text
  against ``bytes.decode('utf-8')``, wsaccel's and Autobahn's NVX validators.
- frames: parsing a stream of small masked frames (added with the engine; see
  ``section_frames``).

Each figure is the best of several short runs, the contenders interleaved round by round so
that load from other processes hits them alike. Goals (from the project's issue) are checked
at the end: a table line says which sizes miss.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import timeit
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import wamp_websocket._pure as pure
from wamp_websocket import _speedups_api

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import environment

KiB, MiB = 1 << 10, 1 << 20
SIZES = [16, 64, 256, KiB, 4 * KiB, 16 * KiB, 64 * KiB, 256 * KiB, MiB, 4 * MiB, 16 * MiB]
QUICK_SIZES = [16, 256, 4 * KiB, 64 * KiB, MiB, 16 * MiB]
MASK = b"\x5a\xc3\x17\x8e"
# Scripts of several widths: 1-byte ASCII, 2-byte Latin/Greek/Cyrillic/Arabic, 3-byte CJK and
# Hangul, 4-byte emoji; about a quarter of the bytes are ASCII.
MIXED_SAMPLE = (
    "Größenordnung née façade; Ελληνικά κείμενα; Русский текст здесь; العربية نص; "
    "中文字符测试文本 日本語のテキスト。한국어 텍스트입니다. 🎉🚀🌍✨ emoji! "
)


@dataclass
class Contender:
    name: str
    stmt: str
    env: dict[str, Any]
    best: float = float("inf")
    number: int = 1


@dataclass
class Result:
    size: int
    seconds: dict[str, float] = field(default_factory=dict)

    def rate(self, name: str) -> float | None:
        """GB/s of ``name`` at this size, or None when not measured."""
        t = self.seconds.get(name)
        return None if t is None else self.size / t / 1e9


def measure(contenders: list[Contender], *, run_seconds: float, rounds: int) -> None:
    """Best time per call of each contender.

    The statement runs in timeit's loop (no Python call around it), timed in CPU time of this
    process; rounds interleave the contenders, every other round in reverse order.
    """
    timers = [timeit.Timer(c.stmt, timer=time.process_time, globals=c.env)
              for c in contenders]
    for c, timer in zip(contenders, timers, strict=True):
        number, elapsed = 1, timer.timeit(1)
        while elapsed < run_seconds / 4 and number < 1 << 24:
            number *= 4 if elapsed < run_seconds / 16 else 2
            elapsed = timer.timeit(number)
        c.number = max(1, int(number * run_seconds / max(elapsed, 1e-9)))
    pairs = list(zip(contenders, timers, strict=True))
    for round_ in range(rounds):
        for c, timer in pairs if round_ % 2 == 0 else reversed(pairs):
            c.best = min(c.best, timer.timeit(c.number) / c.number)


# ---- peers (each optional: a missing one is reported, not fatal) --------------------------

def load_peers() -> dict[str, Any]:
    peers: dict[str, Any] = {}
    try:
        from websockets.speedups import apply_mask as ws_apply_mask

        peers["websockets"] = ws_apply_mask
    except ImportError:
        pass
    try:
        from wsaccel.utf8validator import Utf8Validator as WsaccelValidator
        from wsaccel.xormask import createXorMasker

        peers["wsaccel-mask"] = createXorMasker
        peers["wsaccel-utf8"] = WsaccelValidator
    except ImportError:
        pass
    try:
        # Autobahn compiles its NVX accelerators with CFFI at install time; they are in use
        # when autobahn.websocket.USES_NVX is True (AUTOBAHN_USE_NVX=1 insists on them).
        from autobahn.nvx._utf8validator import Utf8Validator as NvxValidator
        from autobahn.nvx._xormasker import create_xor_masker

        NvxValidator().validate(b"probe")
        peers["nvx-mask"] = create_xor_masker
        peers["nvx-utf8"] = NvxValidator
    except Exception:  # ImportError, or the CFFI module was never built
        pass
    return peers


# ---- sections ----------------------------------------------------------------------------

def section_mask(sizes: list[int], peers: dict[str, Any], args: argparse.Namespace
                 ) -> list[Result]:
    results = []
    for size in sizes:
        data = os.urandom(size)
        env = {"data": data, "copy_from": bytearray(data), "mask": MASK, "n": size,
               "ours": _speedups_api.apply_mask, "pure": pure.apply_mask, **peers}
        contenders = [Contender("ours", "ours(data, mask)", env),
                      Contender("copy", "bytes(copy_from)", env)]
        if "websockets" in peers:
            contenders.append(Contender("websockets", "websockets(data, mask)", env))
        if "wsaccel-mask" in peers:
            contenders.append(Contender("wsaccel", "wsaccel_mask(mask).process(data)",
                                        {**env, "wsaccel_mask": peers["wsaccel-mask"]}))
        if "nvx-mask" in peers:
            contenders.append(Contender("nvx", "nvx_mask(mask, n).process(data)",
                                        {**env, "nvx_mask": peers["nvx-mask"]}))
        if args.pure:
            contenders.append(Contender("pure", "pure(data, mask)", env))
        expected = pure.apply_mask(data[:4096], MASK)
        if _speedups_api.apply_mask(data, MASK)[:4096] != expected:
            raise SystemExit("apply_mask gives wrong bytes")
        measure(contenders, run_seconds=args.run_seconds, rounds=args.rounds)
        results.append(Result(size, {c.name: c.best for c in contenders}))
    return results


def text_of(size: int, sample: str) -> bytes:
    """``size`` bytes (at most) of repeated ``sample``, cut on a character boundary."""
    raw = sample.encode() * (size // len(sample.encode()) + 1)
    cut = size
    while cut > 0 and (raw[cut] & 0xC0) == 0x80:  # do not end inside a sequence
        cut -= 1
    return raw[:cut]


def section_utf8(sizes: list[int], peers: dict[str, Any], args: argparse.Namespace,
                 sample: str) -> list[Result]:
    results = []
    for size in sizes:
        data = text_of(size, sample)
        env = {"data": data, "ours": _speedups_api.Utf8Validator(),
               "pure": pure.Utf8Validator()}
        contenders = [Contender("ours", "ours.validate(data)", env),
                      Contender("decode", "data.decode('utf-8')", env)]
        if "wsaccel-utf8" in peers:
            env["wsaccel"] = peers["wsaccel-utf8"]()
            contenders.append(Contender("wsaccel", "wsaccel.validate(data)", env))
        if "nvx-utf8" in peers:
            env["nvx"] = peers["nvx-utf8"]()
            contenders.append(Contender("nvx", "nvx.validate(data)", env))
        if args.pure:
            contenders.append(Contender("pure", "pure.validate(data)", env))
        for c in contenders:  # every contender must find the text valid and complete
            if c.name != "decode" and env[c.name].validate(data)[:2] != (True, True):
                raise SystemExit(f"{c.name} rejects the benchmark text")
        measure(contenders, run_seconds=args.run_seconds, rounds=args.rounds)
        results.append(Result(len(data), {c.name: c.best for c in contenders}))
    return results


def section_frames(sizes: list[int], args: argparse.Namespace) -> list[Result] | None:
    """Parse a stream of 1024 masked 100-byte binary frames into messages, fed in 64 KiB
    reads: ``wamp_websocket.ServerConnection.receive_data`` against websockets' Sans-I/O
    protocol on the same bytes (both already OPEN, events drained after every read)."""
    try:
        from websockets.protocol import Protocol, Side, State
    except ImportError:
        return None
    from wamp_websocket import ServerConnection
    from wamp_websocket import apply_mask as mask_payload

    count = 1024
    frame = bytes([0x82, 0x80 | 100]) + MASK + mask_payload(b"x" * 100, MASK)
    stream = frame * count
    reads = [stream[i : i + 64 * KiB] for i in range(0, len(stream), 64 * KiB)]
    server = ServerConnection()
    server.receive_data(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                        b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        b"Sec-WebSocket-Version: 13\r\n\r\n")
    server.accept()
    server.events_received()
    theirs = Protocol(Side.SERVER, state=State.OPEN, max_size=None)

    def ours() -> int:
        got = 0
        for data in reads:
            server.receive_data(data)
            got += len(server.events_received())
        return got

    def websockets() -> int:
        got = 0
        for data in reads:
            theirs.receive_data(data)
            got += len(theirs.events_received())
        return got

    if ours() != count or websockets() != count:
        raise SystemExit("a parser lost frames")
    env = {"ours": ours, "websockets": websockets}
    contenders = [Contender("ours", "ours()", env), Contender("websockets", "websockets()", env)]
    measure(contenders, run_seconds=args.run_seconds, rounds=args.rounds)
    return [Result(100 * count, {c.name: c.best for c in contenders})]


# ---- report ------------------------------------------------------------------------------

def human(size: int) -> str:
    for unit, scale in (("MiB", MiB), ("KiB", KiB)):
        if size >= scale and size % scale == 0:
            return f"{size // scale} {unit}"
    return f"{size} B"


def print_section(title: str, results: list[Result], base: str, others: list[str]) -> None:
    names = ["ours", *[o for o in others if any(o in r.seconds for r in results)]]
    head = ["size", *[f"{n} GB/s" for n in names], *[f"ours/{n}" for n in names[1:]]]
    rows = []
    for r in results:
        rates = [r.rate(n) for n in names]
        ours = rates[0] or 0.0
        rows.append([human(r.size), *["-" if x is None else f"{x:.2f}" for x in rates],
                     *["-" if not x else f"{ours / x:.2f}x" for x in rates[1:]]])
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]
    print(f"\n{title}  (ratios: ours' speed / theirs; baseline {base})")
    for row in [head, *rows]:
        print("  " + "  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)))


@dataclass
class Goal:
    text: str
    check: Callable[[Result], bool | None]
    results: list[Result]
    min_size: int = 0

    def report(self) -> bool:
        checked = [r for r in self.results if r.size >= self.min_size]
        verdicts = [(r, self.check(r)) for r in checked]
        missed = [human(r.size) for r, ok in verdicts if ok is False]
        unknown = all(ok is None for _, ok in verdicts)
        status = "n/a (peer missing)" if unknown else ("met" if not missed else "MISSED at "
                                                        + ", ".join(missed))
        mark = "!!" if missed else ("??" if unknown else "ok")
        print(f"  {mark} {self.text}: {status}")
        return not missed


def ratio_at_least(r: Result, ours: str, theirs: str, factor: float) -> bool | None:
    a, b = r.seconds.get(ours), r.seconds.get(theirs)
    return None if a is None or b is None else b / a >= factor


def at_bandwidth(r: Result) -> bool | None:
    """A tie that no code can break: ours and websockets both within 3% of a plain copy.

    (Then both move bytes as fast as memcpy does, and the rest is measurement noise.)
    """
    ours, ws, copy = (r.seconds.get(k) for k in ("ours", "websockets", "copy"))
    if ours is None or ws is None or copy is None:
        return None
    return ours <= copy / 0.97 and ws <= copy / 0.97 and ours <= ws / 0.97


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--section", action="append", choices=["mask", "utf8", "frames"])
    parser.add_argument("--quick", action="store_true", help="fewer sizes, shorter runs")
    parser.add_argument("--pure", action="store_true", help="also time the pure-Python code")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    parser.add_argument("--run-seconds", type=float, default=0.02)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args(argv)
    sections = args.section or ["mask", "utf8", "frames"]
    sizes = QUICK_SIZES if args.quick else SIZES
    if args.quick:
        args.rounds = min(args.rounds, 5)
    peers = load_peers()
    kernels = "-"
    if _speedups_api.SPEEDUPS:
        from wamp_websocket import _speedups

        kernels = ", ".join(f"{k}={v}" for k, v in _speedups.kernels().items())
    print(f"# wamp_websocket hot paths -- {environment()}")
    print(f"# SPEEDUPS={_speedups_api.SPEEDUPS} (C kernels: {kernels}); peers: "
          f"{', '.join(sorted(peers)) or 'none installed'}")
    goals: list[Goal] = []
    if "mask" in sections:
        masked = section_mask(sizes, peers, args)
        print_section("Masking: apply_mask(payload, 4-byte key) -> bytes", masked,
                      "copy = bytes(bytearray)", ["websockets", "wsaccel", "nvx", "copy",
                                                  "pure"])
        goals += [
            Goal("masking at least as fast as websockets' C apply_mask, 16 B to 16 MiB",
                 lambda r: ratio_at_least(r, "ours", "websockets", 1.0) or at_bandwidth(r),
                 masked),
            Goal("masking within 10% of a plain copy from 64 KiB up",
                 lambda r: ratio_at_least(r, "ours", "copy", 0.9), masked, 64 * KiB),
        ]
    if "utf8" in sections:
        ascii_results = section_utf8(sizes, peers, args, "ASCII only text, 0123456789. ")
        mixed = section_utf8(sizes, peers, args, MIXED_SAMPLE)
        others = ["decode", "wsaccel", "nvx", "pure"]
        print_section("UTF-8 validation, ASCII text", ascii_results, "bytes.decode", others)
        share = sum(b < 0x80 for b in MIXED_SAMPLE.encode()) / len(MIXED_SAMPLE.encode())
        print_section(f"UTF-8 validation, mixed multilingual text ({share:.0%} ASCII bytes)",
                      mixed, "bytes.decode", others)
        goals += [
            Goal("UTF-8 of ASCII at least as fast as bytes.decode from 1 KiB up",
                 lambda r: ratio_at_least(r, "ours", "decode", 1.0), ascii_results, KiB),
            Goal("UTF-8 of mixed text at least 5 GB/s from 64 KiB up",
                 lambda r: (r.rate("ours") or 0) >= 5.0, mixed, 64 * KiB),
        ]
    if "frames" in sections:
        frames = section_frames(sizes, args)
        if frames is None:
            print("\nFrame parsing: not measured yet (section_frames lands with the engine)")
        else:
            print_section("Frame parsing, 100-byte masked frames", frames, "websockets",
                          ["websockets"])
            goals.append(Goal("frame parsing at least 5x websockets' Sans-I/O protocol",
                              lambda r: ratio_at_least(r, "ours", "websockets", 5.0), frames))
    print("\nGoals (a masking tie counts where both run at a plain copy's speed, +-3%)")
    met = [goal.report() for goal in goals]
    return 1 if args.strict and not all(met) else 0


if __name__ == "__main__":
    sys.exit(main())
