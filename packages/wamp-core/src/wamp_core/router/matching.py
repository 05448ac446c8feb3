"""URI matching for subscriptions, registrations and permissions.

An :class:`UriMap` indexes entries (subscriptions, registrations, permissions)
by ``(uri, match)`` and answers "which entries match this concrete URI" with a
cost that does not grow with the number of entries:

- ``exact``: one dict lookup.
- ``prefix``: the spec's prefix match is a *string* prefix
  (``com.myapp.myobject1`` matches ``com.myapp.myobject1-mysubobject1``), so
  prefix entries are kept in one dict per prefix length; a lookup tries each
  length in use (longest first), one slice and one dict lookup each. The number
  of distinct lengths is bounded by the longest URI, not by the entry count.
- ``wildcard``: a pattern with ``n`` components only matches URIs with ``n``
  components, so patterns are kept in one component trie per component count;
  a lookup walks the trie of the URI's component count, following the child of
  the concrete component and the wildcard child (empty component).

Precedence for a single best match (registrations, WAMP advanced profile
"Pattern-based Registrations"): exact, then the longest prefix, then the
wildcard pattern whose literal portions before each wildcard are longest,
compared portion by portion. Walking the trie depth first with the concrete
child before the wildcard child meets the wildcard patterns in exactly that
order, so the first one found is the best.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final, Generic, TypeVar

from wamp_core.uri import MATCH_EXACT, MATCH_PREFIX, MATCH_WILDCARD

__all__ = ["MATCH_CACHE_LIMIT", "UriMap"]

T = TypeVar("T")

MATCH_CACHE_LIMIT: Final = 4096
"""How many URIs the broker and the dealer remember the matches of (then they start over)."""


class _Node(Generic[T]):
    """A wildcard trie node: children by component ("" is the wildcard child)."""

    __slots__ = ("children", "entry")

    def __init__(self) -> None:
        self.children: dict[str, _Node[T]] = {}
        self.entry: T | None = None


class UriMap(Generic[T]):
    """Entries indexed by ``(uri, match)``; see the module text."""

    __slots__ = ("_exact", "_lengths", "_prefix", "_wild", "_wild_count")

    def __init__(self) -> None:
        self._exact: dict[str, T] = {}
        self._prefix: dict[int, dict[str, T]] = {}
        self._lengths: tuple[int, ...] = ()  # prefix lengths in use, longest first
        self._wild: dict[int, _Node[T]] = {}
        self._wild_count = 0

    # -- maintenance ------------------------------------------------------

    def get(self, uri: str, match: str) -> T | None:
        """The entry stored under exactly ``(uri, match)``, or ``None``."""
        if match == MATCH_EXACT:
            return self._exact.get(uri)
        if match == MATCH_PREFIX:
            table = self._prefix.get(len(uri))
            return None if table is None else table.get(uri)
        if match == MATCH_WILDCARD:
            node = self._wild_node(uri, create=False)
            return None if node is None else node.entry
        raise ValueError(f"unknown match policy {match!r} (use exact, prefix or wildcard)")

    def add(self, uri: str, match: str, entry: T) -> None:
        """Store ``entry`` under ``(uri, match)``; raise ``KeyError`` if one is there."""
        if self.get(uri, match) is not None:
            raise KeyError(f"an entry for {uri!r} ({match}) exists")
        if match == MATCH_EXACT:
            self._exact[uri] = entry
        elif match == MATCH_PREFIX:
            n = len(uri)
            table = self._prefix.get(n)
            if table is None:
                table = self._prefix[n] = {}
                self._lengths = tuple(sorted(self._prefix, reverse=True))
            table[uri] = entry
        else:
            node = self._wild_node(uri, create=True)
            if node is None:  # pragma: no cover - create=True always gives a node
                raise RuntimeError("wildcard trie")
            node.entry = entry
            self._wild_count += 1

    def remove(self, uri: str, match: str) -> T | None:
        """Remove and return the entry under ``(uri, match)`` (``None`` if absent)."""
        if match == MATCH_EXACT:
            return self._exact.pop(uri, None)
        if match == MATCH_PREFIX:
            n = len(uri)
            table = self._prefix.get(n)
            if table is None:
                return None
            entry = table.pop(uri, None)
            if not table:
                del self._prefix[n]
                self._lengths = tuple(sorted(self._prefix, reverse=True))
            return entry
        return self._remove_wild(uri)

    def _wild_node(self, uri: str, create: bool) -> _Node[T] | None:
        comps = uri.split(".")
        node = self._wild.get(len(comps))
        if node is None:
            if not create:
                return None
            node = self._wild[len(comps)] = _Node()
        for comp in comps:
            child = node.children.get(comp)
            if child is None:
                if not create:
                    return None
                child = node.children[comp] = _Node()
            node = child
        return node

    def _remove_wild(self, uri: str) -> T | None:
        comps = uri.split(".")
        root = self._wild.get(len(comps))
        if root is None:
            return None
        path = [root]
        node = root
        for comp in comps:
            child = node.children.get(comp)
            if child is None:
                return None
            path.append(child)
            node = child
        entry = node.entry
        if entry is None:
            return None
        node.entry = None
        self._wild_count -= 1
        # prune the branch that no longer leads to an entry
        for i in range(len(comps), 0, -1):
            child = path[i]
            if child.entry is not None or child.children:
                break
            del path[i - 1].children[comps[i - 1]]
        if not root.children:
            del self._wild[len(comps)]
        return entry

    # -- lookups ----------------------------------------------------------

    def match_all(self, uri: str) -> list[T]:
        """Every entry matching the concrete ``uri`` (exact, prefix, wildcard)."""
        out: list[T] = []
        entry = self._exact.get(uri)
        if entry is not None:
            out.append(entry)
        if self._lengths:
            size = len(uri)
            prefix = self._prefix
            for n in self._lengths:
                if n <= size:
                    entry = prefix[n].get(uri[:n])
                    if entry is not None:
                        out.append(entry)
        if self._wild_count:
            self._collect_wild(uri, out)
        return out

    def _collect_wild(self, uri: str, out: list[T]) -> None:
        comps = uri.split(".")
        root = self._wild.get(len(comps))
        if root is None:
            return
        level = [root]
        for comp in comps:
            nxt = []
            for node in level:
                children = node.children
                child = children.get(comp)
                if child is not None:
                    nxt.append(child)
                child = children.get("")
                if child is not None:
                    nxt.append(child)
            if not nxt:
                return
            level = nxt
        for node in level:
            if node.entry is not None:
                out.append(node.entry)

    def best(self, uri: str) -> T | None:
        """The one entry a call to ``uri`` goes to: exact, longest prefix, best wildcard."""
        entry = self._exact.get(uri)
        if entry is not None:
            return entry
        if self._lengths:
            entry = self.longest_prefix(uri)
            if entry is not None:
                return entry
        if self._wild_count:
            return self.best_wildcard(uri)
        return None

    def longest_prefix(self, uri: str) -> T | None:
        """The prefix entry with the longest prefix of ``uri``, or ``None``."""
        size = len(uri)
        prefix = self._prefix
        for n in self._lengths:
            if n <= size:
                entry = prefix[n].get(uri[:n])
                if entry is not None:
                    return entry
        return None

    def best_wildcard(self, uri: str) -> T | None:
        """The best wildcard entry for ``uri`` (concrete components before wildcards)."""
        comps = uri.split(".")
        root = self._wild.get(len(comps))
        if root is None:
            return None
        depth = len(comps)
        # Depth-first, the concrete child pushed last so that it is explored first.
        stack: list[tuple[_Node[T], int]] = [(root, 0)]
        while stack:
            node, i = stack.pop()
            if i == depth:
                if node.entry is not None:
                    return node.entry
                continue
            children = node.children
            child = children.get("")
            if child is not None:
                stack.append((child, i + 1))
            child = children.get(comps[i])
            if child is not None and comps[i] != "":
                stack.append((child, i + 1))
        return None

    def has_wildcards(self) -> bool:
        """Whether any wildcard entry is stored."""
        return self._wild_count > 0

    # -- iteration --------------------------------------------------------

    def entries(self, match: str | None = None) -> Iterator[T]:
        """Every stored entry (of one match policy when ``match`` is given)."""
        if match in (None, MATCH_EXACT):
            yield from list(self._exact.values())
        if match in (None, MATCH_PREFIX):
            for table in list(self._prefix.values()):
                yield from list(table.values())
        if match in (None, MATCH_WILDCARD):
            for root in list(self._wild.values()):
                stack = [root]
                found: list[T] = []
                while stack:
                    node = stack.pop()
                    if node.entry is not None:
                        found.append(node.entry)
                    stack.extend(node.children.values())
                yield from found

    def __len__(self) -> int:
        return len(self._exact) + sum(len(t) for t in self._prefix.values()) + self._wild_count
