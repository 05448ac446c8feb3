"""The processes of ``benchmarks/echo.py``: WebSocket echo servers and load-generating clients.

    python benchmarks/_echo_peers.py server NAME     prints READY {"port": P}, serves until killed
    python benchmarks/_echo_peers.py client NAME     prints READY {}, then answers requests

NAME is one of :data:`SERVERS` / :data:`CLIENTS`. Every implementation is used the way its
documentation shows, with its defaults, except: no automatic pings (a ping would disturb the
byte-counting client) and no permessage-deflate offered by clients.

A client request (one JSON line, see ``_procs.serve_requests``) is
``{"url", "size", "inflight", "warmup", "seconds", "server_pid", "text"}``: open a connection,
keep ``inflight`` messages of ``size`` bytes outstanding (each echo sends the next one), and
after ``warmup`` seconds measure for ``seconds``: the answer holds the echoes counted, the
wall time, this process's CPU time and the server's (its whole process tree, read from
``/proc``) over that window.
"""

from __future__ import annotations

import asyncio
import os
import struct
import sys
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _procs import cpu_now, serve_requests, tree_cpu, tree_pids

__all__ = ["CLIENTS", "FLOOR", "SERVERS", "TWISTED_FLOOR", "UVLOOP", "Driver"]

SERVERS = ("ours-asyncio", "ours-twisted", "autobahn-asyncio", "autobahn-twisted", "websockets")
CLIENTS = ("lean", *SERVERS)
FLOOR = "asyncio-floor"
"""Not a WebSocket server: the cost of asyncio and the socket calls alone (see _serve_floor)."""
TWISTED_FLOOR = "twisted-floor"
"""The same on Twisted's reactor (see _serve_twisted_floor)."""
UVLOOP = ("ours-asyncio+uvloop", "websockets+uvloop", "asyncio-floor+uvloop")
"""Asyncio servers again on uvloop's event loop (``echo.py --uvloop``)."""
_MODULES = {
    "ours-asyncio": "wamp_asyncio.websocket",
    "ours-twisted": "wamp_twisted.websocket",
    "autobahn-asyncio": "autobahn.asyncio.websocket",
    "autobahn-twisted": "autobahn.twisted.websocket",
}


def _module(name: str) -> Any:
    import importlib

    return importlib.import_module(_MODULES[name])


# ------------------------------------------------------------------------------ measuring

class Driver:
    """Keeps ``inflight`` messages outstanding and measures a window of echoes.

    The implementation sends ``inflight`` messages at once, then calls :meth:`echoed` for
    every echo and sends another message when it returns True. ``call_later(delay, fn)``
    is the loop's timer; ``finished()`` is called once the window is over and every
    outstanding echo came back.
    """

    def __init__(self, request: dict[str, Any], call_later: Callable[..., Any],
                 finished: Callable[[dict[str, Any]], None]) -> None:
        self.inflight = int(request["inflight"])
        self._window = (float(request["warmup"]), float(request["seconds"]))
        self._pids = tree_pids(int(request["server_pid"]))
        self._call_later, self._finished = call_later, finished
        self.count = 0
        self.sending = True
        self._outstanding = self.inflight
        self._start: tuple[float, ...] = ()
        self._result: dict[str, Any] = {}

    def begin(self) -> None:
        """Arm the measurement window (call right after the first ``inflight`` sends)."""
        warmup, seconds = self._window
        self._call_later(warmup, self._mark_start)
        self._call_later(warmup + seconds, self._mark_end)

    def _snapshot(self) -> tuple[float, ...]:
        return (time.perf_counter(), cpu_now(), tree_cpu(self._pids), float(self.count))

    def _mark_start(self) -> None:
        self._start = self._snapshot()

    def _mark_end(self) -> None:
        end = self._snapshot()
        wall, own, server, count = (b - a for a, b in zip(self._start, end, strict=True))
        self._result = {"count": int(count), "wall": wall, "client_cpu": own,
                        "server_cpu": server}
        self.sending = False

    def echoed(self) -> bool:
        """One echo arrived: True when the caller should send the next message."""
        self.count += 1
        if self.sending:
            return True
        self._outstanding -= 1
        if self._outstanding == 0:
            self._finished(self._result)
        return False


