"""Protocol options: Autobahn's names and defaults, validation, one-to-one mapping."""

from __future__ import annotations

import pytest
from wamp_websocket import (
    ClientOptions,
    PerMessageDeflateOffer,
    ServerOptions,
)
from wamp_websocket.options import CLIENT_OPTION_NAMES, SERVER_OPTION_NAMES

# Autobahn's WebSocketServerFactory.resetProtocolOptions / WebSocketClientFactory's
SERVER_DEFAULTS = {
    "versions": (8, 13), "web_status": True, "utf8_validate_incoming": True,
    "require_masked_client_frames": True, "mask_server_frames": False, "apply_mask": True,
    "max_frame_payload_size": 0, "max_message_payload_size": 0, "auto_fragment_size": 0,
    "fail_by_drop": True, "echo_close_code_reason": False, "open_handshake_timeout": 5,
    "close_handshake_timeout": 1, "tcp_no_delay": True, "serve_flash_socket_policy": False,
    "per_message_compression_accept": None, "auto_ping_interval": 0, "auto_ping_timeout": 0,
    "auto_ping_size": 12, "auto_ping_restart_on_any_traffic": True, "allowed_origins": ["*"],
    "allow_null_origin": True, "max_connections": 0, "trust_x_forwarded_for": 0,
}
CLIENT_DEFAULTS = {
    "version": 18, "utf8_validate_incoming": True, "accept_masked_server_frames": False,
    "mask_client_frames": True, "apply_mask": True, "max_frame_payload_size": 0,
    "max_message_payload_size": 0, "auto_fragment_size": 0, "fail_by_drop": True,
    "echo_close_code_reason": False, "server_connection_drop_timeout": 1,
    "open_handshake_timeout": 5, "close_handshake_timeout": 1, "tcp_no_delay": True,
    "per_message_compression_offers": [], "auto_ping_interval": 0, "auto_ping_timeout": 0,
    "auto_ping_size": 12, "auto_ping_restart_on_any_traffic": True,
}


def test_server_defaults_are_autobahns() -> None:
    options = ServerOptions()
    for name, value in SERVER_DEFAULTS.items():
        assert getattr(options, name) == value, name
    assert options.allowed_origins_patterns[0].match("anything")


def test_client_defaults_are_autobahns() -> None:
    options = ClientOptions()
    for name, value in CLIENT_DEFAULTS.items():
        assert getattr(options, name) == value, name


def test_every_autobahn_option_name_is_known() -> None:
    assert set(SERVER_OPTION_NAMES) == {
        "versions", "webStatus", "utf8validateIncoming", "maskServerFrames",
        "requireMaskedClientFrames", "applyMask", "maxFramePayloadSize", "maxMessagePayloadSize",
        "autoFragmentSize", "failByDrop", "echoCloseCodeReason", "openHandshakeTimeout",
        "closeHandshakeTimeout", "tcpNoDelay", "perMessageCompressionAccept",
        "autoPingInterval", "autoPingTimeout", "autoPingSize", "autoPingRestartOnAnyTraffic",
        "serveFlashSocketPolicy", "flashSocketPolicy", "allowedOrigins",
        "allowedOriginsPatterns", "allowNullOrigin", "maxConnections", "trustXForwardedFor"}
    assert set(CLIENT_OPTION_NAMES) == {
        "version", "utf8validateIncoming", "acceptMaskedServerFrames", "maskClientFrames",
        "applyMask", "maxFramePayloadSize", "maxMessagePayloadSize", "autoFragmentSize",
        "failByDrop", "echoCloseCodeReason", "serverConnectionDropTimeout",
        "openHandshakeTimeout", "closeHandshakeTimeout", "tcpNoDelay",
        "perMessageCompressionOffers", "perMessageCompressionAccept", "autoPingInterval",
        "autoPingTimeout", "autoPingSize", "autoPingRestartOnAnyTraffic"}


def test_set_protocol_options_maps_camel_case_one_to_one() -> None:
    options = ServerOptions()
    options.set_protocol_options(maxMessagePayloadSize=1024, autoPingInterval=2.5,
                                 failByDrop=False, versions=[13], webStatus=None,
                                 allowNullOrigin=True)
    assert (options.max_message_payload_size, options.auto_ping_interval) == (1024, 2.5)
    assert options.fail_by_drop is False and options.versions == (13,)
    assert options.web_status is True  # None leaves an option unchanged
    client = ClientOptions()
    offer = PerMessageDeflateOffer()
    client.set_protocol_options(perMessageCompressionOffers=[offer], version=13)
    assert client.per_message_compression_offers == [offer] and client.version == 13


def test_set_protocol_options_resets_allow_null_origin_like_autobahn() -> None:
    options = ServerOptions()
    assert options.allow_null_origin is True
    options.set_protocol_options(webStatus=False)
    assert options.allow_null_origin is False


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"autoPingSize": 200}, "'autoPingSize' (auto_ping_size) must be an integer from 4 to 125"),
    ({"autoPingSize": 3}, "from 4 to 125"),
    ({"maxFramePayloadSize": -1}, "'maxFramePayloadSize' (max_frame_payload_size) must be an "
                                  "integer >= 0"),
    ({"failByDrop": 1}, "must be a bool"),
    ({"openHandshakeTimeout": "5"}, "a number of seconds"),
    ({"versions": [13, 7]}, "versions from [8, 13]"),
    ({"perMessageCompressionAccept": 3}, "a callable"),
    ({"allowedOrigins": "*"}, "a list of origin strings"),
    ({"allowNullOrigin": None}, "must be a bool"),
    ({"noSuchOption": 1}, "unknown WebSocket server option 'noSuchOption'; known options: "),
])
def test_bad_server_options_name_the_option(kwargs: dict[str, object], message: str) -> None:
    options = ServerOptions()
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")
                       .replace("[", r"\[").replace("]", r"\]")):
        options.set_protocol_options(**kwargs)


@pytest.mark.parametrize("kwargs", [
    {"version": 9}, {"version": 19}, {"perMessageCompressionOffers": [object()]},
    {"webStatus": True},  # a server option
    {"serverConnectionDropTimeout": -1},
])
def test_bad_client_options_raise(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        ClientOptions().set_protocol_options(**kwargs)


def test_nothing_changes_unless_every_option_is_valid() -> None:
    options = ClientOptions()
    with pytest.raises(ValueError):
        options.set_protocol_options(maxFramePayloadSize=10, autoPingSize=1)
    assert options.max_frame_payload_size == 0


def test_reset_protocol_options_restores_the_defaults() -> None:
    options = ServerOptions(max_frame_payload_size=5, allowed_origins=["https://a"])
    options.reset_protocol_options()
    assert options == ServerOptions()


def test_dataclass_construction_is_validated_too() -> None:
    with pytest.raises(ValueError, match="auto_ping_size"):
        ServerOptions(auto_ping_size=1000)
    with pytest.raises(ValueError, match="max_handshake_size"):
        ClientOptions(max_handshake_size=0)
    with pytest.raises(ValueError, match="frame_events"):
        ClientOptions(frame_events=1)  # type: ignore[arg-type]
