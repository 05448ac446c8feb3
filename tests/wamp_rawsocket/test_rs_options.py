"""Protocol options, the setProtocolOptions mapper, length exponents, serializer names."""

from __future__ import annotations

import pytest
from rs_helpers import handshake
from wamp_rawsocket import (
    OPTION_NAMES,
    SERIALIZER_IDS,
    SERIALIZER_NAMES,
    ClientConnection,
    HandshakeCompleted,
    InvalidOptions,
    RawSocketOptions,
    SerializerId,
    ServerConnection,
    describe_error,
    length_exponent_for,
    max_length_for,
    reset_protocol_options,
    serializer_id,
    serializer_name,
    set_protocol_options,
)


def test_defaults_match_autobahn() -> None:
    options = RawSocketOptions()
    assert options.max_message_size == 2**24
    assert options.max_length_exponent == 15
    assert options.open_handshake_timeout == 5.0
    assert options.auto_ping_interval is None and options.auto_ping_timeout is None
    assert options.auto_ping_size == 4
    assert reset_protocol_options() == options


def test_set_protocol_options_with_autobahn_names() -> None:
    options = set_protocol_options(
        RawSocketOptions(),
        maxMessagePayloadSize=65536,
        autoPingInterval=10,
        autoPingTimeout=2.5,
        autoPingSize=8,
        openHandshakeTimeout=0,
        maxConnections=100,
        minPeerMaxMessagePayloadSize=1024,
    )
    assert options == RawSocketOptions(
        max_message_size=65536,
        auto_ping_interval=10.0,
        auto_ping_timeout=2.5,
        auto_ping_size=8,
        open_handshake_timeout=None,
        max_connections=100,
        min_peer_max_message_size=1024,
    )
    assert options.engine_kwargs() == {
        "max_length_exponent": 7,
        "min_peer_max_length_exponent": 1,
        "open_handshake_timeout": None,
        "auto_ping_interval": 10.0,
        "auto_ping_timeout": 2.5,
        "auto_ping_size": 8,
    }


def test_set_protocol_options_snake_case_and_none_unchanged() -> None:
    base = RawSocketOptions(max_message_size=1024)
    assert set_protocol_options(base, maxMessagePayloadSize=None) == base
    assert set_protocol_options(base, auto_ping_size=16).auto_ping_size == 16
    assert set_protocol_options(base) == base


def test_every_option_name_maps_to_a_field() -> None:
    fields = set(RawSocketOptions.__dataclass_fields__)
    assert set(OPTION_NAMES.values()) == fields


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("maxMessagePayloadSize", 511, "'maxMessagePayloadSize': max_message_size must be "
         "between 512 and 16777216, not 511"),
        ("maxMessagePayloadSize", 2**24 + 1, "between 512 and 16777216"),
        ("maxMessagePayloadSize", "1M", "must be an int"),
        ("autoPingInterval", -5, "'autoPingInterval': auto_ping_interval must be a positive"),
        ("autoPingTimeout", "soon", "'autoPingTimeout'"),
        ("autoPingSize", 2, "'autoPingSize': auto_ping_size must be between 4 and 512"),
        ("maxConnections", 0, "'maxConnections'"),
        ("openHandshakeTimeout", True, "'openHandshakeTimeout'"),
    ],
)
def test_bad_option_values_name_the_key(key: str, value: object, words: str) -> None:
    with pytest.raises(InvalidOptions) as info:
        set_protocol_options(RawSocketOptions(), **{key: value})
    assert words in str(info.value)


def test_unknown_option_lists_the_allowed_ones() -> None:
    with pytest.raises(InvalidOptions) as info:
        set_protocol_options(RawSocketOptions(), maxFramePayloadSize=1)
    assert "unknown RawSocket protocol option 'maxFramePayloadSize'" in str(info.value)
    assert "maxMessagePayloadSize" in str(info.value)


def test_direct_construction_validates() -> None:
    with pytest.raises(InvalidOptions, match="auto_ping_size"):
        RawSocketOptions(auto_ping_size=1000)


def test_engines_from_options() -> None:
    options = RawSocketOptions(max_message_size=1000, open_handshake_timeout=None)
    client = ClientConnection.from_options(2, options)
    server = ServerConnection.from_options([2], options.__class__(max_message_size=4096))
    assert client.own_max_length == 1024  # 1000 rounds up, as in Autobahn
    handshake(client, server)
    event = client.events_received()[0]
    assert event == HandshakeCompleted(serializer_id=2, peer_max_length=4096, own_max_length=1024)
    full = ServerConnection.from_options([2], options, max_connections_reached=True)
    full.receive_data(b"\x7f\x12\x00\x00")
    assert full.data_to_send() == [b"\x7f\x40\x00\x00", b""]


@pytest.mark.parametrize(
    ("size", "exponent"),
    [(512, 0), (513, 1), (1024, 1), (1025, 2), (65536, 7), (2**24 - 1, 15), (2**24, 15)],
)
def test_length_exponents(size: int, exponent: int) -> None:
    assert length_exponent_for(size) == exponent
    assert max_length_for(exponent) >= size > max_length_for(exponent) // 2 or size == 512


@pytest.mark.parametrize("bad", [511, 2**24 + 1, 0])
def test_length_exponent_range(bad: int) -> None:
    with pytest.raises(InvalidOptions, match="between 512 and 16777216"):
        length_exponent_for(bad)


def test_serializer_table() -> None:
    assert SERIALIZER_NAMES == {1: "json", 2: "msgpack", 3: "cbor", 4: "ubjson", 5: "flatbuffers"}
    assert {v: k for k, v in SERIALIZER_IDS.items()} == SERIALIZER_NAMES
    for sid in SerializerId:
        assert serializer_id(serializer_name(sid)) == sid
    assert serializer_id("CBOR") == 3
    assert serializer_name(9) == "serializer 9"
    with pytest.raises(InvalidOptions, match="unknown RawSocket serializer 'yaml'"):
        serializer_id("yaml")
    with pytest.raises(InvalidOptions, match="valid ids: 1 to 15"):
        serializer_name(0)


def test_error_descriptions() -> None:
    assert describe_error(1) == "serializer unsupported"
    assert describe_error(2) == "maximum message length unacceptable"
    assert describe_error(3) == "use of reserved bits (unsupported feature)"
    assert describe_error(4) == "maximum connection count reached"
    assert describe_error(7) == "unknown error code 7 (reserved by the spec)"
