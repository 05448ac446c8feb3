"""Regressions found by Autobahn|Testsuite (``tests/conformance``), each reproduced without
I/O: on the engine, or on the framework-neutral Autobahn API (``wamp_websocket.protocol``)
driven by a synchronous stand-in for the I/O adapter. Each test names its wstest case.
"""

from __future__ import annotations

import logging
import struct
from typing import Any

import pytest
from wamp_websocket.factory import WebSocketClientFactory
from wamp_websocket.protocol import WebSocketClientProtocol
from ws_helpers import accept_bytes, frame, parse_frames


class SyncClient(WebSocketClientProtocol):
    """The Autobahn API with the I/O hooks recorded; the test moves the bytes itself."""

    def __init__(self) -> None:
        self.messages: list[tuple[bytes, bool]] = []
        self.closes: list[tuple[bool, int | None]] = []
        self.drops: list[bool] = []

    # -- the I/O adapter's hooks
    def _io_wake(self, now: bool = False) -> None:
        pass

    def _io_drop(self, abort: bool) -> None:
        self.drops.append(abort)
        self._transport_lost()  # the fake transport is gone at once

    def _io_spawn(self, result: Any) -> None:
        raise AssertionError(f"nothing here returns an awaitable: {result!r}")

    def _io_when(self, result: Any, on_value: Any, on_error: Any) -> None:
        on_value(result)

    # -- the application: an echo client as in Autobahn's examples
    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        self.messages.append((payload, isBinary))
        self.sendMessage(payload, isBinary)

    def onClose(self, wasClean: bool, code: int | None, reason: str | None) -> None:
        self.closes.append((wasClean, code))

    # -- test driving
    def pump(self) -> bytes:
        engine = self._engine
        assert engine is not None
        self._handle_events(engine.events_received())
        chunks = engine.data_to_send()
        if b"" in chunks:  # the engine closes the transport: gone at once here
            self._transport_lost()
        return b"".join(chunks)


def open_client(cls: type[SyncClient] = SyncClient) -> tuple[SyncClient, bytes]:
    """A client protocol past ``_connection_made``; returns it and the handshake key's answer."""
    proto = cls()
    proto.factory = WebSocketClientFactory("ws://127.0.0.1:9000")
    proto.peer = "tcp4:127.0.0.1:9000"
    proto._connection_made()
    assert proto._engine is not None
    proto._engine.data_to_send()
    return proto, accept_bytes(proto._engine.key)  # type: ignore[attr-defined]


def close_codes(wire: bytes) -> list[int]:
    return [struct.unpack("!H", f.payload[:2])[0] for f in parse_frames(wire) if f.opcode == 8]


def test_3_2_echo_of_a_message_read_with_a_bad_frame_is_dropped_not_raised() -> None:
    # 3.2: a text message, a frame with RSV=2, a ping, all in one read
    proto, answer = open_client()
    proto._engine.receive_data(  # type: ignore[union-attr]
        answer + frame(1, b"Hello, world!", mask=None)
        + frame(1, b"Hello again!", rsv=2, mask=None) + frame(9, mask=None))
    wire = proto.pump()
    assert proto.messages == [(b"Hello, world!", False)]
    assert [f.opcode for f in parse_frames(wire)] == [8]  # no echo after the failure
    assert close_codes(wire) == [1002]
    assert proto.closes == [(False, 1006)]
    assert proto.drops == []


def test_5_x_echo_of_a_message_read_with_a_close_frame_is_dropped_not_raised() -> None:
    proto, answer = open_client()
    proto._engine.receive_data(  # type: ignore[union-attr]
        answer + frame(2, b"\x01\x02", mask=None) + frame(8, struct.pack("!H", 1000), mask=None))
    wire = proto.pump()
    assert proto.messages == [(b"\x01\x02", True)]
    assert close_codes(wire) == [1000]
    assert [f.opcode for f in parse_frames(wire)] == [8]
    # a client waits for the server to close the TCP connection; onClose comes after it
    # (as Autobahn's, from connectionLost)
    assert proto.closes == []
    proto._engine.receive_eof()  # type: ignore[union-attr]
    proto.pump()
    proto._transport_lost()
    assert proto.closes == [(True, 1000)]


def test_send_after_close_outside_the_callbacks_still_raises() -> None:
    proto, answer = open_client()
    proto._engine.receive_data(  # type: ignore[union-attr]
        answer + frame(8, struct.pack("!H", 1000), mask=None))
    proto.pump()
    with pytest.raises(RuntimeError, match="CLOSED"):
        proto.sendMessage(b"late")


class Raising(SyncClient):
    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        raise RuntimeError("application bug")


def test_a_raising_callback_drops_the_connection_and_onclose_still_runs(
        caplog: pytest.LogCaptureFixture) -> None:
    # seen as a 120 s hang of our test client: the ConnectionClosed after the failing
    # onMessage was lost with the exception, so onClose never ran
    proto, answer = open_client(Raising)
    proto._engine.receive_data(  # type: ignore[union-attr]
        answer + frame(1, b"x", mask=None) + frame(8, struct.pack("!H", 1000), mask=None))
    with caplog.at_level(logging.ERROR, "wamp_websocket.protocol"):
        proto.pump()
    assert proto.drops == [True]
    assert proto.closes == [(True, 1000)]
    assert "application bug" in caplog.text
