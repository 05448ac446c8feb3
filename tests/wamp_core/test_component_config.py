"""Component configuration: every validation error names the key, the transport and what is
allowed; documented defaults; URL forms; authentication."""

from __future__ import annotations

import random
from typing import Any

import pytest
from test_component_harness import FakeSession
from wamp_core._component_transport import (
    DEFAULT_INITIAL_RETRY_DELAY,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_DELAY,
    DEFAULT_RETRY_DELAY_GROWTH,
    DEFAULT_RETRY_DELAY_JITTER,
    _Transport,
)
from wamp_core._component_validate import parse_transport_url
from wamp_core.component import Component
from wamp_core.types import ComponentConfig, RegisterOptions, SubscribeOptions

WS = "ws://localhost:8080/ws"
T0 = f"transport 0 ('{WS}')"


def ws(**extra: Any) -> dict[str, Any]:
    return {"url": WS, **extra}


def rs(**extra: Any) -> dict[str, Any]:
    return {"type": "rawsocket", "url": "rs://localhost:8080", **extra}


TRANSPORT_ERRORS: list[tuple[Any, str]] = [
    # shape of transports=
    (42, "transports must be a URL, a dict or a list of those, not int"),
    ([], "at least one transport"),
    ([WS, 3.5], "transport 1: must be a URL string or a dict, not float"),
    # unknown keys, with a hint
    (ws(max_retry=3), f"{T0}: 'max_retry' is not a valid key (did you mean 'max_retries'?)"),
    (ws(colour="red"), "allowed: type, url, endpoint, serializer, serializers, options"),
    # type
    (ws(type="http"), f"{T0}: 'type' must be one of websocket, rawsocket, not 'http'"),
    # url
    ({"type": "websocket"}, "transport 0: 'url' is required for websocket transports"),
    ({"type": "rawsocket"}, "'url' or 'endpoint' is required for rawsocket transports"),
    ({"url": 8080}, "transport 0: 'url' must be a str, not int"),
    ({"url": "http://x/ws"}, "'url' must be a websocket URL with scheme ws or wss://"),
    ({"url": "rs://x:1", "type": "websocket"}, "'url' must be a websocket URL"),
    ({"type": "rawsocket", "url": "tcp://x:1"}, "rawsocket URL with scheme rs or rss or ws or wss"),
    ({"url": "ws://x/ws#frag"}, "'url' must not have a fragment"),
    ({"url": "ws://joe@x/ws"}, "'url' must not carry user information"),
    ({"url": "ws:///ws"}, "'url' has no host name"),
    ({"url": "ws://x:0/ws"}, "'url' has an invalid port (expected 1..65535)"),
    ({"url": "ws://x:99999/ws"}, "'url' has an invalid port"),
    ({"url": "ws://x:http/ws"}, "'url' has an invalid port"),
    ({"url": "ws://unix:"}, "'url' names no Unix socket path"),
    (rs(url="rs://x:1/path"), "a RawSocket URL has no path, found '/path'"),
    (rs(url="rs://x:1?q=1"), "a RawSocket URL takes no query"),
    # endpoint
    (ws(endpoint="tcp:8080"), "'endpoint' must be a dict with 'type' tcp or unix"),
    (ws(endpoint={"type": "udp"}), "'endpoint' 'type' must be tcp or unix, not 'udp'"),
    (ws(endpoint={"host": "x", "port": 1}), "'endpoint' 'type' must be tcp or unix, not None"),
    (ws(endpoint={"type": "tcp", "host": "x", "port": 1, "hots": 1}),
     "'endpoint' key 'hots' is not a valid key (did you mean 'host'?)"),
    (ws(endpoint={"type": "tcp", "port": 1}), "'host' is required for a tcp endpoint"),
    (ws(endpoint={"type": "tcp", "host": "x"}), "'port' is required for a tcp endpoint"),
    (ws(endpoint={"type": "tcp", "host": "x", "port": 1, "path": "/p"}),
     "'path' is not valid for a tcp endpoint (it takes host, port)"),
    (ws(endpoint={"type": "unix"}), "'path' is required for a unix endpoint"),
    (ws(endpoint={"type": "unix", "path": "/s", "port": 1}),
     "'port' is not valid for a unix endpoint (it takes path)"),
    (ws(endpoint={"type": "tcp", "host": "", "port": 1}), "'host' must be a non-empty str"),
    (ws(endpoint={"type": "tcp", "host": "x", "port": "80"}),
     "'port' must be an int in 1..65535, not '80'"),
    (ws(endpoint={"type": "tcp", "host": "x", "port": True}), "'port' must be an int"),
    (ws(endpoint={"type": "unix", "path": 5}), "'path' must be a non-empty str, not 5"),
    (ws(endpoint={"type": "tcp", "host": "x", "port": 1, "timeout": 0}),
     "'timeout' must be a number of seconds > 0, not 0"),
    (ws(endpoint={"type": "tcp", "host": "x", "port": 1, "timeout": "10"}), "'timeout' must"),
    (ws(endpoint={"type": "tcp", "host": "x", "port": 1, "version": 5}),
     "'version' must be 4 or 6, not 5"),
    (ws(endpoint={"type": "tcp", "host": "x", "port": 1, "tls": "yes"}),
     "'tls' must be True/False, a dict with hostname and/or trust_root"),
    (ws(endpoint={"type": "tcp", "host": "x", "port": 1, "tls": {"ca": "f"}}),
     "'tls' key 'ca' is not a valid key"),
    (ws(endpoint={"type": "tcp", "host": "x", "port": 1, "tls": {"hostname": 1}}),
     "'tls' 'hostname' must be a str, not int"),
    # serializers
    (ws(serializer="json"), "'serializer' is only for rawsocket transports; use 'serializers'"),
    (ws(serializers="json"), "'serializers' must be a non-empty list of serializer names"),
    (ws(serializers=[]), "'serializers' must be a non-empty list"),
    (ws(serializers=["json", "xml"]),
     "'serializers' has unknown serializer 'xml' (allowed: json, msgpack, cbor, ubjson, "
     "flatbuffers)"),
    (ws(serializers=["json", "json"]), "'serializers' names a serializer twice"),
    (rs(serializer="yaml"), "'serializer' must be one of json, msgpack, cbor, ubjson"),
    (rs(serializers=["json", "cbor"]), "'serializers' must name exactly one serializer"),
    (rs(serializer="json", serializers=["json"]), "'serializer' and 'serializers' are both given"),
    # options
    (ws(options=[("autoPingInterval", 1)]), "'options' must be a dict, not list"),
    (ws(options={"autoPingIntervall": 1}), "'options' has unknown websocket option "
     "'autoPingIntervall' (did you mean 'autoPingInterval'?); allowed: version, "
     "utf8validateIncoming"),
    (rs(options={"tcpNoDelay": True}), "'options' has unknown rawsocket option 'tcpNoDelay'"),
    (ws(options={"failByDrop": "yes"}), "'options' 'failByDrop' must be True or False, not 'yes'"),
    (ws(options={"max_message_payload_size": -1}),
     "'max_message_payload_size' must be an int >= 0, not -1"),
    (ws(options={"autoPingTimeout": -2.0}), "'autoPingTimeout' must be a number of seconds >= 0"),
    # proxy
    (rs(proxy={"host": "p", "port": 3128}), "'proxy' is only for websocket transports"),
    (ws(proxy="p:3128"), "'proxy' must be a dict with 'host' and 'port'"),
    (ws(proxy={"host": "p"}), "'proxy' needs 'port'"),
    (ws(proxy={"host": "p", "port": 1, "user": "x"}), "'proxy' key 'user' is not a valid key"),
    (ws(proxy={"host": "", "port": 1}), "'proxy' 'host' must be a non-empty str"),
    (ws(proxy={"host": "p", "port": 70000}), "'proxy' 'port' must be an int in 1..65535"),
    # headers
    (rs(headers={"X-A": "1"}), "'headers' is only for websocket transports"),
    (ws(headers=["X-A: 1"]), "'headers' must be a dict of str to str, not list"),
    (ws(headers={"X A": "1"}), "'headers' has an invalid header name 'X A'"),
    (ws(headers={"X-A": 1}), "'headers' value of 'X-A' must be a str without CR/LF, not 1"),
    (ws(headers={"X-A": "1\r\nEvil: 1"}), "must be a str without CR/LF"),
    (ws(headers={"Sec-WebSocket-Protocol": "x"}),
     "'headers' must not set 'Sec-WebSocket-Protocol': the WebSocket handshake writes it"),
    # retry settings
    (ws(max_retries=-2), f"{T0}: 'max_retries' must be an int >= -1 (-1 retries forever, "
     "0 never retries), not -2"),
    (ws(max_retries=1.5), "'max_retries' must be an int >= -1"),
    (ws(max_retries=True), "'max_retries' must be an int >= -1"),
    (ws(initial_retry_delay=-1), "'initial_retry_delay' must be a finite number >= 0, not -1"),
    (ws(initial_retry_delay=float("inf")), "'initial_retry_delay' must be a finite number"),
    (ws(max_retry_delay="60"), "'max_retry_delay' must be a finite number >= 0, not '60'"),
    (ws(retry_delay_growth=0.5), "'retry_delay_growth' must be a finite number >= 1, not 0.5"),
    (ws(initial_retry_delay=10, max_retry_delay=5),
     "'max_retry_delay' (5) must not be below 'initial_retry_delay' (10)"),
    (ws(retry_delay_jitter=1.5), "'retry_delay_jitter' must be a number in [0, 1] or a "
     "0-argument callable giving noise in [0, 1], not 1.5"),
    (ws(retry_delay_jitter="0.1"), "'retry_delay_jitter' must be a number in [0, 1]"),
]


