"""URI rules of the spec: loose and strict, exact / prefix / wildcard patterns, realm names."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wamp_core import uri
from wamp_core.exception import InvalidUriError
from wamp_core.uri import (
    MATCH_EXACT,
    MATCH_POLICIES,
    MATCH_PREFIX,
    MATCH_WILDCARD,
    check_or_raise_realm_name,
    check_or_raise_uri,
    check_pattern,
    check_realm,
    check_uri,
    identify_realm_name_category,
    is_reserved_uri,
    is_valid_pattern,
    is_valid_realm,
    is_valid_uri,
)

# uri, loose exact, strict exact, prefix (loose), wildcard (loose)
CASES = [
    ("com.example.proc", True, True, True, True),
    ("com", True, True, True, True),
    ("com.Example.Proc", True, False, True, True),
    ("com.example.proc-1", True, False, True, True),
    ("com.ex@mple.√", True, False, True, True),
    ("a_1.b_2", True, True, True, True),
    ("com.example.", False, False, True, True),
    ("", False, False, True, True),
    ("com..proc", False, False, False, True),
    (".com.proc", False, False, False, True),
    ("..", False, False, False, True),
    ("com.exa mple", False, False, False, False),
    ("com.example\t", False, False, False, False),
    ("com.ex#ample", False, False, False, False),
    ("com.example\u00a0x", False, False, False, False),  # no-break space is whitespace
    ("com.example.#", False, False, False, False),
]


@pytest.mark.parametrize(("value", "loose", "strict", "prefix", "wildcard"), CASES)
def test_rules(value: str, loose: bool, strict: bool, prefix: bool, wildcard: bool) -> None:
    assert is_valid_uri(value) is loose
    assert is_valid_uri(value, strict=True) is strict
    assert is_valid_pattern(value, MATCH_EXACT) is loose
    assert is_valid_pattern(value, MATCH_PREFIX) is prefix
    assert is_valid_pattern(value, MATCH_WILDCARD) is wildcard
    assert is_valid_uri(value, allow_empty=True) is wildcard
    # twice: the second answer comes from the cache of valid URIs
    assert is_valid_pattern(value, MATCH_PREFIX) is prefix


def test_strict_patterns() -> None:
    assert is_valid_pattern("com..proc", MATCH_WILDCARD, strict=True)
    assert not is_valid_pattern("Com..proc", MATCH_WILDCARD, strict=True)
    assert is_valid_pattern("com.example.", MATCH_PREFIX, strict=True)
    assert not is_valid_pattern("com.exam-ple.", MATCH_PREFIX, strict=True)


def test_non_strings_are_never_valid() -> None:
    for value in (None, 1, b"a.b", ["a.b"], True):
        assert not is_valid_uri(value)
        assert not is_valid_pattern(value, MATCH_WILDCARD)
        assert not is_valid_realm(value)


def test_unknown_policy() -> None:
    with pytest.raises(ValueError, match="unknown match policy 'regex'"):
        is_valid_pattern("a.b", "regex")


def test_check_uri_raises_invalid_uri_error_with_the_rule() -> None:
    assert check_uri("a.b") == "a.b"
    assert check_uri("a..b", allow_empty=True) == "a..b"
    with pytest.raises(InvalidUriError, match=r"invalid URI 'a\.\.b' \(loose rule, exact match"):
        check_uri("a..b")
    with pytest.raises(InvalidUriError, match=r"strict rule.*\[0-9a-z_\]"):
        check_uri("A.b", strict=True)
    with pytest.raises(InvalidUriError, match="a URI must be a string, not int"):
        check_uri(5)
    with pytest.raises(InvalidUriError, match="only the last component may be empty"):
        check_pattern("a..b.", MATCH_PREFIX)
    assert check_pattern("a.b.", MATCH_PREFIX) == "a.b."
    assert issubclass(InvalidUriError, ValueError)


def test_long_uris_are_shortened_in_errors() -> None:
    with pytest.raises(InvalidUriError) as info:
        check_uri("a" * 10_000 + " b")
    assert len(str(info.value)) < 400


def test_match_policies() -> None:
    assert (MATCH_EXACT, MATCH_PREFIX, MATCH_WILDCARD) == ("exact", "prefix", "wildcard")
    assert frozenset({"exact", "prefix", "wildcard"}) == MATCH_POLICIES


def test_reserved() -> None:
    assert is_reserved_uri("wamp")
    assert is_reserved_uri("wamp.session.on_join")
    assert not is_reserved_uri("wampy.session")
    assert not is_reserved_uri("com.wamp")


def test_realms_follow_the_uri_rule() -> None:
    assert check_realm("realm1") == "realm1"
    assert is_valid_realm("com.example.realm")
    assert not is_valid_realm("com..realm")
    with pytest.raises(InvalidUriError, match="invalid realm 'my realm'"):
        check_realm("my realm")


def test_autobahn_check_or_raise_uri() -> None:
    assert check_or_raise_uri("a.b") == "a.b"
    assert check_or_raise_uri(None, allow_none=True) is None
    assert check_or_raise_uri("a.b.", allow_last_empty=True) == "a.b."
    assert check_or_raise_uri("a..b", allow_empty_components=True) == "a..b"
    with pytest.raises(InvalidUriError, match=r"^'topic' in SUBSCRIBE: URI cannot be null$"):
        check_or_raise_uri(None, "'topic' in SUBSCRIBE")
    with pytest.raises(InvalidUriError, match=r"^WAMP message invalid: invalid URI 'a\.\.b'"):
        check_or_raise_uri("a..b")


def test_autobahn_realm_names() -> None:
    assert check_or_raise_realm_name("realm1") == "realm1"
    addr = "0xe59C7418403CF1D973485B36660728a5f4A8fF9c"
    assert check_or_raise_realm_name(addr) == addr
    with pytest.raises(InvalidUriError, match="invalid realm name"):
        check_or_raise_realm_name(addr, allow_eth=False)
    with pytest.raises(InvalidUriError, match="realm name cannot be null"):
        check_or_raise_realm_name(None)
    with pytest.raises(InvalidUriError, match="invalid type int for realm name"):
        check_or_raise_realm_name(3)
    with pytest.raises(InvalidUriError, match="invalid realm name 'r1'"):
        check_or_raise_realm_name("r1")
    assert identify_realm_name_category("realm1") == "standalone"
    assert identify_realm_name_category("wamp-proto.eth") == "ens"
    assert identify_realm_name_category("eth.wamp-proto") == "reverse_ens"
    assert identify_realm_name_category(addr) == "eth"
    assert identify_realm_name_category("1realm") is None
    assert identify_realm_name_category(None) is None


def test_cache_is_bounded() -> None:
    cache = uri._valid[(False, MATCH_EXACT)]
    for i in range(uri._CACHE_LIMIT + 10):
        assert is_valid_uri(f"com.example.u{i}")
    assert len(cache) <= uri._CACHE_LIMIT
    assert is_valid_uri("com.example.u1")


def test_no_catastrophic_backtracking() -> None:
    # Near-miss inputs of 100k characters are answered (they would hang a
    # backtracking-prone pattern; no timing is asserted).
    for text in ("a." * 50_000 + " ", "a" * 100_000 + "#", "." * 100_000 + " "):
        assert not is_valid_uri(text)
        assert not is_valid_pattern(text, MATCH_WILDCARD)
        assert not is_valid_pattern(text, MATCH_PREFIX)


component = st.text(alphabet=st.characters(blacklist_categories=("Zs", "Cc"),
                                           blacklist_characters=".#"), min_size=1, max_size=5)


@settings(max_examples=200, deadline=None)
@given(st.lists(component, min_size=1, max_size=5))
def test_joined_components_are_valid(parts: list[str]) -> None:
    value = ".".join(parts)
    if any(c.isspace() for c in value):
        return
    assert is_valid_uri(value)
    assert is_valid_pattern(value + ".", MATCH_PREFIX)
    assert not is_valid_uri(value + ".")
    assert is_valid_pattern(value + "..x", MATCH_WILDCARD)
    assert not is_valid_pattern(value + "..x", MATCH_PREFIX)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20))
def test_rule_agrees_with_a_plain_definition(value: str) -> None:
    parts = value.split(".")

    def ok(part: str) -> bool:
        return "#" not in part and not any(c.isspace() for c in part)

    exact = all(p and ok(p) for p in parts)
    wildcard = all(ok(p) for p in parts)
    prefix = all(p and ok(p) for p in parts[:-1]) and ok(parts[-1])
    assert is_valid_pattern(value, MATCH_EXACT) is exact
    assert is_valid_pattern(value, MATCH_WILDCARD) is wildcard
    assert is_valid_pattern(value, MATCH_PREFIX) is prefix
