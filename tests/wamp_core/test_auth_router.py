"""wamp_core.router_auth: pending authentications with static principals, config checks.

Fixed vectors: CROSSBAR_* were produced by Crossbar.io 26.10.1's own PendingAuthScram,
PendingAuthWampCra and PendingAuthCryptosign (in a throw-away virtual environment with
``pip install crossbar``), with their randomness patched: ``os.urandom`` returning
``bytes(range(100, 116))`` (SCRAM) or ``b"\\xa5" * 32`` (cryptosign), ``util.newid`` returning
``"N" * 64`` and ``util.utcnow`` returning CRA_TIMESTAMP (WAMP-CRA), pending session 1234.
The client answers are Autobahn|Python 26.10.2's (see test_auth_client.py and
test_cryptosign.py). Our router, with the same randomness, must send the same CHALLENGE and
give the same Accept.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import Any

import pytest
from wamp_core import router_auth
from wamp_core.router_auth import (
    AuthConfigError,
    PendingAuthWampCra,
    check_config,
    create_pending_auth,
    format_timestamp,
)
from wamp_core.types import Accept, Challenge, Deny, HelloDetails, TransportDetails

CRA_TIMESTAMP = "2024-01-02T03:04:05.678Z"
CRA_NOW = 1704164645.678  # CRA_TIMESTAMP as seconds since the epoch

CROSSBAR_SCRAM_PRINCIPAL = {
    "kdf": "argon2id-13", "iterations": 10, "memory": 512,
    "salt": "3d2fbbc7a3e1b0ad09bf4ae1d3a1a4f6",
    "stored-key": "de9962de1f1c4d9fa2b7d66a0858f3b9bdd66e4eb21a91c4a67f76554a82206e",
    "server-key": "7a861f3e79530921ec0559f6f4cfc5345131ee77f6c9619e355e07b5b0c8fd9e",
    "role": "user",
}
CROSSBAR_SCRAM_CHALLENGE = {
    "nonce": "AAECAwQFBgcICQoLDA0OD2RlZmdoaWprbG1ub3BxcnM=", "kdf": "argon2id-13",
    "salt": "PS+7x6PhsK0Jv0rh06Gk9g==", "iterations": 10, "memory": 512,
}
AUTOBAHN_SCRAM_PROOF = "cdNfDPhstHxGMEu0xOT1FW2Ybw7UoAwx4q3uHhlaaqI="
CROSSBAR_SCRAM_ACCEPT = (
    "Accept(realm=<realm1>, authid=<alice>, authrole=<user>, authmethod=scram, "
    "authprovider=static, authextra={'scram_server_signature': "
    "'L7Wv+TbGTamH42vdU9B1lS9aegxArA+b6uF3D5wqnFM='})"
)
CROSSBAR_CRA_CHALLENGE = (
    '{"authid": "joe", "authrole": "user", "authmethod": "wampcra", "authprovider": "static", '
    '"session": 1234, "nonce": "' + "N" * 64 + '", "timestamp": "2024-01-02T03:04:05.678Z"}'
)
CROSSBAR_CRA_SALTED_SIGNATURE = "8NoipQI1fUvvQZ8tnS0mcQrtev2Q2SXX6YhzTkcUJXI="
CRYPTOSIGN_PUBKEY = "1adfc8bfe1d35616e64dffbd900096f23b066f914c8c2ffbb66f6075b96e116d"
AUTOBAHN_SIG_TLS_UNIQUE = (  # seed 4d57d9..., challenge a5 * 32, channel id bytes(range(32))
    "aaac0746892406d22f48156b903f08bd5a76a12c513b21c7104af05737a5bce5b292fc8dc21a15428b7fdffc4fb2"
    "a81a60a9692e04f0aae584c1dda7617bf70da5a4a7a6a1a0a3a2adacafaea9a8abaab5b4b7b6b1b0b3b2bdbcbfbe"
    "b9b8bbba"
)
CROSSBAR_CRYPTOSIGN_ACCEPT = (
    "Accept(realm=<realm1>, authid=<client01>, authrole=<user>, authmethod=cryptosign, "
    "authprovider=static, authextra=None)"
)


def fixed_random(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    def token_bytes(n: int | None = None) -> bytes:
        return (data * (1 + (n or 32) // len(data)))[: n or 32]

    monkeypatch.setattr(secrets, "token_bytes", token_bytes)


def hello(authid: str | None = "joe", authextra: dict[str, Any] | None = None,
          realm: str = "realm1") -> HelloDetails:
    return HelloDetails(realm=realm, authmethods=["x"], authid=authid, authextra=authextra,
                        pending_session=1234)


def expect_deny(result: object, message: str, reason: str = "wamp.error.not_authorized") -> None:
    assert isinstance(result, Deny), result
    assert result.reason == reason
    assert message in (result.message or ""), result.message


# -- Crossbar.io vectors ------------------------------------------------------------------


def test_scram_challenge_and_accept_match_crossbar(monkeypatch: pytest.MonkeyPatch) -> None:
    fixed_random(monkeypatch, bytes(range(100, 116)))
    pending = create_pending_auth("scram", {"type": "static",
                                            "principals": {"alice": CROSSBAR_SCRAM_PRINCIPAL}})
    challenge = pending.start(hello("alice", {"nonce": "AAECAwQFBgcICQoLDA0ODw=="}))
    assert isinstance(challenge, Challenge) and challenge.method == "scram"
    assert challenge.extra == CROSSBAR_SCRAM_CHALLENGE
    assert str(pending.verify(AUTOBAHN_SCRAM_PROOF, {})) == CROSSBAR_SCRAM_ACCEPT


def test_salted_wampcra_matches_crossbar(monkeypatch: pytest.MonkeyPatch) -> None:
    fixed_random(monkeypatch, b"\x34\xd3\x4d")  # base64 "NNNN"
    users = {"joe": {"secret": "secret1", "role": "user", "salt": "salt123",
                     "iterations": 100, "keylen": 16}}
    pending = create_pending_auth("wampcra", {"type": "static", "users": users},
                                  session_id=1234, now=CRA_NOW)
    challenge = pending.start(hello())
    assert isinstance(challenge, Challenge)
    assert challenge.extra == {"challenge": CROSSBAR_CRA_CHALLENGE, "salt": "salt123",
                               "iterations": 100, "keylen": 16}
    result = pending.verify(CROSSBAR_CRA_SALTED_SIGNATURE)
    assert str(result) == (
        "Accept(realm=<realm1>, authid=<joe>, authrole=<user>, authmethod=wampcra, "
        "authprovider=static, authextra=None)"
    )


def test_cryptosign_with_tls_unique_matches_crossbar(monkeypatch: pytest.MonkeyPatch) -> None:
    fixed_random(monkeypatch, b"\xa5")
    config = {"type": "static",
              "principals": {"client01": {"authorized_keys": [CRYPTOSIGN_PUBKEY], "role": "user"}}}
    transport = TransportDetails(channel_id={"tls-unique": bytes(range(32))})
    pending = create_pending_auth("cryptosign", config, transport_details=transport)
    challenge = pending.start(
        hello(None, {"pubkey": CRYPTOSIGN_PUBKEY, "channel_binding": "tls-unique"})
    )
    assert isinstance(challenge, Challenge)
    assert challenge.extra == {"challenge": "a5" * 32, "channel_binding": "tls-unique"}
    assert str(pending.verify(AUTOBAHN_SIG_TLS_UNIQUE)) == CROSSBAR_CRYPTOSIGN_ACCEPT


def test_format_timestamp_never_reads_a_clock() -> None:
    assert format_timestamp(CRA_NOW) == CRA_TIMESTAMP
    assert format_timestamp(0) == "1970-01-01T00:00:00.000Z"
    with pytest.raises(TypeError, match="never reads a clock"):
        create_pending_auth("wampcra", {"type": "static", "users": {}})
    pending = PendingAuthWampCra({"type": "static", "users": {"joe": {"secret": "s"}},
                                  "default-role": "user"}, timestamp="T")
    challenge = pending.start(hello())
    assert isinstance(challenge, Challenge)
    assert json.loads(challenge.extra["challenge"])["timestamp"] == "T"


# -- per-method behaviour --------------------------------------------------------------------


def test_anonymous() -> None:
    result = create_pending_auth("anonymous", {"type": "static"}).start(hello(authextra={"a": 1}))
    assert isinstance(result, Accept)
    assert result.authrole == "anonymous" and result.authmethod == "anonymous"
    assert result.authextra == {"a": 1} and result.realm == "realm1"
    parts = (result.authid or "").split("-")
    assert len(parts) == 6 and all(len(p) == 4 for p in parts)
    configured = create_pending_auth(
        "anonymous", {"type": "static", "role": "guest", "authid": "visitor", "realm": "public"}
    ).start(hello())
    assert isinstance(configured, Accept)
    assert (configured.authid, configured.authrole, configured.realm) == ("visitor", "guest",
                                                                          "public")


def test_ticket_accepts_echoes_authextra_and_denies() -> None:
    config = {"type": "static", "principals": {"joe": {"ticket": "secret!", "role": "user"}}}
    pending = create_pending_auth("ticket", config)
    challenge = pending.start(hello(authextra={"x": 1}))
    assert isinstance(challenge, Challenge) and challenge.method == "ticket"
    assert challenge.extra == {}
    result = pending.verify("secret!")
    assert isinstance(result, Accept) and result.authextra == {"x": 1}
    wrong = create_pending_auth("ticket", config)
    wrong.start(hello())
    expect_deny(wrong.verify("guess"), "ticket in static WAMP-Ticket authentication is invalid")
    expect_deny(create_pending_auth("ticket", config).start(hello("bob")),
                'no principal with authid "bob" exists')
    expect_deny(create_pending_auth("ticket", config).start(hello(None)), "no authid requested")


def test_ticket_from_environment() -> None:
    config = {"type": "static", "principals": {"joe": {"ticket": "${JOE_TICKET}", "role": "u"}}}
    pending = create_pending_auth("ticket", config, environ={"JOE_TICKET": "from-env"})
    pending.start(hello())
    assert isinstance(pending.verify("from-env"), Accept)


def test_wampcra_plain_unsalted_and_wrong() -> None:
    config = {"type": "static", "users": {"joe": {"secret": "secret2", "role": "user"}}}
    pending = create_pending_auth("wampcra", config, session_id=7, now=CRA_NOW)
    challenge = pending.start(hello())
    assert isinstance(challenge, Challenge) and set(challenge.extra) == {"challenge"}
    fields = json.loads(challenge.extra["challenge"])
    assert fields["session"] == 7 and fields["authprovider"] == "static"
    assert len(fields["nonce"]) == 64 and fields["timestamp"] == CRA_TIMESTAMP
    from wamp_core.auth import compute_wcs

    wrong = compute_wcs("secret3", challenge.extra["challenge"]).decode()
    expect_deny(pending.verify(wrong), "WAMP-CRA client signature is invalid")


def test_wampcra_salt_defaults() -> None:
    config = {"type": "static",
              "users": {"joe": {"secret": "pw", "role": "user", "salt": "NaCl"}}}
    challenge = create_pending_auth("wampcra", config, now=0).start(hello())
    assert isinstance(challenge, Challenge)
    assert (challenge.extra["salt"], challenge.extra["iterations"],
            challenge.extra["keylen"]) == ("NaCl", 1000, 32)


def test_cryptosign_identity_rules() -> None:
    other = "ab" * 32
    config = {"type": "static", "principals": {
        "client01": {"authorized_keys": [CRYPTOSIGN_PUBKEY], "role": "user"},
        "client02": {"authorized_keys": [other], "role": "user"},
        "client03": {"authorized_keys": [other], "role": "user"},
    }}

    def start(authid: str | None, extra: dict[str, Any]) -> object:
        return create_pending_auth("cryptosign", config).start(hello(authid, extra))

    assert isinstance(start(None, {"pubkey": CRYPTOSIGN_PUBKEY}), Challenge)
    assert isinstance(start("client01", {"pubkey": CRYPTOSIGN_PUBKEY.upper()}), Challenge)
    expect_deny(start(None, {"pubkey": other}), "multiple authids")
    expect_deny(start(None, {"pubkey": "cd" * 32}), "no principal found")
    expect_deny(start("client02", {"pubkey": CRYPTOSIGN_PUBKEY}), "does not match any one of")
    expect_deny(start("client01", {}), "authextra.pubkey")
    expect_deny(start("client09", {"pubkey": CRYPTOSIGN_PUBKEY}), "no principal with authid")
    expect_deny(start(None, {"pubkey": CRYPTOSIGN_PUBKEY, "channel_binding": "tls-unique"}),
                'channel binding "tls-unique" requested, but the transport has no such channel ID')
    expect_deny(start(None, {"pubkey": CRYPTOSIGN_PUBKEY, "channel_binding": "md5"}),
                'invalid channel binding type "md5"')


def test_scram_hello_checks() -> None:
    config = {"type": "static", "principals": {"alice": CROSSBAR_SCRAM_PRINCIPAL}}
    expect_deny(create_pending_auth("scram", config).start(hello("alice")), "must send a nonce")
    expect_deny(create_pending_auth("scram", config).start(hello("alice", {"nonce": "@@"})),
                "nonce must be base64")
    expect_deny(create_pending_auth("scram", config).start(hello(None, {"nonce": "AAAA"})),
                "no authid requested")
    pending = create_pending_auth("scram", config)
    pending.start(hello("alice", {"nonce": "AAAA"}))
    expect_deny(pending.verify("AAAA"), "SCRAM authentication failed")


def test_principal_realm_role_and_realm_container() -> None:
    class Container:
        def has_realm(self, realm: str) -> bool:
            return realm == "realm1"

        def has_role(self, realm: str, authrole: str) -> bool:
            return authrole == "user"

    config = {"type": "static", "default-role": "user",
              "principals": {"joe": {"ticket": "t"}, "ann": {"ticket": "t", "role": "admin"}}}

    def start(authid: str, realm: str = "realm1") -> object:
        return create_pending_auth("ticket", config, realm_container=Container()).start(
            hello(authid, realm=realm)
        )

    assert isinstance(start("joe"), Challenge)
    expect_deny(start("ann"), 'realm "realm1" has no role "admin"', "wamp.error.no_such_role")
    expect_deny(start("joe", "realm2"), 'no realm "realm2" exists', "wamp.error.no_such_realm")
    no_role = create_pending_auth("ticket",
                                  {"type": "static", "principals": {"x": {"ticket": "t"}}})
    expect_deny(no_role.start(hello("x")), "no authrole assigned", "wamp.error.no_such_role")
    cs = {"type": "static",
          "principals": {"c": {"authorized_keys": [CRYPTOSIGN_PUBKEY], "role": "u", "realm": "r9"}}}
    pending = create_pending_auth("cryptosign", cs)
    pending.start(hello("c", {"pubkey": CRYPTOSIGN_PUBKEY}, realm="realm1"))
    assert pending._realm == "r9"


def test_state_rules() -> None:
    config = {"type": "static", "principals": {"joe": {"ticket": "t", "role": "user"}}}
    pending = create_pending_auth("ticket", config)
    expect_deny(pending.verify("t"), "no pending authentication",
                "wamp.error.authentication_failed")
    pending.start(hello())
    with pytest.raises(RuntimeError, match="start called twice"):
        pending.start(hello())
    expect_deny(pending.verify(b"t"), "invalid type bytes")
    expect_deny(pending.verify("t"), "no pending authentication",
                "wamp.error.authentication_failed")  # one answer per challenge
    anonymous = create_pending_auth("anonymous", {"type": "static"})
    anonymous.start(hello())
    expect_deny(anonymous.verify("x"), "no pending authentication",
                "wamp.error.authentication_failed")


def test_crossbar_names_hello_and_authenticate() -> None:
    config = {"type": "static", "principals": {"joe": {"ticket": "t", "role": "user"}}}
    pending = create_pending_auth("ticket", config)
    details = HelloDetails(authid="joe", authmethods=["ticket"])
    assert isinstance(pending.hello("realm7", details), Challenge)
    result = pending.authenticate("t", {})
    assert isinstance(result, Accept) and result.realm == "realm7"


# -- configuration checks ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "config", "error"),
    [
        ("ticket", {"type": "dynamic", "authenticator": "com.example.auth"},
         "type: 'dynamic' authenticators are not supported for ticket"),
        ("wampcra", {"type": "function", "create": "x.y"}, "'function' authenticators"),
        ("scram", {"type": "database"}, "type: must be 'static', got 'database'"),
        ("ticket", {"type": "static"}, "missing mandatory attribute 'principals'"),
        ("ticket", {"type": "static", "principals": []}, "principals: must be an object"),
        ("ticket", {"type": "static", "principals": {"joe": {"role": "u"}}},
         "principals.joe: missing mandatory attribute 'ticket'"),
        ("ticket", {"type": "static", "principals": {"joe": {"ticket": 5}}},
         "principals.joe.ticket: must be a string, got integer"),
        ("wampcra", {"type": "static", "users": {"joe": {"secret": "s", "salt": 1}}},
         "users.joe.salt: must be a string"),
        ("wampcra", {"type": "static", "users": {"joe": {"secret": "s", "iterations": 0}}},
         "users.joe.iterations: must be a positive integer"),
        ("wampcra", {"type": "static", "users": {"joe": {"secret": "s", "password": "p"}}},
         "users.joe: unknown attribute 'password'"),
        ("cryptosign", {"type": "static", "trustroots": {}}, "trustroots: cryptosign trustroots"),
        ("cryptosign", {"type": "static", "principals": {"c": {"authorized_keys": ["ab"]}}},
         "principals.c.authorized_keys: must be a list of 64-hex-digit Ed25519 public keys"),
        ("scram", {"type": "static", "principals": {"a": {**CROSSBAR_SCRAM_PRINCIPAL,
                                                          "kdf": "scrypt"}}},
         "principals.a.kdf: unknown KDF 'scrypt' (allowed: argon2id-13, pbkdf2)"),
        ("scram", {"type": "static", "principals": {"a": {**CROSSBAR_SCRAM_PRINCIPAL,
                                                          "stored-key": "00"}}},
         "principals.a.stored-key: must be 64 hex digits"),
        ("anonymous", {"type": "static", "principals": {}}, "unknown attribute 'principals'"),
        ("ticket", {"type": "static", "principals": {}, "users": {}}, "unknown attribute 'users'"),
        ("ticket", {"type": "static", "principals": {}, "default-role": 1}, "default-role"),
        ("tls", {"type": "static"}, "unknown or unsupported authentication method 'tls'"),
        ("ticket", ["static"], "must be an object, got array"),
    ],
)
def test_config_errors_name_the_key(method: str, config: Any, error: str) -> None:
    with pytest.raises(AuthConfigError, match=error.replace("(", r"\(").replace(")", r"\)")):
        check_config(method, config)
    with pytest.raises(AuthConfigError):
        create_pending_auth(method, config, now=0)
    assert issubclass(AuthConfigError, ValueError)


def test_valid_configs_pass() -> None:
    checks: list[tuple[str, dict[str, Any]]] = [
        ("anonymous", {"type": "static", "role": "r", "authid": "a", "realm": "x"}),
        ("ticket", {"type": "static", "principals": {"j": {"ticket": "t", "role": "r"}}}),
        ("wampcra", {"type": "static", "users": {"j": {"secret": "s", "salt": "x",
                                                       "iterations": 5, "keylen": 16}}}),
        ("cryptosign", {"type": "static",
                        "principals": {"c": {"authorized_keys": [CRYPTOSIGN_PUBKEY]}}}),
        ("scram", {"type": "static", "principals": {"a": CROSSBAR_SCRAM_PRINCIPAL}}),
        ("wamp-scram", {"type": "static", "principals": {"a": {**CROSSBAR_SCRAM_PRINCIPAL,
                                                               "kdf": "argon2id13"}}}),
    ]
    for method, config in checks:
        check_config(method, config)
    assert tuple(m for m, _ in checks) == router_auth.AUTH_METHODS


def test_generate_authid_is_random() -> None:
    ids: set[str] = {router_auth.generate_authid() for _ in range(50)}
    assert len(ids) == 50
    allowed: Callable[[str], bool] = lambda c: c in "345679ACEFGHJKLMNPQRSTUVWXY-"  # noqa: E731
    assert all(all(allowed(c) for c in i) and len(i) == 29 for i in ids)
