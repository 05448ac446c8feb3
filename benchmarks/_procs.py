"""Process plumbing for the socket benchmarks: CPU of other processes, child processes
that answer JSON requests, and a multi-column table.

Every socket benchmark runs the server (an echo server, a router) and the load generator
in separate processes, so that on a small machine (2 cores here) each gets a core and the
server's CPU time can be read on its own:

- :func:`tree_cpu` reads ``utime + stime`` of a process and of all its descendants from
  ``/proc/<pid>/stat`` (clock ticks, 10 ms here; the benchmarks measure windows of a
  second or more). Crossbar.io is a controller with a router worker child: the sum covers both.
- :class:`Child` starts ``python <script> <args>`` in its own process group, waits for its
  ``READY <json>`` line, sends it JSON requests on stdin (one per line) and reads its
  ``RESULT <json>`` answers; :func:`serve_requests` is the child's side of that loop.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "Best",
    "Child",
    "compiled_websocket",
    "ours_env",
    "clock_ticks",
    "command_line",
    "cpu_now",
    "load_note",
    "print_grid",
    "serve_requests",
    "tree_cpu",
    "tree_pids",
]

_TICK = 1.0 / os.sysconf("SC_CLK_TCK")
ROOT = Path(__file__).resolve().parent.parent


def clock_ticks() -> float:
    """Seconds per clock tick of ``/proc/<pid>/stat`` (the resolution of :func:`tree_cpu`)."""
    return _TICK


def _stat_cpu(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            data = fh.read()
    except OSError:  # the process is gone
        return 0.0
    fields = data[data.rindex(b")") + 2:].split()
    # fields[0] is field 3 (state): utime and stime are fields 14 and 15
    return (int(fields[11]) + int(fields[12])) * _TICK


def tree_pids(pid: int) -> list[int]:
    """``pid`` and all its live descendants."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{current}/task/{tid}/children", "rb") as fh:
                    todo.extend(int(x) for x in fh.read().split())
            except OSError:
                pass
    return found


def tree_cpu(pids: Sequence[int]) -> float:
    """CPU seconds (user + system) used so far by the processes ``pids``."""
    return sum(_stat_cpu(pid) for pid in pids)


def cpu_now() -> float:
    """CPU seconds (user + system) of this process so far."""
    t = os.times()
    return t.user + t.system


def load_note() -> str:
    """The 1-minute load average: other work on the machine disturbs wall-time figures."""
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"


def command_line() -> str:
    """The command that runs this benchmark, as typed from the repository root."""
    script = os.path.relpath(os.path.abspath(sys.argv[0]), ROOT)
    return " ".join(["python", script, *sys.argv[1:]])


# ------------------------------------------------------------------------------ builds

_WS_SOURCES = ROOT / "packages" / "wamp-websocket" / "src" / "wamp_websocket"
_COMPILED = ("_framing", "_speedups")


