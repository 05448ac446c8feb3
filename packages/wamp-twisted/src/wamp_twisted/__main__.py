"""``python -m wamp_twisted serve|call|publish|subscribe|register`` (see ``wamp_core.cli``).

The same arguments and output as ``python -m wamp_asyncio``, on the global reactor. SIGINT and
SIGTERM stop the reactor; before it stops, the router says GOODBYE to its sessions, or the
client's session leaves.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from twisted.internet.defer import ensureDeferred
from twisted.internet.error import CannotListenError
from twisted.python.failure import Failure
from wamp_core.cli import build_parser, client_component, format_error
from wamp_core.log import set_log_level

from wamp_twisted._txaio import global_reactor
from wamp_twisted.component import Component, _stop_all
from wamp_twisted.router import serve
from wamp_twisted.wamp import start_logging

__all__ = ["main"]


def _print(line: str) -> None:
    print(line, flush=True)


def _error(exc: BaseException) -> None:
    print(format_error(exc), file=sys.stderr, flush=True)


async def _serve(ns: argparse.Namespace, reactor: Any) -> int:
    server = await serve(ns.config, ws=ns.ws, rawsocket=ns.rawsocket, unix=ns.unix,
                         realm=ns.realm, reactor=reactor)
    for url in server.urls:
        _print(f"listening on {url}")
    reactor.addSystemEventTrigger("before", "shutdown", server.close)
    return 0  # serving goes on until the reactor stops


def _client(ns: argparse.Namespace, reactor: Any, status: list[int]) -> None:
    component = Component(**client_component(ns))
    done = component.start(reactor)
    reactor.addSystemEventTrigger("before", "shutdown", _stop_all, [component], reactor)

    def timed_out() -> None:
        status[0] = 1
        print(f"error: not done within {ns.timeout} s", file=sys.stderr, flush=True)
        reactor.stop()

    timer = reactor.callLater(ns.timeout, timed_out) if ns.timeout else None

    def finished(result: Any) -> None:
        if timer is not None and timer.active():
            timer.cancel()
        if isinstance(result, Failure) and result.value is not None:
            status[0] = 1
            _error(result.value)
        if reactor.running:
            reactor.stop()

    done.addBoth(finished)


def _start(ns: argparse.Namespace, reactor: Any, status: list[int]) -> None:
    def failed(fail: Failure) -> None:
        status[0] = 1
        _error(fail.value or RuntimeError("failed"))
        reactor.stop()

    try:
        if ns.command == "serve":
            ensureDeferred(_serve(ns, reactor)).addErrback(failed)
        else:
            _client(ns, reactor, status)
    except (ValueError, OSError) as exc:
        failed(Failure(exc))  # type: ignore[no-untyped-call]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    ns = build_parser("python -m wamp_twisted").parse_args(argv)
    set_log_level(ns.log_level or ("info" if ns.command == "serve" else "none"))
    if ns.log_level is not None or ns.command == "serve":
        start_logging()
    reactor = global_reactor()
    status = [0]
    reactor.callWhenRunning(_start, ns, reactor, status)
    try:
        reactor.run()
    except CannotListenError as exc:  # pragma: no cover - reported through the errback
        _error(exc)
        return 1
    return status[0]


if __name__ == "__main__":
    sys.exit(main())
