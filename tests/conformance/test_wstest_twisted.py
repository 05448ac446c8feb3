"""Autobahn|Testsuite against wamp_twisted's WebSocket server and client.

Sections 1 to 11 by default; ``WAMP_WSTEST_FULL=1`` runs sections 1 to 13
(permessage-deflate), about nine minutes per side.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from peers import venvs
from wstest_conformance import TEST_TIMEOUT, assert_conformant, check_client, check_server

pytestmark = [pytest.mark.interop, pytest.mark.slow, pytest.mark.timeout(TEST_TIMEOUT)]


def test_wstest_fuzzingclient_against_twisted_echo_server(
        tmp_path: Path, wstest_venv: venvs.Venv) -> None:
    outcome = check_server("tx_echo_server.py", "wamp-twisted-server", tmp_path, wstest_venv)
    assert_conformant(outcome)


def test_wstest_fuzzingserver_for_twisted_client(
        tmp_path: Path, wstest_venv: venvs.Venv) -> None:
    outcome = check_client("tx_fuzz_client.py", "wamp-twisted-client", tmp_path, wstest_venv)
    assert_conformant(outcome)
