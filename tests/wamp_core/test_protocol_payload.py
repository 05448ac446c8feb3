"""Payload codecs (payload passthru mode) through the session, on asyncio and Twisted."""

from __future__ import annotations

import json
from typing import Any

from _session_harness import Harness, flavours, join, run
from wamp_core.exception import ApplicationError
from wamp_core.interfaces import IPayloadCodec
from wamp_core.message import (
    Call,
    Error,
    Event,
    Invocation,
    Publish,
    Register,
    Registered,
    Result,
    Subscribe,
    Subscribed,
    Yield,
)
from wamp_core.protocol import ApplicationSession
from wamp_core.serializer import JsonSerializer
from wamp_core.types import EncodedPayload, RegisterOptions
from zope.interface import implementer


@implementer(IPayloadCodec)
class JsonCodec:
    """A toy codec: the URI, args and kwargs as JSON bytes (``ppt_scheme`` mqtt)."""

    def encode(self, is_originating: bool, uri: str, args: Any = None,
               kwargs: Any = None) -> EncodedPayload:
        return EncodedPayload(json.dumps([uri, args, kwargs]).encode(), "mqtt", "json")

    def decode(self, is_originating: bool, uri: str,
               encoded: EncodedPayload) -> tuple[str, Any, Any]:
        decoded_uri, args, kwargs = json.loads(encoded.payload)
        return decoded_uri, args, kwargs


def encoded(uri: str, args: Any = None, kwargs: Any = None) -> dict[str, Any]:
    return {"payload": json.dumps([uri, args, kwargs]).encode(), "enc_algo": "mqtt",
            "enc_serializer": "json"}


@flavours
def test_call_publish_event_with_a_codec(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        s.set_payload_codec(JsonCodec())
        assert isinstance(s.get_payload_codec(), JsonCodec)
        router, _ = await join(h, s, JsonSerializer())
        pending = s.call("com.p", 1, k=2)
        await h.settle()
        call = router.expect(Call)
        assert call.args is None and call.enc_algo == "mqtt"
        assert json.loads(call.payload) == ["com.p", [1], {"k": 2}]
        assert call.marshal()[2] == {"ppt_scheme": "mqtt", "ppt_serializer": "json"}
        router.send(Result(call.request, **encoded("com.p", [5])))
        assert await h.wait(pending) == 5
        s.publish("com.t", "x")
        await h.settle()
        assert json.loads(router.expect(Publish).payload) == ["com.t", ["x"], None]
        got: list[Any] = []
        s.subscribe(got.append, "com.t")
        await h.settle()
        router.send(Subscribed(router.expect(Subscribe).request, 3))
        router.send(Event(3, 1, **encoded("com.t", ["decoded"])))
        router.send(Event(3, 2, **encoded("com.other", ["wrong uri"])))  # dropped
        await h.settle()
        assert got == ["decoded"]

    run(flavour, scenario)


@flavours
def test_invocations_answer_encoded(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        s.set_payload_codec(JsonCodec())
        router, _ = await join(h, s, JsonSerializer())

        def double(x: int, details: Any) -> int:
            details.progress("half way")
            return x * 2

        s.register(double, "com.double", options=RegisterOptions(details=True))
        await h.settle()
        router.send(Registered(router.expect(Register).request, 9))
        router.send(Invocation(4, 9, receive_progress=True, **encoded("com.double", [21])))
        await h.settle()
        progress, final = router.expect(Yield), router.expect(Yield)
        assert progress.progress and json.loads(progress.payload) == ["com.double",
                                                                      ["half way"], None]
        assert json.loads(final.payload) == ["com.double", [42], None]
        router.send(Invocation(5, 9, [21], receive_progress=True))  # plain in, plain out
        await h.settle()
        assert router.received == [Yield(5, ["half way"], progress=True), Yield(5, [42])]

    run(flavour, scenario)


@flavours
def test_encoded_payload_without_a_codec(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = ApplicationSession()
        router, _ = await join(h, s)
        pending = s.call("com.p")
        await h.settle()
        router.send(Result(router.expect(Call).request, **encoded("com.p", [1])))
        failure = await h.failure(pending)
        assert isinstance(failure, ApplicationError)
        assert failure.error == "wamp.error.no_payload_codec"
        s.set_payload_codec(JsonCodec())
        pending = s.call("com.p")
        await h.settle()
        router.send(Result(router.expect(Call).request, **encoded("com.elsewhere", [1])))
        failure = await h.failure(pending)
        assert failure.error == "wamp.error.encryption.trusted_uri_mismatch"
        pending = s.call("com.p")
        await h.settle()
        router.send(Error(48, router.expect(Call).request, "com.failed",
                          **encoded("com.failed", ["why"])))
        failure = await h.failure(pending)
        assert (failure.error, failure.args, failure.enc_algo) == ("com.failed", ("why",),
                                                                   "mqtt")

    run(flavour, scenario)
