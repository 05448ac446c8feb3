"""WAMP client throughput: our client next to Autobahn|Python's, through the same routers.

    hatch run bench:wamp_rpc                    # (python benchmarks/wamp_rpc.py) full run
    python benchmarks/wamp_rpc.py --quick       # one round, shorter windows
    python benchmarks/wamp_rpc.py --routers ours --transports rs-msgpack

Routers: ours (``wamp_asyncio.router.serve``) and Crossbar.io (installed by ``tests/peers``
into ``.cache/peers/``, about two minutes the first time), both reading the same
``config.json`` (one realm, anonymous may do everything). Transports: RawSocket + MessagePack
and WebSocket + JSON. Every client and every router runs in its own process (2 cores here:
the router has one, the client process the other).

A client process holds two sessions on two connections: a caller (publisher) and a callee
(subscriber). Cases: small calls (``com.bench.echo(42)``) one at a time and 100 in flight,
and small events (one integer, not acknowledged) 100 in flight. Figures: calls or events per
second, and the client process's CPU microseconds per call or event (both sides of it: CALL
and RESULT, INVOCATION and YIELD). Rounds take the contenders in turn; each figure is the
best of the rounds. Goal (issue 7): at least 3x Autobahn's client throughput for small calls
and events.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _procs import Best, Child, command_line, compiled_websocket, load_note, ours_env, print_grid
from _util import environment
from _wamp_peers import CLIENTS, router_config

PEERS = Path(__file__).resolve().parent / "_wamp_peers.py"
TESTS = Path(__file__).resolve().parent.parent / "tests"
TRANSPORTS = ("rs-msgpack", "ws-json")
CASES = (("call", 1), ("call", 100), ("event", 100))
GOAL_RATIO = 3.0

__all__ = ["CASES", "TRANSPORTS", "Routers", "case_label", "measure_cell", "router_comparison"]


def case_label(mode: str, inflight: int) -> str:
    return f"{mode}/{inflight}"


class Routers:
    """Our router and Crossbar.io, each serving :func:`router_config` in its own process."""

    def __init__(self, names: Sequence[str], log_dir: Path,
                 env: dict[str, str] | None = None, loop: str = "asyncio") -> None:
        self.env = env
        self.loop = loop
        self.urls: dict[str, dict[str, str]] = {}
        self.pids: dict[str, int] = {}
        self._stops: list[Any] = []
        self.log_dir = log_dir
        for name in names:
            try:
                getattr(self, f"_start_{name}")()
            except Exception as exc:
                text = str(exc).strip().splitlines()
                print(f"  router {name}: not available ({text[0] if text else repr(exc)})")

    def _start_ours(self) -> None:
        path = self.log_dir / "ours-config.json"
        path.write_text(json.dumps(router_config(0, 0)), encoding="utf-8")
        child = Child("router-ours", [sys.executable, str(PEERS), "router", "ours", str(path),
                                      self.loop], log_dir=self.log_dir, env=self.env)
        self._stops.append(child.stop)
        urls = child.ready["urls"]
        self.urls["ours"] = {"ws": next(u for u in urls if u.startswith("ws")),
                             "rs": next(u for u in urls if u.startswith("rs"))}
        self.pids["ours"] = child.pid

    def _start_crossbar(self) -> None:
        sys.path.insert(0, str(TESTS))
        from peers import crossbar, venvs
        from peers.proc import free_ports

        print("  starting Crossbar.io (installing it first if .cache/peers has none)",
              flush=True)
        venv = venvs.crossbar()
        ws, rs = free_ports(2)
        config = router_config(ws, rs)
        for transport, kind in zip(config["workers"][0]["transports"], ("ws", "rs"),
                                   strict=True):
            transport["id"] = f"{kind}_plain"  # the ids tests/peers looks the ports up by
        cbdir = crossbar.write_node(self.log_dir / "crossbar", config)
        router = crossbar.start_crossbar(cbdir, venv=venv, timeout=60)
        self._stops.append(router.stop)
        self.urls["crossbar"] = {"ws": router.ws_url, "rs": router.rs_url}
        self.pids["crossbar"] = router.process.pid
        version = venv.installed().get("freeze", "")
        found = [line for line in str(version).split() if line.lower().startswith("crossbar==")]
        self.version = found[0] if found else "crossbar"

    def url(self, router: str, transport: str) -> str:
        return self.urls[router][transport.split("-")[0]]

    def stop(self) -> None:
        for stop in reversed(self._stops):
            stop()


def start_clients(names: Sequence[str], log_dir: Path,
                  env: dict[str, str] | None = None) -> dict[str, Child]:
    clients = {}
    for name in names:
        try:
            clients[name] = Child(f"client-{name}", [sys.executable, str(PEERS), "client", name],
                                  log_dir=log_dir, env=env if name.startswith("ours") else None)
        except (RuntimeError, TimeoutError) as exc:
            text = str(exc).strip().splitlines()
            print(f"  client {name}: not available ({text[-1] if text else repr(exc)})")
    return clients


def measure_cell(best: Best, routers: Routers, router: str, client: Child, transport: str,
                 mode: str, inflight: int, args: Any) -> None:
    """One window; records (router, transport, case, client) -> rate, client us, router us."""
    request = {"url": routers.url(router, transport), "serializer": transport.split("-")[1],
               "mode": mode, "inflight": inflight, "warmup": args.warmup,
               "seconds": args.seconds, "server_pid": routers.pids[router]}
    res = client.request(request, timeout=120 + 2 * args.seconds)
    count = res["count"]
    if count <= 0:
        raise RuntimeError(f"{client.name} via {router}: nothing completed in the window")
    key = (router, transport, case_label(mode, inflight), client.name.removeprefix("client-"))
    best.add(key, count / res["wall"], 1e6 * res["client_cpu"] / count,
             1e6 * res["server_cpu"] / count)


def run_rounds(routers: Routers, clients: dict[str, Child], transports: Sequence[str],
               cases: Sequence[tuple[str, int]], args: Any) -> Best:
    best = Best()
    for r in range(args.rounds):
        print(f"  round {r + 1}/{args.rounds}", flush=True)
        for router in routers.urls:
            for transport in transports:
                for mode, inflight in cases:
                    order = list(clients.values())
                    if r % 2:
                        order.reverse()
                    for client in order:
                        measure_cell(best, routers, router, client, transport, mode,
                                     inflight, args)
    return best


def _tables(best: Best, routers: Routers, clients: Sequence[str],
            transports: Sequence[str]) -> None:
    for router in routers.urls:
        for transport in transports:
            header = ["client"]
            for mode, inflight in CASES:
                unit = "calls/s" if mode == "call" else "events/s"
                header += [f"{case_label(mode, inflight)} {unit}", "client us"]
            rows = []
            for name in clients:
                row = [name]
                for mode, inflight in CASES:
                    key = (router, transport, case_label(mode, inflight), name)
                    row += [f"{best.rate.get(key, 0):,.0f}", f"{best.us.get(key, 0):.1f}"]
                rows.append(row)
            print_grid(f"Router {router}, {transport}  [{command_line()}]", header, rows,
                       ["client us = client process CPU microseconds per call or event "
                        "(caller and callee sides)"])


def goal(best: Best, routers: Routers, transports: Sequence[str]) -> None:
    print("\nGoal: at least 3x Autobahn's client throughput for small calls and events "
          "(same flavour, same router; the router caps both clients' throughput)")
    for router in routers.urls:
        for transport in transports:
            for mode, inflight in CASES:
                case = case_label(mode, inflight)
                for flavour in ("asyncio", "twisted"):
                    ours = (router, transport, case, f"ours-{flavour}")
                    theirs = (router, transport, case, f"autobahn-{flavour}")
                    if ours not in best.rate or theirs not in best.rate:
                        continue
                    ratio = best.rate[ours] / best.rate[theirs]
                    cpu = best.us[theirs] / best.us[ours]
                    verdict = "met" if ratio >= GOAL_RATIO else "NOT met"
                    busy = best.rate[ours] * best.extra.get(ours, 0.0) / 1e6
                    print(f"  {router:8} {transport:10} {case:10} {flavour:7} throughput "
                          f"{ratio:5.2f}x ({verdict}); client CPU per item {cpu:5.2f}x less; "
                          f"router busy {busy:.0%}")


def ours_environment(pure: bool) -> dict[str, str]:
    """The environment of our processes: the compiled wamp_websocket unless ``pure``."""
    folder, note = (None, "pure-Python wamp_websocket._framing (--pure)") if pure \
        else compiled_websocket()
    print(f"ours: {note}")
    return ours_env(folder)


def router_comparison(*, quick: bool, rounds: int = 3, seconds: float = 1.5,
                      load: str = "ours-asyncio", pure: bool = False) -> None:
    """``benchmarks/router.py``'s socket part: router CPU per routed call and per delivered
    event, our router and Crossbar.io under the same client load (``load``, 100 in flight)."""
    args = argparse.Namespace(rounds=1 if quick else rounds, seconds=0.5 if quick else seconds,
                              warmup=0.2 if quick else 0.3)
    log_dir = Path(tempfile.mkdtemp(prefix="bench-router-"))
    cases = (("call", 100), ("event", 100))
    print(f"\n4. Over sockets: our router (wamp_asyncio) and Crossbar.io under the same load "
          f"({load} client, caller and callee or publisher and subscriber sessions in one "
          f"process, 100 in flight); {args.rounds} round(s) of {args.seconds:g} s; "
          f"logs in {log_dir}; {load_note()}")
    env = ours_environment(pure)
    routers = Routers(["ours", "crossbar"], log_dir, env)
    clients = start_clients([load], log_dir, env)
    try:
        best = run_rounds(routers, clients, TRANSPORTS, cases, args)
    finally:
        for child in clients.values():
            child.stop()
        routers.stop()
    header = ["transport, case", "ours us", "crossbar us", "crossbar/ours", "ours /s",
              "crossbar /s"]
    rows = []
    ratios = []
    for transport in TRANSPORTS:
        for mode, inflight in cases:
            key = (transport, case_label(mode, inflight), load)
            ours, theirs = best.extra.get(("ours", *key)), best.extra.get(("crossbar", *key))
            ratio = theirs / ours if ours and theirs else None
            if ratio is not None:
                ratios.append((transport, mode, ratio))
            rows.append([f"{transport}, {'routed call' if mode == 'call' else 'event'}",
                         f"{ours:.1f}" if ours else "-", f"{theirs:.1f}" if theirs else "-",
                         f"{ratio:.2f}x" if ratio else "-",
                         f"{best.rate.get(('ours', *key), 0):,.0f}",
                         f"{best.rate.get(('crossbar', *key), 0):,.0f}"])
    print_grid(f"Router CPU per routed call / delivered event  [{command_line()}]", header,
               rows, ["us = router process (tree) CPU microseconds per call or event; "
                      "/s = calls or events per second", f"{load_note()}"])
    print("\nGoal: at least 3x less router CPU than Crossbar.io per routed call and per "
          "delivered event")
    for transport, mode, ratio in ratios:
        verdict = "met" if ratio >= GOAL_RATIO else "NOT met"
        print(f"  {transport:10} {mode:5}  {ratio:5.2f}x less CPU than Crossbar.io ({verdict})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one round, 0.5 s windows")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=1.5, help="measured window")
    parser.add_argument("--warmup", type=float, default=0.3)
    parser.add_argument("--routers", default="ours,crossbar")
    parser.add_argument("--transports", default=",".join(TRANSPORTS))
    parser.add_argument("--clients", default=",".join(CLIENTS))
    parser.add_argument("--pure", action="store_true",
                        help="our frame parser as the editable install has it (pure Python)")
    parser.add_argument("--router-loop", choices=("asyncio", "uvloop"), default="asyncio",
                        help="our router's event loop (the clients keep theirs)")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.seconds, args.warmup = 1, 0.5, 0.2
    transports = args.transports.split(",")
    log_dir = Path(tempfile.mkdtemp(prefix="bench-wamp-"))
    print(f"$ {command_line()}")
    print(f"WAMP calls and events through a router over loopback; {environment()}")
    print(f"router and client in separate processes; {args.rounds} round(s) of "
          f"{args.seconds:g} s windows; logs in {log_dir}; {load_note()}")
    env = ours_environment(args.pure)
    print(f"our router runs on the {args.router_loop} event loop")
    routers = Routers(args.routers.split(","), log_dir, env, args.router_loop)
    clients = start_clients(args.clients.split(","), log_dir, env)
    try:
        best = run_rounds(routers, clients, transports, CASES, args)
    finally:
        for child in clients.values():
            child.stop()
        routers.stop()
    print(f"  done; {load_note()}")
    _tables(best, routers, list(clients), transports)
    goal(best, routers, transports)
    if "ours" in routers.urls:
        print(f"  (our router on the {routers.loop} event loop)")


if __name__ == "__main__":
    main()
