"""WAMP-cryptosign keys: Ed25519 signing and verification, with Autobahn|Python's names.

``from wamp_core.cryptosign import CryptosignKey`` replaces
``from autobahn.wamp.cryptosign import CryptosignKey``. The Ed25519 maths comes
from the ``cryptography`` package (the ``wamp-core[cryptosign]`` extra), imported
on first use; without it, using a key raises :class:`MissingExtraError` naming
the extra.

The signed message (WAMP advanced profile, "Cryptosign-based Authentication",
"Computing the Signature"): the router sends 32 random bytes as 64 hex digits in
``CHALLENGE.Extra.challenge``. Without channel binding the client signs those 32
bytes; with TLS channel binding (``tls-unique`` or ``tls-exporter``) it signs
``challenge XOR channel_id`` (32 bytes). The client answers the hex text of the
64-byte signature followed by the 32 bytes signed (96 bytes, 192 hex digits).

Deliberate differences from Autobahn (which returns futures from ``sign`` and
``sign_challenge``): here those return their value directly (bytes, str), as a
Sans-I/O library must; a WAMP session accepts a plain value from
``on_challenge`` as well as an awaitable. ``key_type`` is ``"ed25519"``, as the
``IKey`` documentation says (Autobahn's code answers ``"cryptosign"``).
``can_sign`` works both as Autobahn's property (``if key.can_sign:``) and as the
interface's method (``key.can_sign()``).
"""

from __future__ import annotations

import binascii
import importlib.util
import os
import struct
from typing import TYPE_CHECKING, Any

from zope.interface import implementer  # type: ignore[import-untyped]

from wamp_core._authcommon import MissingExtraError, require, xor
from wamp_core.interfaces import ICryptosignKey
from wamp_core.types import CHANNEL_BINDING_TYPES, Challenge

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

__all__ = [
    "HAS_CRYPTOSIGN",
    "CryptosignKey",
    "MissingExtraError",
    "format_challenge",
    "verify_signed_challenge",
]

#: Whether the ``cryptography`` package (extra ``wamp-core[cryptosign]``) is installed.
HAS_CRYPTOSIGN: bool = importlib.util.find_spec("cryptography") is not None

_FEATURE = "WAMP-cryptosign"
_CHALLENGE_HEX_LEN = 64  # 32 bytes
_SIGNATURE_LEN = 64
_SSH_PRIVATE_BEGIN = "-----BEGIN OPENSSH PRIVATE KEY-----"
_SSH_PRIVATE_END = "-----END OPENSSH PRIVATE KEY-----"


def _ed25519() -> Any:
    return require("cryptography.hazmat.primitives.asymmetric.ed25519", "cryptosign", _FEATURE)


def _serialization() -> Any:
    return require("cryptography.hazmat.primitives.serialization", "cryptosign", _FEATURE)


def _challenge_bytes(challenge: Challenge | str | bytes) -> bytes:
    """The 32 challenge bytes from a Challenge, its hex text, or raw bytes."""
    if isinstance(challenge, Challenge):
        if "challenge" not in challenge.extra:
            raise ValueError("cryptosign: the challenge has no 'challenge' value in its extra")
        challenge = challenge.extra["challenge"]
    if isinstance(challenge, bytes):
        raw = challenge
    elif isinstance(challenge, str):
        if len(challenge) != _CHALLENGE_HEX_LEN:
            raise ValueError(
                f"cryptosign: the challenge must be {_CHALLENGE_HEX_LEN} hex digits, "
                f"got {len(challenge)} characters"
            )
        try:
            raw = binascii.a2b_hex(challenge)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(f"cryptosign: the challenge is not hex text: {challenge!r}") from exc
    else:
        raise TypeError(
            f"cryptosign: the challenge must be a Challenge, hex str or bytes, "
            f"got {type(challenge).__name__}"
        )
    if len(raw) != 32:
        raise ValueError(f"cryptosign: the challenge must be 32 bytes, got {len(raw)}")
    return raw


