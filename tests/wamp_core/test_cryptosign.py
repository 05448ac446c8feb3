"""wamp_core.cryptosign: Ed25519 keys, the signed message, channel binding, key loading.

Fixed vectors:

- SPEC_VECTORS are the "Test Vectors" of the WAMP advanced profile, "Cryptosign-based
  Authentication" (wamp-proto/wamp-proto rfc/text/advanced/ap_35_authentication_cryptosign.md).
- AUTOBAHN_VECTORS were computed with Autobahn|Python 26.10.2 (PyNaCl) in
  .cache/venv-autobahn-auth: ``CryptosignKey.from_bytes(seed).sign_challenge(Challenge(
  "cryptosign", {"challenge": "a5" * 32}))``, and with ``channel_id=bytes(range(32)),
  channel_id_type="tls-unique"``.
- SSH_PRIVATE/SSH_PUBLIC were made by ``ssh-keygen -t ed25519 -C joe@example -N ''``;
  Autobahn's ``CryptosignKey.from_ssh_bytes`` reads public key SSH_PUB_HEX, comment
  ``joe@example`` and seed SSH_SEED_HEX from them.
"""

from __future__ import annotations

import sys

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from wamp_core.cryptosign import (
    CryptosignKey,
    MissingExtraError,
    format_challenge,
    verify_signed_challenge,
)
from wamp_core.interfaces import ICryptosignKey
from wamp_core.types import Challenge
from zope.interface.verify import verifyObject

SPEC_CHANNEL_ID = "62e935ae755f3d48f80d4d59f6121358c435722a67e859cc0caa8b539027f2ff"
SPEC_VECTORS = [
    (None, "4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510",
     "ff" * 32,
     "b32675b221f08593213737bef8240e7c15228b07028e19595294678c90d11c0cae80a357331bfc5cc9fb71081464"
     "e6e75013517c2cf067ad566a6b7b728e5d03" + "ff" * 32),
    (None, "d511fe78e23934b3dadb52fcd022974b80bd92bccc7c5cf404e46cc0a8a2f5cd",
     "b26c1f87c13fc1da14997f1b5a71995dff8fbe0a62fae8473c7bdbd05bfb607d",
     "d4209ad10d5aff6bfbc009d7e924795de138a63515efc7afc6b01b7fe5201372190374886a70207b042294af5bd6"
     "4ce725cd8dceb344e6d11c09d1aaaf4d660fb26c1f87c13fc1da14997f1b5a71995dff8fbe0a62fae8473c7bdbd0"
     "5bfb607d"),
    (None, "6e1fde9cf9e2359a87420b65a87dc0c66136e66945196ba2475990d8a0c3a25b",
     "b05e6b8ad4d69abf74aa3be3c0ee40ae07d66e1895b9ab09285a2f1192d562d2",
     "7beb282184baadd08f166f16dd683b39cab53816ed81e6955def951cb2ddad1ec184e206746fd82bda075af03711"
     "d3d5658fc84a76196b0fa8d1ebc92ef9f30bb05e6b8ad4d69abf74aa3be3c0ee40ae07d66e1895b9ab09285a2f11"
     "92d562d2"),
    (SPEC_CHANNEL_ID, "4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510",
     "ff" * 32,
     "9b6f41540c9b95b4b7b281c3042fa9c54cef43c842d62ea3fd6030fcb66e70b3e80d49d44c29d1635da9348d02ec"
     "93f3ed1ef227dfb59a07b580095c2b82f80f9d16ca518aa0c2b707f2b2a609edeca73bca8dd59817a633f35574ac"
     "6fd80d00"),
    (SPEC_CHANNEL_ID, "d511fe78e23934b3dadb52fcd022974b80bd92bccc7c5cf404e46cc0a8a2f5cd",
     "b26c1f87c13fc1da14997f1b5a71995dff8fbe0a62fae8473c7bdbd05bfb607d",
     "305aaa3ac25e98f651427688b3fc43fe7d8a68a7ec1d7d61c61517c519bd4a427c3015599d83ca28b4c652333920"
     "223844ef0725eb5dc2febfd6af7677b73f01d0852a29b460fc92ec943242ac638a053bbacc200512b18b30d15083"
     "cbdc9282"),
    (SPEC_CHANNEL_ID, "6e1fde9cf9e2359a87420b65a87dc0c66136e66945196ba2475990d8a0c3a25b",
     "b05e6b8ad4d69abf74aa3be3c0ee40ae07d66e1895b9ab09285a2f1192d562d2",
     "ee3c7644fd8070532bc1fde3d70d742267da545d8c8f03e63bda63f1ad4214f4d2c4bfdb4eb9526def42deeb7e31"
     "602a6ff99eba893e0a4ad4d45892ca75e608d2b75e24a189a7f78ca776ba36fc53f6c3e31c32f251f2c524f0a442"
     "02f2902d"),
]

