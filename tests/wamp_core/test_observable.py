"""ObservableMixin: Autobahn's on/off/fire API on a txaio API bound to the instance."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from test_component_harness import Flavour, both_flavours, run_scenario
from wamp_core.observable import ObservableMixin, call_as_future, gather_all


class Thing(ObservableMixin):
    def __init__(self, api: Any, events: list[str] | None = ("a", "b")) -> None:  # type: ignore[assignment]
        self._txaio = api
        if events is not None:
            self.set_valid_events(events)


def test_invalid_event_names_the_allowed_ones() -> None:
    thing = Thing(None)
    with pytest.raises(RuntimeError, match=re.escape("Invalid event 'c'. Expected one of: a, b")):
        thing.on("c", print)
    with pytest.raises(RuntimeError, match="Invalid event 'c'"):
        thing.off("c")
    with pytest.raises(RuntimeError, match="Invalid event 'c'"):
        thing.fire("c")


def test_handler_must_be_callable() -> None:
    with pytest.raises(TypeError, match="handler for event 'a' must be callable"):
        Thing(None).on("a", 42)  # type: ignore[arg-type]


def test_fire_without_bound_api_says_what_to_do() -> None:
    with pytest.raises(RuntimeError, match="no txaio API bound"):
        Thing(None).fire("a")


def test_off_rules() -> None:
    thing = Thing(None)
    with pytest.raises(RuntimeError, match="without an event"):
        thing.off(handler=print)
    thing.off("a")  # nothing registered yet: fine
    thing.on("a", print)
    thing.on("a", repr)
    thing.off("a", repr)
    thing.off("a", len)  # not registered: ignored
    assert thing._listeners == {"a": [print]}
    thing.off()
    assert thing._listeners == {}


def test_no_valid_events_accepts_any_name() -> None:
    thing = Thing(None, events=None)
    thing.on("anything", print)
    assert thing._listeners == {"anything": [print]}


@both_flavours
def test_fire_calls_handlers_in_order_and_gathers(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        thing = Thing(fl.api)
        calls: list[Any] = []
        later = fl.future()

        def plain(x: int, y: int = 0) -> int:
            calls.append(("plain", x, y))
            return x + y

        async def coro(x: int, y: int = 0) -> str:
            calls.append(("coro", x, y))
            return "c"

        def deferred(x: int, y: int = 0) -> Any:
            calls.append(("future", x, y))
            return later

        for handler in (plain, coro, deferred):
            thing.on("a", handler)
        gathered = thing.fire("a", 1, y=2)
        await fl.settle()
        # handlers are called in order; an asyncio coroutine's body runs in a task, later
        assert calls[0] == ("plain", 1, 2)
        assert sorted(calls) == [("coro", 1, 2), ("future", 1, 2), ("plain", 1, 2)]
        assert fl.outcome(gathered) == ("pending", None)
        fl.api.resolve(later, "late")
        await fl.settle()
        assert fl.outcome(gathered) == ("ok", [3, "c", "late"])

    run_scenario(flavour, scenario)


@both_flavours
def test_fire_with_no_handlers_gives_empty_list(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        gathered = Thing(fl.api).fire("b")
        await fl.settle()
        assert fl.outcome(gathered) == ("ok", [])

    run_scenario(flavour, scenario)


@both_flavours
def test_handler_errors_are_logged_and_fail_the_gathered_future(
    flavour: str, caplog: pytest.LogCaptureFixture
) -> None:
    async def scenario(fl: Flavour) -> None:
        thing = Thing(fl.api)
        seen: list[str] = []

        def bad(_: Any) -> None:
            raise ValueError("sync boom")

        async def bad_later(_: Any) -> None:
            raise KeyError("async boom")

        def good(_: Any) -> str:
            seen.append("good")
            return "ok"

        thing.on("a", bad_later)
        thing.on("a", bad)
        thing.on("a", good)
        with caplog.at_level(logging.ERROR, logger="wamp_core.observable"):
            gathered = thing.fire("a", 1)
            await fl.settle()
        assert seen == ["good"]  # a failing handler does not stop the others
        state, exc = fl.outcome(gathered)
        # the first failure in handler order, once every handler is done
        assert state == "error" and isinstance(exc, KeyError)
        messages = [r.getMessage() for r in caplog.records]
        assert any("error in 'a' handler" in m and "sync boom" in m for m in messages)
        assert any("error in 'a' handler" in m and "async boom" in m for m in messages)
        assert all(r.exc_info is not None for r in caplog.records)

    run_scenario(flavour, scenario)


@both_flavours
def test_events_bubble_to_the_parent(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        parent = Thing(fl.api)
        child = Thing(None)  # no API of its own: uses the parent's
        child._parent = parent
        got: list[Any] = []
        child.on("a", lambda v: got.append(("child", v)) or "c")
        parent.on("a", lambda v: got.append(("parent", v)) or "p")
        gathered = child.fire("a", 7)
        await fl.settle()
        assert got == [("child", 7), ("parent", 7)]
        assert fl.outcome(gathered) == ("ok", ["c", ["p"]])

    run_scenario(flavour, scenario)


@both_flavours
def test_call_as_future_and_gather_all(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        api = fl.api

        def boom() -> None:
            raise OSError("nope")

        failed = call_as_future(api, boom)
        ok = call_as_future(api, lambda: 5)
        one = gather_all(api, [ok])
        await fl.settle()
        assert fl.outcome(one) == ("ok", [5])
        both = gather_all(api, [call_as_future(api, lambda: 1), failed])
        await fl.settle()
        state, exc = fl.outcome(both)
        assert state == "error" and isinstance(exc, OSError)

    run_scenario(flavour, scenario)


@both_flavours
def test_events_the_parent_does_not_know_stay_with_the_child(flavour: str) -> None:
    async def scenario(fl: Flavour) -> None:
        parent = Thing(fl.api, events=["a"])
        child = Thing(fl.api, events=["a", "b"])
        child._parent = parent
        child.on("b", lambda: "child")
        gathered = child.fire("b")
        await fl.settle()
        assert fl.outcome(gathered) == ("ok", ["child"])

    run_scenario(flavour, scenario)
