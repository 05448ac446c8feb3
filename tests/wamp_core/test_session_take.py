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


# -- take_plain(): the session's fast lane --------------------------------------------------

def test_take_plain_gives_the_token_of_a_plain_final_result_and_forgets_the_call() -> None:
    from wamp_core.session._correlation import NOT_TAKEN

    machine = joined()
    request = machine.call("com.p", [1], None, "token")
    assert machine.take_plain(Result(request, [2])) == "token"
    assert not machine.is_pending(request)
    assert machine.events_received() == []
    # the same RESULT again is no longer plain: take() then makes it the violation it is
    assert machine.take_plain(Result(request, [2])) is NOT_TAKEN


def test_take_plain_records_a_plain_invocation_and_passes_an_event() -> None:
    from wamp_core.session._correlation import NOT_TAKEN

    machine = joined()
    machine.registrations.add(5)
    machine.subscriptions.add(6)
    invocation = Invocation(9, 5, [1])
    assert machine.take_plain(invocation) is invocation
    assert machine.is_invocation_pending(9)
    assert machine.take_plain(Invocation(9, 5, [1])) is NOT_TAKEN  # already invoked
    event = Event(6, 10, [1])
    assert machine.take_plain(event) is event
    assert machine.events_received() == []


def test_take_plain_leaves_everything_unusual_untouched_for_take() -> None:
    from wamp_core.session._correlation import NOT_TAKEN

    machine = joined()
    machine.registrations.add(5)
    progressive = machine.call("com.p", None, None, "p")
    unusual = [
        Result(progressive, [1], progress=True),  # a progressive result
        Result(4242, [1]),  # no such call
        Invocation(11, 99, [1]),  # no such registration
        Invocation(12, 5, [1], receive_progress=True, progress=True),  # a streamed invocation
        Event(77, 1, [1]),  # no such subscription
        Registered(1, 2),  # not one of the three
    ]
    for msg in unusual:
        assert machine.take_plain(msg) is NOT_TAKEN, msg
    assert machine.is_pending(progressive)
    assert not machine.is_invocation_pending(11) and not machine.is_invocation_pending(12)
    # an abandoned call's answer is dropped by take(), not handed to the session
    abandoned = machine.call("com.p", None, None, "a")
    machine.abandon(abandoned)
    assert machine.take_plain(Result(abandoned)) is NOT_TAKEN
    # behind a waiting event nothing is plain: order is kept
    first = machine.call("com.p", None, None, "one")
    second = machine.call("com.p", None, None, "two")
    machine.receive(Result(first))
    assert machine.take_plain(Result(second)) is NOT_TAKEN
    assert machine.is_pending(second)


def test_take_plain_outside_an_established_session_takes_nothing() -> None:
    from wamp_core.session._correlation import NOT_TAKEN

    machine = joined()
    request = machine.call("com.p", None, None, "t")
    machine.goodbye()  # CLOSING: answers may still come; take() handles them
    assert machine.take_plain(Result(request)) is NOT_TAKEN
    assert machine.is_pending(request)
