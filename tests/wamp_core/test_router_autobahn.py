"""Autobahn|Python's client sessions against our router, in memory.

Autobahn needs the process-wide txaio framework switch, so the scenario runs in a
subprocess with the Python of the ``autobahn_venv`` peer (Autobahn|Python 26.10),
wamp-core taken from this checkout (``PYTHONPATH``, with our ``flatbuffers``
dependency, which that venv lacks). Messages make a byte round trip: Autobahn's serializer
on its side, ours on the router's, so what Autobahn puts on the wire is what our
router reads (timeouts in seconds, CANCEL without a mode, its role features).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import flatbuffers  # type: ignore[import-untyped]
import pytest

pytestmark = pytest.mark.interop

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r'''
import json, sys
import txaio
txaio.use_twisted()
from autobahn.wamp import types as ab_types
from autobahn.wamp.exception import ApplicationError as ABError
from autobahn.wamp.protocol import ApplicationSession
from autobahn.wamp import serializer as ab_serializer
from wamp_core import serializer as our_serializer
from wamp_core.router import ManualScheduler, Router, parse_config

SER = sys.argv[1]
AB_SER = {"json": ab_serializer.JsonSerializer, "msgpack": ab_serializer.MsgPackSerializer,
          "cbor": ab_serializer.CBORSerializer}[SER]()
OUR_SER = our_serializer.create_transport_serializer(SER)
clock = ManualScheduler()
router = Router(parse_config({"type": "router", "realms": [{"name": "realm1", "roles": [
    {"name": "anonymous", "permissions": [{"uri": "", "match": "prefix", "allow": {
        "call": True, "register": True, "publish": True, "subscribe": True}}]},
    {"name": "user", "permissions": [{"uri": "", "match": "prefix", "allow": {
        "call": True, "register": True, "publish": True, "subscribe": True}}]}]}],
    "transports": [{"type": "websocket", "endpoint": {"type": "tcp", "port": 0}, "auth": {
        "ticket": {"type": "static", "principals": {"joe": {"ticket": "t0p", "role": "user"}}},
        "anonymous": {"type": "static"}}}]}), call_later=clock)
QUEUE = []


def pump():
    while QUEUE:
        fn, arg = QUEUE.pop(0)
        fn(arg)


class RouterSide:
    def __init__(self, bridge):
        self.bridge = bridge
        self.transport_details = None

    def send(self, msg):
        data, binary = OUR_SER.serialize(msg)
        for m in AB_SER.unserialize(data, binary):
            QUEUE.append((self.bridge.session.onMessage, m))

    def close(self):
        QUEUE.append((lambda _: self.bridge.session.onClose(True), None))


class Bridge:
    """Autobahn's transport: bytes to the router session, through both serializers."""

    def __init__(self, session):
        self.session = session
        self._serializer = AB_SER
        self.is_closed = False
        self.transport_details = ab_types.TransportDetails()
        self.rs = router.session(router.config.transports[0])
        self.rs.onOpen(RouterSide(self))
        self.open = True

    def send(self, msg):
        data, binary = AB_SER.serialize(msg)
        QUEUE.append((lambda d: self.rs.receive_payload(d, OUR_SER, binary), data))

    def isOpen(self):
        return self.open

    def close(self):
        self.open = False
        QUEUE.append((lambda _: (self.rs.onClose(True), self.session.onClose(True)), None))

    abort = close


class Client(ApplicationSession):
    def onConnect(self):
        extra = self.config.extra or {}
        self.join("realm1", authmethods=extra.get("authmethods"), authid=extra.get("authid"))

    def onChallenge(self, challenge):
        return self.config.extra["ticket"]


def connect(**extra):
    s = Client(ab_types.ComponentConfig(realm="realm1", extra=extra))
    s.onOpen(Bridge(s))
    pump()
    return s


def outcome(d):
    box = []
    d.addCallbacks(lambda v: box.append(("ok", v)),
                   lambda f: box.append(("error", getattr(f.value, "error", repr(f.value)))))
    pump()
    return box[0] if box else ("pending", None)


