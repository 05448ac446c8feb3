"""Component and run() on asyncio: reconnecting, stopping, failing, signals, loops."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import warnings
from typing import Any

import pytest
from aio_helpers import run, until, wait
from wamp_asyncio.component import Component
from wamp_asyncio.router import serve
from wamp_core._component_attempt import TransportsExhausted
from wamp_core.exception import ApplicationError


def fast_retries(url: str, **extra: Any) -> dict[str, Any]:
    return {"url": url, "max_retries": -1, "initial_retry_delay": 0.02,
            "max_retry_delay": 0.05, "retry_delay_jitter": 0.0, **extra}


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
        await server.close()                                   # the router goes away ...
        server = await serve(ws=[f"127.0.0.1:{port}/ws"])      # ... and comes back
        await until(lambda: len(joins) == 2)
        assert joins[0] != joins[1]

        async def use(loop: Any, session: Any) -> None:
            assert await session.call("com.double", 21) == 42
            from wamp_core.types import PublishOptions

            await session.publish("com.news", "n1", options=PublishOptions(acknowledge=True))

        await wait(Component(transports=[{"url": url, "max_retries": 0}], main=use).start())
        await until(lambda: events == ["n1"])
        assert calls == [21]                     # one handler: no duplicate registration
        realm = server.router.realms["realm1"]
        assert len(realm.sessions) == 1
        await wait(component.stop())
        assert await wait(done) is None
        await server.close()

    run(main())


def test_stop_while_retrying_and_exhausted_transports() -> None:
    async def main() -> None:
        probe = await serve(ws=["127.0.0.1:0/ws"])
        url = probe.urls[0]
        await probe.close()  # nobody listens there now
        retrying = Component(transports=[fast_retries(url)])
        failures: list[BaseException] = []
        retrying.on("connectfailure", lambda comp, exc: failures.append(exc))
        done = retrying.start()
        await until(lambda: len(failures) >= 2)
        await wait(retrying.stop())
        assert await wait(done) is None
        assert all(isinstance(exc, OSError) for exc in failures)

        once = Component(transports=[{"url": url, "max_retries": 0}])
        with pytest.raises(TransportsExhausted) as info:
            await wait(once.start())
        assert url in str(info.value)
        assert isinstance(info.value.failures[0][2], OSError)

    run(main())


def test_connect_timeout_when_the_server_never_answers() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(65536)
        await asyncio.sleep(5)

    async def main() -> None:
        server = await asyncio.start_server(silent, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        component = Component(transports=[{
            "url": f"ws://127.0.0.1:{port}/ws", "max_retries": 0,
            "endpoint": {"type": "tcp", "host": "127.0.0.1", "port": port, "timeout": 0.1}}])
        with pytest.raises(TransportsExhausted) as info:
            await wait(component.start())
        assert isinstance(info.value.failures[0][2], TimeoutError)
        server.close()

    run(main())


def test_main_failure_and_leave_reason() -> None:
    async def main() -> None:
        server = await serve(rawsocket=["127.0.0.1:0"])

        async def broken(loop: Any, session: Any) -> None:
            raise RuntimeError("boom")

        component = Component(transports=[{"type": "rawsocket", "url": server.urls[0]}],
                              main=broken)
        with pytest.raises(RuntimeError, match="boom"):
            await wait(component.start())

        async def calls_missing(loop: Any, session: Any) -> None:
            with pytest.raises(ApplicationError):
                await session.call("com.missing")

        await wait(Component(transports=[{"type": "rawsocket", "url": server.urls[0]}],
                             main=calls_missing).start())
        await server.close()

    run(main())


def test_no_deprecation_warning_and_uvloop() -> None:
    async def main() -> None:
        server = await serve(ws=["127.0.0.1:0/ws"])

        async def ping(loop: Any, session: Any) -> None:
            await session.register(lambda: "pong", "com.ping")
            assert await session.call("com.ping") == "pong"

        component = Component(transports=[{"url": server.urls[0]}], main=ping)
        await wait(component.start())
        await server.close()

    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        run(main())
    uvloop = pytest.importorskip("uvloop")

    async def under_uvloop() -> None:
        assert "uvloop" in type(asyncio.get_running_loop()).__module__
        await main()

    uvloop.run(asyncio.wait_for(under_uvloop(), 10))


RUN_SCRIPT = textwrap.dedent("""
    import asyncio, sys
    from wamp_asyncio.component import Component, run

    comp = Component(transports=[{"url": sys.argv[1]}], realm="realm1")

    @comp.on_join
    def joined(session, details):
        print("joined", flush=True)

    @comp.on_leave
    def left(session, details):
        print("left", details.reason, flush=True)

    run([comp], log_level="warn")
    print("run returned", flush=True)
""")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_run_leaves_cleanly_on_signals(signum: int) -> None:
    async def main() -> list[str]:
        server = await serve(ws=["127.0.0.1:0/ws"])
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", RUN_SCRIPT, server.urls[0], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        assert proc.stdout is not None
        lines = [(await wait(proc.stdout.readline(), 10)).decode().strip()]
        proc.send_signal(signum)
        out, err = await wait(proc.communicate(), 10)
        lines += out.decode().split("\n")
        assert proc.returncode == 0, err.decode()
        await server.close()
        return [line for line in lines if line]

    assert run(main(), 30) == ["joined", "left wamp.close.normal", "run returned"]
