"""``SessionMachine.take()``: the one event of a RESULT, INVOCATION or EVENT handed back at once;
everything else (and anything behind waiting events) queued exactly as ``receive()`` queues it."""

from __future__ import annotations

from wamp_core.message import Abort, Event, Invocation, Registered, Result, Welcome
from wamp_core.session import CALL, Closed, Incoming, Reply, SessionMachine


def joined() -> SessionMachine:
    machine = SessionMachine()
    machine.connection_made()
    machine.hello("realm1")
    machine.receive(Welcome(1, {"dealer": {}, "broker": {}}))
    machine.messages_to_send()
    machine.events_received()
    return machine


def test_a_result_comes_back_as_its_reply() -> None:
    machine = joined()
    request = machine.call("com.p", [1], None, "token")
    reply = machine.take(Result(request, [2]))
    assert isinstance(reply, Reply)
    assert (reply.request_type, reply.token, reply.message) == (CALL, "token", Result(request, [2]))
    assert machine.events_received() == []
    assert not machine.is_pending(request)


def test_an_invocation_and_an_event_come_back_as_incoming() -> None:
    machine = joined()
    machine.registrations.add(5)
    machine.subscriptions.add(6)
    incoming = machine.take(Invocation(9, 5, [1]))
    assert isinstance(incoming, Incoming) and incoming.message == Invocation(9, 5, [1])
    assert machine.is_invocation_pending(9)
    incoming = machine.take(Event(6, 10, [1]))
    assert isinstance(incoming, Incoming) and incoming.message == Event(6, 10, [1])
    assert machine.events_received() == []


def test_behind_waiting_events_everything_is_queued_in_order() -> None:
    machine = joined()
    first = machine.call("com.p", None, None, "one")
    second = machine.call("com.p", None, None, "two")
    machine.receive(Result(first))
    assert machine.take(Result(second)) is None
    assert [e.token for e in machine.events_received()] == ["one", "two"]


def test_other_messages_are_queued_as_receive_queues_them() -> None:
    machine = joined()
    request = machine.register("com.p", token="reg")
    assert machine.take(Registered(request, 77)) is None
    (reply,) = machine.events_received()
    assert reply.token == "reg" and 77 in machine.registrations


def test_a_violation_aborts_as_receive_does() -> None:
    machine = joined()
    assert machine.take(Result(12345)) is None  # no such call
    (abort,) = machine.messages_to_send()
    assert isinstance(abort, Abort) and abort.reason == "wamp.error.protocol_violation"
    (closed,) = machine.events_received()
    assert isinstance(closed, Closed)


def test_outside_a_session_a_result_is_a_violation_and_after_it_dropped() -> None:
    machine = SessionMachine()
    machine.connection_made()
    assert machine.take(Result(1)) is None
    assert [type(e) for e in machine.events_received()] == [Closed]
    assert machine.take(Result(1)) is None  # FAILED: dropped
    assert machine.events_received() == []
