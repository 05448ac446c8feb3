"""The client's message builders (no validation) against the validating constructors, and the
session machine's ``*_plain`` methods that use them."""

from __future__ import annotations

from typing import Any

import pytest
from _machine_helpers import established
from wamp_core.message import Call, Invocation, Publish, Yield
from wamp_core.serializer import CBORSerializer, JsonSerializer, MsgPackSerializer
from wamp_core.session import SessionMachine
from wamp_core.session._build import build_call, build_publish, build_yield

SERIALIZERS = [JsonSerializer(), MsgPackSerializer(), CBORSerializer()]

PAYLOADS: list[tuple[Any, Any]] = [
    (None, None),
    ([1, "two", None], None),
    ([], {"k": [1, 2]}),
    (None, {"only": True}),
    ([b"\x00bytes", {"nested": [1.5]}], {"a": 1, "b": None}),
]


def _slots(cls: type) -> set[str]:
    return {name for klass in cls.__mro__ for name in getattr(klass, "__slots__", ())}


def same_message(built: Any, reference: Any) -> None:
    """Same class, every slot set to the same value, same list, same bytes on every wire."""
    assert type(built) is type(reference)
    for name in _slots(type(reference)):
        assert getattr(built, name) == getattr(reference, name), name
    assert built.marshal() == reference.marshal()
    for ser in SERIALIZERS:
        assert ser.serialize(built) == ser.serialize(reference)
    assert built == reference
    assert repr(built) == repr(reference)


@pytest.mark.parametrize(("args", "kwargs"), PAYLOADS)
def test_build_call(args: Any, kwargs: Any) -> None:
    same_message(build_call(5, "com.example.add", args, kwargs),
                 Call(5, "com.example.add", args, kwargs))


@pytest.mark.parametrize(("args", "kwargs"), PAYLOADS)
def test_build_publish(args: Any, kwargs: Any) -> None:
    same_message(build_publish(6, "com.example.topic", args, kwargs),
                 Publish(6, "com.example.topic", args, kwargs))


@pytest.mark.parametrize("args", [None, [], [42], [None], [{"k": "v"}, [1, 2]]])
def test_build_yield(args: Any) -> None:
    same_message(build_yield(7, args), Yield(7, args))




def test_plain_methods_queue_what_the_checked_ones_do() -> None:
    plain, checked = established(), established()
    assert plain.call_plain("com.p", [1], {"k": 2}, "token") == \
        checked.call("com.p", [1], {"k": 2}, "token")
    assert plain.publish_plain("com.t", None, {"x": 1}) == checked.publish("com.t", None, {"x": 1})
    assert plain.is_pending(1) and checked.is_pending(1)
    assert not plain.is_pending(2)  # an unacknowledged PUBLISH waits for nothing
    assert plain.messages_to_send() == checked.messages_to_send()


def test_yield_plain_answers_a_pending_invocation_once() -> None:
    machine = established()
    machine.registrations.add(77)
    machine.receive(Invocation(9, 77, [3]))
    assert machine.is_invocation_pending(9)
    assert machine.yield_plain(9, [4])
    assert not machine.is_invocation_pending(9)
    assert not machine.yield_plain(9, [5])  # answered already
    assert machine.messages_to_send() == [Yield(9, [4])]


def test_plain_methods_refuse_outside_a_session() -> None:
    machine = SessionMachine()
    machine.connection_made()
    with pytest.raises(Exception, match="not joined"):
        machine.call_plain("com.p", None, None)
    with pytest.raises(Exception, match="not joined"):
        machine.publish_plain("com.t", None, None)
    assert machine.messages_to_send() == []
