"""The peer infrastructure of tests/peers works: installs, the Crossbar.io router with every
auth method, and Autobahn|Testsuite in both modes (tiny case selections)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from peers import clients, venvs, wstest
from peers.crossbar import (
    AuthSetup,
    CraUser,
    CrossbarRouter,
    CryptosignUser,
    RouterPorts,
    ScramUser,
    TicketUser,
    crossbar_config,
)
from peers.proc import Background, PeerError, clean_env, run_bounded

TESTS = Path(__file__).resolve().parent

FAKE_AUTH = AuthSetup(
    ticket=TicketUser("t", "tt"),
    wampcra=CraUser("c", "cc"),
    wampcra_salted=CraUser("s", "ss", salt="salt", iterations=10, keylen=32),
    cryptosign=CryptosignUser("k", "00" * 32, "11" * 32),
    scram=ScramUser("x", "xx", {"kdf": "argon2id-13", "iterations": 4096, "memory": 512,
                                "salt": "ab" * 16, "stored-key": "cd" * 32,
                                "server-key": "ef" * 32}),
)


# ----------------------------------------------------------------------------- no peers needed

def test_crossbar_config_has_both_realms_roles_transports_and_auth() -> None:
    cfg = crossbar_config(RouterPorts(ws=1001, rs=1002, universal=1003), FAKE_AUTH)
    worker = cfg["workers"][0]
    assert [r["name"] for r in worker["realms"]] == ["realm1", "realm2"]
    for realm in worker["realms"]:
        assert [role["name"] for role in realm["roles"]] == ["anonymous", "authenticated"]
        perm = realm["roles"][0]["permissions"][0]
        assert perm["uri"] == "" and perm["match"] == "prefix"
        assert all(perm["allow"].values())
    by_id = {t["id"]: t for t in worker["transports"]}
    assert by_id["ws_plain"]["type"] == "websocket"
    assert by_id["rs_plain"]["type"] == "rawsocket"
    assert by_id["universal"]["websocket"]["ws"]["serializers"] == [
        "json", "msgpack", "cbor", "ubjson"]
    assert {t["endpoint"]["interface"] for t in worker["transports"]} == {"127.0.0.1"}
    assert [t["endpoint"]["port"] for t in worker["transports"]] == [1001, 1002, 1003]
    auth = by_id["rs_plain"]["auth"]
    assert sorted(auth) == ["anonymous", "cryptosign", "scram", "ticket", "wampcra"]
    assert auth["wampcra"]["users"]["s"] == {"secret": "ss", "role": "authenticated",
                                             "salt": "salt", "iterations": 10, "keylen": 32}
    assert "salt" not in auth["wampcra"]["users"]["c"]
    assert auth["cryptosign"]["principals"]["k"]["authorized_keys"] == ["11" * 32]
    assert auth["scram"]["principals"]["x"]["stored-key"] == "cd" * 32
    json.dumps(cfg)  # writable as config.json


def test_crossbar_config_without_universal_transport() -> None:
    cfg = crossbar_config(RouterPorts(ws=1001, rs=1002), FAKE_AUTH, realms=("only",))
    assert [t["id"] for t in cfg["workers"][0]["transports"]] == ["ws_plain", "rs_plain"]
    assert [r["name"] for r in cfg["workers"][0]["realms"]] == ["only"]


_RACE = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, sys.argv[1])
    from pathlib import Path
    from peers import venvs
    def build(target, log):
        target.mkdir()
        with open(Path(sys.argv[2]) / "builds", "a") as fh:
            fh.write("built\\n")
        time.sleep(1.0)
        return {}
    print(venvs._ensure("dummy", {"what": "race"}, build))
""")


