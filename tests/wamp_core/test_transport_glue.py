"""wamp_core.transport (negotiation, the ITransport mixin, router listeners) and wamp_core.cli,
framework-neutral: no sockets."""

from __future__ import annotations

import json
from typing import Any

import pytest
from wamp_core.cli import (
    build_parser,
    client_transport,
    format_error,
    format_result,
    parse_arguments,
)
from wamp_core.exception import (
    ApplicationError,
    PayloadExceededError,
    ProtocolError,
    TransportLost,
)
from wamp_core.message import Hello, Publish
from wamp_core.serializer import JsonSerializer
from wamp_core.transport import (
    WampTransportMixin,
    choose_subprotocol,
    client_serializers,
    rawsocket_ids,
    serializer_for_rawsocket_id,
    serializer_for_subprotocol,
    server_serializers,
    subprotocols,
)
from wamp_core.transport.serving import cli_config, parse_address, plan, sniff, websocket_options
from wamp_core.types import CallResult, TransportDetails


def test_default_serializers_and_subprotocols() -> None:
    ids = [s.SERIALIZER_ID for s in client_serializers()]
    assert ids[:2] == ["cbor", "msgpack"] and ids[-1] == "json"
    server = server_serializers()
    assert "flatbuffers" in [s.SERIALIZER_ID for s in server]
    assert "wamp.2.json.batched" in subprotocols(server)
    assert rawsocket_ids(server)[:2] == [3, 2] and len(set(rawsocket_ids(server))) == 5


def test_the_server_picks_the_clients_first_choice() -> None:
    server = server_serializers(["json", "cbor"])
    name, serializer = choose_subprotocol(["wamp.2.msgpack", "wamp.2.cbor", "wamp.2.json"],
                                          server)
    assert (name, serializer.SERIALIZER_ID) == ("wamp.2.cbor", "cbor")
    assert choose_subprotocol(["wamp.2.msgpack"], server) is None
    assert serializer_for_subprotocol("wamp.2.json", server).SERIALIZER_ID == "json"
    with pytest.raises(ValueError, match="we offered"):
        serializer_for_subprotocol("wamp.2.msgpack", server)
    # RawSocket frames one message each: never the batched mode
    assert serializer_for_rawsocket_id(1, server_serializers(["json.batched"])).batched is False
    with pytest.raises(ValueError):
        client_serializers("json")


class Channel(WampTransportMixin):
    """A WampTransportMixin over lists."""

    def __init__(self, handler: Any) -> None:
        self.factory = type("F", (), {"_factory": staticmethod(lambda: handler)})()
        self.peer = "test"
        self._transport_details = TransportDetails()
        self.sent: list[Any] = []
        self.events: list[str] = []
        self.open = True

    def _channel_open(self) -> bool:
        return self.open

    def _send_payload(self, payload: bytes, is_binary: bool) -> None:
        self.sent.append((payload, is_binary))

    def _close_channel(self) -> None:
        self.events.append("close")

    def _abort_channel(self) -> None:
        self.events.append("abort")

    def _wamp_protocol_error(self, reason: str) -> None:
        self.events.append(reason)

    def _io_spawn(self, result: Any) -> None:
        self.events.append("spawn")


class Handler:
    def __init__(self) -> None:
        self.log: list[Any] = []

    def onOpen(self, transport: Any) -> None:
        self.log.append("open")

    def onMessage(self, msg: Any) -> None:
        self.log.append(msg)

    def onClose(self, wasClean: bool) -> None:
        self.log.append(("close", wasClean))


