"""Flow control: a peer that does not read, an application that is slow, RawSocket pings."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aio_helpers import run, serving, until, wait
from wamp_asyncio import router as router_module
from wamp_asyncio.component import Component
from wamp_asyncio.rawsocket import (
    RawSocketClientFactory,
    RawSocketClientProtocol,
    RawSocketServerFactory,
    RawSocketServerProtocol,
)
from wamp_asyncio.router import serve
from wamp_asyncio.websocket import (
    WebSocketClientFactory,
    WebSocketClientProtocol,
    WebSocketServerFactory,
    WebSocketServerProtocol,
)
from wamp_core._component_attempt import TransportsExhausted

CAP = 1 << 20
CHUNK = 64 * 1024


class Flood(WebSocketServerProtocol):
    """Sends 64 KiB every loop turn, ignoring backpressure (a careless application)."""

    maxWriteBufferSize = CAP

    def onOpen(self) -> None:
        self.factory.flood = self
        self.paused_seen = False
        self.max_buffered = 0
        self._tick()

    def pause_writing(self) -> None:
        self.paused_seen = True
        super().pause_writing()

    def _tick(self) -> None:
        if self.state != self.STATE_OPEN or self.transport is None:
            return
        self.sendMessage(b"x" * CHUNK, True)
        self.max_buffered = max(self.max_buffered, self.transport.get_write_buffer_size())
        self.factory.loop.call_soon(self._tick)

    def onClose(self, wasClean: bool, code: Any, reason: Any) -> None:
        self.factory.closed.set_result((wasClean, code))


class Deaf(WebSocketClientProtocol):
    """Stops reading as soon as the connection is open."""

    def onOpen(self) -> None:
        self.transport.pause_reading()


def test_a_peer_that_does_not_read_is_dropped_with_bounded_memory() -> None:
    async def main() -> None:
        server = WebSocketServerFactory()
        server.protocol = Flood
        server.closed = asyncio.get_running_loop().create_future()
        async with serving(server) as port:
            client = WebSocketClientFactory(f"ws://127.0.0.1:{port}/")
            client.protocol = Deaf
            await asyncio.get_running_loop().create_connection(client, "127.0.0.1", port)
            clean, code = await wait(server.closed)
            flood = server.flood
            assert flood.paused_seen                 # asyncio told us, and we paused reading
            assert (clean, code) == (False, 1006)     # then the connection was dropped
            assert flood.max_buffered <= CAP + 2 * CHUNK

    run(main())


def test_a_slow_application_pauses_reading_until_it_catches_up() -> None:
    release = asyncio.Event()

    class Slow(WebSocketServerProtocol):
        maxPendingCallbacks = 2

        def onOpen(self) -> None:
            self.factory.proto = self
            self.factory.got = []
            self.factory.paused = False

        async def onMessage(self, payload: bytes, isBinary: bool) -> None:
            if not self.transport.is_reading():
                self.factory.paused = True
            await release.wait()
            self.factory.got.append(payload)

    class Sender(WebSocketClientProtocol):
        def onOpen(self) -> None:
            for i in range(10):
                self.sendMessage(str(i).encode())

    async def main() -> None:
        server = WebSocketServerFactory()
        server.protocol = Slow
        async with serving(server) as port:
            client = WebSocketClientFactory(f"ws://127.0.0.1:{port}/")
            client.protocol = Sender
            await asyncio.get_running_loop().create_connection(client, "127.0.0.1", port)
            await until(lambda: hasattr(server, "proto") and len(server.proto._tasks) >= 3)
            assert not server.proto.transport.is_reading()
            release.set()
            await until(lambda: len(server.got) == 10)
            assert server.proto.transport.is_reading()
            assert sorted(server.got) == [str(i).encode() for i in range(10)]

    run(main())


def test_router_drops_a_subscriber_that_does_not_read(monkeypatch: Any) -> None:
    monkeypatch.setattr(router_module._WebSocketProtocol, "maxWriteBufferSize", CAP)

    async def main() -> None:
        server = await serve(ws=["127.0.0.1:0/ws"])
        url = server.urls[0]
        realm = server.router.realms["realm1"]
        deaf_ready = asyncio.get_running_loop().create_future()

        async def deaf(loop: Any, session: Any) -> None:
            await session.subscribe(lambda *a: None, "com.firehose")
            session.transport.transport.pause_reading()
            deaf_ready.set_result(session)
            await asyncio.sleep(30)

        listener = Component(transports=[{"url": url, "max_retries": 0}], main=deaf,
                             is_fatal=lambda exc: True)  # no new attempt after the drop
        listener_done = asyncio.ensure_future(listener.start())
        deaf_session = await wait(deaf_ready)

        async def publisher(loop: Any, session: Any) -> None:
            payload = "y" * CHUNK
            while len(realm.sessions) == 2:
                session.publish("com.firehose", payload)
                await asyncio.sleep(0)
            assert await session.call("wamp.session.count") == 1

        await wait(Component(transports=[{"url": url, "max_retries": 0}],
                             main=publisher).start(), 20)
        # the deaf client learns it was dropped once it reads again
        deaf_session.transport.transport.resume_reading()
        with pytest.raises(TransportsExhausted, match="transport closed"):
            await wait(listener_done)
        await server.close()

    run(main(), 30)


def test_rawsocket_ping_pong_and_options() -> None:
    class Pinger(RawSocketClientProtocol):
        def onOpen(self) -> None:
            self.sendPing(b"abcd")

        def onPong(self, payload: bytes) -> None:
            self.factory.pongs.append(payload)

    class Server(RawSocketServerProtocol):
        def onPing(self, payload: bytes) -> None:
            self.factory.pings.append(payload)

    async def main() -> None:
        server = RawSocketServerFactory([1])
        server.protocol = Server
        server.pings = []
        server.setProtocolOptions(maxMessagePayloadSize=4096, autoPingInterval=0.02,
                                  autoPingTimeout=2)
        async with serving(server) as port:
            client = RawSocketClientFactory(1)
            client.protocol = Pinger
            client.pongs = []
            _, proto = await asyncio.get_running_loop().create_connection(
                client, "127.0.0.1", port)
            await until(lambda: client.pongs == [b"abcd"] and server.pings == [b"abcd"])
            assert proto.peer_max_length == 4096
            # the server's automatic pings are answered by the client's engine
            await until(lambda: proto._engine is not None and proto.state == proto.STATE_OPEN)
            await asyncio.sleep(0.1)
            assert proto.state == proto.STATE_OPEN

    run(main())


def test_rawsocket_open_handshake_timeout() -> None:
    async def main() -> None:
        server = RawSocketServerFactory()
        server.setProtocolOptions(openHandshakeTimeout=0.05)
        async with serving(server) as port:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            assert await wait(reader.read()) == b""
            writer.close()

    run(main())


def test_a_rawsocket_callback_that_raises_drops_the_connection() -> None:
    class Buggy(RawSocketServerProtocol):
        def onMessage(self, payload: bytes) -> None:
            raise RuntimeError("bug in the application")

        def onClose(self, wasClean: bool, reason: str) -> None:
            self.factory.closed.set_result(wasClean)

    class Sender(RawSocketClientProtocol):
        def onOpen(self) -> None:
            self.sendMessage(b"hi")

    async def main() -> None:
        server = RawSocketServerFactory()
        server.protocol = Buggy
        server.closed = asyncio.get_running_loop().create_future()
        async with serving(server) as port:
            client = RawSocketClientFactory()
            client.protocol = Sender
            await asyncio.get_running_loop().create_connection(client, "127.0.0.1", port)
            await wait(server.closed)  # onClose still came, after the failed callback

    run(main())
