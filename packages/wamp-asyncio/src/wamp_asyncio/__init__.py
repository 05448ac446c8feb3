"""WAMP over WebSocket and RawSocket on asyncio: client, server and embedded router."""

from __future__ import annotations

from wamp_asyncio.__about__ import __version__

__all__ = ["__version__"]
