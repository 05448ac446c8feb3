"""Bounded subprocesses for the peer helpers: every run has a timeout, every background process
lives in its own process group (so a stop kills its children too) and logs to a file.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Background",
    "PeerError",
    "Result",
    "clean_env",
    "free_port",
    "free_ports",
    "output_tail",
    "port_open",
    "run_bounded",
    "wait_until",
]

# pip repeats this for every package it looks up in the machine's extra indexes: noise in a tail.
_NOISE = re.compile(r"is ignored: it is neither a file nor a directory|^\s*$")
# Variables of the test process's own environment that must not leak into a peer's interpreter.
_STRIP = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "__PYVENV_LAUNCHER__",
          "PIP_REQUIRE_VIRTUALENV", "CONDA_PREFIX")


class PeerError(RuntimeError):
    """A peer could not be installed, started or run; the message says which command and why."""


@dataclass(frozen=True)
class Result:
    """A finished command: its argv, exit code and merged stdout+stderr."""

    cmd: tuple[str, ...]
    returncode: int
    output: str


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without the variables that tie an interpreter to our venv."""
    env = {k: v for k, v in os.environ.items() if k not in _STRIP}
    if extra:
        env.update(extra)
    return env


def output_tail(text: str, lines: int = 40) -> str:
    """The last ``lines`` meaningful lines of a command's output, for error messages."""
    kept = [line for line in text.splitlines() if not _NOISE.search(line)]
    return "\n".join(kept[-lines:])


def _kill_group(proc: subprocess.Popen[str] | subprocess.Popen[bytes], sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def run_bounded(
    cmd: Sequence[str | os.PathLike[str]],
    *,
    timeout: float,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    stdin_text: str | None = None,
    check: bool = True,
    log_path: Path | None = None,
) -> Result:
    """Run ``cmd`` in a new process group, killing the whole group after ``timeout`` seconds.

    Output (stdout and stderr merged) is returned and, if ``log_path`` is given, appended there.
    A timeout, or a non-zero exit when ``check`` is true, raises :class:`PeerError` naming the
    command and the tail of its output.
    """
    argv = tuple(str(c) for c in cmd)
    started = time.monotonic()
    proc = subprocess.Popen(
        argv, cwd=cwd, env=dict(env) if env is not None else clean_env(),
        stdin=subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace",
        start_new_session=True,
    )
    try:
        out, _ = proc.communicate(stdin_text, timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        _kill_group(proc, signal.SIGKILL)
        out, _ = proc.communicate()
        timed_out = True
    finally:
        _kill_group(proc, signal.SIGKILL)  # strays left in the group (daemonized helpers)
    if log_path is not None:
        with log_path.open("a", encoding="utf-8") as fh:
            fh.write(f"$ {' '.join(argv)}\n{out}\n[exit {proc.returncode}, "
                     f"{time.monotonic() - started:.1f}s]\n")
    if timed_out:
        raise PeerError(f"timed out after {timeout:.0f}s: {' '.join(argv)}\n"
                        f"--- output tail ---\n{output_tail(out)}")
    if check and proc.returncode != 0:
        raise PeerError(f"exit code {proc.returncode}: {' '.join(argv)}\n"
                        f"--- output tail ---\n{output_tail(out)}")
    return Result(argv, proc.returncode, out)


def free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """``count`` distinct free TCP ports on ``host``, found by binding port 0.

    The sockets are closed before returning, so another process could take a port before the
    peer binds it: a tiny race, acceptable on a test machine (a lost race shows as the peer
    failing to start, with "Address already in use" in its log). Prefer letting a peer bind
    port 0 itself when it can report the port it got.
    """
    socks = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((host, 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def free_port(host: str = "127.0.0.1") -> int:
    """One free TCP port on ``host`` (same race as :func:`free_ports`)."""
    return free_ports(1, host)[0]


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    """Whether a TCP connection to ``host:port`` succeeds now."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    """Poll ``predicate`` until it is true (returns True) or ``timeout`` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


class Background:
    """A long-running peer process in its own process group, its output going to ``log_path``.

    ``stop()`` is idempotent and always ends the whole group: SIGTERM, then SIGKILL after
    ``grace`` seconds.
    """

    def __init__(
        self,
        cmd: Sequence[str | os.PathLike[str]],
        *,
        log_path: Path,
        cwd: str | os.PathLike[str] | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.cmd = tuple(str(c) for c in cmd)
        self.log_path = log_path
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("ab") as log:
            log.write(f"$ {' '.join(self.cmd)}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                self.cmd, cwd=cwd, env=dict(env) if env is not None else clean_env(),
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def output(self) -> str:
        """Everything the process has written so far."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def tail(self, lines: int = 40) -> str:
        return output_tail(self.output(), lines)

    def wait_for_output(self, pattern: str, timeout: float) -> re.Match[str]:
        """Wait until the output matches the regex ``pattern``; raise PeerError on timeout or
        when the process exits first."""
        rx = re.compile(pattern, re.MULTILINE)
        found: list[re.Match[str]] = []

        def seen() -> bool:
            m = rx.search(self.output())
            if m:
                found.append(m)
                return True
            return not self.alive()

        wait_until(seen, timeout, interval=0.1)
        if found:
            return found[0]
        state = f"exited with {self.proc.returncode}" if not self.alive() else "still running"
        raise PeerError(f"{self.cmd[0]}: no line matching {pattern!r} within {timeout:.0f}s "
                        f"({state}); log {self.log_path}\n--- output tail ---\n{self.tail()}")

    def wait(self, timeout: float) -> int:
        """Wait for the process to exit by itself; kill the group and raise after ``timeout``."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise PeerError(f"did not finish within {timeout:.0f}s: {' '.join(self.cmd)}; "
                            f"log {self.log_path}\n--- output tail ---\n{self.tail()}")

    def stop(self, grace: float = 5.0) -> int | None:
        """End the process and its whole group; return the exit code."""
        if self.alive():
            _kill_group(self.proc, signal.SIGTERM)
            try:
                self.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        _kill_group(self.proc, signal.SIGKILL)  # the leader may be gone but children live on
        try:
            return self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            return None
