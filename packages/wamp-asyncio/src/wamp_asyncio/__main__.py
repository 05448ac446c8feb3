"""``python -m wamp_asyncio serve|call|publish|subscribe|register`` (see ``wamp_core.cli``)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from typing import Any

from wamp_core.cli import (
    build_parser,
    client_transport,
    format_error,
    format_payload,
    format_result,
    format_status,
    parse_arguments,
    parse_value,
)
from wamp_core.log import set_log_level
from wamp_core.types import CallResult, PublishOptions, RegisterOptions, SubscribeOptions

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


def _call(ns: argparse.Namespace, args: list[Any], kwargs: dict[str, Any]) -> Callable[..., Any]:
    async def main(loop: Any, session: Any) -> None:
        _print(format_result(await session.call(ns.procedure, *args, **kwargs)))
    return main


def _publish(ns: argparse.Namespace, args: list[Any], kwargs: dict[str, Any]
             ) -> Callable[..., Any]:
    async def main(loop: Any, session: Any) -> None:
        options = PublishOptions(acknowledge=True) if ns.acknowledge else None
        publication = await session.publish(ns.topic, *args, options=options, **kwargs)
        if publication is not None:
            _print(format_status(publication=publication.id))
    return main


def _until_count(ns: argparse.Namespace) -> tuple[asyncio.Future[None], Callable[[], None]]:
    finished: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    seen = [0]

    def one_more() -> None:
        seen[0] += 1
        if ns.count and seen[0] >= ns.count and not finished.done():
            finished.set_result(None)

    return finished, one_more


def _subscribe(ns: argparse.Namespace, args: list[Any], kwargs: dict[str, Any]
               ) -> Callable[..., Any]:
    async def main(loop: Any, session: Any) -> None:
        finished, one_more = _until_count(ns)

        def on_event(*a: Any, details: Any = None, **kw: Any) -> None:
            _print(format_payload(a, kw, topic=getattr(details, "topic", None) or ns.topic))
            one_more()

        await session.subscribe(on_event, ns.topic, options=SubscribeOptions(details=True))
        _print(format_status(subscribed=ns.topic))
        await finished
    return main


def _register(ns: argparse.Namespace, args: list[Any], kwargs: dict[str, Any]
              ) -> Callable[..., Any]:
    returns = parse_value(ns.returns) if ns.returns is not None else None

    async def main(loop: Any, session: Any) -> None:
        finished, one_more = _until_count(ns)

        def endpoint(*a: Any, details: Any = None, **kw: Any) -> Any:
            _print(format_payload(a, kw, procedure=ns.procedure))
            loop.call_soon(one_more)  # after the result is sent
            if ns.returns is not None:
                return returns
            return CallResult(*a, **kw)

        await session.register(endpoint, ns.procedure, options=RegisterOptions(details=True))
        _print(format_status(registered=ns.procedure))
        await finished
    return main


_COMMANDS = {"call": _call, "publish": _publish, "subscribe": _subscribe,
             "register": _register}


async def _client(ns: argparse.Namespace) -> int:
    args, kwargs = parse_arguments(getattr(ns, "args", []), getattr(ns, "kw", []))
    authentication = None
    if ns.ticket is not None:
        authentication = {"ticket": {"authid": ns.authid or "", "ticket": ns.ticket}}
    component = Component(transports=[client_transport(ns.url, ns.serializer)],
                          realm=ns.realm, authentication=authentication,
                          main=_COMMANDS[ns.command](ns, args, kwargs))
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
