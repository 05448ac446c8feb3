"""The public API: every module declares __all__, and the package exports what it names."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
import wamp_websocket

MODULES = sorted(
    info.name for info in pkgutil.iter_modules(wamp_websocket.__path__, "wamp_websocket.")
    if not info.name.rsplit(".", 1)[1].startswith("__")
)


@pytest.mark.parametrize("name", MODULES)
def test_every_module_declares_all_and_defines_it(name: str) -> None:
    module = importlib.import_module(name)
    assert hasattr(module, "__all__"), f"{name} has no __all__"
    for item in module.__all__:
        assert hasattr(module, item), f"{name}.__all__ names {item!r}, which is not defined"


def test_package_exports_exist_and_are_unique() -> None:
    names = wamp_websocket.__all__
    assert len(names) == len(set(names))
    for item in names:
        assert hasattr(wamp_websocket, item), item


def test_engine_api_is_exported_from_the_package() -> None:
    for module in ("events", "exceptions", "options", "connection", "server", "client"):
        for item in importlib.import_module(f"wamp_websocket.{module}").__all__:
            if item.isupper() and item not in ("DEFAULT_SERVER", "DEFAULT_USERAGENT"):
                continue  # module constants stay in their module
            assert item in wamp_websocket.__all__, f"wamp_websocket.{module}.{item}"
