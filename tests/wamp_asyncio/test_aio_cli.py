"""``python -m wamp_asyncio`` commands and the demo, run as subprocesses."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from aio_helpers import run, wait

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONUNBUFFERED": "1"}


async def start(*args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "wamp_asyncio", *args, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, env=ENV)


async def line(proc: asyncio.subprocess.Process) -> str:
    assert proc.stdout is not None
    return (await wait(proc.stdout.readline(), 15)).decode().strip()


async def finish(proc: asyncio.subprocess.Process) -> tuple[int, list[Any], str]:
    out, err = await wait(proc.communicate(), 15)
    rows = [json.loads(text) for text in out.decode().splitlines() if text.strip()]
    assert proc.returncode is not None
    return proc.returncode, rows, err.decode()


async def stop(proc: asyncio.subprocess.Process) -> int:
    proc.send_signal(signal.SIGINT)
    await wait(proc.communicate(), 15)
    assert proc.returncode is not None
    return proc.returncode


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and Unix sockets")
def test_serve_and_the_client_commands(tmp_path: Path) -> None:
    async def main() -> None:
        router = await start("serve", "--ws", "127.0.0.1:0/ws", "--rawsocket", "127.0.0.1:0",
                             "--unix", str(tmp_path / "r.sock"))
        urls = [(await line(router)).split()[-1] for _ in range(4)]
        ws, rs, unix_ws, unix_rs = urls
        assert ws.startswith("ws://127.0.0.1:") and ws.endswith("/ws")
        assert rs.startswith("rs://127.0.0.1:")
        assert (unix_ws, unix_rs) == (f"ws://unix:{tmp_path}/r.sock",
                                      f"rs://unix:{tmp_path}/r.sock")

        callee = await start("register", rs, "com.echo", "--count", "1", "--serializer", "json")
        assert json.loads(await line(callee)) == {"registered": "com.echo"}
        listener = await start("subscribe", unix_ws, "com.news", "--count", "1")
        assert json.loads(await line(listener)) == {"subscribed": "com.news"}

        caller = await start("call", ws, "com.echo", "1", "two", '{"x": [3]}', "--kw", "k=true")
        code, rows, _ = await finish(caller)
        assert code == 0
        assert rows == [{"args": [1, "two", {"x": [3]}], "kwargs": {"k": True}}]
        code, rows, _ = await finish(callee)
        assert code == 0
        assert rows == [{"args": [1, "two", {"x": [3]}], "kwargs": {"k": True},
                         "procedure": "com.echo"}]

        publisher = await start("publish", unix_rs, "com.news", "hello", "--acknowledge")
        code, rows, _ = await finish(publisher)
        assert code == 0 and "publication" in rows[0]
        code, rows, _ = await finish(listener)
        assert code == 0
        assert rows == [{"args": ["hello"], "kwargs": {}, "topic": "com.news"}]

        missing = await start("call", ws, "com.missing")
        code, rows, err = await finish(missing)
        assert (code, rows) == (1, [])
        assert "wamp.error.no_such_procedure" in err

        assert await stop(router) == 0

    run(main(), 60)


def test_serve_with_a_config_file_and_bad_arguments(tmp_path: Path) -> None:
    config = {"version": 2, "workers": [{"type": "router",
              "realms": [{"name": "demo", "roles": [{"name": "anonymous", "permissions": [
                  {"uri": "", "match": "prefix", "allow": {"call": True, "register": True}}]}]}],
              "transports": [{"type": "websocket", "endpoint": {"type": "tcp", "port": 0,
                                                                "interface": "127.0.0.1"}}]}]}
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))

    async def main() -> None:
        router = await start("serve", "--config", str(path))
        url = (await line(router)).split()[-1]
        caller = await start("call", url, "wamp.session.count", "--realm", "demo")
        code, rows, _ = await finish(caller)
        assert (code, rows) == (0, [1])
        wrong_realm = await start("call", url, "wamp.session.count", "--realm", "nope",
                                  "--timeout", "5")
        code, _, err = await finish(wrong_realm)
        assert code == 1 and "no_such_realm" in err
        bad_url = await start("call", "http://127.0.0.1/", "x")
        code, _, err = await finish(bad_url)
        assert code == 1 and "ws://" in err
        assert await stop(router) == 0

    run(main(), 60)


def test_the_demo_runs_and_says_what_happened() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "examples" / "demo.py")],
                            capture_output=True, text=True, timeout=60, env=ENV, check=False)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("router    listening on ws://127.0.0.1:")
    assert "over WebSocket (cbor)" in lines[1]
    assert any("over RawSocket (json)" in text for text in lines)
    assert "frontend  called com.example.add2(2, 3) -> 5" in lines
    assert "backend   received 'hello 1', 'hello 2', 'hello 3'" in lines
    assert lines[-1].startswith("done")
