"""Fixtures of the interop tests: the client batches and the routers as :class:`Target`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from interop_support import TIMES, Batches, Target
from our_router import OurRouters
from peers import venvs
from peers.crossbar import CrossbarRouter, make_auth


@pytest.fixture(scope="session")
def batches(request: pytest.FixtureRequest,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Batches]:
    runner = Batches(request.session, tmp_path_factory)
    try:
        yield runner
    finally:
        runner.close()


def crossbar_target(router: CrossbarRouter) -> Target:
    if router.auth is None:
        raise RuntimeError("the Crossbar.io router was started without principals")
    urls = {"ws": router.ws_url, "rs": router.rs_url, "uws": router.universal_ws_url,
            "urs": router.universal_rs_url, "wss": router.tls_ws_url, "rss": router.tls_rs_url}
    return Target({k: v for k, v in urls.items() if v}, router.auth, router.tls_ca)


@pytest.fixture(scope="session")
def crossbar_26(crossbar_router: CrossbarRouter) -> Target:
    return crossbar_target(crossbar_router)


@pytest.fixture(scope="session")
def crossbar_25(crossbar_router_25: CrossbarRouter) -> Target:
    return crossbar_target(crossbar_router_25)


@pytest.fixture(scope="session")
def our_routers(tmp_path_factory: pytest.TempPathFactory,
                autobahn_venv: venvs.Venv) -> Iterator[OurRouters]:
    """Our router (``python -m wamp_asyncio serve`` / ``wamp_twisted``), started per framework
    on first use, with principals made by Autobahn (its SCRAM derivation)."""
    routers = OurRouters(tmp_path_factory.mktemp("our-router"), make_auth(autobahn_venv))
    try:
        yield routers
    finally:
        routers.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if TIMES:
        terminalreporter.write_sep("-", "interop client batches (scenarios, seconds)")
        for (module, client, router), (count, seconds) in TIMES.items():
            terminalreporter.write_line(f"{module.split('.')[-1]:<22} {client:>17} -> "
                                        f"{router:<15} {count:4d} {seconds:7.1f}")
