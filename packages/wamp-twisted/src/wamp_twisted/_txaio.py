"""txaio API objects bound to a Twisted reactor, per instance (never ``txaio.use_twisted()``).

``txaio.tx.with_config(loop=r)`` ignores ``r``: it returns an API on txaio's one global
configuration, whose loop is always the global reactor. :func:`txaio_api` builds the API on
a private configuration instead, so each object is bound to the reactor it was given (the
global reactor, imported when first used, when none is given: a program may install another
reactor before that).
"""

from __future__ import annotations

from typing import Any

import txaio
import txaio.tx

__all__ = ["global_reactor", "txaio_api"]


def global_reactor() -> Any:
    """``twisted.internet.reactor``, imported now (installing the default one if needed)."""
    from twisted.internet import reactor

    return reactor


def txaio_api(reactor: Any = None) -> Any:
    """A txaio API whose ``call_later`` ... run on ``reactor`` (default: the global one)."""
    config = txaio._Config()
    config.loop = reactor
    return txaio.tx._TxApi(config)  # type: ignore[no-untyped-call]
