"""Authentication over real transports (cryptosign bound to ``tls-unique``, ticket), WAMP
through an HTTP CONNECT proxy, and WebSocket inside a twisted.web site."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from twisted.internet.defer import Deferred
from twisted.internet.protocol import Protocol
from twisted.web.resource import Resource
from tx_helpers import ConnectProxy, Tls, listen, run, wait
from wamp_core._component_attempt import TransportsExhausted
from wamp_twisted.component import Component
from wamp_twisted.router import serve

pytest.importorskip("cryptography")


def cert_files(tmp: Path, tls: Tls) -> dict[str, str]:
    key, cert = tmp / "key.pem", tmp / "cert.pem"
    tls.cert.private_key_pem.write_to_path(str(key))
    tls.cert.cert_chain_pems[0].write_to_path(str(cert))
    return {"key": str(key), "certificate": str(cert)}


def auth_router(tmp: Path, tls: Tls, pubkey: str) -> dict[str, Any]:
    auth = {
        "cryptosign": {"type": "static", "principals": {
            "alice": {"realm": "realm1", "role": "user", "authorized_keys": [pubkey]}}},
        "ticket": {"type": "static", "principals": {
            "bob": {"ticket": "secret!", "role": "user"}}},
    }
    allow = {"call": True, "register": True, "publish": True, "subscribe": True}
    return {"type": "router",
            "realms": [{"name": "realm1", "roles": [{"name": "user", "permissions": [
                {"uri": "", "match": "prefix", "allow": allow}]}]}],
            "transports": [
                {"type": "websocket", "auth": auth,
                 "endpoint": {"type": "tcp", "port": 0, "interface": "127.0.0.1",
                              "tls": cert_files(tmp, tls)}},
                {"type": "rawsocket", "auth": auth,
                 "endpoint": {"type": "tcp", "port": 0, "interface": "127.0.0.1"}},
            ]}


def test_cryptosign_with_tls_unique_channel_binding_and_ticket(tmp_path: Path) -> None:
    from wamp_core.cryptosign import CryptosignKey

    seed = os.urandom(32)
    key = CryptosignKey.from_seed(seed)
    tls = Tls()
    cryptosign = {"cryptosign": {"authid": "alice", "privkey": seed.hex(),
                                 "authextra": {"channel_binding": "tls-unique"}}}

    async def main() -> None:
        server = await serve(auth_router(tmp_path, tls, str(key.public_key())))
        wss, rs = server.urls
        port = int(wss.split(":")[2].split("/")[0])
        seen: list[Any] = []

        async def record(r: Any, session: Any) -> None:
            seen.append((session.authid, session.authmethod,
                         session.transport.transport_details.is_secure))

        ca = tls.ca_file(tmp_path)
        for tls_option in (tls.client("127.0.0.1"), {"trust_root": ca}):
            bound = Component(
                transports=[{"url": wss, "max_retries": 0,
                             "endpoint": {"type": "tcp", "host": "127.0.0.1", "port": port,
                                          "tls": tls_option}}],
                authentication=cryptosign, main=record)
            await wait(bound.start())
        assert seen == [("alice", "cryptosign", True)] * 2

        # channel binding needs TLS: over plain RawSocket the router refuses
        unbound = Component(transports=[{"type": "rawsocket", "url": rs, "max_retries": 0}],
                            authentication=cryptosign, main=record)
        with pytest.raises((TransportsExhausted, RuntimeError)):
            await wait(unbound.start())

        ticket = Component(transports=[{"type": "rawsocket", "url": rs, "max_retries": 0}],
                           authentication={"ticket": {"authid": "bob", "ticket": "secret!"}},
                           main=record)
        await wait(ticket.start())
        assert seen[-1] == ("bob", "ticket", False)
        await server.close()

    run(main())


def test_an_untrusted_certificate_fails_the_attempt(tmp_path: Path) -> None:
    tls = Tls()

    async def main() -> None:
        server = await serve({"type": "router", "transports": [
            {"type": "websocket", "endpoint": {"type": "tcp", "port": 0,
                                               "interface": "127.0.0.1",
                                               "tls": cert_files(tmp_path, tls)}}],
            "realms": [{"name": "realm1", "roles": [{"name": "anonymous", "permissions": []}]}]})
        component = Component(transports=[{"url": server.urls[0], "max_retries": 0}])
        with pytest.raises(TransportsExhausted) as info:  # True: the platform's trust roots
            await wait(component.start())
        assert component._is_ssl_error(info.value.failures[0][2]) or "certificate" in str(
            info.value).lower()
        await server.close()

    run(main())


@pytest.mark.parametrize("secure", [False, True])
def test_wamp_through_a_connect_proxy(secure: bool, tmp_path: Path) -> None:
    tls = Tls()

    async def main() -> None:
        endpoint: dict[str, Any] = {"type": "tcp", "port": 0, "interface": "127.0.0.1"}
        if secure:
            endpoint["tls"] = cert_files(tmp_path, tls)
        server = await serve({"type": "router", "transports": [
            {"type": "websocket", "endpoint": endpoint}],
            "realms": [{"name": "realm1", "roles": [{"name": "anonymous", "permissions": [
                {"uri": "", "match": "prefix", "allow": {"call": True, "register": True}}]}]}]})
        url = server.urls[0].replace("127.0.0.1", "localhost")
        proxy = ConnectProxy().start()
        answers: list[Any] = []

        async def call(r: Any, session: Any) -> None:
            await session.register(lambda: "via proxy", "com.where")
            answers.append(await session.call("com.where"))
            details = session.transport.transport_details
            answers.append(details.is_secure)
            if secure:
                answers.append(len(details.channel_id["tls-unique"]))

        transport: dict[str, Any] = {"url": url, "max_retries": 0,
                                     "proxy": {"host": "127.0.0.1", "port": proxy.port}}
        if secure:
            port = int(url.split(":")[2].split("/")[0])
            transport["endpoint"] = {"type": "tcp", "host": "localhost", "port": port,
                                     "tls": tls.client("localhost")}
        await wait(Component(transports=[transport], main=call).start())
        assert answers == (["via proxy", True, 32] if secure else ["via proxy", False])
        assert proxy.tunnels == [url.split("://")[1].split("/")[0]]
        await proxy.close()
        await server.close()

    run(main())


class _Hello(Resource):
    isLeaf = True

    def render_GET(self, request: Any) -> bytes:
        return b"plain http"


class _Http(Protocol):
    def __init__(self) -> None:
        self.data = b""
        self.done: Deferred[None] = Deferred()

    def dataReceived(self, data: bytes) -> None:
        self.data += data

    def connectionLost(self, reason: Any = None) -> None:
        self.done.callback(None)


@pytest.mark.parametrize("secure", [False, True])
def test_websocket_resource_in_a_web_site(secure: bool) -> None:
    from twisted.web.resource import Resource
    from twisted.web.server import Site
    from wamp_core.router import Router
    from wamp_twisted.websocket import WampWebSocketServerFactory, WebSocketResource

    tls = Tls()

    async def main() -> None:
        router = Router()
        root = Resource()
        root.putChild(b"hello", _Hello())
        root.putChild(b"ws", WebSocketResource(WampWebSocketServerFactory(
            router.session_factory())))
        listening, port = listen(Site(root), tls.server if secure else None)
        scheme = "wss" if secure else "ws"
        transport: dict[str, Any] = {"url": f"{scheme}://127.0.0.1:{port}/ws",
                                     "max_retries": 0}
        if secure:
            transport["endpoint"] = {"type": "tcp", "host": "127.0.0.1", "port": port,
                                     "tls": tls.client("127.0.0.1")}
        seen: list[Any] = []

        async def main(r: Any, session: Any) -> None:
            await session.register(lambda x: x * 2, "com.twice")
            seen.append(await session.call("com.twice", 21))
            details = session.transport.transport_details
            seen.append(details.is_secure)
            seen.append(len((details.channel_id or {}).get("tls-unique", b"")))

        await wait(Component(transports=[transport], main=main).start())
        assert seen == [42, secure, 32 if secure else 0]
        if not secure:  # the site still serves plain HTTP next to the WebSocket endpoint
            from twisted.internet.protocol import ClientCreator
            from tx_helpers import reactor

            client = await ClientCreator(reactor, _Http).connectTCP("127.0.0.1", port)
            client.transport.write(b"GET /hello HTTP/1.0\r\nHost: x\r\n\r\n")
            await wait(client.done)
            assert client.data.endswith(b"\r\n\r\nplain http")
        await listening.stopListening()

    run(main())


def test_wsgi_root_resource_with_a_websocket_child() -> None:
    from twisted.web.server import Site
    from twisted.web.wsgi import WSGIResource
    from tx_helpers import reactor
    from wamp_core.router import Router
    from wamp_twisted.websocket import (
        WampWebSocketServerFactory,
        WebSocketResource,
        WSGIRootResource,
    )

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [f"wsgi {environ['PATH_INFO']}".encode()]

    async def main() -> None:
        ws = WebSocketResource(WampWebSocketServerFactory(Router().session_factory()))
        root = WSGIRootResource(WSGIResource(reactor, reactor.getThreadPool(), app),
                                {b"ws": ws})
        listening, port = listen(Site(root))
        seen: list[Any] = []

        async def main(r: Any, session: Any) -> None:
            seen.append(await session.call("wamp.session.count"))

        await wait(Component(transports=[{"url": f"ws://127.0.0.1:{port}/ws",
                                          "max_retries": 0}], main=main).start())
        assert seen == [1]
        from twisted.internet.protocol import ClientCreator

        client = await ClientCreator(reactor, _Http).connectTCP("127.0.0.1", port)
        client.transport.write(b"GET /some/page HTTP/1.0\r\nHost: x\r\n\r\n")
        await wait(client.done)
        assert client.data.endswith(b"\r\n\r\nwsgi /some/page")
        await listening.stopListening()

    run(main())
