"""The router package's public names: every module has ``__all__``, every name exists."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
import wamp_core.router as router_pkg

MODULES = sorted(info.name for info in pkgutil.iter_modules(router_pkg.__path__)
                 if not info.name.startswith("_"))


@pytest.mark.parametrize("name", MODULES)
def test_every_public_module_has_a_complete_all(name: str) -> None:
    module = importlib.import_module(f"wamp_core.router.{name}")
    assert isinstance(module.__all__, list) and module.__all__
    for attr in module.__all__:
        assert hasattr(module, attr), f"wamp_core.router.{name}.{attr}"


def test_package_exports_exist_and_are_unique() -> None:
    assert len(set(router_pkg.__all__)) == len(router_pkg.__all__)
    for attr in router_pkg.__all__:
        assert getattr(router_pkg, attr) is not None


def test_package_reexports_the_main_api() -> None:
    for name in ("Router", "RouterSession", "RouterConfig", "parse_config", "load_config",
                 "default_config", "ConfigError", "Limits", "ManualScheduler"):
        assert name in router_pkg.__all__
