"""Root conftest: the real peers of ``tests/peers`` as pytest fixtures.

    crossbar_router       one Crossbar.io 26.10 node for the whole session (realm1, realm2,
                          ws/rs/universal transports, every serializer and auth method)
    crossbar_router_25    the same on Crossbar.io 25.12 (its `ubjson` is spec UBJSON)
    crossbar_venv         the Crossbar.io 26.10 virtual environment
    autobahn_venv         Autobahn|Python 26.10 (asyncio and Twisted) for client scripts
    wstest_venv           Autobahn|Testsuite (Python 2.7)
    autobahn_js           Autobahn|JS in a node_modules folder

The peers the selected tests need are installed (once, into ``.cache/peers``, in parallel)
right after collection, outside the per-test timeout. A failed install fails every test that
needs it, with the command and its output: never a skip.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # `import peers`, whatever the mode

from peers import venvs
from peers.crossbar import CrossbarRouter, launch_router
from peers.proc import PeerError

_INSTALLERS: dict[str, Callable[[], Any]] = {
    "crossbar-26.10": lambda: venvs.crossbar("26.10"),
    "crossbar-25.12": lambda: venvs.crossbar("25.12"),
    "autobahn-26.10": lambda: venvs.autobahn_python("asyncio", "26.10"),
    "wstest": venvs.wstest,
    "autobahn-js": venvs.autobahn_js,
}
# fixture -> the installs it needs (``item.fixturenames`` holds the whole fixture closure)
_FIXTURE_NEEDS: dict[str, tuple[str, ...]] = {
    "crossbar_router": ("crossbar-26.10",),
    "crossbar_router_25": ("crossbar-25.12",),
    "crossbar_venv": ("crossbar-26.10",),
    "autobahn_venv": ("autobahn-26.10",),
    "wstest_venv": ("wstest",),
    "autobahn_js": ("autobahn-js",),
}
_FAILED: dict[str, str] = {}


def _install(name: str) -> Any:
    if name in _FAILED:
        pytest.fail(_FAILED[name], pytrace=False)
    try:
        return _INSTALLERS[name]()
    except PeerError as exc:
        _FAILED[name] = str(exc)
        pytest.fail(str(exc), pytrace=False)


def pytest_collection_finish(session: pytest.Session) -> None:
    if session.config.option.collectonly:
        return
    needed = sorted({n for item in session.items for f in getattr(item, "fixturenames", ())
                     for n in _FIXTURE_NEEDS.get(f, ())})
    if not needed:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    say = reporter.write_line if reporter else print
    say(f"peers: preparing {', '.join(needed)} (first run installs into .cache/peers)")
    started = time.monotonic()

    def attempt(name: str) -> None:
        try:
            _INSTALLERS[name]()
        except PeerError as exc:
            _FAILED[name] = str(exc)

    with ThreadPoolExecutor(max_workers=len(needed)) as pool:
        list(pool.map(attempt, needed))
    failed = f"; FAILED: {', '.join(sorted(_FAILED))}" if _FAILED else ""
    say(f"peers: ready after {time.monotonic() - started:.1f}s{failed}")


def _router(tmp_path_factory: pytest.TempPathFactory, version: str) -> Iterator[CrossbarRouter]:
    _install(f"crossbar-{version}")
    node = tmp_path_factory.mktemp(f"crossbar-{version}")
    try:
        router = launch_router(node, version=version)
    except PeerError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield router
    finally:
        router.stop()


@pytest.fixture(scope="session")
def crossbar_router(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CrossbarRouter]:
    """One Crossbar.io 26.10 node for the session; its log is ``crossbar_router.log_path``."""
    yield from _router(tmp_path_factory, "26.10")


@pytest.fixture(scope="session")
def crossbar_router_25(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CrossbarRouter]:
    """One Crossbar.io 25.12 node (spec UBJSON under `ubjson`) for the session."""
    yield from _router(tmp_path_factory, "25.12")


@pytest.fixture(scope="session")
def crossbar_venv() -> venvs.Venv:
    return _install("crossbar-26.10")  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def autobahn_venv() -> venvs.Venv:
    return _install("autobahn-26.10")  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def wstest_venv() -> venvs.Venv:
    return _install("wstest")  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def autobahn_js() -> venvs.JsEnv:
    return _install("autobahn-js")  # type: ignore[no-any-return]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A failing test that used a router gets the router's log tail in its report."""
    outcome = yield
    report = outcome.get_result()
    if not report.failed:
        return
    for name in ("crossbar_router", "crossbar_router_25"):
        router = getattr(item, "funcargs", {}).get(name)
        if isinstance(router, CrossbarRouter):
            report.sections.append((f"{name} log tail ({router.log_path})",
                                    router.process.tail(60)))
