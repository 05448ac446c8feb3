"""Fixtures for the wamp_core tests: Autobahn|Python as a peer in its own environment.

``autobahn_peer`` runs ``_autobahn_peer.py`` with a Python that has Autobahn:
``$WAMP_TEST_AUTOBAHN_PYTHON`` if set, else the Autobahn|Python virtual environment of
``tests/peers`` (the root conftest's ``autobahn_venv``: installed once, pinned, a failed
install fails the test). Every request has a timeout.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PEER_SCRIPT = Path(__file__).with_name("_autobahn_peer.py")
REQUEST_TIMEOUT = 60.0


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
def autobahn_peer(autobahn_venv: Any) -> Iterator[AutobahnPeer]:
    """The peer in ``$WAMP_TEST_AUTOBAHN_PYTHON``, else in the Autobahn|Python venv of
    ``tests/peers`` (installed once, pinned, with every serializer)."""
    python = os.environ.get("WAMP_TEST_AUTOBAHN_PYTHON") or str(autobahn_venv.python)
    try:
        peer = AutobahnPeer(python)
    except (OSError, RuntimeError, subprocess.TimeoutExpired, TimeoutError, ValueError) as exc:
        pytest.fail(f"the Autobahn|Python peer did not start: {exc}", pytrace=False)
    try:
        yield peer
    finally:
        peer.close()
