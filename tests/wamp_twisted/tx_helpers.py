"""Helpers for the wamp_twisted tests: the reactor, loopback servers, TLS by trustme, a proxy.

The global reactor runs in one background thread for the whole test session (it cannot be
restarted, and the asyncio tests keep the main thread). A test writes its body as a
coroutine and hands it to :func:`run`, which runs it in the reactor thread as a Deferred with
a timeout and returns its result (or raises its exception, with the Twisted traceback as a
note)::

    def test_echo() -> None:
        async def main() -> None:
            port = listen(factory)
            ...
        run(main())
"""

from __future__ import annotations

import atexit
import concurrent.futures
import contextlib
import threading
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any, TypeVar

from twisted.internet import reactor as _reactor
from twisted.internet.defer import Deferred, ensureDeferred
from twisted.internet.interfaces import IOpenSSLServerConnectionCreator
from twisted.internet.protocol import Factory, Protocol
from twisted.internet.task import deferLater
from twisted.python.failure import Failure
from zope.interface import implementer

T = TypeVar("T")

TIMEOUT = 15.0
reactor: Any = _reactor
_thread: threading.Thread | None = None
_lock = threading.Lock()


_errors: list[str] = []


def _observe(event: dict[str, Any]) -> None:
    """Twisted's own error reports (an exception in a reactor callback, an unhandled
    failure in a Deferred): the test that runs then fails."""
    if event.get("isError") or event.get("log_failure") is not None:
        from twisted.logger import formatEvent

        failure = event.get("log_failure")
        _errors.append(formatEvent(event) + ("\n" + failure.getTraceback() if failure else ""))


def _start_reactor() -> None:
    global _thread
    with _lock:
        if _thread is not None:
            return
        from twisted.logger import globalLogPublisher

        globalLogPublisher.addObserver(_observe)
        _thread = threading.Thread(target=reactor.run, kwargs={"installSignalHandlers": False},
                                   name="twisted-reactor", daemon=True)
        _thread.start()
        atexit.register(_stop_reactor)


def _stop_reactor() -> None:
    if _thread is not None and reactor.running:
        reactor.callFromThread(reactor.stop)
        _thread.join(5)


def run(coro: Coroutine[Any, Any, T], timeout: float = TIMEOUT) -> T:
    """Run ``coro`` in the reactor thread, failing after ``timeout`` seconds."""
    _start_reactor()
    outcome: concurrent.futures.Future[T] = concurrent.futures.Future()

    def failed(fail: Failure) -> None:
        exc = fail.value
        if hasattr(exc, "add_note"):
            exc.add_note(fail.getTraceback())
        outcome.set_exception(exc)

    def start() -> None:
        d = ensureDeferred(coro)
        d.addTimeout(timeout, reactor)
        d.addCallbacks(outcome.set_result, failed)

    del _errors[:]
    reactor.callFromThread(start)
    result = outcome.result(timeout + 5)
    if _errors:
        raise AssertionError("Twisted logged errors:\n" + "\n".join(_errors))
    return result


def call(fn: Callable[..., T], *args: Any, timeout: float = TIMEOUT) -> T:
    """Call ``fn(*args)`` in the reactor thread (a Deferred result is waited for)."""

    async def main() -> T:
        result = fn(*args)
        if isinstance(result, Deferred):
            result = await result
        return result  # type: ignore[no-any-return]

    return run(main(), timeout)


async def sleep(seconds: float) -> None:
    await deferLater(reactor, seconds, lambda: None)


async def wait(d: Deferred[T] | Coroutine[Any, Any, T], timeout: float = 5.0) -> T:
    """Wait for ``d`` at most ``timeout`` seconds."""
    deferred = ensureDeferred(d)
    deferred.addTimeout(timeout, reactor)
    return await deferred


