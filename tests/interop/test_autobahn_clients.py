"""Autobahn|Python's clients, asyncio AND Twisted (subprocesses in the Autobahn venv:
``clients/ab_client.py``), against OUR router served by ``python -m wamp_asyncio serve`` (and
``python -m wamp_twisted serve``) with a Crossbar.io-style config: WebSocket and RawSocket
(json, msgpack, cbor), permessage-deflate, the universal listener and TLS, every authentication
method (cryptosign also with tls-unique), each case doing the whole scenario
(RPC, progressive results, errors, PubSub with exclude_me/acknowledge/retain, cancel, and a call
timeout, which Autobahn sends in seconds without announcing ``call_timeout``: our router must
read seconds and end the call on time).

Strict xfails, which will tell when Autobahn changes:
- ubjson: Autobahn 26 puts BJData on the wire under ``wamp.2.ubjson``; ours is spec UBJSON.
- flatbuffers: Autobahn 26's FlatBuffers HELLO carries the realm only (no roles, no
  authmethods; Autobahn reads its own HELLO back with ``roles == {}``), so a router that
  requires ``Details.roles`` (the spec: MUST) answers ABORT ``wamp.error.protocol_violation``.
  Serializer-level FlatBuffers interop is tested in ``tests/wamp_core``.
"""

from __future__ import annotations

import pytest
from interop_support import (
    AUTH_METHODS,
    OUR_FRAMEWORKS,
    TLS_AUTH,
    WRONG_AUTH,
    Batches,
    Case,
    Command,
    KnownDisagreement,
    cases,
    check,
    check_refused,
    expect_disagreement,
)
from our_router import OurRouters
from peers import venvs

pytestmark = pytest.mark.interop

FLAVOURS = ("asyncio", "twisted")


def matrix() -> list[Case]:
    out: list[Case] = []
    for flavour in FLAVOURS:
        for fw in OUR_FRAMEWORKS:
            client, router = f"autobahn-{flavour}", f"ours-{fw}"
            out += cases(client, router, ("ws", "rs"), ("json", "msgpack", "cbor"),
                         AUTH_METHODS)
            out += cases(client, router, ("wss", "rss"), ("cbor",), (TLS_AUTH,))
            out += cases(client, router, ("uws", "urs"), ("json",), ("anonymous",))
            out += cases(client, router, ("wsz",), ("json", "msgpack", "cbor"), ("anonymous",))
    return out


def run(case: Case, routers: OurRouters, batches: Batches,
        autobahn_venv: venvs.Venv) -> tuple[dict, str, object]:
    target = routers.get(case.router.split("-", 1)[1])

    def command(c: Case) -> Command:
        return [str(autobahn_venv.python), "ab_client.py", c.client.split("-", 1)[1]], {}

    result, output = batches.result(case, target, command, __name__)
    return result, output, target


@pytest.mark.parametrize("case", matrix(), ids=str)
def test_autobahn_against_ours(case: Case, our_routers: OurRouters, batches: Batches,
                               autobahn_venv: venvs.Venv) -> None:
    result, output, target = run(case, our_routers, batches, autobahn_venv)
    check(case, target, result, output)


@pytest.mark.parametrize("case", [c for fl in FLAVOURS for fw in OUR_FRAMEWORKS
                                  for c in cases(f"autobahn-{fl}", f"ours-{fw}", ("ws", "rs"),
                                                 ("json",), WRONG_AUTH)], ids=str)
def test_autobahn_refused_by_ours(case: Case, our_routers: OurRouters, batches: Batches,
                                  autobahn_venv: venvs.Venv) -> None:
    result, output, _ = run(case, our_routers, batches, autobahn_venv)
    check_refused(case, result, output)


@pytest.mark.xfail(strict=True, raises=KnownDisagreement, reason=(
    "Autobahn 26 sends BJData under wamp.2.ubjson (little-endian, 'M' uint64); ours is spec "
    "UBJSON: Autobahn reads the big-endian int64 session id of our WELCOME as 1409...224, "
    "not a valid ID"))
@pytest.mark.parametrize("case", [Case(f"autobahn-{fl}", f"ours-{fw}", t, "ubjson", "anonymous")
                                  for fl in FLAVOURS for fw in OUR_FRAMEWORKS
                                  for t in ("ws", "rs")], ids=str)
def test_autobahn_ubjson_against_ours(case: Case, our_routers: OurRouters, batches: Batches,
                                      autobahn_venv: venvs.Venv) -> None:
    result, output, target = run(case, our_routers, batches, autobahn_venv)
    evidence = "'session' in WELCOME: invalid value" in batches.output(case, __name__)
    expect_disagreement(lambda: check(case, target, result, output), evidence,
                        "Autobahn 26 read our spec UBJSON WELCOME as BJData")


@pytest.mark.xfail(strict=True, raises=KnownDisagreement, reason=(
    "Autobahn 26's FlatBuffers HELLO has no Details.roles (nor authmethods): our router "
    "answers ABORT wamp.error.protocol_violation, as the spec requires roles"))
@pytest.mark.parametrize("case", [Case(f"autobahn-{fl}", f"ours-{fw}", "ws", "flatbuffers",
                                       "anonymous")
                                  for fl in FLAVOURS for fw in OUR_FRAMEWORKS], ids=str)
def test_autobahn_flatbuffers_against_ours(case: Case, our_routers: OurRouters, batches: Batches,
                                      autobahn_venv: venvs.Venv) -> None:
    result, output, target = run(case, our_routers, batches, autobahn_venv)
    evidence = result["left"] == "wamp.error.protocol_violation"  # our router's ABORT
    expect_disagreement(lambda: check(case, target, result, output), evidence,
                        "Autobahn 26's FlatBuffers HELLO has no roles")
