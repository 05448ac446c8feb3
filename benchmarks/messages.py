"""Message classes: parse() and marshal() of wamp_core.message next to Autobahn|Python's.

    python benchmarks/messages.py [--quick] [--only CALL,EVENT]

For each message (the hot ones of routed RPC and PubSub, with empty and with
typical Options/Details), the nanoseconds per ``parse(list)`` (ours through
``wamp_core.message.parse``, the dispatcher the serializers use; Autobahn's
through ``Class.parse``), per ``marshal()`` and their sum, with the speedup
(Autobahn's time / ours) measured in the same run. No serializer is involved:
this is the cost of the message objects alone.

Then the floor set by the libraries (``--floor``, on by default): for MessagePack
and CBOR, the time spent in the encoder and decoder alone for a CALL and a
1 KiB EVENT (ours: ``wamp_core.serializer``'s encoder, cbor2's decoder;
Autobahn's: ``msgpack.packb``/``cbor2.dumps`` and the decoder), next to
Autobahn's whole serializer round trip (serialize a fresh message, unserialize
it). Their quotient is the best ratio a serializer round trip could show
against Autobahn if messages and serializer glue cost nothing.

CPU time, best of several rounds taken in turn. Autobahn|Python must be
importable for its columns (``hatch run bench:python benchmarks/messages.py``);
without it only our figures are printed.
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

from _util import Timer, environment, race
from wamp_core import message as ours

_TEXT = "WAMP is a routed protocol, with all application components connecting to a router. "
_KW_1K = {"text": (_TEXT * 12)[:900], "id": 1234567, "price": 19.99,
          "tags": ["alpha", "beta", "gamma"], "ok": True}
_FF = [{"session": 7, "authid": "router1", "authrole": "router"}]

# name -> wire form (built by hand, the same for both libraries)
SAMPLES: dict[str, list[Any]] = {
    "CALL": [48, 8191, {}, "com.example.add2", [23, 7]],
    "CALL +options": [48, 8191, {"timeout": 5000, "receive_progress": True},
                      "com.example.add2", [23, 7], {"mode": "fast"}],
    "INVOCATION": [68, 6131533, 9823526, {}, [23, 7]],
    "INVOCATION +details": [68, 6131533, 9823526,
                            {"caller": 3251278072152162, "caller_authid": "alice",
                             "caller_authrole": "user", "procedure": "com.example.add2"},
                            [23, 7]],
    "YIELD": [70, 6131533, {}, [30]],
    "RESULT": [50, 8191, {}, [30]],
    "RESULT +progress": [50, 8191, {"progress": True}, [30]],
    "ERROR": [8, 48, 7814135, {}, "com.myapp.error.object_write_protected",
              ["Object is write protected."], {"severity": 3}],
    "PUBLISH": [16, 239714735, {}, "com.myapp.mytopic1", ["Hello, world!"]],
    "PUBLISH +ack": [16, 239714735, {"acknowledge": True, "exclude_me": False},
                     "com.myapp.mytopic1", ["Hello, world!"]],
    "EVENT": [36, 5512315355, 4429313566, {}, ["Hello, world!"]],
    "EVENT 1KiB": [36, 5512315355, 4429313566, {}, [], _KW_1K],
    "EVENT +details": [36, 5512315355, 4429313566,
                       {"publisher": 3251278072152162, "topic": "com.myapp.mytopic1"},
                       ["Hello, world!"]],
    "EVENT +forward_for": [36, 5512315355, 4429313566, {"forward_for": _FF}, [1]],
    "PUBLISHED": [17, 239714735, 4429313566],
    "SUBSCRIBED": [33, 713845233, 5512315355],
    "REGISTERED": [65, 25349185, 2103333224],
    "SUBSCRIBE": [32, 713845233, {}, "com.myapp.mytopic1"],
    "REGISTER": [64, 25349185, {}, "com.myapp.myprocedure1"],
    "UNSUBSCRIBE": [34, 85346237, 5512315355],
    "UNSUBSCRIBED": [35, 85346237],
    "GOODBYE": [6, {}, "wamp.close.normal"],
}


def load_autobahn() -> Any:
    """Autobahn's message module, or None when it is not installed."""
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            import txaio

            txaio.use_asyncio()
            from autobahn.wamp import message, serializer  # noqa: F401 - loaded quietly here
    except ImportError:
        return None
    return message


def _timers(parse: Callable[[list[Any]], Any], wire: list[Any],
            seconds: float) -> list[Timer]:
    msg = parse(wire)
    marshal = msg.marshal
    return [Timer(lambda: parse(wire), seconds=seconds), Timer(marshal, seconds=seconds)]


def _check(ab: Any, wire: list[Any]) -> None:
    """Both libraries read the sample and write it back the same (else the race is unfair)."""
    mine = ours.parse(wire).marshal()
    if ab is not None:
        back = _autobahn_class(ab, wire).parse(list(wire)).marshal()
        if list(back) != list(mine):
            raise SystemExit(f"wire forms differ for {wire[:2]}: ours {mine}, Autobahn {back}")


def _autobahn_class(ab: Any, wire: list[Any]) -> Any:
    return {c.MESSAGE_TYPE: c for c in vars(ab).values()
            if isinstance(c, type) and hasattr(c, "MESSAGE_TYPE")}[wire[0]]


