"""Flow control with Twisted producers: a peer that does not read, an application that is
slow, a deaf subscriber of the router, an application producer; RawSocket pings."""

from __future__ import annotations

from typing import Any

import pytest
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IPushProducer
from twisted.internet.protocol import ClientCreator, Protocol
from tx_helpers import listen, reactor, run, serving, sleep, until, wait
from wamp_core._component_attempt import TransportsExhausted
from wamp_twisted import router as router_module
from wamp_twisted.component import Component
from wamp_twisted.rawsocket import (
    RawSocketClientFactory,
    RawSocketClientProtocol,
    RawSocketServerFactory,
    RawSocketServerProtocol,
)
from wamp_twisted.router import serve
from wamp_twisted.websocket import (
    WebSocketClientFactory,
    WebSocketClientProtocol,
    WebSocketServerFactory,
    WebSocketServerProtocol,
)
from zope.interface import implementer

CAP = 1 << 20
CHUNK = 64 * 1024


def buffered(transport: Any) -> int:
    """Bytes a Twisted TCP transport holds for its peer."""
    return len(transport.dataBuffer) - transport.offset + transport._tempDataLen


def reading(transport: Any) -> bool:
    return transport in reactor.getReaders()


class Flood(WebSocketServerProtocol):
    """Sends 64 KiB every reactor turn, ignoring backpressure (a careless application)."""

    maxWriteBufferSize = CAP

    def onOpen(self) -> None:
        self.factory.flood = self
        self.paused_seen = False
        self.max_buffered = 0
        self._tick()

    def pauseProducing(self) -> None:
        self.paused_seen = True
        super().pauseProducing()

    def _tick(self) -> None:
        if self.state != self.STATE_OPEN or self.transport is None:
            return
        self.sendMessage(b"x" * CHUNK, True)
        self.max_buffered = max(self.max_buffered, buffered(self.transport))
        reactor.callLater(0, self._tick)

    def onClose(self, wasClean: bool, code: Any, reason: Any) -> None:
        self.factory.closed.callback((wasClean, code))


class Deaf(WebSocketClientProtocol):
    """Stops reading as soon as the connection is open."""

    def onOpen(self) -> None:
        self.transport.pauseProducing()


def connect(factory: Any, port: int) -> Deferred[Any]:
    from twisted.internet.endpoints import TCP4ClientEndpoint

    return TCP4ClientEndpoint(reactor, "127.0.0.1", port, 5).connect(factory)


def test_a_peer_that_does_not_read_is_dropped_with_bounded_memory() -> None:
    async def main() -> None:
        server = WebSocketServerFactory()
        server.protocol = Flood
        server.closed = Deferred()
        async with serving(server) as port:
            client = WebSocketClientFactory(f"ws://127.0.0.1:{port}/")
            client.protocol = Deaf
            await wait(connect(client, port))
            clean, code = await wait(server.closed, 20)
            flood = server.flood
            assert flood.paused_seen                 # the transport said "full", we paused
            assert (clean, code) == (False, 1006)     # then the connection was dropped
            assert flood.max_buffered <= CAP + 2 * CHUNK + 2**16

    run(main(), 30)


def test_a_slow_application_pauses_reading_until_it_catches_up() -> None:
    release: Deferred[None] = Deferred()

    class Slow(WebSocketServerProtocol):
        maxPendingCallbacks = 2

        def onOpen(self) -> None:
            self.factory.proto = self
            self.factory.got = []

        async def onMessage(self, payload: bytes, isBinary: bool) -> None:
            await release_copy()
            self.factory.got.append(payload)

    waiters: list[Deferred[None]] = []

    def release_copy() -> Deferred[None]:
        d: Deferred[None] = Deferred()
        if release.called:
            d.callback(None)
        else:
            waiters.append(d)
        return d

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
            await wait(connect(client, port))
            await until(lambda: hasattr(server, "proto") and server.proto._pending >= 3)
            assert not reading(server.proto.transport)
            release.callback(None)
            for d in waiters:
                d.callback(None)
            await until(lambda: len(server.got) == 10)
            assert reading(server.proto.transport)
            assert sorted(server.got) == [str(i).encode() for i in range(10)]

    run(main())


