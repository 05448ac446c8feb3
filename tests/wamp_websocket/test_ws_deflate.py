"""permessage-deflate (RFC 7692): negotiation, compression, opt-out, and bomb safety."""

from __future__ import annotations

import tracemalloc
import zlib
from collections.abc import Callable

import pytest
from wamp_websocket import (
    ClientConnection,
    ClientOptions,
    ConnectionOpened,
    FrameData,
    HandshakeFailed,
    MessageReceived,
    PayloadTooBig,
    PerMessageDeflateOffer,
    PerMessageDeflateOfferAccept,
    PerMessageDeflateResponse,
    PerMessageDeflateResponseAccept,
    ServerConnection,
    ServerOptions,
)
from ws_helpers import Pair, assert_close_sent, drain, frame, open_server, request


def deflate(data: bytes, wbits: int = 15) -> bytes:
    """RFC 7692 7.2.1: compress, sync-flush, drop the final 00 00 ff ff."""
    compressor = zlib.compressobj(wbits=-wbits)
    out = compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)
    assert out.endswith(b"\x00\x00\xff\xff")
    return out[:-4]


def accept_first(**kwargs: object) -> Callable[[list[PerMessageDeflateOffer]],
                                               PerMessageDeflateOfferAccept]:
    return lambda offers: PerMessageDeflateOfferAccept(offers[0], **kwargs)  # type: ignore[arg-type]


def deflate_pair(offer: PerMessageDeflateOffer | None = None,
                 server: ServerOptions | None = None, **accept: object) -> Pair:
    client_options = ClientOptions(per_message_compression_offers=[offer or
                                                                   PerMessageDeflateOffer()])
    server_options = server or ServerOptions()
    server_options.per_message_compression_accept = accept_first(**accept)
    pair = Pair(server_options, client_options)
    assert pair.client.per_message_compress is not None
    assert pair.server.per_message_compress is not None
    return pair


def test_no_compression_unless_both_sides_want_it() -> None:
    # Autobahn's defaults: the client offers nothing, the server accepts nothing
    pair = Pair(client_options=ClientOptions(per_message_compression_offers=[
        PerMessageDeflateOffer()]))
    opened = pair.opening[0][0]
    assert isinstance(opened, ConnectionOpened) and opened.extensions == []
    assert pair.client.per_message_compress is None


def test_offer_and_response_strings() -> None:
    offer = PerMessageDeflateOffer(request_no_context_takeover=True, request_max_window_bits=10)
    assert offer.get_extension_string() == (
        "permessage-deflate; client_no_context_takeover; client_max_window_bits; "
        "server_no_context_takeover; server_max_window_bits=10")
    accept = PerMessageDeflateOfferAccept(offer, request_no_context_takeover=True,
                                          request_max_window_bits=12)
    assert accept.get_extension_string() == (
        "permessage-deflate; server_no_context_takeover; server_max_window_bits=10; "
        "client_no_context_takeover; client_max_window_bits=12")


def test_negotiated_parameters_reach_both_codecs() -> None:
    pair = deflate_pair(PerMessageDeflateOffer(request_no_context_takeover=True,
                                               request_max_window_bits=10),
                        request_no_context_takeover=True, request_max_window_bits=12)
    server, client = pair.server.per_message_compress, pair.client.per_message_compress
    assert server is not None and client is not None
    assert (server.server_no_context_takeover, server.server_max_window_bits) == (True, 10)
    assert (server.client_no_context_takeover, server.client_max_window_bits) == (True, 12)
    assert (client.server_no_context_takeover, client.server_max_window_bits) == (True, 10)
    assert (client.client_no_context_takeover, client.client_max_window_bits) == (True, 12)
    assert pair.client.extensions == pair.server.extensions


def test_compressed_messages_round_trip_with_rsv1() -> None:
    # RFC 7692 6: RSV1 set on the first frame of a compressed message
    pair = deflate_pair()
    text = "hello hello hello hello " * 20
    pair.client.send_message(text)
    wire = drain(pair.client)
    (sent,) = wire.frames()
    assert sent.rsv == 4 and len(sent.payload) < len(text)
    pair.server.receive_data(wire.data)
    assert pair.server.events_received() == [MessageReceived(text.encode(), False)]
    pair.server.send_message(b"\x00" * 1000, is_binary=True)
    pair.pump()
    assert pair.take("client") == [MessageReceived(b"\x00" * 1000, True)]


@pytest.mark.parametrize(("no_context_takeover", "second_smaller"), [(False, True),
                                                                      (True, False)])
