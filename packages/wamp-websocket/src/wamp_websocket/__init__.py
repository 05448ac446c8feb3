"""Sans-I/O WebSocket (RFC 6455 + RFC 7692) engine with Cython speedups."""

from __future__ import annotations

from wamp_websocket.__about__ import __version__

__all__ = ["__version__"]
