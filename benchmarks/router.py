"""Router cost without sockets: routed calls and events, fan-out, scale of subscriptions.

    python benchmarks/router.py [--quick] [--serializers json,msgpack]

Everything runs in this process over transports that serialize what the router
sends (as a real transport would, once per message and serializer thanks to the
message cache) and keep the bytes; clients feed serialized bytes to
``RouterSession.receive_payload``, so the figures include parsing what comes
in, routing, and serializing what goes out: the router's share of the CPU,
without framing and sockets. Times are CPU microseconds (best of several rounds).

1. routed call (CALL in, INVOCATION out, YIELD in, RESULT out) and routed event
   (PUBLISH in, EVENT out), per serializer;
1b. the same through wamp_asyncio's RawSocket server protocols, fed frames in this process
   (MessagePack, batches of 100 as a socket delivers them under load): adds the RawSocket
   framing, the WAMP transport glue and the adapter's pump and writes, still without sockets
   or waiting in the event loop (steadier than part 4 on a busy machine);
2. fan-out of one PUBLISH to 10 .. 10,000 subscribers: cost per delivered event;
3. publish and call cost with 10 .. 100,000 exact, prefix and wildcard
   subscriptions or registrations in the realm (the cost must not grow; the broker and
   dealer remember the matches of the URIs they saw, which this loop hits).

4. over real sockets (:func:`socket_comparison`, ``--no-sockets`` skips it): our
   router served by wamp_asyncio and Crossbar.io, each in its own process, under the
   same client load: router CPU microseconds per routed call and per delivered event.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import msgpack
from _util import environment, rate
from wamp_core.message import Call, Hello, Invocation, Publish, Register, Subscribe
from wamp_core.router import Limits, Router, RouterSession
from wamp_core.serializer import create_transport_serializer

ROLES = {"publisher": {}, "subscriber": {}, "caller": {"call_canceling": True},
         "callee": {"call_canceling": True}}


class SinkTransport:
    """Serializes what the router sends and keeps the last bytes (no framing, no socket)."""

    __slots__ = ("count", "last", "ser", "transport_details")

    def __init__(self, ser: Any) -> None:
        self.ser = ser
        self.count = 0
        self.last: Any = None
        self.transport_details = None

    def send(self, msg: Any) -> None:
        self.last = self.ser.serialize(msg)
        self.count += 1

    def close(self) -> None:
        pass


class CalleeTransport(SinkTransport):
    """Also remembers the request ID of the last INVOCATION."""

    __slots__ = ("request",)

    def __init__(self, ser: Any) -> None:
        super().__init__(ser)
        self.request = 0

    def send(self, msg: Any) -> None:
        if type(msg) is Invocation:
            self.request = msg.request
        self.last = self.ser.serialize(msg)
        self.count += 1


def _join(router: Router, transport: SinkTransport) -> RouterSession:
    session = router.session()
    session.onOpen(transport)
    session.onMessage(Hello("realm1", ROLES))
    return session


def _bytes(ser: Any, msg: Any) -> bytes:
    data: bytes = ser.serialize(msg)[0]
    return data


def _router() -> Router:
    return Router(limits=Limits(max_subscriptions=10**6, max_registrations=10**6))


def routed_call_us(ser_id: str, seconds: float) -> float:
    """CPU microseconds per routed call (CALL+YIELD in, INVOCATION+RESULT out)."""
    ser = create_transport_serializer(ser_id)
    router = _router()
    callee_t = CalleeTransport(ser)
    callee = _join(router, callee_t)
    callee.onMessage(Register(1, "com.example.add"))
    caller = _join(router, SinkTransport(ser))
    call = _bytes(ser, Call(1, "com.example.add", args=[2, 3]))
    objser = ser._serializer
    binary = ser.BINARY
    yield_list = [70, 0, {}, [5]]

    def one() -> None:
        caller.receive_payload(call, ser, binary)
        yield_list[1] = callee_t.request  # the callee's answer (its serialization is small)
        callee.receive_payload(objser.serialize(yield_list), ser, binary)

    return 1e6 / rate(one, seconds=seconds)


def routed_event_us(ser_id: str, seconds: float) -> float:
    """CPU microseconds per routed event (PUBLISH in, EVENT out, one subscriber)."""
    ser = create_transport_serializer(ser_id)
    router = _router()
    sub = _join(router, SinkTransport(ser))
    sub.onMessage(Subscribe(1, "com.example.topic"))
    pub = _join(router, SinkTransport(ser))
    data = _bytes(ser, Publish(1, "com.example.topic", args=["hello", 42]))
    binary = ser.BINARY
    return 1e6 / rate(lambda: pub.receive_payload(data, ser, binary), seconds=seconds)


def fanout_us(n: int, ser_id: str, seconds: float) -> tuple[float, float]:
    """(microseconds per publish, microseconds per delivered event) with ``n`` subscribers."""
    ser = create_transport_serializer(ser_id)
    router = _router()
    for _ in range(n):
        _join(router, SinkTransport(ser)).onMessage(Subscribe(1, "com.example.fanout"))
    pub = _join(router, SinkTransport(ser))
    data = _bytes(ser, Publish(1, "com.example.fanout", args=["hello", 42]))
    per_publish = 1e6 / rate(lambda: pub.receive_payload(data, ser, ser.BINARY),
                             seconds=seconds, repeat=3)
    return per_publish, per_publish / n


def _patterns(kind: str, n: int) -> list[tuple[str, str]]:
    if kind == "exact":
        return [(f"com.example.topic{i}", "exact") for i in range(n)]
    if kind == "prefix":
        return [(f"com.example.p{i}.", "prefix") for i in range(n)]
    return [(f"com.example..w{i}", "wildcard") for i in range(n)]


_TARGET = {"exact": "com.example.topic7", "prefix": "com.example.p7.x",
           "wildcard": "com.example.any.w7"}


def scale_us(kind: str, n: int, ser_id: str, seconds: float) -> tuple[float, float]:
    """(publish us, call us) with ``n`` subscriptions and ``n`` registrations of ``kind``."""
    ser = create_transport_serializer(ser_id)
    router = _router()
    holder_t = CalleeTransport(ser)
    holder = _join(router, holder_t)
    for i, (uri, match) in enumerate(_patterns(kind, n)):
        holder.onMessage(Subscribe(i + 1, uri, match=match))
        holder.onMessage(Register(i + 1, uri, match=match))
    client = _join(router, SinkTransport(ser))
    binary = ser.BINARY
    pub = _bytes(ser, Publish(1, _TARGET[kind], args=[1]))
    publish = 1e6 / rate(lambda: client.receive_payload(pub, ser, binary), seconds=seconds,
                         repeat=3)
    call = _bytes(ser, Call(1, _TARGET[kind], args=[1]))
    objser = ser._serializer
    yield_list = [70, 0, {}, [5]]

    def one() -> None:
        client.receive_payload(call, ser, binary)
        yield_list[1] = holder_t.request
        holder.receive_payload(objser.serialize(yield_list), ser, binary)

    return publish, 1e6 / rate(one, seconds=seconds, repeat=3)


class _NullTransport(asyncio.Transport):
    """An asyncio transport that counts what is written (part 1b)."""

    def __init__(self) -> None:
        super().__init__()
        self.written = 0
        self._closing = False

    def write(self, data: Any) -> None:
        self.written += len(data)

    def writelines(self, chunks: Any) -> None:
        for chunk in chunks:
            self.write(chunk)

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return default

    def is_closing(self) -> bool:
        return self._closing

    def close(self) -> None:
        self._closing = True

    def abort(self) -> None:
        self._closing = True

    def get_write_buffer_size(self) -> int:
        return 0

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


def _frames(objs: list[Any]) -> bytes:
    packed = [msgpack.packb(o, use_bin_type=True) for o in objs]
    return b"".join(len(p).to_bytes(4, "big") + p for p in packed)


async def _inprocess(mode: str, seconds: float, batch: int = 100) -> float:
    from _wamp_peers import router_config
    from wamp_asyncio.router import RouterServer
    from wamp_core.transport.serving import plan
    from wamp_core.transport.serving import router_config as parse

    config = parse(router_config(0, 0))
    loop = asyncio.get_running_loop()
    server = RouterServer(Router(config, call_later=loop.call_later, clock=time.time))
    factory = server._factory(next(li for li in plan(config) if li.rawsocket is not None))
    roles = {"caller": {}, "callee": {}, "publisher": {}, "subscriber": {}}

    def connect() -> Any:
        proto = factory()
        proto.connection_made(_NullTransport())
        proto.data_received(bytes([0x7F, 0xF2, 0, 0]))  # msgpack, longest messages
        proto.data_received(_frames([[1, "realm1", {"roles": roles}]]))
        return proto

    front, back = connect(), connect()
    back.data_received(_frames([[64, 1, {}, "com.p"] if mode == "call" else [32, 1, {}, "t"]]))
    if mode == "call":
        ins = _frames([[48, i + 1, {}, "com.p", [42]] for i in range(batch)])
    else:
        ins = _frames([[16, i + 1, {}, "t", [42]] for i in range(batch)])
    rounds = max(20, int(seconds * 2e4 / batch))  # about seconds at 10 us per item
    # INVOCATION IDs count 1, 2, 3 ... in a fresh router: the YIELDs are made beforehand
    yields = [_frames([[70, k * batch + i + 1, {}, [42]] for i in range(batch)])
              for k in range(rounds * 6)] if mode == "call" else []
    best = float("inf")
    for r in range(6):
        await asyncio.sleep(0)
        started = time.process_time()
        for k in range(r * rounds, (r + 1) * rounds):
            front.data_received(ins)
            if yields:
                back.data_received(yields[k])
            await asyncio.sleep(0)  # the other connection's pump writes
        if r:  # the first round warms up
            best = min(best, time.process_time() - started)
    pending = sum(len(s.calls) for s in server.router.realms["realm1"].sessions.values())
    if pending:
        raise RuntimeError(f"{pending} calls left in flight: INVOCATION IDs were not 1, 2, 3 ...")
    return best / (rounds * batch) * 1e6


def inprocess_us(mode: str, seconds: float) -> float:
    """CPU microseconds per routed call or event through wamp_asyncio's RawSocket protocols
    fed in this process (part 1b)."""
    return asyncio.run(_inprocess(mode, seconds))


def socket_comparison(quick: bool = False, pure: bool = False) -> None:
    """Our router and Crossbar.io under the same client load over real sockets.

    Both serve the same ``config.json`` in their own process (Crossbar.io from
    ``tests/peers``); the same client process drives each (RawSocket + msgpack, WebSocket +
    JSON); the figure is the router process's CPU time over the window divided by the calls
    or events counted. See ``wamp_rpc.router_comparison``.
    """
    from wamp_rpc import router_comparison

    router_comparison(quick=quick, pure=pure)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs, fewer sizes")
    parser.add_argument("--serializers", default="json,msgpack")
    parser.add_argument("--no-sockets", action="store_true",
                        help="skip the socket comparison with Crossbar.io")
    parser.add_argument("--pure", action="store_true",
                        help="sockets: our frame parser as the editable install has it")
    args = parser.parse_args(argv)
    seconds = 0.05 if args.quick else 0.25
    sers = args.serializers.split(",")
    print(f"wamp_core.router in memory; {environment()}")
    print("CPU microseconds (best of several rounds); in: parse, route; out: serialize\n")

    print("1. routed call and event")
    for ser_id in sers:
        print(f"  {ser_id:8}  call {routed_call_us(ser_id, seconds):6.2f} us   "
              f"event {routed_event_us(ser_id, seconds):6.2f} us")

    print("\n1b. through wamp_asyncio's RawSocket protocols, in process (msgpack, no sockets)")
    print(f"  msgpack   call {inprocess_us('call', seconds):6.2f} us   "
          f"event {inprocess_us('event', seconds):6.2f} us")

    print("\n2. fan-out of one publish (msgpack)")
    sizes = (10, 100, 1000) if args.quick else (10, 100, 1000, 10000)
    for n in sizes:
        per_pub, per_event = fanout_us(n, "msgpack", seconds)
        print(f"  {n:>6} subscribers  {per_pub:10.1f} us per publish  "
              f"{per_event:6.3f} us per delivered event")

    print("\n3. publish / call cost with N subscriptions and registrations (msgpack)")
    counts = (10, 1000, 10000) if args.quick else (10, 1000, 10000, 100000)
    for kind in ("exact", "prefix", "wildcard"):
        for n in counts:
            started = time.process_time()
            publish, call = scale_us(kind, n, "msgpack", seconds)
            setup = time.process_time() - started
            print(f"  {kind:8} N={n:>6}  publish {publish:6.2f} us   call {call:6.2f} us"
                  f"   (run {setup:.1f} s)")
    if not args.no_sockets:
        socket_comparison(args.quick, args.pure)


if __name__ == "__main__":
    main()
