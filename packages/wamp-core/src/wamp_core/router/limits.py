"""Safety limits of the router: message size, outstanding requests, per-session tables."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Limits"]


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds that keep one session from exhausting the router.

    :param max_message_size: the largest serialized message a session may send,
        in octets, checked by :meth:`RouterSession.receive_payload` (0: no limit).
        A larger message aborts the session (``wamp.error.protocol_violation``).
        The transports' own ``max_message_size`` options apply before this one.
    :param max_pending_calls: calls one caller may have in flight; a CALL over
        the bound is answered with ERROR ``wamp.error.unavailable``.
    :param max_subscriptions: subscriptions one session may hold; over it,
        SUBSCRIBE is answered with ERROR ``wamp.error.unavailable``.
    :param max_registrations: registrations one session may hold (likewise).
    :param max_retained: topics with a retained event per realm; the oldest is
        dropped when a new topic would go over the bound.
    """

    max_message_size: int = 16 * 2**20
    max_pending_calls: int = 1000
    max_subscriptions: int = 10000
    max_registrations: int = 10000
    max_retained: int = 10000

    def __post_init__(self) -> None:
        for name in ("max_message_size", "max_pending_calls", "max_subscriptions",
                     "max_registrations", "max_retained"):
            value = getattr(self, name)
            if type(value) is not int or value < 0:
                raise ValueError(f"Limits.{name} must be an integer >= 0, got {value!r}")