AUTOBAHN_CHANNEL_ID = bytes(range(32))
AUTOBAHN_VECTORS = [
    ("4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510",
     "1adfc8bfe1d35616e64dffbd900096f23b066f914c8c2ffbb66f6075b96e116d",
     "47bccb80a4c3f7101760ff1f28de77e881876ee22dd073faed91639601c6ce138e76791ab331f362d299a0d385d8"
     "44c8cce137f61ea89a2fcdcf16af89163501" + "a5" * 32,
     "aaac0746892406d22f48156b903f08bd5a76a12c513b21c7104af05737a5bce5b292fc8dc21a15428b7fdffc4fb2"
     "a81a60a9692e04f0aae584c1dda7617bf70da5a4a7a6a1a0a3a2adacafaea9a8abaab5b4b7b6b1b0b3b2bdbcbfbe"
     "b9b8bbba"),
    ("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20",
     "79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664",
     "08c0a72ca34fe4022161c4920125b2066500e7ffa4b335f41f8eb5eb9572f0c68145877403963269f60dd9d807fc"
     "e4e7ba35357d32e578f43d7e0ee74344b007" + "a5" * 32,
     "50c806ec5f6851f35fe38fab51a4e6b8fc13b70b1fde2e2ce3a2650b4b66ef0f06b66a8e59e360f10f630f827d52"
     "f9fd0577f291a71477701298a5f851f8840ba5a4a7a6a1a0a3a2adacafaea9a8abaab5b4b7b6b1b0b3b2bdbcbfbe"
     "b9b8bbba"),
]

SSH_PRIVATE = """-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACCFgWrQ4TTilfYXD2tK9BnRIOwYG5pBdq15o1shTvPxZQAAAJBoR3nTaEd5
0wAAAAtzc2gtZWQyNTUxOQAAACCFgWrQ4TTilfYXD2tK9BnRIOwYG5pBdq15o1shTvPxZQ
AAAEB4dA95is7FZWiDuD8TRqXHdhiFuR1fsfSEQJnikI+tM4WBatDhNOKV9hcPa0r0GdEg
7BgbmkF2rXmjWyFO8/FlAAAAC2pvZUBleGFtcGxlAQI=
-----END OPENSSH PRIVATE KEY-----
"""
SSH_PUBLIC = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIWBatDhNOKV9hcPa0r0GdEg7BgbmkF2rXmjWyFO8/Fl joe@example\n"
)
SSH_PUB_HEX = "85816ad0e134e295f6170f6b4af419d120ec181b9a4176ad79a35b214ef3f165"
SSH_SEED_HEX = "78740f798acec5656883b83f1346a5c7761885b91d5fb1f4844099e2908fad33"


def challenge(hex_text: str) -> Challenge:
    return Challenge("cryptosign", {"challenge": hex_text, "channel_binding": None})


# -- fixed vectors ----------------------------------------------------------------


@pytest.mark.parametrize(("channel_id", "seed", "chal", "signature"), SPEC_VECTORS)
def test_spec_vectors(channel_id: str | None, seed: str, chal: str, signature: str) -> None:
    key = CryptosignKey.from_seed(seed)
    cid = bytes.fromhex(channel_id) if channel_id else None
    kind = "tls-unique" if channel_id else None
    assert key.sign_challenge(challenge(chal), cid, kind) == signature
    assert key.verify_challenge(challenge(chal), signature, cid, kind) is True
    assert verify_signed_challenge(key.public_key(), chal, signature, cid, kind) is None


@pytest.mark.parametrize(("seed", "pubkey", "plain", "bound"), AUTOBAHN_VECTORS)
def test_autobahn_vectors(seed: str, pubkey: str, plain: str, bound: str) -> None:
    key = CryptosignKey.from_bytes(bytes.fromhex(seed))
    assert key.public_key() == pubkey
    assert key.public_key(binary=True) == bytes.fromhex(pubkey)
    assert key.sign_challenge(challenge("a5" * 32)) == plain
    assert key.sign_challenge(challenge("a5" * 32), AUTOBAHN_CHANNEL_ID, "tls-unique") == bound


