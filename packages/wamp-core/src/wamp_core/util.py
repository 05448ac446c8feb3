"""WAMP IDs: random global-scope IDs, sequential session-scope IDs, ID checks.

WAMP basic profile, "IDs": IDs are integers in [1, 2**53].

- Global scope IDs (sessions, publications) are drawn at random from a uniform
  distribution over the whole range: :func:`id`.
- Router scope IDs (subscriptions, registrations) are free for the router to
  choose: :func:`id` or an :class:`IdGenerator`.
- Session scope IDs (requests) count up by one from 1, in each direction:
  :class:`IdGenerator`, which wraps back to 1 after 2**53.

:func:`id` uses the ``random`` module's Mersenne Twister (``getrandbits``), the
fast path: WAMP IDs must be uniform, not secret, and nothing in WAMP relies on
an ID being hard to guess. Code that needs unguessable tokens uses ``secrets``.
Nothing here reads a clock.
"""

from __future__ import annotations

import random
from typing import Final

__all__ = [
    "ID_MAX",
    "IdGenerator",
    "id",
    "is_valid_id",
]

ID_MAX: Final = 2**53
"""The largest WAMP ID, 9007199254740992 (the smallest is 1)."""

_getrandbits = random.getrandbits


def id() -> int:
    """A random WAMP ID, uniform over [1, 2**53] (global scope IDs)."""
    return _getrandbits(53) + 1


def is_valid_id(value: object, allow_zero: bool = False) -> bool:
    """Whether ``value`` is a WAMP ID: an ``int`` (not a ``bool``) in [1, 2**53].

    ``allow_zero`` also accepts 0, which a few messages use as "no request"
    (UNSUBSCRIBED and UNREGISTERED sent by the router on revocation).
    """
    if type(value) is not int:
        return False
    return (0 if allow_zero else 1) <= value <= ID_MAX


class IdGenerator:
    """Session scope IDs: 1, 2, 3 ... 2**53, then 1 again.

    ``next(gen)`` and ``gen.next()`` both give the next ID.
    """

    __slots__ = ("_next",)

    def __init__(self) -> None:
        self._next = 0

    def next(self) -> int:
        """The next ID of the sequence."""
        value = self._next + 1
        if value > ID_MAX:
            value = 1
        self._next = value
        return value

    def __next__(self) -> int:
        return self.next()

    def __iter__(self) -> IdGenerator:
        return self

    def __repr__(self) -> str:
        return f"IdGenerator(last={self._next})"
