"""wamp_core.auth: client authenticators and the WAMP-CRA, TOTP and SCRAM helpers.

Fixed vectors and how they were produced:

- AUTOBAHN_*: computed with Autobahn|Python 26.10.2 (argon2-cffi 25.1, passlib 1.7.4) in
  .cache/venv-autobahn-auth: ``auth.derive_key``, ``auth.pbkdf2``, ``auth.compute_wcs``,
  ``AuthWampCra(authid="joe", secret="secret1").on_challenge(...)``, ``auth.compute_totp`` with
  ``time.time`` patched, ``auth.derive_scram_credential``, and ``AuthScram(authid=...,
  password=...)`` with ``_client_nonce`` set to SCRAM_CLIENT_NONCE, ``on_challenge`` fed
  SCRAM_CHALLENGE, and the server signature computed from its ``_salted_password`` and
  ``_auth_message`` (accepted by its ``on_welcome``). Crossbar.io 26.10.1's
  ``PendingAuthScram`` accepts that proof and answers the same ``scram_server_signature``
  (see test_auth_router.py).
- RFC7677: the SCRAM-SHA-256 example of RFC 7677 section 3, which the WAMP spec's
  ``wamp-scram`` reuses (its AUTHENTICATE example carries the same ClientProof).
- TOTP at t=59 also matches RFC 6238's SHA-1 vector 94287082 (last 6 digits).
"""

from __future__ import annotations

import sys
from typing import Any

import pytest
from wamp_core import auth
from wamp_core._authcommon import MissingExtraError, b64decode_strict, saslprep
from wamp_core.auth import (
    AuthAnonymous,
    AuthCryptoSign,
    AuthScram,
    AuthTicket,
    AuthWampCra,
    AuthWampScram,
    create_authenticator,
    hello_parameters,
)
from wamp_core.cryptosign import CryptosignKey
from wamp_core.interfaces import IAuthenticator
from wamp_core.types import Challenge, TransportDetails
from zope.interface.verify import verifyObject

AUTOBAHN_DERIVE_KEY = [
    ("secret1", "salt123", 100, 16, "prq7+YkJ1/KlW1X0YczMHw=="),
    ("secret2", "salt", 1000, 32, "gEKVgGd9Wdgpauw6rjMsD2e3m44tBfjNvlc/IFsz7aE="),
    ("pässwörd", "NaCl", 1, 64,
     "QGuYzHCXfKG/LAreIkpwZTRcd7gJvevilfUvvyl9IvryOTSqZmxBQuFTuqTeE2fBeZ0Cflgl05Iv5QxHSM3Q5Q=="),
]
AUTOBAHN_PBKDF2 = "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a"
CRA_CHALLENGE = (
    '{"authid": "joe", "authrole": "user", "authmethod": "wampcra", "authprovider": "static", '
    '"session": 123, "nonce": "abc", "timestamp": "2024-01-02T03:04:05.678Z"}'
)
AUTOBAHN_WCS = [
    ("secret2", "LFwZ12u5MAwN6pQx7W8WEPoD/wmg08B3LL/05gO4rRw="),
    ("prq7+YkJ1/KlW1X0YczMHw==", "DyHij5AGhCCUZf/nuWMGyK9DcmVG02p7pzGCNb7ezq4="),
]
TOTP_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # base32 of b"12345678901234567890"
AUTOBAHN_TOTP = [  # timestamp, offset 0, +1, -1
    (59, "287082", "359152", "755224"),
    (1111111109, "081804", "050471", "731029"),
    (1234567890, "005924", "590587", "980357"),
    (2000000000, "279037", "637009", "940678"),
]

