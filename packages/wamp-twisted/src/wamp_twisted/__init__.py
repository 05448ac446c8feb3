"""WAMP over WebSocket and RawSocket on Twisted: client, server and embedded router."""

from __future__ import annotations

from wamp_twisted.__about__ import __version__

__all__ = ["__version__"]
