"""A message sent from a callback of the pump leaves with the pump's write (no extra pump)."""

from __future__ import annotations

from twisted.internet.address import IPv4Address
from twisted.internet.task import Clock
from twisted.internet.testing import StringTransport
from wamp_twisted.websocket import WebSocketServerFactory, WebSocketServerProtocol

UPGRADE = (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
KEY = b"\x37\xfa\x21\x3d"


def masked(payload: bytes) -> bytes:
    return bytes([0x82, 0x80 | len(payload)]) + KEY + bytes(
        b ^ KEY[i % 4] for i, b in enumerate(payload))


class Echo(WebSocketServerProtocol):
    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        self.sendMessage(payload, isBinary)


def test_echo_sent_from_on_message_is_written_at_once_without_another_pump() -> None:
    clock = Clock()
    factory = WebSocketServerFactory(reactor=clock)
    factory.protocol = Echo
    proto = factory.buildProtocol(IPv4Address("TCP", "127.0.0.1", 5000))
    transport = StringTransport()
    proto.makeConnection(transport)
    proto.dataReceived(UPGRADE)
    clock.advance(0)
    assert transport.value().startswith(b"HTTP/1.1 101")
    transport.clear()
    proto.dataReceived(masked(b"one") + masked(b"two"))
    assert transport.value() == b"\x82\x03one\x82\x03two"  # both echoes, in this very call
    assert not [c for c in clock.getDelayedCalls() if c.func == proto._pump]
