"""Install the real peers once, into ``<repo>/.cache/peers/<name>/``, and reuse them.

Each install is guarded by an exclusive ``fcntl.flock`` on ``<name>.lock`` (two pytest processes
may race), is bounded by a timeout, and ends by writing ``.peers-installed.json`` (what was asked
for, what pip/npm installed, how long it took). A directory without that marker, or whose marker
records a different request, is removed and built again; a complete one is reused at once.

    crossbar(version="26.10")          Crossbar.io in a Python 3 venv
    wstest()                           Autobahn|Testsuite in a Python 2.7 virtualenv
    autobahn_python(flavour, version)  Autobahn|Python (asyncio and Twisted) in a Python 3 venv
    autobahn_js()                      Autobahn|JS from npm in a node_modules folder

Every failure raises :class:`peers.proc.PeerError` with the failing command and its output tail;
the full log is ``<name>.log`` beside the directory.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peers.proc import PeerError, Result, clean_env, run_bounded

__all__ = [
    "AUTOBAHN_SERIES",
    "CROSSBAR_SERIES",
    "JsEnv",
    "Venv",
    "autobahn_js",
    "autobahn_python",
    "cache_dir",
    "crossbar",
    "python2",
    "python3",
    "wstest",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
MARKER = ".peers-installed.json"
FORMAT = 1  # bump to rebuild every cached peer after a change to how they are built

# Crossbar.io series -> requirements. Autobahn is pinned beside it: the two move together, and
# 25.12 is the last series whose `ubjson` is spec UBJSON (26.x sends BJData under that name).
CROSSBAR_SERIES: dict[str, tuple[str, ...]] = {
    "26.10": ("crossbar>=26.10,<26.11", "autobahn>=26.10,<26.11"),
    "25.12": ("crossbar>=25.12,<25.13", "autobahn>=25.12,<25.13"),
}
AUTOBAHN_SERIES: dict[str, tuple[str, ...]] = {
    "26.10": ("autobahn[twisted,serialization,encryption,scram]>=26.10,<26.11", "twisted"),
    "25.12": ("autobahn[twisted,serialization,encryption,scram]>=25.12,<25.13", "twisted"),
}
AUTOBAHN_FLAVOURS = ("asyncio", "twisted")

# Autobahn|Testsuite on Python 2.7: the set pip 20.3 resolved and that works (found 2026-11).
# Pinned whole, so a new upload of a dependency cannot break the suite.
WSTEST_REQUIREMENT = "autobahntestsuite==25.10.1"
WSTEST_CONSTRAINTS = (
    "attrs==21.4.0", "autobahn==0.10.9", "Automat==22.10.0", "cffi==1.15.1",
    "constantly==15.1.0", "cryptography==3.3.2", "enum34==1.1.10", "hyperlink==21.0.0",
    "idna==2.10", "incremental==16.10.1", "ipaddress==1.0.23", "Jinja2==2.11.3",
    "klein==17.10.0", "linecache2==1.0.0", "MarkupSafe==1.1.1", "pyasn1==0.5.1",
    "pyasn1-modules==0.3.0", "pycparser==2.21", "PyHamcrest==1.10.1", "pyOpenSSL==19.1.0",
    "service-identity==18.1.0", "six==1.16.0", "traceback2==1.4.0", "Twisted==19.10.0",
    "txaio==2.1.0", "typing==3.10.0.0", "ujson==2.0.3", "unittest2==1.1.0", "Werkzeug==1.0.1",
    "wsaccel==0.6.6", "zope.interface==4.6.0",
)
VIRTUALENV_FOR_PY27 = "virtualenv<20.22"  # the last series that can create Python 2.7 envs
AUTOBAHN_JS_SPEC = "autobahn@~22.11.1"

# Seconds. Measured here (2 cores): crossbar ~115 s, wstest ~90 s, autobahn ~65 s, npm ~7 s.
INSTALL_TIMEOUT = 900.0
PIP = ("-m", "pip", "--disable-pip-version-check", "--no-input")


@dataclass(frozen=True)
class Venv:
    """An installed virtual environment."""

    name: str
    path: Path

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"

    def bin(self, name: str) -> Path:
        """The path of console script ``name`` in this environment."""
        return self.path / "bin" / name

    def run(self, args: Sequence[str | os.PathLike[str]], *, timeout: float,
            check: bool = True, **kw: Any) -> Result:
        """Run this environment's Python with ``args`` (bounded; see ``run_bounded``)."""
        return run_bounded([self.python, *args], timeout=timeout, check=check, **kw)

    def installed(self) -> dict[str, Any]:
        """The marker: what was requested and installed, and the install time."""
        return _read_marker(self.path)