def test_install_lock_lets_one_of_two_racing_processes_build(tmp_path: Path) -> None:
    env = {**clean_env(), "WAMP_PEERS_CACHE": str(tmp_path)}
    procs = [subprocess.Popen([sys.executable, "-c", _RACE, str(TESTS), str(tmp_path)],
                              env=env, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=60)[0].strip() for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    assert outs == [str(tmp_path / "dummy")] * 2
    assert (tmp_path / "builds").read_text() == "built\n"
    marker = json.loads((tmp_path / "dummy" / venvs.MARKER).read_text())
    assert marker["request"]["what"] == "race"


def test_install_without_marker_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WAMP_PEERS_CACHE", str(tmp_path))
    builds: list[Path] = []

    def build(target: Path, log: Path) -> dict[str, Any]:
        target.mkdir()
        builds.append(target)
        return {"n": len(builds)}

    (tmp_path / "half").mkdir()  # an interrupted earlier build: no marker
    (tmp_path / "half" / "junk").write_text("x")
    path = venvs._ensure("half", {"v": 1}, build)
    assert not (path / "junk").exists()
    assert venvs._ensure("half", {"v": 1}, build) == path  # reused
    venvs._ensure("half", {"v": 2}, build)  # a different request rebuilds
    assert len(builds) == 2
    assert json.loads((path / venvs.MARKER).read_text())["n"] == 2


def test_install_failure_names_the_command_and_its_output(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WAMP_PEERS_CACHE", str(tmp_path))

    def build(target: Path, log: Path) -> dict[str, Any]:
        run_bounded([sys.executable, "-c", "print('boom-output'); raise SystemExit(3)"],
                          timeout=30, log_path=log)
        return {}

    with pytest.raises(PeerError) as info:
        venvs._ensure("broken", {}, build)
    text = str(info.value)
    assert "installing peer 'broken' failed" in text
    assert "exit code 3" in text and "boom-output" in text
    assert not (tmp_path / "broken" / venvs.MARKER).exists()


def test_run_bounded_kills_the_whole_group_on_timeout() -> None:
    script = "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', " \
             "'import time; time.sleep(60)']); print('child started', flush=True); time.sleep(60)"
    with pytest.raises(PeerError) as info:
        run_bounded([sys.executable, "-c", script], timeout=2)
    assert "timed out after 2s" in str(info.value)
    assert "child started" in str(info.value)


# ----------------------------------------------------------------------------- Crossbar.io

def _by_name(results: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in results}


@pytest.mark.interop
def test_crossbar_router_serves_autobahn_over_ws_and_rs_with_every_auth_method(
        crossbar_router: CrossbarRouter, autobahn_venv: venvs.Venv) -> None:
    router = crossbar_router
    assert router.alive()
    scenarios = clients.router_scenarios(router, transports=("ws",), serializers=("json",),
                                         methods=clients.AUTH_METHODS)
    scenarios += clients.router_scenarios(router, transports=("rs",), serializers=("msgpack",),
                                          methods=clients.AUTH_METHODS)
    scenarios += clients.router_scenarios(router, transports=("uws",), serializers=("cbor",))
    scenarios += clients.router_scenarios(router, transports=("urs",), serializers=("ubjson",),
                                          methods=("ticket",), realm="realm2")
    assert router.auth is not None
    scenarios.append({"name": "ws-json-bad-ticket", "url": router.ws_url, "serializer": "json",
                      "realm": "realm1", "authentication": {"ticket": {
                          "authid": router.auth.ticket.authid, "ticket": "wrong"}}})
    results = _by_name(clients.autobahn_wamp_client(scenarios, timeout=240))

    expected_ids = {"ticket": router.auth.ticket.authid, "wampcra": router.auth.wampcra.authid,
                    "wampcra-salted": router.auth.wampcra_salted.authid,
                    "cryptosign": router.auth.cryptosign.authid,
                    "scram": router.auth.scram.authid}
    for sc in scenarios[:-1]:
        res = results[sc["name"]]
        assert res["ok"], res
        assert res["call"] == 5 and res["event"] == {"n": 1}
        assert res["left"]["reason"] == "wamp.close.normal"
        method = sc["name"].split("-", 2)[2]
        details = res["details"]
        assert details["realm"] == sc["realm"]
        if method == "anonymous":
            assert (details["authmethod"], details["authrole"]) == ("anonymous", "anonymous")
        else:
            assert details["authmethod"] == method.split("-")[0]
            assert (details["authid"], details["authrole"]) == (expected_ids[method],
                                                                "authenticated")
    bad = results["ws-json-bad-ticket"]
    assert not bad["ok"] and "details" not in bad
    assert "not_authorized" in bad["error"] or "authentication_failed" in bad["error"], bad


# ----------------------------------------------------------------------------- Autobahn|Testsuite

REPORT = {
    "agent": {
        "1.1.2": {"behavior": "OK", "behaviorClose": "OK", "remoteCloseCode": 1000},
        "1.1.10": {"behavior": "NON-STRICT", "behaviorClose": "INFORMATIONAL"},
        "6.4.1": {"behavior": "INFORMATIONAL", "behaviorClose": "OK"},
        "7.1.1": {"behavior": "OK", "behaviorClose": "FAILED", "remoteCloseCode": None},
        "9.1.1": {"behavior": "FAILED", "behaviorClose": "OK"},
        "12.1.1": {"behavior": "UNIMPLEMENTED", "behaviorClose": "UNIMPLEMENTED"},
    },
    "other": {"1.1.1": {"behavior": "OK", "behaviorClose": "OK"}},
}


def test_wstest_report_reading_and_failures(tmp_path: Path) -> None:
    (tmp_path / "index.json").write_text(json.dumps(REPORT))
    report = wstest.read_report(tmp_path)
    assert list(report["agent"]) == ["1.1.2", "1.1.10", "6.4.1", "7.1.1", "9.1.1", "12.1.1"]
    failed = wstest.failures(report)
    assert {a: list(c) for a, c in failed.items()} == {"agent": ["7.1.1", "9.1.1", "12.1.1"]}
    assert wstest.failures(report, agent="other") == {}
    assert wstest.summary(report)["agent"] == {"FAILED": 1, "INFORMATIONAL": 1, "NON-STRICT": 1,
                                               "OK": 2, "UNIMPLEMENTED": 1}
    assert wstest.missing_cases(report, "agent", 6) == 0
    assert wstest.missing_cases(report, "agent", 9) == 3
    text = wstest.format_failures(failed, tmp_path)
    assert "agent 7.1.1: behavior=OK close=FAILED" in text
    assert str(tmp_path) in text


def test_wstest_report_missing_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PeerError, match="no wstest report"):
        wstest.read_report(tmp_path)


def test_wstest_specs_for_both_modes(tmp_path: Path) -> None:
    client = wstest.fuzzing_spec(outdir=tmp_path, cases=["1.*"], exclude_cases=["1.1.2"],
                                 servers=[{"agent": "a", "url": "ws://127.0.0.1:9"}])
    assert client == {"outdir": str(tmp_path), "options": {}, "cases": ["1.*"],
                      "exclude-cases": ["1.1.2"], "exclude-agent-cases": {},
                      "servers": [{"agent": "a", "url": "ws://127.0.0.1:9"}]}
    server = wstest.fuzzing_spec(outdir=tmp_path, url="ws://127.0.0.1:0")
    assert server["url"] == "ws://127.0.0.1:0" and "servers" not in server
    assert server["cases"] == [f"{n}.*" for n in range(1, 12)]
    with pytest.raises(ValueError):
        wstest.fuzzing_spec(outdir=tmp_path)


@pytest.mark.interop
def test_wstest_fuzzingclient_against_autobahn_echo_server(
        tmp_path: Path, wstest_venv: venvs.Venv, autobahn_venv: venvs.Venv) -> None:
    echo = Background([autobahn_venv.python, clients.SCRIPTS / "ab_echo_server.py"],
                      log_path=tmp_path / "echo.log")
    try:
        port = int(echo.wait_for_output(r"^LISTENING (\d+)$", 30).group(1))
        run = wstest.run_fuzzingclient({"autobahn-echo": f"ws://127.0.0.1:{port}"},
                                       workdir=tmp_path / "wstest", cases=["1.1.*"],
                                       timeout=120, venv=wstest_venv)
    finally:
        echo.stop()
    assert run.expected_cases == 8
    assert list(run.report) == ["autobahn-echo"]
    assert list(run.report["autobahn-echo"]) == [f"1.1.{n}" for n in range(1, 9)]
    assert wstest.failures(run.report) == {}, wstest.format_failures(
        wstest.failures(run.report), run.outdir)
    assert wstest.missing_cases(run.report, "autobahn-echo", run.expected_cases) == 0


@pytest.mark.interop
def test_wstest_fuzzingserver_with_autobahn_client(
        tmp_path: Path, wstest_venv: venvs.Venv, autobahn_venv: venvs.Venv) -> None:
    server = wstest.start_fuzzingserver(workdir=tmp_path, cases=["1.1.*"], venv=wstest_venv)
    try:
        assert server.url.startswith("ws://127.0.0.1:") and server.port > 0
        result = clients.run_script(autobahn_venv, "ab_fuzz_client.py",
                                    [server.url, "autobahn-client"], timeout=120)
        report = server.report()
    finally:
        server.stop()
    assert not server.alive()
    assert result == {"cases": 8} and server.expected_cases == 8
    assert wstest.summary(report) == {"autobahn-client": {"OK": 8}}
    assert wstest.failures(report) == {}


# ----------------------------------------------------------------------------- Autobahn|JS

@pytest.mark.interop
def test_autobahn_js_loads_under_node(autobahn_js: venvs.JsEnv) -> None:
    out = autobahn_js.run(["-e", "const a = require('autobahn'); "
                           "console.log(JSON.stringify({v: a.version, c: typeof a.Connection}))"],
                          timeout=60)
    shown = json.loads(out.output.strip().splitlines()[-1])
    assert shown["v"].startswith("22.11.") and shown["c"] == "function"
    assert autobahn_js.installed()["autobahn_js"] == shown["v"]



@pytest.mark.interop
def test_crossbar_router_serves_autobahn_twisted_client(
        crossbar_router: CrossbarRouter, autobahn_venv: venvs.Venv) -> None:
    router = crossbar_router
    scenarios = clients.router_scenarios(router, transports=("ws", "rs"),
                                         serializers=("msgpack",),
                                         methods=("anonymous", "cryptosign", "scram"))
    scenarios.append({"name": "rs-json-bad-cra", "url": router.rs_url, "serializer": "json",
                      "realm": "realm1", "authentication": {"wampcra": {
                          "authid": "cra-user", "secret": "wrong"}}})
    scenarios.append({"name": "ws-json-no-realm", "url": router.ws_url, "serializer": "json",
                      "realm": "no.such.realm"})
    results = _by_name(clients.autobahn_wamp_client(scenarios, flavour="twisted", timeout=120))
    for sc in scenarios[:-2]:
        res = results[sc["name"]]
        assert res["ok"] and res["call"] == 5 and res["event"] == {"n": 1}, res
        assert res["details"]["authmethod"] == sc["name"].split("-")[2]
    assert "wamp.error.not_authorized" in results["rs-json-bad-cra"]["error"]
    assert "wamp.error.no_such_realm" in results["ws-json-no-realm"]["error"]

@pytest.mark.interop
def test_crossbar_25_router_serves_autobahn(crossbar_router_25: CrossbarRouter,
                                            autobahn_venv: venvs.Venv) -> None:
    # Autobahn 26's `ubjson` is BJData, which Crossbar.io 25.12 does not read: json and msgpack.
    router = crossbar_router_25
    assert router.version == "25.12"
    scenarios = clients.router_scenarios(router, transports=("ws", "rs"),
                                         serializers=("json", "msgpack"),
                                         methods=("anonymous", "wampcra-salted", "scram"))
    results = clients.autobahn_wamp_client(scenarios, timeout=120)
    assert [(r["name"], r["ok"], r["call"]) for r in results] == [
        (sc["name"], True, 5) for sc in scenarios], results
    venv_freeze = venvs.crossbar("25.12").installed()["freeze"]
    assert any(line.startswith("crossbar==25.12.") for line in venv_freeze)
