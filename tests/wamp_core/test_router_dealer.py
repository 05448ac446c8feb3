"""Dealer: registrations, calls, shared registrations, progress, cancel, timeout (raw messages)."""

from __future__ import annotations

from typing import Any

import pytest
from _router_helpers import ALL_ROLES, RawClient, joined, make_router
from wamp_core.message import (
    Abort,
    Call,
    Cancel,
    Error,
    Interrupt,
    Invocation,
    Register,
    Registered,
    Result,
    Unregister,
    Unregistered,
    Yield,
)
from wamp_core.router import Limits, parse_config

NO_CANCEL_ROLES: dict[str, Any] = {"caller": {}, "callee": {}}


def register(c: RawClient, uri: str, **kw: Any) -> int:
    c.send(Register(c.next_request(), uri, **kw))
    return int(c.expect(Registered).registration)


def call(c: RawClient, uri: str, **kw: Any) -> int:
    req = c.next_request()
    c.send(Call(req, uri, **kw))
    return req


def error(c: RawClient, request_type: int = 48) -> Error:
    err: Error = c.expect(Error)
    assert err.request_type == request_type
    return err


def test_call_result_roundtrip_with_callee_disclosure() -> None:
    router, _ = make_router()
    callee, caller = joined(router, 2)
    reg = register(callee, "com.add")
    req = call(caller, "com.add", args=[2, 3], kwargs={"x": 1})
    inv = callee.expect(Invocation)
    assert (inv.registration, inv.args, inv.kwargs, inv.procedure) == (reg, [2, 3], {"x": 1}, None)
    assert inv.caller is None
    callee.send(Yield(inv.request, args=[5]))
    res = caller.expect(Result)
    assert (res.request, res.args, res.progress) == (req, [5], None)
    assert res.callee == callee.session_id and res.callee_authrole == "anonymous"


def test_callee_error_is_forwarded() -> None:
    router, _ = make_router()
    callee, caller = joined(router, 2)
    register(callee, "com.fail")
    req = call(caller, "com.fail")
    inv = callee.expect(Invocation)
    callee.send(Error(68, inv.request, "com.example.oops", args=["bad"], kwargs={"why": 1}))
    err = error(caller)
    assert (err.request, err.error, err.args, err.kwargs) == (req, "com.example.oops", ["bad"],
                                                              {"why": 1})


def test_no_such_procedure_and_procedure_exists() -> None:
    router, _ = make_router()
    a, b = joined(router, 2)
    req = call(a, "com.nothing")
    assert error(a).error == "wamp.error.no_such_procedure" and req == 1
    register(a, "com.p")
    b.send(Register(1, "com.p"))
    assert error(b, 64).error == "wamp.error.procedure_already_exists"
    a.send(Register(9, "com.p"))  # the same session again, single policy
    assert error(a, 64).error == "wamp.error.procedure_already_exists"


def test_cannot_register_wamp_procedures() -> None:
    router, _ = make_router()
    (a,) = joined(router, 1)
    a.send(Register(1, "wamp.session.count"))
    assert error(a, 64).error == "wamp.error.invalid_uri"


def test_pattern_registrations_get_the_procedure_and_precedence() -> None:
    router, _ = make_router()
    e, p, w, caller = joined(router, 4)
    register(e, "a.b.c")
    register(p, "a.b", match="prefix")
    register(w, "a..c", match="wildcard")
    call(caller, "a.b.c")
    assert e.expect(Invocation).procedure is None
    call(caller, "a.b.x")
    assert p.expect(Invocation).procedure == "a.b.x"
    call(caller, "a.z.c")
    assert w.expect(Invocation).procedure == "a.z.c"


def test_unregister() -> None:
    router, _ = make_router()
    a, b = joined(router, 2)
    reg = register(a, "com.p")
    a.send(Unregister(4, reg))
    assert a.expect(Unregistered).request == 4
    call(b, "com.p")
    assert error(b).error == "wamp.error.no_such_procedure"
    a.send(Unregister(5, reg))
    assert error(a, 66).error == "wamp.error.no_such_registration"


