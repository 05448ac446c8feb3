"""The router's message builders (no validation) against the validating constructors, and
the URI checks that a remembered authorization stands for."""

from __future__ import annotations

from typing import Any

import pytest
from _router_helpers import joined, make_router
from wamp_core.message import (
    Call,
    Error,
    Event,
    Invocation,
    Publish,
    Published,
    Result,
    Subscribe,
    Subscribed,
    Yield,
)
from wamp_core.router._build import build_error, build_event, build_invocation, build_result
from wamp_core.serializer import CBORSerializer, JsonSerializer, MsgPackSerializer

SERIALIZERS = [JsonSerializer(), MsgPackSerializer(), CBORSerializer()]

PAYLOADS: list[dict[str, Any]] = [
    {},
    {"args": [1, "two", None]},
    {"args": [], "kwargs": {"k": [1, 2]}},
    {"kwargs": {"only": True}},
    {"payload": b"\x01\x02", "enc_algo": "cryptobox", "enc_key": "key",
     "enc_serializer": "msgpack"},
]


def same_wire(built: Any, reference: Any) -> None:
    assert type(built) is type(reference)
    assert built.marshal() == reference.marshal()
    for ser in SERIALIZERS:
        assert ser.serialize(built) == ser.serialize(reference)
    assert built == reference


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("who", [(None, None, None), (7, "alice", "user")])
@pytest.mark.parametrize("topic", [None, "com.a.b"])
def test_build_event(payload: dict[str, Any], who: tuple[Any, Any, Any],
                     topic: str | None) -> None:
    pub = Publish(3, "com.a.b", transaction_hash="th" if who[0] else None, **payload)
    for retained in (None, True):
        built = build_event(11, 12, pub, *who, topic, retained)
        same_wire(built, Event(11, 12, publisher=who[0], publisher_authid=who[1],
                               publisher_authrole=who[2], topic=topic, retained=retained,
                               transaction_hash=pub.transaction_hash, **payload))


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("who", [(None, None, None), (7, "alice", "user")])
def test_build_invocation(payload: dict[str, Any], who: tuple[Any, Any, Any]) -> None:
    call = Call(3, "com.a.b", transaction_hash="th", **payload)
    for timeout, receive_progress, progress, procedure in (
            (None, None, None, None), (1500, True, True, "com.a.b")):
        built = build_invocation(21, 22, call, timeout, receive_progress, progress, who,
                                 procedure)
        same_wire(built, Invocation(
            21, 22, timeout=timeout, receive_progress=receive_progress, caller=who[0],
            caller_authid=who[1], caller_authrole=who[2], procedure=procedure,
            transaction_hash="th", progress=progress, **payload))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_build_result_and_error(payload: dict[str, Any]) -> None:
    yld = Yield(5, **payload)
    for progress, who in ((None, (None, None, None)), (True, (9, "bob", "callee"))):
        same_wire(build_result(31, yld, progress, *who),
                  Result(31, progress=progress, callee=who[0], callee_authid=who[1],
                         callee_authrole=who[2], **payload))
    err = Error(68, 5, "com.error.bad", **payload)
    same_wire(build_error(48, 31, err), Error(48, 31, "com.error.bad", **payload))


def strict_router() -> Any:
    everything = {"call": True, "register": True, "publish": True, "subscribe": True}
    router, _ = make_router({"type": "router", "realms": [{
        "name": "realm1", "options": {"uri_check": "strict"},
        "roles": [{"name": "anonymous", "permissions": [{"uri": "", "match": "prefix",
                                                         "allow": everything}]}]}]})
    return router


def test_uri_checks_are_repeated_for_every_refused_call() -> None:
    (a,) = joined(strict_router(), 1)
    for req in (1, 2):
        a.send(Call(req, "com.Example.Upper"))
        err = a.expect(Error)
        assert (err.request, err.error) == (req, "wamp.error.invalid_uri")
    a.send(Call(3, "com.good"))
    assert a.expect(Error).error == "wamp.error.no_such_procedure"  # passed the checks


def test_uri_checks_are_repeated_for_every_refused_publish() -> None:
    (a, sub) = joined(strict_router(), 2)
    sub.send(Subscribe(1, "com.good"))
    sub.expect(Subscribed)
    for req, topic, text in ((1, "com.Example.Upper", "strict URI check"),
                             (2, "com.Example.Upper", "strict URI check"),
                             (3, "wamp.session.on_join", "restricted topic URI"),
                             (4, "wamp.session.on_join", "restricted topic URI")):
        a.send(Publish(req, topic, acknowledge=True))
        err = a.expect(Error)
        assert (err.request, err.error) == (req, "wamp.error.invalid_uri")
        assert text in err.args[0]
    for req in (5, 6):
        a.send(Publish(req, "com.good", args=[req], acknowledge=True))
        assert a.expect(Published).request == req
        assert sub.expect(Event).args == [req]
    a.send(Publish(7, "com.Example.Upper"))  # not acknowledged: dropped without an answer
    a.nothing()
