"""Autobahn|Python (Twisted) WAMP client for interop tests; runs in the Autobahn venv.

Same input and output as ``ab_wamp_client.py`` (its asyncio twin):

    python ab_wamp_client_twisted.py SCENARIOS_JSON      (a JSON list, or @path)

prints ``PEER-RESULT <json>`` as its last stdout line.
"""

import json
import sys

from autobahn.rawsocket.util import parse_url as parse_rs_url
from autobahn.twisted.rawsocket import WampRawSocketClientFactory
from autobahn.twisted.wamp import Session
from autobahn.twisted.websocket import WampWebSocketClientFactory
from autobahn.wamp import serializer as serializers
from autobahn.wamp.auth import create_authenticator
from autobahn.wamp.types import ComponentConfig, PublishOptions
from autobahn.websocket.util import parse_url as parse_ws_url
from twisted.internet import defer, task
from twisted.internet.endpoints import TCP4ClientEndpoint

SERIALIZERS = {
    "json": serializers.JsonSerializer,
    "msgpack": serializers.MsgPackSerializer,
    "cbor": serializers.CBORSerializer,
    "ubjson": serializers.UBJSONSerializer,
}


class Client(Session):
    """Puts ("join", details), ("leave", {...}) and ("disconnect", None) on ``events``."""

    def __init__(self, config, events):
        super().__init__(config)
        self.events = events

    def on_join(self, details):
        self.events.put(("join", details))

    def on_leave(self, details):
        self.events.put(("leave", {"reason": details.reason, "message": details.message}))
        self.disconnect()

    def on_disconnect(self):
        self.events.put(("disconnect", None))


def factory_for(scenario, session):
    url = scenario["url"]
    ser = SERIALIZERS[scenario["serializer"]]()
    if url.startswith("rs"):
        _, host, port = parse_rs_url(url)[:3]
        return host, port, WampRawSocketClientFactory(lambda: session, serializer=ser)
    parsed = parse_ws_url(url)
    factory = WampWebSocketClientFactory(lambda: session, url=url, serializers=[ser])
    return parsed[1], parsed[2], factory


async def exercise(reactor, session, prefix, outcome):
    await session.register(lambda a, b: a + b, prefix + ".add")
    outcome["call"] = await session.call(prefix + ".add", 2, 3)
    got = defer.Deferred()
    await session.subscribe(lambda **kw: got.called or got.callback(kw), prefix + ".topic")
    await session.publish(prefix + ".topic", n=1,
                          options=PublishOptions(acknowledge=True, exclude_me=False))
    outcome["event"] = await got.addTimeout(10, reactor)


async def run_scenario(reactor, scenario):
    outcome = {"name": scenario["name"], "ok": False}
    prefix = scenario.get("prefix", "com.peers." + scenario["name"].replace("-", "_"))
    timeout = scenario.get("timeout", 20)
    events = defer.DeferredQueue()
    session = Client(ComponentConfig(realm=scenario.get("realm", "realm1")), events)
    for method, args in (scenario.get("authentication") or {}).items():
        session.add_authenticator(create_authenticator(method, **args))
    proto = None
    try:
        host, port, factory = factory_for(scenario, session)
        endpoint = TCP4ClientEndpoint(reactor, host, port, timeout=timeout)
        proto = await endpoint.connect(factory).addTimeout(timeout, reactor)
        kind, details = await events.get().addTimeout(timeout, reactor)
        if kind != "join":
            raise RuntimeError(f"did not join: {kind} {details}")
        outcome["details"] = {"realm": details.realm, "authid": details.authid,
                              "authrole": details.authrole, "authmethod": details.authmethod,
                              "session": details.session}
        await defer.ensureDeferred(exercise(reactor, session, prefix, outcome)).addTimeout(
            timeout, reactor)
        session.leave()
        kind, info = await events.get().addTimeout(timeout, reactor)
        outcome["left"] = info if kind == "leave" else {"reason": kind, "message": None}
        outcome["ok"] = True
    except Exception as exc:
        outcome["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        if proto is not None and proto.transport is not None:
            proto.transport.loseConnection()
    return outcome


async def main_all(reactor, scenarios):
    results = [await run_scenario(reactor, s) for s in scenarios]
    print("PEER-RESULT " + json.dumps(results), flush=True)


def load(arg):
    if arg.startswith("@"):
        with open(arg[1:], encoding="utf-8") as fh:
            return json.load(fh)
    return json.loads(arg)


if __name__ == "__main__":
    scenarios = load(sys.argv[1])
    task.react(lambda reactor: defer.ensureDeferred(main_all(reactor, scenarios)))
