"""When the callee answers: a plain value at once, an awaitable when it finishes."""

from __future__ import annotations

from typing import Any

from _session_harness import Harness, flavours, join, run
from test_protocol_callee import registered
from wamp_core.message import Error, Invocation, Yield
from wamp_core.protocol import ApplicationSession
from wamp_core.serializer import JsonSerializer


@flavours
def test_plain_value_is_answered_while_the_invocation_is_handled(flavour: str) -> None:
    """No future and no loop turn between INVOCATION and YIELD (on both flavours), so the
    answers to invocations read together leave together."""

    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s, JsonSerializer(), synchronous=True)
        await registered(h, s, router, lambda x: x + 1, "com.inc")
        router.send(Invocation(7, 100, [1]))
        router.send(Invocation(8, 100, [41]))
        assert router.received == [Yield(7, [2]), Yield(8, [42])]  # before any settle

    run(flavour, scenario)


@flavours
def test_awaitable_and_raising_endpoints_keep_their_answers(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s, JsonSerializer(), synchronous=True)

        async def later(x: int) -> int:
            return x * 2

        def broken(x: int) -> Any:
            raise ValueError("no")

        await registered(h, s, router, later, "com.later", 100)
        await registered(h, s, router, broken, "com.broken", 101)
        router.send(Invocation(7, 100, [21]))
        await h.settle()
        assert router.received.pop(0) == Yield(7, [42])
        router.send(Invocation(8, 101, [1]))
        await h.settle()
        error = router.received.pop(0)
        assert isinstance(error, Error) and error.request == 8
        assert error.error == "wamp.error.runtime_error" and error.args == ["no"]

    run(flavour, scenario)
