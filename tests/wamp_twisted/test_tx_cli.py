"""``python -m wamp_twisted`` commands, and asyncio and Twisted components through one router,
run as subprocesses."""

from __future__ import annotations

import importlib.util
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
needs_asyncio = pytest.mark.skipif(importlib.util.find_spec("wamp_asyncio.component") is None,
                                   reason="wamp-asyncio is not installed here")
ENV = {**os.environ, "PYTHONUNBUFFERED": "1"}


class Proc:
    """A subprocess whose stdout lines arrive through a queue (every wait has a timeout)."""

    def __init__(self, *args: str) -> None:
        self.popen = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True, env=ENV)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for text in self.popen.stdout:
            self.lines.put(text.strip())
        self.lines.put("")

    def line(self, timeout: float = 15) -> str:
        return self.lines.get(timeout=timeout)

    def finish(self, timeout: float = 15) -> tuple[int, list[Any], str]:
        code = self.popen.wait(timeout)
        assert self.popen.stderr is not None
        err = self.popen.stderr.read()
        rows = []
        while (text := self.line(5)) != "":
            rows.append(json.loads(text))
        return code, rows, err

    def stop(self, signum: int = signal.SIGINT) -> int:
        self.popen.send_signal(signum)
        return self.popen.wait(15)

    def kill(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait(5)


def twisted(*args: str) -> Proc:
    return Proc("-m", "wamp_twisted", *args)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and Unix sockets")
def test_serve_and_the_client_commands(tmp_path: Path) -> None:
    router = twisted("serve", "--ws", "127.0.0.1:0/ws", "--rawsocket", "127.0.0.1:0",
                     "--unix", str(tmp_path / "r.sock"))
    procs = [router]
    try:
        urls = [router.line().split()[-1] for _ in range(4)]
        ws, rs, unix_ws, unix_rs = urls
        assert ws.startswith("ws://127.0.0.1:") and ws.endswith("/ws")
        assert rs.startswith("rs://127.0.0.1:")
        assert (unix_ws, unix_rs) == (f"ws://unix:{tmp_path}/r.sock",
                                      f"rs://unix:{tmp_path}/r.sock")

        callee = twisted("register", rs, "com.echo", "--count", "1", "--serializer", "json")
        listener = twisted("subscribe", unix_ws, "com.news", "--count", "1")
        procs += [callee, listener]
        assert json.loads(callee.line()) == {"registered": "com.echo"}
        assert json.loads(listener.line()) == {"subscribed": "com.news"}

        code, rows, _ = twisted("call", ws, "com.echo", "1", "two", '{"x": [3]}',
                                "--kw", "k=true").finish()
        assert (code, rows) == (0, [{"args": [1, "two", {"x": [3]}], "kwargs": {"k": True}}])
        code, rows, _ = callee.finish()
        assert (code, rows) == (0, [{"args": [1, "two", {"x": [3]}], "kwargs": {"k": True},
                                     "procedure": "com.echo"}])

        code, rows, _ = twisted("publish", unix_rs, "com.news", "hello",
                                "--acknowledge").finish()
        assert code == 0 and "publication" in rows[0]
        code, rows, _ = listener.finish()
        assert (code, rows) == (0, [{"args": ["hello"], "kwargs": {}, "topic": "com.news"}])

        code, rows, err = twisted("call", ws, "com.missing").finish()
        assert (code, rows) == (1, [])
        assert "wamp.error.no_such_procedure" in err

        waiting = twisted("subscribe", ws, "com.never")
        procs.append(waiting)
        assert json.loads(waiting.line()) == {"subscribed": "com.never"}
        assert waiting.stop(signal.SIGTERM) == 0  # the session leaves, the exit is clean
        assert router.stop() == 0
    finally:
        for proc in procs:
            proc.kill()


def test_serve_with_a_config_file_and_bad_arguments(tmp_path: Path) -> None:
    config = {"version": 2, "workers": [{"type": "router",
              "realms": [{"name": "demo", "roles": [{"name": "anonymous", "permissions": [
                  {"uri": "", "match": "prefix", "allow": {"call": True, "register": True}}]}]}],
              "transports": [{"type": "websocket", "endpoint": {"type": "tcp", "port": 0,
                                                                "interface": "127.0.0.1"}}]}]}
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    router = twisted("serve", "--config", str(path))
    try:
        url = router.line().split()[-1]
        code, rows, _ = twisted("call", url, "wamp.session.count", "--realm", "demo").finish()
        assert (code, rows) == (0, [1])
        code, _, err = twisted("call", url, "wamp.session.count", "--realm", "nope",
                               "--timeout", "5").finish()
        assert code == 1 and "no_such_realm" in err
        code, _, err = twisted("call", "http://127.0.0.1/", "x").finish()
        assert code == 1 and "ws://" in err
        with socket.socket() as probe:  # a port where nobody listens
            probe.bind(("127.0.0.1", 0))
            closed = f"ws://127.0.0.1:{probe.getsockname()[1]}/ws"
        code, _, err = twisted("call", closed, "x").finish()
        assert code == 1 and closed in err and "refused" in err.lower()
        assert router.stop() == 0
    finally:
        router.kill()


@needs_asyncio
@pytest.mark.parametrize(("server", "callee_of", "caller"), [
    ("wamp_asyncio", "wamp_twisted", "wamp_asyncio"),
    ("wamp_twisted", "wamp_asyncio", "wamp_twisted"),
])
def test_asyncio_and_twisted_command_line_tools_share_a_router(server: str, callee_of: str,
                                                               caller: str) -> None:
    router = Proc("-m", server, "serve", "--ws", "127.0.0.1:0/ws", "--rawsocket",
                  "127.0.0.1:0")
    callee = None
    try:
        ws, rs = router.line().split()[-1], router.line().split()[-1]
        callee = Proc("-m", callee_of, "register", rs, "com.echo", "--count", "1",
                      "--returns", f'"{callee_of}"')
        assert json.loads(callee.line()) == {"registered": "com.echo"}
        code, rows, _ = Proc("-m", caller, "call", ws, "com.echo", "7").finish()
        assert (code, rows) == (0, [callee_of])
        assert callee.finish()[0] == 0
        assert router.stop() == 0
    finally:
        router.kill()
        if callee is not None:
            callee.kill()


@needs_asyncio
def test_the_demo_runs_asyncio_and_twisted_through_one_router() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "examples" / "demo.py")],
                            capture_output=True, text=True, timeout=90, env=ENV, check=False)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("twisted   joined realm1 over RawSocket (msgpack)")
               for line in lines)
    assert "frontend  called com.example.mul2(6, 7) on Twisted -> 42" in lines
    assert "twisted   received 'hello Twisted'" in lines
    assert "twisted   called com.example.add2(20, 22) -> 42" in lines
    assert lines[-1].startswith("done")


def test_the_twisted_demo_runs_alone() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "examples" / "demo_twisted.py")],
                            capture_output=True, text=True, timeout=60, env=ENV, check=False)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("router    listening on ws://127.0.0.1:")
    assert "peer      called com.example.mul2(6, 7) -> 42" in lines
    assert "twisted   called com.example.add2(20, 22) -> 42" in lines
    assert lines[-1].startswith("done")
