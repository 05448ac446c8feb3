"""Wheels and sdists build; the asyncio stack installs without Twisted; each package imports
alone."""

from __future__ import annotations

import subprocess
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["wamp-core", "wamp-websocket", "wamp-rawsocket", "wamp-asyncio", "wamp-twisted"]

pytestmark = pytest.mark.slow


def _run(*args: str, cwd: Path | None = None) -> str:
    out = subprocess.run(args, capture_output=True, text=True, cwd=cwd, timeout=900, check=False)
    assert out.returncode == 0, f"{' '.join(args)} failed:\n{out.stdout}\n{out.stderr}"
    return out.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    tools = tmp_path_factory.mktemp("buildenv")
    venv.EnvBuilder(with_pip=True).create(tools)
    py = str(tools / "bin" / "python")
    _run(py, "-m", "pip", "install", "--quiet", "build")
    for name in PACKAGES:
        _run(py, "-m", "build", "--sdist", "--wheel", "--outdir", str(out),
             str(ROOT / "packages" / name))
    return out


def test_every_package_has_wheel_and_sdist(dist: Path) -> None:
    for name in PACKAGES:
        stem = name.replace("-", "_")
        assert list(dist.glob(f"{stem}-*.whl")), f"no wheel for {name}"
        assert list(dist.glob(f"{stem}-*.tar.gz")), f"no sdist for {name}"


def test_asyncio_stack_installs_without_twisted(dist: Path, tmp_path: Path) -> None:
    env = tmp_path / "env"
    venv.EnvBuilder(with_pip=True).create(env)
    py = str(env / "bin" / "python")
    wheels = [str(next(dist.glob(f"{n.replace('-', '_')}-*.whl"))) for n in PACKAGES[:4]]
    _run(py, "-m", "pip", "install", "--quiet", *wheels)
    installed = _run(py, "-m", "pip", "list", "--format=freeze").lower()
    assert "twisted" not in installed, installed
    for module in ("wamp_core", "wamp_websocket", "wamp_rawsocket", "wamp_asyncio"):
        # each package imports alone, in a fresh interpreter
        _run(py, "-c", f"import {module}; print({module}.__version__)")
    # wamp-websocket and wamp-rawsocket need nothing else
    bare = tmp_path / "bare"
    venv.EnvBuilder(with_pip=True).create(bare)
    bpy = str(bare / "bin" / "python")
    _run(bpy, "-m", "pip", "install", "--quiet", "--no-deps", *wheels[1:3])
    _run(bpy, "-c", "import wamp_websocket, wamp_rawsocket")
