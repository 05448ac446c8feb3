"""The callee side on asyncio and Twisted: register, invocations, errors, interrupts, streams."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import wamp_core as wamp
from _session_harness import Harness, flavours, join, run
from wamp_core.exception import ApplicationError, NotAuthorized
from wamp_core.message import (
    Error,
    Interrupt,
    Invocation,
    Register,
    Registered,
    Unregister,
    Unregistered,
    Yield,
)
from wamp_core.protocol import ApplicationSession
from wamp_core.request import InvocationDetails, InvocationStream, Registration
from wamp_core.serializer import JsonSerializer
from wamp_core.types import CallResult, RegisterOptions

INVOCATION = Invocation.MESSAGE_TYPE


async def registered(h: Harness, s: Any, router: Any, endpoint: Any, procedure: str,
                     registration_id: int = 100, **kwargs: Any) -> Registration:
    pending = s.register(endpoint, procedure, **kwargs)
    await h.settle()
    register = router.expect(Register)
    assert register.procedure == procedure
    router.send(Registered(register.request, registration_id))
    return await h.wait(pending)  # type: ignore[no-any-return]


async def invoke(h: Harness, router: Any, *args: Any, **details: Any) -> Any:
    router.send(Invocation(*args, **details))
    await h.settle()
    return router.received.pop(0) if router.received else None


@flavours
def test_register_message_carries_the_options(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s, JsonSerializer())
        s.register(lambda: None, "com.p.", options=RegisterOptions(
            match="prefix", invoke="roundrobin", concurrency=3, disclose_caller=True,
            force_reregister=True))
        s.register(lambda: None, "com..p", options=RegisterOptions(match="wildcard",
                                                                   invoke="random"))
        s.register(lambda: None, "p", prefix="com.example.")
        await h.settle()
        first, second, third = (router.expect(Register) for _ in range(3))
        assert first.marshal()[2] == {"match": "prefix", "invoke": "roundrobin",
                                      "concurrency": 3, "force_reregister": True,
                                      "disclose_caller": True}
        assert second.marshal()[2] == {"match": "wildcard", "invoke": "random"}
        assert third.procedure == "com.example.p"

    run(flavour, scenario)


@flavours
def test_invocation_results(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s, JsonSerializer())
        reg = await registered(h, s, router, lambda *a, **kw: (list(a), kw), "com.echo")
        assert (reg.id, reg.procedure, reg.active) == (100, "com.echo", True)
        assert str(reg) == 'Registration(id=100, is_active=True, procedure="com.echo")'
        reply = await invoke(h, router, 1, 100, [1, 2], {"k": "v"})
        assert reply == Yield(1, [[[1, 2], {"k": "v"}]])
        await registered(h, s, router, lambda: CallResult(1, 2, total=3, callee_authid="me"),
                         "com.multi", 101)
        assert await invoke(h, router, 2, 101) == Yield(2, [1, 2], {"total": 3},
                                                        callee_authid="me")
        await registered(h, s, router, lambda: None, "com.none", 102)
        assert await invoke(h, router, 3, 102) == Yield(3, [None])

        async def coroutine(x: int) -> int:
            return x * 2

        await registered(h, s, router, coroutine, "com.co", 103)
        assert await invoke(h, router, 4, 103, [21]) == Yield(4, [42])

    run(flavour, scenario)


@flavours
def test_call_details_and_caller_disclosure(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s)
        seen: list[Any] = []
        reg = await registered(h, s, router, lambda details: seen.append(details),
                               "com.a.", options=RegisterOptions(match="prefix", details=True))
        await invoke(h, router, 9, 100, caller=55, caller_authid="alice",
                     caller_authrole="admin", procedure="com.a.b", transaction_hash="t1")
        (details,) = seen
        assert isinstance(details, InvocationDetails)
        assert details.registration is reg and details.procedure == "com.a.b"
        assert (details.caller, details.caller_authid, details.caller_authrole) == \
            (55, "alice", "admin")
        assert details.transaction_hash == "t1"
        assert details.progress is None and details.stream is None
        assert str(details).startswith("CallDetails(registration=Registration(id=100")

    run(flavour, scenario)


@flavours
def test_endpoint_errors_become_error_messages(flavour: str,
                                                caplog: pytest.LogCaptureFixture) -> None:
    @wamp.error("com.example.error.quota")
    class Quota(Exception):
        pass

    def fail(kind: str) -> None:
        if kind == "plain":
            raise ValueError("bad value", 7)
        if kind == "app":
            raise ApplicationError("com.example.denied", "no", reason="because")
        if kind == "quota":
            raise Quota("over")
        raise NotAuthorized("not you")

    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s, JsonSerializer())
        await registered(h, s, router, fail, "com.fail")
        replies = [await invoke(h, router, i, 100, [kind])
                   for i, kind in enumerate(["plain", "app", "quota", "other"], start=1)]
        assert replies == [
            Error(INVOCATION, 1, "wamp.error.runtime_error", ["bad value", 7]),
            Error(INVOCATION, 2, "com.example.denied", ["no"], {"reason": "because"}),
            Error(INVOCATION, 3, "com.example.error.quota", ["over"]),
            Error(INVOCATION, 4, "wamp.error.not_authorized", ["not you"]),
        ]
        s.traceback_app = True
        reply = await invoke(h, router, 5, 100, ["plain"])
        assert "Traceback" in reply.kwargs["traceback"] and "bad value" in reply.kwargs["traceback"]
        assert s.is_attached()

    with caplog.at_level(logging.WARNING):
        run(flavour, scenario)
    assert "ValueError: ('bad value', 7)" in caplog.text and "Traceback" in caplog.text
    assert 'onUserError(): "com.example.denied: no"' in caplog.text  # a warning, no traceback


@flavours
def test_unserializable_result_becomes_invalid_payload(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s, JsonSerializer())
        await registered(h, s, router, lambda: object(), "com.bad")
        reply = await invoke(h, router, 1, 100)
        assert isinstance(reply, Error) and reply.error == "wamp.error.invalid_payload"
        assert "could not be serialized" in reply.args[0]

    run(flavour, scenario)


@flavours
def test_progressive_results_from_the_callee(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s)

        def counter(n: int, details: Any) -> str:
            for i in range(n):
                details.progress(i, of=n)
            return "done"

        await registered(h, s, router, counter, "com.count",
                         options=RegisterOptions(details=True))
        router.send(Invocation(1, 100, [2], receive_progress=True))
        await h.settle()
        assert router.received == [Yield(1, [0], {"of": 2}, progress=True),
                                   Yield(1, [1], {"of": 2}, progress=True), Yield(1, ["done"])]

    run(flavour, scenario)


@flavours
@pytest.mark.parametrize("mode", ["kill", "killnowait", None])
def test_interrupt_cancels_the_endpoint(flavour: str, mode: Any) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s)
        never = h.api.create_future()
        cancelled: list[bool] = []

        async def slow() -> None:
            try:
                await never
            except BaseException:
                cancelled.append(True)
                raise

        await registered(h, s, router, slow, "com.slow")
        assert await invoke(h, router, 7, 100) is None
        router.send(Interrupt(7, mode=mode))
        await h.settle()
        reply = router.expect(Error)
        assert (reply.request, reply.error) == (7, "wamp.error.canceled")
        assert cancelled == [True]
        router.send(Interrupt(7, mode=mode))  # late: dropped
        await h.settle()
        router.nothing()

    run(flavour, scenario)


@flavours
def test_interrupt_with_a_reason_and_a_finished_endpoint(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s)
        never = h.api.create_future()
        await registered(h, s, router, lambda: never, "com.slow")
        await invoke(h, router, 1, 100)
        router.send(Interrupt(1, mode="killnowait", reason="wamp.error.timeout"))
        await h.settle()
        assert router.expect(Error).error == "wamp.error.timeout"

    run(flavour, scenario)


@flavours
def test_callee_timeout(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s)
        futures: list[Any] = []

        def slow() -> Any:
            futures.append(h.api.create_future())
            return futures[-1]

        await registered(h, s, router, slow, "com.slow")
        router.send(Invocation(3, 100, timeout=1500))
        await h.settle()
        await h.advance(1.4)
        router.nothing()
        await h.advance(0.2)
        reply = router.expect(Error)
        assert (reply.request, reply.error) == (3, "wamp.error.timeout")
        router.send(Invocation(4, 100, timeout=1500))  # a fast answer stops the timer
        await h.settle()
        h.api.resolve(futures[-1], "ok")
        await h.settle()
        assert router.expect(Yield) == Yield(4, ["ok"])
        await h.advance(5)
        router.nothing()

    run(flavour, scenario)


@flavours
def test_progressive_invocation_stream(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s)
        received: list[Any] = []

        async def upload(first: str, details: Any) -> list[Any]:
            stream = details.stream
            assert isinstance(stream, InvocationStream)
            received.append(first)
            async for chunk in stream:
                received.append((chunk.args, chunk.kwargs, chunk.last))
            return received

        await registered(h, s, router, upload, "com.up", options=RegisterOptions(details=True))
        router.send(Invocation(5, 100, ["a"], progress=True))
        router.send(Invocation(5, 100, ["b"], {"n": 1}, progress=True))
        await h.settle()
        router.nothing()
        router.send(Invocation(5, 100, ["c"]))
        await h.settle()
        assert received == ["a", (("b",), {"n": 1}, False), (("c",), {}, True)]
        assert router.expect(Yield).request == 5

    run(flavour, scenario)


@flavours
def test_progressive_invocation_collected_without_details(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s)
        await registered(h, s, router, lambda *parts, **kw: ["".join(parts), kw], "com.join")
        router.send(Invocation(5, 100, ["a"], {"x": 1}, progress=True))
        router.send(Invocation(5, 100, ["b"], {"y": 2}, progress=True))
        await h.settle()
        router.nothing()
        router.send(Invocation(5, 100, ["c"], {"x": 3}))
        await h.settle()
        assert router.expect(Yield) == Yield(5, [["abc", {"x": 3, "y": 2}]])
        router.send(Invocation(6, 100, ["a"], progress=True))
        router.send(Interrupt(6, mode="killnowait"))
        await h.settle()
        assert router.expect(Error).error == "wamp.error.canceled"

    run(flavour, scenario)


@flavours
def test_early_answer_to_a_progressive_invocation(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s)

        def first_only(value: str, details: Any) -> str:
            return value

        await registered(h, s, router, first_only, "com.first",
                         options=RegisterOptions(details=True))
        router.send(Invocation(8, 100, ["x"], progress=True))
        await h.settle()
        assert router.expect(Yield) == Yield(8, ["x"])
        router.send(Invocation(8, 100, ["y"], progress=True))  # the dealer had sent it already
        router.send(Invocation(8, 100, ["z"]))
        await h.settle()
        router.nothing()
        assert s.is_attached()

    run(flavour, scenario)


@flavours
def test_unregister_and_revocation(flavour: str, caplog: pytest.LogCaptureFixture) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s)
        reg = await registered(h, s, router, lambda: 1, "com.p")
        done = reg.unregister()
        await h.settle()
        unregister = router.expect(Unregister)
        assert unregister.registration == 100
        router.send(Unregistered(unregister.request))
        assert await h.wait(done) is None
        assert not reg.active
        with pytest.raises(RuntimeError, match="no longer active"):
            reg.unregister()
        other = await registered(h, s, router, lambda: 1, "com.q", 101)
        router.send(Unregistered(0, registration=101, reason="wamp.close.revoked"))
        await h.settle()
        assert not other.active
        failing = await registered(h, s, router, lambda: 1, "com.r", 102)
        pending = failing.unregister()
        await h.settle()
        router.send(Error(Unregister.MESSAGE_TYPE, router.expect(Unregister).request,
                          "wamp.error.no_such_registration"))
        assert (await h.failure(pending)).error == "wamp.error.no_such_registration"

    with caplog.at_level(logging.INFO):
        run(flavour, scenario)
    assert "revoked registration 101 of 'com.q' (wamp.close.revoked)" in caplog.text


@flavours
def test_register_error(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s)
        pending = s.register(lambda: 1, "com.taken")
        await h.settle()
        router.send(Error(Register.MESSAGE_TYPE, router.expect(Register).request,
                          "wamp.error.procedure_already_exists"))
        failure = await h.failure(pending)
        assert failure.error == "wamp.error.procedure_already_exists"

    run(flavour, scenario)


@flavours
def test_type_checked_endpoint(flavour: str, caplog: pytest.LogCaptureFixture) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s)

        def add(a: int, b: int | None = None) -> int:
            return a + (b or 0)

        await registered(h, s, router, add, "com.add", check_types=True)
        assert await invoke(h, router, 1, 100, [1, 2]) == Yield(1, [3])
        reply = await invoke(h, router, 2, 100, ["x", 2.5])
        assert reply.error == "wamp.error.type_check_error"
        assert reply.args == ["'a' expected type=int got=str, "
                              "'b' expected type=int | NoneType got=float"]

    run(flavour, scenario)


class Service:
    def __init__(self) -> None:
        self.calls: list[Any] = []

    @wamp.register("com.svc.add")
    def add(self, a: int, b: int) -> int:
        return a + b

    @wamp.register(None)
    def ping(self) -> str:
        return "pong"

    @wamp.register("com.svc.user.<user_id:int>.rename")
    def rename(self, name: str, user_id: int) -> list[Any]:
        return [user_id, name]

    @wamp.register("com.svc.files.<path:suffix>", options=RegisterOptions(details=True))
    def read(self, path: str, details: Any) -> str:
        return f"{path}@{details.procedure}"


@flavours
def test_register_an_object(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s, JsonSerializer())
        pending = s.register(Service())
        await h.settle()
        registers = {m.procedure: m for m in router.received}
        router.received.clear()
        assert {p: r.marshal()[2] for p, r in registers.items()} == {
            "com.svc.add": {}, "ping": {},
            "com.svc.user..rename": {"match": "wildcard"},
            "com.svc.files.": {"match": "prefix"},
        }
        ids = {"com.svc.add": 1, "ping": 2, "com.svc.user..rename": 3, "com.svc.files.": 4}
        for procedure, register in registers.items():
            if procedure == "ping":
                router.send(Error(Register.MESSAGE_TYPE, register.request, "wamp.error.nope"))
            else:
                router.send(Registered(register.request, ids[procedure]))
        results = await h.wait(pending)
        assert [type(r).__name__ for r in results].count("Registration") == 3
        assert [r.error for r in results if isinstance(r, ApplicationError)] == ["wamp.error.nope"]
        assert await invoke(h, router, 1, 1, [2, 3]) == Yield(1, [5])
        assert await invoke(h, router, 2, 3, ["bob"], procedure="com.svc.user.17.rename") == \
            Yield(2, [[17, "bob"]])
        assert await invoke(h, router, 3, 4, procedure="com.svc.files.a.b.txt") == \
            Yield(3, ["a.b.txt@com.svc.files.a.b.txt"])
        bad = await invoke(h, router, 4, 3, ["x"], procedure="com.svc.user.abc.rename")
        assert bad.error == "wamp.error.invalid_argument" and "not int" in bad.args[0]

    run(flavour, scenario)


def test_register_misuse() -> None:
    s = ApplicationSession()
    with pytest.raises(Exception, match="no transport"):
        s.register(lambda: 1, "com.x")
    s._transport = object()
    with pytest.raises(TypeError, match="procedure URI is needed"):
        s.register(lambda: 1)
    with pytest.raises(TypeError, match="apply to callables only"):
        s.register(Service(), "com.x")


@flavours
@pytest.mark.parametrize("invoke", ["single", "first", "last", "roundrobin", "random"])
def test_every_invoke_policy_and_a_custom_details_arg(flavour: str, invoke: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s, JsonSerializer())
        seen: list[Any] = []
        pending = s.register(lambda info: seen.append(info.procedure), "com.shared",
                             options=RegisterOptions(invoke=invoke, details_arg="info"))
        await h.settle()
        register = router.expect(Register)
        options = register.marshal()[2]
        assert options == ({} if invoke == "single" else {"invoke": invoke})
        router.send(Registered(register.request, 100))
        await h.wait(pending)
        await invoke_(h, router)
        assert seen == ["com.shared"]

    async def invoke_(h: Harness, router: Any) -> None:
        router.send(Invocation(1, 100))
        await h.settle()
        assert router.expect(Yield) == Yield(1, [None])

    run(flavour, scenario)
