"""The interop scenario, written once for every client: ours and Autobahn|Python's, on asyncio
and on Twisted. It imports only the standard library; the driver passes

- ``lib``: the WAMP library's ``types`` and ``exception`` modules (``wamp_core.types`` or
  ``autobahn.wamp.types`` ...), whose names are the same by design;
- ``kit``: the framework's primitives (:class:`kits.AsyncioKit` or :class:`kits.TwistedKit`).

``run(session, kit, lib, prefix, steps)`` runs the named steps on a joined session, each under
its own time limit, and returns ``{step: observation}``: plain JSON values (bytes become
``{"$bytes": hex}``) that the tests compare with what the peer should have done. A step that
failed observes ``{"failed": "<exception>"}`` and the next step still runs.
"""

from __future__ import annotations

import traceback
from typing import Any

STEPS = ("rpc", "large", "progress", "errors", "pubsub", "retained", "patterns", "meta",
         "timeout", "cancel")
STEP_TIMEOUT = 15.0  # seconds; every wait inside a step is shorter
CALL_TIMEOUT = 1  # seconds, CallOptions(timeout=...) that must end a stuck call (an int:
# Autobahn documents a float but its CALL message asserts an int)
SLOW_CALLEE = 0.3  # seconds a callee sleeps while the call's timeout (10 s) must not fire
WAIT = 5.0  # seconds for an event, an invocation or an interrupt to arrive
DUO_WAIT = 45.0  # seconds the two sides of a pair wait for each other (separate processes)
STEP_LIMITS = {"callee": DUO_WAIT + 10, "caller": DUO_WAIT + 10,
               "caller_untimed": DUO_WAIT + 10}  # the others: STEP_TIMEOUT

RPC_ARGS = [1, "two", b"\x00\xffbin", {"nested": [1.5, None, True, "\u00fcn\u00efcode"]}]
RPC_KWARGS = {"k": "v", "raw": b"\x00", "list": [1, 2, 3]}
LARGE = 1_000_000  # octets of a bytes and of a str argument (WebSocket fragments, RawSocket
# lengths over 2**16, JSON's base64 for bytes)