@dataclass(frozen=True)
class JsEnv:
    """A folder whose ``node_modules`` holds Autobahn|JS; run node scripts with ``cwd`` there
    (or ``NODE_PATH`` set) so that ``require('autobahn')`` resolves."""

    name: str
    path: Path

    @property
    def node_modules(self) -> Path:
        return self.path / "node_modules"

    def env(self) -> dict[str, str]:
        return clean_env({"NODE_PATH": str(self.node_modules)})

    def run(self, args: Sequence[str | os.PathLike[str]], *, timeout: float,
            check: bool = True, **kw: Any) -> Result:
        """Run ``node`` with ``args`` and NODE_PATH pointing here (bounded)."""
        kw.setdefault("env", self.env())
        return run_bounded([_node(), *args], timeout=timeout, check=check, **kw)

    def installed(self) -> dict[str, Any]:
        return _read_marker(self.path)


# ----------------------------------------------------------------------------- locations

def cache_dir() -> Path:
    """``<repo>/.cache/peers`` (``WAMP_PEERS_CACHE`` overrides it), created on demand."""
    path = Path(os.environ.get("WAMP_PEERS_CACHE") or REPO_ROOT / ".cache" / "peers")
    path.mkdir(parents=True, exist_ok=True)
    return path


def python3(minimum: tuple[int, int] = (3, 11)) -> Path:
    """A Python 3 interpreter at least ``minimum`` (Crossbar.io 26 needs 3.11): this process's
    own if it is recent enough, else the newest pyenv one."""
    if sys.version_info[:2] >= minimum:
        return Path(sys.executable)
    versions = sorted(
        (p for p in (_pyenv_root() / "versions").glob("3.*") if (p / "bin" / "python3").exists()),
        key=lambda p: tuple(int(x) for x in p.name.split(".")[:2] if x.isdigit()),
    )
    for candidate in reversed(versions):
        parts = tuple(int(x) for x in candidate.name.split(".")[:2])
        if parts >= minimum:
            return candidate / "bin" / "python3"
    raise PeerError(f"no Python >= {minimum[0]}.{minimum[1]} found (this one is "
                    f"{sys.version.split()[0]}; none in {_pyenv_root()}/versions)")


def python2() -> Path:
    """``$(pyenv root)/versions/2.7.18/bin/python2.7``, which Autobahn|Testsuite needs."""
    path = _pyenv_root() / "versions" / "2.7.18" / "bin" / "python2.7"
    if not path.exists():
        raise PeerError(f"Python 2.7 for Autobahn|Testsuite not found at {path} "
                        "(install it with `pyenv install 2.7.18`)")
    return path


def _pyenv_root() -> Path:
    if os.environ.get("PYENV_ROOT"):
        return Path(os.environ["PYENV_ROOT"])
    pyenv = shutil.which("pyenv")
    if pyenv:
        out = subprocess.run([pyenv, "root"], capture_output=True, text=True, timeout=30,
                             check=False)
        if out.returncode == 0 and out.stdout.strip():
            return Path(out.stdout.strip())
    return Path.home() / ".pyenv"


def _node() -> str:
    node = shutil.which("node")
    if not node:
        raise PeerError("`node` is not on the PATH (Autobahn|JS needs Node.js)")
    return node


# ----------------------------------------------------------------------------- locking, markers

