#!/usr/bin/env python3
"""Project entry point that needs nothing but Python.

    python dev.py demo        run the demo
    python dev.py test        run the whole test suite
    python dev.py lint        ruff and mypy --strict
    python dev.py bench       every benchmark, with the peers we compare against
    python dev.py hatch ...   any other Hatch command

Hatch (which manages the workspace environments in ``hatch.toml``) is installed on first use
into ``.tools/``, a private virtual environment inside the checkout; nothing is installed into
the Python that runs this script.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
TOOLS = ROOT / ".tools"
HATCH_VERSION = "hatch>=1.16,<2"
COMMANDS = {
    "demo": ["run", "demo"],
    "test": ["run", "test"],
    "lint": ["run", "lint:check"],
    "bench": ["run", "bench:all"],
}


def _bin(name: str) -> Path:
    sub = "Scripts" if os.name == "nt" else "bin"
    return TOOLS / sub / name


def ensure_hatch() -> Path:
    hatch = _bin("hatch")
    if not hatch.exists():
        print(f"dev.py: installing {HATCH_VERSION} into {TOOLS}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(TOOLS)
        subprocess.run(
            [str(_bin("python")), "-m", "pip", "install", "--quiet", HATCH_VERSION],
            check=True,
        )
    return hatch


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command == "hatch":
        args = rest
    elif command in COMMANDS:
        args = COMMANDS[command] + rest
    else:
        print(f"dev.py: unknown command {command!r}; expected one of "
              f"{', '.join(sorted(COMMANDS))} or hatch", file=sys.stderr)
        return 2
    hatch = ensure_hatch()
    # Environments live in the checkout, so a clean clone never reuses stale ones.
    env = dict(os.environ, HATCH_DATA_DIR=str(TOOLS / "hatch-data"))
    # Compile the wamp-websocket speedups (masking, UTF-8, frame parser) and wamp-core's CBOR
    # speedups or fail loudly: the tests and benchmarks must run the code users get from a wheel.
    env.setdefault("WAMP_WEBSOCKET_BUILD_EXTENSION", "yes")
    env.setdefault("WAMP_CORE_BUILD_EXTENSION", "yes")
    return subprocess.call([str(hatch), *args], cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