def plain(value: Any) -> Any:
    """``value`` as JSON can carry it (bytes tagged, tuples as lists, objects as repr)."""
    if isinstance(value, bytes):
        return {"$bytes": value.hex()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return repr(value)


def describe_exception(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()


def session_details(details: Any) -> dict[str, Any]:
    """The WELCOME facts of a SessionDetails (ours and Autobahn's have the same names)."""
    out = {name: getattr(details, name, None)
           for name in ("realm", "authid", "authrole", "authmethod")}
    out["session_positive"] = isinstance(details.session, int) and details.session > 0
    transport = getattr(details, "transport", None)
    if transport is not None:
        out["framing"] = getattr(transport, "channel_framing", None)
        out["serializer"] = getattr(transport, "channel_serializer", None)
        extensions = getattr(transport, "websocket_extensions_in_use", None) or []
        out["extensions"] = sorted(str(getattr(e, "EXTENSION_NAME", e)) for e in extensions)
    return out


def application_error(exc: BaseException, lib: Any) -> dict[str, Any]:
    if isinstance(exc, lib.exception.ApplicationError):
        return {"error": exc.error, "args": plain(list(exc.args)),
                "kwargs": plain(dict(exc.kwargs or {}))}
    return {"unexpected": describe_exception(exc)}


class Steps:
    """One scenario on one joined session; each ``step_<name>`` returns its observation."""

    def __init__(self, session: Any, kit: Any, lib: Any, prefix: str) -> None:
        self.session, self.kit, self.lib, self.prefix = session, kit, lib, prefix

    def uri(self, name: str) -> str:
        return f"{self.prefix}.{name}"

    async def settled(self, future: Any, what: str) -> Any:
        """``future``'s value, or a text saying it did not come (an observation, not a
        failure, so the rest of the step is still seen)."""
        try:
            return await self.kit.wait(future, WAIT, what)
        except TimeoutError as exc:
            return describe_exception(exc)

    async def step_rpc(self) -> Any:
        t = self.lib.types
        s = self.session
        await s.register(lambda *a, **kw: t.CallResult(*a, **kw), self.uri("echo"))
        await s.register(lambda a, b: a + b, self.uri("add"))
        await s.register(lambda: None, self.uri("nothing"))
        echoed = await s.call(self.uri("echo"), *RPC_ARGS, **RPC_KWARGS)
        return {
            "echo": {"args": plain(list(echoed.results)), "kwargs": plain(echoed.kwresults)},
            "add": await s.call(self.uri("add"), 2, 3),
            "nothing": await s.call(self.uri("nothing")),
        }

    async def step_large(self) -> Any:
        import hashlib

        def digest(blob: bytes, text: str) -> list[Any]:
            return [len(blob), hashlib.sha256(blob).hexdigest()[:16], len(text), text[-3:]]

        blob = bytes(range(256)) * (LARGE // 256)
        text = "\u00e9" * (LARGE // 2 - 3) + "end"
        await self.session.register(digest, self.uri("digest"))
        await self.session.register(lambda n: [bytes(range(256)) * (n // 256), "z" * n],
                                    self.uri("make"))
        made = await self.session.call(self.uri("make"), LARGE)
        return {"sent": await self.session.call(self.uri("digest"), blob, text),
                "received": digest(made[0], made[1])}

    async def step_progress(self) -> Any:
        t = self.lib.types

        def countdown(n: int, details: Any = None) -> Any:
            for i in range(n):
                details.progress(i, left=n - i)
            return "done"

        await self.session.register(countdown, self.uri("countdown"),
                                    options=t.RegisterOptions(details=True))
        seen: list[Any] = []
        result = await self.session.call(
            self.uri("countdown"), 3,
            options=t.CallOptions(on_progress=lambda *a, **kw: seen.append([a, kw])))
        return {"progress": plain(seen), "result": result}

    async def step_errors(self) -> Any:
        lib = self.lib

        def fails(kind: str) -> None:
            if kind == "application":
                raise lib.exception.ApplicationError("com.example.oops", 1, "two", three=3)
            raise ValueError("plain failure")

        await self.session.register(fails, self.uri("fails"))
        out = {}
        for name, args in (("application", ("application",)), ("runtime", ("runtime",)),
                           ("no_such_procedure", None)):
            proc = self.uri("fails") if args else self.uri("missing")
            try:
                await self.session.call(proc, *(args or ()))
                out[name] = {"unexpected": "the call succeeded"}
            except Exception as exc:  # the observation is the exception
                err = application_error(exc, lib)
                if name == "runtime":
                    err.pop("args", None)  # the text of a Python error is the peer's own
                    err.pop("kwargs", None)
                out[name] = err
        return out

    async def step_pubsub(self) -> Any:
        t, kit = self.lib.types, self.kit
        got: list[Any] = []
        arrived = kit.future()

        def on_event(*args: Any, details: Any = None, **kwargs: Any) -> None:
            got.append((args, kwargs, details))
            if args and args[0] == "included":
                kit.resolve(arrived, None)

        topic = self.uri("topic")
        await self.session.subscribe(on_event, topic, options=t.SubscribeOptions(details=True))
        nothing = self.session.publish(topic, "excluded")  # exclude_me is the default
        pub = await self.session.publish(
            topic, "included", b"\x01", key={"n": [1, 2.5]},
            options=t.PublishOptions(acknowledge=True, exclude_me=False))
        await kit.wait(arrived, WAIT, "the event published with exclude_me=False")
        details = got[-1][2]
        return {
            "unacknowledged_publish_returns": plain(nothing),
            "acknowledged_id": isinstance(pub.id, int) and pub.id > 0,
            "events": [[plain(list(a)), plain(kw)] for a, kw, _ in got],
            "publication_matches": details.publication == pub.id,
            "topic": details.topic,
            "publisher_is_me": details.publisher == self.session.session_id,
        }

    async def step_retained(self) -> Any:
        t, kit = self.lib.types, self.kit
        topic = self.uri("retained")
        await self.session.publish(topic, "kept", 7, options=t.PublishOptions(
            retain=True, acknowledge=True))
        arrived = kit.future()

        def on_event(*args: Any, details: Any = None, **kwargs: Any) -> None:
            kit.resolve(arrived, [plain(list(args)), bool(details.retained)])

        await self.session.subscribe(on_event, topic, options=t.SubscribeOptions(
            get_retained=True, details=True))
        args, retained = await kit.wait(arrived, WAIT, "the retained event")
        return {"args": args, "retained": retained}

    async def step_patterns(self) -> Any:
        t, kit = self.lib.types, self.kit
        called: list[Any] = []

        def any_get(*args: Any, details: Any = None) -> Any:
            called.append(details.procedure)
            return list(args)

        await self.session.register(any_get, self.uri("items."), options=t.RegisterOptions(
            match="prefix", details=True))
        await self.session.register(lambda *a, details=None: details.procedure,
                                    self.uri("users..get"), options=t.RegisterOptions(
                                        match="wildcard", details=True))
        prefixed = await self.session.call(self.uri("items.a.b"), 1)
        wildcard = await self.session.call(self.uri("users.17.get"))
        arrived = kit.future()

        def on_event(*args: Any, details: Any = None) -> None:
            kit.resolve(arrived, [list(args), details.topic])

        await self.session.subscribe(on_event, self.uri("news."), options=t.SubscribeOptions(
            match="prefix", details=True))
        await self.session.publish(self.uri("news.sport"), "goal", options=t.PublishOptions(
            exclude_me=False, acknowledge=True))
        event = await kit.wait(arrived, WAIT, "the event of the prefix subscription")
        prefix = len(self.prefix) + 1
        return {"prefix_call": [prefixed, [c[prefix:] for c in called]],
                "wildcard_call": wildcard[prefix:], "prefix_event": [event[0],
                                                                     event[1][prefix:]]}

    async def step_meta(self) -> Any:
        """The router's meta API, as a client calls it (ids are the router's own)."""
        s = self.session
        await s.register(lambda: None, self.uri("meta_proc"))
        await s.subscribe(lambda *a: None, self.uri("meta_topic"))
        reg = await s.call("wamp.registration.lookup", self.uri("meta_proc"))
        missing = await s.call("wamp.registration.lookup", self.uri("nothing_here"))
        sub = await s.call("wamp.subscription.lookup", self.uri("meta_topic"))
        count = await s.call("wamp.session.count")
        me = await s.call("wamp.session.get", s.session_id)
        return {"registration_id": isinstance(reg, int) and reg > 0,
                "unknown_registration": missing,
                "subscription_id": isinstance(sub, int) and sub > 0,
                "session_count": isinstance(count, int) and count >= 1,
                "my_session": [me.get("session") == s.session_id, me.get("authrole")]}

    def _stuck_callee(self) -> tuple[Any, Any, Any]:
        """A procedure that answers only when interrupted: (endpoint, invoked, interrupted)."""
        kit = self.kit
        invoked, interrupted = kit.future(), kit.future()

        async def stuck() -> str:
            kit.resolve(invoked, True)
            try:
                await kit.forever()
            except kit.cancelled_errors:
                kit.resolve(interrupted, True)
                raise
            return "never"

        return stuck, invoked, interrupted

    async def step_timeout(self) -> Any:
        t, kit = self.lib.types, self.kit
        stuck, invoked, interrupted = self._stuck_callee()
        await self.session.register(stuck, self.uri("stuck"))

        async def slow() -> str:
            await kit.sleep(SLOW_CALLEE)
            return "slow but in time"

        await self.session.register(slow, self.uri("slow"))
        # a timeout in seconds that must not fire: a router reading milliseconds would
        # cancel this call long before the callee answers
        in_time = await self.session.call(self.uri("slow"), options=t.CallOptions(timeout=10))
        started = kit.now()
        try:
            await kit.wait(self.session.call(self.uri("stuck"), options=t.CallOptions(
                timeout=CALL_TIMEOUT)), STEP_TIMEOUT - 5, "the timed-out call's end")
            outcome: Any = {"unexpected": "the call succeeded"}
        except Exception as exc:
            outcome = application_error(exc, self.lib)
            outcome.pop("args", None)  # the message text is the router's own
        took = round(kit.now() - started, 2)
        was_invoked = await self.settled(invoked, "the stuck callee's invocation")
        was_interrupted = await self.settled(interrupted, "the callee's INTERRUPT")
        return {"in_time": in_time, "timed_out": outcome, "callee_invoked": was_invoked,
                "callee_interrupted": was_interrupted, "seconds": took}  # seconds: reported

    async def step_cancel(self) -> Any:
        kit = self.kit
        stuck, invoked, interrupted = self._stuck_callee()
        await self.session.register(stuck, self.uri("cancel_me"))
        call = self.session.call(self.uri("cancel_me"))
        await kit.wait(invoked, WAIT, "the invocation to cancel")
        kit.cancel(call)
        try:
            await kit.wait(call, WAIT, "the cancelled call's end")
            outcome = "the call succeeded"
        except kit.cancelled_errors:
            outcome = "cancelled"
        except Exception as exc:
            outcome = describe_exception(exc)
        was_interrupted = await self.settled(interrupted, "the callee's INTERRUPT")
        return {"caller": outcome, "callee_interrupted": was_interrupted}


class Duo(Steps):
    """Two clients, maybe of different libraries and frameworks, through one router: the callee
    registers and subscribes, the caller calls and publishes; each side reports what it saw.
    The URIs under ``prefix`` are the pair's: ``ready`` (registered last), ``control`` (the
    callee says when a stuck procedure is invoked; the caller says ``finish``)."""

    def invocation(self, details: Any) -> dict[str, Any]:
        return {"caller_disclosed": isinstance(details.caller, int) and details.caller > 0,
                "caller_authrole": details.caller_authrole}

    async def step_callee(self) -> Any:
        t, kit, s = self.lib.types, self.kit, self.session
        seen: dict[str, Any] = {"invocations": [], "events": [], "interrupted": []}
        finish = kit.future()
        details_opt = t.RegisterOptions(details=True)

        def echo(*args: Any, details: Any = None, **kwargs: Any) -> Any:
            seen["invocations"].append(self.invocation(details))
            return t.CallResult(*args, **kwargs)

        def countdown(n: int, details: Any = None) -> Any:
            for i in range(n):
                details.progress(i, left=n - i)
            return "done"

        def fails() -> None:
            raise self.lib.exception.ApplicationError("com.example.oops", 1, "two", three=3)

        def stuck(name: str) -> Any:
            async def endpoint() -> str:
                try:  # the INTERRUPT may come while the publish is being acknowledged
                    await s.publish(self.uri("control"), "invoked", name,
                                    options=t.PublishOptions(acknowledge=True))
                    await kit.forever()
                except kit.cancelled_errors:
                    seen["interrupted"].append(name)
                    raise
                return "never"
            return endpoint

        def on_event(*args: Any, details: Any = None, **kwargs: Any) -> None:
            seen["events"].append([plain(list(args)), plain(kwargs),
                                   isinstance(details.publisher, int)])

        def on_control(*args: Any) -> None:
            if args and args[0] == "finish":
                kit.resolve(finish, args[1] if len(args) > 1 else [])

        await s.register(echo, self.uri("echo"), options=details_opt)
        await s.register(countdown, self.uri("countdown"), options=details_opt)
        await s.register(fails, self.uri("fails"))
        await s.register(stuck("timeout_me"), self.uri("timeout_me"))
        await s.register(stuck("cancel_me"), self.uri("cancel_me"))
        await s.subscribe(on_event, self.uri("topic"), options=t.SubscribeOptions(details=True))
        await s.subscribe(on_control, self.uri("control"))
        await s.register(lambda: True, self.uri("ready"))
        expected = await kit.wait(finish, DUO_WAIT, "the caller's finish")
        started = kit.now()  # the INTERRUPTs came before "finish"; let their handlers run
        while not set(expected) <= set(seen["interrupted"]) and kit.now() - started < WAIT:
            await kit.sleep(0.02)
        seen["interrupted"].sort()
        return seen

    async def _timed_out(self) -> Any:
        call = self.session.call(self.uri("timeout_me"), options=self.lib.types.CallOptions(
            timeout=CALL_TIMEOUT))
        try:
            await self.kit.wait(call, 10, "the timed-out call's end")
            return {"unexpected": "the call succeeded"}
        except TimeoutError as exc:
            return {"unexpected": describe_exception(exc)}
        except Exception as exc:
            outcome = application_error(exc, self.lib)
            outcome.pop("args", None)
            return outcome

    async def _callee_ready(self) -> None:
        started = self.kit.now()
        while not await self.session.call("wamp.registration.lookup", self.uri("ready")):
            if self.kit.now() - started > DUO_WAIT:
                raise TimeoutError("the callee did not register within the pair's wait")
            await self.kit.sleep(0.1)

    async def step_caller_untimed(self) -> Any:
        """The caller without the timed-out call (Crossbar.io does not end calls on timeout,
        and Autobahn's callers have no timer of their own)."""
        return await self.step_caller(timed=False)

    async def step_caller(self, timed: bool = True) -> Any:
        t, kit, s = self.lib.types, self.kit, self.session
        invoked: dict[str, Any] = {"timeout_me": kit.future(), "cancel_me": kit.future()}

        def on_control(*args: Any) -> None:
            if len(args) == 2 and args[0] == "invoked":
                kit.resolve(invoked[args[1]], True)

        await s.subscribe(on_control, self.uri("control"))
        await self._callee_ready()
        out: dict[str, Any] = {}
        try:
            echoed = await s.call(self.uri("echo"), *RPC_ARGS, **RPC_KWARGS)
            out["echo"] = {"args": plain(list(echoed.results)), "kwargs": plain(echoed.kwresults)}
            seen: list[Any] = []
            result = await s.call(self.uri("countdown"), 3, options=t.CallOptions(
                on_progress=lambda *a, **kw: seen.append([a, kw])))
            out["progress"] = {"progress": plain(seen), "result": result}
            try:
                await s.call(self.uri("fails"))
            except Exception as exc:
                out["error"] = application_error(exc, self.lib)
            if timed:
                out["timed_out"] = await self._timed_out()
            call = s.call(self.uri("cancel_me"))
            await kit.wait(invoked["cancel_me"], WAIT, "the invocation to cancel")
            kit.cancel(call)
            try:
                await kit.wait(call, WAIT, "the cancelled call's end")
                out["cancel"] = "the call succeeded"
            except kit.cancelled_errors:
                out["cancel"] = "cancelled"
            for n in (1, 2):
                await s.publish(self.uri("topic"), "event", n, key=[n],
                                options=t.PublishOptions(acknowledge=True))
        finally:  # with the calls whose INTERRUPT the callee should have seen
            await s.publish(self.uri("control"), "finish",
                            ["cancel_me", "timeout_me"] if timed else ["cancel_me"],
                            options=t.PublishOptions(acknowledge=True))
        return out


async def run(session: Any, kit: Any, lib: Any, prefix: str,
              steps: list[str] | tuple[str, ...] = STEPS) -> dict[str, Any]:
    """Run ``steps`` on ``session``; ``{step: observation}``."""
    runner = Duo(session, kit, lib, prefix)
    out: dict[str, Any] = {}
    for name in steps:
        try:
            out[name] = await kit.wait(getattr(runner, f"step_{name}")(),
                                       STEP_LIMITS.get(name, STEP_TIMEOUT), f"step {name}")
        except BaseException as exc:  # recorded, the next step runs
            out[name] = {"failed": describe_exception(exc)}
    return out