@implementer(IPushProducer)
class Ticker:
    """An application producer: paused and resumed with the transport's buffer."""

    def __init__(self) -> None:
        self.events: list[str] = []

    def pauseProducing(self) -> None:
        self.events.append("pause")

    def resumeProducing(self) -> None:
        self.events.append("resume")

    def stopProducing(self) -> None:
        self.events.append("stop")


def test_an_application_producer_follows_the_transport_buffer() -> None:
    ticker = Ticker()

    class Producing(WebSocketServerProtocol):
        def onOpen(self) -> None:
            self.registerProducer(ticker, True)
            self.sendMessage(b"y" * (4 * CHUNK), True)  # more than the transport buffers

    class Reader(WebSocketClientProtocol):
        def onMessage(self, payload: bytes, isBinary: bool) -> None:
            self.factory.got = len(payload)

    async def main() -> None:
        server = WebSocketServerFactory()
        server.protocol = Producing
        async with serving(server) as port:
            client = WebSocketClientFactory(f"ws://127.0.0.1:{port}/")
            client.protocol = Reader
            client.got = 0
            proto = await wait(connect(client, port))
            await until(lambda: client.got == 4 * CHUNK)
            await until(lambda: ticker.events[:2] == ["pause", "resume"])
            proto.dropConnection()
            await until(lambda: ticker.events[-1] == "stop")

    run(main())


def test_router_drops_a_subscriber_that_does_not_read(monkeypatch: Any) -> None:
    monkeypatch.setattr(router_module._WebSocketProtocol, "maxWriteBufferSize", CAP)

    async def main() -> None:
        server = await serve(ws=["127.0.0.1:0/ws"])
        url = server.urls[0]
        realm = server.router.realms["realm1"]
        deaf_ready: Deferred[Any] = Deferred()

        async def deaf(r: Any, session: Any) -> None:
            await session.subscribe(lambda *a: None, "com.firehose")
            session.transport.transport.pauseProducing()
            deaf_ready.callback(session)
            await sleep(30)

        listener = Component(transports=[{"url": url, "max_retries": 0}], main=deaf,
                             is_fatal=lambda exc: True)  # no new attempt after the drop
        listener_done = listener.start()
        deaf_session = await wait(deaf_ready)

        async def publisher(r: Any, session: Any) -> None:
            payload = "y" * CHUNK
            while len(realm.sessions) == 2:
                session.publish("com.firehose", payload)
                await sleep(0)
            assert await session.call("wamp.session.count") == 1

        await wait(Component(transports=[{"url": url, "max_retries": 0}],
                             main=publisher).start(), 20)
        deaf_session.transport.transport.resumeProducing()  # it learns it was dropped
        with pytest.raises(TransportsExhausted, match="transport closed"):
            await wait(listener_done)
        await server.close()

    run(main(), 40)


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
            proto = await wait(connect(client, port))
            await until(lambda: client.pongs == [b"abcd"] and server.pings == [b"abcd"])
            assert proto.peer_max_length == 4096
            await sleep(0.1)  # the server's automatic pings are answered by the client
            assert proto.state == proto.STATE_OPEN

    run(main())


class _Recorder(Protocol):
    def __init__(self) -> None:
        self.data = b""
        self.lost: Deferred[None] = Deferred()

    def dataReceived(self, data: bytes) -> None:
        self.data += data

    def connectionLost(self, reason: Any = None) -> None:
        self.lost.callback(None)


def test_rawsocket_open_handshake_timeout() -> None:
    async def main() -> None:
        server = RawSocketServerFactory()
        server.setProtocolOptions(openHandshakeTimeout=0.05)
        listening, port = listen(server)
        silent = await ClientCreator(reactor, _Recorder).connectTCP("127.0.0.1", port)
        await wait(silent.lost)
        assert silent.data == b""
        await listening.stopListening()

    run(main())
