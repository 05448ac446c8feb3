"""Running Autobahn|Testsuite against our WebSocket server and client programs.

Shared by ``test_wstest_asyncio.py`` and ``test_wstest_twisted.py``:

- :func:`check_server` starts an echo server program of this folder (``*_echo_server.py``),
  runs ``wstest -m fuzzingclient`` against it and returns the report;
- :func:`check_client` starts ``wstest -m fuzzingserver`` and runs a test client program
  (``*_fuzz_client.py``) against it until ``updateReports``;
- :func:`assert_conformant` fails listing every case that is not OK/NON-STRICT/INFORMATIONAL
  (or whose closing behaviour is not OK/INFORMATIONAL), and any case missing from the report.

Sections 1 to 11 run by default; ``WAMP_WSTEST_FULL=1`` runs 1 to 13 (permessage-deflate).
Every run has a hard timeout, and the programs and wstest are killed whatever happens.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peers import venvs, wstest
from peers.proc import Background, PeerError, run_bounded

__all__ = [
    "CASES",
    "FULL",
    "HERE",
    "RUN_TIMEOUT",
    "TEST_TIMEOUT",
    "Outcome",
    "assert_conformant",
    "check_client",
    "check_server",
]

HERE = Path(__file__).resolve().parent
FULL = os.environ.get("WAMP_WSTEST_FULL", "") not in ("", "0")
CASES = wstest.CASES_1_TO_13 if FULL else wstest.CASES_1_TO_11
# Seconds: a run of sections 1-11 takes under a minute, 1-13 nine to twenty-five (section 12
# dominates; a loaded machine doubles it).
RUN_TIMEOUT = 2700.0 if FULL else 300.0
TEST_TIMEOUT = RUN_TIMEOUT + 120.0
CASE_TIMEOUT = 120.0  # one case, seen from the test client (section 9 moves 16 MiB messages)


@dataclass
class Outcome:
    """A finished run: the report of ``agent`` and where it lies."""

    agent: str
    report: dict[str, dict[str, dict[str, Any]]]
    outdir: Path
    expected: int | None

    def summary(self) -> dict[str, int]:
        return wstest.summary(self.report).get(self.agent, {})


def _program(name: str) -> list[str]:
    return [sys.executable, "-u", str(HERE / name)]


def check_server(program: str, agent: str, workdir: Path, venv: venvs.Venv) -> Outcome:
    """Run ``wstest -m fuzzingclient`` against the echo server ``program``."""
    server = Background(_program(program), log_path=workdir / f"{agent}-server.log")
    try:
        port = int(server.wait_for_output(r"^LISTENING (\d+)$", 30).group(1))
        run = wstest.run_fuzzingclient({agent: f"ws://127.0.0.1:{port}"}, workdir=workdir,
                                       cases=CASES, timeout=RUN_TIMEOUT, venv=venv)
    finally:
        server.stop()
    return Outcome(agent, run.report, run.outdir, run.expected_cases)


def check_client(program: str, agent: str, workdir: Path, venv: venvs.Venv) -> Outcome:
    """Run the test client ``program`` against ``wstest -m fuzzingserver``."""
    fuzzer = wstest.start_fuzzingserver(workdir=workdir, cases=CASES, venv=venv)
    try:
        result = run_bounded([*_program(program), fuzzer.url, agent, str(CASE_TIMEOUT)],
                             timeout=RUN_TIMEOUT, cwd=workdir,
                             log_path=workdir / f"{agent}-client.log", check=False)
        if "PEER-RESULT" not in result.output:
            raise PeerError(f"{program} did not finish (exit {result.returncode})\n"
                            f"--- output tail ---\n{result.output[-3000:]}")
        report = fuzzer.report()
        expected = fuzzer.expected_cases
        if expected is None:
            line = result.output.rsplit("PEER-RESULT ", 1)[1].splitlines()[0]
            expected = json.loads(line)["cases"]
    finally:
        fuzzer.stop()
    return Outcome(agent, report, fuzzer.outdir, expected)


def assert_conformant(outcome: Outcome) -> None:
    """Fail naming every bad case (behaviour, close behaviour, close code, report file)."""
    failed = wstest.failures(outcome.report, outcome.agent)
    missing = wstest.missing_cases(outcome.report, outcome.agent, outcome.expected)
    lines = [f"{outcome.agent}: {outcome.summary()}, {missing} case(s) missing"]
    print(lines[0])  # shown with -s or -rA: the counts per behaviour
    if failed:
        lines.append(wstest.format_failures(failed, outcome.outdir, limit=1000))
    assert not failed and missing == 0, "\n".join(lines)
