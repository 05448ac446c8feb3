"""UriMap: exact, prefix and wildcard matching, and the spec's registration precedence."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wamp_core.router.matching import UriMap

# WAMP advanced profile, "Pattern-based Registrations", examples.
SPEC_REGISTRATIONS = [
    ("a1.b2.c3.d4.e55", "exact", 1),
    ("a1.b2.c3", "prefix", 2),
    ("a1.b2.c3.d4", "prefix", 3),
    ("a1.b2..d4.e5", "wildcard", 4),
    ("a1.b2.c3..e5", "wildcard", 5),
    ("a1.b2..d4.e5..g7", "wildcard", 6),
    ("a1.b2..d4..f6.g7", "wildcard", 7),
]


@pytest.fixture
def spec_map() -> UriMap[int]:
    m: UriMap[int] = UriMap()
    for uri, match, n in SPEC_REGISTRATIONS:
        m.add(uri, match, n)
    return m


@pytest.mark.parametrize(("uri", "expected"), [
    ("a1.b2.c3.d4.e55", 1),
    ("a1.b2.c3.d98.e74", 2),
    ("a1.b2.c3.d4.e325", 3),
    ("a1.b2.c55.d4.e5", 4),
    ("a1.b2.c3.d4.e5", 3),  # prefix 3 beats the wildcards (spec: prefix before wildcard)
    ("a1.b2.c88.d4.e5.f6.g7", 6),
    ("a2.b2.c2.d2.e2", None),
])
def test_spec_precedence(spec_map: UriMap[int], uri: str, expected: int | None) -> None:
    assert spec_map.best(uri) == expected


def test_spec_wildcard_tie_rules(spec_map: UriMap[int]) -> None:
    # without the prefix registrations, the spec's wildcard examples pick 5 and 6
    m: UriMap[int] = UriMap()
    for uri, match, n in SPEC_REGISTRATIONS:
        if match == "wildcard":
            m.add(uri, match, n)
    assert m.best("a1.b2.c3.d4.e5") == 5
    assert m.best("a1.b2.c88.d4.e5.f6.g7") == 6
    assert m.best("a1.b2.c55.d4.e5") == 4


def test_prefix_is_a_string_prefix() -> None:
    m: UriMap[str] = UriMap()
    m.add("com.myapp.myobject1", "prefix", "p")
    for uri in ("com.myapp.myobject1.myprocedure1", "com.myapp.myobject1-mysubobject1",
                "com.myapp.myobject1"):
        assert m.best(uri) == "p"
        assert m.match_all(uri) == ["p"]
    for uri in ("com.myapp.myobject2", "com.myapp.myobject"):
        assert m.best(uri) is None
        assert m.match_all(uri) == []


def test_wildcard_matches_whole_components_only() -> None:
    m: UriMap[str] = UriMap()
    m.add("com.myapp..myprocedure1", "wildcard", "w")
    assert m.match_all("com.myapp.myobject1.myprocedure1") == ["w"]
    assert m.match_all("com.myapp.myobject2.myprocedure1") == ["w"]
    for uri in ("com.myapp.myobject1.myprocedure1.mysubprocedure1",
                "com.myapp.myobject1.myprocedure2", "com.myapp2.myobject1.myprocedure1"):
        assert m.match_all(uri) == []


def test_match_all_returns_every_policy() -> None:
    m: UriMap[str] = UriMap()
    m.add("a.b.c", "exact", "e")
    m.add("a.b", "prefix", "p1")
    m.add("a", "prefix", "p2")
    m.add("", "prefix", "all")
    m.add("a..c", "wildcard", "w1")
    m.add("..c", "wildcard", "w2")
    assert sorted(m.match_all("a.b.c")) == sorted(["e", "p1", "p2", "all", "w1", "w2"])
    assert m.match_all("x.y") == ["all"]


def test_add_get_remove_and_pruning() -> None:
    m: UriMap[str] = UriMap()
    m.add("a..c", "wildcard", "w")
    m.add("a.b", "prefix", "p")
    m.add("a.b", "exact", "e")
    assert len(m) == 3
    with pytest.raises(KeyError):
        m.add("a.b", "exact", "again")
    assert m.get("a..c", "wildcard") == "w"
    assert m.get("a.b", "prefix") == "p"
    assert m.get("a..d", "wildcard") is None
    assert m.remove("a..c", "wildcard") == "w"
    assert m.remove("a..c", "wildcard") is None
    assert not m.has_wildcards()
    assert m._wild == {}  # the trie was pruned
    assert m.remove("a.b", "prefix") == "p"
    assert m._prefix == {} and m._lengths == ()
    assert sorted(m.entries()) == ["e"]
    with pytest.raises(ValueError, match="match policy"):
        m.get("a", "regex")


def test_remove_keeps_sibling_branches() -> None:
    m: UriMap[int] = UriMap()
    m.add("a..c", "wildcard", 1)
    m.add("a.b.c", "wildcard", 2)
    m.add("a..", "wildcard", 3)
    m.remove("a..c", "wildcard")
    assert m.best_wildcard("a.x.c") == 3
    assert m.best_wildcard("a.b.c") == 2
    assert sorted(m.entries("wildcard")) == [2, 3]


def _brute_match(pattern: str, match: str, uri: str) -> bool:
    if match == "exact":
        return pattern == uri
    if match == "prefix":
        return uri.startswith(pattern)
    pc, uc = pattern.split("."), uri.split(".")
    return len(pc) == len(uc) and all(p == "" or p == u for p, u in zip(pc, uc, strict=True))


_comp = st.sampled_from(["a", "b", "c"])
_uris = st.lists(_comp, min_size=1, max_size=4).map(".".join)
_patterns = st.lists(st.sampled_from(["a", "b", "c", ""]), min_size=1, max_size=4).map(".".join)


@settings(max_examples=200, deadline=None)
@given(entries=st.lists(st.tuples(_patterns, st.sampled_from(["exact", "prefix", "wildcard"])),
                        max_size=12, unique=True),
       uri=_uris)
def test_match_all_agrees_with_brute_force(entries: list[tuple[str, str]], uri: str) -> None:
    m: UriMap[tuple[str, str]] = UriMap()
    for pattern, match in entries:
        m.add(pattern, match, (pattern, match))
    expected = {e for e in entries if _brute_match(e[0], e[1], uri)}
    assert set(m.match_all(uri)) == expected
    best = m.best(uri)
    if not expected:
        assert best is None
    else:
        assert best in expected
        exact = [e for e in expected if e[1] == "exact"]
        prefixes = sorted((e for e in expected if e[1] == "prefix"), key=lambda e: -len(e[0]))
        if exact:
            assert best == exact[0]
        elif prefixes:
            assert best == prefixes[0]
        else:
            def key(e: tuple[str, str]) -> list[int]:
                return [0 if c == "" else 1 for c in e[0].split(".")]
            assert key(best) == max(key(e) for e in expected)
