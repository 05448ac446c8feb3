"""WAMP sessions through the embedded router on Twisted: every transport and serializer."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from twisted.internet.defer import DeferredQueue
from tx_helpers import Tls, run, sleep, wait
from wamp_core.exception import ApplicationError, PayloadExceededError
from wamp_core.types import CallOptions, PublishOptions
from wamp_twisted.component import Component
from wamp_twisted.router import serve

SERIALIZERS = ["json", "msgpack", "cbor", "ubjson", "flatbuffers"]
TRANSPORTS = ["ws", "wss", "rs", "rss", "unix-ws", "unix-rs"]
HAS_UNIX = hasattr(socket, "AF_UNIX")


def write_cert(tmp: Path, tls: Tls) -> dict[str, str]:
    key, cert = tmp / "key.pem", tmp / "cert.pem"
    tls.cert.private_key_pem.write_to_path(str(key))
    tls.cert.cert_chain_pems[0].write_to_path(str(cert))
    return {"key": str(key), "certificate": str(cert)}


def router_config(tmp: Path, tls: Tls) -> dict[str, Any]:
    """A Crossbar.io-style router worker: ws, wss, rs, rss and a universal Unix socket."""
    files = write_cert(tmp, tls)
    every = ["cbor", "msgpack", "ubjson", "json"]

    def tcp(secure: bool) -> dict[str, Any]:
        return {"type": "tcp", "port": 0, "interface": "127.0.0.1",
                **({"tls": files} if secure else {})}

    websocket = {"type": "websocket", "serializers": [*every, "flatbuffers"]}
    transports: list[dict[str, Any]] = [
        {"type": "web", "endpoint": tcp(False), "paths": {"ws": websocket}},
        {"type": "web", "endpoint": tcp(True), "paths": {"ws": websocket}},
        {"type": "rawsocket", "endpoint": tcp(False), "serializers": every},
        {"type": "rawsocket", "endpoint": tcp(True), "serializers": every},
    ]
    if HAS_UNIX:
        transports.append({"type": "universal",
                           "endpoint": {"type": "unix", "path": str(tmp / "r.sock")},
                           "rawsocket": {"serializers": every},
                           "websocket": {"/": websocket}})
    allow = {"call": True, "register": True, "publish": True, "subscribe": True}
    return {"type": "router", "transports": transports, "realms": [{
        "name": "realm1",
        "roles": [{"name": "anonymous", "permissions": [{"uri": "", "match": "prefix",
                                                         "allow": allow}]}]}]}


def client_transport(kind: str, urls: list[str], serializer: str, tls: Tls) -> dict[str, Any]:
    ws, wss, rs, rss = urls[:4]
    unix = dict(zip(["unix-ws", "unix-rs"], urls[4:6], strict=False))
    url = {"ws": ws, "wss": wss, "rs": rs, "rss": rss, **unix}[kind]
    config: dict[str, Any] = {"url": url}
    if "rs" in kind.split("-")[-1]:
        config.update(type="rawsocket", serializer=serializer)
    else:
        config.update(type="websocket", serializers=[serializer])
    if kind in ("wss", "rss"):
        host, port = url.split("://")[1].split("/")[0].rsplit(":", 1)
        config["endpoint"] = {"type": "tcp", "host": host, "port": int(port),
                              "tls": tls.client("127.0.0.1")}
    config["max_retries"] = 0
    return config


@pytest.fixture(scope="module")
def tls() -> Tls:
    return Tls()


@pytest.mark.parametrize("serializer", SERIALIZERS)
@pytest.mark.parametrize("kind", TRANSPORTS)
def test_rpc_and_pubsub(kind: str, serializer: str, tls: Tls, tmp_path: Path) -> None:
    if kind.startswith("unix") and not HAS_UNIX:
        pytest.skip("no Unix sockets here")
    if kind.split("-")[-1].startswith("rs") and serializer == "flatbuffers":
        pytest.skip("RawSocket routers do not serve FlatBuffers (as Crossbar.io)")

    async def main() -> None:
        server = await serve(router_config(tmp_path, tls))
        seen: dict[str, Any] = {}

        async def session_main(reactor: Any, session: Any) -> None:
            events: DeferredQueue[Any] = DeferredQueue()
            await session.register(lambda a, b, c=0: [a + b + c, b"\x00\x01"], "com.sum")
            await session.subscribe(lambda *a, **kw: events.put((a, kw)), "com.topic")
            seen["call"] = await session.call("com.sum", 1, 2, c=3)
            await session.publish("com.topic", "x", b"\xffbytes", key={"nested": [1.5, None]},
                                  options=PublishOptions(exclude_me=False, acknowledge=True))
            seen["event"] = await wait(events.get())
            seen["details"] = session.transport.transport_details
            with pytest.raises(ApplicationError) as info:
                await session.call("com.nothing")
            seen["error"] = info.value.error

        component = Component(transports=[client_transport(kind, server.urls, serializer, tls)],
                              realm="realm1", main=session_main)
        try:
            assert await wait(component.start()) is None
        finally:
            await server.close()
        assert seen["call"] == [6, b"\x00\x01"]
        assert seen["event"] == (("x", b"\xffbytes"), {"key": {"nested": [1.5, None]}})
        assert seen["error"] == "wamp.error.no_such_procedure"
        details = seen["details"]
        framing = "rawsocket" if kind.split("-")[-1].startswith("rs") else "websocket"
        assert details.channel_typeid.split("-")[1:] == [framing, serializer]
        assert details.is_secure is kind.endswith("ss")
        if details.is_secure:
            assert len(details.channel_id["tls-unique"]) == 32

    run(main())


def test_router_urls_name_each_listener(tls: Tls, tmp_path: Path) -> None:
    async def main() -> list[str]:
        server = await serve(router_config(tmp_path, tls))
        await server.close()
        return server.urls

    urls = run(main())
    assert [u.split("://")[0] for u in urls[:4]] == ["ws", "wss", "rs", "rss"]
    assert urls[0].endswith("/ws")
    if HAS_UNIX:
        assert urls[4:] == [f"ws://unix:{tmp_path}/r.sock", f"rs://unix:{tmp_path}/r.sock"]


@pytest.mark.skipif(not HAS_UNIX, reason="no Unix sockets here")
def test_tls_over_a_unix_socket(tls: Tls, tmp_path: Path) -> None:
    from twisted.protocols.tls import TLSMemoryBIOFactory
    from tx_helpers import reactor
    from wamp_twisted.websocket import WampWebSocketServerFactory

    async def main() -> None:
        server = await serve(rawsocket=["127.0.0.1:0"])
        path = str(tmp_path / "tls.sock")
        factory = WampWebSocketServerFactory(server.router.session_factory())
        listening = reactor.listenUNIX(path, TLSMemoryBIOFactory(tls.server, False, factory))
        seen: list[Any] = []

        async def main(reactor: Any, session: Any) -> None:
            details = session.transport.transport_details
            seen.append((details.is_secure, details.peer, len(details.channel_id["tls-unique"])))

        transport = {"url": f"wss://unix:{path}", "max_retries": 0,
                     "endpoint": {"type": "unix", "path": path, "tls": tls.client("localhost")}}
        await wait(Component(transports=[transport], main=main).start())
        assert seen == [(True, f"unix:{path}", 32)]
        await listening.stopListening()
        await server.close()

    run(main())


def _has_ipv6() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _has_ipv6(), reason="no IPv6 loopback here")
@pytest.mark.parametrize("secure", [False, True])
def test_ipv6_with_and_without_tls(secure: bool, tls: Tls, tmp_path: Path) -> None:
    files = write_cert(tmp_path, tls)

    async def main() -> None:
        endpoint: dict[str, Any] = {"type": "tcp", "port": 0, "interface": "::1", "version": 6}
        if secure:
            endpoint["tls"] = files
        server = await serve({"type": "router", "transports": [
            {"type": "websocket", "endpoint": endpoint},
            {"type": "rawsocket", "endpoint": endpoint}],
            "realms": [{"name": "realm1", "roles": [{"name": "anonymous", "permissions": [
                {"uri": "", "match": "prefix", "allow": {"call": True, "register": True}}]}]}]})
        ws_url, rs_url = server.urls
        assert ws_url.startswith("wss://[::1]:" if secure else "ws://[::1]:")
        peers: list[str] = []

        async def call(reactor: Any, session: Any) -> None:
            await session.register(lambda: "six", "com.v6")
            assert await session.call("com.v6") == "six"
            peers.append(session.transport.transport_details.peer)

        for url in (ws_url, rs_url):
            transport: dict[str, Any] = {"url": url, "max_retries": 0}
            if url.startswith("r"):
                transport["type"] = "rawsocket"
            if secure:
                port = int(url.rsplit(":", 1)[1].split("/")[0])
                transport["endpoint"] = {"type": "tcp", "host": "::1", "port": port,
                                         "tls": tls.client("::1")}
            await wait(Component(transports=[transport], main=call).start())
        await server.close()
        assert all(peer.startswith("tcp6:::1:") for peer in peers), peers

    run(main())


def test_config_file_and_unknown_path(tmp_path: Path) -> None:
    config = {"version": 2, "workers": [{"type": "router", "realms": [
        {"name": "realm1", "roles": [{"name": "anonymous", "permissions": [
            {"uri": "com.", "match": "prefix", "allow": {"call": True, "register": True}}]}]}],
        "transports": [{"type": "web", "endpoint": {"type": "tcp", "port": 0,
                                                     "interface": "127.0.0.1"},
                        "paths": {"ws": {"type": "websocket"}}}]}]}
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))

    async def main() -> None:
        server = await serve(str(path))
        url = server.urls[0]
        wrong = url.replace("/ws", "/nowhere")
        component = Component(transports=[{"url": wrong, "max_retries": 0}])
        with pytest.raises(Exception, match="404"):
            await wait(component.start())

        async def forbidden(reactor: Any, session: Any) -> None:
            with pytest.raises(ApplicationError) as info:
                await session.publish("com.topic", options=PublishOptions(acknowledge=True))
            assert info.value.error == "wamp.error.not_authorized"

        await wait(Component(transports=[{"url": url, "max_retries": 0}],
                             main=forbidden).start())
        await server.close()

    run(main())


def test_call_timeout_and_payload_limit() -> None:
    async def main() -> None:
        server = await serve(rawsocket=["127.0.0.1:0"])
        released: list[bool] = []

        async def slow() -> str:
            while not released:
                await sleep(0.01)
            return "late"

        async def session_main(reactor: Any, session: Any) -> None:
            await session.register(slow, "com.slow")
            with pytest.raises(ApplicationError) as info:
                await session.call("com.slow", options=CallOptions(timeout=0.05))
            assert info.value.error in ("wamp.error.canceled", "wamp.error.timeout")
            released.append(True)
            session.transport._max_send = 1000  # pretend the router announced 1000 octets
            with pytest.raises(PayloadExceededError):
                session.publish("com.big", "x" * 1024)
            assert session.publish("com.small", "x" * 10) is None

        transport = {"type": "rawsocket", "url": server.urls[0], "max_retries": 0}
        await wait(Component(transports=[transport], main=session_main).start())
        await server.close()

    run(main())


def test_cancelling_a_call_deferred_cancels_the_call_at_the_callee() -> None:
    from twisted.internet.defer import CancelledError

    async def main() -> None:
        server = await serve(rawsocket=["127.0.0.1:0"])
        interrupted: list[bool] = []

        async def slow() -> str:
            try:
                await sleep(5)
            except CancelledError:
                interrupted.append(True)
                raise
            return "late"

        async def session_main(reactor: Any, session: Any) -> None:
            await session.register(slow, "com.slow")
            d = session.call("com.slow")
            await sleep(0.05)
            d.cancel()
            with pytest.raises(CancelledError):
                await d
            for _ in range(200):
                if interrupted:
                    break
                await sleep(0.01)
            assert interrupted == [True]
            assert await session.call("wamp.session.count") >= 1  # the session goes on

        transport = {"type": "rawsocket", "url": server.urls[0], "max_retries": 0}
        await wait(Component(transports=[transport], main=session_main).start())
        await server.close()

    run(main())