def _payload(request: dict[str, Any]) -> bytes:
    return b"x" * int(request["size"])


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 80


# ------------------------------------------------------------------------------ servers

def _serve_asyncio_autobahn_api(name: str, uvloop: bool = False) -> None:
    mod = _module(name)

    class Echo(mod.WebSocketServerProtocol):  # type: ignore[name-defined,misc]
        def onMessage(self, payload: bytes, isBinary: bool) -> None:
            self.sendMessage(payload, isBinary)

    async def main() -> None:
        factory = mod.WebSocketServerFactory()
        factory.protocol = Echo
        server = await asyncio.get_running_loop().create_server(factory, "127.0.0.1", 0)
        _ready_forever(server.sockets[0].getsockname()[1])
        await asyncio.Event().wait()

    _run(main(), uvloop)


def _serve_twisted_autobahn_api(name: str) -> None:
    from twisted.internet import reactor

    mod = _module(name)

    class Echo(mod.WebSocketServerProtocol):  # type: ignore[name-defined,misc]
        def onMessage(self, payload: bytes, isBinary: bool) -> None:
            self.sendMessage(payload, isBinary)

    factory = mod.WebSocketServerFactory()
    factory.protocol = Echo
    port = reactor.listenTCP(0, factory, interface="127.0.0.1")  # type: ignore[attr-defined]
    reactor.callWhenRunning(_ready_forever, port.getHost().port)  # type: ignore[attr-defined]
    reactor.run()  # type: ignore[attr-defined]


def _serve_websockets(uvloop: bool = False) -> None:
    from websockets.asyncio.server import serve

    async def echo(ws: Any) -> None:
        async for message in ws:
            await ws.send(message)

    async def main() -> None:
        async with serve(echo, "127.0.0.1", 0, ping_interval=None) as server:
            _ready_forever(next(iter(server.sockets)).getsockname()[1])
            await asyncio.Event().wait()

    _run(main(), uvloop)


def _ready_forever(port: int) -> None:
    """Print READY; exit when the parent closes our stdin (or kills us)."""
    print(f'READY {{"port": {port}}}', flush=True)

    def watch() -> None:
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


