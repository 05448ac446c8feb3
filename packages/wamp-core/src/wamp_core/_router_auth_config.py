"""Checks of one method's entry in a transport's ``auth`` section (Crossbar.io's format).

Used by :mod:`wamp_core.router_auth`. Every problem raises :class:`AuthConfigError`
whose message starts with the path of the key inside the method's entry, e.g.
``principals.joe.ticket: must be a string, got integer``; the router prefixes the
path of the entry itself (``workers[0].transports[0].auth.ticket``).

Accepted, as Crossbar.io's ``checkconfig`` accepts them (``static`` only):

- ``anonymous``: ``type``, ``role``, ``authid``, ``realm``;
- ``ticket``: ``principals`` of ``{ticket, role?}``, optional ``default-role``;
- ``wampcra``: ``users`` of ``{secret, role?, salt?, iterations?, keylen?}``, ``default-role``;
- ``cryptosign``: ``principals`` of ``{authorized_keys: [hex pubkey...], role?, realm?}``;
- ``scram`` (and ``wamp-scram``): ``principals`` of ``{kdf, iterations, memory, salt,
  stored-key, server-key, role?}`` (hex salt and keys).

``dynamic`` and ``function`` authenticators, cryptosign ``trustroots`` and unknown keys
are refused with the key named.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from wamp_core import _scram

__all__ = ["AUTH_METHODS", "AuthConfigError", "check_config"]

#: The methods :mod:`wamp_core.router_auth` serves.
AUTH_METHODS: Final = ("anonymous", "ticket", "wampcra", "cryptosign", "scram", "wamp-scram")

_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")


class AuthConfigError(ValueError):
    """An ``auth`` entry our router cannot serve; the message names the key."""


def _type_name(value: object) -> str:
    for kind, name in ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"),
                       (Mapping, "object"), (list, "array")):
        if isinstance(value, kind):
            return name
    return "null" if value is None else type(value).__name__


def _is_str(value: object) -> bool:
    return isinstance(value, str)


def _is_positive_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _is_hex(size: int) -> Callable[[object], bool]:
    def check(value: object) -> bool:
        if not isinstance(value, str) or len(value) != 2 * size:
            return False
        try:
            bytes.fromhex(value)
        except ValueError:
            return False
        return True

    return check


def _is_hex_text(value: object) -> bool:
    return isinstance(value, str) and len(value) >= 2 and _is_hex(len(value) // 2)(value)


def _is_key_list(value: object) -> bool:
    return (
        isinstance(value, Sequence)
        and not isinstance(value, str)
        and all(isinstance(k, str) and _HEX64.match(k) for k in value)
    )


# key -> (mandatory, check, what the value must be)
_Spec = dict[str, tuple[bool, Callable[[object], bool], str]]

_STR: Final = (False, _is_str, "a string")
_TICKET: Final[_Spec] = {"ticket": (True, _is_str, "a string"), "role": _STR}
_WAMPCRA: Final[_Spec] = {
    "secret": (True, _is_str, "a string"),
    "role": _STR,
    "salt": _STR,
    "iterations": (False, _is_positive_int, "a positive integer"),
    "keylen": (False, _is_positive_int, "a positive integer"),
}
_CRYPTOSIGN: Final[_Spec] = {
    "authorized_keys": (True, _is_key_list, "a list of 64-hex-digit Ed25519 public keys"),
    "role": _STR,
    "realm": _STR,
}
_SCRAM: Final[_Spec] = {
    "kdf": (True, _is_str, "a string"),
    "iterations": (True, _is_positive_int, "a positive integer"),
    "memory": (True, _is_positive_int, "a positive integer"),
    "salt": (True, _is_hex_text, "hex text"),
    "stored-key": (True, _is_hex(32), "64 hex digits"),
    "server-key": (True, _is_hex(32), "64 hex digits"),
    "role": _STR,
}

# method -> (name of the principal map, spec of one principal)
_PRINCIPALS: Final[dict[str, tuple[str, _Spec]]] = {
    "ticket": ("principals", _TICKET),
    "wampcra": ("users", _WAMPCRA),
    "cryptosign": ("principals", _CRYPTOSIGN),
    "scram": ("principals", _SCRAM),
    "wamp-scram": ("principals", _SCRAM),
}


def _check_fields(spec: _Spec, obj: Mapping[str, Any], path: str = "") -> None:
    """Check ``obj`` against ``spec``; ``path`` ("" for the entry itself) starts messages."""
    here = f"{path}: " if path else ""
    for key in obj:
        if key not in spec:
            raise AuthConfigError(f"{here}unknown attribute '{key}' (allowed: {', '.join(spec)})")
    for key, (mandatory, check, what) in spec.items():
        if key not in obj:
            if mandatory:
                raise AuthConfigError(f"{here}missing mandatory attribute '{key}'")
            continue
        if not check(obj[key]):
            where = f"{path}.{key}" if path else key
            raise AuthConfigError(f"{where}: must be {what}, got {_type_name(obj[key])}")


def _check_type(method: str, config: Mapping[str, Any]) -> None:
    kind = config.get("type")
    if kind in ("dynamic", "function"):
        raise AuthConfigError(
            f"type: '{kind}' authenticators are not supported for {method}; "
            f"use 'static' principals"
        )
    if kind != "static":
        raise AuthConfigError(f"type: must be 'static', got {kind!r}")


def check_config(method: str, config: object) -> None:
    """Check the ``auth`` entry ``config`` of ``method``; raise :class:`AuthConfigError` if bad."""
    if method not in AUTH_METHODS:
        raise AuthConfigError(
            f"unknown or unsupported authentication method '{method}' "
            f"(allowed: {', '.join(AUTH_METHODS)})"
        )
    if not isinstance(config, Mapping):
        raise AuthConfigError(f"must be an object, got {_type_name(config)}")
    _check_type(method, config)
    if method == "anonymous":
        _check_fields({"type": _STR, "role": _STR, "authid": _STR, "realm": _STR}, config)
        return
    table, spec = _PRINCIPALS[method]
    allowed = ("type", table, "default-role")
    if method == "cryptosign" and "trustroots" in config:
        raise AuthConfigError("trustroots: cryptosign trustroots (certificates) are not supported")
    for key in config:
        if key not in allowed:
            raise AuthConfigError(f"unknown attribute '{key}' (allowed: {', '.join(allowed)})")
    if "default-role" in config and not isinstance(config["default-role"], str):
        got = _type_name(config["default-role"])
        raise AuthConfigError(f"default-role: must be a string, got {got}")
    principals = config.get(table)
    if not isinstance(principals, Mapping):
        if principals is None:
            raise AuthConfigError(f"missing mandatory attribute '{table}'")
        raise AuthConfigError(f"{table}: must be an object, got {_type_name(principals)}")
    for authid, principal in principals.items():
        path = f"{table}.{authid}"
        if not isinstance(principal, Mapping):
            raise AuthConfigError(f"{path}: must be an object, got {_type_name(principal)}")
        _check_fields(spec, principal, path)
        if method in ("scram", "wamp-scram"):
            kdfs = _scram.VARIANTS[method].kdfs
            if principal["kdf"] not in kdfs:
                raise AuthConfigError(
                    f"{path}.kdf: unknown KDF {principal['kdf']!r} (allowed: {', '.join(kdfs)})"
                )
