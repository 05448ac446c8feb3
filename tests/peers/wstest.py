"""Autobahn|Testsuite (``wstest``) for the WebSocket conformance tests.

Our server under test:

    run = run_fuzzingclient({"wamp-asyncio": "ws://127.0.0.1:PORT"}, workdir=tmp_path,
                            cases=CASES_1_TO_11, timeout=600)
    assert failures(run.report) == {}, format_failures(failures(run.report))
    assert missing_cases(run.report, "wamp-asyncio", run.expected_cases) == 0

Our client under test:

    server = start_fuzzingserver(workdir=tmp_path, cases=CASES_1_TO_11)
    try:
        ...  # the client: server.case_count_url, server.run_case_url(n, agent),
             #             then server.update_reports_url(agent)
        report = server.report()
    finally:
        server.stop()

wstest runs under Python 2.7 through ``scripts/wstest_main.py``, which binds its listening
socket to 127.0.0.1 (wstest alone binds every interface) on a port of the OS's choosing and
reports it. The fuzzingserver runs with ``-u 0`` (no web UI).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peers import venvs
from peers.proc import Background, PeerError, run_bounded

__all__ = [
    "CASES_1_TO_11",
    "CASES_1_TO_13",
    "OK_BEHAVIORS",
    "OK_CLOSE_BEHAVIORS",
    "FuzzingRun",
    "FuzzingServer",
    "failures",
    "format_failures",
    "fuzzing_spec",
    "missing_cases",
    "read_report",
    "run_fuzzingclient",
    "start_fuzzingserver",
    "summary",
]

SCRIPT = Path(__file__).resolve().parent / "scripts" / "wstest_main.py"
CASES_1_TO_11 = tuple(f"{n}.*" for n in range(1, 12))
CASES_1_TO_13 = tuple(f"{n}.*" for n in range(1, 14))  # 12 and 13: permessage-deflate
OK_BEHAVIORS = frozenset({"OK", "NON-STRICT", "INFORMATIONAL"})
OK_CLOSE_BEHAVIORS = frozenset({"OK", "INFORMATIONAL"})
_WILL_RUN = re.compile(r"Ok, will run (\d+) test cases")


def fuzzing_spec(
    *,
    outdir: Path,
    cases: Sequence[str] = CASES_1_TO_11,
    exclude_cases: Sequence[str] = (),
    exclude_agent_cases: Mapping[str, Sequence[str]] | None = None,
    options: Mapping[str, Any] | None = None,
    servers: Sequence[Mapping[str, Any]] | None = None,
    url: str | None = None,
) -> dict[str, Any]:
    """A wstest spec: give ``servers`` ([{"agent", "url", "options"?}]) for fuzzingclient, or
    ``url`` (e.g. ``ws://127.0.0.1:0``) for fuzzingserver. Case ids are globs like ``"1.*"``."""
    if (servers is None) == (url is None):
        raise ValueError("give exactly one of servers (fuzzingclient) or url (fuzzingserver)")
    spec: dict[str, Any] = {
        "outdir": str(outdir),
        "options": dict(options or {}),
        "cases": list(cases),
        "exclude-cases": list(exclude_cases),
        "exclude-agent-cases": {k: list(v) for k, v in (exclude_agent_cases or {}).items()},
    }
    if servers is not None:
        spec["servers"] = [dict(s) for s in servers]
    else:
        spec["url"] = url
    return spec


@dataclass
class FuzzingRun:
    """A finished fuzzingclient run."""

    outdir: Path
    output: str
    expected_cases: int | None
    report: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)


def _write_spec(workdir: Path, name: str, spec: Mapping[str, Any]) -> Path:
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / name
    path.write_text(json.dumps(spec, indent=1), encoding="utf-8")
    return path


def _expected(output: str) -> int | None:
    m = _WILL_RUN.search(output)
    return int(m.group(1)) if m else None


def run_fuzzingclient(
    servers: Mapping[str, str] | Sequence[Mapping[str, Any]],
    *,
    workdir: Path,
    cases: Sequence[str] = CASES_1_TO_11,
    exclude_cases: Sequence[str] = (),
    options: Mapping[str, Any] | None = None,
    timeout: float = 900.0,
    venv: venvs.Venv | None = None,
) -> FuzzingRun:
    """Run ``wstest -m fuzzingclient`` against ``servers`` ({agent: url} or spec entries) and
    return the report (``workdir/reports/index.json``). The whole run is bounded by
    ``timeout``; wstest's output is kept in ``workdir/wstest-fuzzingclient.log``."""
    entries = ([{"agent": a, "url": u} for a, u in servers.items()]
               if isinstance(servers, Mapping) else list(servers))
    outdir = workdir / "reports"
    spec = fuzzing_spec(outdir=outdir, cases=cases, exclude_cases=exclude_cases,
                        options=options, servers=entries)
    spec_path = _write_spec(workdir, "fuzzingclient.json", spec)
    venv = venv or venvs.wstest()
    log = workdir / "wstest-fuzzingclient.log"
    result = run_bounded([venv.python, "-u", SCRIPT, "-m", "fuzzingclient", "-s", spec_path],
                         timeout=timeout, cwd=workdir, log_path=log, check=False)
    if result.returncode != 0 or not (outdir / "index.json").exists():
        raise PeerError(f"wstest fuzzingclient failed (exit {result.returncode}, log {log})\n"
                        f"--- output tail ---\n{result.output[-3000:]}")
    return FuzzingRun(outdir, result.output, _expected(result.output), read_report(outdir))


