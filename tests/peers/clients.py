"""Run the peer client scripts of ``tests/peers/scripts/`` and read their results.

A script prints its result as the last stdout line ``PEER-RESULT <json>``; anything else it
prints (peer logs, warnings) is ignored here but kept in error messages.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from peers import venvs
from peers.crossbar import AuthSetup, CrossbarRouter
from peers.proc import PeerError, output_tail

__all__ = [
    "AUTH_METHODS",
    "SCRIPTS",
    "autobahn_auth",
    "autobahn_wamp_client",
    "parse_result",
    "router_scenarios",
    "run_script",
]

SCRIPTS = Path(__file__).resolve().parent / "scripts"
RESULT_PREFIX = "PEER-RESULT "
AUTH_METHODS = ("anonymous", "ticket", "wampcra", "wampcra-salted", "cryptosign", "scram")


def parse_result(output: str) -> Any:
    """The JSON of the last ``PEER-RESULT`` line of ``output``."""
    for line in reversed(output.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX):])
    raise PeerError(f"no {RESULT_PREFIX.strip()} line in the output\n--- output tail ---\n"
                    f"{output_tail(output)}")


def run_script(env: venvs.Venv | venvs.JsEnv, script: str,
               args: Sequence[str | os.PathLike[str]], *, timeout: float) -> Any:
    """Run ``scripts/<script>`` with ``env``'s Python (or node) and return its PEER-RESULT."""
    result = env.run([SCRIPTS / script, *args], timeout=timeout)
    return parse_result(result.output)


def autobahn_auth(auth: AuthSetup, method: str) -> dict[str, Any] | None:
    """Autobahn's Component ``authentication=`` value for one of :data:`AUTH_METHODS`."""
    table: dict[str, dict[str, Any] | None] = {
        "anonymous": None,
        "ticket": {"ticket": {"authid": auth.ticket.authid, "ticket": auth.ticket.ticket}},
        "wampcra": {"wampcra": {"authid": auth.wampcra.authid, "secret": auth.wampcra.secret}},
        "wampcra-salted": {"wampcra": {"authid": auth.wampcra_salted.authid,
                                       "secret": auth.wampcra_salted.secret}},
        "cryptosign": {"cryptosign": {"authid": auth.cryptosign.authid,
                                      "privkey": auth.cryptosign.private_key}},
        "scram": {"scram": {"authid": auth.scram.authid, "password": auth.scram.password}},
    }
    return table[method]


def router_scenarios(
    router: CrossbarRouter,
    *,
    transports: Sequence[str] = ("ws", "rs"),
    serializers: Sequence[str] = ("json",),
    methods: Sequence[str] = ("anonymous",),
    realm: str = "realm1",
) -> list[dict[str, Any]]:
    """Scenarios for ``ab_wamp_client.py``: every combination of transport (``ws``, ``rs``,
    ``uws``, ``urs`` for the universal ones), serializer and authentication method."""
    urls = {"ws": router.ws_url, "rs": router.rs_url,
            "uws": router.universal_ws_url, "urs": router.universal_rs_url}
    out = []
    for t in transports:
        for ser in serializers:
            for method in methods:
                if method != "anonymous" and router.auth is None:
                    raise PeerError("this router was started without an AuthSetup")
                out.append({
                    "name": f"{t}-{ser}-{method}", "url": urls[t], "serializer": ser,
                    "realm": realm,
                    "authentication": autobahn_auth(router.auth, method) if router.auth else None,
                })
    return out


def autobahn_wamp_client(scenarios: list[dict[str, Any]], *, flavour: str = "asyncio",
                         timeout: float = 180, version: str = "26.10") -> list[dict[str, Any]]:
    """Run Autobahn|Python's client over ``scenarios``: ``ab_wamp_client.py`` (asyncio) or
    ``ab_wamp_client_twisted.py`` (Twisted). One result dict per scenario, in order."""
    env = venvs.autobahn_python(flavour, version)
    script = {"asyncio": "ab_wamp_client.py", "twisted": "ab_wamp_client_twisted.py"}[flavour]
    result: list[dict[str, Any]] = run_script(env, script, [json.dumps(scenarios)],
                                              timeout=timeout)
    return result
