"""The interop matrix: cases, the scenarios the client scripts run, what each peer must observe.

A :class:`Case` is one cell (client, router, transport, serializer, authentication). The cases
of one (client, router) pair run together in ONE client subprocess (``clients/*.py``; a few
scenarios at a time), the first time a test of that pair asks for its result
(:class:`Batches`), so that a pytest run pays the interpreter start once per pair. Every
subprocess is bounded (``peers.proc.run_bounded`` kills its group on timeout) and a failing
test shows the scenario's observations and the client's output tail.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from peers.clients import parse_result
from peers.crossbar import AuthSetup
from peers.proc import PeerError, clean_env, output_tail, run_bounded

CLIENTS = Path(__file__).resolve().parent / "clients"
sys.path.insert(0, str(CLIENTS))
import scenario  # noqa: E402  (clients/scenario.py, shared with the client scripts)

AUTH_METHODS = ("anonymous", "ticket", "wampcra", "wampcra-salted", "cryptosign", "scram")
TLS_AUTH = "cryptosign-tls"  # cryptosign with tls-unique channel binding (TLS transports only)
CONCURRENCY = 16  # scenarios at once in one client process
# what a scenario takes at most: every step's limit, joining and leaving (see clients/common.py)
SCENARIO_LIMIT = scenario.STEP_TIMEOUT * len(scenario.STEPS) + 30.0

# TransportDetails.channel_framing; "wsz": ws with permessage-deflate offered
FRAMING = {"ws": 2, "wsz": 2, "wss": 2, "uws": 2, "rs": 3, "rss": 3, "urs": 3}
SERIALIZER_IDS = {"json": 1, "msgpack": 2, "cbor": 3, "ubjson": 4, "flatbuffers": 5}


def twisted_ready() -> bool:
    """Whether our Twisted stack has its Component (the package is being written)."""
    try:
        return importlib.util.find_spec("wamp_twisted.component") is not None
    except ImportError:
        return False


OUR_FRAMEWORKS = ("asyncio", "twisted") if twisted_ready() else ("asyncio",)


@dataclass(frozen=True)
class Case:
    client: str  # "ours-asyncio", "ours-twisted", "autobahn-asyncio", "autobahn-twisted"
    router: str  # "crossbar-26.10", "crossbar-25.12", "ours-asyncio", "ours-twisted"
    transport: str  # ws, rs, wss, rss, uws, urs (u: the universal listener)
    serializer: str
    auth: str
    role: str = "solo"  # or "callee"/"caller" of a pair of clients (scenario.step_callee)
    pair: str = ""  # names the pair: both sides use the same URIs

    @property
    def name(self) -> str:
        cell = f"{self.transport}-{self.serializer}-{self.auth}"
        return cell if self.role == "solo" else f"{cell}-{self.role}-of-{self.pair}"

    @property
    def group(self) -> tuple[str, str]:
        return (self.client, self.router)

    def __str__(self) -> str:
        return f"{self.client}:{self.router}:{self.name}"


def cases(client: str, router: str, transports: Iterable[str], serializers: Iterable[str],
          auths: Iterable[str]) -> list[Case]:
    return [Case(client, router, t, s, a) for t in transports for s in serializers
            for a in auths]


def authentication(auth: AuthSetup, method: str) -> dict[str, Any] | None:
    """``authentication=`` of our Component, also Autobahn's ``create_authenticator`` kwargs."""
    cryptosign = {"authid": auth.cryptosign.authid, "privkey": auth.cryptosign.private_key}
    table: dict[str, dict[str, Any] | None] = {
        "anonymous": None,
        "ticket": {"ticket": {"authid": auth.ticket.authid, "ticket": auth.ticket.ticket}},
        "wampcra": {"wampcra": {"authid": auth.wampcra.authid, "secret": auth.wampcra.secret}},
        "wampcra-salted": {"wampcra": {"authid": auth.wampcra_salted.authid,
                                       "secret": auth.wampcra_salted.secret}},
        "cryptosign": {"cryptosign": cryptosign},
        TLS_AUTH: {"cryptosign": {**cryptosign,
                                  "authextra": {"channel_binding": "tls-unique"}}},
        "scram": {"scram": {"authid": auth.scram.authid, "password": auth.scram.password}},
    }
    if method.endswith(WRONG):
        return _wrong(auth, table[method[: -len(WRONG)]])
    return table[method]


