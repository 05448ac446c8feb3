"""Authentication through the router: every method with static principals (raw messages).

The client side is :mod:`wamp_core.auth` (the authenticators our client sessions use).
"""

from __future__ import annotations

from typing import Any

import pytest
from _router_helpers import ALL_ROLES, RawClient, make_router
from wamp_core import auth
from wamp_core.cryptosign import CryptosignKey
from wamp_core.message import Abort, Authenticate, Challenge, Hello, Welcome
from wamp_core.router import Router, parse_config
from wamp_core.types import Challenge as ChallengeDetails

SEED = "4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510"


def _auth_section() -> dict[str, Any]:
    pub = CryptosignKey.from_seed(SEED).public_key()
    scram = auth.derive_scram_credential("alice", "pw-alice", bytes(range(16)), kdf="pbkdf2",
                                         iterations=100)
    return {
        "ticket": {"type": "static", "principals": {"joe": {"ticket": "tkt", "role": "user"}}},
        "wampcra": {"type": "static", "users": {
            "joe": {"secret": "secret1", "role": "user"},
            "salty": {"secret": "secret2", "role": "user", "salt": "NaCl", "iterations": 100,
                      "keylen": 32}}},
        "cryptosign": {"type": "static",
                       "principals": {"client01": {"authorized_keys": [pub], "role": "user"}}},
        "scram": {"type": "static", "principals": {"alice": {**scram, "role": "user"}}},
        "anonymous": {"type": "static", "role": "guest"},
    }


def _router() -> tuple[Router, Any]:
    config = parse_config({"type": "router", "realms": [{"name": "realm1", "roles": [
        {"name": "user", "permissions": [{"uri": "", "match": "prefix",
                                          "allow": {"call": True}}]},
        {"name": "guest"}]}],
        "transports": [{"type": "rawsocket", "endpoint": {"type": "tcp", "port": 0},
                        "auth": _auth_section()}]})
    router, _ = make_router(config)
    return router, config.transports[0]


def _login(authenticator: Any, realm: str = "realm1") -> tuple[RawClient, Any]:
    router, transport = _router()
    c = RawClient(router, transport)
    methods, authid, authrole, authextra = auth.hello_parameters([authenticator])
    c.send(Hello(realm, ALL_ROLES, authmethods=methods, authid=authid, authrole=authrole,
                 authextra=authextra or None))
    first = c.receive()
    if len(first) != 1 or type(first[0]) is not Challenge:
        return c, first  # answered at once: WELCOME or ABORT
    msg = first[0]
    if msg is not None:
        signature = authenticator.on_challenge(c.session, ChallengeDetails(msg.method, msg.extra))
        extra = getattr(authenticator, "authenticate_extra", None) or {}
        c.send(Authenticate(signature, extra))
    return c, c.receive()


@pytest.mark.parametrize(("method", "kwargs", "authid"), [
    ("ticket", {"authid": "joe", "ticket": "tkt"}, "joe"),
    ("wampcra", {"authid": "joe", "secret": "secret1"}, "joe"),
    ("wampcra", {"authid": "salty", "secret": "secret2"}, "salty"),
    ("cryptosign", {"authid": "client01", "privkey": SEED}, "client01"),
    ("scram", {"authid": "alice", "password": "pw-alice"}, "alice"),
])
def test_static_principals_join(method: str, kwargs: dict[str, Any], authid: str) -> None:
    authenticator = auth.create_authenticator(method, **kwargs)
    c, msgs = _login(authenticator)
    (welcome,) = msgs
    assert type(welcome) is Welcome
    assert (welcome.authid, welcome.authrole, welcome.authmethod, welcome.authprovider) == \
        (authid, "user", method, "static")
    assert authenticator.on_welcome(c.session, welcome.authextra) is None
    assert c.session.authrole == "user"


@pytest.mark.parametrize(("method", "kwargs"), [
    ("ticket", {"authid": "joe", "ticket": "wrong"}),
    ("ticket", {"authid": "nobody", "ticket": "tkt"}),
    ("wampcra", {"authid": "joe", "secret": "wrong"}),
    ("cryptosign", {"authid": "client01", "privkey": "11" * 32}),
    ("scram", {"authid": "alice", "password": "wrong"}),
])
def test_wrong_credentials_are_refused(method: str, kwargs: dict[str, Any]) -> None:
    c, msgs = _login(auth.create_authenticator(method, **kwargs))
    (abort,) = msgs
    assert type(abort) is Abort
    assert abort.reason.startswith("wamp.error.")
    assert c.session.session_id is None and c.wire.closed


def test_anonymous_gets_the_configured_role() -> None:
    _c, (welcome,) = _login(auth.create_authenticator("anonymous"))
    assert (welcome.authrole, welcome.authmethod) == ("guest", "anonymous")


def test_no_offered_method_is_configured() -> None:
    router, transport = _router()
    c = RawClient(router, transport)
    c.send(Hello("realm1", ALL_ROLES, authmethods=["tls"]))
    assert c.expect(Abort).reason == "wamp.error.no_auth_method"


def test_unknown_realm_is_refused() -> None:
    _c, (abort,) = _login(auth.create_authenticator("ticket", authid="joe", ticket="tkt"),
                         realm="realm9")
    assert abort.reason == "wamp.error.no_such_realm"


def test_transport_without_auth_section_is_anonymous() -> None:
    router, _ = make_router()
    c = RawClient(router)
    welcome = c.join(authmethods=["ticket", "anonymous"])
    assert (welcome.authmethod, welcome.authrole, welcome.authprovider) == \
        ("anonymous", "anonymous", "static")
    assert len(welcome.authid.split("-")) == 6
    c2 = RawClient(router)
    c2.send(Hello("realm1", ALL_ROLES, authmethods=["ticket"]))
    assert c2.expect(Abort).reason == "wamp.error.no_auth_method"


def test_authenticate_before_hello_is_a_protocol_violation() -> None:
    router, transport = _router()
    c = RawClient(router, transport)
    c.send(Authenticate("sig"))
    assert c.expect(Abort).reason == "wamp.error.protocol_violation"


def test_role_missing_in_the_realm_is_refused() -> None:
    config = parse_config({"type": "router", "realms": [{"name": "realm1"}], "transports": [
        {"type": "rawsocket", "endpoint": {"type": "tcp", "port": 0}, "auth": {
            "ticket": {"type": "static", "principals": {"joe": {"ticket": "t",
                                                                "role": "ghost"}}}}}]})
    router, _ = make_router(config)
    c = RawClient(router, config.transports[0])
    c.send(Hello("realm1", ALL_ROLES, authmethods=["ticket"], authid="joe"))
    abort = c.expect(Abort)  # the principal's role is checked before the challenge
    assert abort.reason == "wamp.error.no_such_role" and "ghost" in (abort.message or "")
