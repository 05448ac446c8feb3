"""The asyncio adapter's writes: one per pump for small messages, large payloads uncopied."""

from __future__ import annotations

from typing import Any

from wamp_asyncio._engine import JOIN_LIMIT, NO_COPY, EngineProtocol, coalesce


class RecordingTransport:
    def __init__(self) -> None:
        self.writes: list[Any] = []

    def write(self, data: Any) -> None:
        self.writes.append(data)


def test_flush_joins_small_chunks_into_one_write() -> None:
    transport = RecordingTransport()
    EngineProtocol._flush(transport, [b"ab", b"cd", b"ef"])
    assert transport.writes == [b"abcdef"]


def test_flush_writes_large_payloads_as_they_are() -> None:
    transport = RecordingTransport()
    big = b"x" * (JOIN_LIMIT + 1)
    EngineProtocol._flush(transport, [b"head", big, b"tail", b"end"])
    assert transport.writes == [b"head", big, b"tailend"]
    assert transport.writes[1] is big


def test_coalesce_bounds_its_joins() -> None:
    chunks = [b"y" * (NO_COPY - 1)] * 20
    out = coalesce(chunks)
    assert b"".join(out) == b"".join(chunks)
    assert all(len(c) <= JOIN_LIMIT for c in out) and len(out) > 1
