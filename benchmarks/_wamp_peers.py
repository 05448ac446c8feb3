"""The processes of ``benchmarks/wamp_rpc.py`` and ``router.py``: routers and WAMP clients.

    python benchmarks/_wamp_peers.py router ours CONFIG.json [LOOP]   our router (wamp_asyncio)
    python benchmarks/_wamp_peers.py client NAME                      a client worker (CLIENTS)

The router prints ``READY {"urls": [...]}``; ``LOOP`` is ``asyncio`` (the default) or ``uvloop``
(the router's event loop: it serves every client alike, so it should not be what caps them).
Crossbar.io is started by the parent with ``tests/peers`` (its own virtual environment). A
client worker answers requests
``{"url", "serializer", "mode", "inflight", "warmup", "seconds", "server_pid"}``: it joins
``realm1`` with two sessions on two connections, one calling or publishing and one callee or
subscriber, keeps ``inflight`` calls (``mode`` "call": ``com.bench.echo(42)``) or events
(``mode`` "event": ``com.bench.topic`` with ``42``, not acknowledged) outstanding, each result
or event starting the next, and measures a window as ``_echo_peers.Driver`` does: calls or
events counted, wall time, this process's CPU and the router's (process tree, ``/proc``).
Both sessions are the implementation's ``ApplicationSession``, used as its documentation
shows; asyncio callers run ``inflight`` tasks that each ``await session.call(...)`` in a
loop, Twisted callers chain the Deferreds.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import sys
import threading
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _echo_peers import Driver
from _procs import serve_requests

__all__ = ["CLIENTS", "router_config"]

CLIENTS = ("ours-asyncio", "ours-twisted", "autobahn-asyncio", "autobahn-twisted")
PROCEDURE, TOPIC = "com.bench.echo", "com.bench.topic"
_serial = [0]


def _uris() -> tuple[str, str]:
    """A fresh procedure and topic per request (sessions of a previous one may still be
    leaving)."""
    _serial[0] += 1
    suffix = f".p{os.getpid()}.n{_serial[0]}"
    return PROCEDURE + suffix, TOPIC + suffix
_PACKAGES = {"ours-asyncio": "wamp_asyncio", "ours-twisted": "wamp_twisted",
             "autobahn-asyncio": "autobahn.asyncio", "autobahn-twisted": "autobahn.twisted"}


def router_config(ws_port: int, rs_port: int) -> dict[str, Any]:
    """One realm, anonymous may do everything (authorization cached); a WebSocket and a
    RawSocket transport on 127.0.0.1 with JSON and MessagePack. Read by both routers."""
    allow = {"call": True, "register": True, "publish": True, "subscribe": True}
    auth = {"anonymous": {"type": "static", "role": "anonymous"}}
    serializers = ["json", "msgpack"]

    def endpoint(port: int) -> dict[str, Any]:
        return {"type": "tcp", "port": port, "interface": "127.0.0.1"}

    return {"version": 2, "controller": {}, "workers": [{
        "type": "router",
        "realms": [{"name": "realm1", "roles": [{"name": "anonymous", "permissions": [
            {"uri": "", "match": "prefix", "allow": allow,
             "disclose": {"caller": False, "publisher": False}, "cache": True}]}]}],
        "transports": [
            {"type": "websocket", "id": "ws_bench", "endpoint": endpoint(ws_port),
             "serializers": serializers, "auth": auth},
            {"type": "rawsocket", "id": "rs_bench", "endpoint": endpoint(rs_port),
             "serializers": serializers, "auth": auth},
        ],
    }]}


def serve_router(config_path: str, loop: str = "asyncio") -> None:
    from wamp_asyncio.router import serve

    if loop == "uvloop":
        import uvloop  # type: ignore[import-not-found,unused-ignore]

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    elif loop != "asyncio":
        raise SystemExit(f"unknown event loop {loop!r}: asyncio or uvloop")

    async def main() -> None:
        with open(config_path, encoding="utf-8") as fh:
            config = json.load(fh)
        server = await serve(config)
        print("READY " + json.dumps({"urls": server.urls}), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        await server.close(timeout=1)

    asyncio.run(main())


# ------------------------------------------------------------------------------ clients

class _Impl:
    """One implementation's modules, serializers and session class."""

    def __init__(self, name: str) -> None:
        package = _PACKAGES[name]
        self.name = name
        self.twisted = name.endswith("-twisted")
        self.wamp = importlib.import_module(package + ".wamp")
        self.websocket = importlib.import_module(package + ".websocket")
        self.rawsocket = importlib.import_module(package + ".rawsocket")
        if name.startswith("ours"):
            self.serializers = importlib.import_module("wamp_core.serializer")
            self.types = importlib.import_module("wamp_core.types")
        else:
            self.serializers = importlib.import_module("autobahn.wamp.serializer")
            self.types = importlib.import_module("autobahn.wamp.types")

    def serializer(self, name: str) -> Any:
        return {"json": self.serializers.JsonSerializer,
                "msgpack": self.serializers.MsgPackSerializer}[name]()

    def session(self, joined: Any) -> Any:
        base = self.wamp.ApplicationSession

        class Session(base):  # type: ignore[misc,valid-type]
            def onJoin(self, details: Any) -> None:
                joined(self)

        return Session(self.types.ComponentConfig(realm="realm1"))

    def factory(self, url: str, serializer: str, session: Any) -> Any:
        ser = self.serializer(serializer)
        if url.startswith("rs"):
            return self.rawsocket.WampRawSocketClientFactory(lambda: session, serializer=ser)
        return self.websocket.WampWebSocketClientFactory(lambda: session, url=url,
                                                         serializers=[ser])


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 80


