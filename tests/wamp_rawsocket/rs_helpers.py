"""Helpers shared by the wamp_rawsocket tests: engines back to back, named checks."""

from __future__ import annotations

from typing import Any

from wamp_rawsocket import (
    ClientConnection,
    Connection,
    ConnectionClosed,
    Event,
    HandshakeCompleted,
    HandshakeFailed,
    ProtocolError,
    ServerConnection,
    State,
)

ALL_SERIALIZERS = (1, 2, 3, 4, 5)


def client_and_server(
    serializer: int = 3,
    *,
    accepted: tuple[int, ...] = ALL_SERIALIZERS,
    client: dict[str, Any] | None = None,
    server: dict[str, Any] | None = None,
) -> tuple[ClientConnection, ServerConnection]:
    """A client and a server engine, not yet connected; no timers unless asked."""
    ckw: dict[str, Any] = {"open_handshake_timeout": None, **(client or {})}
    skw: dict[str, Any] = {"open_handshake_timeout": None, **(server or {})}
    return ClientConnection(serializer, **ckw), ServerConnection(accepted, **skw)


def transfer(src: Connection, dst: Connection) -> bool:
    """Deliver what ``src`` wants to send to ``dst``; True if ``src`` asked to close."""
    closing = False
    for chunk in src.data_to_send():
        if chunk == b"":
            closing = True
        elif not closing and dst.state in (State.CONNECTING, State.OPEN):
            dst.receive_data(chunk)
    return closing


def handshake(client: ClientConnection, server: ServerConnection) -> None:
    """Run the opening handshake both ways."""
    transfer(client, server)
    transfer(server, client)


def open_pair(
    serializer: int = 3, **kw: Any
) -> tuple[ClientConnection, ServerConnection]:
    """A client and server that completed the handshake; their events are drained."""
    client, server = client_and_server(serializer, **kw)
    handshake(client, server)
    assert_opened(client)
    assert_opened(server)
    client.timers()
    server.timers()
    return client, server


def assert_opened(conn: Connection) -> HandshakeCompleted:
    events = conn.events_received()
    assert conn.state is State.OPEN, (conn, events, conn.failure)
    assert len(events) == 1 and isinstance(events[0], HandshakeCompleted), events
    return events[0]


def assert_handshake_failed(
    conn: Connection, code: int | None, *, by_peer: bool, failure: type[ProtocolError]
) -> HandshakeFailed:
    """The handshake failed with ``code``, the failure is recorded, a close is requested."""
    events = conn.events_received()
    assert [type(e) for e in events] == [HandshakeFailed], events
    event = events[0]
    assert isinstance(event, HandshakeFailed)
    assert event.error_code == code
    assert event.sent_by_peer is by_peer
    assert isinstance(conn.failure, failure), conn.failure
    assert event.reason == str(conn.failure)
    assert conn.state is State.CLOSING and conn.close_expected()
    return event


def assert_failed(conn: Connection, failure: type[ProtocolError]) -> list[bytes]:
    """The connection failed with ``failure`` and asked the I/O layer to close.

    Returns what it queued before the close marker.
    """
    assert isinstance(conn.failure, failure), conn.failure
    assert conn.state is State.CLOSING and conn.close_expected()
    out = conn.data_to_send()
    assert out and out[-1] == b"" and b"" not in out[:-1], out
    return out[:-1]


def finish(conn: Connection) -> ConnectionClosed:
    """Report the end of the stream; return the final ConnectionClosed event."""
    conn.receive_eof()
    events: list[Event] = conn.events_received()
    assert conn.state is State.CLOSED
    assert isinstance(events[-1], ConnectionClosed), events
    return events[-1]
