"""The Python examples of the READMEs run as written, so the documentation stays true.

Every fenced block opened with ```python in the root README and in each package README is
run in its own interpreter (a subprocess with a timeout) and must exit with status 0; the
examples check what they show with ``assert`` statements. A block holding the comment
``# not-run`` is left out (say why next to it: it needs a network, runs forever ...).

Examples written against the development router at ``ws://127.0.0.1:8080/ws`` (and
``rs://127.0.0.1:8081``) run against one started here with ``python -m wamp_asyncio serve``
on free ports (port 0); those addresses are replaced by the ones it reports.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from peers.proc import Background

ROOT = Path(__file__).resolve().parents[1]
READMES = [ROOT / "README.md", *sorted(ROOT.glob("packages/*/README.md"))]
NOT_RUN = "# not-run"
DEV_ROUTER = {"ws": "ws://127.0.0.1:8080/ws", "rs": "rs://127.0.0.1:8081"}
BLOCK = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
RUN_TIMEOUT = 60.0


@dataclass(frozen=True)
class Example:
    readme: Path
    line: int
    code: str

    @property
    def name(self) -> str:
        return f"{self.readme.relative_to(ROOT)}:{self.line}"

    @property
    def needs_router(self) -> bool:
        return any(url in self.code for url in DEV_ROUTER.values())


def python_blocks(text: str) -> list[tuple[int, str]]:
    """``(line of the opening fence, code)`` of every ```python block."""
    return [(text.count("\n", 0, m.start()) + 1, m.group(1)) for m in BLOCK.finditer(text)]


def examples() -> list[Example]:
    found = []
    for readme in READMES:
        for line, code in python_blocks(readme.read_text(encoding="utf-8")):
            if NOT_RUN not in code:
                found.append(Example(readme, line, code))
    return found


EXAMPLES = examples()


@pytest.fixture(scope="module")
def dev_router(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """``python -m wamp_asyncio serve`` on free ports: {"ws": url, "rs": url}."""
    log = tmp_path_factory.mktemp("router") / "serve.log"
    server = Background([sys.executable, "-m", "wamp_asyncio", "serve",
                         "--ws", "127.0.0.1:0/ws", "--rawsocket", "127.0.0.1:0"], log_path=log)
    try:
        urls = {
            "ws": server.wait_for_output(r"^listening on (ws://127\.0\.0\.1:\d+/ws)$", 30).group(1),
            "rs": server.wait_for_output(r"^listening on (rs://127\.0\.0\.1:\d+)$", 30).group(1),
        }
        yield urls
    finally:
        server.stop()


def run_example(example: Example, workdir: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([sys.executable, "-c", example.code], cwd=workdir, env=env,
                          capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False)


def test_block_extraction() -> None:
    text = "intro\n```python\nprint(1)\n```\n\n```sh\nls\n```\n```python\n# not-run\nx\n```\n"
    assert python_blocks(text) == [(2, "print(1)\n"), (9, "# not-run\nx\n")]


@pytest.mark.parametrize("readme", READMES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_readme_has_a_runnable_example(readme: Path) -> None:
    assert any(e.readme == readme for e in EXAMPLES), f"{readme}: no ```python block to run"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_readme_example_runs(example: Example, tmp_path: Path,
                             request: pytest.FixtureRequest) -> None:
    if example.needs_router:
        router = request.getfixturevalue("dev_router")
        code = example.code
        for kind, url in DEV_ROUTER.items():
            code = code.replace(url, router[kind])
        example = Example(example.readme, example.line, code)
    done = run_example(example, tmp_path)
    assert done.returncode == 0, (
        f"{example.name} exited with {done.returncode}\n--- stdout\n{done.stdout}"
        f"\n--- stderr\n{done.stderr}")
    assert "Traceback" not in done.stderr, f"{example.name} logged an error:\n{done.stderr}"
