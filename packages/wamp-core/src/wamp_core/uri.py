"""WAMP URIs: validation of URIs, URI patterns and realm names.

The rules (WAMP basic profile, "Identifiers" / "URIs"):

- A URI is a Unicode string of components separated by ``.``.
- Loose rule (MUST): a component contains no ``.``, no ``#``, no whitespace,
  and is not empty.
- Strict rule (SHOULD): a component contains only ``[0-9a-z_]``.
- Empty components may only appear in URI *patterns* of the advanced profile:
  a ``wildcard`` pattern may have empty components anywhere (each one matches
  any single component), a ``prefix`` pattern may end with an empty component
  (``com.example.`` as written by Autobahn's ``com.example.*``), an ``exact``
  URI has none.
- Application URIs must not begin with the reserved component ``wamp``.
- A realm is a URI (loose rule). Crossbar.io and Autobahn use a tighter
  realm-name rule; :func:`check_or_raise_realm_name` implements that one.

Checks use precompiled regular expressions behind a bounded cache of URIs
already found valid, so the URIs a session uses over and over cost one dict
lookup. The decorators (``register``, ``subscribe``, ``error``), ``Pattern`` and
``convert_starred_uri`` of Autobahn's ``autobahn.wamp.uri`` are re-exported from
:mod:`wamp_core.decorators`.
"""

from __future__ import annotations

import re
from typing import Any, Final

from wamp_core.decorators import Pattern, convert_starred_uri, error, register, subscribe
from wamp_core.exception import InvalidUriError

__all__ = [
    "MATCH_EXACT",
    "MATCH_POLICIES",
    "MATCH_PREFIX",
    "MATCH_WILDCARD",
    "Pattern",
    "check_or_raise_realm_name",
    "check_or_raise_uri",
    "check_pattern",
    "check_realm",
    "check_uri",
    "convert_starred_uri",
    "error",
    "identify_realm_name_category",
    "is_reserved_uri",
    "is_valid_pattern",
    "is_valid_realm",
    "is_valid_uri",
    "register",
    "subscribe",
]

MATCH_EXACT: Final = "exact"
"""Match policy: the URI is compared for equality."""
MATCH_PREFIX: Final = "prefix"
"""Match policy: the URI is a prefix of the URIs it matches."""
MATCH_WILDCARD: Final = "wildcard"
"""Match policy: empty components of the URI match any single component."""
MATCH_POLICIES: Final = frozenset((MATCH_EXACT, MATCH_PREFIX, MATCH_WILDCARD))
"""The match policies of pattern-based subscriptions and registrations."""

# Component classes: loose excludes ".", "#" and whitespace; strict allows [0-9a-z_].
_LOOSE_C = r"[^\s.#]"
_STRICT_C = r"[0-9a-z_]"