SCRAM_CLIENT_NONCE = "AAECAwQFBgcICQoLDA0ODw=="  # bytes(range(16))
SCRAM_CHALLENGE = {  # Crossbar.io: nonce = base64(client nonce bytes + bytes(range(100, 116)))
    "nonce": "AAECAwQFBgcICQoLDA0OD2RlZmdoaWprbG1ub3BxcnM=",
    "kdf": "argon2id-13",
    "salt": "PS+7x6PhsK0Jv0rh06Gk9g==",
    "iterations": 10,
    "memory": 512,
}
AUTOBAHN_SCRAM = [  # authid, password, salted password, proof, server signature
    ("alice", "secret123", "Q3n7IHDmaiXlNAWtnKAmo97WwjOil+/8c5G6BNlTX4k",
     "cdNfDPhstHxGMEu0xOT1FW2Ybw7UoAwx4q3uHhlaaqI=",
     "L7Wv+TbGTamH42vdU9B1lS9aegxArA+b6uF3D5wqnFM="),
    ("bob", "päss wörd", "bnaftLmUbKxFJgSq3+xKSc94ZZecPYc3bCRxvSeqDW8",
     "MPLJB39GyMyTg0pcJOPDSv7uN0aD1RAoKIpwpPJVKGY=",
     "fynfFiDRg4rYeTn7B1dlvIrvqmn6GEvC0oDT1EYw+oU="),
]
# derive_scram_credential("bob@example.com", "pw", bytes.fromhex(salt))
AUTOBAHN_SCRAM_CREDENTIAL = {
    "kdf": "argon2id-13",
    "memory": 512,
    "iterations": 4096,
    "salt": "00112233445566778899aabbccddeeff",
    "stored-key": "de906abb9d8808b0d6d9c5b5a02473e00f825530180a5f1c68964dc27fb8fdea",
    "server-key": "cef3f9e24e241fe59789a9dd0b7d9e037effa2e77911e106a0cb922ab04306d3",
}
RFC7677 = {
    "authid": "user",
    "password": "pencil",
    "client_nonce": "rOprNGfwEbeRWgbNEkqO",
    "challenge": {"nonce": "rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
                  "salt": "W22ZaJ0SNY7soEsUEjb6gQ==", "kdf": "pbkdf2", "iterations": 4096},
    "proof": "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
    "verifier": "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
}


class FakeTransport:
    def __init__(self, channel_id: dict[str, bytes] | None) -> None:
        self.transport_details = TransportDetails(channel_id=channel_id)


class FakeSession:
    """What authenticators read from a session: ``_transport.transport_details``."""

    def __init__(self, channel_id: dict[str, bytes] | None = None) -> None:
        self._transport = FakeTransport(channel_id)


# -- WAMP-CRA helpers --------------------------------------------------------------


@pytest.mark.parametrize(
    ("secret", "salt", "iterations", "keylen", "expected"), AUTOBAHN_DERIVE_KEY
)
def test_derive_key_matches_autobahn(
    secret: str, salt: str, iterations: int, keylen: int, expected: str
) -> None:
    assert auth.derive_key(secret, salt, iterations, keylen) == expected.encode()
    assert auth.derive_key(secret.encode(), salt.encode(), iterations, keylen) == expected.encode()


def test_pbkdf2_and_compute_wcs_match_autobahn() -> None:
    assert auth.pbkdf2(b"password", b"salt", 4096, 32).hex() == AUTOBAHN_PBKDF2
    assert len(auth.pbkdf2(b"password", b"salt", 10, 20, "sha1")) == 20
    with pytest.raises(ValueError, match="Invalid argument types"):
        auth.pbkdf2("password", b"salt")  # type: ignore[arg-type]
    for key, expected in AUTOBAHN_WCS:
        assert auth.compute_wcs(key.encode(), CRA_CHALLENGE.encode()) == expected.encode()
        assert auth.compute_wcs(key, CRA_CHALLENGE) == expected.encode()
    with pytest.raises(ValueError, match="'iterations' must be an integer"):
        auth.derive_key("s", "salt", "1000")  # type: ignore[arg-type]


def test_generate_wcs() -> None:
    secrets_ = {auth.generate_wcs() for _ in range(20)}
    assert len(secrets_) == 20
    for secret in secrets_:
        assert len(secret) == 14 and set(secret.decode()) <= set(auth.WCS_SECRET_CHARSET)
    assert len(auth.generate_wcs(40)) == 40


