"""Authentication over real transports (cryptosign bound to ``tls-unique``, ticket) and
WAMP through an HTTP CONNECT proxy."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from aio_helpers import ConnectProxy, Tls, run, wait
from wamp_asyncio.component import Component
from wamp_asyncio.router import serve
from wamp_core._component_attempt import TransportsExhausted

pytest.importorskip("cryptography")


def auth_router(tmp: Path, tls: Tls, pubkey: str) -> dict[str, Any]:
    key, cert = tmp / "key.pem", tmp / "cert.pem"
    tls.cert.private_key_pem.write_to_path(str(key))
    tls.cert.cert_chain_pems[0].write_to_path(str(cert))
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
                              "tls": {"key": str(key), "certificate": str(cert)}}},
                {"type": "rawsocket", "auth": auth,
                 "endpoint": {"type": "tcp", "port": 0, "interface": "127.0.0.1"}},
            ]}


def test_cryptosign_with_tls_unique_channel_binding_and_ticket(tmp_path: Path) -> None:
    from wamp_core.cryptosign import CryptosignKey

    seed = os.urandom(32)
    key = CryptosignKey.from_seed(seed)
    tls = Tls()

    async def main() -> None:
        server = await serve(auth_router(tmp_path, tls, str(key.public_key())))
        wss, rs = server.urls
        port = int(wss.split(":")[2].split("/")[0])
        seen: list[Any] = []

        async def record(loop: Any, session: Any) -> None:
            seen.append((session.authid, session.authmethod,
                         session.transport.transport_details.is_secure))

        bound = Component(
            transports=[{"url": wss, "max_retries": 0,
                         "endpoint": {"type": "tcp", "host": "127.0.0.1", "port": port,
                                      "tls": tls.client}}],
            authentication={"cryptosign": {"authid": "alice", "privkey": seed.hex(),
                                           "authextra": {"channel_binding": "tls-unique"}}},
            main=record)
        await wait(bound.start())
        assert seen == [("alice", "cryptosign", True)]

        # channel binding needs TLS: over plain RawSocket the router refuses
        unbound = Component(
            transports=[{"type": "rawsocket", "url": rs, "max_retries": 0}],
            authentication={"cryptosign": {"authid": "alice", "privkey": seed.hex(),
                                           "authextra": {"channel_binding": "tls-unique"}}},
            main=record)
        with pytest.raises((TransportsExhausted, RuntimeError)):
            await wait(unbound.start())

        ticket = Component(transports=[{"type": "rawsocket", "url": rs, "max_retries": 0}],
                           authentication={"ticket": {"authid": "bob", "ticket": "secret!"}},
                           main=record)
        await wait(ticket.start())
        assert seen[-1] == ("bob", "ticket", False)
        await server.close()

    run(main())


@pytest.mark.parametrize("secure", [False, True])
def test_wamp_through_a_connect_proxy(secure: bool, tmp_path: Path) -> None:
    tls = Tls()

    async def main() -> None:
        key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
        tls.cert.private_key_pem.write_to_path(str(key))
        tls.cert.cert_chain_pems[0].write_to_path(str(cert))
        endpoint: dict[str, Any] = {"type": "tcp", "port": 0, "interface": "127.0.0.1"}
        if secure:
            endpoint["tls"] = {"key": str(key), "certificate": str(cert)}
        server = await serve({"type": "router", "transports": [
            {"type": "websocket", "endpoint": endpoint}],
            "realms": [{"name": "realm1", "roles": [{"name": "anonymous", "permissions": [
                {"uri": "", "match": "prefix", "allow": {"call": True, "register": True}}]}]}]})
        url = server.urls[0].replace("127.0.0.1", "localhost")
        proxy = await ConnectProxy().start()
        answers: list[Any] = []

        async def call(loop: Any, session: Any) -> None:
            await session.register(lambda: "via proxy", "com.where")
            answers.append(await session.call("com.where"))
            answers.append(session.transport.transport_details.is_secure)

        transport: dict[str, Any] = {"url": url, "max_retries": 0,
                                     "proxy": {"host": "127.0.0.1", "port": proxy.port}}
        if secure:
            port = int(url.split(":")[2].split("/")[0])
            transport["endpoint"] = {"type": "tcp", "host": "localhost", "port": port,
                                     "tls": tls.client}
        await wait(Component(transports=[transport], main=call).start())
        assert answers == ["via proxy", secure]
        assert proxy.tunnels == [url.split("://")[1].split("/")[0]]
        await proxy.close()
        await server.close()

    run(main())