@dataclass
class FuzzingServer:
    """A running ``wstest -m fuzzingserver`` on 127.0.0.1."""

    process: Background
    port: int
    outdir: Path
    expected_cases: int | None

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def case_count_url(self) -> str:
        return f"{self.url}/getCaseCount"

    def run_case_url(self, case: int, agent: str) -> str:
        return f"{self.url}/runCase?case={case}&agent={agent}"

    def update_reports_url(self, agent: str) -> str:
        return f"{self.url}/updateReports?agent={agent}"

    def report(self) -> dict[str, dict[str, dict[str, Any]]]:
        """The report written by the last ``updateReports`` request."""
        return read_report(self.outdir)

    def alive(self) -> bool:
        return self.process.alive()

    def stop(self) -> None:
        self.process.stop()


def start_fuzzingserver(
    *,
    workdir: Path,
    cases: Sequence[str] = CASES_1_TO_11,
    exclude_cases: Sequence[str] = (),
    options: Mapping[str, Any] | None = None,
    timeout: float = 60.0,
    venv: venvs.Venv | None = None,
) -> FuzzingServer:
    """Start ``wstest -m fuzzingserver -u 0`` on 127.0.0.1 (port chosen by the OS) and wait
    until it listens. Its output goes to ``workdir/wstest-fuzzingserver.log``."""
    outdir = workdir / "reports"
    spec = fuzzing_spec(outdir=outdir, cases=cases, exclude_cases=exclude_cases,
                        options=options, url="ws://127.0.0.1:0")
    spec_path = _write_spec(workdir, "fuzzingserver.json", spec)
    venv = venv or venvs.wstest()
    proc = Background([venv.python, "-u", SCRIPT, "-m", "fuzzingserver", "-s", spec_path,
                       "-u", "0"], log_path=workdir / "wstest-fuzzingserver.log", cwd=workdir)
    try:
        match = proc.wait_for_output(r"^WSTEST-LISTENING (\d+)$", timeout)
    except PeerError:
        proc.stop()
        raise
    return FuzzingServer(proc, int(match.group(1)), outdir, _expected(proc.output()))


# ----------------------------------------------------------------------------- reports

def _case_key(case: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in case.split("."))


def read_report(outdir: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """``outdir/index.json``: {agent: {case: {behavior, behaviorClose, duration,
    remoteCloseCode, reportfile}}}, cases in numeric order."""
    path = Path(outdir) / "index.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PeerError(f"no wstest report at {path}") from None
    return {agent: dict(sorted(cases.items(), key=lambda kv: _case_key(kv[0])))
            for agent, cases in data.items()}


def failures(report: Mapping[str, Mapping[str, Mapping[str, Any]]],
             agent: str | None = None) -> dict[str, dict[str, dict[str, Any]]]:
    """The cases whose ``behavior`` is not OK, NON-STRICT or INFORMATIONAL, or whose
    ``behaviorClose`` is not OK or INFORMATIONAL: {agent: {case: entry}}, only agents with
    failures (so a clean report gives ``{}``)."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for name, cases in report.items():
        if agent is not None and name != agent:
            continue
        bad = {case: dict(entry) for case, entry in cases.items()
               if entry.get("behavior") not in OK_BEHAVIORS
               or entry.get("behaviorClose") not in OK_CLOSE_BEHAVIORS}
        if bad:
            out[name] = bad
    return out


def summary(report: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> dict[str, dict[str, int]]:
    """{agent: {behavior: count}}."""
    out: dict[str, dict[str, int]] = {}
    for agent, cases in report.items():
        counts: dict[str, int] = {}
        for entry in cases.values():
            counts[entry.get("behavior", "?")] = counts.get(entry.get("behavior", "?"), 0) + 1
        out[agent] = dict(sorted(counts.items()))
    return out


def missing_cases(report: Mapping[str, Mapping[str, Any]], agent: str,
                  expected: int | None) -> int:
    """How many of the ``expected`` cases the report lacks for ``agent`` (a run that stopped
    early leaves a short report that ``failures`` alone would call clean)."""
    if expected is None:
        raise PeerError("wstest did not say how many cases it would run")
    return expected - len(report.get(agent, {}))


def format_failures(failed: Mapping[str, Mapping[str, Mapping[str, Any]]],
                    outdir: Path | None = None, limit: int = 40) -> str:
    """One line per failing case, for an assertion message."""
    lines: list[str] = []
    for agent, cases in failed.items():
        for case, e in cases.items():
            lines.append(f"{agent} {case}: behavior={e.get('behavior')} "
                         f"close={e.get('behaviorClose')} code={e.get('remoteCloseCode')} "
                         f"{e.get('reportfile', '')}")
    extra = [f"... and {len(lines) - limit} more"] if len(lines) > limit else []
    where = [f"report: {outdir}/index.json"] if outdir else []
    return "\n".join(where + lines[:limit] + extra)