def test_wampcra_plain_and_salted() -> None:
    cra = AuthWampCra(authid="joe", secret="secret2")
    plain = cra.on_challenge(None, Challenge("wampcra", {"challenge": CRA_CHALLENGE}))
    assert plain == AUTOBAHN_WCS[0][1]
    salted = AuthWampCra(authid="joe", secret=b"secret1").on_challenge(
        None,
        Challenge("wampcra", {"challenge": CRA_CHALLENGE, "salt": "salt123",
                              "iterations": 100, "keylen": 16}),
    )
    assert salted == AUTOBAHN_WCS[1][1]
    # salt without PBKDF2 parameters: the defaults 1000 and 32
    default = AuthWampCra(authid="joe", secret="secret2").on_challenge(
        None, Challenge("wampcra", {"challenge": CRA_CHALLENGE, "salt": "salt"})
    )
    assert default == auth.compute_wcs(AUTOBAHN_DERIVE_KEY[1][4], CRA_CHALLENGE).decode()
    with pytest.raises(ValueError, match="invalid iterations"):
        cra.on_challenge(
            None, Challenge("wampcra", {"challenge": "x", "salt": "s", "iterations": 0})
        )
    with pytest.raises(ValueError, match="no 'challenge'"):
        cra.on_challenge(None, Challenge("wampcra", {}))


# -- TOTP -----------------------------------------------------------------------------


@pytest.mark.parametrize(("timestamp", "now", "later", "earlier"), AUTOBAHN_TOTP)
def test_totp_matches_autobahn(timestamp: int, now: str, later: str, earlier: str) -> None:
    assert auth.compute_totp(TOTP_SECRET, timestamp=timestamp) == now
    assert auth.compute_totp(TOTP_SECRET, 1, timestamp=timestamp) == later
    assert auth.compute_totp(TOTP_SECRET, -1, timestamp=timestamp) == earlier
    for code in (now, later, earlier):
        assert auth.check_totp(TOTP_SECRET, code, timestamp=timestamp)
    assert not auth.check_totp(TOTP_SECRET, "000000", timestamp=timestamp)


def test_totp_never_reads_a_clock() -> None:
    with pytest.raises(TypeError, match="never reads a clock"):
        auth.compute_totp(TOTP_SECRET)
    secret = auth.generate_totp_secret()
    assert len(secret) == 16 and auth.compute_totp(secret, timestamp=0).isdigit()
    with pytest.raises(ValueError, match="invalid secret"):
        auth.compute_totp("not base32!", timestamp=0)


# -- SCRAM ------------------------------------------------------------------------------


def scram_client(authid: str, password: str, cls: type[AuthScram] = AuthScram,
                 nonce: str = SCRAM_CLIENT_NONCE, **kw: Any) -> AuthScram:
    client = cls(authid=authid, password=password, **kw)
    client._client_nonce = nonce
    return client


@pytest.mark.parametrize(("authid", "password", "salted", "proof", "server_sig"), AUTOBAHN_SCRAM)
def test_scram_matches_autobahn(
    authid: str, password: str, salted: str, proof: str, server_sig: str
) -> None:
    client = scram_client(authid, password)
    assert client.authextra["nonce"] == SCRAM_CLIENT_NONCE
    assert client.on_challenge(None, Challenge("scram", SCRAM_CHALLENGE)) == proof
    assert client._salted_password == salted.encode()
    assert client._auth_message == (
        f"n={authid},r={SCRAM_CLIENT_NONCE},r={SCRAM_CHALLENGE['nonce']},"
        f"s={SCRAM_CHALLENGE['salt']},i=10,c=,r={SCRAM_CHALLENGE['nonce']}"
    ).encode()
    assert client.on_welcome(None, {"scram_server_signature": server_sig}) is None
    assert client.authenticate_extra == {}


def test_scram_server_signature_mismatch_is_detected() -> None:
    client = scram_client(*AUTOBAHN_SCRAM[0][:2])
    client.on_challenge(None, Challenge("scram", SCRAM_CHALLENGE))
    wrong = AUTOBAHN_SCRAM[1][4]
    assert client.on_welcome(None, {"scram_server_signature": wrong}) == (
        "Verification of server SCRAM signature failed"
    )
    assert "no server signature" in str(client.on_welcome(None, {}))
    assert "no server signature" in str(client.on_welcome(None, None))
    assert client.on_welcome(None, {"scram_server_signature": "!!"}) is not None