def test_signed_message_is_challenge_xor_channel_id() -> None:
    raw = bytes.fromhex("a5" * 32)
    assert format_challenge(challenge("a5" * 32)) == raw
    assert format_challenge("a5" * 32, AUTOBAHN_CHANNEL_ID, "tls-unique") == bytes(
        0xA5 ^ i for i in range(32)
    )
    assert format_challenge(raw, AUTOBAHN_CHANNEL_ID, "tls-exporter") == bytes(
        0xA5 ^ i for i in range(32)
    )
    # without a binding type the channel id is ignored, as in Autobahn
    assert format_challenge(raw, AUTOBAHN_CHANNEL_ID, None) == raw
    signed = CryptosignKey.from_seed("01" * 32).sign_challenge(
        challenge("a5" * 32), AUTOBAHN_CHANNEL_ID, "tls-exporter"
    )
    assert bytes.fromhex(signed[128:]) == bytes(0xA5 ^ i for i in range(32))


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("ab" * 31,), "64 hex digits"),
        (("zz" * 32,), "not hex"),
        ((b"\x00" * 31,), "32 bytes"),
        ((Challenge("cryptosign", {}),), "no 'challenge'"),
        (("ab" * 32, None, "tls-unique"), "needs the 32-byte channel ID"),
        (("ab" * 32, b"\x00" * 16, "tls-unique"), "got 16 bytes"),
        (("ab" * 32, b"\x00" * 32, "tls-server-end-point"), "invalid channel binding type"),
    ],
)
def test_format_challenge_rejects(args: tuple[object, ...], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        format_challenge(*args)  # type: ignore[arg-type]


# -- verification (the router side) --------------------------------------------


def test_verify_reports_why() -> None:
    key = CryptosignKey.from_seed("01" * 32)
    other = CryptosignKey.from_seed("02" * 32)
    chal = challenge("a5" * 32)
    good = key.sign_challenge(chal)
    assert verify_signed_challenge(key.public_key(), chal, good) is None
    reason = verify_signed_challenge(other.public_key(), chal, good)
    assert "invalid for this public key" in str(reason)
    tampered = ("00" if good[:2] != "00" else "11") + good[2:]
    assert "invalid" in str(verify_signed_challenge(key.public_key(), chal, tampered))
    # the 32 bytes signed must be what the router expects (channel binding mismatch)
    bound = key.sign_challenge(chal, AUTOBAHN_CHANNEL_ID, "tls-unique")
    assert "not the challenge" in str(verify_signed_challenge(key.public_key(), chal, bound))
    wrong_channel = bytes(32)
    assert verify_signed_challenge(key.public_key(), chal, bound, wrong_channel, "tls-unique")
    assert "96 bytes" in str(verify_signed_challenge(key.public_key(), chal, good[:100]))
    assert "not hex" in str(verify_signed_challenge(key.public_key(), chal, "xy" * 96))
    assert "hex" in str(verify_signed_challenge("nothex", chal, good))
    # a bare 64-byte signature is checked against the expected message
    assert key.verify_challenge(chal, bytes.fromhex(good[:128])) is True
    bare = bytes.fromhex(good[:128])
    assert key.verify_challenge(chal, bare, AUTOBAHN_CHANNEL_ID, "tls-unique") is False


def test_public_key_cannot_sign() -> None:
    pub = CryptosignKey.from_pubkey(bytes.fromhex(AUTOBAHN_VECTORS[0][1]))
    assert not pub.can_sign
    assert pub.can_sign() is False
    assert repr(pub.can_sign) == "False"
    with pytest.raises(RuntimeError, match="cannot sign"):
        pub.sign(b"data")
    assert pub.verify_challenge(challenge("a5" * 32), AUTOBAHN_VECTORS[0][2]) is True


def test_key_properties_and_interface() -> None:
    key = CryptosignKey.from_bytes(b"\x07" * 32, comment="me")
    assert key.can_sign and key.can_sign() is True
    assert key.key_type == "ed25519"
    assert key.comment == "me" and key.key_no is None and key.security_module is None
    assert len(key.sign(b"hello")) == 64
    assert verifyObject(ICryptosignKey, key)
    with pytest.raises(NotImplementedError):
        key.recover(b"data", b"sig")
    assert "private" in repr(key) and key.public_key() in repr(key)
    assert CryptosignKey.from_key_bytes(b"\x07" * 32).public_key() == key.public_key()


@pytest.mark.parametrize(
    ("factory", "arg"),
    [
        (CryptosignKey.from_bytes, b"\x00" * 31),
        (CryptosignKey.from_bytes, "00" * 32),
        (CryptosignKey.from_pubkey, b"\x00" * 33),
        (CryptosignKey.from_seed, "zz" * 32),
    ],
)
def test_bad_key_material(factory: object, arg: object) -> None:
    with pytest.raises(ValueError):
        factory(arg)  # type: ignore[operator]


def test_wrong_method_refused() -> None:
    with pytest.raises(ValueError, match="method 'wampcra'"):
        CryptosignKey.from_seed("01" * 32).sign_challenge(
            Challenge("wampcra", {"challenge": "a5" * 32})
        )


# -- key files ---------------------------------------------------------------------


def test_openssh_files_from_ssh_keygen(tmp_path: object) -> None:
    key = CryptosignKey.from_ssh_bytes(SSH_PRIVATE)
    assert key.can_sign and key.public_key() == SSH_PUB_HEX and key.comment == "joe@example"
    assert key.sign(b"x") == CryptosignKey.from_seed(SSH_SEED_HEX).sign(b"x")
    pub = CryptosignKey.from_ssh_bytes(SSH_PUBLIC.encode())
    assert not pub.can_sign and pub.public_key() == SSH_PUB_HEX and pub.comment == "joe@example"


def test_openssh_file_generated_with_cryptography(tmp_path: pytest.TempPathFactory) -> None:
    private = Ed25519PrivateKey.generate()
    path = tmp_path / "id_ed25519"  # type: ignore[operator]
    path.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption(),
        )
    )
    pub_path = tmp_path / "id_ed25519.pub"  # type: ignore[operator]
    pub_path.write_bytes(
        private.public_key().public_bytes(
            serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
        )
    )
    key = CryptosignKey.from_ssh_file(str(path))
    expected = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    assert key.public_key(binary=True) == expected and key.comment is None
    chal = challenge("5a" * 32)
    signature = key.sign_challenge(chal)
    public = CryptosignKey.from_ssh_file(str(pub_path))
    assert public.public_key(binary=True) == expected and public.comment is None
    assert public.verify_challenge(chal, signature)


