"""Handlers that return plain values are done with at once: the callee answers while the
INVOCATION is handled, a subscriber's failure is reported with the text Autobahn uses."""

from __future__ import annotations

from typing import Any

from _session_harness import Harness, flavours, join, run
from test_protocol_callee import registered
from test_protocol_pubsub import subscribed
from wamp_core.message import Error, Event, Invocation, Publish, Yield
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


@flavours
def test_subscriber_results_and_failures(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        reported: list[str] = []

        class Session(ApplicationSession):
            def onUserError(self, fail: Any, msg: str) -> None:
                reported.append(msg)

        s = Session()
        router, _ = await join(h, s, JsonSerializer(), synchronous=True)

        def relay(x: int) -> int:
            s.publish("com.out", x + 1)
            return x

        def broken(x: int) -> None:
            raise KeyError(x)

        async def later(x: int) -> None:
            raise RuntimeError(x)

        await subscribed(h, s, router, relay, "com.in", 50)
        router.send(Event(50, 1, [1]))
        publish = router.received.pop(0)  # before any settle
        assert isinstance(publish, Publish) and publish.args == [2]
        await subscribed(h, s, router, broken, "com.bad", 51)
        await subscribed(h, s, router, later, "com.later", 52)
        router.send(Event(51, 2, [3]))
        router.send(Event(52, 3, [4]))
        await h.settle()
        assert len(reported) == 2
        assert reported[0].startswith("While firing <function ") and \
            reported[0].endswith(" subscribed under 51")
        assert reported[1].endswith(" subscribed under 52")

    run(flavour, scenario)