def test_context_takeover(no_context_takeover: bool, second_smaller: bool) -> None:
    # RFC 7692 7.1.1: without context takeover each message is compressed on its own
    pair = deflate_pair(PerMessageDeflateOffer(request_no_context_takeover=no_context_takeover))
    message = b"a fairly unique message of some length, 0123456789" * 2
    sizes = []
    for _ in range(3):
        pair.server.send_message(message, is_binary=True)
        wire = drain(pair.server)
        sizes.append(len(wire.frames()[0].payload))
        pair.client.receive_data(wire.data)
    assert (sizes[1] < sizes[0]) is second_smaller
    assert pair.client.events_received() == [MessageReceived(message, True)] * 3


def test_per_message_opt_out() -> None:
    pair = deflate_pair()
    pair.client.send_message("not compressed " * 10, compress=False)
    wire = drain(pair.client)
    assert wire.frames()[0].rsv == 0
    pair.server.receive_data(wire.data)
    assert pair.server.events_received() == [MessageReceived(b"not compressed " * 10, False)]


def test_compressed_fragmented_and_streamed_messages() -> None:
    pair = deflate_pair(server=ServerOptions(auto_fragment_size=8))
    payload = bytes(range(256)) * 4
    pair.server.send_message(payload, is_binary=True)
    frames = drain(pair.server).frames()
    assert len(frames) > 1 and frames[0].rsv == 4 and all(f.rsv == 0 for f in frames[1:])
    pair.client.begin_message()
    pair.client.send_message_frame(b"part one, ")
    pair.client.send_message_frame(b"part two")
    pair.client.end_message()
    pair.pump()
    assert pair.take("server") == [MessageReceived(b"part one, part two", False)]


def test_empty_compressed_message() -> None:
    pair = deflate_pair()
    pair.client.send_message(b"", is_binary=True)
    pair.server.receive_data(frame(2, b"\x00", rsv=4))  # RFC 7692 7.2.3.6: one 0x00 byte
    pair.pump()
    assert pair.take("server") == [MessageReceived(b"", True), MessageReceived(b"", True)]


def test_rsv1_on_a_continuation_or_control_frame_fails() -> None:
    # RFC 7692 6.1: RSV1 only on the first frame of a data message
    for data in (frame(1, deflate(b"x"), fin=False, rsv=4) + frame(0, b"", rsv=4),
                 frame(9, b"", rsv=4)):
        pair = deflate_pair()
        pair.server.receive_data(data)
        assert_close_sent(pair.server, 1002)


def test_corrupt_compressed_data_fails() -> None:
    pair = deflate_pair()
    pair.server.receive_data(frame(2, b"\xff\xff\xff\xff", rsv=4))
    assert_close_sent(pair.server, 1007)


def test_compression_bomb_closes_with_1009_in_bounded_memory() -> None:
    bomb = deflate(bytes(50 * 1024 * 1024))  # 50 MiB of zeros, about 50 KiB on the wire
    pair = deflate_pair(server=ServerOptions(max_message_payload_size=1024 * 1024))
    tracemalloc.start()
    pair.server.receive_data(frame(2, bomb, rsv=4))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert_close_sent(pair.server, 1009)
    assert isinstance(pair.server.failure, PayloadTooBig)
    assert peak < 8 * 1024 * 1024, f"peak {peak} bytes while inflating a bomb"


def test_accept_max_message_size_caps_the_inflated_size() -> None:
    pair = deflate_pair(max_message_size=100)
    pair.server.receive_data(frame(2, deflate(bytes(101)), rsv=4))
    assert_close_sent(pair.server, 1009)


def test_frame_events_inflate_in_bounded_pieces() -> None:
    pair = deflate_pair(server=ServerOptions(frame_events=True))
    pair.server.receive_data(frame(2, deflate(bytes(1_000_000)), rsv=4))
    pieces = [e for e in pair.server.events_received() if isinstance(e, FrameData)]
    assert sum(len(p.data) for p in pieces) == 1_000_000
    assert max(len(p.data) for p in pieces) <= 65536


def offers_seen(header: str) -> list[PerMessageDeflateOffer]:
    seen: list[PerMessageDeflateOffer] = []

    def acceptor(offers: list[PerMessageDeflateOffer]) -> None:
        seen.extend(offers)

    server = ServerConnection(ServerOptions(per_message_compression_accept=acceptor))
    server.receive_data(request(extra=[("Sec-WebSocket-Extensions", header)]))
    server.accept()
    return seen


@pytest.mark.parametrize("header", [
    "permessage-deflate; unknown_param",
    "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
    "permessage-deflate; server_max_window_bits=16",
    "permessage-deflate; server_max_window_bits=08",
    "permessage-deflate; server_max_window_bits",
    "permessage-deflate; server_max_window_bits=8",  # valid, but zlib cannot honour it
    "permessage-deflate; client_no_context_takeover=1",
    "x-webkit-deflate-frame",
])
def test_offers_we_must_decline_are_left_out(header: str) -> None:
    # RFC 7692 5: decline an offer with unknown, repeated or invalid parameters
    assert offers_seen(header) == []


