"""The command line of ``python -m wamp_asyncio`` / ``python -m wamp_twisted``, without I/O.

Commands::

    serve      [--config FILE] [--ws HOST:PORT/PATH]... [--rawsocket HOST:PORT]...
               [--unix PATH]... [--realm REALM]
    call       URL PROCEDURE [ARG]... [--kw KEY=VALUE]...
    publish    URL TOPIC [ARG]... [--kw KEY=VALUE]... [--acknowledge]
    subscribe  URL TOPIC [--count N]
    register   URL PROCEDURE [--count N] [--returns JSON]

Client commands take ``--realm`` (default ``realm1``), ``--serializer``, ``--authid`` and
``--ticket`` (ticket authentication), ``--timeout`` (seconds, default 10; subscribe and
register wait without limit unless given). An ``ARG`` or a ``--kw`` value is read as JSON
when it parses (``3``, ``true``, ``[1,2]``, ``"quoted"``) and as a string otherwise.
``URL`` is ``ws://``, ``wss://``, ``rs://`` or ``rss://`` (``rs://unix:/path`` too).

This module parses and formats, and :func:`client_component` gives the Component (its
``main`` written once for asyncio and Twisted) of a client command; the framework packages
run the commands. Output is one JSON document per line: the result of a call
(``{"args": [...], "kwargs": {...}}`` for a result with several values or keywords), each
event or invocation received.
"""

from __future__ import annotations

import argparse
import base64
import json
from collections.abc import Callable, Sequence
from typing import Any

from wamp_core.log import LOG_LEVELS
from wamp_core.types import CallResult, PublishOptions, RegisterOptions, SubscribeOptions

__all__ = [
    "build_parser",
    "client_component",
    "client_transport",
    "format_error",
    "format_payload",
    "format_result",
    "format_status",
    "parse_arguments",
    "parse_value",
]

_SERIALIZERS = ("cbor", "msgpack", "ubjson", "json", "flatbuffers")


def parse_value(text: str) -> Any:
    """A command-line value: JSON when it parses, else the text itself."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def parse_arguments(args: Sequence[str], kw: Sequence[str]) -> tuple[list[Any], dict[str, Any]]:
    """Positional ``ARG``s and ``--kw KEY=VALUE`` pairs as a WAMP payload."""
    kwargs: dict[str, Any] = {}
    for item in kw:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"--kw {item!r}: expected KEY=VALUE")
        kwargs[key] = parse_value(value)
    return [parse_value(a) for a in args], kwargs


def _default(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return {"bytes": base64.b64encode(bytes(value)).decode()}
    return repr(value)


def _dumps(value: Any) -> str:
    return json.dumps(value, default=_default, ensure_ascii=False, sort_keys=True)


def format_payload(args: Sequence[Any] | None, kwargs: dict[str, Any] | None,
                   **extra: Any) -> str:
    """One line of JSON: ``{"args": [...], "kwargs": {...}, ...extra}``."""
    return _dumps({**extra, "args": list(args or ()), "kwargs": dict(kwargs or {})})


def format_status(**fields: Any) -> str:
    """One line of JSON for a status (``{"subscribed": "com.topic"}``)."""
    return _dumps(fields)


def format_result(result: Any) -> str:
    """A call's result: the value as JSON, or args/kwargs for a multi-valued CallResult."""
    results = getattr(result, "results", None)
    kwresults = getattr(result, "kwresults", None)
    if results is not None or kwresults is not None:
        return format_payload(results, kwresults)
    return _dumps(result)


def format_error(exc: BaseException) -> str:
    """An error for a person: the WAMP error URI and payload, or the exception.

    A Component's "every transport failed" names the URL and the one error behind it.
    """
    failures = getattr(exc, "failures", None)
    if isinstance(failures, list) and len(failures) == 1 and failures[0][2] is not None:
        _, url, cause = failures[0]
        return format_error(cause).replace("error: ", f"error: {url}: ", 1)
    error = getattr(exc, "error", None)
    if isinstance(error, str):
        kwargs = getattr(exc, "kwargs", None)
        return f"error: {error} {_dumps(list(exc.args))}" + (f" {_dumps(kwargs)}" if kwargs else "")
    return f"error: {exc}"


def client_transport(url: str, serializer: str | None) -> dict[str, Any]:
    """A Component transport for ``url`` (websocket or rawsocket by its scheme)."""
    scheme = url.partition("://")[0].lower()
    if scheme in ("rs", "rss"):
        config: dict[str, Any] = {"type": "rawsocket", "url": url}
        if serializer:
            config["serializer"] = serializer
    elif scheme in ("ws", "wss"):
        config = {"type": "websocket", "url": url}
        if serializer:
            config["serializers"] = [serializer]
    else:
        raise ValueError(f"URL {url!r}: use ws://, wss://, rs:// or rss://")
    config["max_retries"] = 0
    return config


def _client(sub: Any, name: str, help_text: str, what: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help_text,
                                                     description=help_text)
    parser.add_argument("url", help="router URL: ws://, wss://, rs://, rss://")
    parser.add_argument(what, help=f"the {what} URI")
    parser.add_argument("--realm", default="realm1", help="realm to join (default realm1)")
    parser.add_argument("--serializer", choices=_SERIALIZERS, help="serializer to speak")
    parser.add_argument("--authid", help="authentication ID")
    parser.add_argument("--ticket", help="ticket (password) for ticket authentication")
    parser.add_argument("--timeout", type=float, default=None,
                        help="give up after this many seconds")
    return parser


