"""Checking a Component's ``authentication=`` configuration.

``authentication`` maps an authentication method to the keyword arguments of its
authenticator, as in Autobahn|Python::

    authentication={
        "ticket": {"authid": "joe", "ticket": "secret!!!"},
        "cryptosign": {"privkey": "<64 hex digits: the Ed25519 seed>"},
    }

Several methods may be given; the session offers all of them in HELLO. A value may also be
an authenticator object (``IAuthenticator``) used as it is. Every method accepts ``authid``,
``authrole`` and ``authextra``; each needs the keys listed in :data:`AUTH_METHODS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

from wamp_core.interfaces import IAuthenticator

__all__ = ["AUTH_METHODS", "check_authentication", "is_authenticator"]

_COMMON: Final = ("authid", "authrole", "authextra")

AUTH_METHODS: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    # method: (required keys, optional keys)
    "anonymous": ((), _COMMON),
    "ticket": (("ticket",), _COMMON),
    "wampcra": (("authid", "secret"), ("authrole", "authextra")),
    "cryptosign": (("privkey",), _COMMON),
    "scram": (("authid", "password"), ("authrole", "authextra")),
}
CHANNEL_BINDINGS: Final = (None, "tls-unique")
_HEX_KEY: Final = re.compile(r"^[0-9a-fA-F]{64}$")


def is_authenticator(value: Any) -> bool:
    """Whether ``value`` is an authenticator object rather than a dict of options."""
    if IAuthenticator.providedBy(value):
        return True
    return not isinstance(value, dict) and callable(getattr(value, "on_challenge", None))


def _str(value: Any) -> str | None:
    return None if isinstance(value, str) and value else "a non-empty str"


def _secret(value: Any) -> str | None:
    return None if isinstance(value, str | bytes) and value else "a non-empty str or bytes"


def _hex_key(value: Any) -> str | None:
    if isinstance(value, str) and _HEX_KEY.match(value):
        return None
    return "64 hex digits (a 32-byte Ed25519 seed)"


def _dict(value: Any) -> str | None:
    return None if isinstance(value, dict) else "a dict"


_VALUE_CHECKS: Final[dict[str, Callable[[Any], str | None]]] = {
    "authid": _str,
    "authrole": _str,
    "authextra": _dict,
    "ticket": _str,
    "secret": _secret,
    "privkey": _hex_key,
    "password": _str,
}


def _check_method(method: str, options: dict[Any, Any]) -> dict[str, Any]:
    where = f"authentication {method!r}"
    required, optional = AUTH_METHODS[method]
    for key in options:
        if key not in required and key not in optional:
            allowed = ", ".join((*required, *optional))
            raise ValueError(f"{where}: unknown key {key!r} (allowed: {allowed})")
    for key in required:
        if key not in options:
            raise ValueError(f"{where}: {key!r} is required ({method} needs "
                             f"{' and '.join(repr(k) for k in required)})")
    for key, value in options.items():
        problem = _VALUE_CHECKS[key](value)
        if problem:
            raise ValueError(f"{where}: {key!r} must be {problem}, not {value!r}")
    if method == "cryptosign":
        _check_cryptosign_extra(where, options.get("authextra") or {})
    return dict(options)


def _check_cryptosign_extra(where: str, authextra: dict[str, Any]) -> None:
    binding = authextra.get("channel_binding")
    if binding not in CHANNEL_BINDINGS:
        raise ValueError(f"{where}: authextra 'channel_binding' must be None or 'tls-unique', "
                         f"not {binding!r}")
    pubkey = authextra.get("pubkey")
    if pubkey is not None and _hex_key(pubkey):
        raise ValueError(f"{where}: authextra 'pubkey' must be 64 hex digits, not {pubkey!r}")


def check_authentication(authentication: Any) -> dict[str, Any]:
    """Check ``authentication=``; a copy with each method's options (or authenticator)."""
    if authentication is None:
        return {}
    if not isinstance(authentication, dict):
        raise ValueError("authentication must be a dict {method: {options}}, "
                         f"not {type(authentication).__name__}")
    out: dict[str, Any] = {}
    for method, options in authentication.items():
        if method not in AUTH_METHODS:
            raise ValueError(f"authentication: unknown method {method!r} "
                             f"(allowed: {', '.join(AUTH_METHODS)})")
        if is_authenticator(options):
            out[method] = options
        elif isinstance(options, dict):
            out[method] = _check_method(method, options)
        else:
            raise ValueError(f"authentication {method!r}: must be a dict of options or an "
                             f"authenticator object, not {type(options).__name__}")
    return out
