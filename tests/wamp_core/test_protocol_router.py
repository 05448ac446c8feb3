"""Sessions against the embedded router (wamp_core.router), on asyncio and Twisted.

The session's own features end to end: progressive call invocations, shared
registrations, decorated objects with URI patterns, publisher options, retained events.
"""

from __future__ import annotations

from typing import Any

import wamp_core as wamp
from _session_harness import Harness, attach, flavours, run
from wamp_core.protocol import ApplicationSession
from wamp_core.router import Router
from wamp_core.serializer import CBORSerializer, JsonSerializer
from wamp_core.types import (
    CallOptions,
    ComponentConfig,
    PublishOptions,
    RegisterOptions,
    SubscribeOptions,
)


def make_router(h: Harness) -> Router:
    call_later = h.loop.call_later if h.flavour == "asyncio" else h.clock.callLater  # type: ignore[attr-defined]
    return Router(None, call_later=call_later)


async def connect(h: Harness, router: Router, serializer: Any = None) -> ApplicationSession:
    s = ApplicationSession(ComponentConfig(realm="realm1"))
    attach(h, s, serializer or CBORSerializer(), router=router.session(None))
    await h.settle()
    assert s.is_attached()
    return s


@flavours
def test_progressive_call_invocations(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        router = make_router(h)
        callee, caller = await connect(h, router), await connect(h, router, JsonSerializer())

        async def upload(first: str, details: Any) -> str:
            parts = [first]
            async for chunk in details.stream:
                parts.extend(chunk.args)
            return "".join(parts)

        await h.wait(callee.register(upload, "com.upload",
                                     options=RegisterOptions(details=True)))
        await h.wait(callee.register(lambda *parts: len(parts), "com.count"))
        call = caller.call_progressive("com.upload", "a")
        call.send("b")
        call.send("c")
        assert await h.wait(call.finish("d")) == "abcd"
        call = caller.call_progressive("com.count", 1)
        call.send(2)
        assert await h.wait(call.finish(3)) == 3

    run(flavour, scenario)


@flavours
def test_shared_registration_round_robin(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        router = make_router(h)
        first, second, caller = [await connect(h, router) for _ in range(3)]
        options = RegisterOptions(invoke="roundrobin")
        await h.wait(first.register(lambda: "first", "com.svc", options=options))
        await h.wait(second.register(lambda: "second", "com.svc", options=options))
        answers = [await h.wait(caller.call("com.svc")) for _ in range(4)]
        assert answers == ["first", "second", "first", "second"]

    run(flavour, scenario)


class Sensors:
    def __init__(self) -> None:
        self.readings: list[Any] = []

    @wamp.register("com.sensor.<room:string>.read")
    def read(self, room: str) -> str:
        return f"reading of {room}"

    @wamp.subscribe("com.sensor.<room:string>.alert")
    def alert(self, level: int, room: str) -> None:
        self.readings.append((room, level))


@flavours
def test_decorated_patterns_through_the_router(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        router = make_router(h)
        service, client = await connect(h, router), await connect(h, router)
        sensors = Sensors()
        await h.wait(service.register(sensors))
        await h.wait(service.subscribe(sensors))
        assert await h.wait(client.call("com.sensor.kitchen.read")) == "reading of kitchen"
        await h.wait(client.publish("com.sensor.garage.alert", 3,
                                    options=PublishOptions(acknowledge=True)))
        await h.settle()
        assert sensors.readings == [("garage", 3)]

    run(flavour, scenario)


@flavours
def test_publisher_options_and_retained_events(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        router = make_router(h)
        publisher, subscriber = await connect(h, router), await connect(h, router)
        mine: list[Any] = []
        theirs: list[Any] = []
        await h.wait(publisher.subscribe(mine.append, "com.news"))
        await h.wait(subscriber.subscribe(
            lambda text, details: theirs.append((text, details.publisher)), "com.news",
            options=SubscribeOptions(details=True)))
        await h.wait(publisher.publish("com.news", "hello", options=PublishOptions(
            acknowledge=True, exclude_me=False, disclose_me=True)))
        await h.wait(publisher.publish("com.news", "only them", options=PublishOptions(
            acknowledge=True, eligible=[subscriber.session_id])))
        await h.settle()
        assert mine == ["hello"]
        assert theirs == [("hello", publisher.session_id), ("only them", None)]
        await h.wait(publisher.publish("com.status", "up", options=PublishOptions(
            acknowledge=True, retain=True)))
        late: list[Any] = []
        await h.wait(subscriber.subscribe(
            lambda status, details: late.append((status, details.retained)), "com.status",
            options=SubscribeOptions(get_retained=True, details=True)))
        await h.settle()
        assert late == [("up", True)]

    run(flavour, scenario)


@flavours
def test_caller_timeout_against_the_router(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        router = make_router(h)
        callee, caller = await connect(h, router), await connect(h, router)
        started: list[Any] = []

        def slow() -> Any:
            started.append(h.api.create_future())
            return started[-1]

        await h.wait(callee.register(slow, "com.slow"))
        pending = caller.call("com.slow", options=CallOptions(timeout=1))
        await h.advance(1.5)
        failure = await h.failure(pending)
        assert failure.error in ("wamp.error.timeout", "wamp.error.canceled")
        await h.settle()
        assert h.done(started[0])  # the callee's handler was cancelled too
        assert caller.is_attached() and callee.is_attached()
        assert await h.wait(caller.call("wamp.session.count")) == 2

    run(flavour, scenario)
