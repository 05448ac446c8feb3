"""Stand-ins for the names of Cython's ``cython`` module that ``_framing`` uses.

``_framing`` is plain Python that Cython also compiles (pure Python mode). When it runs
uncompiled and Cython is not installed, these no-op versions take the place of ``cython``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, overload

__all__ = ["Py_ssize_t", "bint", "cclass", "cfunc", "compiled", "declare", "final", "int",
           "locals"]

_T = TypeVar("_T")
_F = TypeVar("_F", bound=Callable[..., Any])

compiled = False
bint = bool
Py_ssize_t = int
int = int  # mirrors cython.int


def cclass(cls: _T) -> _T:
    """``@cython.cclass``: an extension type when compiled, a plain class here."""
    return cls


def cfunc(func: _F) -> _F:
    """``@cython.cfunc``: a C-level function when compiled, a plain one here."""
    return func


def final(cls: _T) -> _T:
    """``@cython.final``: no subclasses (an optimisation hint when compiled)."""
    return cls


def locals(**_types: Any) -> Callable[[_F], _F]:  # mirrors cython.locals
    """``@cython.locals(...)``: typed locals when compiled, nothing here."""

    def wrap(func: _F) -> _F:
        return func

    return wrap


@overload
def declare(kind: Any, value: _T, **_options: Any) -> _T: ...


@overload
def declare(kind: Any = None, **_options: Any) -> Any: ...


def declare(kind: Any = None, value: Any = None, **_options: Any) -> Any:
    """``cython.declare(...)``: a typed attribute or variable when compiled, ``value`` here."""
    return value