def test_scram_welcome_without_challenge_is_refused() -> None:
    client = AuthScram(authid="alice", password="pw")
    reason = client.on_welcome(None, {"scram_server_signature": ""})
    assert "without a SCRAM challenge" in str(reason)


def test_scram_client_nonce_is_fresh_and_stable() -> None:
    one, two = AuthScram(authid="a", password="p"), AuthScram(authid="a", password="p",
                                                                authextra={"x": 1})
    assert one.authextra["nonce"] == one.authextra["nonce"]
    assert one.authextra["nonce"] != two.authextra["nonce"]
    assert two.authextra["x"] == 1 and len(b64decode_strict(two.authextra["nonce"])) == 16


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"nonce": "AAECAwQFBgcICQoLDA0OD2RlZmdoaWprbG1ub3BxcnQ="}, None),  # still extends ours
        ({"nonce": "/wECAwQFBgcICQoLDA0OD2RlZmdoaWprbG1ub3BxcnM="}, "does not extend"),
        ({"nonce": SCRAM_CLIENT_NONCE}, "does not extend"),
        ({"kdf": "scrypt"}, "unknown KDF 'scrypt'"),
        ({"memory": None}, "needs 'memory'"),
        ({"iterations": 0}, "iterations must be a positive integer"),
        ({"salt": "not base64"}, "base64"),
        ({"kdf": None}, "unknown KDF"),
    ],
)
def test_scram_challenge_checks(change: dict[str, Any], error: str | None) -> None:
    client = scram_client("alice", "secret123")
    extra = {**SCRAM_CHALLENGE, **change}
    if error is None:
        assert client.on_challenge(None, Challenge("scram", extra))
    else:
        with pytest.raises((RuntimeError, ValueError), match=error):
            client.on_challenge(None, Challenge("scram", extra))


def test_scram_missing_option() -> None:
    extra = {k: v for k, v in SCRAM_CHALLENGE.items() if k != "salt"}
    with pytest.raises(RuntimeError, match="option 'salt' is required"):
        scram_client("alice", "pw").on_challenge(None, Challenge("scram", extra))


def test_scram_pbkdf2_round_trips_with_credential() -> None:
    salt = bytes(range(16))
    cred = auth.derive_scram_credential("e", "pw", salt, kdf="pbkdf2", iterations=100)
    client = scram_client("carol", "pw")
    extra = {"nonce": SCRAM_CHALLENGE["nonce"], "kdf": "pbkdf2",
             "salt": "AAECAwQFBgcICQoLDA0ODw==", "iterations": 100}
    proof = client.on_challenge(None, Challenge("scram", extra))
    from wamp_core import _scram

    assert _scram.check_client_proof(bytes.fromhex(cred["stored-key"]), client._auth_message or b"",
                                     proof)


def test_derive_scram_credential_matches_autobahn() -> None:
    salt = bytes.fromhex(AUTOBAHN_SCRAM_CREDENTIAL["salt"])  # type: ignore[arg-type]
    cred = auth.derive_scram_credential("bob@example.com", "pw", salt)
    assert cred == AUTOBAHN_SCRAM_CREDENTIAL
    with pytest.raises(ValueError, match="16 bytes"):
        auth.derive_scram_credential("x", "pw", b"short")


def test_wamp_scram_rfc7677_vector() -> None:
    client = scram_client(RFC7677["authid"], RFC7677["password"], AuthWampScram,
                          nonce=RFC7677["client_nonce"])
    proof = client.on_challenge(None, Challenge("wamp-scram", RFC7677["challenge"]))
    assert proof == RFC7677["proof"]
    assert client.authenticate_extra == {
        "nonce": RFC7677["challenge"]["nonce"], "channel_binding": None, "cbind_data": None,
    }
    assert client.on_welcome(None, {"verifier": RFC7677["verifier"]}) is None
    assert client.on_welcome(None, {"verifier": RFC7677["verifier"][2:]}) is None
    assert client.on_welcome(None, {"scram_server_signature": RFC7677["verifier"][2:]})
    with pytest.raises(RuntimeError, match="does not begin with"):
        scram_client("user", "pencil", AuthWampScram, nonce="other").on_challenge(
            None, Challenge("wamp-scram", RFC7677["challenge"])
        )