def _read_marker(path: Path) -> dict[str, Any]:
    try:
        data = json.loads((path / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@contextlib.contextmanager
def _locked(lock_path: Path, timeout: float) -> Iterator[None]:
    """Hold an exclusive flock on ``lock_path``; wait at most ``timeout`` seconds for it."""
    with lock_path.open("a+") as fh:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise PeerError(f"waited {timeout:.0f}s for {lock_path} (another process is "
                                    "installing this peer, or hung while doing so)")
                time.sleep(0.5)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _ensure(name: str, request: Mapping[str, Any],
            build: Callable[[Path, Path], dict[str, Any]]) -> Path:
    """Return ``cache/name`` once ``build(target, log)`` has completed for this ``request``."""
    request = json.loads(json.dumps({"format": FORMAT, **request}))  # as the marker reads back
    target = cache_dir() / name
    if _read_marker(target).get("request") == request:
        return target
    with _locked(cache_dir() / f"{name}.lock", INSTALL_TIMEOUT + 60):
        if _read_marker(target).get("request") == request:  # another process built it meanwhile
            return target
        if target.exists():
            shutil.rmtree(target)
        log = cache_dir() / f"{name}.log"
        log.write_text(f"# install of {name}: {json.dumps(request)}\n", encoding="utf-8")
        started = time.monotonic()
        try:
            details = build(target, log)
        except PeerError as exc:
            raise PeerError(f"installing peer {name!r} failed (full log: {log})\n{exc}") from None
        marker = {"request": request, "seconds": round(time.monotonic() - started, 1),
                  "installed_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **details}
        (target / MARKER).write_text(json.dumps(marker, indent=1), encoding="utf-8")
    return target


def _make_venv(python: Path, target: Path, log: Path) -> Path:
    run_bounded([python, "-m", "venv", target], timeout=120, log_path=log)
    return target / "bin" / "python"


def _pip_install(python: Path, args: Sequence[str | os.PathLike[str]], log: Path) -> list[str]:
    """pip install ``args``; return ``pip freeze`` afterwards."""
    run_bounded([python, *PIP, "install", "--progress-bar", "off", *args],
                timeout=INSTALL_TIMEOUT, log_path=log)
    freeze = run_bounded([python, *PIP, "freeze", "--all"], timeout=120, log_path=log)
    return [line for line in freeze.output.splitlines() if "==" in line]


def _check(cmd: Sequence[str | os.PathLike[str]], log: Path, **kw: Any) -> str:
    return run_bounded(cmd, timeout=120, log_path=log, **kw).output.strip()


# ----------------------------------------------------------------------------- the peers

def crossbar(version: str = "26.10") -> Venv:
    """Crossbar.io ``version`` series (see CROSSBAR_SERIES) in its own Python 3 venv."""
    if version not in CROSSBAR_SERIES:
        raise ValueError(f"unknown Crossbar.io series {version!r}; known: {list(CROSSBAR_SERIES)}")
    requirements = CROSSBAR_SERIES[version]
    interpreter = python3()

    def build(target: Path, log: Path) -> dict[str, Any]:
        py = _make_venv(interpreter, target, log)
        freeze = _pip_install(py, requirements, log)
        shown = _check([target / "bin" / "crossbar", "version"], log)
        if "Crossbar.io" not in shown:
            raise PeerError(f"`crossbar version` printed no version:\n{shown[-2000:]}")
        return {"freeze": freeze}

    name = f"crossbar-{version}-{_tag_of(interpreter)}"
    return Venv(name, _ensure(name, {"requirements": requirements,
                                     "python": _version_of(interpreter)}, build))


def autobahn_python(flavour: str = "asyncio", version: str = "26.10") -> Venv:
    """Autobahn|Python ``version`` series with Twisted and every optional serializer and
    authenticator. One venv serves both flavours (``asyncio`` and ``twisted``): a client script
    picks its flavour by importing ``autobahn.asyncio`` or ``autobahn.twisted``."""
    if flavour not in AUTOBAHN_FLAVOURS:
        raise ValueError(f"unknown flavour {flavour!r}; expected one of {AUTOBAHN_FLAVOURS}")
    if version not in AUTOBAHN_SERIES:
        raise ValueError(f"unknown Autobahn series {version!r}; known: {list(AUTOBAHN_SERIES)}")
    requirements = AUTOBAHN_SERIES[version]
    interpreter = python3()

    def build(target: Path, log: Path) -> dict[str, Any]:
        py = _make_venv(interpreter, target, log)
        freeze = _pip_install(py, requirements, log)
        for flavour in AUTOBAHN_FLAVOURS:  # one per process: txaio allows one framework
            _check([py, "-c", f"import autobahn.{flavour}.component, autobahn.wamp.auth, "
                    "argon2, nacl, cbor2, msgpack"], log)
        return {"freeze": freeze}

    name = f"autobahn-{version}-{_tag_of(interpreter)}"
    return Venv(name, _ensure(name, {"requirements": requirements,
                                     "python": _version_of(interpreter)}, build))


def _virtualenv_helper() -> Venv:
    """A Python 3 venv holding ``virtualenv<20.22``, the tool that still makes 2.7 envs."""
    interpreter = python3((3, 8))

    def build(target: Path, log: Path) -> dict[str, Any]:
        py = _make_venv(interpreter, target, log)
        return {"freeze": _pip_install(py, [VIRTUALENV_FOR_PY27], log)}

    name = f"virtualenv-helper-{_tag_of(interpreter)}"
    return Venv(name, _ensure(name, {"requirements": [VIRTUALENV_FOR_PY27],
                                     "python": _version_of(interpreter)}, build))


def wstest() -> Venv:
    """Autobahn|Testsuite (``bin/wstest``) in a Python 2.7 virtualenv."""
    interpreter = python2()

    def build(target: Path, log: Path) -> dict[str, Any]:
        helper = _virtualenv_helper()
        run_bounded([helper.bin("virtualenv"), "--no-periodic-update", "-p", interpreter,
                     target], timeout=300, log_path=log)
        constraints = target / "constraints.txt"
        constraints.write_text("\n".join(WSTEST_CONSTRAINTS) + "\n", encoding="utf-8")
        freeze = _pip_install(target / "bin" / "python",
                              ["-c", constraints, WSTEST_REQUIREMENT], log)
        _check([target / "bin" / "python", "-c",
                "import autobahntestsuite.fuzzing, autobahntestsuite.wstest"], log)
        return {"freeze": freeze}

    return Venv("wstest", _ensure("wstest", {"requirements": [WSTEST_REQUIREMENT],
                                             "constraints": list(WSTEST_CONSTRAINTS),
                                             "python": str(interpreter)}, build))


def autobahn_js() -> JsEnv:
    """Autobahn|JS from npm in ``cache/autobahn-js/node_modules``."""
    node = _node()
    npm = shutil.which("npm")
    if not npm:
        raise PeerError("`npm` is not on the PATH (needed to install Autobahn|JS)")

    def build(target: Path, log: Path) -> dict[str, Any]:
        target.mkdir(parents=True)
        (target / "package.json").write_text(
            json.dumps({"name": "wamp-peers-autobahn-js", "private": True}), encoding="utf-8")
        run_bounded([npm, "install", "--no-audit", "--no-fund", "--no-save", AUTOBAHN_JS_SPEC],
                    timeout=INSTALL_TIMEOUT, cwd=target, log_path=log)
        shown = _check([node, "-e", "process.stdout.write(require('autobahn').version)"], log,
                       cwd=target)
        return {"autobahn_js": shown, "node": _check([node, "--version"], log)}

    return JsEnv("autobahn-js", _ensure("autobahn-js", {"npm": AUTOBAHN_JS_SPEC,
                                                       "node": _major(node)}, build))


def _tag_of(python: Path) -> str:
    """``py3.11``: part of a peer's folder name. The interpreter follows the one running the
    tests, so runs on several Pythons (``hatch run py:test``) each keep their own peer folders
    instead of reinstalling (and deleting) one another's."""
    return "py" + ".".join(_check_version(python)[:2])


def _version_of(python: Path) -> str:
    return ".".join(_check_version(python))


def _check_version(python: Path) -> list[str]:
    out = subprocess.run([str(python), "-c", "import sys; print(*sys.version_info[:3])"],
                         capture_output=True, text=True, timeout=60, check=False)
    if out.returncode != 0:
        raise PeerError(f"{python} does not run: {out.stderr.strip()[-500:]}")
    return out.stdout.split()


def _major(node: str) -> str:
    out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=60,
                         check=False)
    return out.stdout.strip().split(".")[0]
