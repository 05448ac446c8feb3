"""Fixtures for the wamp_core tests: Autobahn|Python as a peer in its own environment.

``autobahn_peer`` runs ``_autobahn_peer.py`` with a Python that has Autobahn:
``$WAMP_TEST_AUTOBAHN_PYTHON`` if set, else a virtual environment under
``.cache/venv-autobahn`` in the repository (gitignored), created on first use
with ``pip install autobahn``. Every step has a timeout; when the environment
cannot be made (no network ...) the interop tests are skipped, saying why.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
VENV = REPO / ".cache" / "venv-autobahn"
PEER_SCRIPT = Path(__file__).with_name("_autobahn_peer.py")
INSTALL_TIMEOUT = 600.0
REQUEST_TIMEOUT = 60.0


def _venv_python() -> Path:
    return VENV / "bin" / "python"


def _run(cmd: list[str], timeout: float) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        tail = (proc.stdout + proc.stderr).strip().splitlines()[-5:]
        raise RuntimeError(f"{' '.join(cmd[:4])} ... failed: {' | '.join(tail)}")


def _ensure_venv() -> Path:
    """Create the Autobahn environment once (under a lock: parallel sessions wait)."""
    VENV.parent.mkdir(parents=True, exist_ok=True)
    marker = VENV / ".autobahn-ready"
    with open(VENV.parent / "venv-autobahn.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not marker.exists():
            _run([sys.executable, "-m", "venv", "--clear", str(VENV)], timeout=120)
            _run([str(_venv_python()), "-m", "pip", "install", "--quiet",
                  "--disable-pip-version-check", "autobahn"], timeout=INSTALL_TIMEOUT)
            marker.write_text(time.strftime("%Y-%m-%dT%H:%M:%S\n"))
    return _venv_python()


class AutobahnPeer:
    """One long-lived peer process; ``request()`` sends a command and waits for the answer."""

    def __init__(self, python: str) -> None:
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        env.pop("PYTHONPATH", None)  # keep our packages out of Autobahn's process
        self._proc = subprocess.Popen(
            [python, "-u", str(PEER_SCRIPT)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, env=env, cwd=str(PEER_SCRIPT.parent),
        )
        info = self.request({"cmd": "version"})
        self.version: str = info["version"]
        self.ubjson_module: str | None = info["ubjson_module"]

    def request(self, request: dict[str, Any], timeout: float = REQUEST_TIMEOUT) -> Any:
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write(json.dumps(request) + "\n")
        self._proc.stdin.flush()
        ready, _, _ = select.select([self._proc.stdout], [], [], timeout)
        if not ready:
            self.close()
            raise TimeoutError(f"Autobahn peer did not answer {request['cmd']} in {timeout}s")
        line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError(f"Autobahn peer exited ({self._proc.poll()})")
        return json.loads(line)

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=10)


@pytest.fixture(scope="session")
def autobahn_peer() -> Iterator[AutobahnPeer]:
    python = os.environ.get("WAMP_TEST_AUTOBAHN_PYTHON")
    try:
        if not python:
            python = str(_ensure_venv())
        peer = AutobahnPeer(python)
    except (OSError, RuntimeError, subprocess.TimeoutExpired, TimeoutError, ValueError) as exc:
        pytest.skip(f"no Autobahn|Python peer: {exc}")
    try:
        yield peer
    finally:
        peer.close()
