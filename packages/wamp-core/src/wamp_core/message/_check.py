"""Field checks shared by the message classes.

Every check takes the value, the message name (``"CALL"``) and the field name
as the spec writes it (``"Request|id"``, ``"Options.timeout"``), returns the
value when it is valid and raises :class:`~wamp_core.exception.ProtocolError`
naming the message, the field and the value otherwise. Checks test ``type(v)
is int`` so a ``bool`` is never taken for an integer.
"""

from __future__ import annotations

import reprlib
from collections.abc import Collection, Mapping
from typing import Any, NoReturn

from wamp_core.exception import ProtocolError
from wamp_core.uri import (
    MATCH_EXACT,
    MATCH_POLICIES,
    MATCH_PREFIX,
    MATCH_WILDCARD,
    _valid,
    is_valid_pattern,
)
from wamp_core.util import ID_MAX

__all__ = [
    "check_bool",
    "check_choice",
    "check_custom",
    "check_dict",
    "check_forward_for",
    "check_id",
    "check_id0",
    "check_id_list",
    "check_match",
    "check_nonneg_int",
    "check_number",
    "check_pos_int",
    "check_roles",
    "check_str",
    "check_str_list",
    "check_uri",
    "check_uri_pattern",
    "fail",
    "roles_from_user",
    "show",
]

_repr = reprlib.Repr()
_repr.maxstring = 80
_repr.maxother = 80
_repr.maxlist = 6
_repr.maxtuple = 6
_repr.maxdict = 6
_repr.maxlevel = 3


def show(value: Any) -> str:
    """A short, bounded repr of a (possibly huge or hostile) value for error texts."""
    return _repr.repr(value)


def fail(msg: str, field: str, value: Any, expected: str) -> NoReturn:
    """Raise the ProtocolError for an invalid field."""
    raise ProtocolError(f"{msg}: invalid {field} {show(value)} (expected {expected})")


def check_id(v: Any, msg: str, field: str) -> int:
    if type(v) is not int or not 1 <= v <= ID_MAX:
        fail(msg, field, v, "an integer in [1, 2**53]")
    return v


def check_id0(v: Any, msg: str, field: str) -> int:
    if type(v) is not int or not 0 <= v <= ID_MAX:
        fail(msg, field, v, "an integer in [0, 2**53]")
    return v


def check_bool(v: Any, msg: str, field: str) -> bool:
    if type(v) is not bool:
        fail(msg, field, v, "a bool")
    return v


def check_str(v: Any, msg: str, field: str) -> str:
    if type(v) is not str:
        fail(msg, field, v, "a string")
    return v


def check_nonneg_int(v: Any, msg: str, field: str) -> int:
    if type(v) is not int or v < 0:
        fail(msg, field, v, "a non-negative integer")
    return v


def check_pos_int(v: Any, msg: str, field: str) -> int:
    if type(v) is not int or v < 1:
        fail(msg, field, v, "a positive integer")
    return v


def check_number(v: Any, msg: str, field: str) -> int | float:
    """A non-negative int or finite float (the call timeout, stored as sent)."""
    t = type(v)
    if not (t is int or (t is float and v == v and v != float("inf"))) or v < 0:
        fail(msg, field, v, "a non-negative number")
    return v  # type: ignore[no-any-return]


def check_choice(v: Any, msg: str, field: str, choices: Collection[str]) -> str:
    if type(v) is not str or v not in choices:
        fail(msg, field, v, "one of " + ", ".join(sorted(choices)))
    return v


def check_match(v: Any, msg: str, field: str) -> str:
    """A ``match`` policy: exact, prefix or wildcard."""
    return check_choice(v, msg, field, MATCH_POLICIES)


def check_dict(v: Any, msg: str, field: str) -> dict[str, Any]:
    """A dict whose keys are all strings (WAMP dicts have string keys)."""
    if type(v) is not dict:
        fail(msg, field, v, "a dict")
    for k in v:
        if type(k) is not str:
            fail(msg, f"key in {field}", k, "a string")
    return v


def check_custom(v: Any, msg: str, field: str) -> dict[str, Any]:
    """Implementation-specific attributes: keys start with ``x_`` or ``_``."""
    check_dict(v, msg, field)
    for k in v:
        if not k.startswith(("x_", "_")):
            fail(msg, f"key in {field}", k, "a custom attribute name starting with 'x_' or '_'")
    return v  # type: ignore[no-any-return]


