"""The router with real client sessions over in-memory pipes, on asyncio and Twisted.

Clients are :class:`wamp_core.protocol.ApplicationSession`; the router end of each
pipe is a :class:`wamp_core.router.RouterSession`; messages make a real
serializer round trip. Time is the harness's fake clock, which also drives the
router's call timeouts.
"""

from __future__ import annotations

from typing import Any

import pytest
from _session_harness import Harness, attach, flavours, run
from wamp_core import auth
from wamp_core.exception import ApplicationError
from wamp_core.protocol import ApplicationSession
from wamp_core.router import Router
from wamp_core.serializer import CBORSerializer, JsonSerializer, MsgPackSerializer
from wamp_core.types import (
    CallOptions,
    ComponentConfig,
    PublishOptions,
    RegisterOptions,
    SubscribeOptions,
)

SERIALIZERS = [JsonSerializer, MsgPackSerializer, CBORSerializer]


def make_router(h: Harness, config: Any = None) -> Router:
    call_later = h.loop.call_later if h.flavour == "asyncio" else h.clock.callLater  # type: ignore[attr-defined]
    return Router(config, call_later=call_later)


async def connect(h: Harness, router: Router, realm: str = "realm1", serializer: Any = None,
                  transport: Any = None, session: Any = None) -> ApplicationSession:
    s = session if session is not None else ApplicationSession(ComponentConfig(realm=realm))
    attach(h, s, serializer if serializer is not None else JsonSerializer(),
           router=router.session(transport))
    await h.settle()
    return s


@flavours
@pytest.mark.parametrize("serializer", SERIALIZERS, ids=lambda c: c.__name__)
def test_call_and_register(flavour: str, serializer: Any) -> None:
    async def scenario(h: Harness) -> None:
        router = make_router(h)
        callee = await connect(h, router, serializer=serializer())
        caller = await connect(h, router, serializer=serializer())
        assert callee.is_attached() and caller.is_attached()

        def add(a: int, b: int, scale: int = 1) -> int:
            return (a + b) * scale

        await h.wait(callee.register(add, "com.example.add"))
        assert await h.wait(caller.call("com.example.add", 2, 3, scale=10)) == 50

        def fail() -> None:
            raise ApplicationError("com.example.failed", "bad", code=7)

        await h.wait(callee.register(fail, "com.example.fail"))
        exc = await h.failure(caller.call("com.example.fail"))
        assert isinstance(exc, ApplicationError)
        assert (exc.error, exc.args, exc.kwargs) == ("com.example.failed", ("bad",), {"code": 7})
        exc = await h.failure(caller.call("com.example.nothing"))
        assert isinstance(exc, ApplicationError)
        assert exc.error == "wamp.error.no_such_procedure"

    run(flavour, scenario)


