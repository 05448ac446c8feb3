"""Autobahn|Python (asyncio) WAMP client for interop tests; runs in the Autobahn venv.

    python ab_wamp_client.py SCENARIOS_JSON      (a JSON list, or @path to a file holding one)

Each scenario: {"name", "url" (ws://... or rs://...), "serializer" (json, msgpack, cbor,
ubjson), "realm", "authentication" ({method: Autobahn authenticator arguments}, e.g.
{"ticket": {"authid": .., "ticket": ..}}; null for anonymous), "prefix" (URI prefix for this
scenario's procedure and topic), "timeout" (seconds, default 20)}.

For each, the client joins, registers ``<prefix>.add``, calls it with (2, 3), subscribes to
``<prefix>.topic``, publishes {"n": 1} (acknowledged, exclude_me=False), waits for the event
and leaves. The session and transports are made directly (not with Autobahn's Component, whose
RawSocket flavour keeps reconnecting after a clean leave). The last stdout line is
``PEER-RESULT <json>``: a list of {"name", "ok", "details": {realm, authid, authrole,
authmethod, session}, "call", "event", "left", "error"}.
"""

import asyncio
import json
import sys

from autobahn.asyncio.rawsocket import WampRawSocketClientFactory
from autobahn.asyncio.wamp import Session
from autobahn.asyncio.websocket import WampWebSocketClientFactory
from autobahn.rawsocket.util import parse_url as parse_rs_url
from autobahn.wamp import serializer as serializers
from autobahn.wamp.auth import create_authenticator
from autobahn.wamp.types import ComponentConfig, PublishOptions
from autobahn.websocket.util import parse_url as parse_ws_url

SERIALIZERS = {
    "json": serializers.JsonSerializer,
    "msgpack": serializers.MsgPackSerializer,
    "cbor": serializers.CBORSerializer,
    "ubjson": serializers.UBJSONSerializer,
}


class Client(Session):
    """Resolves ``joined`` on WELCOME and ``left`` on leave or disconnect."""

    def __init__(self, config, joined, left):
        super().__init__(config)
        self.joined, self.left = joined, left

    def on_join(self, details):
        if not self.joined.done():
            self.joined.set_result(details)

    def on_leave(self, details):
        if not self.left.done():
            self.left.set_result({"reason": details.reason, "message": details.message})
        self.disconnect()

    def on_disconnect(self):
        if not self.left.done():
            self.left.set_result({"reason": "disconnected", "message": None})


async def connect(loop, scenario, session):
    url = scenario["url"]
    ser = SERIALIZERS[scenario["serializer"]]()
    if url.startswith("rs"):
        _, host, port = parse_rs_url(url)[:3]
        factory = WampRawSocketClientFactory(lambda: session, serializer=ser)
    else:
        parsed = parse_ws_url(url)
        host, port = parsed[1], parsed[2]
        factory = WampWebSocketClientFactory(lambda: session, url=url, serializers=[ser])
    transport, _ = await loop.create_connection(factory, host, port)
    return transport


async def exercise(loop, session, prefix, outcome):
    await session.register(lambda a, b: a + b, prefix + ".add")
    outcome["call"] = await session.call(prefix + ".add", 2, 3)
    got = loop.create_future()
    await session.subscribe(lambda **kw: got.done() or got.set_result(kw), prefix + ".topic")
    await session.publish(prefix + ".topic", n=1,
                          options=PublishOptions(acknowledge=True, exclude_me=False))
    outcome["event"] = await asyncio.wait_for(got, 10)


async def run_scenario(loop, scenario):
    outcome = {"name": scenario["name"], "ok": False}
    prefix = scenario.get("prefix", "com.peers." + scenario["name"].replace("-", "_"))
    timeout = scenario.get("timeout", 20)
    joined, left = loop.create_future(), loop.create_future()
    session = Client(ComponentConfig(realm=scenario.get("realm", "realm1")), joined, left)
    for method, args in (scenario.get("authentication") or {}).items():
        session.add_authenticator(create_authenticator(method, **args))
    transport = None
    try:
        transport = await asyncio.wait_for(connect(loop, scenario, session), timeout)
        await asyncio.wait({joined, left}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if not joined.done():
            why = left.result() if left.done() else "no WELCOME within the timeout"
            raise RuntimeError(f"did not join: {why}")
        d = joined.result()
        outcome["details"] = {"realm": d.realm, "authid": d.authid, "authrole": d.authrole,
                              "authmethod": d.authmethod, "session": d.session}
        await asyncio.wait_for(exercise(loop, session, prefix, outcome), timeout)
        session.leave()
        outcome["left"] = await asyncio.wait_for(left, timeout)
        outcome["ok"] = True
    except Exception as exc:
        outcome["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        if transport is not None:
            transport.close()
    return outcome


async def main_all(scenarios):
    loop = asyncio.get_running_loop()
    return [await run_scenario(loop, s) for s in scenarios]


def load(arg):
    if arg.startswith("@"):
        with open(arg[1:], encoding="utf-8") as fh:
            return json.load(fh)
    return json.loads(arg)


if __name__ == "__main__":
    results = asyncio.run(main_all(load(sys.argv[1])))
    print("PEER-RESULT " + json.dumps(results), flush=True)