def check_id_list(v: Any, msg: str, field: str) -> list[int]:
    if type(v) is not list:
        fail(msg, field, v, "a list of IDs")
    for item in v:
        if type(item) is not int or not 1 <= item <= ID_MAX:
            fail(msg, f"item in {field}", item, "an integer in [1, 2**53]")
    return v


def check_str_list(v: Any, msg: str, field: str) -> list[str]:
    if type(v) is not list:
        fail(msg, field, v, "a list of strings")
    for item in v:
        if type(item) is not str:
            fail(msg, f"item in {field}", item, "a string")
    return v


# URIs known to be valid (loose rule, exact match): the fast path of check_uri.
_known_uris = _valid[(False, MATCH_EXACT)]


def check_uri(v: Any, msg: str, field: str) -> str:
    """A URI under the loose rule, without empty components."""
    if type(v) is str and v in _known_uris:
        return v
    if not is_valid_pattern(v, MATCH_EXACT):
        fail(msg, field, v, "a URI: non-empty components without '.', '#' or whitespace")
    return v  # type: ignore[no-any-return]


_PATTERN_RULE = {
    MATCH_EXACT: "a URI: non-empty components without '.', '#' or whitespace",
    MATCH_PREFIX: "a prefix URI: components without '.', '#' or whitespace, "
    "only the last may be empty",
    MATCH_WILDCARD: "a wildcard URI: components without '.', '#' or whitespace",
}


def check_uri_pattern(v: Any, msg: str, field: str, match: str | None) -> str:
    """A URI valid for the match policy (``None`` means exact)."""
    policy = match or MATCH_EXACT
    if not is_valid_pattern(v, policy):
        fail(msg, field, v, _PATTERN_RULE[policy])
    return v  # type: ignore[no-any-return]


def check_forward_for(v: Any, msg: str, field: str) -> list[dict[str, Any]]:
    """``[{"session": id, "authid": str or None, "authrole": str}, ...]``."""
    if type(v) is not list:
        fail(msg, field, v, "a list of {session, authid, authrole} dicts")
    for item in v:
        if (
            type(item) is not dict
            or type(item.get("session")) is not int
            or not 1 <= item["session"] <= ID_MAX
            or not (item.get("authid") is None or type(item["authid"]) is str)
            or type(item.get("authrole")) is not str
        ):
            fail(msg, f"item in {field}", item,
                 "a dict with session (ID), authid (string or null), authrole (string)")
    return v


def check_roles(v: Any, msg: str, field: str, allowed: Collection[str]) -> dict[str, Any]:
    """``{role: {"features": {name: value}}}`` with role names from ``allowed``.

    Returns ``{role: features}`` (the features dict, ``{}`` when absent).
    """
    if type(v) is not dict or not v:
        fail(msg, field, v, "a non-empty dict of roles")
    out: dict[str, Any] = {}
    for role, spec in v.items():
        if type(role) is not str or role not in allowed:
            fail(msg, f"role in {field}", role, "one of " + ", ".join(sorted(allowed)))
        if type(spec) is not dict:
            fail(msg, f"{field}.{role}", spec, "a dict")
        features = spec.get("features", {})
        out[role] = check_dict(features, msg, f"{field}.{role}.features")
    return out


def roles_from_user(v: Any, msg: str, field: str, allowed: Collection[str]) -> dict[str, Any]:
    """Roles as given to a constructor: ``{role: features dict}`` or Autobahn-style
    role feature objects (with ``ROLE`` and feature attributes), as a list or dict."""
    values: Any = v.values() if isinstance(v, Mapping) else v
    if isinstance(v, Mapping) and all(isinstance(f, Mapping) for f in values):
        wire = {}
        for role, f in v.items():
            if len(f) == 1 and isinstance(f.get("features"), Mapping):
                f = f["features"]  # already the wire form {"features": {...}}
            wire[role] = {"features": dict(f)}
        return check_roles(wire, msg, field, allowed)
    try:
        objs = list(values)
    except TypeError:
        fail(msg, field, v, "a dict of roles")
    wire = {}
    for obj in objs:
        role = getattr(obj, "ROLE", None)
        if type(role) is not str:
            fail(msg, field, obj, "role features (a dict or an object with ROLE)")
        feats = {k: val for k, val in vars(obj).items()
                 if not k.startswith("_") and k != "ROLE" and val is not None}
        wire[role] = {"features": feats}
    return check_roles(wire, msg, field, allowed)
