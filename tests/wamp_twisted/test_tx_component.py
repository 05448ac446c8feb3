"""Component.start() and run() on Twisted, as the seed page documents them: the four ways to
be done, reconnecting, stopping, failing, signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from typing import Any

import pytest
from twisted.internet.defer import Deferred
from twisted.internet.protocol import Factory, Protocol
from tx_helpers import listen, reactor, run, sleep, until, wait
from wamp_core._component_attempt import TransportsExhausted
from wamp_core.exception import ApplicationError
from wamp_core.types import PublishOptions
from wamp_twisted.component import Component
from wamp_twisted.router import serve


def fast_retries(url: str, **extra: Any) -> dict[str, Any]:
    return {"url": url, "max_retries": -1, "initial_retry_delay": 0.02,
            "max_retry_delay": 0.05, "retry_delay_jitter": 0.0, **extra}


def test_start_returns_a_deferred_done_when_main_finishes() -> None:
    async def main() -> None:
        server = await serve(ws=["127.0.0.1:0/ws"])
        left: list[str] = []

        async def session_main(r: Any, session: Any) -> str:
            assert r is reactor
            await session.register(lambda: "pong", "com.ping")
            assert await session.call("com.ping") == "pong"
            return "ignored"

        component = Component(transports=server.urls[0], main=session_main)
        component.on("leave", lambda session, details: left.append(details.reason))
        done = component.start()
        assert isinstance(done, Deferred)
        assert await wait(done) is None                 # 1: main finished
        assert left == ["wamp.close.normal"]
        await server.close()

    run(main())


def test_done_when_the_session_leaves_and_when_stopped() -> None:
    async def main() -> None:
        server = await serve(rawsocket=["127.0.0.1:0"])
        url = server.urls[0]
        leaving = Component(transports=[{"type": "rawsocket", "url": url}])
        leaving.on("join", lambda session, details: session.leave())
        assert await wait(leaving.start(reactor)) is None   # 2: leave() called, left

        joined: list[Any] = []
        staying = Component(transports=[{"type": "rawsocket", "url": url}])
        staying.on("join", lambda session, details: joined.append(session))
        done = staying.start(reactor)
        await until(lambda: len(joined) == 1)
        assert await wait(staying.stop()) is None
        assert await wait(done) is None                     # 3: stop() called
        assert not joined[0].is_attached()
        await server.close()

    run(main())


def test_fails_when_no_transport_can_connect() -> None:
    async def main() -> None:
        probe = await serve(ws=["127.0.0.1:0/ws"])
        url = probe.urls[0]
        await probe.close()  # nobody listens there now
        failures: list[BaseException] = []
        once = Component(transports=[{"url": url, "max_retries": 2,
                                      "initial_retry_delay": 0.01, "retry_delay_jitter": 0.0}])
        once.on("connectfailure", lambda comp, exc: failures.append(exc))
        with pytest.raises(TransportsExhausted) as info:    # 4: every attempt failed
            await wait(once.start())
        assert url in str(info.value)
        assert len(failures) == 3
        from twisted.internet.error import ConnectionRefusedError

        assert all(isinstance(exc, ConnectionRefusedError) for exc in failures)

    run(main())


def test_stop_while_retrying() -> None:
    async def main() -> None:
        probe = await serve(ws=["127.0.0.1:0/ws"])
        url = probe.urls[0]
        await probe.close()
        retrying = Component(transports=[fast_retries(url)])
        failures: list[BaseException] = []
        retrying.on("connectfailure", lambda comp, exc: failures.append(exc))
        done = retrying.start()
        await until(lambda: len(failures) >= 2)
        await wait(retrying.stop())
        assert await wait(done) is None

    run(main())


def test_reconnect_after_router_restart_restores_registrations_once() -> None:
    async def main() -> None:
        server = await serve(ws=["127.0.0.1:0/ws"])
        url = server.urls[0]
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        joins: list[int] = []
        calls: list[int] = []
        events: list[str] = []
        component = Component(transports=[fast_retries(url)], realm="realm1")

        @component.on_join
        async def joined(session: Any, details: Any) -> None:
            await session.register(lambda n: calls.append(n) or n * 2, "com.double")
            await session.subscribe(events.append, "com.news")
            joins.append(details.session)

        done = component.start()
        await until(lambda: len(joins) == 1)
        await server.close()                                    # the router goes away ...
        server = await serve(ws=[f"127.0.0.1:{port}/ws"])       # ... and comes back
        await until(lambda: len(joins) == 2)
        assert joins[0] != joins[1]

        async def use(r: Any, session: Any) -> None:
            assert await session.call("com.double", 21) == 42
            await session.publish("com.news", "n1", options=PublishOptions(acknowledge=True))

        await wait(Component(transports=[{"url": url, "max_retries": 0}], main=use).start())
        await until(lambda: events == ["n1"])
        assert calls == [21]                      # one handler: no duplicate registration
        assert len(server.router.realms["realm1"].sessions) == 1
        await wait(component.stop())
        assert await wait(done) is None
        await server.close()

    run(main())


class _Silent(Protocol):
    def dataReceived(self, data: bytes) -> None:
        pass  # reads, never answers


def test_connect_timeout_when_the_server_never_answers() -> None:
    async def main() -> None:
        listening, port = listen(Factory.forProtocol(_Silent))
        component = Component(transports=[{
            "url": f"ws://127.0.0.1:{port}/ws", "max_retries": 0,
            "endpoint": {"type": "tcp", "host": "127.0.0.1", "port": port, "timeout": 0.2}}])
        with pytest.raises(TransportsExhausted) as info:
            await wait(component.start())
        error = info.value.failures[0][2]
        assert isinstance(error, TimeoutError)
        assert "opening handshake" in str(error)
        await listening.stopListening()

    run(main())


def test_main_failure_and_application_errors() -> None:
    async def main() -> None:
        server = await serve(rawsocket=["127.0.0.1:0"])
        transport = {"type": "rawsocket", "url": server.urls[0]}

        async def broken(r: Any, session: Any) -> None:
            raise RuntimeError("boom")

        with pytest.raises(RuntimeError, match="boom"):
            await wait(Component(transports=[transport], main=broken).start())

        async def calls_missing(r: Any, session: Any) -> None:
            with pytest.raises(ApplicationError):
                await session.call("com.missing")

        await wait(Component(transports=[transport], main=calls_missing).start())
        await server.close()

    run(main())


def test_native_endpoint_and_tls_objects_are_accepted() -> None:
    from twisted.internet.endpoints import TCP4ClientEndpoint
    from twisted.internet.ssl import CertificateOptions, optionsForClientTLS

    async def main() -> None:
        server = await serve(ws=["127.0.0.1:0/ws"])
        url = server.urls[0]
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        seen: list[str] = []

        async def record(r: Any, session: Any) -> None:
            seen.append(session.transport.transport_details.peer)

        endpoint = TCP4ClientEndpoint(reactor, "127.0.0.1", port)
        await wait(Component(transports=[{"url": url, "endpoint": endpoint,
                                          "max_retries": 0}], main=record).start())
        assert seen == [f"tcp4:127.0.0.1:{port}"]
        await server.close()
        for tls in (CertificateOptions(), optionsForClientTLS("localhost")):
            Component(transports=[{"url": "wss://localhost:1/ws", "endpoint": {
                "type": "tcp", "host": "localhost", "port": 1, "tls": tls}}])
        with pytest.raises(ValueError, match="tls"):
            Component(transports=[{"url": "wss://localhost:1/ws", "endpoint": {
                "type": "tcp", "host": "localhost", "port": 1, "tls": object()}}])

    run(main())


RUN_SCRIPT = textwrap.dedent("""
    import sys
    from wamp_twisted.component import Component, run

    comp = Component(transports=[{"url": sys.argv[1]}], realm="realm1")
    mode = sys.argv[2]

    @comp.on_join
    def joined(session, details):
        print("joined", flush=True)
        if mode == "leave":
            session.leave()

    @comp.on_leave
    def left(session, details):
        print("left", details.reason, flush=True)

    run([comp], log_level="warn")
    print("run returned", flush=True)
""")


def _run_script(url: str, mode: str, signum: int | None = None) -> list[str]:
    proc = subprocess.Popen([sys.executable, "-c", RUN_SCRIPT, url, mode],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline().strip()]
        if signum is not None:
            proc.send_signal(signum)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    return [line for line in [*lines, *out.split("\n")] if line]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_run_leaves_cleanly_on_signals(signum: int) -> None:
    async def start() -> Any:
        return await serve(ws=["127.0.0.1:0/ws"])

    server = run(start())
    try:
        lines = _run_script(server.urls[0], "stay", signum)
    finally:
        run(server.close())
    assert lines == ["joined", "left wamp.close.normal", "run returned"]


def test_run_returns_when_every_component_is_done() -> None:
    async def start() -> Any:
        return await serve(ws=["127.0.0.1:0/ws"])

    server = run(start())
    try:
        lines = _run_script(server.urls[0], "leave")
    finally:
        run(server.close())
    assert lines == ["joined", "left wamp.close.normal", "run returned"]
    _ = sleep  # helpers used elsewhere
