"""Serializer throughput: wamp_core.serializer next to Autobahn|Python's, in one run.

    python benchmarks/serializers.py [--quick] [--formats json,msgpack,cbor]

For each format, a small CALL and a 1 KiB EVENT: messages per second to
serialize (fresh message objects, so no cached bytes), to unserialize (bytes to
message objects) and for the round trip, ours and Autobahn's, with the ratio.
Rates are per second of CPU time, best of several rounds taken in turn.
Autobahn|Python must be importable for its column (``hatch run bench:serializers``);
without it only our figures are printed. The header says which CBOR implementation is
active (compiled ``_cbor_speedups``, or the pure path with ``WAMP_CORE_NO_SPEEDUPS=1``
or when it is not built).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _util import Row, Timer, environment, print_table, race
from wamp_core import message as ours_message
from wamp_core import serializer as ours_serializer

FORMATS = ("json", "msgpack", "cbor", "ubjson", "flatbuffers")
_TEXT = "WAMP is a routed protocol, with all application components connecting to a router. "


def _event_kwargs() -> dict[str, Any]:
    # About 1 KiB once serialized: a record with text, numbers and a list.
    return {
        "text": (_TEXT * 12)[:900],
        "id": 1234567,
        "price": 19.99,
        "tags": ["alpha", "beta", "gamma"],
        "ok": True,
    }


def message_makers(module: Any) -> dict[str, Callable[[int], list[Any]]]:
    """Factories of fresh messages (the same content) for a message module."""
    kwargs = _event_kwargs()
    return {
        "CALL": lambda n: [module.Call(8191, "com.example.add2", args=[23, 7])
                           for _ in range(n)],
        "EVENT 1KiB": lambda n: [module.Event(5512315355, 4429313566, args=[], kwargs=kwargs)
                                 for _ in range(n)],
    }


def load_autobahn() -> Any:
    """Autobahn's message and serializer modules, or None when it is not installed."""
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            import txaio

            txaio.use_asyncio()
            from autobahn.wamp import message, serializer
    except ImportError:
        return None
    return message, serializer


def _autobahn_serializer(module: Any, fmt: str) -> Any:
    cls = {
        "json": "JsonSerializer", "msgpack": "MsgPackSerializer", "cbor": "CBORSerializer",
        "ubjson": "UBJSONSerializer", "flatbuffers": "FlatBuffersSerializer",
    }[fmt]
    factory = getattr(module, cls, None)
    return factory() if factory is not None else None


def timers(ser: Any, make: Callable[[int], list[Any]], seconds: float) -> list[Timer]:
    """[serialize, unserialize] timers of ``ser`` for messages from ``make``."""
    data, is_binary = ser.serialize(make(1)[0])
    return [
        Timer(lambda: None, seconds=seconds, make=make, each=ser.serialize),
        Timer(lambda: ser.unserialize(data, is_binary), seconds=seconds),
    ]


def _check_interop(fmt: str, ours: Any, theirs: Any, ab_make: Any, our_make: Any) -> str:
    """Whether each side reads what the other wrote (a note for the table)."""
    try:
        data, binary = theirs.serialize(ab_make(1)[0])
        ours.unserialize(data, binary)
        data, binary = ours.serialize(our_make(1)[0])
        theirs.unserialize(data, binary)
    except Exception as exc:
        return f" (no interop: {type(exc).__name__})"
    return ""


def run(formats: list[str], seconds: float, repeat: int) -> None:
    autobahn = load_autobahn()
    print(f"wamp_core.serializer vs Autobahn|Python ({environment()})")
    if "cbor" in formats or "flatbuffers" in formats:
        cbor = ("compiled (wamp_core.serializer._cbor_speedups)" if ours_serializer.CBOR_SPEEDUPS
                else "pure Python (small containers) + cbor2")
        print(f"wamp_core CBOR: {cbor}")
    if autobahn is None:
        print("Autobahn|Python is not installed: printing our figures only.")
    else:
        import autobahn as ab

        print(f"Autobahn|Python {ab.__version__}")
    summary: list[Row] = []
    for fmt in formats:
        ours = ours_serializer.create_transport_serializer(fmt)
        theirs = _autobahn_serializer(autobahn[1], fmt) if autobahn else None
        rows = []
        for name, our_make in message_makers(ours_message).items():
            ab_make = message_makers(autobahn[0])[name] if theirs is not None else None
            note = _check_interop(fmt, ours, theirs, ab_make, our_make) if theirs else ""
            if note:
                theirs = None
            contenders = timers(ours, our_make, seconds)
            if theirs is not None:
                contenders += timers(theirs, ab_make, seconds)
            rates = race(contenders, repeat)
            o_ser, o_unser = rates[0], rates[1]
            t_ser, t_unser = (rates[2], rates[3]) if theirs is not None else (None, None)
            size = len(ours.serialize(our_make(1)[0])[0])
            label = f"{name} ({size} B)"
            o_rt = 1 / (1 / o_ser + 1 / o_unser)
            t_rt = 1 / (1 / t_ser + 1 / t_unser) if t_ser and t_unser else None
            rows += [Row(f"{label} serialize", o_ser, t_ser),
                     Row(f"{label} unserialize", o_unser, t_unser),
                     Row(f"{label} round trip", o_rt, t_rt)]
            summary.append(Row(f"{fmt:11s} {name} round trip", o_rt, t_rt))
        print_table(f"{fmt}{note}", rows, ours="wamp_core", theirs="Autobahn", unit="msg/s")
    print_table("summary (round trip: serialize + unserialize)", summary,
                ours="wamp_core", theirs="Autobahn", unit="msg/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--formats", default=",".join(FORMATS),
                        help=f"comma-separated subset of {', '.join(FORMATS)}")
    parser.add_argument("--quick", action="store_true", help="shorter timing runs")
    args = parser.parse_args()
    formats = [f for f in args.formats.split(",") if f]
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        parser.error(f"unknown formats {unknown}; known: {', '.join(FORMATS)}")
    run(formats, seconds=0.05 if args.quick else 0.2, repeat=3 if args.quick else 7)


if __name__ == "__main__":
    main()
