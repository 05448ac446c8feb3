"""The Twisted side of the demo: a Twisted component talking to others through a router.

    python examples/demo_twisted.py rs://127.0.0.1:PORT   (examples/demo.py runs it so)
    python examples/demo_twisted.py                       (alone: its own Twisted router)

The *twisted* component joins over RawSocket speaking MessagePack, registers
``com.example.mul2`` and subscribes to ``com.example.news``. When the news arrives it calls
``com.example.add2`` (which the asyncio backend of ``examples/demo.py`` registers), leaves, and
the reactor stops. Alone, it serves its own router and plays the other side (a second Twisted
component that calls ``com.example.mul2``, registers ``com.example.add2`` and publishes the
news) itself. The exit status is 0 when everything happened in time.
"""

from __future__ import annotations

import sys
from typing import Any

from twisted.internet import reactor
from twisted.internet.defer import Deferred
from wamp_core.types import PublishOptions
from wamp_twisted.component import Component
from wamp_twisted.router import serve

TIMEOUT = 10.0


def say(who: str, text: str) -> None:
    print(f"{who:<9} {text}", flush=True)


def twisted_component(url: str) -> Component:
    component = Component(transports=[{"type": "rawsocket", "url": url,
                                       "serializer": "msgpack"}], realm="realm1")

    @component.register("com.example.mul2")
    def mul2(a: int, b: int) -> int:
        return a * b

    @component.on_join
    async def joined(session: Any, details: Any) -> None:
        news: Deferred[str] = Deferred()
        await session.subscribe(news.callback, "com.example.news")
        _, framing, serializer = session.transport.transport_details.channel_typeid.split("-")
        kind = {"websocket": "WebSocket", "rawsocket": "RawSocket"}[framing]
        say("twisted", f"joined realm1 over {kind} ({serializer}) as session "
                       f"{details.session}; registered com.example.mul2, subscribed to "
                       "com.example.news")
        text = await news
        say("twisted", f"received {text!r}")
        result = await session.call("com.example.add2", 20, 22)
        say("twisted", f"called com.example.add2(20, 22) -> {result}")
        session.leave()

    return component


async def the_other_side(url: str, twisted_done: Deferred[None]) -> None:
    """What examples/demo.py's asyncio components do, when this demo runs alone."""
    peer = Component(transports=[{"url": url}], realm="realm1")
    peer.register("com.example.add2")(lambda a, b: a + b)
    ready: Deferred[None] = Deferred()
    peer.on_ready(lambda session: ready.callback(None))
    peer_done = peer.start(reactor)
    await ready

    async def main(r: Any, session: Any) -> None:
        while not await session.call("wamp.registration.match", "com.example.mul2"):
            await _sleep(0.01)
        say("peer", f"called com.example.mul2(6, 7) -> "
                    f"{await session.call('com.example.mul2', 6, 7)}")
        await session.publish("com.example.news", "hello Twisted",
                              options=PublishOptions(acknowledge=True))

    await Component(transports=[{"url": url}], realm="realm1", main=main).start(reactor)
    await twisted_done  # it calls com.example.add2 on the peer, then leaves
    await peer.stop()
    await peer_done


def _sleep(seconds: float) -> Deferred[None]:
    from twisted.internet.task import deferLater

    return deferLater(reactor, seconds, lambda: None)


async def alone() -> None:
    router = await serve(ws=["127.0.0.1:0/ws"], rawsocket=["127.0.0.1:0"])
    ws_url, rs_url = router.urls
    say("router", f"listening on {ws_url} and {rs_url} (Twisted)")
    try:
        await the_other_side(ws_url, twisted_component(rs_url).start(reactor))
        say("done", "the sessions left; closing the router")
    finally:
        await router.close()


def main(argv: list[str]) -> int:
    from twisted.internet.defer import ensureDeferred

    status = [1]
    done = twisted_component(argv[0]).start(reactor) if argv else ensureDeferred(alone())
    done.addTimeout(3 * TIMEOUT, reactor)

    def finished(result: Any) -> None:
        if hasattr(result, "getErrorMessage"):
            print(f"demo_twisted failed: {result.getErrorMessage()}", file=sys.stderr)
        else:
            status[0] = 0
        reactor.stop()

    done.addBoth(finished)
    reactor.run()
    return status[0]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
