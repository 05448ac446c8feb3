"""The public API: every module declares __all__, the package re-exports exactly that."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import wamp_rawsocket
from wamp_rawsocket import exceptions

MODULES = sorted(
    info.name
    for info in pkgutil.iter_modules(wamp_rawsocket.__path__, "wamp_rawsocket.")
    if info.name != "wamp_rawsocket.__about__"
)


def test_every_module_declares_all() -> None:
    for name in [*MODULES, "wamp_rawsocket.__about__"]:
        module = importlib.import_module(name)
        assert isinstance(getattr(module, "__all__", None), list), name
        for symbol in module.__all__:
            assert hasattr(module, symbol), f"{name}.__all__ lists missing {symbol}"


def test_package_reexports_every_module_all() -> None:
    expected = {"__version__"}
    for name in MODULES:
        expected.update(importlib.import_module(name).__all__)
    assert set(wamp_rawsocket.__all__) == expected
    assert len(wamp_rawsocket.__all__) == len(expected), "duplicates in __all__"
    for symbol in wamp_rawsocket.__all__:
        assert getattr(wamp_rawsocket, symbol) is not None


def test_exception_tree_is_drawn_in_the_docstring() -> None:
    doc = exceptions.__doc__ or ""
    classes = [
        obj
        for _, obj in inspect.getmembers(exceptions, inspect.isclass)
        if obj.__module__ == exceptions.__name__
    ]
    assert sorted(c.__name__ for c in classes) == sorted(exceptions.__all__)
    for cls in classes:
        assert issubclass(cls, exceptions.RawSocketError)
        assert f" {cls.__name__}" in doc, f"{cls.__name__} missing from the tree"
        # the drawing's indentation matches the depth in the hierarchy
        depth = len([b for b in cls.__mro__ if issubclass(b, exceptions.RawSocketError)]) - 1
        line = next(line for line in doc.splitlines() if f" {cls.__name__}" in line)
        column = line.index(cls.__name__)
        assert column == 4 + 4 * depth, (cls.__name__, column, depth)
