"""ApplicationRunner and ApplicationSession on asyncio."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from typing import Any

import pytest
from aio_helpers import run, until, wait
from wamp_asyncio.router import serve
from wamp_asyncio.wamp import ApplicationRunner, ApplicationSession, ApplicationSessionFactory
from wamp_core.types import ComponentConfig


class Recorder(ApplicationSession):
    """Registers com.hello on join, remembers what happened in ``config.extra``."""

    async def onJoin(self, details: Any) -> None:
        log = self.config.extra["log"]
        await self.register(lambda: "hi", "com.hello")
        log.append(("join", details.realm, await self.call("com.hello")))
        if self.config.extra.get("leave"):
            self.leave()

    def onLeave(self, details: Any) -> None:
        self.config.extra["log"].append(("leave", details.reason))
        self.disconnect()


def test_run_without_starting_the_loop_gives_transport_and_protocol() -> None:
    async def main() -> None:
        server = await serve(ws=["127.0.0.1:0/ws"])
        log: list[Any] = []
        runner = ApplicationRunner(server.urls[0], "realm1", extra={"log": log})
        transport, protocol = await wait(runner.run(Recorder, start_loop=False, log_level=None))
        assert protocol.isOpen() and transport is protocol.transport
        await until(lambda: len(log) == 1)
        assert log == [("join", "realm1", "hi")]
        await wait(runner.stop())
        assert log[-1] == ("leave", "wamp.close.normal")
        await server.close()

    run(main())


def test_runner_reconnects_with_max_retries_and_stops() -> None:
    async def main() -> None:
        server = await serve(rawsocket=["127.0.0.1:0"])
        url = server.urls[0]
        port = int(url.rsplit(":", 1)[1])
        log: list[Any] = []
        runner = ApplicationRunner(url, "realm1", extra={"log": log}, max_retries=-1,
                                   initial_retry_delay=0.02, max_retry_delay=0.05,
                                   retry_delay_jitter=0.0)
        await wait(runner.run(Recorder, start_loop=False, log_level=None))
        await until(lambda: len(log) == 1)
        await server.close()
        await until(lambda: ("leave", "wamp.close.system_shutdown") in log)
        server = await serve(rawsocket=[f"127.0.0.1:{port}"])
        await until(lambda: [e[0] for e in log].count("join") == 2)
        await wait(runner.stop())
        assert await wait(runner._done) is None
        await server.close()

    run(main())


def test_run_with_start_loop_returns_after_leave() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "wamp_asyncio", "serve", "--ws",
                             "127.0.0.1:0/ws"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        url = line.split()[-1]
        assert url.startswith("ws://127.0.0.1:")
        log: list[Any] = []
        runner = ApplicationRunner(url, "realm1", extra={"log": log, "leave": True})
        assert runner.run(Recorder, log_level=None) is None
        assert log == [("join", "realm1", "hi"), ("leave", "wamp.close.normal")]
    finally:
        proc.terminate()
        proc.wait(10)


def test_run_raises_the_connection_error_without_retries() -> None:
    async def free_url() -> str:
        server = await serve(ws=["127.0.0.1:0/ws"])
        await server.close()
        return server.urls[0]

    url = run(free_url())
    with pytest.raises(ConnectionRefusedError):
        ApplicationRunner(url, "realm1").run(Recorder, log_level=None)


def test_runner_arguments_as_autobahn() -> None:
    with pytest.raises(RuntimeError):
        ApplicationRunner("ws://localhost:8080/ws", ssl=True)
    runner = ApplicationRunner("wss://localhost:8443/ws", "realm1", ssl=True,
                               serializers=[__import__("wamp_core.serializer").serializer
                                            .JsonSerializer()],
                               headers={"X-Key": "v"},
                               websocket_options={"autoPingInterval": 10})
    config = runner._transport_config()
    assert config["serializers"] == ["json"]
    assert config["headers"] == {"X-Key": "v"}
    assert config["options"] == {"autoPingInterval": 10}
    assert config["max_retries"] == 0
    with pytest.raises(RuntimeError):
        runner.stop()


def test_application_session_factory_binds_asyncio() -> None:
    async def main() -> None:
        session = ApplicationSessionFactory(ComponentConfig("realm1"))()
        future = session._txaio.create_future()
        assert isinstance(future, asyncio.Future)

    run(main())
    # a session made outside a loop works in the loop that runs it later
    session = ApplicationSession(ComponentConfig("realm1"))

    async def later() -> None:
        assert isinstance(session._txaio.create_future(), asyncio.Future)

    run(later())