def _ns(rate: float | None) -> str:
    return "-" if not rate else f"{1e9 / rate:,.0f}"


def run(names: list[str], seconds: float, repeat: int) -> None:
    ab = load_autobahn()
    print(f"wamp_core.message vs Autobahn|Python message classes ({environment()})")
    if ab is None:
        print("Autobahn|Python is not installed: printing our figures only.")
    else:
        import autobahn

        print(f"Autobahn|Python {autobahn.__version__}")
    print("ns per operation (lower is better); speedup = Autobahn's time / ours\n")
    head = ("", "parse", "AB parse", "x", "marshal", "AB marshal", "x", "both", "AB both", "x")
    rows = []
    for name in names:
        wire = SAMPLES[name]
        _check(ab, wire)
        contenders = _timers(ours.parse, wire, seconds)
        if ab is not None:
            contenders += _timers(_autobahn_class(ab, wire).parse, wire, seconds)
        rates = [*race(contenders, repeat), 0.0, 0.0]
        o_p, o_m, t_p, t_m = rates[:4]
        o_b = 1 / (1 / o_p + 1 / o_m)
        t_b = 1 / (1 / t_p + 1 / t_m) if t_p and t_m else 0.0
        rows.append((name, _ns(o_p), _ns(t_p), _x(o_p, t_p), _ns(o_m), _ns(t_m), _x(o_m, t_m),
                     _ns(o_b), _ns(t_b), _x(o_b, t_b)))
    _print_rows(head, rows)


FLOOR_SAMPLES = ("CALL", "EVENT 1KiB")


def _codecs(fmt: str) -> tuple[Any, Any, Any]:
    """(our encoder, Autobahn's encoder, the decoder both use) for a format."""
    import cbor2
    import msgpack
    from wamp_core.serializer import create_transport_serializer

    ours_encode = create_transport_serializer(fmt)._key.serialize
    if fmt == "cbor":
        return ours_encode, cbor2.dumps, cbor2.loads
    return (ours_encode, lambda obj: msgpack.packb(obj, use_bin_type=True),
            lambda data: msgpack.unpackb(data, raw=False))


def _floor_row(ab: Any, fmt: str, name: str, seconds: float, repeat: int) -> tuple[str, ...]:
    ours_encode, ab_encode, decode = _codecs(fmt)
    wire = SAMPLES[name]
    data = ours_encode(wire)
    timers = [Timer(lambda: ours_encode(wire), seconds=seconds),
              Timer(lambda: decode(data), seconds=seconds),
              Timer(lambda: ab_encode(wire), seconds=seconds)]
    if ab is not None:
        from autobahn.wamp import serializer

        ab_ser = {"msgpack": serializer.MsgPackSerializer,
                  "cbor": serializer.CBORSerializer}[fmt]()
        cls = _autobahn_class(ab, wire)
        ab_data, _ = ab_ser.serialize(cls.parse(list(wire)))
        timers += [Timer(lambda: None, seconds=seconds, each=ab_ser.serialize,
                         make=lambda n: [cls.parse(list(wire)) for _ in range(n)]),
                   Timer(lambda: ab_ser.unserialize(ab_data, True), seconds=seconds)]
    rates = [*race(timers, repeat), 0.0, 0.0]
    ours_lib = 1e9 / rates[0] + 1e9 / rates[1]
    ab_lib = 1e9 / rates[2] + 1e9 / rates[1]
    ab_rt = 1e9 / rates[3] + 1e9 / rates[4] if rates[3] and rates[4] else 0.0
    return (f"{fmt} {name}", f"{ours_lib:,.0f}", f"{ab_lib:,.0f}",
            f"{ab_rt:,.0f}" if ab_rt else "-", f"{ab_rt / ours_lib:.2f}x" if ab_rt else "-")


def run_floor(seconds: float, repeat: int) -> None:
    """The time inside the encoding libraries against Autobahn's serializer round trip."""
    ab = load_autobahn()
    print("\nfloor: ns in the encoder + decoder alone, against Autobahn's serializer round trip")
    head = ("", "ours: lib", "AB: lib", "AB: round trip", "best possible")
    rows = [_floor_row(ab, fmt, name, seconds, repeat)
            for fmt in ("msgpack", "cbor") for name in FLOOR_SAMPLES]
    _print_rows(head, rows)


def _print_rows(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    fmt = "  ".join([f"{{:<{widths[0]}}}"] + [f"{{:>{w}}}" for w in widths[1:]])
    print(fmt.format(*head))
    for row in rows:
        print(fmt.format(*row))


def _x(ours_rate: float, theirs_rate: float) -> str:
    return f"{ours_rate / theirs_rate:.2f}x" if theirs_rate else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="",
                        help=f"comma-separated subset of: {', '.join(SAMPLES)}")
    parser.add_argument("--quick", action="store_true", help="shorter timing runs")
    parser.add_argument("--no-floor", action="store_true",
                        help="skip the encoder/decoder floor table")
    args = parser.parse_args()
    names = [n for n in args.only.split(",") if n] or list(SAMPLES)
    unknown = [n for n in names if n not in SAMPLES]
    if unknown:
        parser.error(f"unknown messages {unknown}")
    seconds, repeat = (0.03, 3) if args.quick else (0.1, 7)
    run(names, seconds, repeat)
    if not args.no_floor:
        run_floor(seconds, repeat)


if __name__ == "__main__":
    main()