def format_challenge(
    challenge: Challenge | str | bytes,
    channel_id: bytes | None = None,
    channel_id_type: str | None = None,
) -> bytes:
    """The 32 bytes a client signs for ``challenge`` (a Challenge, hex text or raw bytes).

    Without ``channel_id_type`` that is the challenge itself (``channel_id`` is
    ignored, as in Autobahn). With ``channel_id_type`` ``"tls-unique"`` or
    ``"tls-exporter"`` it is ``challenge XOR channel_id``, and ``channel_id`` must
    be the 32 bytes of that channel binding.
    """
    raw = _challenge_bytes(challenge)
    if channel_id_type is None:
        return raw
    if channel_id_type not in CHANNEL_BINDING_TYPES:
        raise ValueError(
            f"cryptosign: invalid channel binding type {channel_id_type!r} "
            f"(allowed: {', '.join(CHANNEL_BINDING_TYPES)})"
        )
    if not isinstance(channel_id, bytes) or len(channel_id) != 32:
        got = "None" if channel_id is None else f"{len(channel_id)} bytes"
        raise ValueError(
            f"cryptosign: channel binding {channel_id_type!r} needs the 32-byte channel ID "
            f"of the transport, got {got}"
        )
    return xor(raw, channel_id)


def _split_signed(signature: str | bytes) -> tuple[bytes, bytes | None]:
    """(64-byte signature, signed message or None) from hex text or bytes."""
    if isinstance(signature, str):
        try:
            signature = binascii.a2b_hex(signature)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("cryptosign: the signature is not hex text") from exc
    if not isinstance(signature, bytes):
        raise TypeError(
            f"cryptosign: the signature must be hex str or bytes, not {type(signature).__name__}"
        )
    if len(signature) == _SIGNATURE_LEN:
        return signature, None
    if len(signature) == _SIGNATURE_LEN + 32:
        return signature[:_SIGNATURE_LEN], signature[_SIGNATURE_LEN:]
    raise ValueError(
        f"cryptosign: the signed message must be 96 bytes (signature, message), "
        f"got {len(signature)}"
    )


def verify_signed_challenge(
    pubkey: bytes | str,
    challenge: Challenge | str | bytes,
    signature: str | bytes,
    channel_id: bytes | None = None,
    channel_id_type: str | None = None,
) -> str | None:
    """Check a client's answer to a cryptosign challenge; return ``None`` if good, else why not.

    ``pubkey`` is the client's 32-byte public key (bytes or 64 hex digits),
    ``signature`` the AUTHENTICATE signature (192 hex digits: signature then the
    32 bytes signed). The router uses this; bad input gives a reason, never an
    exception.
    """
    try:
        key = CryptosignKey.from_pubkey(_hex_or_bytes(pubkey, "public key"))
        expected = format_challenge(challenge, channel_id, channel_id_type)
        sig, signed = _split_signed(signature)
    except (TypeError, ValueError) as exc:
        return str(exc)
    if signed is not None and signed != expected:
        return "the message signed is not the challenge (with the channel binding in use)"
    if not key._verify(sig, expected):
        return "the signature is invalid for this public key"
    return None


def _hex_or_bytes(value: bytes | str, what: str) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        try:
            return binascii.a2b_hex(value)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(f"cryptosign: the {what} is not hex text: {value!r}") from exc
    raise TypeError(f"cryptosign: the {what} must be hex str or bytes, not {type(value).__name__}")


class _Flag(int):
    """A boolean that can also be called: ``key.can_sign`` and ``key.can_sign()``."""

    def __call__(self) -> bool:
        return bool(self)

    def __repr__(self) -> str:
        return repr(bool(self))


