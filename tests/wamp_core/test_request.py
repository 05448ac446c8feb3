"""Request handles and records: Autobahn's text, interfaces, invocation streams."""

from __future__ import annotations

from typing import Any

import pytest
from _session_harness import Harness, flavours, run
from wamp_core import types
from wamp_core.exception import ApplicationError
from wamp_core.interfaces import IPublication, IRegistration, ISubscription
from wamp_core.request import (
    CallRequest,
    Endpoint,
    Handler,
    InvocationChunk,
    InvocationDetails,
    InvocationStream,
    ProgressiveCall,
    Publication,
    Registration,
    SubscribeRequest,
    Subscription,
)


def test_text_and_interfaces() -> None:
    publication = Publication(5, was_encrypted=True)
    assert str(publication) == "Publication(id=5, was_encrypted=True)"
    assert IPublication.providedBy(publication)
    handler = Handler(print, details_arg="details")
    subscription = Subscription(7, "com.t", None, handler)
    assert str(subscription) == "Subscription(id=7, is_active=True)"
    assert ISubscription.providedBy(subscription)
    registration = Registration(None, 8, "com.p", Endpoint(print))
    assert str(registration) == 'Registration(id=8, is_active=True, procedure="com.p")'
    assert IRegistration.providedBy(registration)
    subscription.active = registration.active = False
    with pytest.raises(RuntimeError, match="no longer active"):
        subscription.unsubscribe()
    with pytest.raises(RuntimeError, match="no longer active"):
        registration.unregister()


def test_types_reexports_the_handles() -> None:
    assert types.Publication is Publication
    assert types.Subscription is Subscription
    assert types.Registration is Registration


def test_records() -> None:
    record = SubscribeRequest(None, "com.t", "future", Handler(print))
    assert record.request_id == 0 and record.topic == "com.t" and record.on_reply == "future"
    call = CallRequest(3, "com.p", None, None)
    assert not call.finished and call.timer is None
    assert "com.p" in repr(ProgressiveCall(None, call))


def test_handler_keywords_strip_the_prefix() -> None:
    from wamp_core.decorators import Pattern

    handler = Handler(print, pattern=Pattern("user.<id:int>", Pattern.URI_TARGET_ENDPOINT),
                      prefix="com.app.")
    assert handler.keywords("com.app.user.12") == {"id": 12}
    assert Handler(print).keywords("any.uri") == {}


def test_invocation_details_keep_autobahns_text() -> None:
    registration = Registration(None, 8, "com.p", Endpoint(print))
    details = InvocationDetails(registration, caller=3, procedure="com.p")
    plain = types.CallDetails(registration, caller=3, procedure="com.p")
    assert str(details) == str(plain) and details.stream is None


@flavours
def test_invocation_stream(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        stream = InvocationStream(h.api)
        early = stream.receive()
        stream._push(InvocationChunk(("a",), {}, False))
        stream._push(InvocationChunk(("b",), {"k": 1}, False))
        stream._push(InvocationChunk(("c",), {}, True))
        assert stream.done
        assert (await h.wait(early)).args == ("a",)
        collected = [chunk.args async for chunk in stream]
        assert collected == [("b",), ("c",)]
        late = await h.failure(stream.receive())
        assert isinstance(late, ApplicationError) and late.error == "wamp.error.canceled"
        broken = InvocationStream(h.api)
        waiting = broken.receive()
        broken._fail(ApplicationError(ApplicationError.CANCELED, "interrupted"))
        assert (await h.failure(waiting)).args == ("interrupted",)
        assert (await h.failure(broken.receive())).args == ("interrupted",)
        assert "done=True" in repr(broken)

    run(flavour, scenario)


def test_chunk_repr() -> None:
    chunk: Any = InvocationChunk((1,), {"a": 2}, True)
    assert repr(chunk) == "InvocationChunk(args=(1,), kwargs={'a': 2}, last=True)"


MODULES = ["wamp_core.memory", "wamp_core.protocol", "wamp_core.request",
           "wamp_core.decorators", "wamp_core.session"]


@pytest.mark.parametrize("name", MODULES)
def test_all_lists_the_public_names(name: str) -> None:
    import importlib
    import inspect

    mod = importlib.import_module(name)
    for item in mod.__all__:
        assert hasattr(mod, item), f"{name}.__all__ names missing {item}"
    defined = {n for n, v in vars(mod).items()
               if not n.startswith("_") and (inspect.isclass(v) or inspect.isfunction(v))
               and v.__module__ == name}
    assert defined <= set(mod.__all__), defined - set(mod.__all__)


def test_type_check_method() -> None:
    from wamp_core.exception import TypeCheckError
    from wamp_core.protocol import ApplicationSession

    def f(a: int) -> int:
        return a

    checked = ApplicationSession().type_check(f)
    assert checked(1) == 1
    with pytest.raises(TypeCheckError):
        checked("x")
