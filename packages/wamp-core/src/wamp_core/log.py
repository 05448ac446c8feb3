"""Framework-neutral logging with txaio's calling convention.

Autobahn code logs through ``txaio.make_logger()``: ``self.log.info("joined {realm}",
realm=realm)``. txaio only provides that after a process-global framework switch, which this
project never flips (asyncio and Twisted may share a process), so wamp_core brings its own
logger with the same methods and ``{name}`` formatting, on top of the standard ``logging``
module. Formatting happens only when the level is enabled.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

__all__ = ["Logger", "make_logger", "set_log_level", "LOG_LEVELS"]

TRACE = 5
logging.addLevelName(TRACE, "TRACE")

LOG_LEVELS: dict[str, int] = {
    "none": logging.CRITICAL + 10,
    "critical": logging.CRITICAL,
    "error": logging.ERROR,
    "warn": logging.WARNING,
    "info": logging.INFO,
    "debug": logging.DEBUG,
    "trace": TRACE,
}


def _render(fmt: str | None, kwargs: dict[str, Any]) -> str:
    if fmt is None:
        return ""
    try:
        return fmt.format(**kwargs)
    except (KeyError, IndexError, ValueError, AttributeError) as exc:
        # A broken format string must never hide the event being logged.
        return f"{fmt} (unformattable: {exc!r}; {kwargs!r})"


class Logger:
    """A logger with txaio's methods: ``log.info("text {x}", x=1)``."""

    __slots__ = ("_logger",)

    def __init__(self, name: str) -> None:
        self._logger = logging.getLogger(name)

    @property
    def name(self) -> str:
        return self._logger.name

    def _emit(self, level: int, fmt: str | None, kwargs: dict[str, Any]) -> None:
        if self._logger.isEnabledFor(level):
            exc_info = kwargs.pop("log_failure", None)
            self._logger.log(level, "%s", _render(fmt, kwargs), exc_info=exc_info)

    def critical(self, fmt: str | None = None, **kwargs: Any) -> None:
        self._emit(logging.CRITICAL, fmt, kwargs)

    def error(self, fmt: str | None = None, **kwargs: Any) -> None:
        self._emit(logging.ERROR, fmt, kwargs)

    def warn(self, fmt: str | None = None, **kwargs: Any) -> None:
        self._emit(logging.WARNING, fmt, kwargs)

    warning = warn

    def info(self, fmt: str | None = None, **kwargs: Any) -> None:
        self._emit(logging.INFO, fmt, kwargs)

    def debug(self, fmt: str | None = None, **kwargs: Any) -> None:
        self._emit(logging.DEBUG, fmt, kwargs)

    def trace(self, fmt: str | None = None, **kwargs: Any) -> None:
        self._emit(TRACE, fmt, kwargs)

    def failure(self, fmt: str | None = None, failure: BaseException | None = None,
                level: str = "error", **kwargs: Any) -> None:
        """Log an exception with its traceback (the current one when ``failure`` is None)."""
        exc = failure if failure is not None else sys.exc_info()[1]
        kwargs.setdefault("log_failure", exc)
        if fmt is None:
            fmt = "{log_failure_text}"
        kwargs.setdefault("log_failure_text", repr(exc))
        self._emit(LOG_LEVELS.get(level, logging.ERROR), fmt, kwargs)


def make_logger(name: str | None = None) -> Logger:
    """A logger named after ``name``, or after the calling module."""
    if name is None:
        name = sys._getframe(1).f_globals.get("__name__", "wamp")
    return Logger(name)


def set_log_level(level: str) -> None:
    """Set the level of every ``wamp_*`` logger and of the root handler (for ``run()``)."""
    if level not in LOG_LEVELS:
        raise ValueError(f"log_level must be one of {', '.join(LOG_LEVELS)}, not {level!r}")
    logging.basicConfig(level=LOG_LEVELS[level],
                        format="%(asctime)s %(levelname)-5s %(name)s: %(message)s")
    logging.getLogger().setLevel(LOG_LEVELS[level])