@implementer(ICryptosignKey)
class CryptosignKey:
    """An Ed25519 key for WAMP-cryptosign: a private (signing) key or a public (verification) key.

    Build one with :meth:`from_bytes` (the 32-byte seed), :meth:`from_seed`
    (seed as bytes or hex), :meth:`from_pubkey`, :meth:`from_file`,
    :meth:`from_ssh_file`/:meth:`from_ssh_bytes` (OpenSSH keys) or
    :meth:`from_keyfile` (Crossbar.io's key files).
    """

    __slots__ = (
        "_comment",
        "_key_no",
        "_private",
        "_public",
        "_public_key",
        "_security_module",
    )

    def __init__(
        self,
        key: Ed25519PrivateKey | Ed25519PublicKey,
        can_sign: bool,
        security_module: Any = None,
        key_no: int | None = None,
        comment: str | None = None,
    ) -> None:
        ed = _ed25519()
        if can_sign and not isinstance(key, ed.Ed25519PrivateKey):
            raise TypeError("CryptosignKey: a signing key needs an Ed25519PrivateKey")
        if not can_sign and not isinstance(key, ed.Ed25519PublicKey):
            raise TypeError("CryptosignKey: a verification key needs an Ed25519PublicKey")
        if comment is not None and not isinstance(comment, str):
            raise TypeError(
                f"CryptosignKey: comment must be a str or None, not {type(comment).__name__}"
            )
        self._private: Ed25519PrivateKey | None = key if can_sign else None  # type: ignore[assignment]
        self._public_key: Ed25519PublicKey = (
            key.public_key() if can_sign else key  # type: ignore[union-attr,assignment]
        )
        self._security_module = security_module
        self._key_no = key_no
        self._comment = comment
        raw = _serialization()
        self._public: bytes = self._public_key.public_bytes(raw.Encoding.Raw, raw.PublicFormat.Raw)

    # -- IKey ----------------------------------------------------------------

    @property
    def security_module(self) -> Any:
        """The security module holding this key, or ``None`` for a free-standing key."""
        return self._security_module

    @property
    def key_no(self) -> int | None:
        """The number of this key in its security module, or ``None``."""
        return self._key_no

    @property
    def comment(self) -> str | None:
        """The comment of the key (from an OpenSSH key, for example), or ``None``."""
        return self._comment

    @property
    def key_type(self) -> str:
        """``"ed25519"``."""
        return "ed25519"

    @property
    def can_sign(self) -> _Flag:
        """Whether this key holds the private part (usable as a property or called)."""
        return _Flag(self._private is not None)

    def public_key(self, binary: bool = False) -> str | bytes:
        """The 32-byte public key, as 64 hex digits or (``binary=True``) bytes."""
        return self._public if binary else self._public.hex()

    def sign(self, data: bytes) -> bytes:
        """The 64-byte Ed25519 signature over ``data`` (returned directly, not as a future)."""
        if self._private is None:
            raise RuntimeError("CryptosignKey.sign: a public key cannot sign")
        if not isinstance(data, bytes):
            raise TypeError(f"CryptosignKey.sign: data must be bytes, not {type(data).__name__}")
        return self._private.sign(data)

    def recover(self, data: bytes, signature: bytes) -> bytes:
        """Not possible with Ed25519: the verification key cannot be recovered from a signature."""
        raise NotImplementedError("Ed25519 signatures do not allow recovering the signer's key")

    # -- ICryptosignKey ------------------------------------------------------

    def sign_challenge(
        self,
        challenge: Challenge,
        channel_id: bytes | None = None,
        channel_id_type: str | None = None,
    ) -> str:
        """The AUTHENTICATE signature for a cryptosign challenge: 192 hex digits.

        That is the 64-byte signature followed by the 32 bytes signed
        (``challenge`` or ``challenge XOR channel_id``, see :func:`format_challenge`).
        """
        if isinstance(challenge, Challenge) and challenge.method not in (
            "cryptosign",
            "cryptosign-proxy",
        ):
            raise ValueError(f"cryptosign: cannot sign a challenge for method {challenge.method!r}")
        data = format_challenge(challenge, channel_id, channel_id_type)
        return (self.sign(data) + data).hex()

    def verify_challenge(
        self,
        challenge: Challenge,
        signature: bytes | str,
        channel_id: bytes | None = None,
        channel_id_type: str | None = None,
    ) -> bool:
        """Whether ``signature`` (96 or 64 bytes, or hex) answers ``challenge`` under this key."""
        reason = verify_signed_challenge(
            self._public, challenge, signature, channel_id, channel_id_type
        )
        return reason is None

    def _verify(self, signature: bytes, data: bytes) -> bool:
        invalid = require("cryptography.exceptions", "cryptosign", _FEATURE).InvalidSignature
        try:
            self._public_key.verify(signature, data)
        except invalid:
            return False
        return True

    def __repr__(self) -> str:
        kind = "public" if self._private is None else "private"
        return f"CryptosignKey({kind}, public_key={self._public.hex()}, comment={self._comment!r})"

    # -- constructors -------------------------------------------------------

    @classmethod
    def from_pubkey(cls, pubkey: bytes, comment: str | None = None) -> CryptosignKey:
        """A verification key from the 32-byte public key."""
        if not isinstance(pubkey, bytes):
            raise ValueError(f"invalid key type {type(pubkey).__name__} (expected bytes)")
        if len(pubkey) != 32:
            raise ValueError(f"invalid key length {len(pubkey)} (expected 32)")
        return cls(_ed25519().Ed25519PublicKey.from_public_bytes(pubkey), False, comment=comment)

    @classmethod
    def from_bytes(cls, key: bytes, comment: str | None = None) -> CryptosignKey:
        """A signing key from its 32-byte seed (the private key)."""
        if not isinstance(key, bytes):
            raise ValueError(f"invalid key type {type(key).__name__} (expected bytes)")
        if len(key) != 32:
            raise ValueError(f"invalid key length {len(key)} (expected 32)")
        return cls(_ed25519().Ed25519PrivateKey.from_private_bytes(key), True, comment=comment)

    @classmethod
    def from_seed(cls, seed: bytes | str, comment: str | None = None) -> CryptosignKey:
        """A signing key from its 32-byte seed, given as bytes or 64 hex digits."""
        return cls.from_bytes(_hex_or_bytes(seed, "private key seed"), comment=comment)

    #: Another name of :meth:`from_bytes`.
    from_key_bytes = from_bytes

    @classmethod
    def from_file(cls, filename: str, comment: str | None = None) -> CryptosignKey:
        """A signing key from a file holding the 32 raw bytes of the seed."""
        with open(filename, "rb") as f:
            return cls.from_bytes(f.read(), comment=comment)

    @classmethod
    def from_ssh_file(cls, filename: str, password: bytes | None = None) -> CryptosignKey:
        """An Ed25519 key from an OpenSSH private key file or public key file."""
        with open(filename, "rb") as f:
            return cls.from_ssh_bytes(f.read(), password=password)

    @classmethod
    def from_ssh_bytes(cls, key_data: str | bytes, password: bytes | None = None) -> CryptosignKey:
        """An Ed25519 key from the text of an OpenSSH private key or public key (one line).

        A private key protected by a passphrase needs ``password``.
        """
        text = key_data.decode("utf-8") if isinstance(key_data, bytes) else key_data
        text = text.strip()
        ser = _serialization()
        ed = _ed25519()
        if text.startswith(_SSH_PRIVATE_BEGIN):
            unsupported = require("cryptography.exceptions", "cryptosign", _FEATURE)
            try:
                key = ser.load_ssh_private_key(text.encode("ascii"), password=password)
            except unsupported.UnsupportedAlgorithm as exc:
                raise ValueError(
                    f"cannot read the OpenSSH private key: {exc} (a passphrase-protected key "
                    f"needs the 'bcrypt' package)"
                ) from exc
            except (TypeError, ValueError) as exc:
                raise ValueError(f"cannot read the OpenSSH private key: {exc}") from exc
            if not isinstance(key, ed.Ed25519PrivateKey):
                raise ValueError(f"the OpenSSH private key is not Ed25519 but {type(key).__name__}")
            return cls(key, True, comment=_ssh_private_comment(text))
        fields = text.split(None, 2)
        try:
            pub = ser.load_ssh_public_key(" ".join(fields[:2]).encode("ascii"))
        except (TypeError, ValueError, UnicodeEncodeError) as exc:
            raise ValueError(f"cannot read the OpenSSH public key: {exc}") from exc
        if not isinstance(pub, ed.Ed25519PublicKey):
            raise ValueError(f"the OpenSSH public key is not Ed25519 but {type(pub).__name__}")
        return cls(pub, False, comment=fields[2] if len(fields) > 2 else None)

    @classmethod
    def from_keyfile(cls, keyfile: str) -> CryptosignKey:
        """A key from a Crossbar.io key file (``private-key-ed25519`` or ``public-key-ed25519``)."""
        if not os.path.isfile(keyfile):
            raise RuntimeError(f'keyfile "{keyfile}" is not a file')
        with open(keyfile, encoding="utf-8") as f:
            tags = _parse_keyfile(f.read())
        if "private-key-ed25519" in tags:
            return cls.from_seed(tags["private-key-ed25519"])
        if "public-key-ed25519" in tags:
            return cls.from_pubkey(_hex_or_bytes(tags["public-key-ed25519"], "public key"))
        raise RuntimeError(
            f'neither "private-key-ed25519" nor "public-key-ed25519" found in keyfile {keyfile}'
        )


