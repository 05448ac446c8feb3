"""WebSocket echo over loopback: our servers and clients next to Autobahn|Python's and websockets'.

    hatch run bench:echo                     # (python benchmarks/echo.py) full run
    python benchmarks/echo.py --quick        # one round, shorter windows
    python benchmarks/echo.py --text         # text messages instead of binary
    python benchmarks/echo.py --only ours-asyncio,websockets

Every server and every client runs in its own process (started by this one from
``benchmarks/_echo_peers.py``), so on this 2-core machine the server under test and the load
generator each have a core. Cases: 100 B and 64 KiB messages, sequential (one message in
flight) and 100 in flight (each echo sends the next message).

1. Servers: each echo server under the same neutral load generator ("lean": precomputed
   masked frames out, echo bytes counted in). Figures: messages per second, and the server's
   CPU microseconds per message (its process CPU time from ``/proc/<pid>/stat`` over the
   window, divided by the echoes counted). The row "asyncio-floor" is not a WebSocket
   server: it writes a precomputed echo for every frame's worth of bytes without parsing
   anything, so it shows what asyncio and the socket calls alone cost; "twisted-floor" is
   the same on Twisted's reactor. ``--uvloop`` adds our asyncio server, websockets and the
   asyncio floor on uvloop's event loop (rows ending in ``+uvloop``; the goal lines compare
   with websockets on the default loop, as a user would pick it, and show both).
2. Clients: each client against the same server (ours on asyncio). Figures: messages per
   second, and the client's CPU microseconds per message (``os.times`` in the client).

Rounds take the contenders in turn, so that load from other processes hits them alike; each
figure is the best of the rounds. Goal (issue 7): our server at most a third of websockets'
server CPU per small message.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _echo_peers import FLOOR, SERVERS, TWISTED_FLOOR, UVLOOP
from _procs import Best, Child, command_line, compiled_websocket, load_note, ours_env, print_grid
from _util import environment

PEERS = Path(__file__).resolve().parent / "_echo_peers.py"
CASES = [(100, 1), (100, 100), (65536, 1), (65536, 100)]
FIXED_SERVER = "ours-asyncio"
GOAL_RATIO = 3.0


def case_name(size: int, inflight: int) -> str:
    kind = "100 B" if size == 100 else f"{size // 1024} KiB"
    return f"{kind}, {'sequential' if inflight == 1 else f'{inflight} in flight'}"


def start(role: str, names: Sequence[str], log_dir: Path,
          env: dict[str, str] | None = None) -> dict[str, Child]:
    """Start a process per implementation; those that cannot start are reported and left out.
    Ours run with ``env`` (the compiled wamp_websocket first on the path)."""
    started: dict[str, Child] = {}
    for name in names:
        try:
            started[name] = Child(f"{role}-{name}", [sys.executable, str(PEERS), role, name],
                                  log_dir=log_dir, env=env if name.startswith("ours") else None)
        except (RuntimeError, TimeoutError) as exc:
            first = str(exc).strip().splitlines()[-1] if str(exc).strip() else repr(exc)
            print(f"  {role} {name}: not available ({first})")
    return started


def measure(client: Child, server: Child, size: int, inflight: int, args: Any) -> dict[str, Any]:
    request = {"url": f"ws://127.0.0.1:{server.ready['port']}/", "size": size,
               "inflight": inflight, "warmup": args.warmup, "seconds": args.seconds,
               "server_pid": server.pid, "text": args.text}
    result: dict[str, Any] = client.request(request, timeout=60 + 2 * args.seconds)
    if result["count"] <= 0:
        raise RuntimeError(f"{client.name} -> {server.name}: no echo in the window")
    return result


def run_rounds(servers: dict[str, Child], clients: dict[str, Child], args: Any) -> Best:
    best = Best()
    lean = clients.get("lean")
    fixed = servers.get(FIXED_SERVER)
    for r in range(args.rounds):
        print(f"  round {r + 1}/{args.rounds}", flush=True)
        for size, inflight in CASES:
            case = case_name(size, inflight)
            order = list(servers.items())
            if r % 2:
                order.reverse()
            for name, server in order if lean is not None else ():
                res = measure(lean, server, size, inflight, args)
                best.add(("server", case, name), res["count"] / res["wall"],
                         1e6 * res["server_cpu"] / res["count"])
            for name, client in clients.items() if fixed is not None else ():
                if name == "lean":
                    continue
                res = measure(client, fixed, size, inflight, args)  # type: ignore[arg-type]
                best.add(("client", case, name), res["count"] / res["wall"],
                         1e6 * res["client_cpu"] / res["count"])
    return best


def _short(size: int, inflight: int) -> str:
    return f"{'100B' if size == 100 else f'{size // 1024}K'}/{inflight}"


def _table(best: Best, table: str, names: Sequence[str], title: str, cpu_label: str) -> None:
    header = ["", *[f"{_short(s, n)} {unit}" for s, n in CASES for unit in ("us", "msg/s")]]
    rows = []
    for name in names:
        row = [name]
        for size, inflight in CASES:
            case = case_name(size, inflight)
            row.append(f"{best.us.get((table, case, name), 0):.1f}")
            row.append(f"{best.rate.get((table, case, name), 0):,.0f}")
        rows.append(row)
    notes = [f"100B/1 = 100-byte messages, sequential; 64K/100 = 64 KiB, 100 in flight; "
             f"us = {cpu_label} CPU microseconds per message; msg/s = echoes per second"]
    if "websockets" in names:
        for name in names:
            if name in ("websockets", FLOOR, TWISTED_FLOOR) or name.endswith("floor+uvloop"):
                continue
            ratios = []
            for size, inflight in CASES:
                case = case_name(size, inflight)
                ours = best.us.get((table, case, name))
                theirs = best.us.get((table, case, "websockets"))
                ratios.append(f"{theirs / ours:.2f}x" if ours and theirs else "-")
            notes.append(f"websockets {cpu_label} CPU / {name} {cpu_label} CPU: "
                         + ", ".join(ratios))
    print_grid(title, header, rows, notes)


def goal(best: Best) -> None:
    print("\nGoal: our server at most a third of websockets' server CPU per small message")
    for name in ("ours-asyncio", "ours-twisted"):
        for inflight in (1, 100):
            case = case_name(100, inflight)
            ours = best.us.get(("server", case, name))
            theirs = best.us.get(("server", case, "websockets"))
            if not ours or not theirs:
                continue
            ratio = theirs / ours
            verdict = "met" if ratio >= GOAL_RATIO else "NOT met"
            print(f"  {name:13} {case:22} {ours:6.1f} us vs websockets {theirs:6.1f} us: "
                  f"{ratio:.2f}x less CPU (goal {GOAL_RATIO:.0f}x) {verdict}")
        floor = best.us.get(("server", case_name(100, 1),
                             TWISTED_FLOOR if name.endswith("twisted") else FLOOR))
        theirs = best.us.get(("server", case_name(100, 1), "websockets"))
        if floor and theirs:
            loop = "Twisted" if name.endswith("twisted") else "asyncio"
            print(f"  {'':13} (sequential: the {loop} floor, no WebSocket work at all, "
                  f"costs {floor:.1f} us, "
                  f"{theirs / floor:.2f}x less than websockets)")
    for inflight in (1, 100):
        case = case_name(100, inflight)
        ours = best.us.get(("server", case, "ours-asyncio+uvloop"))
        if not ours:
            continue
        for other in ("websockets", "websockets+uvloop"):
            theirs = best.us.get(("server", case, other))
            if theirs:
                print(f"  {'ours-asyncio+uvloop':13} {case:22} {ours:6.1f} us vs {other} "
                      f"{theirs:6.1f} us: {theirs / ours:.2f}x less CPU (information)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one round, 0.5 s windows")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=1.5, help="measured window")
    parser.add_argument("--warmup", type=float, default=0.3)
    parser.add_argument("--text", action="store_true", help="text messages (default binary)")
    parser.add_argument("--only", default="", help="comma-separated implementations")
    parser.add_argument("--no-clients", action="store_true", help="server table only")
    parser.add_argument("--uvloop", action="store_true",
                        help="also our asyncio server, websockets and the asyncio floor on uvloop")
    parser.add_argument("--pure", action="store_true",
                        help="our frame parser as the editable install has it (pure Python)")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.seconds, args.warmup = 1, 0.5, 0.2
    only = set(filter(None, args.only.split(",")))
    names = [n for n in SERVERS if not only or n in only]
    log_dir = Path(tempfile.mkdtemp(prefix="bench-echo-"))
    print(f"$ {command_line()}")
    print(f"WebSocket echo over loopback; {environment()}")
    print(f"server and load generator in separate processes; {args.rounds} round(s) of "
          f"{args.seconds:g} s windows; {'text' if args.text else 'binary'} messages; "
          f"logs in {log_dir}; {load_note()}")
    floors = [f for f in (FLOOR, TWISTED_FLOOR) if not only or f in only]
    with_floor = [*names, *floors, *(UVLOOP if args.uvloop else ())]
    folder, note = (None, "pure-Python wamp_websocket._framing (--pure)") if args.pure \
        else compiled_websocket()
    print(f"ours: {note}")
    env = ours_env(folder)
    servers = start("server", with_floor, log_dir, env)
    client_names = ["lean"] + ([] if args.no_clients else names)
    clients = start("client", client_names, log_dir, env)
    try:
        best = run_rounds(servers, clients, args)
    finally:
        for child in [*clients.values(), *servers.values()]:
            child.stop()
    print(f"  done; {load_note()}")
    shown = [n for n in with_floor if n in servers]
    _table(best, "server", shown,
           f"1. Echo servers under the same load generator  [{command_line()}]", "server")
    if not args.no_clients and FIXED_SERVER in servers:
        _table(best, "client", [n for n in names if n in clients],
               f"2. Echo clients against the {FIXED_SERVER} server  [{command_line()}]",
               "client")
    goal(best)


if __name__ == "__main__":
    main()