def _shared(invoke: str, n: int = 3) -> tuple[list[RawClient], RawClient, int]:
    router, _ = make_router()
    callees = joined(router, n)
    regs = {register(c, "com.shared", invoke=invoke) for c in callees}
    assert len(regs) == 1
    (caller,) = joined(router, 1)
    return callees, caller, regs.pop()


def _who(callees: list[RawClient]) -> int:
    got = [i for i, c in enumerate(callees) if c.wire.sent]
    assert len(got) == 1
    inv = callees[got[0]].expect(Invocation)
    callees[got[0]].send(Yield(inv.request))
    return got[0]


@pytest.mark.parametrize(("invoke", "expected"), [
    ("first", [0, 0, 0, 0]), ("last", [2, 2, 2, 2]), ("roundrobin", [0, 1, 2, 0]),
])
def test_shared_registration_policies(invoke: str, expected: list[int]) -> None:
    callees, caller, _ = _shared(invoke)
    order = []
    for _ in expected:
        call(caller, "com.shared")
        order.append(_who(callees))
        caller.expect(Result)
    assert order == expected


def test_random_policy_reaches_callees() -> None:
    callees, caller, _ = _shared("random")
    seen = set()
    for _ in range(60):
        call(caller, "com.shared")
        seen.add(_who(callees))
        caller.expect(Result)
    assert seen == {0, 1, 2}


def test_invocation_policy_conflict() -> None:
    router, _ = make_router()
    a, b = joined(router, 2)
    register(a, "com.s", invoke="roundrobin")
    b.send(Register(1, "com.s", invoke="random"))
    assert error(b, 64).error == \
        "wamp.error.procedure_exists_with_different_invocation_policy"


def test_force_reregister_revokes_the_old_callee() -> None:
    router, _ = make_router()
    a, b, caller = joined(router, 3)
    old = register(a, "com.p")
    new = register(b, "com.p", force_reregister=True)
    assert new != old
    revoked = a.expect(Unregistered)
    assert (revoked.request, revoked.registration, revoked.reason) == \
        (0, old, "wamp.error.unregistered")
    call(caller, "com.p")
    b.expect(Invocation)


def test_concurrency_limit() -> None:
    router, _ = make_router()
    callee, caller = joined(router, 2)
    register(callee, "com.slow", concurrency=1)
    call(caller, "com.slow")
    inv = callee.expect(Invocation)
    call(caller, "com.slow")
    assert error(caller).error == "crossbar.error.max_concurrency_reached"
    callee.send(Yield(inv.request))
    caller.expect(Result)
    call(caller, "com.slow")
    callee.expect(Invocation)


def test_roundrobin_skips_busy_callees() -> None:
    router, _ = make_router()
    c1, c2, caller = joined(router, 3)
    register(c1, "com.rr", invoke="roundrobin", concurrency=1)
    register(c2, "com.rr", invoke="roundrobin")
    call(caller, "com.rr")
    c1.expect(Invocation)
    call(caller, "com.rr")
    c2.expect(Invocation)
    call(caller, "com.rr")  # c1 busy: c2 again
    c2.expect(Invocation)
    c1.nothing()


def test_caller_disclosure_by_permission_or_request() -> None:
    config = {"type": "router", "realms": [{"name": "realm1", "roles": [
        {"name": "anonymous", "permissions": [
            {"uri": "*", "allow": {"call": True, "register": True}},
            {"uri": "open.*", "allow": {"call": True, "register": True},
             "disclose": {"caller": True}}]}]}]}
    router, _ = make_router(parse_config(config))
    callee, caller = joined(router, 2)
    register(callee, "open.p")
    register(callee, "closed.p")
    call(caller, "open.p")
    inv = callee.expect(Invocation)
    assert (inv.caller, inv.caller_authrole) == (caller.session_id, "anonymous")
    call(caller, "closed.p")
    assert callee.expect(Invocation).caller is None
    call(caller, "closed.p", disclose_me=True)
    assert callee.expect(Invocation).caller == caller.session_id