WRONG = "-wrong"  # an authentication method with a credential the router must refuse
WRONG_AUTH = tuple(m + WRONG for m in ("ticket", "wampcra", "wampcra-salted", "cryptosign",
                                       "scram"))
OTHER_KEY = "5d" * 32  # an Ed25519 seed no router knows


def _wrong(auth: AuthSetup, good: dict[str, Any] | None) -> dict[str, Any]:
    (method, options), = (good or {}).items()
    bad = dict(options)
    for key, value in (("ticket", "not-the-ticket"), ("secret", "not-the-secret"),
                       ("password", "not-the-password"), ("privkey", OTHER_KEY)):
        if key in bad:
            bad[key] = value
    return {method: bad}


@dataclass(frozen=True)
class Target:
    """Where a router listens, as whom to log in, and the CA of its TLS listener."""

    urls: dict[str, str]  # transport kind -> URL
    auth: AuthSetup
    tls_ca: Path | None = None


def scenario_for(case: Case, target: Target) -> dict[str, Any]:
    transport = "ws" if case.transport == "wsz" else case.transport
    if transport not in target.urls:
        raise PeerError(f"{case.router} has no {case.transport} listener")
    secure = case.transport in ("wss", "rss")
    uri_part = re.sub(r"[^a-z0-9_]", "_", f"{case.client}_{case.name}".lower())
    out: dict[str, Any] = {
        "name": case.name, "url": target.urls[transport], "serializer": case.serializer,
        "deflate": case.transport == "wsz",
        "realm": "realm1", "authentication": authentication(target.auth, case.auth),
        "tls": {"trust_root": str(target.tls_ca), "hostname": "localhost"} if secure else None,
        "prefix": f"com.interop.{uri_part}",
        "steps": [] if case.auth.endswith(WRONG) else list(scenario.STEPS),
    }
    if case.role != "solo":
        pair = re.sub(r"[^a-z0-9_]", "_", f"{case.pair}_{case.transport}_{case.serializer}")
        out.update(prefix=f"com.interop.duo.{pair}", steps=[case.role])
    return out


@dataclass
class BatchResult:
    results: dict[str, dict[str, Any]]
    output: str
    seconds: float


