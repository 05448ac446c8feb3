"""ApplicationRunner and ApplicationSession on Twisted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from typing import Any

import pytest
from twisted.internet.defer import Deferred
from tx_helpers import reactor, run, until, wait
from wamp_core.types import ComponentConfig
from wamp_twisted.router import serve
from wamp_twisted.wamp import ApplicationRunner, ApplicationSession, ApplicationSessionFactory
from wamp_twisted.websocket import WampWebSocketClientProtocol


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


def test_run_without_starting_the_reactor_gives_the_protocol() -> None:
    async def main() -> None:
        server = await serve(ws=["127.0.0.1:0/ws"])
        log: list[Any] = []
        runner = ApplicationRunner(server.urls[0], "realm1", extra={"log": log})
        connected = runner.run(Recorder, start_reactor=False, log_level=None)
        assert isinstance(connected, Deferred)
        protocol = await wait(connected)
        assert isinstance(protocol, WampWebSocketClientProtocol) and protocol.isOpen()
        await until(lambda: len(log) == 1)
        assert log == [("join", "realm1", "hi")]
        await wait(runner.stop())
        assert log[-1] == ("leave", "wamp.close.normal")
        await server.close()

    run(main())


def test_auto_reconnect_and_stop() -> None:
    async def main() -> None:
        server = await serve(rawsocket=["127.0.0.1:0"])
        url = server.urls[0]
        port = int(url.rsplit(":", 1)[1])
        log: list[Any] = []
        runner = ApplicationRunner(url, "realm1", extra={"log": log},
                                   initial_retry_delay=0.02, max_retry_delay=0.05,
                                   retry_delay_jitter=0.0)
        await wait(runner.run(Recorder, start_reactor=False, auto_reconnect=True,
                              log_level=None))
        await until(lambda: len(log) == 1)
        await server.close()
        await until(lambda: ("leave", "wamp.close.system_shutdown") in log)
        server = await serve(rawsocket=[f"127.0.0.1:{port}"])
        await until(lambda: [e[0] for e in log].count("join") == 2)
        await wait(runner.stop())
        assert runner._done is not None
        assert await wait(runner._done) is None
        await server.close()

    run(main())


def test_an_explicit_endpoint_replaces_the_url_one() -> None:
    from twisted.internet.endpoints import TCP4ClientEndpoint

    async def main() -> None:
        server = await serve(ws=["127.0.0.1:0/ws"])
        port = int(server.urls[0].rsplit(":", 1)[1].split("/")[0])
        log: list[Any] = []
        runner = ApplicationRunner("ws://example.invalid:9/ws", "realm1", extra={"log": log})
        protocol = await wait(runner.run(
            Recorder, start_reactor=False, log_level=None,
            endpoint=TCP4ClientEndpoint(reactor, "127.0.0.1", port)))
        assert protocol.peer == f"tcp4:127.0.0.1:{port}"
        await until(lambda: len(log) == 1)
        await wait(runner.stop())
        await server.close()

    run(main())


def test_first_connection_failure_fails_the_deferred_with_the_error() -> None:
    from twisted.internet.error import ConnectionRefusedError

    async def main() -> None:
        probe = await serve(ws=["127.0.0.1:0/ws"])
        await probe.close()
        runner = ApplicationRunner(probe.urls[0], "realm1")
        with pytest.raises(ConnectionRefusedError):
            await wait(runner.run(Recorder, start_reactor=False, log_level=None))

    run(main())


RUNNER_SCRIPT = textwrap.dedent("""
    import json, sys
    from wamp_twisted.wamp import ApplicationRunner, ApplicationSession

    log = []

    class Session(ApplicationSession):
        async def onJoin(self, details):
            log.append(["join", details.realm])
            self.leave()

        def onLeave(self, details):
            log.append(["leave", details.reason])
            self.disconnect()

    try:
        result = ApplicationRunner(sys.argv[1], "realm1").run(Session, log_level="warn")
        print(json.dumps({"returned": result, "log": log}), flush=True)
    except Exception as exc:
        print(json.dumps({"raised": type(exc).__name__, "log": log}), flush=True)
""")


def _runner_script(url: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-c", RUNNER_SCRIPT, url], capture_output=True,
                         text=True, timeout=30, env={**os.environ, "PYTHONUNBUFFERED": "1"},
                         check=False)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_run_starts_the_reactor_returns_none_after_leave_and_raises_connection_errors() -> None:
    async def start() -> Any:
        return await serve(ws=["127.0.0.1:0/ws"])

    server = run(start())
    try:
        assert _runner_script(server.urls[0]) == {
            "returned": None, "log": [["join", "realm1"], ["leave", "wamp.close.normal"]]}
    finally:
        run(server.close())
    assert _runner_script(server.urls[0]) == {"raised": "ConnectionRefusedError", "log": []}


AUTOBAHN_STYLE_SCRIPT = textwrap.dedent("""
    import sys
    from twisted.internet import reactor
    from wamp_twisted.wamp import ApplicationRunner, ApplicationSession

    class Session(ApplicationSession):
        async def onJoin(self, details):
            self.leave()

        def onLeave(self, details):
            self.disconnect()

        def onDisconnect(self):
            print("disconnected", flush=True)
            reactor.stop()  # what Autobahn's examples do

    ApplicationRunner(sys.argv[1], "realm1").run(Session, log_level="info")
    print("returned", flush=True)
""")


def test_run_tolerates_the_application_stopping_the_reactor_in_on_disconnect() -> None:
    async def start() -> Any:
        return await serve(ws=["127.0.0.1:0/ws"])

    server = run(start())
    try:
        out = subprocess.run([sys.executable, "-c", AUTOBAHN_STYLE_SCRIPT, server.urls[0]],
                             capture_output=True, text=True, timeout=30, check=False,
                             env={**os.environ, "PYTHONUNBUFFERED": "1"})
    finally:
        run(server.close())
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["disconnected", "returned"], out.stdout
    assert "ReactorNotRunning" not in out.stderr + out.stdout, out.stderr


def test_runner_arguments_as_autobahn() -> None:
    from twisted.internet.ssl import CertificateOptions
    from wamp_core.serializer import JsonSerializer

    with pytest.raises(RuntimeError):
        ApplicationRunner("ws://localhost:8080/ws", ssl=True)
    with pytest.raises(RuntimeError):
        ApplicationRunner("ws://localhost:8080/ws", ssl=CertificateOptions())
    runner = ApplicationRunner("wss://localhost:8443/ws", "realm1", ssl=CertificateOptions(),
                               serializers=[JsonSerializer()], headers={"X-Key": "v"},
                               websocket_options={"autoPingInterval": 10})
    config = runner._transport_config()
    assert config["serializers"] == ["json"]
    assert config["headers"] == {"X-Key": "v"}
    assert config["options"] == {"autoPingInterval": 10}
    assert config["max_retries"] == 0
    assert isinstance(config["endpoint"]["tls"], CertificateOptions)
    with pytest.raises(RuntimeError):
        runner.stop()


def test_application_session_factory_binds_twisted() -> None:
    session = ApplicationSessionFactory(ComponentConfig("realm1"))()
    assert isinstance(session._txaio.create_future(), Deferred)