@pytest.mark.parametrize(("transports", "message"), TRANSPORT_ERRORS)
def test_transport_errors(transports: Any, message: str) -> None:
    with pytest.raises(ValueError) as info:
        Component(transports=transports)
    assert message in str(info.value)


def test_error_names_the_transport_by_index_and_url() -> None:
    with pytest.raises(ValueError, match=r"^transport 2 \('rs://b:2'\): 'headers'"):
        Component(transports=["ws://a/ws", "rs://a:1", {"url": "rs://b:2", "type": "rawsocket",
                                                         "headers": {"X": "1"}}])


COMPONENT_ERRORS: list[tuple[dict[str, Any], str]] = [
    ({"main": 1}, "main must be a callable or None, not 1"),
    ({"session_factory": "FakeSession"}, "session_factory must be a callable or None"),
    ({"is_fatal": True}, "is_fatal must be a callable or None, not True"),
    ({"config": {"realm": "x"}}, "config must be a ComponentConfig or None"),
    ({"realm": "bad realm"}, "realm must be a WAMP URI"),
    ({"realm": 5}, "realm must be a WAMP URI"),
    ({"authentication": ["ticket"]}, "authentication must be a dict {method: {options}}, not list"),
    ({"authentication": {"kerberos": {}}}, "authentication: unknown method 'kerberos' (allowed: "
     "anonymous, ticket, wampcra, cryptosign, scram, anonymous-proxy, cryptosign-proxy, "
     "wamp-scram)"),
    ({"authentication": {"ticket": "secret"}}, "authentication 'ticket': must be a dict of "
     "options or an authenticator object, not str"),
    ({"authentication": {"ticket": {}}}, "authentication 'ticket': 'ticket' is required"),
    ({"authentication": {"ticket": {"ticket": ""}}}, "'ticket' must be a non-empty str"),
    ({"authentication": {"anonymous": {"authid": 5}}}, "'authid' must be a non-empty str, not 5"),
    ({"authentication": {"anonymous": {"authrole": ""}}}, "'authrole' must be a non-empty str"),
    ({"authentication": {"anonymous": {"authextra": []}}}, "'authextra' must be a dict"),
    ({"authentication": {"anonymous": {"password": "x"}}},
     "authentication 'anonymous': unknown key 'password' (allowed: authid, authrole, authextra)"),
    ({"authentication": {"wampcra": {"secret": "s"}}},
     "authentication 'wampcra': 'authid' is required (wampcra needs 'authid' and 'secret')"),
    ({"authentication": {"wampcra": {"authid": "joe", "secret": 5}}},
     "'secret' must be a non-empty str or bytes"),
    ({"authentication": {"cryptosign": {"authid": "joe"}}},
     "authentication 'cryptosign': give 'privkey' (the key) or 'privkey_file'"),
    ({"authentication": {"cryptosign": {"privkey": "ab" * 32, "privkey_file": "/k"}}},
     "exactly one of them"),
    ({"authentication": {"cryptosign": {"privkey": "abc"}}},
     "'privkey' must be 64 hex digits or 32 bytes (the Ed25519 seed), or a CryptosignKey"),
    ({"authentication": {"cryptosign": {"privkey": "ab" * 32,
                                        "authextra": {"channel_binding": "tls-server-end"}}}},
     "authextra 'channel_binding' must be None, 'tls-unique' or 'tls-exporter'"),
    ({"authentication": {"cryptosign": {"privkey": "ab" * 32, "authextra": {"pubkey": "x"}}}},
     "authextra 'pubkey' must be 64 hex digits"),
    # what only wamp_core.auth can tell, found when the Component is created
    ({"authentication": {"cryptosign": {"privkey": "ab" * 32, "authextra": {"pubkey": "cd" * 32}}}},
     "authentication 'cryptosign': Public key doesn't correspond to private key"),
    ({"authentication": {"cryptosign-proxy": {"privkey_file": "/nonexistent/id_ed25519"}}},
     "authentication 'cryptosign-proxy': "),
    ({"authentication": {"scram": {"authid": "joe"}}},
     "authentication 'scram': 'password' is required (scram needs 'authid' and 'password')"),
]


