"""Autobahn|JS (npm ``autobahn``, in node: ``clients/js_client.js``) against OUR router served
by ``python -m wamp_asyncio serve`` and ``python -m wamp_twisted serve``: join (anonymous,
ticket, wampcra plain and salted, cryptosign with Autobahn|JS's own helpers), register, call
(args, kwargs, progressive results, an application error, no such procedure), subscribe and
publish (acknowledged, exclude_me false). WebSocket with json, msgpack and cbor (Autobahn|JS
ships all three); RawSocket with json (Autobahn|JS's Node RawSocket has no other serializer).
"""

from __future__ import annotations

import shutil
from typing import Any

import pytest
from interop_support import CLIENTS, OUR_FRAMEWORKS, Batches, Case, cases, expected_details
from our_router import OurRouters
from peers import venvs

pytestmark = pytest.mark.interop

JS_AUTH = ("anonymous", "ticket", "wampcra", "wampcra-salted", "cryptosign")


def matrix() -> list[Case]:
    out: list[Case] = []
    for fw in OUR_FRAMEWORKS:
        out += cases("autobahn-js", f"ours-{fw}", ("ws",), ("json", "msgpack", "cbor"), JS_AUTH)
        out += cases("autobahn-js", f"ours-{fw}", ("rs",), ("json",), JS_AUTH)
    return out


EXPECTED_STEPS: dict[str, Any] = {
    "rpc": {"echo": {"args": [1, "two", {"nested": [1.5, None, True]}],
                     "kwargs": {"k": "v", "\u00fcn\u00ef": "c\u00f6d\u00e9"}},
            "add": 5},
    "progress": {"progress": [{"args": [i], "kwargs": {"left": 3 - i}} for i in range(3)],
                 "result": "done"},
    "errors": {"application": {"error": "com.example.oops", "args": [1, "two"],
                               "kwargs": {"three": 3}},
               "no_such_procedure": "wamp.error.no_such_procedure"},
    "pubsub": {"events": [[["included"], {"n": [1, 2.5]}]], "acknowledged_id": True,
               "publication_matches": True},
}


@pytest.mark.parametrize("case", matrix(), ids=str)
def test_autobahn_js_against_ours(case: Case, our_routers: OurRouters, batches: Batches,
                                  autobahn_js: venvs.JsEnv) -> None:
    target = our_routers.get(case.router.split("-", 1)[1])
    node = shutil.which("node") or "node"
    command = ([node, str(CLIENTS / "js_client.js")],
               {"NODE_PATH": str(autobahn_js.node_modules)})
    result, output = batches.result(case, target, lambda _: command, __name__)
    where = f"{case}\n--- node output tail ---\n{output}"
    assert result["error"] is None, f"the scenario failed: {result['error']}\n{where}"
    joined = dict(result["joined"])
    if case.auth == "anonymous":
        joined["authid"] = "<assigned by the router>"
    wanted = {k: v for k, v in expected_details(case, target.auth).items()
              if k not in ("framing", "serializer", "extensions")}
    assert joined == wanted, where
    assert result["steps"] == EXPECTED_STEPS, where
    assert result["left"] == "wamp.close.normal", where
