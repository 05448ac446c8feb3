"""Sans-I/O WAMP v2 core: messages, serializers, session, application API, embedded router."""

from __future__ import annotations

from wamp_core.__about__ import __version__

__all__ = ["__version__"]
