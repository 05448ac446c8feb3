"""What ``data_to_send()`` hands over: few writes, large payloads not copied."""

from __future__ import annotations

from wamp_websocket._sender import JOIN_LIMIT, NO_COPY, coalesce
from ws_helpers import open_server, parse_frames


def test_small_messages_leave_in_one_chunk() -> None:
    server = open_server()
    for i in range(300):
        server.send_message(b"m%03d" % i, True)
    chunks = server.data_to_send()
    assert len(chunks) == 1
    assert [f.payload for f in parse_frames(chunks[0])] == [b"m%03d" % i for i in range(300)]


def test_one_large_message_is_one_chunk() -> None:
    server = open_server()
    payload = b"x" * 65536
    server.send_message(payload, True)
    chunks = server.data_to_send()
    assert len(chunks) == 1
    assert [f.payload for f in parse_frames(chunks[0])] == [payload]


def test_large_payloads_are_handed_on_uncopied() -> None:
    server = open_server()
    big = [bytes([65 + i]) * 65536 for i in range(4)]
    for i, payload in enumerate(big):
        server.send_message(payload, True)
        server.send_message(b"small %d" % i, True)
    chunks = server.data_to_send()
    for payload in big:  # the very objects, not copies
        assert any(chunk is payload for chunk in chunks)
    frames = parse_frames(b"".join(chunks))
    assert [f.payload for f in frames] == [p for i, b in enumerate(big)
                                           for p in (b, b"small %d" % i)]
    assert len(chunks) == 9  # header, then (payload, small message + next header) ...


def test_coalesce_keeps_order_and_bounds_joins() -> None:
    assert coalesce([]) == [] and coalesce([b"a"]) == [b"a"]
    assert coalesce([b"a", b"b", b"c"]) == [b"abc"]
    small = [b"s" * 1000] * 250  # 250,000 bytes of small chunks: joins of JOIN_LIMIT at most
    joined = coalesce(small)
    assert b"".join(joined) == b"".join(small)
    assert len(joined) > 1 and all(len(c) <= JOIN_LIMIT for c in joined)
    big = b"B" * (JOIN_LIMIT + 1)
    mid = b"M" * NO_COPY
    out = coalesce([b"h1", big, b"h2", mid, b"t"])
    assert out == [b"h1", big, b"h2", mid, b"t"] and out[1] is big and out[3] is mid