def test_progressive_call_results() -> None:
    router, _ = make_router()
    callee, caller = joined(router, 2)
    register(callee, "com.stream")
    req = call(caller, "com.stream", receive_progress=True)
    inv = callee.expect(Invocation)
    assert inv.receive_progress is True
    for i in range(3):
        callee.send(Yield(inv.request, args=[i], progress=True))
    callee.send(Yield(inv.request, args=["done"]))
    results = caller.receive()
    assert [(r.request, r.args, r.progress) for r in results] == [
        (req, [0], True), (req, [1], True), (req, [2], True), (req, ["done"], None)]


def test_progressive_results_not_asked_for_are_dropped() -> None:
    router, _ = make_router()
    callee, caller = joined(router, 2)
    register(callee, "com.stream")
    call(caller, "com.stream")
    inv = callee.expect(Invocation)
    callee.send(Yield(inv.request, args=[0], progress=True))
    caller.nothing()
    callee.send(Yield(inv.request, args=[1]))
    assert caller.expect(Result).args == [1]


def test_progressive_call_invocations() -> None:
    router, _ = make_router()
    callee, caller = joined(router, 2)
    register(callee, "com.upload", match="prefix")
    caller.send(Call(1, "com.upload.file", args=["a"], progress=True, disclose_me=True,
                     receive_progress=True))
    first = callee.expect(Invocation)
    assert (first.progress, first.args, first.procedure, first.caller) == \
        (True, ["a"], "com.upload.file", caller.session_id)
    caller.send(Call(1, "com.upload.file", args=["b"], progress=True))
    caller.send(Call(1, "com.upload.file", args=["c"]))
    more = callee.receive()
    assert [(m.request, m.args, m.progress, m.caller, m.procedure) for m in more] == [
        (first.request, ["b"], True, caller.session_id, "com.upload.file"),
        (first.request, ["c"], None, caller.session_id, "com.upload.file")]
    callee.send(Yield(first.request, args=["abc"]))
    assert caller.expect(Result).args == ["abc"]


def test_progressive_call_needs_the_callers_announcement() -> None:
    router, _ = make_router()
    (callee,) = joined(router, 1)
    register(callee, "com.p")
    (caller,) = joined(router, 1, roles={"caller": {}})
    caller.send(Call(1, "com.p", progress=True))
    abort = caller.expect(Abort)
    assert abort.reason == "wamp.error.protocol_violation"
    assert caller.wire.closed


def test_progressive_call_to_a_callee_without_support() -> None:
    router, _ = make_router()
    (callee,) = joined(router, 1, roles=NO_CANCEL_ROLES)
    register(callee, "com.p")
    (caller,) = joined(router, 1)
    call(caller, "com.p", progress=True)
    assert error(caller).error == "wamp.error.feature_not_supported"
    callee.nothing()


def test_duplicate_request_id_in_flight_is_a_protocol_violation() -> None:
    router, _ = make_router()
    callee, caller = joined(router, 2)
    register(callee, "com.p")
    caller.send(Call(1, "com.p"))
    caller.send(Call(1, "com.p"))
    assert caller.expect(Abort).reason == "wamp.error.protocol_violation"
    inv, interrupt = callee.receive()  # the caller left: its call is interrupted
    assert type(inv) is Invocation and type(interrupt) is Interrupt
    assert (interrupt.request, interrupt.mode) == (inv.request, "killnowait")


@pytest.mark.parametrize("mode", [None, "killnowait"])
def test_cancel_killnowait_and_without_mode(mode: str | None) -> None:
    router, _ = make_router()
    callee, caller = joined(router, 2)
    register(callee, "com.p")
    req = call(caller, "com.p")
    inv = callee.expect(Invocation)
    caller.send(Cancel(req, mode=mode))
    assert error(caller).error == "wamp.error.canceled"
    interrupt = callee.expect(Interrupt)
    assert (interrupt.request, interrupt.mode) == (inv.request, "killnowait")
    callee.send(Error(68, inv.request, "wamp.error.canceled"))
    caller.nothing()
    caller.send(Cancel(req))  # the call is over: ignored
    caller.nothing()


