"""``python -m wamp_asyncio serve|call|publish|subscribe|register`` (see ``wamp_core.cli``)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from wamp_core.cli import build_parser, client_component, format_error
from wamp_core.log import set_log_level

from wamp_asyncio.component import Component, _stop_on_signals
from wamp_asyncio.router import serve

__all__ = ["main"]


def _print(line: str) -> None:
    print(line, flush=True)


async def _serve(ns: argparse.Namespace) -> int:
    server = await serve(ns.config, ws=ns.ws, rawsocket=ns.rawsocket, unix=ns.unix,
                         realm=ns.realm)
    for url in server.urls:
        _print(f"listening on {url}")
    stopped = asyncio.get_running_loop().create_future()

    class _Stopper:  # what _stop_on_signals calls
        def stop(self) -> None:
            if not stopped.done():
                stopped.set_result(None)

    with _stop_on_signals(asyncio.get_running_loop(), [_Stopper()]):
        try:
            await stopped
        finally:
            await server.close()
    return 0


async def _client(ns: argparse.Namespace) -> int:
    component = Component(**client_component(ns))
    loop = asyncio.get_running_loop()
    done = component.start(loop)
    with _stop_on_signals(loop, [component]):
        try:
            await asyncio.wait_for(asyncio.shield(done), ns.timeout)
        except asyncio.TimeoutError:
            print(f"error: not done within {ns.timeout} s", file=sys.stderr, flush=True)
            await asyncio.wait_for(component.stop(), 5)
            return 1
        except Exception as exc:
            print(format_error(exc), file=sys.stderr, flush=True)
            return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    ns = build_parser("python -m wamp_asyncio").parse_args(argv)
    set_log_level(ns.log_level or ("info" if ns.command == "serve" else "none"))
    try:
        if ns.command == "serve":
            return asyncio.run(_serve(ns))
        return asyncio.run(_client(ns))
    except KeyboardInterrupt:
        return 130
    except (ValueError, OSError) as exc:
        print(format_error(exc), file=sys.stderr, flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