def run_client(command: Sequence[str | Path], scenarios: list[dict[str, Any]],
               workdir: Path, env: dict[str, str] | None = None) -> BatchResult:
    """Run one client script over ``scenarios``; its results by scenario name."""
    import time

    request = workdir / "request.json"
    request.write_text(json.dumps({"scenarios": scenarios, "concurrency": CONCURRENCY}),
                       encoding="utf-8")
    rounds = -(-len(scenarios) // CONCURRENCY)
    timeout = 60 + rounds * SCENARIO_LIMIT
    started = time.monotonic()
    done = run_bounded([*command, f"@{request}"], timeout=timeout, cwd=CLIENTS,
                       env=clean_env({"PYTHONDONTWRITEBYTECODE": "1", **(env or {})}),
                       check=False)
    (workdir / "client.log").write_text(done.output, encoding="utf-8")
    try:
        listed = parse_result(done.output)
    except PeerError as exc:
        raise PeerError(f"client {' '.join(map(str, command))} (exit {done.returncode}) "
                        f"gave no result: {exc}") from None
    return BatchResult({r["name"]: r for r in listed}, done.output,
                       round(time.monotonic() - started, 1))


TIMES: dict[tuple[str, str, str], tuple[int, float]] = {}  # (module, client, router) ->
# (scenarios, seconds)
Command = tuple[list[str], dict[str, str]]  # argv and extra environment of a client script


class Batches:
    """Runs each (client, router) group once, with every selected case of that group.

    When a test first asks for a group, every other selected group of the same test module
    and router starts too, each in its own subprocess at the same time (the clients mostly
    wait on timers and the network); later tests pick their results up.
    """

    def __init__(self, session: pytest.Session, tmp: pytest.TempPathFactory) -> None:
        self.session, self.tmp = session, tmp
        self.runs: dict[tuple[str, str, str], Future[BatchResult]] = {}
        # every group of a router must run at once (the pairs of clients meet there)
        self.pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="interop-batch")

    def selected(self, module: str, router: str) -> dict[tuple[str, str], list[Case]]:
        """The selected cases of ``module`` against ``router``, by group."""
        groups: dict[tuple[str, str], dict[str, Case]] = {}
        for item in self.session.items:
            if getattr(getattr(item, "module", None), "__name__", None) != module:
                continue
            params = getattr(getattr(item, "callspec", None), "params", {})
            for value in params.values():
                for case in value if isinstance(value, tuple) else (value,):
                    if isinstance(case, Case) and case.router == router:
                        groups.setdefault(case.group, {}).setdefault(case.name, case)
        return {group: list(found.values()) for group, found in groups.items()}

    def _start(self, key: tuple[str, str, str], wanted: list[Case], target: Target,
               command: Command) -> None:
        workdir = self.tmp.mktemp(re.sub(r"[^a-z0-9]+", "-", f"{key[1]}-{key[2]}"))
        scenarios = [scenario_for(c, target) for c in wanted]

        def run() -> BatchResult:
            done = run_client(command[0], scenarios, workdir, command[1])
            TIMES[key] = (len(wanted), done.seconds)
            return done

        self.runs[key] = self.pool.submit(run)

    def result(self, case: Case, target: Target, command_for: Callable[[Case], Command],
               module: str) -> tuple[dict[str, Any], str]:
        """``case``'s observations and its client's output; ``command_for(case)`` is the client
        script of the case's group, ``module`` the calling test module's ``__name__``."""
        key = (module, *case.group)
        if key not in self.runs:
            groups = self.selected(module, case.router)
            groups.setdefault(case.group, [case])
            if case not in groups[case.group]:
                groups[case.group].append(case)
            for group, wanted in groups.items():
                if (module, *group) not in self.runs:
                    self._start((module, *group), wanted, target, command_for(wanted[0]))
        try:
            batch = self.runs[key].result()
        except PeerError as exc:
            pytest.fail(str(exc), pytrace=False)
        if case.name not in batch.results:
            pytest.fail(f"{case.name} was not in the batch of {case.group}", pytrace=False)
        return batch.results[case.name], output_tail(without_expected_noise(batch.output), 60)

    def output(self, case: Case, module: str) -> str:
        """The whole output of the client process that ran ``case`` (after ``result``)."""
        return self.runs[(module, *case.group)].result().output

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class KnownDisagreement(Exception):
    """What a strict xfail of a spec-vs-peer disagreement expects: the check failed AND the
    disagreement's own evidence was seen (any other failure stays a failure)."""


def expect_disagreement(checking: Callable[[], None], evidence: bool, what: str) -> None:
    try:
        checking()
    except AssertionError as exc:
        if evidence:
            raise KnownDisagreement(what) from exc
        raise


_RECORD_START = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d")
_EXPECTED = ("plain failure", "com.example.oops")  # the errors scenario.step_errors raises


def without_expected_noise(output: str) -> str:
    """The client output without the log records of the errors the scenario raises on purpose
    (a record: a timestamped line and the traceback lines after it)."""
    kept: list[str] = []
    record: list[str] = []
    for line in [*output.splitlines(), "0000-00-00 00:00 end"]:
        if _RECORD_START.match(line):
            if not any(marker in text for text in record for marker in _EXPECTED):
                kept.extend(record)
            record = []
        record.append(line)
    return "\n".join(kept)


# ----------------------------------------------------------------------------- expectations

def expected_details(case: Case, auth: AuthSetup) -> dict[str, Any]:
    authids = {"ticket": auth.ticket.authid, "wampcra": auth.wampcra.authid,
               "wampcra-salted": auth.wampcra_salted.authid,
               "cryptosign": auth.cryptosign.authid, TLS_AUTH: auth.cryptosign.authid,
               "scram": auth.scram.authid}
    method = {"wampcra-salted": "wampcra", TLS_AUTH: "cryptosign"}.get(case.auth, case.auth)
    details: dict[str, Any] = {
        "realm": "realm1", "authid": authids.get(case.auth, "<assigned by the router>"),
        "authrole": "anonymous" if case.auth == "anonymous" else auth.role,
        "authmethod": method, "session_positive": True, "framing": FRAMING[case.transport],
        "serializer": SERIALIZER_IDS[case.serializer],
        "extensions": ["permessage-deflate"] if case.transport == "wsz" else [],
    }
    if case.client.startswith("autobahn"):
        details["serializer"] = None  # Autobahn's clients leave channel_serializer unset
    return details