def _payload(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("args", nargs="*", metavar="ARG", help="positional argument (JSON or text)")
    parser.add_argument("--kw", action="append", default=[], metavar="KEY=VALUE",
                        help="keyword argument (JSON or text); repeatable")


def build_parser(prog: str) -> argparse.ArgumentParser:
    """The argument parser of the command line (see the module text)."""
    parser = argparse.ArgumentParser(prog=prog, description="WAMP router and client tools.")
    parser.add_argument("--log-level", default=None, choices=list(LOG_LEVELS),
                        help="logging level (default: info for serve, none for clients, "
                             "which print their own errors)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the embedded router",
                           description="Run the embedded WAMP router until interrupted.")
    serve.add_argument("--config", help="Crossbar.io-style config.json")
    serve.add_argument("--ws", action="append", default=[], metavar="HOST:PORT/PATH",
                       help="WebSocket endpoint (repeatable; path default /ws)")
    serve.add_argument("--rawsocket", action="append", default=[], metavar="HOST:PORT",
                       help="RawSocket endpoint (repeatable)")
    serve.add_argument("--unix", action="append", default=[], metavar="PATH",
                       help="Unix socket serving RawSocket and WebSocket (repeatable)")
    serve.add_argument("--realm", default="realm1", help="realm served (default realm1)")

    call = _client(sub, "call", "call a procedure and print its result", "procedure")
    _payload(call)
    publish = _client(sub, "publish", "publish an event", "topic")
    _payload(publish)
    publish.add_argument("--acknowledge", action="store_true",
                         help="wait for the router's acknowledgement")
    subscribe = _client(sub, "subscribe", "print the events of a topic", "topic")
    subscribe.add_argument("--count", type=int, default=0,
                           help="exit after this many events (default: run until interrupted)")
    register = _client(sub, "register",
                       "register a procedure that prints each call and returns its arguments",
                       "procedure")
    register.add_argument("--count", type=int, default=0,
                          help="exit after this many calls (default: run until interrupted)")
    register.add_argument("--returns", metavar="JSON", default=None,
                          help="return this value instead of the call's arguments")
    return parser


# -- the client commands, for either framework ------------------------------------------------

Main = Callable[[Any, Any], Any]
"""A Component's ``main(loop_or_reactor, session)``."""


def _print(line: str) -> None:
    print(line, flush=True)


def _call(ns: argparse.Namespace, args: list[Any], kwargs: dict[str, Any]) -> Main:
    async def main(loop: Any, session: Any) -> None:
        _print(format_result(await session.call(ns.procedure, *args, **kwargs)))
    return main


def _publish(ns: argparse.Namespace, args: list[Any], kwargs: dict[str, Any]) -> Main:
    async def main(loop: Any, session: Any) -> None:
        options = PublishOptions(acknowledge=True) if ns.acknowledge else None
        publication = await session.publish(ns.topic, *args, options=options, **kwargs)
        if publication is not None:
            _print(format_status(publication=publication.id))
    return main


def _until_count(ns: argparse.Namespace, api: Any) -> tuple[Any, Callable[[], None]]:
    """A future (the session's framework) done after ``--count`` calls of ``one_more``."""
    finished = api.create_future()
    seen = [0]

    def one_more() -> None:
        seen[0] += 1
        if ns.count and seen[0] >= ns.count and not api.is_called(finished):
            api.resolve(finished, None)

    return finished, one_more


def _subscribe(ns: argparse.Namespace, args: list[Any], kwargs: dict[str, Any]) -> Main:
    async def main(loop: Any, session: Any) -> None:
        finished, one_more = _until_count(ns, session._txaio)

        def on_event(*a: Any, details: Any = None, **kw: Any) -> None:
            _print(format_payload(a, kw, topic=getattr(details, "topic", None) or ns.topic))
            one_more()

        await session.subscribe(on_event, ns.topic, options=SubscribeOptions(details=True))
        _print(format_status(subscribed=ns.topic))
        await finished
    return main


def _register(ns: argparse.Namespace, args: list[Any], kwargs: dict[str, Any]) -> Main:
    returns = parse_value(ns.returns) if ns.returns is not None else None

    async def main(loop: Any, session: Any) -> None:
        api = session._txaio
        finished, one_more = _until_count(ns, api)

        def endpoint(*a: Any, details: Any = None, **kw: Any) -> Any:
            _print(format_payload(a, kw, procedure=ns.procedure))
            api.call_later(0, one_more)  # after the result is sent
            if ns.returns is not None:
                return returns
            return CallResult(*a, **kw)

        await session.register(endpoint, ns.procedure, options=RegisterOptions(details=True))
        _print(format_status(registered=ns.procedure))
        await finished
    return main


_COMMANDS: dict[str, Callable[[argparse.Namespace, list[Any], dict[str, Any]], Main]] = {
    "call": _call, "publish": _publish, "subscribe": _subscribe, "register": _register,
}


def client_component(ns: argparse.Namespace) -> dict[str, Any]:
    """The Component keywords of a client command (``transports``, ``realm``,
    ``authentication``, ``main``); ``main`` prints what the command prints."""
    args, kwargs = parse_arguments(getattr(ns, "args", []), getattr(ns, "kw", []))
    authentication = None
    if ns.ticket is not None:
        authentication = {"ticket": {"authid": ns.authid or "", "ticket": ns.ticket}}
    return {"transports": [client_transport(ns.url, ns.serializer)], "realm": ns.realm,
            "authentication": authentication, "main": _COMMANDS[ns.command](ns, args, kwargs)}