def test_missing_argon2_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "argon2.low_level", None)
    monkeypatch.setitem(sys.modules, "argon2", None)
    with pytest.raises(MissingExtraError, match=r"wamp-core\[scram\]"):
        scram_client("alice", "pw").on_challenge(None, Challenge("scram", SCRAM_CHALLENGE))


def test_saslprep_matches_passlib() -> None:
    # passlib.utils.saslprep (used by Autobahn and Crossbar.io) gives the same results
    assert saslprep("I\u00adX") == "IX"
    assert saslprep("\u00aa") == "a"
    assert saslprep("\u2168") == "IX"
    assert saslprep("a\u00a0b") == "a b"
    assert saslprep("\ufb01") == "fi"
    assert saslprep("\u0627\u0031\u0628") == "\u0627\u0031\u0628"
    for bad in ("\u0007", "\u0627\u0031", "\u05d0a", "\u0221"):
        with pytest.raises(ValueError, match="saslprep"):
            saslprep(bad)


# -- anonymous, ticket, cryptosign, create_authenticator ---------------------------


def test_anonymous_and_ticket() -> None:
    anon = AuthAnonymous(authrole="guest")
    assert anon.name == "anonymous" and anon.authextra == {} and anon.authrole == "guest"
    with pytest.raises(RuntimeError, match="anonymous"):
        anon.on_challenge(None, Challenge("ticket"))
    ticket = AuthTicket(authid="joe", ticket="s3cret", authextra={"a": 1})
    assert ticket.on_challenge(None, Challenge("ticket")) == "s3cret"
    assert ticket.authextra == {"a": 1} and "ticket" not in ticket._args
    assert ticket.on_welcome(None, {}) is None
    with pytest.raises(RuntimeError, match="'wampcra'"):
        ticket.on_challenge(None, Challenge("wampcra"))
    with pytest.raises(ValueError, match="requires 'ticket=' kwarg"):
        AuthTicket(authid="joe")


def test_cryptosign_authextra_and_signature() -> None:
    seed = "4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510"
    client = AuthCryptoSign(authid="client01", privkey=seed)
    pub = CryptosignKey.from_seed(seed).public_key()
    assert client.authextra == {"pubkey": pub}
    chal = Challenge("cryptosign", {"challenge": "ff" * 32, "channel_binding": None})
    # the first test vector of the spec
    assert client.on_challenge(FakeSession(), chal).startswith("b32675b221f08593213737bef8240e7c")
    with pytest.raises(ValueError, match="doesn't correspond"):
        AuthCryptoSign(privkey=seed, authextra={"pubkey": "00" * 32})
    with pytest.raises(ValueError, match="Must provide 'privkey'"):
        AuthCryptoSign(authid="x")
    with pytest.raises(ValueError, match="Unexpected key 'secret'"):
        AuthCryptoSign(privkey=seed, secret="x")


def test_cryptosign_channel_binding() -> None:
    seed = "01" * 32
    channel_id = bytes(range(32))
    client = AuthCryptoSign(privkey=seed, authextra={"channel_binding": "tls-unique"})
    chal = Challenge("cryptosign", {"challenge": "a5" * 32, "channel_binding": "tls-unique"})
    signed = client.on_challenge(FakeSession({"tls-unique": channel_id}), chal)
    assert bytes.fromhex(signed[128:]) == bytes(0xA5 ^ i for i in range(32))
    assert CryptosignKey.from_seed(seed).verify_challenge(chal, signed, channel_id, "tls-unique")
    with pytest.raises(RuntimeError, match="no such channel ID"):
        client.on_challenge(FakeSession(), chal)
    # the router must use the binding the client asked for
    unbound = Challenge("cryptosign", {"challenge": "a5" * 32, "channel_binding": None})
    with pytest.raises(RuntimeError, match="router's challenge uses None"):
        client.on_challenge(FakeSession({"tls-unique": channel_id}), unbound)
    with pytest.raises(RuntimeError, match="'tls-unique'"):
        AuthCryptoSign(privkey=seed).on_challenge(FakeSession(), chal)
    with pytest.raises(ValueError, match="invalid channel_binding"):
        AuthCryptoSign(privkey=seed, authextra={"channel_binding": "tls-server-end-point"})


