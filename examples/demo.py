"""The demo: an embedded router and two components, on loopback, in a few seconds.

    python examples/demo.py          (or: python3 dev.py demo)

1. starts the embedded WAMP router on 127.0.0.1 (WebSocket and RawSocket, free ports);
2. a *backend* component joins over WebSocket speaking CBOR: it registers a procedure and
   subscribes to a topic;
3. a *frontend* component joins over RawSocket speaking JSON: it calls the procedure and
   publishes events, which the backend receives;
4. a *twisted* component (``examples/demo_twisted.py``: its own process, on Twisted) joins
   over RawSocket speaking MessagePack; an asyncio component calls its procedure and sends it
   news, and it calls the asyncio backend's procedure (skipped without wamp-twisted);
5. all leave, the router closes; the exit status is 0 when everything happened in time.
"""

from __future__ import annotations

import asyncio
import sys

from wamp_asyncio.component import Component
from wamp_asyncio.router import serve
from wamp_core.types import PublishOptions

TIMEOUT = 10.0
EVENTS = 3


def say(who: str, text: str) -> None:
    print(f"{who:<9} {text}", flush=True)


def how(session: object) -> str:
    details = session.transport.transport_details  # type: ignore[attr-defined]
    framing = {"websocket": "WebSocket", "rawsocket": "RawSocket"}
    _, kind, serializer = details.channel_typeid.split("-")
    return f"over {framing[kind]} ({serializer})"


async def demo() -> None:
    router = await serve(ws=["127.0.0.1:0/ws"], rawsocket=["127.0.0.1:0"])
    ws_url, rs_url = router.urls
    say("router", f"listening on {ws_url} and {rs_url}")
    loop = asyncio.get_running_loop()
    received: list[str] = []
    all_received = loop.create_future()

    backend = Component(transports=[{"type": "websocket", "url": ws_url,
                                     "serializers": ["cbor"]}], realm="realm1")

    @backend.register("com.example.add2")
    def add2(a: int, b: int) -> int:
        return a + b

    @backend.subscribe("com.example.hello")
    def hello(text: str) -> None:
        received.append(text)
        if len(received) == EVENTS and not all_received.done():
            all_received.set_result(None)

    ready = loop.create_future()

    @backend.on_ready
    def backend_ready(session: object) -> None:
        say("backend", f"joined realm1 {how(session)} as session {session.session_id}")  # type: ignore[attr-defined]
        say("backend", "registered com.example.add2, subscribed to com.example.hello")
        ready.set_result(None)

    async def frontend_main(loop: object, session: object) -> None:
        say("frontend", f"joined realm1 {how(session)} as session {session.session_id}")  # type: ignore[attr-defined]
        result = await session.call("com.example.add2", 2, 3)  # type: ignore[attr-defined]
        say("frontend", f"called com.example.add2(2, 3) -> {result}")
        for i in range(1, EVENTS + 1):
            await session.publish("com.example.hello", f"hello {i}",  # type: ignore[attr-defined]
                                  options=PublishOptions(acknowledge=True))
        say("frontend", f"published {EVENTS} events to com.example.hello")
        await all_received

    frontend = Component(transports=[{"type": "rawsocket", "url": rs_url,
                                      "serializer": "json"}], realm="realm1",
                         main=frontend_main)
    try:
        backend_done = backend.start(loop)
        await asyncio.wait_for(ready, TIMEOUT)
        await asyncio.wait_for(frontend.start(loop), TIMEOUT)
        say("backend", "received " + ", ".join(repr(text) for text in received))
        await with_twisted(rs_url)
        await asyncio.wait_for(backend.stop(), TIMEOUT)
        await asyncio.wait_for(backend_done, TIMEOUT)
        say("done", "both sessions left; closing the router")
    finally:
        await router.close()


# -- asyncio and Twisted through one router (wamp_twisted; see examples/demo_twisted.py) ---


async def with_twisted(rs_url: str) -> None:
    """Run the Twisted component of ``demo_twisted.py`` against our router; call its
    procedure and send it the news it waits for."""
    import importlib.util
    from pathlib import Path

    if importlib.util.find_spec("wamp_twisted.component") is None:
        say("twisted", "skipped (wamp-twisted is not installed)")
        return
    script = Path(__file__).with_name("demo_twisted.py")
    proc = await asyncio.create_subprocess_exec(sys.executable, str(script), rs_url,
                                                stdout=asyncio.subprocess.PIPE)
    assert proc.stdout is not None
    print((await asyncio.wait_for(proc.stdout.readline(), TIMEOUT)).decode(), end="")

    async def talk(loop: object, session: object) -> None:
        result = await session.call("com.example.mul2", 6, 7)  # type: ignore[attr-defined]
        say("frontend", f"called com.example.mul2(6, 7) on Twisted -> {result}")
        await session.publish("com.example.news", "hello Twisted",  # type: ignore[attr-defined]
                              options=PublishOptions(acknowledge=True))

    await asyncio.wait_for(Component(transports=[{"type": "rawsocket", "url": rs_url}],
                                     realm="realm1", main=talk).start(), TIMEOUT)
    out, _ = await asyncio.wait_for(proc.communicate(), TIMEOUT)
    print(out.decode(), end="", flush=True)
    if proc.returncode != 0:
        raise RuntimeError(f"the Twisted component failed (exit status {proc.returncode})")


def main() -> int:
    try:
        asyncio.run(asyncio.wait_for(demo(), 3 * TIMEOUT))
    except Exception as exc:  # a demo says what went wrong, briefly
        print(f"demo failed: {exc!r}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
