"""``SessionMachine.take_plain()``, the session's fast lane: a plain RESULT, INVOCATION or
EVENT taken at once without an event; everything else (and anything behind waiting events)
left untouched, for ``receive()`` to queue as always."""

from __future__ import annotations

from _machine_helpers import established
from wamp_core.message import Abort, Event, Invocation, Registered, Result
from wamp_core.session import Closed, SessionMachine
from wamp_core.session._correlation import NOT_TAKEN


def test_behind_waiting_events_nothing_is_taken_and_receive_keeps_the_order() -> None:
    machine = established()
    first = machine.call("com.p", None, None, "one")
    second = machine.call("com.p", None, None, "two")
    machine.receive(Result(first))
    assert machine.take_plain(Result(second)) is NOT_TAKEN
    machine.receive(Result(second))
    assert [e.token for e in machine.events_received()] == ["one", "two"]


def test_other_messages_are_left_for_receive() -> None:
    machine = established()
    request = machine.register("com.p", token="reg")
    assert machine.take_plain(Registered(request, 77)) is NOT_TAKEN
    assert 77 not in machine.registrations
    machine.receive(Registered(request, 77))
    (reply,) = machine.events_received()
    assert reply.token == "reg" and 77 in machine.registrations


def test_a_violation_is_left_for_receive_which_aborts() -> None:
    machine = established()
    assert machine.take_plain(Result(12345)) is NOT_TAKEN  # no such call
    assert machine.messages_to_send() == []
    machine.receive(Result(12345))
    (abort,) = machine.messages_to_send()
    assert isinstance(abort, Abort) and abort.reason == "wamp.error.protocol_violation"
    (closed,) = machine.events_received()
    assert isinstance(closed, Closed)


def test_outside_a_session_nothing_is_taken() -> None:
    machine = SessionMachine()
    machine.connection_made()
    assert machine.take_plain(Result(1)) is NOT_TAKEN
    machine.receive(Result(1))
    assert [type(e) for e in machine.events_received()] == [Closed]
    assert machine.take_plain(Result(1)) is NOT_TAKEN  # FAILED
    machine.receive(Result(1))  # dropped
    assert machine.events_received() == []


# -- take_plain(): the session's fast lane --------------------------------------------------

def test_take_plain_gives_the_token_of_a_plain_final_result_and_forgets_the_call() -> None:
    machine = established()
    request = machine.call("com.p", [1], None, "token")
    assert machine.take_plain(Result(request, [2])) == "token"
    assert not machine.is_pending(request)
    assert machine.events_received() == []
    # the same RESULT again is no longer plain: receive() then makes it the violation it is
    assert machine.take_plain(Result(request, [2])) is NOT_TAKEN


def test_take_plain_records_a_plain_invocation_and_passes_an_event() -> None:
    machine = established()
    machine.registrations.add(5)
    machine.subscriptions.add(6)
    invocation = Invocation(9, 5, [1])
    assert machine.take_plain(invocation) is invocation
    assert machine.is_invocation_pending(9)
    assert machine.take_plain(Invocation(9, 5, [1])) is NOT_TAKEN  # already invoked
    event = Event(6, 10, [1])
    assert machine.take_plain(event) is event
    assert machine.events_received() == []


def test_take_plain_leaves_everything_unusual_untouched_for_receive() -> None:
    machine = established()
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
    # an abandoned call's answer is dropped by receive(), not handed to the session
    abandoned = machine.call("com.p", None, None, "a")
    machine.abandon(abandoned)
    assert machine.take_plain(Result(abandoned)) is NOT_TAKEN
    machine.receive(Result(abandoned))
    assert machine.events_received() == []


def test_take_plain_outside_an_established_session_takes_nothing() -> None:
    machine = established()
    request = machine.call("com.p", None, None, "t")
    machine.goodbye()  # CLOSING: answers may still come; receive() handles them
    assert machine.take_plain(Result(request)) is NOT_TAKEN
    assert machine.is_pending(request)
    machine.receive(Result(request))
    (reply,) = machine.events_received()
    assert reply.token == "t" and not machine.is_pending(request)