@pytest.mark.parametrize(("kwargs", "message"), COMPONENT_ERRORS)
def test_component_errors(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as info:
        Component(**kwargs)
    assert message in str(info.value)


def test_decorator_errors() -> None:
    comp = Component()
    with pytest.raises(ValueError, match="register: the procedure must be a non-empty str URI"):
        comp.register("")
    with pytest.raises(ValueError, match="register: options must be a RegisterOptions or None"):
        comp.register("com.example.add", options=SubscribeOptions())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="subscribe: options must be a SubscribeOptions or None"):
        comp.subscribe("com.example.t", options=RegisterOptions())  # type: ignore[arg-type]


def test_documented_defaults() -> None:
    (transport,) = Component()._transports
    assert transport.url == "ws://127.0.0.1:8080/ws"
    assert transport.type == "websocket"
    assert transport.serializers == ["cbor", "json"]
    assert transport.endpoint == {"type": "tcp", "host": "127.0.0.1", "port": 8080,
                                  "timeout": 10, "tls": False}
    assert (transport.max_retries, transport.initial_retry_delay, transport.max_retry_delay,
            transport.retry_delay_growth, transport.retry_delay_jitter) == (-1, 1.0, 60.0, 1.5, 0.1)
    assert (DEFAULT_MAX_RETRIES, DEFAULT_INITIAL_RETRY_DELAY, DEFAULT_MAX_RETRY_DELAY,
            DEFAULT_RETRY_DELAY_GROWTH, DEFAULT_RETRY_DELAY_JITTER) == (-1, 1.0, 60.0, 1.5, 0.1)
    assert transport.options == {} and transport.headers is None and transport.proxy is None
    comp = Component()
    assert comp._realm == "realm1" and comp._authentication == {}
    (rawsocket,) = Component(transports="rs://h:9000")._transports
    assert rawsocket.type == "rawsocket" and rawsocket.serializers == ["cbor"]