@flavours
def test_pubsub_with_patterns_and_acknowledge(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        router = make_router(h)
        sub = await connect(h, router, serializer=MsgPackSerializer())
        pub = await connect(h, router)
        got: list[Any] = []
        await h.wait(sub.subscribe(lambda *a, **kw: got.append(("exact", a, kw)), "com.t.x"))
        await h.wait(sub.subscribe(lambda *a, details=None, **kw: got.append(
            ("prefix", a, details.topic)),
                                   "com.t", options=SubscribeOptions(match="prefix",
                                                                     details=True)))
        publication = await h.wait(pub.publish("com.t.x", 1, k="v",
                                               options=PublishOptions(acknowledge=True)))
        assert publication.id > 0
        await h.settle()
        assert sorted(got, key=lambda g: g[0]) == [
            ("exact", (1,), {"k": "v"}), ("prefix", (1,), "com.t.x")]
        own: list[Any] = []
        await h.wait(pub.subscribe(own.append, "com.t.self"))
        pub.publish("com.t.self", "not me")
        pub.publish("com.t.self", "me", options=PublishOptions(exclude_me=False))
        await h.settle()
        assert own == ["me"]

    run(flavour, scenario)


@flavours
def test_progressive_results(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        router = make_router(h)
        callee = await connect(h, router)
        caller = await connect(h, router)

        def stream(n: int, details: Any = None) -> str:
            for i in range(n):
                details.progress(i)
            return "done"

        await h.wait(callee.register(stream, "com.stream",
                                     options=RegisterOptions(details_arg="details")))
        seen: list[Any] = []
        result = await h.wait(caller.call("com.stream", 3,
                                          options=CallOptions(on_progress=seen.append)))
        assert (seen, result) == ([0, 1, 2], "done")

    run(flavour, scenario)


@flavours
def test_cancel_interrupts_the_callee(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        router = make_router(h)
        callee = await connect(h, router)
        caller = await connect(h, router)
        started: list[Any] = []

        def slow() -> Any:
            fut = h.api.create_future()
            started.append(fut)
            return fut

        await h.wait(callee.register(slow, "com.slow"))
        pending = caller.call("com.slow")
        await h.settle()
        assert len(started) == 1
        pending.cancel()
        await h.settle()
        assert h.api.is_called(started[0])  # the invocation was interrupted
        await h.settle()
        realm = router.realms["realm1"]
        assert all(not s.calls and not s.invocations for s in realm.sessions.values())

    run(flavour, scenario)


@flavours
def test_call_timeout_is_enforced(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        router = make_router(h)
        callee = await connect(h, router)
        caller = await connect(h, router)
        await h.wait(callee.register(lambda: h.api.create_future(), "com.never"))
        pending = caller.call("com.never", options=CallOptions(timeout=2.0))
        await h.advance(1.0)
        assert not h.done(pending)
        await h.advance(1.5)
        exc = await h.failure(pending)
        assert isinstance(exc, ApplicationError)
        assert exc.error in ("wamp.error.timeout", "wamp.error.canceled")
        realm = router.realms["realm1"]
        assert all(not s.calls and not s.invocations for s in realm.sessions.values())

    run(flavour, scenario)


@flavours
def test_callee_leaving_mid_call_fails_the_call(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        router = make_router(h)
        callee = await connect(h, router)
        caller = await connect(h, router)
        await h.wait(callee.register(lambda: h.api.create_future(), "com.hang"))
        pending = caller.call("com.hang")
        await h.settle()
        callee.transport.close()
        exc = await h.failure(pending)
        assert isinstance(exc, ApplicationError) and exc.error == "wamp.error.canceled"

    run(flavour, scenario)


@flavours
def test_meta_api_from_a_client(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        router = make_router(h)
        watcher = await connect(h, router)
        joins: list[Any] = []
        await h.wait(watcher.subscribe(joins.append, "wamp.session.on_join"))
        other = await connect(h, router)
        await h.settle()
        assert [j["session"] for j in joins] == [other.session_id]
        assert await h.wait(watcher.call("wamp.session.count")) == 2
        await h.wait(other.register(lambda: 1, "com.p"))
        reg = await h.wait(watcher.call("wamp.registration.match", "com.p"))
        assert await h.wait(watcher.call("wamp.registration.list_callees", reg)) == \
            [other.session_id]

    run(flavour, scenario)


ROUTER_CONFIG: dict[str, Any] = {
    "type": "router",
    "realms": [
        {"name": "realm1", "roles": [
            {"name": "user", "permissions": [
                {"uri": "com.public.*", "allow": {"call": True, "register": True,
                                                  "publish": True, "subscribe": True}}]}]},
        {"name": "realm2", "roles": [
            {"name": "user", "permissions": [
                {"uri": "*", "allow": {"call": True, "register": True,
                                       "publish": True, "subscribe": True}}]}]},
    ],
    "transports": [{"type": "websocket", "endpoint": {"type": "tcp", "port": 0}, "auth": {
        "ticket": {"type": "static", "principals": {"joe": {"ticket": "s3cret",
                                                            "role": "user"}}}}}],
}


async def ticket_session(h: Harness, router: Router, realm: str,
                         ticket: str = "s3cret") -> ApplicationSession:
    s = ApplicationSession(ComponentConfig(realm=realm))
    s.add_authenticator(auth.create_authenticator("ticket", authid="joe", ticket=ticket))
    return await connect(h, router, transport=router.config.transports[0], session=s)


@flavours
def test_ticket_auth_permissions_and_realm_isolation(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        router = make_router(h, ROUTER_CONFIG)
        a1 = await ticket_session(h, router, "realm1")
        b1 = await ticket_session(h, router, "realm1")
        a2 = await ticket_session(h, router, "realm2")
        assert (a1.authid, a1.authrole, a1.authmethod) == ("joe", "user", "ticket")
        bad = await ticket_session(h, router, "realm1", ticket="wrong")
        assert not bad.is_attached()

        exc = await h.failure(a1.register(lambda: 0, "com.private.p"))
        assert isinstance(exc, ApplicationError) and exc.error == "wamp.error.not_authorized"

        got1: list[Any] = []
        got2: list[Any] = []
        await h.wait(b1.subscribe(got1.append, "com.public.t"))
        await h.wait(a2.subscribe(got2.append, "com.public.t"))
        await h.wait(a1.publish("com.public.t", "hello",
                                options=PublishOptions(acknowledge=True)))
        await h.settle()
        assert (got1, got2) == (["hello"], [])
        await h.wait(a2.register(lambda: "realm2", "com.public.where"))
        exc = await h.failure(a1.call("com.public.where"))
        assert isinstance(exc, ApplicationError) and exc.error == "wamp.error.no_such_procedure"

    run(flavour, scenario)


@flavours
def test_leave(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        router = make_router(h)
        s = await connect(h, router)
        other = await connect(h, router)
        await h.wait(s.register(lambda: 1, "com.p"))
        details = await h.wait(s.leave())
        assert details.reason == "wamp.close.normal"
        assert list(router.realms["realm1"].sessions) == [other.session_id]
        exc = await h.failure(other.call("com.p"))
        assert isinstance(exc, ApplicationError) and exc.error == "wamp.error.no_such_procedure"

    run(flavour, scenario)
