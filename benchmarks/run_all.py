"""Every benchmark in turn, then the goals they printed, in one run.

    python dev.py bench                      # = hatch run bench:all
    hatch run bench:all --quick              # shorter runs (a few minutes)
    python benchmarks/run_all.py --only echo,wamp_rpc

Runs, each as its own process with this interpreter (the ``bench`` environment, which has
Autobahn|Python, websockets and wsaccel): ``serializers.py``, ``messages.py`` (when present),
``websocket.py``, ``router.py`` (in memory, then over sockets against Crossbar.io),
``echo.py`` and ``wamp_rpc.py``. Their
output streams as they run; at the end the ratio tables (the lines of each "Goal" section)
are printed again together, each under the command that produced it. Exit status 1 when a
benchmark failed to run (a missed goal is reported, not an error).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _procs import load_note
from _util import environment

HERE = Path(__file__).resolve().parent
BENCHMARKS = ("serializers", "messages", "websocket", "router", "echo", "wamp_rpc")


def run(name: str, quick: bool) -> tuple[int, list[str], float]:
    """Run ``benchmarks/<name>.py``, streaming its output; return (status, lines, seconds)."""
    argv = [sys.executable, str(HERE / f"{name}.py"), *(["--quick"] if quick else [])]
    shown = " ".join(["python", f"benchmarks/{name}.py", *argv[2:]])
    print(f"\n{'=' * 100}\n$ {shown}", flush=True)
    started = time.monotonic()
    lines: list[str] = []
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, bufsize=1, cwd=HERE.parent,
                          env=dict(os.environ, PYTHONUNBUFFERED="1")) as proc:
        for line in proc.stdout or ():
            sys.stdout.write(line)
            lines.append(line.rstrip("\n"))
    return proc.returncode, lines, time.monotonic() - started


def goal_sections(lines: list[str]) -> list[str]:
    """The lines of each section that starts with 'Goal' (up to the next blank line)."""
    found, inside = [], False
    for line in lines:
        if line.lstrip().startswith("Goal"):
            inside = True
        elif not line.strip():
            inside = False
        if inside:
            found.append(line)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every benchmark with --quick")
    parser.add_argument("--only", default="", help=f"comma-separated, from {BENCHMARKS}")
    args = parser.parse_args(argv)
    chosen = [b for b in BENCHMARKS if (not args.only or b in args.only.split(","))
              and (HERE / f"{b}.py").exists()]
    print(f"benchmarks: {', '.join(chosen)}; {environment()}; {load_note()}")
    summary: list[str] = []
    failed = []
    for name in chosen:
        status, lines, seconds = run(name, args.quick)
        quick = " --quick" if args.quick else ""
        summary.append(f"\n$ python benchmarks/{name}.py{quick}  ({seconds:.0f} s"
                       f"{'' if status == 0 else f', FAILED with exit status {status}'})")
        summary += goal_sections(lines) or ["  (no goal lines)"]
        if status != 0:
            failed.append(name)
    print(f"\n{'=' * 100}\nSummary: the goals, as each benchmark measured them in this run "
          f"({load_note()})")
    print("\n".join(summary))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
