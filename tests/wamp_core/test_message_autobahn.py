"""Autobahn|Python reads what we marshal and we read what it marshals.

Autobahn runs in its own environment (the ``autobahn_venv`` fixture of ``tests/peers``):
``AUTOBAHN_SCRIPT`` builds its messages, checks that it parses back its own wire form, and
prints the wire forms; here we parse them and must marshal the very same lists.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from peers import venvs
from peers.clients import parse_result
from wamp_core import message

pytestmark = pytest.mark.interop

AUTOBAHN_SCRIPT = r"""
import json
from autobahn.wamp import message as ab, role

FF = [{"session": 1, "authid": "a", "authrole": "r"}]


def _samples():
    return [
        ab.Hello("realm1", {"caller": role.RoleCallerFeatures(progressive_call_results=True),
                            "subscriber": role.RoleSubscriberFeatures()},
                 authmethods=["ticket"], authid="x", authextra={"a": 1}, resumable=True),
        ab.Welcome(5, {"broker": role.RoleBrokerFeatures(publisher_exclusion=True),
                       "dealer": role.RoleDealerFeatures()}, realm="realm1", authid="x",
                   authrole="r", authmethod="ticket", authprovider="static", authextra={"q": 1},
                   custom={"x_cb_node": "n"}),
        ab.Abort("wamp.error.no_such_realm", "nope"),
        ab.Challenge("ticket", {"a": 1}),
        ab.Authenticate("s", {}),
        ab.Goodbye(),
        ab.Error(48, 1, "a.b", args=[1], kwargs={"k": 2}, callee=3, callee_authid="c",
                 callee_authrole="r", forward_for=FF),
        ab.Publish(1, "a.b", args=[1], acknowledge=True, exclude_me=False, exclude=[2],
                   exclude_authid=["x"], eligible=[3], retain=True, transaction_hash="t",
                   forward_for=FF),
        ab.Published(1, 2),
        ab.Subscribe(1, "a..b", match="wildcard", get_retained=True, forward_for=FF),
        ab.Subscribed(1, 2),
        ab.Unsubscribe(1, 2, forward_for=FF),
        ab.Unsubscribed(0, 2, "wamp.x"),
        ab.Event(1, 2, args=[1], kwargs={"a": 1}, publisher=3, publisher_authid="p",
                 publisher_authrole="r", topic="a.b", retained=True, transaction_hash="t",
                 x_acknowledged_delivery=True, forward_for=FF),
        ab.Call(1, "a.b", args=[1], timeout=10, receive_progress=True, transaction_hash="t",
                caller=2, caller_authid="c", caller_authrole="r", forward_for=FF),
        ab.Cancel(1, mode="kill", forward_for=FF),
        ab.Result(1, args=[1], progress=True, callee=2, callee_authid="c", callee_authrole="r",
                  forward_for=FF),
        ab.Register(1, "a.b.", match="prefix", invoke="roundrobin", concurrency=2,
                    force_reregister=True, forward_for=FF),
        ab.Registered(1, 2),
        ab.Unregister(1, 2, forward_for=FF),
        ab.Unregistered(0, 2, "wamp.x"),
        ab.Invocation(1, 2, args=[1], timeout=5, receive_progress=True, caller=3,
                      caller_authid="c", caller_authrole="r", procedure="a.b",
                      transaction_hash="t", forward_for=FF),
        ab.Interrupt(1, mode="killnowait", reason="wamp.error.canceled", forward_for=FF),
        ab.Yield(1, args=[1], kwargs={"a": 2}, progress=True, callee=2, callee_authid="c",
                 callee_authrole="r", forward_for=FF),
    ]


out = []
for m in _samples():
    wire = m.marshal()
    out.append([type(m).__name__, wire, type(m).parse(wire).marshal() == wire])
print("PEER-RESULT " + json.dumps(out))
"""
NAMES = ["Hello", "Welcome", "Abort", "Challenge", "Authenticate", "Goodbye", "Error", "Publish",
         "Published", "Subscribe", "Subscribed", "Unsubscribe", "Unsubscribed", "Event", "Call",
         "Cancel", "Result", "Register", "Registered", "Unregister", "Unregistered",
         "Invocation", "Interrupt", "Yield"]


@pytest.fixture(scope="module")
def autobahn_wires(autobahn_venv: venvs.Venv) -> dict[str, tuple[Any, bool]]:
    out = autobahn_venv.run(["-c", AUTOBAHN_SCRIPT], timeout=120).output
    return {name: (wire, parses_back) for name, wire, parses_back in parse_result(out)}


@pytest.mark.parametrize("name", NAMES)
def test_same_wire_form_both_ways(name: str, autobahn_wires: dict[str, tuple[Any, bool]]
                                  ) -> None:
    wire, autobahn_parses_its_own = autobahn_wires[name]
    ours = message.parse(wire)
    assert type(ours).__name__ == name
    # ours marshals Autobahn's wire form exactly, so Autobahn reads ours as it reads its own
    assert json.loads(json.dumps(ours.marshal())) == wire
    assert autobahn_parses_its_own
