"""Argument checks shared by the value types of :mod:`wamp_core.types`.

Every check names the class and the argument it rejects, and raises
``TypeError`` for a value of the wrong type and ``ValueError`` for a value of
the right type that is out of range. ``bool`` is never accepted where an
integer is expected (``True`` is not a session ID).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

__all__ = ["MAX_ID", "Args", "Checked", "ForwardFor", "as_list", "describe", "extras"]

T = TypeVar("T")

#: The largest WAMP ID: IDs are integers in ``[0, 2**53]`` (the spec draws
#: them from ``[1, 2**53]``; ``0`` is tolerated as "no ID").
MAX_ID = 2**53

#: ``forward_for`` lists: one ``{"session", "authid", "authrole"}`` dict per hop.
ForwardFor = list[dict[str, Any]]


def describe(value: object) -> str:
    """Short text for an offending value: its type and a clipped repr."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


class Args:
    """Checks the constructor arguments of one class (named in every error)."""

    __slots__ = ("owner",)

    def __init__(self, owner: str) -> None:
        self.owner = owner

    def type_error(self, name: str, expected: str, value: object) -> TypeError:
        return TypeError(f"{self.owner}: {name} must be {expected}, got {describe(value)}")

    def value_error(self, name: str, expected: str, value: object) -> ValueError:
        return ValueError(f"{self.owner}: {name} must be {expected}, got {value!r}")

    # -- scalars ---------------------------------------------------------

    def opt_str(self, name: str, value: object) -> str | None:
        if value is None or isinstance(value, str):
            return value
        raise self.type_error(name, "a str or None", value)

    def req_str(self, name: str, value: object) -> str:
        if isinstance(value, str):
            return value
        raise self.type_error(name, "a str", value)

    def opt_bool(self, name: str, value: object) -> bool | None:
        if value is None or isinstance(value, bool):
            return value
        raise self.type_error(name, "a bool or None", value)

    def opt_int(self, name: str, value: object, minimum: int = 0) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.type_error(name, "an int or None", value)
        if value < minimum:
            raise self.value_error(name, f"an int >= {minimum}", value)
        return value

    def opt_id(self, name: str, value: object) -> int | None:
        """A WAMP ID (session, publication, ...): an int in ``[0, 2**53]``."""
        if value is None:
            return None
        return self.req_id(name, value)

    def req_id(self, name: str, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.type_error(name, "an int (a WAMP ID)", value)
        if not 0 <= value <= MAX_ID:
            raise self.value_error(name, "a WAMP ID in [0, 2**53]", value)
        return value

    def opt_choice(self, name: str, value: object, choices: tuple[str, ...]) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.type_error(name, f"one of {', '.join(choices)} or None", value)
        if value not in choices:
            raise self.value_error(name, f"one of {', '.join(choices)}", value)
        return value

    def opt_seconds(self, name: str, value: object) -> int | float | None:
        """A positive, finite duration in seconds (int or float)."""
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.type_error(name, "a number of seconds (int or float) or None", value)
        if not (math.isfinite(value) and value > 0):
            raise self.value_error(name, "a finite number of seconds > 0", value)
        return value

    def opt_callable(self, name: str, value: object) -> Callable[..., Any] | None:
        if value is None or callable(value):
            return value
        raise self.type_error(name, "a callable or None", value)

    def opt_bytes(self, name: str, value: object) -> bytes | None:
        if value is None or isinstance(value, bytes):
            return value
        raise self.type_error(name, "bytes or None", value)

    # -- containers ------------------------------------------------------

    def opt_dict(self, name: str, value: object) -> dict[str, Any] | None:
        """A dict with str keys (as WAMP details and extras are)."""
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.type_error(name, "a dict or None", value)
        for key in value:
            if not isinstance(key, str):
                raise self.type_error(f"the keys of {name}", "str", key)
        return value

    def opt_str_list(self, name: str, value: object) -> list[str] | None:
        if value is None:
            return None
        if not isinstance(value, (list, tuple)):
            raise self.type_error(name, "a list of str or None", value)
        for index, item in enumerate(value):
            if not isinstance(item, str):
                raise self.type_error(f"{name}[{index}]", "a str", item)
        return list(value)

    def opt_ids(self, name: str, value: object) -> int | list[int] | None:
        """One WAMP ID or a list of them (``exclude``, ``eligible``)."""
        if value is None:
            return None
        if isinstance(value, (list, tuple)):
            return [self.req_id(f"{name}[{index}]", item) for index, item in enumerate(value)]
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.type_error(name, "an int, a list of int or None", value)
        return self.req_id(name, value)

    def opt_strs(self, name: str, value: object) -> str | list[str] | None:
        """One str or a list of them (``exclude_authid``, ``eligible_authrole`` ...)."""
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, (list, tuple)):
            return self.opt_str_list(name, value)
        raise self.type_error(name, "a str, a list of str or None", value)

    def opt_forward_for(self, name: str, value: object) -> ForwardFor | None:
        """``[{"session": int, "authid": str | None, "authrole": str}, ...]``."""
        if value is None:
            return None
        if not isinstance(value, (list, tuple)):
            raise self.type_error(name, "a list of dicts or None", value)
        for index, hop in enumerate(value):
            self._check_hop(f"{name}[{index}]", hop)
        return list(value)

    def _check_hop(self, name: str, hop: object) -> None:
        if not isinstance(hop, dict):
            raise self.type_error(name, "a dict with session, authid and authrole", hop)
        for key in ("session", "authid", "authrole"):
            if key not in hop:
                raise ValueError(f"{self.owner}: {name} lacks the key {key!r}")
        self.req_id(f"{name}['session']", hop["session"])
        self.opt_str(f"{name}['authid']", hop["authid"])
        self.req_str(f"{name}['authrole']", hop["authrole"])


def as_list(value: Any) -> list[Any]:
    """``[value]`` for one item, a copy for a list: the wire form of one-or-many options."""
    return list(value) if isinstance(value, (list, tuple)) else [value]


def extras(obj: object, names: tuple[str, ...]) -> str:
    """``", name=value"`` for each of ``names`` set on ``obj`` (our additions to Autobahn)."""
    parts = []
    for name in names:
        value = getattr(obj, name)
        if value is not None:
            parts.append(f", {name}={value}")
    return "".join(parts)


class Checked(Generic[T]):
    """A checked attribute stored in the slot ``_<name>``.

    ``check(args, name, value)`` is one of the :class:`Args` checks (bound to
    the owner's class name) and runs on every assignment.
    """

    def __init__(self, check: Callable[[Args, str, object], T | None], doc: str) -> None:
        self.check = check
        self.name = ""
        self.slot = ""
        self.args = Args("")
        self.__doc__ = doc

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.slot = "_" + name
        self.args = Args(owner.__name__)

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> Checked[T]: ...

    @overload
    def __get__(self, obj: object, objtype: type | None = None) -> T | None: ...

    def __get__(self, obj: object | None, objtype: type | None = None) -> Checked[T] | T | None:
        if obj is None:
            return self
        value: T | None = getattr(obj, self.slot)
        return value

    def __set__(self, obj: object, value: T | None) -> None:
        setattr(obj, self.slot, self.check(self.args, self.name, value))