def _patterns(c: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The exact, prefix and wildcard patterns (used with fullmatch) for a component class."""
    exact = re.compile(rf"(?:{c}+\.)*{c}+")
    prefix = re.compile(rf"(?:{c}+\.)*{c}*")
    wildcard = re.compile(rf"(?:{c}+\.|\.)*{c}*")
    return exact, prefix, wildcard


_LOOSE = dict(zip((MATCH_EXACT, MATCH_PREFIX, MATCH_WILDCARD), _patterns(_LOOSE_C), strict=True))
_STRICT = dict(zip((MATCH_EXACT, MATCH_PREFIX, MATCH_WILDCARD), _patterns(_STRICT_C), strict=True))

# Autobahn / Crossbar.io realm names, and Ethereum forms Autobahn accepts.
_REALM_NAME = re.compile(r"[A-Za-z][A-Za-z\d_\-@.]{2,254}")
_REALM_NAME_ETH = re.compile(r"0x[A-Fa-f\d]{40}")
_REALM_NAME_ENS = re.compile(r"[a-z\d_\-@.]{2,250}\.eth")
_REALM_NAME_ENS_REVERSE = re.compile(r"eth\.[a-z\d_\-@.]{2,250}")

# URIs already found valid, per (strict, policy). Bounded: cleared when full.
_CACHE_LIMIT: Final = 4096
_valid: dict[tuple[bool, str], dict[str, None]] = {
    (strict, policy): {} for strict in (False, True) for policy in MATCH_POLICIES
}


def is_valid_pattern(uri: object, match: str = MATCH_EXACT, strict: bool = False) -> bool:
    """Whether ``uri`` is a valid URI pattern for the match policy ``match``.

    ``match`` is ``"exact"`` (no empty component), ``"prefix"`` (the last
    component may be empty) or ``"wildcard"`` (any component may be empty).
    A non-string is never valid; an unknown policy raises ``ValueError``.
    """
    if type(uri) is not str:
        return False
    try:
        cache = _valid[(strict, match)]
    except KeyError:
        raise ValueError(f"unknown match policy {match!r} (use exact, prefix or wildcard)")
    if uri in cache:
        return True
    table = _STRICT if strict else _LOOSE
    if table[match].fullmatch(uri) is None:
        return False
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[uri] = None
    return True


def is_valid_uri(uri: object, strict: bool = False, allow_empty: bool = False) -> bool:
    """Whether ``uri`` is a valid URI; with ``allow_empty`` empty components are allowed."""
    return is_valid_pattern(uri, MATCH_WILDCARD if allow_empty else MATCH_EXACT, strict)


def _describe(uri: object, strict: bool, match: str) -> str:
    rule = "strict" if strict else "loose"
    if type(uri) is not str:
        return f"invalid URI {uri!r}: a URI must be a string, not {type(uri).__name__}"
    shown = uri if len(uri) <= 200 else uri[:200] + "..."
    if match == MATCH_EXACT:
        what = "components must be non-empty"
    elif match == MATCH_PREFIX:
        what = "only the last component may be empty"
    else:
        what = "empty components allowed"
    chars = "[0-9a-z_]" if strict else "no '.', '#' or whitespace"
    return f"invalid URI {shown!r} ({rule} rule, {match} match: {chars}; {what})"


def check_uri(uri: object, strict: bool = False, allow_empty: bool = False) -> str:
    """Return ``uri`` if it is a valid URI, else raise :class:`InvalidUriError`.

    ``allow_empty`` allows empty components (wildcard patterns).
    """
    match = MATCH_WILDCARD if allow_empty else MATCH_EXACT
    if is_valid_pattern(uri, match, strict):
        return uri  # type: ignore[return-value]
    raise InvalidUriError(_describe(uri, strict, match))


def check_pattern(uri: object, match: str = MATCH_EXACT, strict: bool = False) -> str:
    """Return ``uri`` if it is valid for the match policy ``match``, else raise InvalidUriError."""
    if is_valid_pattern(uri, match, strict):
        return uri  # type: ignore[return-value]
    raise InvalidUriError(_describe(uri, strict, match))


def is_reserved_uri(uri: str) -> bool:
    """Whether ``uri`` is in the ``wamp`` namespace reserved for the protocol itself."""
    return uri == "wamp" or uri.startswith("wamp.")


def is_valid_realm(realm: object, strict: bool = False) -> bool:
    """Whether ``realm`` is a valid realm: a URI without empty components."""
    return is_valid_pattern(realm, MATCH_EXACT, strict)


def check_realm(realm: object, strict: bool = False) -> str:
    """Return ``realm`` if it is a valid realm (a URI), else raise :class:`InvalidUriError`."""
    if is_valid_pattern(realm, MATCH_EXACT, strict):
        return realm  # type: ignore[return-value]
    raise InvalidUriError(_describe(realm, strict, MATCH_EXACT).replace("URI", "realm", 1))


def check_or_raise_uri(
    value: Any,
    message: str = "WAMP message invalid",
    strict: bool = False,
    allow_empty_components: bool = False,
    allow_last_empty: bool = False,
    allow_none: bool = False,
) -> str | None:
    """Autobahn's URI check: return ``value`` if valid, else raise InvalidUriError.

    ``message`` prefixes the error text. ``allow_last_empty`` is the prefix
    rule, ``allow_empty_components`` the wildcard rule; ``allow_none`` accepts
    ``None`` (and returns it).
    """
    if value is None:
        if allow_none:
            return None
        raise InvalidUriError(f"{message}: URI cannot be null")
    if allow_last_empty:
        match = MATCH_PREFIX
    elif allow_empty_components:
        match = MATCH_WILDCARD
    else:
        match = MATCH_EXACT
    if is_valid_pattern(value, match, strict):
        return value  # type: ignore[no-any-return]
    raise InvalidUriError(f"{message}: {_describe(value, strict, match)}")


def identify_realm_name_category(value: Any) -> str | None:
    """Autobahn's realm name categories: ``"standalone"``, ``"eth"``, ``"ens"``,
    ``"reverse_ens"``, or ``None`` when ``value`` is not a realm name."""
    if type(value) is not str:
        return None
    if _REALM_NAME.fullmatch(value):
        if _REALM_NAME_ENS.fullmatch(value):
            return "ens"
        if _REALM_NAME_ENS_REVERSE.fullmatch(value):
            return "reverse_ens"
        return "standalone"
    if _REALM_NAME_ETH.fullmatch(value):
        return "eth"
    return None


def check_or_raise_realm_name(
    value: Any, message: str = "WAMP message invalid", allow_eth: bool = True
) -> str:
    """Autobahn's (and Crossbar.io's) realm-name rule, tighter than the spec's.

    A letter, then 2 to 254 of ``[A-Za-z0-9_-@.]``; with ``allow_eth`` also a
    ``0x`` Ethereum address. Raises :class:`InvalidUriError` otherwise.
    """
    if value is None:
        raise InvalidUriError(f"{message}: realm name cannot be null")
    if type(value) is not str:
        raise InvalidUriError(f"{message}: invalid type {type(value).__name__} for realm name")
    if _REALM_NAME.fullmatch(value) or (allow_eth and _REALM_NAME_ETH.fullmatch(value)):
        return value
    allowed = "a letter then 2-254 of [A-Za-z0-9_-@.]"
    if allow_eth:
        allowed += ", or a 0x-prefixed Ethereum address"
    raise InvalidUriError(f"{message}: invalid realm name {value!r} ({allowed})")
