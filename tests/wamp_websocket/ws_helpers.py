"""Test helpers that speak the WebSocket domain: engines back to back, frames on the wire.

The frame codec here is written independently of the engine's (plain ``struct`` and a
bytewise XOR), so tests check the engine against a second reading of RFC 6455 5.2.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

from wamp_websocket import (
    ClientConnection,
    ClientOptions,
    ConnectionClosed,
    Event,
    ServerConnection,
    ServerOptions,
    State,
)

RFC_KEY = "dGhlIHNhbXBsZSBub25jZQ=="  # RFC 6455 1.3 / 4.2.2 example
RFC_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
MASK = b"\x37\xfa\x21\x3d"


@dataclass
class Frame:
    opcode: int
    payload: bytes
    fin: bool = True
    rsv: int = 0
    masked: bool = False


def xor(data: bytes, mask: bytes) -> bytes:
    return bytes(b ^ mask[i % 4] for i, b in enumerate(data))


def frame(opcode: int, payload: bytes = b"", fin: bool = True, rsv: int = 0,
          mask: bytes | None = MASK, length: int | None = None) -> bytes:
    """Encode one frame; ``mask=None`` sends it unmasked; ``length`` overrides the length."""
    n = len(payload) if length is None else length
    head = bytes([(0x80 if fin else 0) | (rsv << 4) | opcode])
    bit = 0x80 if mask is not None else 0
    if n < 126:
        head += bytes([bit | n])
    elif n < 65536:
        head += bytes([bit | 126]) + struct.pack("!H", n)
    else:
        head += bytes([bit | 127]) + struct.pack("!Q", n)
    if mask is None:
        return head + payload
    return head + mask + xor(payload, mask)


def close_frame(code: int | None = None, reason: bytes = b"", mask: bytes | None = MASK) -> bytes:
    payload = b"" if code is None else struct.pack("!H", code) + reason
    return frame(8, payload, mask=mask)


def parse_frames(data: bytes) -> list[Frame]:
    """Decode every complete frame in ``data`` (unmasking masked ones)."""
    frames: list[Frame] = []
    pos = 0
    while pos + 2 <= len(data):
        b0, b1 = data[pos], data[pos + 1]
        n = b1 & 0x7F
        pos += 2
        if n == 126:
            (n,) = struct.unpack("!H", data[pos : pos + 2])
            pos += 2
        elif n == 127:
            (n,) = struct.unpack("!Q", data[pos : pos + 8])
            pos += 8
        mask = None
        if b1 & 0x80:
            mask = data[pos : pos + 4]
            pos += 4
        payload = data[pos : pos + n]
        pos += n
        if mask is not None:
            payload = xor(payload, mask)
        frames.append(Frame(b0 & 0x0F, payload, bool(b0 & 0x80), (b0 >> 4) & 7, mask is not None))
    assert pos == len(data), "trailing bytes after the last frame"
    return frames


def request(key: str = RFC_KEY, *, path: str = "/", version: str = "13",
            extra: list[tuple[str, str]] | None = None,
            drop: tuple[str, ...] = ()) -> bytes:
    """A client opening handshake request, with fields to add or leave out."""
    fields = [
        ("Host", "example.com"),
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Key", key),
        ("Sec-WebSocket-Version", version),
    ]
    fields = [(k, v) for k, v in fields if k not in drop] + (extra or [])
    lines = [f"GET {path} HTTP/1.1"] + [f"{k}: {v}" for k, v in fields]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def response_head(data: bytes) -> tuple[str, dict[str, str], bytes]:
    """Split an HTTP response into status line, headers (lower-case names) and the rest."""
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return lines[0], headers, rest


class Wire:
    """What an engine wrote: the bytes, and whether it asked to close the transport."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.data = b"".join(chunks)
        self.closed = b"" in chunks
        assert not self.closed or chunks[-1] == b"", "b'' must come last"

    def frames(self) -> list[Frame]:
        return parse_frames(self.data)


def drain(conn: ClientConnection | ServerConnection) -> Wire:
    return Wire(conn.data_to_send())


def assert_close_sent(conn: ClientConnection | ServerConnection, code: int | None,
                      transport_closed: bool | None = None) -> Frame:
    """The engine sent a Close frame with ``code`` (None: an empty Close frame)."""
    wire = drain(conn)
    frames = [f for f in wire.frames() if f.opcode == 8]
    assert frames, f"no close frame sent (wrote {wire.data!r})"
    got = struct.unpack("!H", frames[-1].payload[:2])[0] if frames[-1].payload else None
    assert got == code, f"close code {got}, expected {code}"
    if transport_closed is not None:
        assert wire.closed == transport_closed
    return frames[-1]


def assert_dropped(conn: ClientConnection | ServerConnection) -> None:
    """The engine asked to close the transport without sending a Close frame."""
    wire = drain(conn)
    assert wire.closed
    assert all(f.opcode != 8 for f in wire.frames())


def closed_event(events: list[Event]) -> ConnectionClosed:
    closed = [e for e in events if isinstance(e, ConnectionClosed)]
    assert len(closed) == 1, events
    assert events[-1] is closed[0], "ConnectionClosed must be the last event"
    return closed[0]


def open_server(options: ServerOptions | None = None, subprotocol: str | None = None,
                extra: list[tuple[str, str]] | None = None, **kwargs: Any) -> ServerConnection:
    """A server connection already OPEN, its handshake output drained."""
    server = ServerConnection(options, **kwargs)
    server.receive_data(request(extra=extra))
    server.events_received()
    server.accept(subprotocol)
    server.events_received()
    server.data_to_send()
    server.timers()
    assert server.state is State.OPEN
    return server


def accept_bytes(key: str, extra: str = "") -> bytes:
    from wamp_websocket.handshake import accept_key

    return (
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Accept: {accept_key(key)}\r\n{extra}\r\n"
    ).encode()


def open_client(options: ClientOptions | None = None, **kwargs: Any) -> ClientConnection:
    """A client connection already OPEN (a hand-made 101 answer), output drained."""
    client = ClientConnection(options, **kwargs)
    client.data_to_send()
    client.receive_data(accept_bytes(client.key))
    client.events_received()
    client.timers()
    assert client.state is State.OPEN
    return client


class Pair:
    """A client and a server engine back to back."""

    def __init__(self, server_options: ServerOptions | None = None,
                 client_options: ClientOptions | None = None, subprotocol: str | None = None,
                 **client_kwargs: Any) -> None:
        self.client = ClientConnection(client_options, **client_kwargs)
        self.server = ServerConnection(server_options)
        self.client_events: list[Event] = []
        self.server_events: list[Event] = []
        self.client_closed_transport = False
        self.server_closed_transport = False
        self.pump()
        if self.server.request is not None and self.server.state is State.CONNECTING:
            self.server.accept(subprotocol)
            self.pump()
        # the handshake's events, kept apart from what the test does next
        self.opening = (self.take("client"), self.take("server"))

    def pump(self) -> None:
        """Move bytes both ways until both engines are quiet."""
        moved = True
        while moved:
            moved = False
            for src, dst, flag in ((self.client, self.server, "client_closed_transport"),
                                   (self.server, self.client, "server_closed_transport")):
                for chunk in src.data_to_send():
                    moved = True
                    if chunk:
                        dst.receive_data(chunk)
                    elif not getattr(self, flag):
                        setattr(self, flag, True)
                        dst.receive_eof()
        self.client_events += self.client.events_received()
        self.server_events += self.server.events_received()

    def take(self, side: str) -> list[Event]:
        events = getattr(self, f"{side}_events")
        setattr(self, f"{side}_events", [])
        return events
