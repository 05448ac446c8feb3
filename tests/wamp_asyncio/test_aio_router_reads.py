"""The asyncio router's served connections read at most 64 KiB per recv() (asyncio's default
of 256 KiB costs a fresh memory mapping per read) and still take larger messages whole."""

from __future__ import annotations

from typing import Any

from aio_helpers import StubTransport, run, wait
from wamp_asyncio.component import Component
from wamp_asyncio.router import RouterServer, serve
from wamp_core.router import Router
from wamp_core.transport.serving import plan, router_config


def test_served_connections_read_64_kib_at_a_time_and_route_larger_messages() -> None:
    async def main() -> None:
        server = await serve(rawsocket=["127.0.0.1:0"], ws=["127.0.0.1:0/ws"])
        big = "x" * 300_000  # several reads per message

        async def session_main(loop: Any, session: Any) -> None:
            await session.register(lambda s: s[::-1] + "!", "com.echo")
            assert await session.call("com.echo", big) == big + "!"
            reads = {getattr(p.transport, "max_size", None) for p in server._connections}
            assert reads == {65536}

        for url in server.urls:
            kind = "rawsocket" if url.startswith("rs") else "websocket"
            transport = {"type": kind, "url": url, "max_retries": 0}
            await wait(Component(transports=[transport], main=session_main).start())
        await server.close()

    run(main())


def test_a_transport_without_max_size_is_left_alone() -> None:
    async def main() -> None:
        config = router_config(rawsocket=["127.0.0.1:0"])
        server = RouterServer(Router(config))
        proto = server._factory(plan(config)[0])()
        transport = StubTransport()
        proto.connection_made(transport)
        assert not hasattr(transport, "max_size") and proto in server._connections
        proto.connection_lost(None)
        assert proto not in server._connections

    run(main())
