"""Helpers for the wamp_asyncio tests: loopback servers, TLS made by trustme, a CONNECT proxy."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")

TIMEOUT = 10.0


def run(coro: Awaitable[T], timeout: float = TIMEOUT) -> T:
    """Run ``coro`` in a new loop, failing after ``timeout`` seconds."""

    async def main() -> T:
        return await asyncio.wait_for(coro, timeout)

    return asyncio.run(main())


async def wait(awaitable: Awaitable[T], timeout: float = 5.0) -> T:
    return await asyncio.wait_for(asyncio.ensure_future(awaitable), timeout)


async def listen(factory: Callable[[], Any], ssl_context: ssl.SSLContext | None = None
                 ) -> tuple[asyncio.AbstractServer, int]:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(factory, "127.0.0.1", 0, ssl=ssl_context)
    return server, server.sockets[0].getsockname()[1]


async def until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll ``predicate`` until it is true (every wait has a timeout)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise TimeoutError("condition not reached in time")
        await asyncio.sleep(0.005)


class Tls:
    """A CA, a server context for 127.0.0.1/localhost and a client context trusting it."""

    def __init__(self) -> None:
        import trustme

        self.ca = trustme.CA()
        cert = self.ca.issue_cert("127.0.0.1", "localhost")
        self.server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(self.server)
        self.client = ssl.create_default_context()
        self.ca.configure_trust(self.client)
        self.cert = cert


class ConnectProxy:
    """A minimal HTTP CONNECT proxy on 127.0.0.1 (counts the tunnels it made)."""

    def __init__(self) -> None:
        self.tunnels: list[str] = []
        self.server: asyncio.AbstractServer | None = None
        self.port = 0

    async def start(self) -> ConnectProxy:
        self.server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        method, target, _ = head.split(b"\r\n", 1)[0].decode().split(" ", 2)
        if method != "CONNECT":
            writer.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            writer.close()
            return
        host, port = target.rsplit(":", 1)
        try:
            up_reader, up_writer = await asyncio.open_connection(host, int(port))
        except OSError:
            writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            writer.close()
            return
        self.tunnels.append(target)
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


@contextlib.asynccontextmanager
async def serving(factory: Callable[[], Any], ssl_context: ssl.SSLContext | None = None
                  ) -> AsyncIterator[int]:
    server, port = await listen(factory, ssl_context)
    try:
        yield port
    finally:
        server.close()


class StubTransport(asyncio.Transport):
    """A transport for a protocol driven by hand: no peer, no ``max_size`` (as TLS
    transports and uvloop's have none), writes dropped."""

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return default

    def is_closing(self) -> bool:
        return False

    def write(self, data: Any) -> None:
        pass


class RecordingTransport(asyncio.Transport):
    """A transport for a protocol driven by hand that records its writes and the
    pause (False) and resume (True) of reading."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.reading: list[bool] = []

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 5000), "sockname": ("127.0.0.1", 9000)}.get(
            name, default)

    def write(self, data: Any) -> None:
        self.writes.append(bytes(data))

    def get_write_buffer_size(self) -> int:
        return 0

    def pause_reading(self) -> None:
        self.reading.append(False)

    def resume_reading(self) -> None:
        self.reading.append(True)

    def close(self) -> None:
        pass