async def until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll ``predicate`` until it is true (every wait has a timeout)."""
    deadline = reactor.seconds() + timeout
    while not predicate():
        if reactor.seconds() > deadline:
            raise TimeoutError("condition not reached in time")
        await sleep(0.005)


def listen(factory: Any, context: Any = None, interface: str = "127.0.0.1") -> tuple[Any, int]:
    """Listen on a free loopback port (TLS with ``context``); ``(port object, number)``."""
    if context is not None:
        port = reactor.listenSSL(0, factory, context, interface=interface)
    else:
        port = reactor.listenTCP(0, factory, interface=interface)
    return port, port.getHost().port


@contextlib.asynccontextmanager
async def serving(factory: Any, context: Any = None) -> AsyncIterator[int]:
    port, number = listen(factory, context)
    try:
        yield number
    finally:
        await port.stopListening()


class Tls:
    """A CA, server options for 127.0.0.1/localhost (and ::1) and client options trusting it."""

    def __init__(self) -> None:
        import trustme
        from twisted.internet import ssl

        self.ca = trustme.CA()
        self.cert = self.ca.issue_cert("127.0.0.1", "localhost", "::1")
        self.server = _ServerContext(self.cert)
        self.root = ssl.Certificate.loadPEM(self.ca.cert_pem.bytes())

    def client(self, hostname: str = "localhost") -> Any:
        from twisted.internet import ssl

        return ssl.optionsForClientTLS(hostname, trustRoot=self.root)

    def ca_file(self, folder: Any) -> str:
        path = f"{folder}/ca.pem"
        self.ca.cert_pem.write_to_path(path)
        return path


@implementer(IOpenSSLServerConnectionCreator)
class _ServerContext:
    """A server's TLS connections (cryptography objects: no pyOpenSSL deprecations)."""

    def __init__(self, cert: Any) -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives.serialization import load_pem_private_key
        from OpenSSL import SSL

        context = SSL.Context(SSL.TLS_SERVER_METHOD)
        chain = [x509.load_pem_x509_certificate(blob.bytes()) for blob in cert.cert_chain_pems]
        context.use_certificate(chain[0])
        for extra in chain[1:]:
            context.add_extra_chain_cert(extra)
        context.use_privatekey(load_pem_private_key(cert.private_key_pem.bytes(), None))
        self._context = context

    def serverConnectionForTLS(self, tls_protocol: Any) -> Any:
        from OpenSSL import SSL

        return SSL.Connection(self._context, None)


class _Tunnel(Protocol):
    """One side of a CONNECT tunnel: bytes go to ``peer``."""

    peer: Any = None

    def dataReceived(self, data: bytes) -> None:
        if self.peer is not None and self.peer.transport is not None:
            self.peer.transport.write(data)

    def connectionLost(self, reason: Any = None) -> None:
        if self.peer is not None and self.peer.transport is not None:
            self.peer.transport.loseConnection()


class _ProxyClient(_Tunnel):
    def __init__(self, proxy: ConnectProxy) -> None:
        self.proxy = proxy
        self.head = b""

    def dataReceived(self, data: bytes) -> None:
        if self.peer is not None:
            super().dataReceived(data)
            return
        self.head += data
        if b"\r\n\r\n" not in self.head:
            return
        head, rest = self.head.split(b"\r\n\r\n", 1)
        method, target, _ = head.split(b"\r\n", 1)[0].decode().split(" ", 2)
        if method != "CONNECT":
            self.transport.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            self.transport.loseConnection()
            return
        host, port = target.rsplit(":", 1)
        upstream = _Tunnel()
        upstream.peer = self
        self.peer = upstream

        def up(_: Any) -> None:
            self.proxy.tunnels.append(target)
            self.transport.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            if rest:
                upstream.transport.write(rest)

        def down(_: Any) -> None:
            self.transport.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            self.transport.loseConnection()

        from twisted.internet.endpoints import HostnameEndpoint, connectProtocol

        endpoint = HostnameEndpoint(reactor, host.strip("[]"), int(port))
        connectProtocol(endpoint, upstream).addCallbacks(up, down)


class ConnectProxy:
    """A minimal HTTP CONNECT proxy on 127.0.0.1 (counts the tunnels it made)."""

    def __init__(self) -> None:
        self.tunnels: list[str] = []
        self.listening: Any = None
        self.port = 0

    def start(self) -> ConnectProxy:
        self.listening, self.port = listen(Factory.forProtocol(lambda: _ProxyClient(self)))
        return self

    async def close(self) -> None:
        if self.listening is not None:
            await self.listening.stopListening()
