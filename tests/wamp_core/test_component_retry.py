"""The retry state of one transport: the schedule, the cap, the jitter, max_retries, resets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from wamp_core._component_transport import _Transport

ENDPOINT = {"type": "tcp", "host": "h", "port": 1, "timeout": 10, "tls": False}


def transport(**kwargs: Any) -> _Transport:
    return _Transport(0, "websocket", "ws://h:1/ws", dict(ENDPOINT), ["json"], **kwargs)


def schedule(t: _Transport, attempts: int) -> list[float]:
    """The delays before ``attempts`` attempts that all fail."""
    delays = []
    for _ in range(attempts):
        delays.append(t.next_delay())
        t.connect_attempts += 1
    return delays


def test_documented_schedule_without_jitter() -> None:
    t = transport(retry_delay_jitter=0.0)
    assert schedule(t, 6) == [0.0, 1.0, 1.5, 2.25, 3.375, 5.0625]


def test_cap_applies_to_base_and_jitter() -> None:
    t = transport(initial_retry_delay=40, max_retry_delay=60, retry_delay_jitter=0.5)
    t.random = lambda: 1.0  # +50 %
    assert schedule(t, 4) == [0.0, 60.0, 60.0, 60.0]
    t = transport(initial_retry_delay=40, max_retry_delay=60, retry_delay_jitter=0.5)
    t.random = lambda: 0.0  # -50 %
    assert schedule(t, 4) == [0.0, 20.0, 30.0, 30.0]


def test_numeric_jitter_spreads_uniformly() -> None:
    noise: Iterator[float] = iter([0.0, 0.25, 0.75, 1.0])
    t = transport(retry_delay_jitter=0.2, retry_delay_growth=1.0, initial_retry_delay=10)
    t.random = lambda: next(noise)
    assert schedule(t, 5) == pytest.approx([0.0, 8.0, 9.0, 11.0, 12.0])


def test_default_jitter_stays_within_ten_percent() -> None:
    t = transport(retry_delay_growth=1.0, initial_retry_delay=10)
    delays = schedule(t, 200)[1:]
    assert all(9.0 <= d <= 11.0 for d in delays)
    assert len(set(delays)) > 1  # random.random by default


def test_callable_jitter_is_the_noise() -> None:
    t = transport(retry_delay_jitter=lambda: 1.0, retry_delay_growth=1.0, initial_retry_delay=10)
    assert schedule(t, 3) == pytest.approx([0.0, 11.0, 11.0])


@pytest.mark.parametrize("noise", [1.5, -0.1, "x", None, float("nan"), True])
def test_bad_noise_from_a_callable_names_the_key(noise: Any) -> None:
    t = transport(retry_delay_jitter=lambda: noise)
    t.connect_attempts = 1
    with pytest.raises(ValueError, match="transport 0: 'retry_delay_jitter' noise must be a "
                                         r"number in \[0, 1\]"):
        t.next_delay()


def test_max_retries_counts_attempts_after_the_first() -> None:
    for max_retries, allowed in ((0, 1), (1, 2), (3, 4)):
        t = transport(max_retries=max_retries, retry_delay_jitter=0.0)
        made = 0
        while t.can_reconnect():
            t.next_delay()
            t.connect_attempts += 1
            made += 1
        assert made == allowed
        with pytest.raises(RuntimeError, match="transport 0 has no attempt left"):
            t.next_delay()


def test_forever_never_overflows() -> None:
    t = transport(max_retries=-1, retry_delay_jitter=0.0)
    delays = schedule(t, 5000)
    assert delays[-1] == 60.0 and t.can_reconnect()


def test_reset_failed_and_revive() -> None:
    t = transport(retry_delay_jitter=0.0, max_retries=5)
    schedule(t, 3)
    t.connect_failures = 3
    t.reset()
    assert (t.connect_attempts, t.connect_failures, t.retry_delay) == (0, 0, 1.0)
    assert t.next_delay() == 0.0
    t.failed()
    assert not t.can_reconnect() and t.permanently_failed
    t.last_error = OSError("x")
    t.revive()
    assert t.can_reconnect() and t.last_error is None and not t.permanently_failed
