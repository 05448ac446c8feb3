"""txaio API objects bound to asyncio, per instance (never ``txaio.use_asyncio()``)."""

from __future__ import annotations

import asyncio
from typing import Any

import txaio.aio  # type: ignore[import-untyped]

__all__ = ["txaio_api"]


class _RunningLoop:
    """Stands for whichever loop runs when it is used (for objects made outside a loop)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio.get_running_loop(), name)

    def __repr__(self) -> str:
        return "<the running asyncio loop>"


def txaio_api(loop: asyncio.AbstractEventLoop | None = None) -> Any:
    """A txaio API on ``loop``; without one, on the running loop (now, or when used)."""
    if loop is None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return txaio.aio.with_config(loop=_RunningLoop())
    return txaio.aio.with_config(loop=loop)
