"""One configured transport of a Component and its reconnection state.

A :class:`_Transport` holds the checked configuration of one entry of ``transports=`` (what
the framework adapter needs to connect) and the retry bookkeeping the Component's start loop
uses: how many attempts were made since the last successful join, the current backoff base,
whether the transport was given up (``is_fatal``), and the last error.

The retry schedule of one transport, in seconds, before each connection attempt::

    attempt 1:      0                                  (connect at once)
    attempt 2:      initial_retry_delay
    attempt n > 2:  previous base * retry_delay_growth, capped at max_retry_delay

and each of those bases (not the first 0) is spread by the jitter: with a jitter fraction
``j`` and a uniform noise ``u`` in [0, 1] the delay is ``base * (1 + j * (2u - 1))``, capped
at ``max_retry_delay``. The jitter does not feed back into the next base, so the schedule
keeps its shape. A successful join resets the transport to "attempt 1". ``max_retries``
counts the attempts after the first one: -1 retries forever, 0 never retries.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any, Final

__all__ = [
    "DEFAULT_INITIAL_RETRY_DELAY",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_MAX_RETRY_DELAY",
    "DEFAULT_RETRY_DELAY_GROWTH",
    "DEFAULT_RETRY_DELAY_JITTER",
    "Jitter",
    "_Transport",
]

DEFAULT_MAX_RETRIES: Final = -1
"""Retry forever (the documentation gives no default; Autobahn's code uses -1)."""
DEFAULT_INITIAL_RETRY_DELAY: Final = 1.0
"""Seconds before the first reconnection attempt (documented default)."""
DEFAULT_MAX_RETRY_DELAY: Final = 60.0
"""Cap on the delay between attempts, in seconds (documented default)."""
DEFAULT_RETRY_DELAY_GROWTH: Final = 1.5
"""Factor applied to the delay after each failed attempt (documented default)."""
DEFAULT_RETRY_DELAY_JITTER: Final = 0.1
"""Spread of the jitter: a delay varies by up to +-10 % (Autobahn's code default)."""

Jitter = float | Callable[[], float]
"""``retry_delay_jitter``: a spread fraction in [0, 1], or a 0-argument callable giving the
noise in [0, 1] (the documented form, default ``random.random``) used with the default spread."""


class _Transport:
    """A configured transport and its retry state (Autobahn's ``_Transport``)."""

    def __init__(
        self,
        idx: int,
        kind: str,
        url: str | None,
        endpoint: Any,
        serializers: list[str],
        *,
        options: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        proxy: dict[str, Any] | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        initial_retry_delay: float = DEFAULT_INITIAL_RETRY_DELAY,
        max_retry_delay: float = DEFAULT_MAX_RETRY_DELAY,
        retry_delay_growth: float = DEFAULT_RETRY_DELAY_GROWTH,
        retry_delay_jitter: Jitter = DEFAULT_RETRY_DELAY_JITTER,
    ) -> None:
        self.idx = idx
        self.type = kind
        self.url = url
        self.endpoint = endpoint
        """A dict (``type``, ``host``, ``port``, ``path``, ``timeout``, ``tls``, ``version``)
        or a framework-native endpoint object the adapter accepted."""
        self.serializers = serializers
        self.options: dict[str, Any] = options if options is not None else {}
        self.headers = headers
        self.proxy = proxy
        self.max_retries = max_retries
        self.initial_retry_delay = initial_retry_delay
        self.max_retry_delay = max_retry_delay
        self.retry_delay_growth = retry_delay_growth
        self.retry_delay_jitter: Jitter = retry_delay_jitter
        self.random: Callable[[], float] = random.random
        """The uniform noise source used with a numeric jitter (replaceable in tests)."""
        self.connect_successes = 0
        self.last_error: BaseException | None = None
        self._permanent_failure = False
        self.reset()

    def reset(self) -> None:
        """Back to "never tried": the next attempt goes at once (after a successful join)."""
        self.connect_attempts = 0
        self.connect_failures = 0
        self.retry_delay = self.initial_retry_delay

    def revive(self) -> None:
        """Forget a fatal failure and the counters (a Component started again)."""
        self._permanent_failure = False
        self.last_error = None
        self.reset()

    def failed(self) -> None:
        """Give this transport up: ``can_reconnect()`` is False from now on."""
        self._permanent_failure = True

    @property
    def permanently_failed(self) -> bool:
        return self._permanent_failure

    def can_reconnect(self) -> bool:
        """Whether another attempt is allowed on this transport."""
        if self._permanent_failure:
            return False
        if self.max_retries == -1:
            return True
        return self.connect_attempts < self.max_retries + 1

    def next_delay(self) -> float:
        """Seconds to wait before the next attempt (see the module docstring)."""
        if self.connect_attempts == 0:
            return 0.0
        if not self.can_reconnect():
            raise RuntimeError(
                f"transport {self.idx} has no attempt left "
                f"(max_retries={self.max_retries}, attempts={self.connect_attempts})"
            )
        if self.connect_attempts == 1:
            base = self.initial_retry_delay
        else:
            base = self.retry_delay * self.retry_delay_growth
        self.retry_delay = min(base, self.max_retry_delay)
        return self._jittered(self.retry_delay)

    def _jittered(self, base: float) -> float:
        jitter = self.retry_delay_jitter
        if callable(jitter):
            spread, noise = DEFAULT_RETRY_DELAY_JITTER, jitter()
        else:
            spread, noise = jitter, self.random()
        if (isinstance(noise, bool) or not isinstance(noise, int | float)
                or not 0.0 <= noise <= 1.0 or math.isnan(noise)):
            raise ValueError(
                f"transport {self.idx}: 'retry_delay_jitter' noise must be a number in "
                f"[0, 1], got {noise!r}"
            )
        delay = base * (1.0 + spread * (2.0 * noise - 1.0))
        return min(max(delay, 0.0), self.max_retry_delay)

    def handshake_url(self) -> str | None:
        """The URL the WebSocket opening handshake asks for: the transport's, except that a
        ``ws://unix:/path`` URL names a socket rather than a resource, so a Unix endpoint
        asks for ``ws://localhost/`` (``wss`` for TLS)."""
        url, ep = self.url, self.endpoint
        if url is not None and isinstance(ep, dict) and ep.get("type") == "unix":
            return f"{'wss' if url.lower().startswith('wss') else 'ws'}://localhost/"
        return url

    def describe_endpoint(self) -> str:
        """A short text for logs: ``tcp host:port``, ``unix /path`` or the native object."""
        ep = self.endpoint
        if not isinstance(ep, dict):
            return repr(ep)
        tls = " (TLS)" if ep.get("tls") else ""
        if ep["type"] == "unix":
            return f"unix {ep['path']}{tls}"
        host = f"[{ep['host']}]" if ":" in ep["host"] else ep["host"]
        return f"tcp {host}:{ep['port']}{tls}"

    def describe(self) -> str:
        """``transport 0 ('ws://host:8080/ws')`` for errors and logs."""
        where = repr(self.url) if self.url is not None else self.describe_endpoint()
        return f"transport {self.idx} ({where})"

    def __repr__(self) -> str:
        return (
            f"_Transport(idx={self.idx}, type={self.type!r}, url={self.url!r}, "
            f"endpoint={self.describe_endpoint()!r}, serializers={self.serializers!r}, "
            f"attempts={self.connect_attempts}, failed={self._permanent_failure})"
        )
