"""``wamp_core.protocol`` offers what ``autobahn.wamp.protocol`` users import from it."""

from __future__ import annotations

import wamp_core.protocol as protocol
import wamp_core.request as request


def test_request_handles_importable_from_protocol() -> None:
    for name in ("Registration", "Subscription", "Publication", "Handler", "Endpoint"):
        assert getattr(protocol, name) is getattr(request, name)
        assert name in protocol.__all__


def test_all_names_exist() -> None:
    assert all(hasattr(protocol, name) for name in protocol.__all__)
