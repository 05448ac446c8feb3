"""The caller side on asyncio and Twisted: results, errors, progress, cancel, timeout, streams."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import wamp_core as wamp
from _session_harness import ROUTER_ROLES, Harness, flavours, join, run
from wamp_core.exception import (
    ApplicationError,
    SerializationError,
    SessionNotReady,
)
from wamp_core.message import Abort, Call, Cancel, Error, Result
from wamp_core.protocol import ApplicationSession
from wamp_core.serializer import JsonSerializer
from wamp_core.types import CallOptions, CallResult

CALL = Call.MESSAGE_TYPE


async def call_and_answer(h: Harness, s: Any, router: Any, answer: Any, *args: Any,
                          **kwargs: Any) -> Any:
    pending = s.call("com.p", *args, **kwargs)
    await h.settle()
    call = router.expect(Call)
    router.send(answer(call.request))
    return pending, call


# Autobahn's mapping of a RESULT to what call() resolves with.
RESULT_TABLE = [
    ("no payload", lambda r: Result(r), None, None),
    ("empty args", lambda r: Result(r, []), None, None),
    ("one value", lambda r: Result(r, [5]), None, 5),
    ("one list value", lambda r: Result(r, [[1, 2]]), None, [1, 2]),
    ("one None value", lambda r: Result(r, [None]), None, None),
    ("two values", lambda r: Result(r, [1, 2]), None, ((1, 2), {})),
    ("kwargs only", lambda r: Result(r, [], {"a": 1}), None, ((), {"a": 1})),
    ("args and kwargs", lambda r: Result(r, [1], {"a": 1}), None, ((1,), {"a": 1})),
    ("details, one value", lambda r: Result(r, [5], callee=7, callee_authid="bob"),
     CallOptions(details=True), ((5,), {})),
]


@flavours
@pytest.mark.parametrize(("name", "answer", "options", "expected"), RESULT_TABLE,
                         ids=[row[0] for row in RESULT_TABLE])
def test_call_result_mapping(flavour: str, name: str, answer: Any, options: Any,
                             expected: Any) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s)
        kwargs = {"options": options} if options else {}
        pending, _ = await call_and_answer(h, s, router, answer, **kwargs)
        value = await h.wait(pending)
        if isinstance(expected, tuple):
            assert isinstance(value, CallResult)
            assert (value.results, value.kwresults) == expected
        else:
            assert value == expected and not isinstance(value, CallResult)
        if options is not None:
            assert (value.callee, value.callee_authid) == (7, "bob")

    run(flavour, scenario)


@flavours
def test_call_message(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s, JsonSerializer())
        s.call("com.p", 1, "two", x=[3], options=CallOptions(
            timeout=2.5, disclose_me=True, on_progress=lambda *a: None))
        await h.settle()
        call = router.expect(Call)
        assert call.marshal() == [48, call.request, {"timeout": 2500, "receive_progress": True,
                                                     "disclose_me": True},
                                  "com.p", [1, "two"], {"x": [3]}]
        s.call("com.q")
        await h.settle()
        assert router.expect(Call).marshal() == [48, call.request + 1, {}, "com.q"]

    run(flavour, scenario)


@flavours
def test_call_errors(flavour: str) -> None:
    @wamp.error("com.example.error.custom")
    class Custom(Exception):
        pass

    class Defined(Exception):
        pass

    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        s.define(Custom)
        s.define(Defined, "com.example.error.defined")
        router, _ = await join(h, s)

        async def error_for(msg: Any) -> Any:
            pending, _ = await call_and_answer(h, s, router, msg)
            return await h.failure(pending)

        exc = await error_for(lambda r: Error(CALL, r, "com.error.plain", ["a", 1], {"k": 2},
                                              callee=9, callee_authid="c"))
        assert type(exc) is ApplicationError and exc.error == "com.error.plain"
        assert exc.args == ("a", 1) and exc.kwargs == {"k": 2}
        assert (exc.callee, exc.callee_authid) == (9, "c")
        assert str(exc).startswith("ApplicationError(error=<com.error.plain>, args=['a', 1]")
        exc = await error_for(lambda r: Error(CALL, r, "com.example.error.custom", ["boom"]))
        assert type(exc) is Custom and exc.args == ("boom",)
        exc = await error_for(lambda r: Error(CALL, r, "com.example.error.defined"))
        assert type(exc) is Defined
        exc = await error_for(lambda r: Error(CALL, r, "wamp.error.invalid_payload", ["bad"]))
        assert type(exc) is SerializationError
        # a mapped class that cannot take the payload falls back to ApplicationError
        exc = await error_for(lambda r: Error(CALL, r, "com.example.error.defined", [],
                                              {"unexpected": 1}))
        assert type(exc) is ApplicationError

    run(flavour, scenario)


def test_define_misuse() -> None:
    s = ApplicationSession()
    with pytest.raises(RuntimeError, match=r"no @wamp\.error"):
        s.define(ValueError)

    @wamp.error("com.x")
    class Decorated(Exception):
        pass

    with pytest.raises(RuntimeError, match="decorated"):
        s.define(Decorated, "com.y")
    with pytest.raises(TypeError):
        s.define("not a class")  # type: ignore[arg-type]
    s.define(wamp.exception.NotAuthorized)  # carries wamp_error_uri
    assert s._uri_to_ecls["wamp.error.not_authorized"] is wamp.exception.NotAuthorized


@flavours
def test_progressive_results(flavour: str, caplog: pytest.LogCaptureFixture) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s)
        seen: list[Any] = []

        def on_progress(*args: Any, **kwargs: Any) -> None:
            seen.append((args, kwargs))
            if args == ("boom",):
                raise ValueError("on_progress failed")

        pending = s.call("com.p", options=CallOptions(on_progress=on_progress))
        await h.settle()
        call = router.expect(Call)
        assert call.receive_progress is True
        router.send(Result(call.request, [1], progress=True))
        router.send(Result(call.request, ["boom"], progress=True))
        router.send(Result(call.request, [], {"k": "v"}, progress=True))
        router.send(Result(call.request, ["done"]))
        assert await h.wait(pending) == "done"
        assert seen == [((1,), {}), (("boom",), {}), ((), {"k": "v"})]
        with_details: list[Any] = []
        pending = s.call("com.p", options=CallOptions(on_progress=with_details.append,
                                                      details=True))
        await h.settle()
        call = router.expect(Call)
        router.send(Result(call.request, [1, 2], {"a": 3}, progress=True, callee=5))
        router.send(Result(call.request, [9]))
        result = await h.wait(pending)
        assert isinstance(result, CallResult) and result.results == (9,)
        (progress,) = with_details
        assert (progress.results, progress.kwresults, progress.callee) == ((1, 2), {"a": 3}, 5)

    with caplog.at_level(logging.ERROR):
        run(flavour, scenario)
    assert "on_progress failed" in caplog.text


@flavours
@pytest.mark.parametrize("mode", [None, "skip", "kill", "killnowait"])
def test_cancel_sends_cancel_and_drops_the_late_answer(flavour: str, mode: Any) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, pipe = await join(h, s)
        options = CallOptions(cancel_mode=mode) if mode else None
        pending = s.call("com.slow", options=options)
        await h.settle()
        call = router.expect(Call)
        h.api.cancel(pending)
        await h.settle()
        cancel = router.expect(Cancel)
        assert (cancel.request, cancel.mode) == (call.request, mode)
        failure = await h.failure(pending)
        assert type(failure).__name__ == "CancelledError"
        if mode == "kill":  # the callee may still finish first
            router.send(Result(call.request, ["late"]))
        else:
            router.send(Error(CALL, call.request, "wamp.error.canceled"))
        await h.settle()
        router.nothing()  # no ABORT: the late answer was expected
        assert s.is_attached() and pipe.errors == []

    run(flavour, scenario)


@flavours
def test_cancel_without_router_support_sends_nothing(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s, roles={"dealer": {}})
        pending = s.call("com.slow")
        await h.settle()
        call = router.expect(Call)
        h.api.cancel(pending)
        await h.settle()
        router.nothing()
        router.send(Result(call.request, [1]))  # still absorbed
        await h.settle()
        router.nothing()
        assert s.is_attached()

    run(flavour, scenario)


@flavours
def test_call_timeout_is_enforced_by_the_caller(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s)
        pending = s.call("com.slow", options=CallOptions(timeout=2.5))
        await h.settle()
        call = router.expect(Call)
        assert call.timeout == 2500  # milliseconds on the wire
        await h.advance(2.4)
        assert not h.done(pending)
        router.nothing()
        await h.advance(0.2)
        assert h.done(pending)
        cancel = router.expect(Cancel)
        assert (cancel.request, cancel.mode) == (call.request, "killnowait")
        failure = await h.failure(pending)
        assert isinstance(failure, ApplicationError) and failure.error == "wamp.error.timeout"
        assert "timed out after 2.5 s" in failure.args[0]
        router.send(Error(CALL, call.request, "wamp.error.canceled"))
        await h.settle()
        router.nothing()
        assert s.is_attached()

    run(flavour, scenario)


@flavours
def test_call_timeout_cancelled_by_the_result(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s)
        pending = s.call("com.fast", options=CallOptions(timeout=1, cancel_mode="kill"))
        await h.settle()
        call = router.expect(Call)
        router.send(Result(call.request, ["ok"]))
        assert await h.wait(pending) == "ok"
        await h.advance(5)
        router.nothing()

    run(flavour, scenario)


@flavours
def test_dealer_timeout_error(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s)
        pending = s.call("com.slow", options=CallOptions(timeout=10))
        await h.settle()
        call = router.expect(Call)
        router.send(Error(CALL, call.request, "wamp.error.timeout"))
        failure = await h.failure(pending)
        assert failure.error == "wamp.error.timeout"
        await h.advance(20)
        router.nothing()  # the caller's timer was stopped

    run(flavour, scenario)


@flavours
def test_progressive_call_invocations(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s, JsonSerializer())
        upload = s.call_progressive("com.upload", "part1", name="f.txt")
        upload.send("part2")
        result = upload.finish("part3")
        await h.settle()
        first, second, last = (router.expect(Call) for _ in range(3))
        assert first.marshal() == [48, first.request, {"progress": True}, "com.upload",
                                   ["part1"], {"name": "f.txt"}]
        assert second.marshal() == [48, first.request, {"progress": True}, "com.upload",
                                    ["part2"]]
        assert last.marshal() == [48, first.request, {}, "com.upload", ["part3"]]
        assert upload.request_id == first.request and not upload.finished
        router.send(Result(first.request, [3]))
        assert await h.wait(result) == 3 and upload.finished
        with pytest.raises(SessionNotReady, match="has ended"):
            upload.send("more")

    run(flavour, scenario)


@flavours
def test_progressive_call_answered_early_and_cancelled(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s)
        upload = s.call_progressive("com.upload", 1)
        await h.settle()
        call = router.expect(Call)
        router.send(Error(CALL, call.request, "com.refused"))
        failure = await h.failure(upload.result)
        assert failure.error == "com.refused"
        with pytest.raises(SessionNotReady):
            upload.finish(2)
        stream = s.call_progressive("com.stream", 1)
        stream.cancel()
        await h.settle()
        router.expect(Call)
        assert router.expect(Cancel).request == stream.request_id
        assert stream.finished

    run(flavour, scenario)


@flavours
def test_progressive_call_needs_router_support(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s, roles={"dealer": {"call_canceling": True}})
        with pytest.raises(ApplicationError) as info:
            s.call_progressive("com.upload", 1)
        assert info.value.error == "wamp.error.feature_not_supported"
        assert "progressive_call_invocations" in info.value.args[0]
        await h.settle()
        router.nothing()

    run(flavour, scenario)


@flavours
def test_unserializable_arguments_raise_and_leave_no_request(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s, JsonSerializer())
        with pytest.raises(SerializationError):
            s.call("com.p", object())
        assert s._machine.pending_requests() == 0
        ok = s.call("com.p", 1)
        await h.settle()
        call = router.expect(Call)
        assert call.request == 2  # the refused call was never seen by the router
        router.send(Result(call.request, [1]))
        assert await h.wait(ok) == 1
        router.send(Result(call.request, [1]))  # answered twice: a violation
        await h.settle()
        assert router.expect(Abort).reason == "wamp.error.protocol_violation"

    run(flavour, scenario)


def test_router_roles_table_is_complete() -> None:
    assert ROUTER_ROLES["dealer"]["features"]["progressive_call_invocations"] is True