def test_offers_are_parsed_in_the_clients_order() -> None:
    offers = offers_seen('permessage-deflate; client_max_window_bits; server_max_window_bits="10"'
                         ", permessage-deflate; server_no_context_takeover, permessage-deflate")
    assert offers == [
        PerMessageDeflateOffer(True, True, False, 10),
        PerMessageDeflateOffer(True, False, True, 0),
        PerMessageDeflateOffer(True, False, False, 0),
    ]


def client_result(extensions: str, offer: PerMessageDeflateOffer | None = None,
                  acceptor: object = None) -> list[object]:
    from ws_helpers import accept_bytes

    options = ClientOptions(per_message_compression_offers=[offer or PerMessageDeflateOffer()],
                            per_message_compression_accept=acceptor)  # type: ignore[arg-type]
    client = ClientConnection(options)
    drain(client)
    client.receive_data(accept_bytes(client.key, f"Sec-WebSocket-Extensions: {extensions}\r\n"))
    return list(client.events_received())


@pytest.mark.parametrize(("extensions", "offer"), [
    ("permessage-deflate; server_max_window_bits=10",
     PerMessageDeflateOffer(request_max_window_bits=9)),  # more than we asked for
    ("permessage-deflate", PerMessageDeflateOffer(request_no_context_takeover=True)),
    ("permessage-deflate; client_max_window_bits=10",
     PerMessageDeflateOffer(accept_max_window_bits=False)),
    ("permessage-deflate, permessage-deflate", None),
    ("permessage-deflate; bogus", None),
    ("x-other", None),
])
def test_client_fails_on_a_response_that_matches_no_offer(
        extensions: str, offer: PerMessageDeflateOffer | None) -> None:
    # RFC 7692 5 / 7.1: the client fails the connection on an answer it cannot use
    events = client_result(extensions, offer)
    assert isinstance(events[0], HandshakeFailed), events


def test_client_acceptor_can_deny_or_adjust() -> None:
    assert isinstance(client_result("permessage-deflate", acceptor=lambda r: None)[0],
                      HandshakeFailed)
    assert isinstance(client_result("permessage-deflate", acceptor=lambda r: "wrong")[0],
                      HandshakeFailed)
    seen: list[PerMessageDeflateResponse] = []

    def acceptor(response: PerMessageDeflateResponse) -> PerMessageDeflateResponseAccept:
        seen.append(response)
        return PerMessageDeflateResponseAccept(response, no_context_takeover=True, window_bits=11)

    events = client_result("permessage-deflate; server_no_context_takeover", acceptor=acceptor)
    assert isinstance(events[0], ConnectionOpened)
    assert seen == [PerMessageDeflateResponse(0, False, 0, True)]


@pytest.mark.parametrize("make", [
    lambda: PerMessageDeflateOffer(request_max_window_bits=8),
    lambda: PerMessageDeflateOffer(accept_no_context_takeover=1),
    lambda: PerMessageDeflateOfferAccept(PerMessageDeflateOffer(accept_max_window_bits=False),
                                         request_max_window_bits=10),
    lambda: PerMessageDeflateOfferAccept(PerMessageDeflateOffer(), mem_level=10),
    lambda: PerMessageDeflateOfferAccept(PerMessageDeflateOffer(request_max_window_bits=10),
                                         window_bits=12),
    lambda: PerMessageDeflateOfferAccept(PerMessageDeflateOffer(request_no_context_takeover=True),
                                         no_context_takeover=False),
    lambda: PerMessageDeflateOfferAccept("not an offer"),
    lambda: PerMessageDeflateResponseAccept(PerMessageDeflateResponse(10, False, 0, False),
                                            window_bits=12),
])
def test_invalid_offer_and_accept_objects_raise(make: Callable[[], object]) -> None:
    with pytest.raises(ValueError):
        make()


def test_server_with_deflate_accepts_uncompressed_peers() -> None:
    server = open_server(ServerOptions(per_message_compression_accept=accept_first()))
    assert server.per_message_compress is None
    server.receive_data(frame(1, b"plain"))
    assert server.events_received() == [MessageReceived(b"plain", False)]


def test_prepared_messages_are_compressed_unless_told_not_to() -> None:
    from wamp_websocket import prepare_message

    pair = deflate_pair()
    pair.server.send_prepared_message(prepare_message("squeeze " * 20))
    pair.server.send_prepared_message(prepare_message("as is", do_not_compress=True))
    frames = drain(pair.server).frames()
    assert [f.rsv for f in frames] == [4, 0]
    assert frames[1].payload == b"as is"
