"""Our clients (asyncio, and Twisted once ``wamp_twisted.component`` exists) against ONE
Crossbar.io node for the session: WebSocket (also with permessage-deflate), RawSocket (plain,
universal, TLS), json, msgpack, cbor, every authentication method (cryptosign also with
tls-unique channel binding over TLS), each case doing RPC (args, kwargs, bytes, 1 MB payloads,
progressive results, errors, patterns, meta API), PubSub (exclude_me, acknowledged, retained),
a call timeout that ends on time (our own timer and CANCEL: Crossbar.io does not enforce
``timeout``) and a cancel; wrong credentials are refused. The clients run as subprocesses
(``clients/aio_client.py``, ``clients/tx_client.py``), one per framework and router.

ubjson: Crossbar.io 26 answers ``wamp.2.ubjson`` with BJData (``M`` for uint64, little-endian
lengths), so our spec UBJSON runs against Crossbar.io 25.12, and the 26.10 cells are strict
xfails that will tell when Crossbar.io speaks UBJSON again.
"""

from __future__ import annotations

import sys

import pytest
from interop_support import (
    AUTH_METHODS,
    CLIENTS,
    OUR_FRAMEWORKS,
    TLS_AUTH,
    WRONG_AUTH,
    Batches,
    Case,
    Command,
    KnownDisagreement,
    Target,
    cases,
    check,
    check_refused,
    expect_disagreement,
)

pytestmark = pytest.mark.interop

SCRIPTS = {"asyncio": "aio_client.py", "twisted": "tx_client.py"}


def ours(case: Case) -> Command:
    return [sys.executable, str(CLIENTS / SCRIPTS[framework(case)])], {}


def matrix(router: str, serializers: tuple[str, ...]) -> list[Case]:
    out: list[Case] = []
    for fw in OUR_FRAMEWORKS:
        client = f"ours-{fw}"
        out += cases(client, router, ("ws", "rs"), serializers, AUTH_METHODS)
        out += cases(client, router, ("wss", "rss"), serializers, (TLS_AUTH,))
        out += cases(client, router, ("uws", "urs"), serializers[:1], ("anonymous",))
        out += cases(client, router, ("wsz",), serializers, ("anonymous",))  # deflate
    return out


def framework(case: Case) -> str:
    return case.client.split("-", 1)[1]


@pytest.mark.parametrize("case", matrix("crossbar-26.10", ("json", "msgpack", "cbor")), ids=str)
def test_ours_against_crossbar(case: Case, crossbar_26: Target, batches: Batches) -> None:
    result, output = batches.result(case, crossbar_26, ours, __name__)
    check(case, crossbar_26, result, output)


# Crossbar.io 25.12 on the Twisted its series installs (26.10) drops every TLS connection
# ("TypeError: 'NoneType' object is not iterable" in twisted's protosFromProtocol under its
# UniSocket factory), so its cells are plain TCP; TLS is covered against 26.10.
@pytest.mark.parametrize("case", [c for c in matrix("crossbar-25.12", ("ubjson",))
                                  if c.transport in ("ws", "rs")], ids=str)
def test_ours_ubjson_against_crossbar_25(case: Case, crossbar_25: Target,
                                         batches: Batches) -> None:
    result, output = batches.result(case, crossbar_25, ours, __name__)
    check(case, crossbar_25, result, output)


@pytest.mark.xfail(strict=True, raises=KnownDisagreement, reason=(
    "Crossbar.io 26 sends BJData under wamp.2.ubjson: its WELCOME carries the session id "
    "with the BJData uint64 marker 'M' (little-endian), which spec UBJSON does not have"))
@pytest.mark.parametrize("case", [Case(f"ours-{fw}", "crossbar-26.10", t, "ubjson", "anonymous")
                                  for fw in OUR_FRAMEWORKS for t in ("ws", "rs")], ids=str)
def test_ours_ubjson_against_crossbar_26(case: Case, crossbar_26: Target,
                                         batches: Batches) -> None:
    result, output = batches.result(case, crossbar_26, ours, __name__)
    evidence = "invalid UBJSON payload" in batches.output(case, __name__)  # our client's log
    expect_disagreement(lambda: check(case, crossbar_26, result, output), evidence,
                        "Crossbar.io 26 answered wamp.2.ubjson with BJData")


@pytest.mark.parametrize("case", [c for fw in OUR_FRAMEWORKS for c in cases(
    f"ours-{fw}", "crossbar-26.10", ("ws", "rs"), ("json",), WRONG_AUTH)], ids=str)
def test_ours_refused_by_crossbar(case: Case, crossbar_26: Target, batches: Batches) -> None:
    result, output = batches.result(case, crossbar_26, ours, __name__)
    check_refused(case, result, output)