@pytest.mark.parametrize(("url", "kind", "endpoint"), [
    ("ws://h/ws", "websocket", {"type": "tcp", "host": "h", "port": 80, "tls": False}),
    ("wss://h/ws", "websocket", {"type": "tcp", "host": "h", "port": 443, "tls": True}),
    ("ws://[::1]:9/ws", "websocket", {"type": "tcp", "host": "::1", "port": 9, "tls": False}),
    ("ws://unix:/tmp/w.sock", "websocket", {"type": "unix", "path": "/tmp/w.sock", "tls": False}),
    ("rs://h", "rawsocket", {"type": "tcp", "host": "h", "port": 80, "tls": False}),
    ("rss://h:7000", "rawsocket", {"type": "tcp", "host": "h", "port": 7000, "tls": True}),
    ("rs://unix:/tmp/r.sock", "rawsocket", {"type": "unix", "path": "/tmp/r.sock", "tls": False}),
    ("RSS://unix:rel.sock", "rawsocket", {"type": "unix", "path": "rel.sock", "tls": True}),
])
def test_url_forms(url: str, kind: str, endpoint: dict[str, Any]) -> None:
    (transport,) = Component(transports=url)._transports
    assert transport.type == kind
    assert transport.endpoint == {**endpoint, "timeout": 10}


