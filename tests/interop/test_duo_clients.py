"""Pairs of different clients through one router: a callee (registers, subscribes) and a caller
(calls, publishes) in two client processes, ours and Autobahn|Python's, asyncio and Twisted,
through Crossbar.io and through our router. So each callee meets INVOCATIONs, INTERRUPTs and
EVENTs that a router made for ANOTHER library's caller and publisher: caller disclosure,
progressive results, an application error, a call ended by its timeout (our caller's timer and
CANCEL, or our router's timer), a cancelled call, events with the publisher disclosed."""

from __future__ import annotations

import sys

import pytest
from interop_support import CLIENTS, Batches, Case, Command, Target, scenario
from our_router import OurRouters
from peers import venvs

pytestmark = pytest.mark.interop

PAIRS = [  # (callee, caller, router)
    ("ours-asyncio", "ours-twisted", "crossbar-26.10"),
    ("ours-twisted", "ours-asyncio", "crossbar-26.10"),
    ("autobahn-asyncio", "ours-twisted", "crossbar-26.10"),
    ("ours-asyncio", "autobahn-twisted", "crossbar-26.10"),
    ("autobahn-twisted", "autobahn-asyncio", "ours-asyncio"),
    ("ours-twisted", "autobahn-twisted", "ours-asyncio"),
    ("autobahn-asyncio", "ours-asyncio", "ours-asyncio"),
    ("ours-asyncio", "autobahn-asyncio", "ours-twisted"),
    ("autobahn-twisted", "ours-twisted", "ours-twisted"),
    ("ours-twisted", "ours-asyncio", "ours-twisted"),
]
CELLS = [("ws", "json"), ("rs", "cbor")]
SCRIPTS = {"asyncio": "aio_client.py", "twisted": "tx_client.py"}


def untimed(caller: str, router: str) -> bool:
    """Autobahn's caller through Crossbar.io: nobody ends a call on its timeout."""
    return caller.startswith("autobahn") and router.startswith("crossbar")


def duo_cases() -> list[tuple[Case, Case]]:
    out = []
    for callee, caller, router in PAIRS:
        pair = f"{callee}-serves-{caller}"
        role = "caller_untimed" if untimed(caller, router) else "caller"
        for transport, ser in CELLS:
            out.append((Case(callee, router, transport, ser, "anonymous", "callee", pair),
                        Case(caller, router, transport, ser, "ticket", role, pair)))
    return out


def pair_id(pair: tuple[Case, Case]) -> str:
    callee, caller = pair
    return (f"{callee.client}.serves.{caller.client}:{callee.router}:"
            f"{callee.transport}-{callee.serializer}")


@pytest.fixture
def command_for(autobahn_venv: venvs.Venv):  # type: ignore[no-untyped-def]
    def command(case: Case) -> Command:
        library, framework = case.client.split("-", 1)
        if library == "ours":
            return [sys.executable, str(CLIENTS / SCRIPTS[framework])], {}
        return [str(autobahn_venv.python), "ab_client.py", framework], {}
    return command


@pytest.fixture
def target(request: pytest.FixtureRequest, our_routers: OurRouters,
           crossbar_26: Target) -> Target:
    router = request.node.callspec.params["pair"][0].router
    return crossbar_26 if router == "crossbar-26.10" else our_routers.get(router.split("-")[1])


@pytest.mark.parametrize("pair", duo_cases(), ids=pair_id)
def test_pair(pair: tuple[Case, Case], target: Target, batches: Batches,
              command_for: object) -> None:
    callee_case, caller_case = pair
    callee, out1 = batches.result(callee_case, target, command_for, __name__)  # type: ignore[arg-type]
    caller, out2 = batches.result(caller_case, target, command_for, __name__)  # type: ignore[arg-type]
    where = (f"--- callee ({callee_case.client}) output tail ---\n{out1}\n"
             f"--- caller ({caller_case.client}) output tail ---\n{out2}")
    timed = caller_case.role == "caller"
    assert caller["error"] is None and callee["error"] is None, where
    expected_caller = {
        "echo": {"args": scenario.plain(scenario.RPC_ARGS),
                 "kwargs": scenario.plain(scenario.RPC_KWARGS)},
        "progress": {"progress": [[[i], {"left": 3 - i}] for i in range(3)], "result": "done"},
        "error": {"error": "com.example.oops", "args": [1, "two"], "kwargs": {"three": 3}},
        "cancel": "cancelled",
    }
    if timed:
        expected_caller["timed_out"] = {"error": "wamp.error.timeout", "kwargs": {}}
    assert caller["steps"] == {caller_case.role: expected_caller}, where
    assert callee["steps"] == {"callee": {
        "invocations": [{"caller_disclosed": True, "caller_authrole": "authenticated"}],
        "events": [[["event", n], {"key": [n]}, True] for n in (1, 2)],
        "interrupted": ["cancel_me", "timeout_me"] if timed else ["cancel_me"],
    }}, where
    assert callee["left"] == caller["left"] == "wamp.close.normal", where