results = {}
callee, caller = connect(), connect()
results["joined"] = [callee.is_attached(), caller.is_attached()]
outcome(callee.register(lambda a, b: a + b, "com.add"))
results["call"] = outcome(caller.call("com.add", 2, 3))


def stream(n, details=None):
    for i in range(n):
        details.progress(i)
    return "done"


outcome(callee.register(stream, "com.stream", options=ab_types.RegisterOptions(
    details_arg="details")))
seen = []
results["progress"] = [outcome(caller.call("com.stream", 3, options=ab_types.CallOptions(
    on_progress=seen.append))), seen]

got = []
outcome(callee.subscribe(lambda *a, **kw: got.append([list(a), kw.get("details") and
                                                      kw["details"].topic]),
                         "com.t", options=ab_types.SubscribeOptions(match="prefix",
                                                                    details_arg="details")))
results["publish"] = outcome(caller.publish("com.t.x", 1, options=ab_types.PublishOptions(
    acknowledge=True)))[0]
results["events"] = got

hanging = []


def hang():
    d = txaio.create_future()
    hanging.append(d)
    return d


outcome(callee.register(hang, "com.hang"))
d = caller.call("com.hang", options=ab_types.CallOptions(timeout=2))
pump()
clock.advance(1.5)
pump()
first = outcome(d) if d.called else ("pending", None)
clock.advance(1.0)
pump()
results["timeout"] = [first[0], outcome(d)]
d = caller.call("com.hang")
pump()
d.cancel()
pump()
results["cancel"] = [outcome(d)[0], hanging[-1].called,
                     len(router.realms["realm1"].sessions[caller._session_id].calls)]
results["meta"] = outcome(caller.call("wamp.session.count"))
joe = connect(authmethods=["ticket"], authid="joe", ticket="t0p")
results["ticket"] = [joe.is_attached(), joe._authid, joe._authrole]
bad = connect(authmethods=["ticket"], authid="joe", ticket="nope")
results["bad_ticket"] = bad.is_attached()
d = callee.leave()
pump()
results["leave"] = list(router.realms["realm1"].sessions) == [caller._session_id,
                                                              joe._session_id]
print(json.dumps(results))
'''


def _env(tmp_path: Path) -> dict[str, str]:
    """PYTHONPATH: wamp-core from this checkout, and flatbuffers from this interpreter."""
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "flatbuffers").symlink_to(Path(flatbuffers.__file__).parent)
    paths = [str(ROOT / "packages" / "wamp-core" / "src"), str(extra)]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


@pytest.mark.parametrize("serializer", ["json", "msgpack", "cbor"])
def test_autobahn_sessions_against_our_router(serializer: str, autobahn_venv: Any,
                                              tmp_path: Path) -> None:
    out = subprocess.run([str(autobahn_venv.python), "-c", SCRIPT, serializer],
                         capture_output=True, text=True, timeout=120, check=False, cwd=ROOT,
                         env=_env(tmp_path))
    assert out.returncode == 0, out.stderr[-3000:]
    r = json.loads(out.stdout.strip().splitlines()[-1])
    assert r["joined"] == [True, True]
    assert r["call"] == ["ok", 5]
    assert r["progress"] == [["ok", "done"], [0, 1, 2]]
    assert r["publish"] == "ok"
    assert r["events"] == [[[1], "com.t.x"]]
    # Autobahn sends the timeout in seconds: still pending after 1.5 s, failed after 2.5 s
    assert r["timeout"][0] == "pending"
    assert r["timeout"][1][0] == "error"
    assert r["timeout"][1][1] in ("wamp.error.timeout", "wamp.error.canceled")
    # CANCEL without a mode: the callee is interrupted and nothing is left in flight
    assert r["cancel"] == ["error", True, 0]
    assert r["meta"] == ["ok", 2]
    assert r["ticket"] == [True, "joe", "user"]
    assert r["bad_ticket"] is False
    assert r["leave"] is True