def test_openssh_non_ed25519_refused() -> None:
    ec = generate_private_key(SECP256R1())
    ser = serialization
    text = ec.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.OpenSSH, ser.NoEncryption())
    with pytest.raises(ValueError, match="not Ed25519"):
        CryptosignKey.from_ssh_bytes(text)
    pub = ec.public_key().public_bytes(ser.Encoding.OpenSSH, ser.PublicFormat.OpenSSH)
    with pytest.raises(ValueError, match="not Ed25519"):
        CryptosignKey.from_ssh_bytes(pub)
    with pytest.raises(ValueError, match="cannot read"):
        CryptosignKey.from_ssh_bytes("ssh-ed25519 notbase64")


def test_raw_and_crossbar_key_files(tmp_path: pytest.TempPathFactory) -> None:
    raw = tmp_path / "client.key"  # type: ignore[operator]
    raw.write_bytes(bytes.fromhex(AUTOBAHN_VECTORS[0][0]))
    assert CryptosignKey.from_file(str(raw)).public_key() == AUTOBAHN_VECTORS[0][1]
    keyfile = tmp_path / "client.priv"  # type: ignore[operator]
    keyfile.write_text(
        "This is a comment.\n\ncreator: me\n"
        f"public-key-ed25519: {AUTOBAHN_VECTORS[0][1]}\n"
        f"private-key-ed25519: {AUTOBAHN_VECTORS[0][0]}\n"
    )
    key = CryptosignKey.from_keyfile(str(keyfile))
    assert key.can_sign and key.public_key() == AUTOBAHN_VECTORS[0][1]
    pubfile = tmp_path / "client.pub"  # type: ignore[operator]
    pubfile.write_text(f"public-key-ed25519: {AUTOBAHN_VECTORS[1][1]}\n")
    assert not CryptosignKey.from_keyfile(str(pubfile)).can_sign
    empty = tmp_path / "empty.pub"  # type: ignore[operator]
    empty.write_text("nothing: here\n")
    with pytest.raises(RuntimeError, match="neither"):
        CryptosignKey.from_keyfile(str(empty))
    with pytest.raises(RuntimeError, match="not a file"):
        CryptosignKey.from_keyfile(str(tmp_path))


def test_missing_cryptography_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cryptography.hazmat.primitives.asymmetric.ed25519", None)
    with pytest.raises(MissingExtraError, match=r"wamp-core\[cryptosign\]"):
        CryptosignKey.from_seed("01" * 32)
    assert issubclass(MissingExtraError, ImportError)