def test_the_itransport_of_a_channel() -> None:
    handler = Handler()
    channel = Channel(handler)
    with pytest.raises(TransportLost):
        channel.send(Hello("realm1", {"caller": {}}))
    channel._wamp_open(JsonSerializer())
    assert channel.isOpen() and handler.log == ["open"]
    assert channel.transport_details.channel_serializer == 1
    channel.send(Publish(1, "com.topic", args=["x"]))
    assert json.loads(channel.sent[0][0]) == [16, 1, {}, "com.topic", ["x"]]
    channel._wamp_receive(b'[16, 2, {}, "com.t"]', False)
    assert isinstance(handler.log[-1], Publish)
    channel._wamp_receive(b"not json", False)
    assert channel.events[-1].startswith("WAMP protocol error")
    channel._max_send = 10
    with pytest.raises(PayloadExceededError):
        channel.send(Publish(3, "com.topic.long"))
    channel.close()
    channel._wamp_closed(True)
    assert handler.log[-1] == ("close", True) and not channel.isOpen()
    with pytest.raises(TransportLost):
        channel.abort()
    assert channel.events[-1] == "close"
    assert channel.get_channel_id() is None


def test_a_router_session_reads_its_own_payloads() -> None:
    class RouterLike(Handler):
        def receive_payload(self, payload: bytes, serializer: Any, is_binary: Any) -> None:
            self.log.append(("payload", payload, is_binary))

    handler = RouterLike()
    channel = Channel(handler)
    channel._wamp_open(JsonSerializer())
    channel._wamp_receive(b"garbage", None)
    assert handler.log[-1] == ("payload", b"garbage", None)


def test_listeners_from_a_crossbar_config() -> None:
    config = cli_config("realm9", ws=["127.0.0.1:0/ws", "[::1]:0"], rawsocket=["0"],
                        unix=["/tmp/x.sock"])
    listeners = plan(config)
    assert [listener.kind for listener in listeners] == [
        "websocket", "websocket", "rawsocket", "universal"]
    assert list(listeners[0].websocket) == ["/ws"]
    assert listeners[1].endpoint.version == 6
    assert listeners[0].urls("127.0.0.1", 8080) == ["ws://127.0.0.1:8080/ws"]
    assert listeners[1].urls("::1", 8080) == ["ws://[::1]:8080/ws"]
    assert listeners[2].urls("127.0.0.1", 9) == ["rs://127.0.0.1:9"]
    assert listeners[3].urls("", None) == ["ws://unix:/tmp/x.sock", "rs://unix:/tmp/x.sock"]
    assert "json.batched" in listeners[0].websocket["/ws"].serializers
    assert config.realm("realm9") is not None
    assert (sniff(b""), sniff(b"\x7f\xf1"), sniff(b"GET /")) == (None, "rawsocket", "websocket")
    with pytest.raises(ValueError):
        parse_address("127.0.0.1:http")


def test_crossbar_websocket_options_in_milliseconds() -> None:
    assert websocket_options({"auto_ping_interval": 10000, "max_message_size": 1024,
                              "enable_hybi10": False, "unknown": 1}) == {
        "autoPingInterval": 10.0, "maxMessagePayloadSize": 1024, "versions": [13]}


def test_cli_parsing_and_formatting() -> None:
    parser = build_parser("wamp")
    ns = parser.parse_args(["call", "ws://h/ws", "com.p", "1", "x", "--kw", "a=[1]"])
    assert parse_arguments(ns.args, ns.kw) == ([1, "x"], {"a": [1]})
    with pytest.raises(ValueError):
        parse_arguments([], ["novalue"])
    assert client_transport("rs://h:1", "json") == {
        "type": "rawsocket", "url": "rs://h:1", "serializer": "json", "max_retries": 0}
    with pytest.raises(ValueError):
        client_transport("http://h/", None)
    assert format_result(CallResult(1, 2, k=b"\x00")) == (
        '{"args": [1, 2], "kwargs": {"k": {"bytes": "AA=="}}}')
    assert format_result({"a": 1}) == '{"a": 1}'
    assert format_error(ApplicationError("wamp.error.x", "why")) == 'error: wamp.error.x ["why"]'
    assert format_error(ProtocolError("bad")) == "error: bad"
    serve = parser.parse_args(["serve", "--ws", "127.0.0.1:0/ws", "--unix", "/tmp/s"])
    assert (serve.ws, serve.rawsocket, serve.unix, serve.realm) == (
        ["127.0.0.1:0/ws"], [], ["/tmp/s"], "realm1")