# scenario.step_large: [len, sha256 prefix] of bytes(range(256)) * (LARGE // 256), and the
# length and end of the 1 MB str
LARGE_DIGEST = [999936, "026ff45398c9364d", scenario.LARGE // 2, "end"]


def expected_steps(case: Case, authrole: str) -> dict[str, Any]:
    """What every peer pair must observe (scenario.py); the router's texts are left out."""
    app = {"error": "com.example.oops", "args": [1, "two"], "kwargs": {"three": 3}}
    return {
        "rpc": {"echo": {"args": scenario.plain(scenario.RPC_ARGS),
                         "kwargs": scenario.plain(scenario.RPC_KWARGS)},
                "add": 5, "nothing": None},
        "large": {"sent": LARGE_DIGEST, "received": [LARGE_DIGEST[0], LARGE_DIGEST[1],
                                                     scenario.LARGE, "zzz"]},
        "progress": {"progress": [[[i], {"left": 3 - i}] for i in range(3)], "result": "done"},
        "errors": {"application": app, "runtime": {"error": "wamp.error.runtime_error"},
                   "no_such_procedure": {"error": "wamp.error.no_such_procedure"}},
        "pubsub": {"unacknowledged_publish_returns": None, "acknowledged_id": True,
                   "events": [[["included", {"$bytes": "01"}], {"key": {"n": [1, 2.5]}}]],
                   "publication_matches": True, "topic": None, "publisher_is_me": True},
        "retained": {"args": ["kept", 7], "retained": True},
        "patterns": {"prefix_call": [[1], ["items.a.b"]], "wildcard_call": "users.17.get",
                     "prefix_event": [["goal"], "news.sport"]},
        "meta": {"registration_id": True, "unknown_registration": None, "subscription_id": True,
                 "session_count": True, "my_session": [True, authrole]},
        "timeout": {"in_time": "slow but in time",
                    "timed_out": {"error": "wamp.error.timeout", "kwargs": {}},
                    "callee_invoked": True, "callee_interrupted": True},
        "cancel": {"caller": "cancelled", "callee_interrupted": True},
    }


def comparable(observed: dict[str, Any] | None) -> dict[str, Any] | None:
    """The observations minus what is the router's own (texts, topic names, seconds)."""
    if not observed:
        return observed
    out = json.loads(json.dumps(observed))
    for key in ("no_such_procedure",):
        err = out.get("errors", {}).get(key)
        if isinstance(err, dict):
            err.pop("args", None)
            err.pop("kwargs", None)
    if isinstance(out.get("pubsub"), dict) and "topic" in out["pubsub"]:
        out["pubsub"]["topic"] = None  # checked below against the prefix
    if isinstance(out.get("timeout"), dict):
        out["timeout"].pop("seconds", None)
    return out  # type: ignore[no-any-return]


def check(case: Case, target: Target, result: dict[str, Any], output: str,
          adjust: Callable[[dict[str, Any]], None] | None = None) -> None:
    """Assert that ``case``'s scenario joined, did every step as expected and left."""
    where = f"{case}\n--- client output tail ---\n{output}"
    assert result["error"] is None, f"the scenario failed: {result['error']}\n{where}"
    joined = dict(result["joined"] or {})
    if case.auth == "anonymous" and joined.get("authid"):
        joined["authid"] = "<assigned by the router>"
    details = expected_details(case, target.auth)
    assert joined == details, where
    expected = expected_steps(case, details["authrole"])
    if adjust is not None:
        adjust(expected)
    assert comparable(result["steps"]) == expected, where
    topic = result["steps"]["pubsub"]["topic"]
    assert topic is None or topic.endswith(".topic"), where
    assert result["left"] == "wamp.close.normal", where


def check_refused(case: Case, result: dict[str, Any], output: str) -> None:
    """Assert that the router refused ``case``'s wrong credential: ABORT
    ``wamp.error.not_authorized``, no session, the client done (no retrying)."""
    where = f"{case}\n--- client output tail ---\n{output}"
    assert result["joined"] is None, where
    assert result["left"] == "wamp.error.not_authorized", where
    assert "wamp.error.not_authorized" in (result["error"] or ""), where
