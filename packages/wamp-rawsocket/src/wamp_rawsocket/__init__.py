"""Sans-I/O WAMP RawSocket transport engine."""

from __future__ import annotations

from wamp_rawsocket.__about__ import __version__

__all__ = ["__version__"]