async def _asyncio_measure(impl: _Impl, request: dict[str, Any]) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    host, port = _host_port(request["url"])
    sessions = []
    for _ in range(2):
        joined: asyncio.Future[Any] = loop.create_future()
        session = impl.session(joined.set_result)
        await loop.create_connection(impl.factory(request["url"], request["serializer"],
                                                  session), host, port)
        sessions.append(await asyncio.wait_for(joined, 30))
    front, back = sessions
    procedure, topic = _uris()
    done: asyncio.Future[Any] = loop.create_future()
    driver = Driver(request, loop.call_later, done.set_result)
    if request["mode"] == "call":
        await back.register(lambda x: x, procedure)

        async def caller() -> None:
            while True:
                await front.call(procedure, 42)
                if not driver.echoed():
                    return

        tasks = [asyncio.ensure_future(caller()) for _ in range(driver.inflight)]
    else:
        def on_event(x: Any) -> None:
            if driver.echoed():
                front.publish(topic, 42)

        await back.subscribe(on_event, topic)
        tasks = []
        for _ in range(driver.inflight):
            front.publish(topic, 42)
    driver.begin()
    result = await asyncio.wait_for(done, 120)
    await asyncio.gather(*tasks)
    for session in sessions:
        session.leave()
    await asyncio.sleep(0.05)
    return result


def _twisted_measure(impl: _Impl, request: dict[str, Any]) -> Any:
    from twisted.internet import defer, reactor
    from twisted.internet.endpoints import TCP4ClientEndpoint

    @defer.inlineCallbacks
    def run() -> Any:
        host, port = _host_port(request["url"])
        sessions = []
        for _ in range(2):
            joined: defer.Deferred[Any] = defer.Deferred()
            session = impl.session(joined.callback)
            factory = impl.factory(request["url"], request["serializer"], session)
            yield TCP4ClientEndpoint(reactor, host, port).connect(factory)
            sessions.append((yield joined))
        front, back = sessions
        procedure, topic = _uris()
        done: defer.Deferred[Any] = defer.Deferred()
        driver = Driver(request, reactor.callLater, done.callback)  # type: ignore[attr-defined]
        if request["mode"] == "call":
            yield back.register(lambda x: x, procedure)

            def call(_: Any = None) -> None:
                front.call(procedure, 42).addCallback(answered)

            def answered(_: Any) -> None:
                if driver.echoed():
                    call()

            for _ in range(driver.inflight):
                call()
        else:
            def on_event(x: Any) -> None:
                if driver.echoed():
                    front.publish(topic, 42)

            yield back.subscribe(on_event, topic)
            for _ in range(driver.inflight):
                front.publish(topic, 42)
        driver.begin()
        result = yield done
        for session in sessions:
            session.leave()
        return result

    return run()


def run_client(name: str) -> None:
    impl = _Impl(name)  # fails before READY when the implementation is not there
    if impl.twisted:
        from twisted.internet import reactor, threads

        threading.Thread(target=reactor.run, kwargs={"installSignalHandlers": False},  # type: ignore[attr-defined]
                         daemon=True).start()
        serve_requests({}, lambda r: threads.blockingCallFromThread(
            reactor, _twisted_measure, impl, r))
        return
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    serve_requests({}, lambda r: asyncio.run_coroutine_threadsafe(
        _asyncio_measure(impl, r), loop).result(timeout=600))


if __name__ == "__main__":
    if sys.argv[1] == "router":
        serve_router(sys.argv[3], *sys.argv[4:5])
    else:
        run_client(sys.argv[2])
