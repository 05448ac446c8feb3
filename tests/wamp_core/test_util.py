"""WAMP IDs: random global IDs, sequential session IDs, ID checks."""

from __future__ import annotations

import random

import pytest
from wamp_core import util
from wamp_core.util import ID_MAX, IdGenerator, id, is_valid_id


def test_id_max() -> None:
    assert ID_MAX == 9007199254740992 == 2**53


def test_random_ids_are_in_range_and_vary() -> None:
    ids = [id() for _ in range(2000)]
    assert all(type(i) is int and 1 <= i <= ID_MAX for i in ids)
    assert len(set(ids)) == len(ids)
    # uniform over 53 bits: some IDs use the upper half of the range
    assert any(i > 2**52 for i in ids)


def test_random_id_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(util, "_getrandbits", lambda n: 0)
    assert util.id() == 1
    monkeypatch.setattr(util, "_getrandbits", lambda n: 2**n - 1)
    assert util.id() == ID_MAX


def test_generator_counts_from_one_and_wraps() -> None:
    gen = IdGenerator()
    assert [next(gen) for _ in range(3)] == [1, 2, 3]
    assert gen.next() == 4
    gen._next = ID_MAX - 1
    assert [next(gen), next(gen), next(gen)] == [ID_MAX, 1, 2]
    assert iter(gen) is gen
    assert repr(gen) == "IdGenerator(last=2)"


def test_generators_are_independent() -> None:
    a, b = IdGenerator(), IdGenerator()
    next(a)
    next(a)
    assert next(b) == 1


def test_is_valid_id() -> None:
    for good in (1, 2, ID_MAX, random.randint(1, ID_MAX)):
        assert is_valid_id(good)
    for bad in (0, -1, ID_MAX + 1, True, False, 1.0, "1", None):
        assert not is_valid_id(bad)
    assert is_valid_id(0, allow_zero=True)
    assert not is_valid_id(-1, allow_zero=True)


def test_all() -> None:
    assert set(util.__all__) == {"ID_MAX", "IdGenerator", "id", "is_valid_id"}
