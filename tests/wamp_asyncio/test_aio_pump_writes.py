"""A message sent from a callback of the pump leaves with the pump's write (no extra pump)."""

from __future__ import annotations

import asyncio

from aio_helpers import RecordingTransport
from wamp_asyncio.websocket import WebSocketServerFactory, WebSocketServerProtocol

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
    async def main() -> None:
        factory = WebSocketServerFactory()
        factory.protocol = Echo
        proto = factory()
        transport = RecordingTransport()
        proto.connection_made(transport)
        proto.data_received(UPGRADE)
        await asyncio.sleep(0)
        assert b"".join(transport.writes).startswith(b"HTTP/1.1 101")
        transport.writes.clear()
        proto.data_received(masked(b"one") + masked(b"two"))
        assert transport.writes == [b"\x82\x03one\x82\x03two"]  # one write, in this very call
        assert proto._wake is None  # and no pump left scheduled for nothing

    asyncio.run(asyncio.wait_for(main(), 10))