def test_websocket_url_for_rawsocket_is_accepted_as_autobahn_does() -> None:
    (transport,) = Component(transports={"type": "rawsocket", "url": "ws://h:9/x"})._transports
    assert transport.endpoint["host"] == "h" and transport.endpoint["port"] == 9


def test_parsed_url_keeps_the_websocket_resource() -> None:
    parsed = parse_transport_url("websocket", "wss://h:8443/ws/path?x=1")
    assert (parsed.secure, parsed.host, parsed.port, parsed.resource) == (
        True, "h", 8443, "/ws/path?x=1")
    assert parse_transport_url("websocket", "ws://h").resource == "/"


def test_full_transport_dict_is_kept() -> None:
    jitter = random.random
    config = {
        "type": "websocket", "url": "wss://router.example/ws",
        "endpoint": {"type": "tcp", "host": "10.0.0.1", "port": 8443, "timeout": 2.5,
                     "tls": {"hostname": "router.example"}, "version": 4},
        "serializers": ("msgpack", "json"),
        "options": {"autoPingInterval": 10, "auto_ping_timeout": 5,
                    "utf8_validate_incoming": False},
        "proxy": {"host": "proxy", "port": 3128},
        "headers": {"Authorization": "Bearer x", "X-Trace": "1"},
        "max_retries": 0, "initial_retry_delay": 2, "max_retry_delay": 30,
        "retry_delay_growth": 2, "retry_delay_jitter": jitter,
    }
    original = {k: (dict(v) if isinstance(v, dict) else v) for k, v in config.items()}
    (t,) = Component(transports=[config])._transports
    assert config == original  # the caller's dict is not modified
    assert t.endpoint == {"type": "tcp", "host": "10.0.0.1", "port": 8443, "timeout": 2.5,
                          "tls": {"hostname": "router.example"}, "version": 4}
    assert t.serializers == ["msgpack", "json"]
    # snake_case option names become Autobahn's camelCase names
    assert t.options == {"autoPingInterval": 10, "autoPingTimeout": 5,
                         "utf8validateIncoming": False}
    assert t.proxy == {"host": "proxy", "port": 3128}
    assert t.headers == {"Authorization": "Bearer x", "X-Trace": "1"}
    assert (t.max_retries, t.initial_retry_delay, t.max_retry_delay, t.retry_delay_growth,
            t.retry_delay_jitter) == (0, 2.0, 30.0, 2.0, jitter)


