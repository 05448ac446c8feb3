"""Every sibling dependency is a compatible range that admits the sibling's current version."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tomllib
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = sorted(p for p in (ROOT / "packages").iterdir() if (p / "pyproject.toml").exists())


def _project(path: Path) -> dict:
    return tomllib.loads((path / "pyproject.toml").read_text())["project"]


def _version(path: Path) -> Version:
    name = path.name.replace("-", "_")
    text = (path / "src" / name / "__about__.py").read_text()
    match = re.search(r'__version__\s*=\s*"([^"]+)"', text)
    if match is None:
        raise AssertionError(f"{path.name}: no __version__ in __about__.py")
    return Version(match.group(1))


VERSIONS = {p.name: _version(p) for p in PACKAGES}


def test_all_five_packages_present() -> None:
    assert set(VERSIONS) == {
        "wamp-core", "wamp-websocket", "wamp-rawsocket", "wamp-asyncio", "wamp-twisted",
    }


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_sibling_ranges_admit_current_versions(package: Path) -> None:
    for text in _project(package).get("dependencies", []):
        req = Requirement(text)
        if req.name not in VERSIONS:
            continue
        current = VERSIONS[req.name]
        assert current in req.specifier, f"{package.name}: {text} refuses {req.name} {current}"
        ops = {spec.operator for spec in req.specifier}
        assert "==" not in ops and "===" not in ops, f"{package.name}: {text} is a pin"
        if current.major == 0:
            # 0.x: bounded at the minor, e.g. wamp-core>=0.3,<0.4
            upper = Version(f"0.{current.minor + 1}")
            assert upper not in req.specifier, f"{package.name}: {text} is not bounded at the minor"
            lower = Version(f"0.{current.minor}")
            assert lower in req.specifier, f"{text} is narrower than the minor"
        else:
            assert ops == {"~="}, f"{package.name}: {text} should use ~= from 1.0"


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_package_layout(package: Path) -> None:
    name = package.name.replace("-", "_")
    for rel in ("README.md", "CHANGELOG.md", f"src/{name}/py.typed", f"src/{name}/__about__.py"):
        assert (package / rel).is_file(), f"{package.name}: {rel} is missing"
    assert str(VERSIONS[package.name]) in (package / "CHANGELOG.md").read_text(), (
        f"{package.name}: CHANGELOG.md has no entry for {VERSIONS[package.name]}"
    )


def test_asyncio_never_pulls_twisted() -> None:
    project = _project(ROOT / "packages/wamp-asyncio")
    deps = [Requirement(d).name.lower() for d in project["dependencies"]]
    assert "twisted" not in deps