def _parse_keyfile(text: str) -> dict[str, str]:
    """``tag: value`` lines of a key file; the lines up to the first empty one are comments."""
    lines = text.splitlines()
    try:
        start = lines.index("") + 1
    except ValueError:
        start = 0
    tags: dict[str, str] = {}
    for line in lines[start:]:
        if ":" in line:
            tag, value = line.split(":", 1)
            tags[tag.strip()] = value.strip()
    return tags


def _ssh_private_comment(text: str) -> str | None:
    """The comment stored in an unencrypted OpenSSH private key (None if encrypted or absent).

    Layout (OpenSSH PROTOCOL.key): ``"openssh-key-v1\\0"``, string cipher, string kdf,
    string kdf options, uint32 number of keys, string public key (per key),
    string private section; the private section (when the cipher is ``none``) is
    uint32 check, uint32 check, then per key: string type, string public key,
    string private key, string comment, then padding.
    """
    body = text.replace(_SSH_PRIVATE_BEGIN, "").replace(_SSH_PRIVATE_END, "")
    try:
        blob = binascii.a2b_base64("".join(body.split()))
        reader = _SshReader(blob)
        if reader.take(15) != b"openssh-key-v1\0" or reader.string() != b"none":
            return None
        reader.string()  # kdf name
        reader.string()  # kdf options
        for _ in range(reader.uint32()):
            reader.string()  # public keys
        private = _SshReader(reader.string())
        private.take(8)  # two check integers
        private.string()  # key type
        private.string()  # public key
        private.string()  # private key
        comment = private.string().decode("utf-8")
    except (binascii.Error, ValueError, struct.error):
        return None
    return comment or None


class _SshReader:
    """Reads the uint32-length-prefixed strings of an OpenSSH key blob."""

    __slots__ = ("_data", "_pos")

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    def take(self, size: int) -> bytes:
        end = self._pos + size
        if end > len(self._data):
            raise ValueError("truncated OpenSSH key")
        chunk = self._data[self._pos : end]
        self._pos = end
        return chunk

    def uint32(self) -> int:
        value: int = struct.unpack(">I", self.take(4))[0]
        return value

    def string(self) -> bytes:
        return self.take(self.uint32())