def test_rawsocket_endpoint_without_url_and_one_serializer_list() -> None:
    (t,) = Component(transports={"type": "rawsocket", "serializers": ["msgpack"],
                                 "endpoint": {"type": "unix", "path": "/s", "tls": True},
                                 "options": {"maxMessagePayloadSize": 65536}})._transports
    assert t.url is None and t.serializers == ["msgpack"]
    assert t.endpoint == {"type": "unix", "path": "/s", "timeout": 10, "tls": True}
    assert t.describe() == "transport 0 (unix /s (TLS))"


def test_native_hooks_let_an_adapter_accept_its_objects() -> None:
    native_endpoint, native_tls = object(), object()

    class Adapter(Component):
        def _check_native_endpoint(self, endpoint: Any) -> bool:
            return endpoint is native_endpoint

        def _check_native_tls(self, tls: Any) -> bool:
            return tls is native_tls

        def _check_transport_options(self, kind: str, options: dict[str, Any]) -> dict[str, Any]:
            if options.get("autoPingSize", 4) > 125:
                raise ValueError("autoPingSize must be <= 125")
            return options

    (a, b) = Adapter(transports=[
        ws(endpoint=native_endpoint),
        ws(endpoint={"type": "tcp", "host": "h", "port": 1, "tls": native_tls}),
    ])._transports
    assert a.endpoint is native_endpoint and b.endpoint["tls"] is native_tls
    with pytest.raises(ValueError, match="'options' rejected: autoPingSize must be <= 125"):
        Adapter(transports=ws(options={"autoPingSize": 200}))
    with pytest.raises(ValueError, match="'endpoint' must be a dict"):
        Component(transports=ws(endpoint=native_endpoint))


def test_authentication_is_checked_and_copied() -> None:
    class Authenticator:
        name = "ticket"

        def on_challenge(self, session: Any, challenge: Any) -> str:
            return "x"

    auth_object = Authenticator()
    given = {
        "anonymous": {},
        "ticket": auth_object,
        "wampcra": {"authid": "joe", "secret": b"s3cret", "authrole": "user"},
        "cryptosign": {"privkey": "0f" * 32, "authextra": {"channel_binding": "tls-unique"}},
        "cryptosign-proxy": {"privkey": bytes(32), "authid": None},
        "scram": {"authid": "joe", "password": "pw", "authextra": {}},
        "wamp-scram": {"authid": "joe", "password": "pw"},
    }
    comp = Component(authentication=given)
    assert comp._authentication == given
    assert comp._authentication["ticket"] is auth_object
    assert comp._authentication["wampcra"] is not given["wampcra"]


def test_session_config_uses_config_parts() -> None:
    base = ComponentConfig(realm="ignored", extra={"from": "config"}, keyring="k",
                           shared={"s": 1})
    comp = Component(config=base, realm="realm2")
    config = comp._session_config()
    assert (config.realm, config.extra, config.keyring, config.shared) == (
        "realm2", {"from": "config"}, "k", {"s": 1})
    assert Component(config=base, extra="mine")._session_config().extra == "mine"
    plain = Component(realm=None, extra=[1])._session_config()
    assert (plain.realm, plain.extra, plain.keyring) == (None, [1], None)


def test_session_factory_argument_and_class_default() -> None:
    assert Component(session_factory=FakeSession).session_factory is FakeSession
    assert Component().session_factory is None  # wamp_core.protocol.ApplicationSession, lazily


def test_transport_repr_and_describe() -> None:
    (t,) = Component(transports="ws://[::1]:9/ws")._transports
    assert t.describe() == "transport 0 ('ws://[::1]:9/ws')"
    assert t.describe_endpoint() == "tcp [::1]:9"
    assert "type='websocket'" in repr(t) and "attempts=0" in repr(t)
    assert isinstance(t, _Transport)
