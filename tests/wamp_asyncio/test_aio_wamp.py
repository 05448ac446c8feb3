"""WAMP sessions through the embedded router: every transport and every serializer."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path
from typing import Any

import pytest
from aio_helpers import Tls, run, wait
from wamp_asyncio.component import Component
from wamp_asyncio.router import serve
from wamp_core.exception import ApplicationError, PayloadExceededError
from wamp_core.types import CallOptions, PublishOptions

SERIALIZERS = ["json", "msgpack", "cbor", "ubjson", "flatbuffers"]
TRANSPORTS = ["ws", "wss", "rs", "rss", "unix-ws", "unix-rs"]
HAS_UNIX = hasattr(socket, "AF_UNIX")


def router_config(tmp: Path, tls: Tls) -> dict[str, Any]:
    """A Crossbar.io-style router worker: ws, wss, rs, rss and a universal Unix socket."""
    key, cert = tmp / "key.pem", tmp / "cert.pem"
    tls.cert.private_key_pem.write_to_path(str(key))
    tls.cert.cert_chain_pems[0].write_to_path(str(cert))
    files = {"key": str(key), "certificate": str(cert)}
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
        transports.append({"type": "universal", "endpoint": {"type": "unix",
                                                              "path": str(tmp / "r.sock")},
                           "rawsocket": {"serializers": every},
                           "websocket": {"/": websocket}})
    allow = {"call": True, "register": True, "publish": True, "subscribe": True}
    return {"type": "router", "transports": transports, "realms": [{
        "name": "realm1",
        "roles": [{"name": "anonymous", "permissions": [{"uri": "", "match": "prefix",
                                                         "allow": allow}]}]}]}


def client_transport(kind: str, urls: list[str], serializer: str, tls: Tls) -> dict[str, Any]:
    ws, wss, rs, rss = urls[:4]
    unix_ws, unix_rs = urls[4:6] if HAS_UNIX else ("", "")
    url = {"ws": ws, "wss": wss, "rs": rs, "rss": rss, "unix-ws": unix_ws,
           "unix-rs": unix_rs}[kind]
    config: dict[str, Any] = {"url": url}
    if "rs" in kind:
        config.update(type="rawsocket", serializer=serializer)
    else:
        config.update(type="websocket", serializers=[serializer])
    if kind in ("wss", "rss"):
        host, port = url.split("://")[1].split("/")[0].rsplit(":", 1)
        config["endpoint"] = {"type": "tcp", "host": host, "port": int(port), "tls": tls.client}
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
    if "rs" in kind and serializer == "flatbuffers":
        pytest.skip("RawSocket routers do not serve FlatBuffers (as Crossbar.io)")

    async def main() -> None:
        server = await serve(router_config(tmp_path, tls))
        seen: dict[str, Any] = {}

        async def session_main(loop: Any, session: Any) -> None:
            events: asyncio.Queue[Any] = asyncio.Queue()
            await session.register(lambda a, b, c=0: [a + b + c, b"\x00\x01"], "com.sum")
            await session.subscribe(lambda *a, **kw: events.put_nowait((a, kw)), "com.topic")
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
            await wait(component.start())
        finally:
            await server.close()
        assert seen["call"] == [6, b"\x00\x01"]
        assert seen["event"] == (("x", b"\xffbytes"), {"key": {"nested": [1.5, None]}})
        assert seen["error"] == "wamp.error.no_such_procedure"
        details = seen["details"]
        framing = "rawsocket" if "rs" in kind else "websocket"
        assert details.channel_typeid.split("-")[1:] == [framing, serializer]
        assert details.is_secure is (kind in ("wss", "rss"))
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

        async def forbidden(loop: Any, session: Any) -> None:
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
        release = asyncio.Event()

        async def slow() -> str:
            await release.wait()
            return "late"

        async def session_main(loop: Any, session: Any) -> None:
            await session.register(slow, "com.slow")
            with pytest.raises(ApplicationError) as info:
                await session.call("com.slow", options=CallOptions(timeout=0.05))
            assert info.value.error in ("wamp.error.canceled", "wamp.error.timeout")
            release.set()
            # the router announced 16 MiB; pretend it announced 1000 octets
            session.transport._max_send = 1000
            with pytest.raises(PayloadExceededError):
                session.publish("com.big", "x" * 1024)
            assert session.publish("com.small", "x" * 10) is None

        transport = {"type": "rawsocket", "url": server.urls[0], "max_retries": 0}
        await wait(Component(transports=[transport], main=session_main).start())
        await server.close()

    run(main())
