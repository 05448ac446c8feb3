"""The Sans-I/O packages import no event loop, no Twisted and no socket module."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# threading is not listed: the standard logging module imports it for its locks.
FORBIDDEN = ("asyncio", "twisted", "socket", "_socket", "selectors", "ssl", "uvloop")

PROBE = r"""
import importlib, json, pkgutil, sys
top = importlib.import_module(sys.argv[1])
names = [top.__name__]
for info in pkgutil.walk_packages(top.__path__, top.__name__ + "."):
    if info.name.rsplit(".", 1)[-1] in ("__main__",):
        continue
    importlib.import_module(info.name)
    names.append(info.name)
forbidden = set(sys.argv[2].split(","))
print(json.dumps({"modules": names,
                  "loaded": sorted(m for m in sys.modules if m.split(".")[0] in forbidden)}))
"""


@pytest.mark.parametrize("package", ["wamp_core", "wamp_websocket", "wamp_rawsocket"])
def test_sansio_package_imports_no_io(package: str) -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, package, ",".join(FORBIDDEN)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["modules"], f"{package}: nothing imported"
    assert report["loaded"] == [], f"{package} imports {report['loaded']}"


def test_probe_detects_io_imports() -> None:
    """The probe above can fail: an I/O package is reported."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE, "json", ",".join(FORBIDDEN)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert json.loads(out.stdout.strip().splitlines()[-1])["loaded"] == []
    out = subprocess.run(
        [sys.executable, "-c", "import asyncio" + PROBE, "json", ",".join(FORBIDDEN)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert "asyncio" in json.loads(out.stdout.strip().splitlines()[-1])["loaded"]