def test_cancel_kill_waits_for_the_callee() -> None:
    router, _ = make_router()
    callee, caller = joined(router, 2)
    register(callee, "com.p")
    req = call(caller, "com.p", receive_progress=True)
    inv = callee.expect(Invocation)
    caller.send(Cancel(req, mode="kill"))
    assert callee.expect(Interrupt).mode == "kill"
    caller.nothing()
    callee.send(Yield(inv.request, args=[1], progress=True))  # dropped after a cancel
    caller.nothing()
    callee.send(Error(68, inv.request, "wamp.error.canceled"))
    err = error(caller)
    assert (err.request, err.error) == (req, "wamp.error.canceled")


def test_cancel_skip_answers_at_once_and_drops_the_result() -> None:
    router, _ = make_router()
    callee, caller = joined(router, 2)
    register(callee, "com.p", concurrency=1)
    req = call(caller, "com.p")
    inv = callee.expect(Invocation)
    caller.send(Cancel(req, mode="skip"))
    assert error(caller).error == "wamp.error.canceled"
    callee.nothing()
    call(caller, "com.p")  # the callee is still busy with the skipped call
    assert error(caller).error == "crossbar.error.max_concurrency_reached"
    callee.send(Yield(inv.request, args=[1]))
    caller.nothing()
    call(caller, "com.p")
    callee.expect(Invocation)


def test_cancel_to_a_callee_without_call_canceling_is_skip() -> None:
    router, _ = make_router()
    (callee,) = joined(router, 1, roles=NO_CANCEL_ROLES)
    (caller,) = joined(router, 1)
    register(callee, "com.p")
    req = call(caller, "com.p")
    callee.expect(Invocation)
    caller.send(Cancel(req, mode="kill"))
    assert error(caller).error == "wamp.error.canceled"
    callee.nothing()


def test_timeout_in_milliseconds_from_callers_announcing_call_timeout() -> None:
    router, clock = make_router()
    callee, caller = joined(router, 2)
    register(callee, "com.slow")
    req = call(caller, "com.slow", timeout=1500)
    inv = callee.expect(Invocation)
    clock.advance(1.4)
    caller.nothing()
    clock.advance(0.2)
    err = error(caller)
    assert (err.request, err.error) == (req, "wamp.error.timeout")
    interrupt = callee.expect(Interrupt)
    assert (interrupt.request, interrupt.mode, interrupt.reason) == \
        (inv.request, "killnowait", "wamp.error.timeout")
    callee.send(Yield(inv.request))
    caller.nothing()


def test_timeout_in_seconds_from_autobahn_callers() -> None:
    router, clock = make_router()
    (callee,) = joined(router, 1)
    (caller,) = joined(router, 1, roles={"caller": {"call_canceling": True}})
    register(callee, "com.slow")
    call(caller, "com.slow", timeout=2)
    callee.expect(Invocation)
    clock.advance(1.9)
    caller.nothing()
    clock.advance(0.2)
    assert error(caller).error == "wamp.error.timeout"


def test_answered_call_cancels_its_timer() -> None:
    router, clock = make_router()
    callee, caller = joined(router, 2)
    register(callee, "com.p")
    call(caller, "com.p", timeout=1000)
    inv = callee.expect(Invocation)
    assert clock.pending() == 1
    callee.send(Yield(inv.request))
    caller.expect(Result)
    assert clock.pending() == 0
    clock.advance(5)
    caller.nothing()


def test_callee_leaving_mid_call() -> None:
    router, _ = make_router()
    callee, caller = joined(router, 2)
    register(callee, "com.p")
    req = call(caller, "com.p")
    callee.expect(Invocation)
    callee.close()
    err = error(caller)
    assert (err.request, err.error) == (req, "wamp.error.canceled")
    call(caller, "com.p")
    assert error(caller).error == "wamp.error.no_such_procedure"


