"""The lint gate runs with the tests: ruff on the whole tree, mypy --strict on the Sans-I/O
packages (the same checks as ``python3 dev.py lint``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SANS_IO = [
    "packages/wamp-core/src/wamp_core",
    "packages/wamp-websocket/src/wamp_websocket",
    "packages/wamp-rawsocket/src/wamp_rawsocket",
]


def _tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, check=False)


def test_ruff_is_clean() -> None:
    pytest.importorskip("ruff", reason="ruff is part of the default test environment")
    out = _tool("ruff", "check", "packages", "tests", "benchmarks", "examples", "dev.py")
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_strict_on_sans_io_packages() -> None:
    pytest.importorskip("mypy", reason="mypy is part of the default test environment")
    out = _tool("mypy", "--strict", *SANS_IO)
    assert out.returncode == 0, out.stdout + out.stderr
