"""Message classes: parse() and marshal() of wamp_core.message next to Autobahn|Python's.

    python benchmarks/messages.py [--quick] [--only CALL,EVENT]

For each message (the hot ones of routed RPC and PubSub, with empty and with
typical Options/Details), the nanoseconds per ``parse(list)`` (ours through
``wamp_core.message.parse``, the dispatcher the serializers use; Autobahn's
through ``Class.parse``), per ``marshal()`` and their sum, with the speedup
(Autobahn's time / ours) measured in the same run. No serializer is involved:
this is the cost of the message objects alone. CPU time, best of several
rounds taken in turn. Autobahn|Python must be importable for its column
(``hatch run bench:python benchmarks/messages.py``); without it only our figures are printed.
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
            from autobahn.wamp import message
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
    args = parser.parse_args()
    names = [n for n in args.only.split(",") if n] or list(SAMPLES)
    unknown = [n for n in names if n not in SAMPLES]
    if unknown:
        parser.error(f"unknown messages {unknown}")
    run(names, seconds=0.03 if args.quick else 0.1, repeat=3 if args.quick else 7)


if __name__ == "__main__":
    main()
