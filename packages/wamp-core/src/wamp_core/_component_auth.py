"""Checking a Component's ``authentication=`` configuration.

``authentication`` maps an authentication method to the keyword arguments of its
authenticator, as in Autobahn|Python::

    authentication={
        "ticket": {"authid": "joe", "ticket": "secret!!!"},
        "cryptosign": {"privkey": "<64 hex digits: the Ed25519 seed>"},
    }

Several methods may be given; the session offers all of them in HELLO. A value may also be
an authenticator object (``IAuthenticator``) used as it is. Every method accepts ``authid``,
``authrole`` and ``authextra``; each needs the keys listed in :data:`AUTH_METHODS`. After
these checks one authenticator is built from the options (and dropped), so that what only
:mod:`wamp_core.auth` can tell (an unreadable key file, a ``pubkey`` that does not match the
private key) fails when the Component is created; each session gets fresh authenticators.
"""

from __future__ import annotations

import copy
import importlib
import re
from collections.abc import Callable
from typing import Any, Final

from wamp_core.interfaces import IAuthenticator

__all__ = ["AUTH_METHODS", "check_authentication", "is_authenticator"]

_COMMON: Final = ("authid", "authrole", "authextra")
_CRYPTOSIGN: Final = ((), ("privkey", "privkey_file", *_COMMON))

AUTH_METHODS: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    # method: (required keys, optional keys)
    "anonymous": ((), _COMMON),
    "ticket": (("ticket",), _COMMON),
    "wampcra": (("authid", "secret"), ("authrole", "authextra")),
    "cryptosign": _CRYPTOSIGN,
    "scram": (("authid", "password"), ("authrole", "authextra")),
    # Crossbar.io's proxy variants and the specification's SCRAM (wamp_core.auth has them)
    "anonymous-proxy": ((), _COMMON),
    "cryptosign-proxy": _CRYPTOSIGN,
    "wamp-scram": (("authid", "password"), ("authrole", "authextra")),
}
CHANNEL_BINDINGS: Final = (None, "tls-unique", "tls-exporter")
_HEX_KEY: Final = re.compile(r"^[0-9a-fA-F]{64}$")


def is_authenticator(value: Any) -> bool:
    """Whether ``value`` is an authenticator object rather than a dict of options."""
    if IAuthenticator.providedBy(value):
        return True
    return not isinstance(value, dict) and callable(getattr(value, "on_challenge", None))


def _str(value: Any) -> str | None:
    return None if isinstance(value, str) and value else "a non-empty str"


def _opt_str(value: Any) -> str | None:
    return None if value is None else _str(value)


def _secret(value: Any) -> str | None:
    return None if isinstance(value, str | bytes) and value else "a non-empty str or bytes"


def _privkey(value: Any) -> str | None:
    if isinstance(value, str) and _HEX_KEY.match(value):
        return None
    if isinstance(value, bytes) and len(value) == 32:
        return None
    if not isinstance(value, str | bytes) and hasattr(value, "sign_challenge"):
        return None  # a key object (wamp_core.cryptosign.CryptosignKey)
    return "64 hex digits or 32 bytes (the Ed25519 seed), or a CryptosignKey"


def _dict(value: Any) -> str | None:
    return None if isinstance(value, dict) else "a dict"


_VALUE_CHECKS: Final[dict[str, Callable[[Any], str | None]]] = {
    "authid": _opt_str,
    "authrole": _opt_str,
    "authextra": _dict,
    "ticket": _str,
    "secret": _secret,
    "privkey": _privkey,
    "privkey_file": _str,
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
    if method in ("cryptosign", "cryptosign-proxy"):
        _check_cryptosign(where, options)
    _try_create(where, method, options)
    return dict(options)


def _check_cryptosign(where: str, options: dict[str, Any]) -> None:
    if ("privkey" in options) == ("privkey_file" in options):
        raise ValueError(f"{where}: give 'privkey' (the key) or 'privkey_file' (an OpenSSH "
                         "key file), exactly one of them")
    authextra = options.get("authextra") or {}
    binding = authextra.get("channel_binding")
    if binding not in CHANNEL_BINDINGS:
        raise ValueError(f"{where}: authextra 'channel_binding' must be None, 'tls-unique' or "
                         f"'tls-exporter', not {binding!r}")
    pubkey = authextra.get("pubkey")
    if pubkey is not None and not (isinstance(pubkey, str) and _HEX_KEY.match(pubkey)):
        raise ValueError(f"{where}: authextra 'pubkey' must be 64 hex digits, not {pubkey!r}")


def _try_create(where: str, method: str, options: dict[str, Any]) -> None:
    """Build the authenticator once, so what only it knows (a key file, a key that does not
    match ``pubkey``) fails now; sessions get fresh ones."""
    try:
        auth = importlib.import_module("wamp_core.auth")
    except ImportError:  # pragma: no cover - the auth module is part of wamp_core
        return
    try:
        auth.create_authenticator(method, **copy.deepcopy(options))
    except (TypeError, ValueError, OSError) as exc:
        raise ValueError(f"{where}: {exc}") from None


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
