"""Autobahn|Python's client, asyncio or Twisted, over the scenarios of :mod:`common`; runs in
the Autobahn venv (``peers.venvs.autobahn_python``)::

    python ab_client.py asyncio|twisted @request.json

Sessions and connections are made directly (Autobahn's asyncio Component keeps reconnecting a
RawSocket after a clean leave): one ``autobahn.<flavour>.wamp.Session`` per scenario with
Autobahn's own authenticators, then :func:`scenario.run` on the joined session.
"""

from __future__ import annotations

import sys
import time
from typing import Any

import common
import scenario


class Lib:
    from autobahn.wamp import exception, types


def serializer(name: str) -> Any:
    from autobahn.wamp import serializer as s

    return {"json": s.JsonSerializer, "msgpack": s.MsgPackSerializer,
            "cbor": s.CBORSerializer, "ubjson": s.UBJSONSerializer,
            "flatbuffers": s.FlatBuffersSerializer}[name]()


def make_session(flavour: str, sc: dict[str, Any], kit: Any) -> Any:
    from autobahn.wamp.auth import create_authenticator
    from autobahn.wamp.types import ComponentConfig

    if flavour == "asyncio":
        from autobahn.asyncio.wamp import Session
    else:
        from autobahn.twisted.wamp import Session

    class Client(Session):  # type: ignore[misc, valid-type]
        def on_join(self, details: Any) -> None:
            kit.resolve(self.joined, details)

        def on_leave(self, details: Any) -> None:
            kit.resolve(self.left, details.reason)
            self.disconnect()

        def on_disconnect(self) -> None:
            kit.resolve(self.joined, None)
            kit.resolve(self.left, "disconnected")

    session = Client(ComponentConfig(realm=sc["realm"]))
    session.joined, session.left = kit.future(), kit.future()
    for method, options in (sc.get("authentication") or {}).items():
        session.add_authenticator(create_authenticator(method, **options))
    return session


def factory_for(flavour: str, sc: dict[str, Any], session: Any) -> Any:
    mod = f"autobahn.{flavour}"
    url, ser = sc["url"], serializer(sc["serializer"])
    if url.startswith("rs"):
        rawsocket = __import__(f"{mod}.rawsocket", fromlist=["x"])
        return rawsocket.WampRawSocketClientFactory(lambda: session, serializer=ser)
    websocket = __import__(f"{mod}.websocket", fromlist=["x"])
    factory = websocket.WampWebSocketClientFactory(lambda: session, url=url, serializers=[ser])
    if sc.get("deflate"):
        from autobahn.websocket.compress import (
            PerMessageDeflateOffer,
            PerMessageDeflateResponseAccept,
        )

        factory.setProtocolOptions(perMessageCompressionOffers=[PerMessageDeflateOffer()],
                                   perMessageCompressionAccept=PerMessageDeflateResponseAccept)
    return factory


async def connect_asyncio(kit: Any, sc: dict[str, Any], factory: Any) -> Any:
    import ssl

    host, port = common.host_port(sc["url"])
    context, hostname = None, None
    if sc.get("tls"):
        context = ssl.create_default_context(cafile=sc["tls"]["trust_root"])
        hostname = sc["tls"].get("hostname", host)
    transport, _ = await kit.loop.create_connection(factory, host, port, ssl=context,
                                                    server_hostname=hostname)
    return transport.close


async def connect_twisted(kit: Any, sc: dict[str, Any], factory: Any) -> Any:
    from twisted.internet.endpoints import TCP4ClientEndpoint, wrapClientTLS
    from twisted.internet.ssl import Certificate, optionsForClientTLS

    host, port = common.host_port(sc["url"])
    endpoint = TCP4ClientEndpoint(kit.reactor, host, port, timeout=10)
    if sc.get("tls"):
        with open(sc["tls"]["trust_root"], encoding="ascii") as fh:
            trust = Certificate.loadPEM(fh.read())
        options = optionsForClientTLS(sc["tls"].get("hostname", host), trustRoot=trust)
        endpoint = wrapClientTLS(options, endpoint)
    proto = await endpoint.connect(factory)
    return proto.transport.loseConnection


async def run_one(flavour: str, kit: Any, sc: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"name": sc["name"], "joined": None, "steps": None, "left": None,
                           "error": None}
    started = time.monotonic()
    close = None
    try:
        session = make_session(flavour, sc, kit)
        connect = connect_asyncio if flavour == "asyncio" else connect_twisted
        close = await kit.wait(connect(kit, sc, factory_for(flavour, sc, session)), 20,
                               "the connection")
        details = await kit.wait(session.joined, 30, "WELCOME")
        if details is None:
            out["left"] = await kit.wait(session.left, 5, "the end")
            raise RuntimeError(f"did not join: {out['left']}")
        out["joined"] = scenario.session_details(details)
        # Autobahn leaves TransportDetails.websocket_extensions_in_use unset: ask the protocol
        extensions = getattr(session._transport, "websocket_extensions_in_use", None) or []
        out["joined"]["extensions"] = sorted(e.EXTENSION_NAME for e in extensions)
        out["steps"] = await scenario.run(session, kit, Lib, sc["prefix"], sc["steps"])
        session.leave()
        out["left"] = await kit.wait(session.left, 10, "the leave")
    except BaseException as exc:  # reported to the test
        out["error"] = scenario.describe_exception(exc)
    finally:
        if close is not None:
            close()
    out["seconds"] = round(time.monotonic() - started, 2)
    return out


async def run_all(flavour: str, kit: Any, request: dict[str, Any]) -> list[Any]:
    factories = [lambda sc=sc: run_one(flavour, kit, sc) for sc in request["scenarios"]]
    return await kit.gather(factories, request.get("concurrency", 4))


def main(flavour: str, request: dict[str, Any]) -> None:
    import kits

    if flavour == "asyncio":
        import asyncio

        async def go() -> None:
            kit = kits.AsyncioKit(asyncio.get_running_loop())
            common.emit(await run_all(flavour, kit, request))

        asyncio.run(go())
    else:
        from twisted.internet import defer, task

        async def go_twisted(reactor: Any) -> None:
            common.emit(await run_all(flavour, kits.TwistedKit(reactor), request))

        task.react(lambda reactor: defer.ensureDeferred(go_twisted(reactor)))


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ("asyncio", "twisted"):
        sys.exit("usage: ab_client.py asyncio|twisted [@request.json | JSON]")
    flavour = sys.argv[1]
    import txaio

    txaio.use_asyncio() if flavour == "asyncio" else txaio.use_twisted()
    main(flavour, common.load_request(sys.argv[1:]))