def test_caller_leaving_mid_call_interrupts_the_callee() -> None:
    router, _ = make_router()
    callee, caller = joined(router, 2)
    register(callee, "com.p")
    call(caller, "com.p")
    inv = callee.expect(Invocation)
    caller.close()
    interrupt = callee.expect(Interrupt)
    assert (interrupt.request, interrupt.mode) == (inv.request, "killnowait")
    callee.send(Yield(inv.request))  # late answer: ignored
    assert router.realms["realm1"].sessions.keys() == {callee.session_id}


def test_pending_calls_are_bounded() -> None:
    router, _ = make_router(limits=Limits(max_pending_calls=2))
    callee, caller = joined(router, 2)
    register(callee, "com.p")
    call(caller, "com.p")
    call(caller, "com.p")
    assert len(callee.receive()) == 2
    call(caller, "com.p")
    assert error(caller).error == "wamp.error.unavailable"


def test_error_for_other_request_types_is_a_protocol_violation() -> None:
    router, _ = make_router()
    (a,) = joined(router, 1)
    a.send(Error(48, 1, "wamp.error.canceled"))
    assert a.expect(Abort).reason == "wamp.error.protocol_violation"


def test_yield_for_unknown_request_is_ignored() -> None:
    router, _ = make_router()
    (a,) = joined(router, 1)
    a.send(Yield(12345, args=[1]))
    a.nothing()
    assert a.session.session_id is not None


def test_strict_uri_realm() -> None:
    config = {"type": "router", "realms": [{"name": "realm1", "options": {"uri_check": "strict"},
                                            "roles": [{"name": "anonymous", "permissions": [
                                                {"uri": "*", "allow": {"call": True,
                                                                       "register": True}}]}]}]}
    router, _ = make_router(config)
    (a,) = joined(router, 1)
    a.send(Register(1, "com.Example.Upper"))
    assert error(a, 64).error == "wamp.error.invalid_uri"
    a.send(Call(2, "com.Example.Upper"))
    assert error(a).error == "wamp.error.invalid_uri"


def test_roles_announced_without_call_canceling_get_no_interrupt_on_caller_leave() -> None:
    router, _ = make_router()
    (callee,) = joined(router, 1, roles=NO_CANCEL_ROLES)
    (caller,) = joined(router, 1, roles=ALL_ROLES)
    register(callee, "com.p")
    call(caller, "com.p")
    callee.expect(Invocation)
    caller.close()
    callee.nothing()


class SmallWire:
    """A transport refusing messages whose JSON is over ``limit`` octets."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.sent: list[Any] = []
        self.transport_details = None
        self.closed = False

    def send(self, msg: Any) -> None:
        from wamp_core.exception import PayloadExceededError
        from wamp_core.serializer import JsonSerializer

        size = len(JsonSerializer().serialize(msg)[0])
        if size > self.limit:
            raise PayloadExceededError("too big", size, self.limit)
        self.sent.append(msg)

    def close(self) -> None:
        self.closed = True


def test_invocation_too_big_for_the_callee() -> None:
    router, _ = make_router()
    callee, caller = joined(router, 2)
    callee.wire = SmallWire(200)  # type: ignore[assignment]
    callee.session.onOpen(callee.wire)
    register(callee, "com.p")
    req = call(caller, "com.p", args=["x" * 500])
    err = error(caller)
    assert (err.request, err.error) == (req, "wamp.error.payload_size_exceeded")
    assert not caller.session.calls and not callee.session.invocations
    call(caller, "com.p", args=["small"])
    assert type(callee.wire.sent[-1]) is Invocation


def test_result_too_big_for_the_caller() -> None:
    router, _ = make_router()
    callee, caller = joined(router, 2)
    caller.wire = SmallWire(200)  # type: ignore[assignment]
    caller.session.onOpen(caller.wire)
    register(callee, "com.p")
    req = call(caller, "com.p")
    inv = callee.expect(Invocation)
    callee.send(Yield(inv.request, args=["y" * 500]))
    err = caller.wire.sent[-1]
    assert (type(err), err.request, err.error) == (Error, req, "wamp.error.payload_size_exceeded")
    assert not caller.session.calls and not callee.session.invocations
