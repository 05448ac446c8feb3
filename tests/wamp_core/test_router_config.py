"""Router configuration: Crossbar.io's config.json accepted as is, what is not served reported."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from wamp_core.router import (
    ConfigError,
    RawSocketTransport,
    Router,
    UniversalTransport,
    WebSocketTransport,
    WebTransport,
    default_config,
    load_config,
    parse_config,
)
from wamp_core.router.authorization import Role

# Crossbar.io's "getting started" node configuration, plus the usual transports.
CROSSBAR_CONFIG: dict[str, Any] = {
    "$schema": "https://raw.githubusercontent.com/crossbario/crossbar/master/crossbar.json",
    "version": 2,
    "controller": {},
    "workers": [{
        "type": "router",
        "realms": [{
            "name": "realm1",
            "roles": [{
                "name": "anonymous",
                "permissions": [{
                    "uri": "", "match": "prefix",
                    "allow": {"call": True, "register": True, "publish": True, "subscribe": True},
                    "disclose": {"caller": False, "publisher": False},
                    "cache": True,
                }],
            }],
        }],
        "transports": [
            {"type": "web",
             "endpoint": {"type": "tcp", "port": 8080, "interface": "127.0.0.1"},
             "paths": {"/": {"type": "static", "directory": "../web",
                             "options": {"enable_directory_listing": True}},
                       "info": {"type": "nodeinfo"},
                       "ws": {"type": "websocket", "serializers": ["json", "cbor"],
                              "options": {"max_message_size": 1048576}}}},
            {"type": "rawsocket", "endpoint": {"type": "unix", "path": "/tmp/router.sock"},
             "serializers": ["msgpack"], "options": {"max_message_size": 65536},
             "auth": {"ticket": {"type": "static",
                                 "principals": {"joe": {"ticket": "secret", "role": "user"}}}}},
            {"type": "universal",
             "endpoint": {"type": "tcp", "port": 8081,
                          "tls": {"key": "server.key", "certificate": "server.crt"}},
             "rawsocket": {"serializers": ["cbor"]},
             "websocket": {"ws": {"type": "websocket"}},
             "web": {"paths": {"/": {"type": "static", "directory": "."}}}},
        ],
    }],
}


def _with(path: list[Any], value: Any, base: dict[str, Any] | None = None) -> dict[str, Any]:
    cfg = copy.deepcopy(base or CROSSBAR_CONFIG)
    node: Any = cfg
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return cfg


def _errors(cfg: Any) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(cfg)
    return list(info.value.errors)


def test_crossbar_config_is_accepted_as_is() -> None:
    config = parse_config(CROSSBAR_CONFIG)
    (realm,) = config.realms
    assert realm.name == "realm1"
    (perm,) = realm.roles[0].permissions
    assert (perm.uri, perm.match, perm.call, perm.publish) == ("", "prefix", True, True)
    web, raw, uni = config.transports
    assert isinstance(web, WebTransport) and list(web.paths) == ["ws"]
    ws = web.paths["ws"]
    assert isinstance(ws, WebSocketTransport)
    assert ws.serializers == ("json", "cbor") and ws.max_message_size == 1048576
    assert web.endpoint is not None and web.endpoint.port == 8080
    assert web.endpoint.interface == "127.0.0.1"
    assert isinstance(raw, RawSocketTransport)
    assert raw.endpoint is not None and raw.endpoint.type == "unix"
    assert raw.endpoint.path == "/tmp/router.sock"
    assert raw.max_message_size == 65536 and raw.auth is not None and "ticket" in raw.auth
    assert isinstance(uni, UniversalTransport)
    assert uni.endpoint is not None and uni.endpoint.tls is not None
    assert uni.endpoint.tls.certificate == "server.crt"
    assert uni.rawsocket is not None and uni.rawsocket.serializers == ("cbor",)
    assert "ws" in uni.websocket and uni.web is not None and uni.web.paths == {}
    # what is not served is reported, naming the key
    assert any("paths['/']" in w and "static" in w for w in config.warnings)
    assert any("paths['info']" in w and "nodeinfo" in w for w in config.warnings)
    assert any("universal" not in w and "no websocket path" in w for w in config.warnings)


def test_router_worker_alone_and_router_from_dict() -> None:
    worker = CROSSBAR_CONFIG["workers"][0]
    assert parse_config(worker).realms == parse_config(CROSSBAR_CONFIG).realms
    router = Router(CROSSBAR_CONFIG)
    assert list(router.realms) == ["realm1"] and router.warnings


def test_load_config_file(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(CROSSBAR_CONFIG))
    assert load_config(str(path)).realms[0].name == "realm1"
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ConfigError, match="not valid JSON"):
        load_config(str(bad))


def test_default_config() -> None:
    config = default_config()
    realm = config.realm("realm1")
    assert realm is not None
    role = Role(realm.role("anonymous"))
    for action in ("call", "register", "publish", "subscribe"):
        assert role.authorize("any.uri.at.all", action).allow
    (ws,) = config.transports
    assert isinstance(ws, WebSocketTransport) and ws.endpoint is not None
    assert ws.endpoint.port == 8080


@pytest.mark.parametrize(("path", "value", "expected"), [
    (["workers", 0, "transports", 0, "endpoint", "port"], "80",
     "workers[0].transports[0].endpoint.port: must be an integer"),
    (["workers", 0, "transports", 0, "endpoint", "port"], 70000,
     "workers[0].transports[0].endpoint.port: must be in [0, 65535]"),
    (["workers", 0, "transports", 0, "endpoint", "type"], "twisted",
     "endpoint type 'twisted' is not supported"),
    (["workers", 0, "transports", 0, "type"], "carrier-pigeon", "unknown transport type"),
    (["workers", 0, "transports", 1, "serializers"], ["json", "xml"],
     "workers[0].transports[1].serializers[1]: unknown serializer 'xml'"),
    (["workers", 0, "transports", 1, "options", "max_message_size"], 100,
     "max_message_size: must be in [512, 16777216]"),
    (["workers", 0, "transports", 1, "colour"], "blue",
     "workers[0].transports[1].colour: unknown key"),
    (["workers", 0, "realms", 0, "roles", 0, "permissions", 0, "match"], "regex",
     "permissions[0].match: must be exact, prefix or wildcard"),
    (["workers", 0, "realms", 0, "roles", 0, "permissions", 0, "allow", "call"], "yes",
     "allow.call: must be true or false"),
    (["workers", 0, "realms", 0, "roles", 0, "permissions", 0, "allow", "delete"], True,
     "allow.delete: unknown key"),
    (["workers", 0, "realms", 0, "roles", 0, "authorizer"], "com.example.authorize",
     "dynamic authorizers are not supported"),
    (["workers", 0, "realms", 0, "options"], {"uri_check": "paranoid"},
     "uri_check: must be 'loose' or 'strict'"),
    (["workers", 0, "transports", 1, "auth"], {"tls": {"type": "static"}},
     "auth.tls: TLS client certificate authentication is not supported"),
    (["workers", 0, "transports", 1, "auth"],
     {"ticket": {"type": "dynamic", "authenticator": "com.auth"}}, "auth.ticket"),
    (["workers", 0, "transports", 1, "auth"], {"ticket": {"type": "static", "principals": {
        "joe": {"ticket": 42}}}}, "auth.ticket.principals.joe.ticket"),
    (["workers", 0, "transports", 1, "auth"], {"magic": {}}, "unknown authentication method"),
    (["version"], 1, "config.version: must be 2"),
])
def test_errors_name_the_key(path: list[Any], value: Any, expected: str) -> None:
    errors = _errors(_with(path, value))
    assert any(expected in e for e in errors), errors


def test_every_error_is_reported_at_once() -> None:
    cfg = _with(["workers", 0, "transports", 0, "endpoint", "port"], "x")
    cfg = _with(["workers", 0, "realms", 0, "roles", 0, "authorizer"], "a.b", cfg)
    errors = _errors(cfg)
    assert len(errors) == 2
    with pytest.raises(ConfigError, match="2 problems"):
        parse_config(cfg)


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("options", {"pythonpath": [".."]}, "worker process options"),
    ("components", [{"type": "class", "classname": "x.Y", "realm": "realm1"}],
     "router components are not started"),
])
def test_worker_parts_not_served_are_warnings(key: str, value: Any, expected: str) -> None:
    config = parse_config(_with(["workers", 0, key], value))
    assert any(expected in w for w in config.warnings)


def test_other_workers_are_warnings_and_a_router_is_needed() -> None:
    cfg = copy.deepcopy(CROSSBAR_CONFIG)
    cfg["workers"].append({"type": "container", "components": []})
    config = parse_config(cfg)
    assert any("workers[1]" in w and "container" in w for w in config.warnings)
    assert "no router worker" in _errors({"version": 2, "workers": []})[0]


def test_permission_validate_is_a_warning() -> None:
    cfg = _with(["workers", 0, "realms", 0, "roles", 0, "permissions", 0, "validate"],
                {"call": "uint160_t"})
    config = parse_config(cfg)
    assert any("payload validation is not supported" in w for w in config.warnings)


@pytest.mark.parametrize(("uri", "expected_uri", "expected_match"), [
    ("com.example.*", "com.example.", "prefix"),
    ("*", "", "prefix"),
    ("com.*.update", "com..update", "wildcard"),
    ("com.example.proc", "com.example.proc", "exact"),
])
def test_starred_permission_uris(uri: str, expected_uri: str, expected_match: str) -> None:
    cfg = {"type": "router", "realms": [{"name": "r1", "roles": [
        {"name": "user", "permissions": [{"uri": uri, "allow": {"call": True}}]}]}]}
    perm = parse_config(cfg).realms[0].roles[0].permissions[0]
    assert (perm.uri, perm.match) == (expected_uri, expected_match)
    assert (perm.register, perm.publish, perm.subscribe) == (False, False, False)
    assert (perm.disclose_caller, perm.disclose_publisher) == (False, False)


def test_duplicate_realms_and_roles_are_errors() -> None:
    realm = {"name": "r1", "roles": [{"name": "a"}, {"name": "a"}]}
    errors = _errors({"type": "router", "realms": [realm, {"name": "r1"}]})
    assert any("duplicate role 'a'" in e for e in errors)
    assert any("duplicate realm 'r1'" in e for e in errors)


def test_auth_sections_of_every_method_are_accepted() -> None:
    auth = {
        "anonymous": {"type": "static", "role": "public"},
        "ticket": {"type": "static", "principals": {"joe": {"ticket": "s", "role": "user"}}},
        "wampcra": {"type": "static", "users": {"joe": {"secret": "s", "role": "user",
                                                         "salt": "salt", "iterations": 100,
                                                         "keylen": 32}}},
        "cryptosign": {"type": "static", "principals": {"joe": {
            "authorized_keys": ["a" * 64], "role": "user"}}},
    }
    cfg = _with(["workers", 0, "transports", 1, "auth"], auth)
    assert parse_config(cfg).transports[1].auth == auth  # type: ignore[union-attr]


# -- the same files for Crossbar.io ------------------------------------------------------------

_CROSSBAR_CHECK = r"""
import json, sys
from crossbar.personality import Personality
from crossbar.common import checkconfig
checkconfig.check_config(Personality, json.load(sys.stdin))
print("OK")
"""


def _peer_node_config() -> dict[str, Any]:
    """The node configuration the interop tests start Crossbar.io with (every auth method)."""
    from peers.crossbar import (
        AuthSetup,
        CraUser,
        CryptosignUser,
        RouterPorts,
        ScramUser,
        TicketUser,
        crossbar_config,
    )
    from wamp_core import auth
    from wamp_core.cryptosign import CryptosignKey

    key = CryptosignKey.from_seed("11" * 32)
    scram = auth.derive_scram_credential("scram-user", "pw", bytes(16), kdf="pbkdf2",
                                         iterations=10)
    setup = AuthSetup(
        ticket=TicketUser("ticket-user", "ticket-secret"),
        wampcra=CraUser("cra-user", "cra-secret"),
        wampcra_salted=CraUser("cra-salted", "s2", salt="salt", iterations=100, keylen=32),
        cryptosign=CryptosignUser("cs-user", "11" * 32, key.public_key()),
        scram=ScramUser("scram-user", "pw", scram),
    )
    return crossbar_config(RouterPorts(ws=8080, rs=8081, universal=8082), setup)


def test_the_interop_node_config_is_accepted_without_warnings() -> None:
    config = parse_config(_peer_node_config())
    assert config.warnings == ()
    assert [t.type for t in config.transports] == ["websocket", "rawsocket", "universal"]
    assert {r.name for r in config.realms} >= {"realm1"}


@pytest.mark.interop
@pytest.mark.parametrize("which", ["crossbar_example", "interop_node"])
def test_crossbar_accepts_the_configs_we_accept(which: str, crossbar_venv: Any) -> None:
    cfg = CROSSBAR_CONFIG if which == "crossbar_example" else _peer_node_config()
    out = crossbar_venv.run(["-c", _CROSSBAR_CHECK], timeout=120, check=False,
                            stdin_text=json.dumps(cfg))
    assert out.output.strip().endswith("OK"), out.output[-2000:]