class _Floor:
    """Answers the upgrade request, then writes one precomputed echo frame for every masked
    frame's worth of bytes received, without looking at them: what an echo server costs
    with no WebSocket work at all, on asyncio (``asyncio-floor``) or Twisted
    (``twisted-floor``); it takes the message size from the first frame. On asyncio it
    reads 64 KiB per ``recv()``, as our asyncio protocols do (asyncio's default, 256 KiB,
    costs a fresh mapping of the buffer on every read; see benchmarks/README.md); Twisted
    reads 64 KiB anyway."""

    transport: Any

    def connection_made(self, transport: Any) -> None:
        if getattr(transport, "max_size", 0) > 65536:
            transport.max_size = 65536
        self.transport, self.head, self.pending = transport, b"", 0
        self.echo, self.length, self.upgraded = b"", 0, False

    def data_received(self, data: bytes) -> None:
        if not self.echo:
            self.head += data
            if not self.upgraded:
                if b"\r\n\r\n" not in self.head:
                    return
                self.upgraded = True
                self.head = self.head.partition(b"\r\n\r\n")[2]
                self.transport.write(
                    b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                    b"Connection: Upgrade\r\n"
                    b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
            first = self.head
            if len(first) < 10:
                return
            size = first[1] & 0x7F
            if size == 126:
                size = struct.unpack("!H", first[2:4])[0]
            elif size == 127:
                size = struct.unpack("!Q", first[2:10])[0]
            masked, echo_length = _frame(b"x" * size, first[0] == 0x81)
            self.length = len(masked)
            self.echo = masked[:1] + bytes([masked[1] & 0x7F]) + \
                masked[2:echo_length - size] + b"x" * size
            data = first
        self.pending += len(data)
        count, self.pending = divmod(self.pending, self.length)
        if count and len(self.echo) < 16384:
            self.transport.write(self.echo * count)
        else:  # large echoes: one write each, no copies
            for _ in range(count):
                self.transport.write(self.echo)


def _serve_floor(uvloop: bool) -> None:
    class Floor(_Floor, asyncio.Protocol):
        pass

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(Floor, "127.0.0.1", 0)
        _ready_forever(server.sockets[0].getsockname()[1])
        await asyncio.Event().wait()

    _run(main(), uvloop)


def _serve_twisted_floor() -> None:
    from twisted.internet import reactor
    from twisted.internet.protocol import Factory, Protocol

    class Floor(_Floor, Protocol):
        def connectionMade(self) -> None:
            self.connection_made(self.transport)
            self.transport.setTcpNoDelay(True)

        def dataReceived(self, data: bytes) -> None:
            self.data_received(data)

    port = reactor.listenTCP(0, Factory.forProtocol(Floor),  # type: ignore[attr-defined]
                             interface="127.0.0.1")
    reactor.callWhenRunning(_ready_forever, port.getHost().port)  # type: ignore[attr-defined]
    reactor.run()  # type: ignore[attr-defined]


def _run(main: Any, uvloop: bool) -> None:
    """``asyncio.run(main)``, on uvloop's event loop when asked (the ``+uvloop`` rows)."""
    if not uvloop:
        asyncio.run(main)
        return
    import uvloop as uv

    uv.run(main)


def serve(name: str) -> None:
    base, _, loop = name.partition("+")
    uvloop = loop == "uvloop"
    if base == FLOOR:
        _serve_floor(uvloop)
    elif base == TWISTED_FLOOR:
        _serve_twisted_floor()
    elif base == "websockets":
        _serve_websockets(uvloop)
    elif base.endswith("-twisted"):
        _serve_twisted_autobahn_api(base)
    else:
        _serve_asyncio_autobahn_api(base, uvloop)


# ------------------------------------------------------------------------------ clients

def _frame(payload: bytes, text: bool) -> tuple[bytes, int]:
    """A masked client frame of ``payload`` and the length of the server's (unmasked) echo."""
    n = len(payload)
    if n < 126:
        head, ext = bytes([0x80 | n]), b""
    elif n < 65536:
        head, ext = bytes([0x80 | 126]), struct.pack("!H", n)
    else:
        head, ext = bytes([0x80 | 127]), struct.pack("!Q", n)
    key = b"\x37\xfa\x21\x3d"
    masked = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    first = bytes([0x81 if text else 0x82])
    return first + head + ext + key + masked, 2 + len(ext) + n


class _LeanClient(asyncio.Protocol):
    """The neutral load generator: precomputed masked frames out, echo bytes counted in."""

    def __init__(self, host: str, request: dict[str, Any], done: asyncio.Future[Any]) -> None:
        self._frame, self._echo_len = _frame(_payload(request), bool(request["text"]))
        self._request, self._done, self._host = request, done, host
        self._head = b""
        self._opened = False
        self._pending = 0
        self.driver: Driver | None = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        transport.write(
            f"GET / HTTP/1.1\r\nHost: {self._host}\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n".encode())

    def data_received(self, data: bytes) -> None:
        if not self._opened:
            self._head += data
            if b"\r\n\r\n" not in self._head:
                return
            head, _, rest = self._head.partition(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 101"):
                self._done.set_exception(RuntimeError(f"handshake refused: {head[:80]!r}"))
                return
            self._opened = True
            loop = asyncio.get_running_loop()
            self.driver = Driver(self._request, loop.call_later, self._finish)
            self.transport.write(self._frame * self.driver.inflight)
            self.driver.begin()
            data = rest
        self._pending += len(data)
        echoes, self._pending = divmod(self._pending, self._echo_len)
        driver = self.driver
        sends = 0
        for _ in range(echoes):
            if driver is not None and driver.echoed():
                sends += 1
        if sends:
            self.transport.write(self._frame * sends)

    def _finish(self, result: dict[str, Any]) -> None:
        self.transport.close()
        if not self._done.done():
            self._done.set_result(result)


async def _lean(request: dict[str, Any]) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    done: asyncio.Future[Any] = loop.create_future()
    host, port = _host_port(request["url"])
    await loop.create_connection(lambda: _LeanClient(host, request, done), host, port)
    return await done


async def _autobahn_api_asyncio(name: str, request: dict[str, Any]) -> dict[str, Any]:
    mod = _module(name)
    loop = asyncio.get_running_loop()
    done: asyncio.Future[Any] = loop.create_future()
    payload, binary = _payload(request), not request["text"]

    class Client(mod.WebSocketClientProtocol):  # type: ignore[name-defined,misc]
        def onOpen(self) -> None:
            self.driver = Driver(request, loop.call_later, self.finish)
            for _ in range(self.driver.inflight):
                self.sendMessage(payload, binary)
            self.driver.begin()

        def onMessage(self, data: bytes, isBinary: bool) -> None:
            if self.driver.echoed():
                self.sendMessage(payload, binary)

        def finish(self, result: dict[str, Any]) -> None:
            self.sendClose(1000)
            if not done.done():
                done.set_result(result)

    factory = mod.WebSocketClientFactory(request["url"])
    factory.protocol = Client
    host, port = _host_port(request["url"])
    await loop.create_connection(factory, host, port)
    return await done


async def _websockets_client(request: dict[str, Any]) -> dict[str, Any]:
    from websockets.asyncio.client import connect

    loop = asyncio.get_running_loop()
    result: asyncio.Future[Any] = loop.create_future()
    message: str | bytes = _payload(request)
    if request["text"]:
        message = message.decode()
    async with connect(request["url"], compression=None, ping_interval=None,
                       max_size=None) as ws:
        driver = Driver(request, loop.call_later, result.set_result)
        for _ in range(driver.inflight):
            await ws.send(message)
        driver.begin()
        async for _ in ws:
            if driver.echoed():
                await ws.send(message)
            elif result.done():
                break
    return result.result()


def _twisted_measure(name: str, request: dict[str, Any]) -> Any:
    from twisted.internet import defer, reactor

    mod = _module(name)
    done: defer.Deferred[Any] = defer.Deferred()
    payload, binary = _payload(request), not request["text"]

    class Client(mod.WebSocketClientProtocol):  # type: ignore[name-defined,misc]
        def onOpen(self) -> None:
            self.driver = Driver(request, reactor.callLater,  # type: ignore[attr-defined]
                                 self.finish)
            for _ in range(self.driver.inflight):
                self.sendMessage(payload, binary)
            self.driver.begin()

        def onMessage(self, data: bytes, isBinary: bool) -> None:
            if self.driver.echoed():
                self.sendMessage(payload, binary)

        def finish(self, result: dict[str, Any]) -> None:
            self.sendClose(1000)
            if not done.called:
                done.callback(result)

    factory = mod.WebSocketClientFactory(request["url"])
    factory.protocol = Client
    mod.connectWS(factory)
    return done


def run_client(name: str) -> None:
    """Answer measurement requests with implementation ``name`` (see the module text)."""
    if name.endswith("-twisted"):
        from twisted.internet import reactor, threads

        _module(name)  # fail now (before READY) if it cannot be imported
        threading.Thread(target=reactor.run, kwargs={"installSignalHandlers": False},  # type: ignore[attr-defined]
                         daemon=True).start()
        serve_requests({}, lambda r: threads.blockingCallFromThread(
            reactor, _twisted_measure, name, r))
        return
    if name in _MODULES:
        _module(name)

    def measure(request: dict[str, Any]) -> Any:
        if name == "lean":
            coro = _lean(request)
        elif name == "websockets":
            coro = _websockets_client(request)
        else:
            coro = _autobahn_api_asyncio(name, request)
        return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout=600)

    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    serve_requests({}, measure)


if __name__ == "__main__":
    role, impl = sys.argv[1], sys.argv[2]
    if role == "server":
        serve(impl)
    else:
        run_client(impl)