def test_cryptosign_key_sources(tmp_path: Any) -> None:
    from test_cryptosign import SSH_PRIVATE, SSH_PUB_HEX

    path = tmp_path / "id_ed25519"
    path.write_text(SSH_PRIVATE)
    assert AuthCryptoSign(privkey_file=str(path)).authextra["pubkey"] == SSH_PUB_HEX
    key = CryptosignKey.from_seed("02" * 32)
    assert AuthCryptoSign(privkey=key).key is key
    assert AuthCryptoSign(privkey=bytes.fromhex("02" * 32)).authextra["pubkey"] == key.public_key()
    with pytest.raises(ValueError, match="a private key is needed"):
        AuthCryptoSign(privkey=CryptosignKey.from_pubkey(key.public_key(binary=True)))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not both"):
        AuthCryptoSign(privkey="02" * 32, privkey_file=str(path))


@pytest.mark.parametrize(
    ("name", "kwargs", "cls"),
    [
        ("anonymous", {}, AuthAnonymous),
        ("anonymous-proxy", {}, auth.AuthAnonymousProxy),
        ("ticket", {"ticket": "t"}, AuthTicket),
        ("wampcra", {"authid": "joe", "secret": "s"}, AuthWampCra),
        ("cryptosign", {"privkey": "01" * 32}, AuthCryptoSign),
        ("cryptosign-proxy", {"privkey": "01" * 32}, auth.AuthCryptoSignProxy),
        ("scram", {"authid": "joe", "password": "p"}, AuthScram),
        ("wamp-scram", {"authid": "joe", "password": "p"}, AuthWampScram),
    ],
)
def test_create_authenticator(name: str, kwargs: dict[str, Any], cls: type) -> None:
    authenticator = create_authenticator(name, authrole="user", **kwargs)
    assert type(authenticator) is cls and authenticator.name == name
    assert authenticator.authrole == "user" and authenticator._args["authrole"] == "user"
    assert verifyObject(IAuthenticator, authenticator)
    assert isinstance(authenticator.authextra, dict)


@pytest.mark.parametrize(
    ("name", "kwargs", "error"),
    [
        ("kerberos", {}, "Unknown authenticator 'kerberos'"),
        ("wampcra", {"secret": "s"}, "Must provide 'authid'"),
        ("wampcra", {"authid": "joe"}, "Must provide 'secret'"),
        ("scram", {"authid": "joe"}, "Must provide 'password'"),
        ("anonymous", {"ticket": "t"}, "Unexpected key 'ticket'"),
    ],
)
def test_create_authenticator_errors(name: str, kwargs: dict[str, Any], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        create_authenticator(name, **kwargs)


def test_argument_types_are_checked() -> None:
    with pytest.raises(TypeError, match="'authid' must be a str"):
        AuthAnonymous(authid=5)
    with pytest.raises(TypeError, match="'authextra' must be a dict"):
        AuthAnonymous(authextra=[1])
    with pytest.raises(TypeError, match="'ticket' must be a str"):
        AuthTicket(ticket=b"t")


def test_hello_parameters_merge_like_autobahn() -> None:
    ticket = AuthTicket(authid="joe", ticket="t", authextra={"shared": 1})
    cra = AuthWampCra(authid="joe", authrole="user", secret="s", authextra={"shared": 1})
    scram = AuthScram(authid="joe", password="p")
    methods, authid, authrole, authextra = hello_parameters([ticket, cra, scram])
    assert methods == ["ticket", "wampcra", "scram"]
    assert (authid, authrole) == ("joe", "user")
    assert authextra == {"shared": 1, "nonce": scram.authextra["nonce"]}
    assert hello_parameters([AuthAnonymous()]) == (["anonymous"], None, None, {})
    with pytest.raises(ValueError, match="Inconsistent authids: joe ann"):
        hello_parameters([ticket, AuthWampCra(authid="ann", secret="s")])
    with pytest.raises(ValueError, match="Inconsistent authextra values for 'shared'"):
        hello_parameters([ticket, AuthAnonymous(authextra={"shared": 2})])
    with pytest.raises(ValueError, match="two authenticators for authmethod 'ticket'"):
        hello_parameters([ticket, ticket])