def compiled_websocket(cache: Path | None = None) -> tuple[Path | None, str]:
    """A copy of ``wamp_websocket`` with its Cython modules compiled, as a wheel has them.

    An editable install (the ``bench`` environment) compiles ``_speedups`` but leaves the
    frame parser ``_framing`` in pure Python; put the returned folder first on
    ``PYTHONPATH`` to run what ``pip install`` gives users. Built once per source content and
    interpreter into ``.cache/bench/`` (Cython and a C compiler needed, about half a minute);
    returns ``(None, why)`` when that cannot be done, and ``(folder, note)`` otherwise.
    """
    import hashlib
    import shutil
    import sysconfig

    digest = hashlib.sha256(sys.version.encode())
    for path in sorted(_WS_SOURCES.iterdir()):
        if path.suffix in (".py", ".pyx", ".c", ".h", ".pyi"):
            digest.update(path.name.encode() + path.read_bytes())
    cache = cache or ROOT / ".cache" / "bench"
    target = cache / f"wamp_websocket-{digest.hexdigest()[:16]}"
    marker = target / "wamp_websocket" / ".compiled"
    note = f"wamp_websocket with compiled {' and '.join(_COMPILED)} (as a wheel), from {target}"
    if marker.exists():
        return target, note
    try:
        from Cython.Build import cythonize
        from setuptools import Distribution, Extension
        from setuptools.command.build_ext import build_ext
    except ImportError as exc:
        return None, f"pure-Python wamp_websocket._framing (editable install; {exc})"
    work = cache / "build"
    shutil.rmtree(target, ignore_errors=True)
    package = target / "wamp_websocket"
    shutil.copytree(_WS_SOURCES, package,
                    ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__"))
    flags = ["-O3", "-g0", "-Wno-unused-function"]
    extensions = [
        Extension("wamp_websocket._speedups",
                  [str(package / n) for n in ("_speedups.pyx", "_mask_simd.c", "_utf8_simd.c")],
                  include_dirs=[str(package)], extra_compile_args=flags),
        Extension("wamp_websocket._framing", [str(package / "_framing.py")],
                  extra_compile_args=flags),
    ]
    print(f"  compiling wamp_websocket's Cython modules for the benchmark into {target}",
          flush=True)
    try:
        built = cythonize(extensions, build_dir=str(work / "cython"), quiet=True,
                          compiler_directives={"language_level": 3})
        command = build_ext(Distribution({"name": "wamp-websocket", "ext_modules": built}))
        command.build_lib = str(target)
        command.build_temp = str(work / f"temp-{sysconfig.get_platform()}")
        command.ensure_finalized()
        command.run()
    except Exception as exc:  # no compiler, a Cython error: measure the editable install
        shutil.rmtree(target, ignore_errors=True)
        return None, f"pure-Python wamp_websocket._framing (compiling failed: {exc})"
    marker.write_text("compiled\n", encoding="utf-8")
    return target, note


def ours_env(folder: Path | None) -> dict[str, str]:
    """The environment for a process running our packages (``folder`` first on the path)."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    if folder is not None:
        env["PYTHONPATH"] = os.pathsep.join(
            [str(folder), *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


# ------------------------------------------------------------------------------ children

class Child:
    """A child process speaking the ``READY``/``RESULT`` line protocol (see the module text)."""

    def __init__(self, name: str, argv: Sequence[str], *, log_dir: Path,
                 ready_timeout: float = 60.0, env: dict[str, str] | None = None) -> None:
        self.name = name
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [str(a) for a in argv], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self._log, start_new_session=True, cwd=ROOT,
            env=env if env is not None else dict(os.environ, PYTHONUNBUFFERED="1"))
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._reader, daemon=True).start()
        self.ready: Any = self._expect("READY", ready_timeout)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _reader(self) -> None:
        stdout = self.proc.stdout
        if stdout is None:
            return
        for raw in stdout:
            self._lines.put(raw.decode("utf-8", "replace").rstrip("\n"))
        self._lines.put(None)

    def _expect(self, prefix: str, timeout: float) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                line = self._lines.get(timeout=max(left, 0.001))
            except queue.Empty:
                raise TimeoutError(f"{self.name}: no {prefix} line within {timeout:.0f}s "
                                   f"(log: {self.log_path})\n{self.tail()}") from None
            if line is None:
                raise RuntimeError(f"{self.name} exited (code {self.proc.wait()}; log: "
                                   f"{self.log_path})\n{self.tail()}")
            if line.startswith(prefix + " "):
                return json.loads(line[len(prefix) + 1:])
            if line.startswith("ERROR "):
                raise RuntimeError(f"{self.name}: {json.loads(line[6:])}")

    def request(self, payload: dict[str, Any], timeout: float = 120.0) -> Any:
        """Send one request; return the child's answer."""
        stdin = self.proc.stdin
        if stdin is None or self.proc.poll() is not None:
            raise RuntimeError(f"{self.name} is not running (log: {self.log_path})")
        stdin.write((json.dumps(payload) + "\n").encode())
        stdin.flush()
        return self._expect("RESULT", timeout)

    def tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """End the child's whole process group (SIGTERM, then SIGKILL)."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(5)
        self._log.close()

    def __enter__(self) -> Child:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def serve_requests(ready: Any, handle: Callable[[dict[str, Any]], Any]) -> None:
    """The child's side: print ``READY``, then answer each stdin line with ``RESULT``
    (``ERROR`` with the exception text when ``handle`` raises) until stdin closes."""
    print("READY " + json.dumps(ready), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            answer = handle(json.loads(line))
        except Exception as exc:  # reported to the parent, which raises it
            import traceback
            traceback.print_exc()
            print("ERROR " + json.dumps(f"{type(exc).__name__}: {exc}"), flush=True)
            continue
        print("RESULT " + json.dumps(answer), flush=True)


# ------------------------------------------------------------------------------ tables

class Best:
    """Best figures per key over the rounds: the highest rate, the lowest CPU per item."""

    def __init__(self) -> None:
        self.rate: dict[tuple[str, ...], float] = {}
        self.us: dict[tuple[str, ...], float] = {}
        self.extra: dict[tuple[str, ...], float] = {}

    def add(self, key: tuple[str, ...], rate: float, us: float, extra: float = 0.0) -> None:
        self.rate[key] = max(self.rate.get(key, 0.0), rate)
        self.us[key] = min(self.us.get(key, float("inf")), us)
        if extra:
            self.extra[key] = min(self.extra.get(key, float("inf")), extra)


def print_grid(title: str, header: Sequence[str], rows: Sequence[Sequence[str]],
               notes: Sequence[str] = ()) -> None:
    """An aligned table: the first column left-aligned, the others right-aligned."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print(f"\n{title}")
    for row in [header, *rows]:
        cells = [str(row[0]).ljust(widths[0])]
        cells += [str(c).rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        print("  " + "  ".join(cells).rstrip())
    for note in notes:
        print(f"  {note}")
    sys.stdout.flush()
