"""Publisher and subscriber on asyncio and Twisted: options, events, shared subscriptions."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import wamp_core as wamp
from _session_harness import Harness, flavours, join, run
from wamp_core.exception import ApplicationError, TransportLost
from wamp_core.message import (
    Error,
    Event,
    Publish,
    Published,
    Subscribe,
    Subscribed,
    Unsubscribe,
    Unsubscribed,
)
from wamp_core.protocol import ApplicationSession
from wamp_core.request import Publication, Subscription
from wamp_core.serializer import JsonSerializer, MsgPackSerializer
from wamp_core.types import EventDetails, PublishOptions, SubscribeOptions


async def subscribed(h: Harness, s: Any, router: Any, handler: Any, topic: str,
                     subscription_id: int = 50, **kwargs: Any) -> Subscription:
    pending = s.subscribe(handler, topic, **kwargs)
    await h.settle()
    subscribe = router.expect(Subscribe)
    router.send(Subscribed(subscribe.request, subscription_id))
    return await h.wait(pending)  # type: ignore[no-any-return]


@flavours
def test_publish_options_on_the_wire(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s, JsonSerializer())
        assert s.publish("com.t", 1, b=2) is None
        s.publish("com.t", options=PublishOptions(
            exclude_me=False, exclude=[1, 2], exclude_authid="eve", exclude_authrole=["guest"],
            eligible=3, eligible_authid=["ann"], eligible_authrole="user", retain=True,
            disclose_me=True))
        await h.settle()
        plain, full = router.expect(Publish), router.expect(Publish)
        assert plain.marshal() == [16, plain.request, {}, "com.t", [1], {"b": 2}]
        assert full.marshal()[2] == {
            "exclude_me": False, "exclude": [1, 2], "exclude_authid": ["eve"],
            "exclude_authrole": ["guest"], "eligible": [3], "eligible_authid": ["ann"],
            "eligible_authrole": ["user"], "retain": True, "disclose_me": True}

    run(flavour, scenario)


@flavours
def test_acknowledged_publish(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s)
        acked = s.publish("com.t", "x", options=PublishOptions(acknowledge=True))
        await h.settle()
        publish = router.expect(Publish)
        assert publish.acknowledge is True
        router.send(Published(publish.request, 123456))
        publication = await h.wait(acked)
        assert isinstance(publication, Publication) and publication.id == 123456
        assert str(publication) == "Publication(id=123456, was_encrypted=False)"
        refused = s.publish("wamp.forbidden", options=PublishOptions(acknowledge=True))
        await h.settle()
        router.send(Error(Publish.MESSAGE_TYPE, router.expect(Publish).request,
                          "wamp.error.not_authorized", ["no"]))
        failure = await h.failure(refused)
        assert isinstance(failure, ApplicationError)
        assert failure.error == "wamp.error.not_authorized"

    run(flavour, scenario)


@flavours
def test_events_with_details(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s, MsgPackSerializer())
        plain: list[Any] = []
        detailed: list[Any] = []
        await subscribed(h, s, router, lambda *a, **kw: plain.append((a, kw)), "com.t")
        sub = await subscribed(h, s, router, lambda *a, details: detailed.append((a, details)),
                               "com.", 51, options=SubscribeOptions(match="prefix",
                                                                    details=True,
                                                                    get_retained=True))
        router.send(Event(50, 1, [1, 2], {"k": "v"}))
        router.send(Event(51, 2, ["x"], publisher=77, publisher_authid="pub",
                          publisher_authrole="role", topic="com.a.b", retained=True))
        await h.settle()
        assert plain == [((1, 2), {"k": "v"})]
        ((args, details),) = detailed
        assert args == ("x",) and isinstance(details, EventDetails)
        assert details.subscription is sub and details.publication == 2
        assert (details.publisher, details.publisher_authid, details.publisher_authrole) == \
            (77, "pub", "role")
        assert details.topic == "com.a.b" and details.retained is True

    run(flavour, scenario)


@flavours
def test_subscribe_options_on_the_wire(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s, JsonSerializer())
        s.subscribe(lambda: None, "com..t", options=SubscribeOptions(match="wildcard",
                                                                      get_retained=True))
        await h.settle()
        subscribe = router.expect(Subscribe)
        assert subscribe.marshal()[2] == {"match": "wildcard", "get_retained": True}

    run(flavour, scenario)


@flavours
def test_handlers_share_one_subscription(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s)
        got: list[Any] = []
        first = await subscribed(h, s, router, lambda v: got.append(("first", v)), "com.t")
        second = await subscribed(h, s, router, lambda v: got.append(("second", v)), "com.t")
        assert first.id == second.id == 50 and first is not second
        router.send(Event(50, 1, ["a"]))
        await h.settle()
        assert got == [("first", "a"), ("second", "a")]
        assert await h.wait(first.unsubscribe()) == 1
        await h.settle()
        router.nothing()  # the broker subscription stays for the second handler
        assert not first.active and second.active
        with pytest.raises(RuntimeError, match="no longer active"):
            first.unsubscribe()
        router.send(Event(50, 2, ["b"]))
        await h.settle()
        assert got[-1] == ("second", "b") and len(got) == 3
        last = second.unsubscribe()
        await h.settle()
        unsubscribe = router.expect(Unsubscribe)
        assert unsubscribe.subscription == 50
        router.send(Event(50, 3, ["in flight"]))  # before UNSUBSCRIBED: dropped quietly
        router.send(Unsubscribed(unsubscribe.request))
        assert await h.wait(last) == 0
        assert len(got) == 3 and s.is_attached()

    run(flavour, scenario)


@flavours
def test_unsubscribe_waits_for_a_subscribe_in_flight(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s)
        got: list[Any] = []
        first = await subscribed(h, s, router, lambda v: got.append(("first", v)), "com.t")
        pending = s.subscribe(lambda v: got.append(("second", v)), "com.t")
        await h.settle()
        subscribe = router.expect(Subscribe)
        left = first.unsubscribe()  # the second SUBSCRIBE is not answered yet
        await h.settle()
        router.nothing()
        router.send(Subscribed(subscribe.request, 50))  # the same broker subscription
        second = await h.wait(pending)
        assert await h.wait(left) == 1
        router.send(Event(50, 1, ["still here"]))
        await h.settle()
        router.nothing()
        assert got == [("second", "still here")] and second.active
        # the other way: the answer is another subscription, so the first one ends
        third = await subscribed(h, s, router, lambda v: None, "com.u", 60)
        pending = s.subscribe(lambda v: None, "com.u", options=SubscribeOptions(match="prefix"))
        await h.settle()
        subscribe = router.expect(Subscribe)
        left = third.unsubscribe()
        router.send(Subscribed(subscribe.request, 61))
        await h.settle()
        unsubscribe = router.expect(Unsubscribe)
        assert unsubscribe.subscription == 60
        router.send(Unsubscribed(unsubscribe.request))
        assert await h.wait(left) == 0

    run(flavour, scenario)


@flavours
def test_subscription_revoked(flavour: str, caplog: pytest.LogCaptureFixture) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s)
        sub = await subscribed(h, s, router, lambda: None, "com.t")
        router.send(Unsubscribed(0, subscription=50, reason="wamp.error.revoked"))
        await h.settle()
        assert not sub.active and s.is_attached()
        router.send(Event(50, 1))  # the subscription is gone: a violation now
        await h.settle()
        assert router.received[-1].reason == "wamp.error.protocol_violation"

    with caplog.at_level(logging.INFO):
        run(flavour, scenario)
    assert "revoked subscription 50 (1 handlers, reason wamp.error.revoked)" in caplog.text


@flavours
def test_subscribe_error_and_cancelled_subscribe(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s)
        refused = s.subscribe(lambda: None, "com.secret")
        await h.settle()
        router.send(Error(Subscribe.MESSAGE_TYPE, router.expect(Subscribe).request,
                          "wamp.error.not_authorized"))
        assert (await h.failure(refused)).error == "wamp.error.not_authorized"
        given_up = s.subscribe(lambda: None, "com.t")
        await h.settle()
        subscribe = router.expect(Subscribe)
        h.api.cancel(given_up)
        router.send(Subscribed(subscribe.request, 70))
        await h.settle()
        unsubscribe = router.expect(Unsubscribe)  # cleaned up at the broker
        assert unsubscribe.subscription == 70
        router.send(Event(70, 1))  # until UNSUBSCRIBED, events are dropped quietly
        router.send(Unsubscribed(unsubscribe.request))
        await h.settle()
        router.nothing()

    run(flavour, scenario)


@flavours
def test_handler_errors_are_logged(flavour: str, caplog: pytest.LogCaptureFixture) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s)
        got: list[Any] = []

        def broken(v: Any) -> None:
            raise KeyError("handler bug")

        async def async_broken(v: Any) -> None:
            raise RuntimeError("async handler bug")

        await subscribed(h, s, router, broken, "com.t")
        await subscribed(h, s, router, async_broken, "com.t")
        await subscribed(h, s, router, got.append, "com.t")
        router.send(Event(50, 1, ["v"]))
        await h.settle()
        assert got == ["v"] and s.is_attached()

    with caplog.at_level(logging.ERROR):
        run(flavour, scenario)
    assert "handler bug" in caplog.text and "async handler bug" in caplog.text
    assert caplog.text.count("Traceback") >= 2


class Listener:
    def __init__(self) -> None:
        self.got: list[Any] = []

    @wamp.subscribe("com.sensor.<room:string>.temperature")
    def temperature(self, value: float, room: str) -> None:
        self.got.append(("temperature", room, value))

    @wamp.subscribe("com.alerts", options=SubscribeOptions(details=True))
    def alert(self, text: str, details: Any) -> None:
        self.got.append(("alert", text, details.publication))


@flavours
def test_subscribe_an_object(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        listener = Listener()
        router, _ = await join(h, s, JsonSerializer())
        pending = s.subscribe(listener)
        await h.settle()
        subscribes = {m.topic: m for m in router.received}
        router.received.clear()
        assert {t: m.marshal()[2] for t, m in subscribes.items()} == {
            "com.sensor..temperature": {"match": "wildcard"}, "com.alerts": {}}
        router.send(Subscribed(subscribes["com.sensor..temperature"].request, 1))
        router.send(Subscribed(subscribes["com.alerts"].request, 2))
        subscriptions = await h.wait(pending)
        assert sorted(sub.id for sub in subscriptions) == [1, 2]
        router.send(Event(1, 10, [21.5], topic="com.sensor.kitchen.temperature"))
        router.send(Event(2, 11, ["fire"]))
        await h.settle()
        assert listener.got == [("temperature", "kitchen", 21.5), ("alert", "fire", 11)]

    run(flavour, scenario)


@flavours
def test_subscribe_and_publish_need_a_transport(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        s._txaio = h.api
        with pytest.raises(TransportLost):
            s.publish("com.t")
        with pytest.raises(TransportLost):
            s.subscribe(lambda: None, "com.t")
        _router, _pipe = await join(h, s)
        with pytest.raises(TypeError, match="PublishOptions"):
            s.publish("com.t", options=SubscribeOptions())
        with pytest.raises(TypeError, match="a topic is needed"):
            s.subscribe(lambda: None)

    run(flavour, scenario)
