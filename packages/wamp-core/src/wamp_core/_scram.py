"""SCRAM maths for the client (:mod:`wamp_core.auth`) and router (:mod:`wamp_core.router_auth`).

Two dialects (see ``shared/DESIGN.md``, "SCRAM"):

- ``scram``: what Crossbar.io and Autobahn|Python speak. KDF names ``argon2id-13``
  and ``pbkdf2``; for argon2id the *salted password* is the base64 text (no
  padding) of the 32-byte argon2id hash, as found at the end of argon2's encoded
  hash string; the password is not normalized; the channel binding field of the
  auth message is empty (``c=``); the nonce the router sends is the base64 text
  of ``client nonce bytes + 16 random bytes``; the server signature travels in
  ``WELCOME.Details.authextra.scram_server_signature``.
- ``wamp-scram``: the WAMP advanced profile ("Salted Challenge Response
  Authentication"), RFC 5802/7677 with SHA-256: KDF names ``argon2id13`` and
  ``pbkdf2``, raw 32-byte salted password, SASLprep'd password, ``c=`` carries
  ``base64("n,,")`` (``biws``) without channel binding, the router nonce is the
  client nonce text followed by the router's own base64 nonce, and the server
  signature is ``WELCOME.Details.authextra.verifier``.

Common to both (RFC 5802 section 3)::

    ClientKey       = HMAC(SaltedPassword, "Client Key")
    StoredKey       = SHA256(ClientKey)
    ServerKey       = HMAC(SaltedPassword, "Server Key")
    AuthMessage     = "n=" user ",r=" client-nonce ",r=" nonce ",s=" salt ",i=" iterations
                      ",c=" cbind ",r=" nonce
    ClientProof     = ClientKey XOR HMAC(StoredKey, AuthMessage)
    ServerSignature = HMAC(ServerKey, AuthMessage)

PBKDF2 uses HMAC-SHA256 with a 32-byte output; argon2id uses parallelism 1 and a
32-byte output, ``iterations`` as time cost and ``memory`` (KiB) as memory cost.
The salt given to the KDF is the decoded base64 salt of the challenge.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Final

from wamp_core._authcommon import b64decode_strict, require, saslprep, xor

__all__ = [
    "KDF_ARGON2ID13",
    "KDF_PBKDF2",
    "SCRAM",
    "VARIANTS",
    "WAMP_SCRAM",
    "ScramVariant",
    "auth_message",
    "check_client_proof",
    "client_proof",
    "hmac_sha256",
    "salted_password",
    "scram_keys",
]

KDF_ARGON2ID13: Final = "argon2id-13"
KDF_PBKDF2: Final = "pbkdf2"
_SPEC_ARGON2ID13: Final = "argon2id13"


@dataclass(frozen=True)
class ScramVariant:
    """How one SCRAM dialect differs from the other (see the module docstring)."""

    authmethod: str
    argon2_name: str
    argon2_as_text: bool
    normalize_password: bool
    escape_user: bool
    signature_key: str

    @property
    def kdfs(self) -> tuple[str, str]:
        return (self.argon2_name, KDF_PBKDF2)


#: Crossbar.io and Autobahn|Python's dialect, authmethod ``scram``.
SCRAM: Final = ScramVariant(
    authmethod="scram",
    argon2_name=KDF_ARGON2ID13,
    argon2_as_text=True,
    normalize_password=False,
    escape_user=False,
    signature_key="scram_server_signature",
)

#: The WAMP specification's dialect, authmethod ``wamp-scram``.
WAMP_SCRAM: Final = ScramVariant(
    authmethod="wamp-scram",
    argon2_name=_SPEC_ARGON2ID13,
    argon2_as_text=False,
    normalize_password=True,
    escape_user=True,
    signature_key="verifier",
)

VARIANTS: Final = {SCRAM.authmethod: SCRAM, WAMP_SCRAM.authmethod: WAMP_SCRAM}


def hmac_sha256(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, hashlib.sha256).digest()


def _argon2id(password: bytes, salt: bytes, iterations: int, memory: int) -> bytes:
    low_level = require("argon2.low_level", "scram", "SCRAM with argon2id")
    raw: bytes = low_level.hash_secret_raw(
        secret=password,
        salt=salt,
        time_cost=iterations,
        memory_cost=memory,
        parallelism=1,
        hash_len=32,
        type=low_level.Type.ID,
        version=0x13,
    )
    return raw


def salted_password(
    variant: ScramVariant,
    kdf: str,
    password: str,
    salt: bytes,
    iterations: int,
    memory: int | None,
) -> bytes:
    """``SaltedPassword`` for ``password`` under ``kdf`` (bad parameters raise ``ValueError``)."""
    if not isinstance(iterations, int) or isinstance(iterations, bool) or iterations < 1:
        raise ValueError(f"SCRAM: iterations must be a positive integer, got {iterations!r}")
    secret = (saslprep(password) if variant.normalize_password else password).encode("utf-8")
    if kdf == variant.argon2_name:
        if not isinstance(memory, int) or isinstance(memory, bool) or memory < 8:
            raise ValueError(f"SCRAM: argon2id needs 'memory' (KiB, at least 8), got {memory!r}")
        raw = _argon2id(secret, salt, iterations, memory)
        if variant.argon2_as_text:
            return base64.b64encode(raw).rstrip(b"=")
        return raw
    if kdf == KDF_PBKDF2:
        return hashlib.pbkdf2_hmac("sha256", secret, salt, iterations, 32)
    raise ValueError(
        f"SCRAM ({variant.authmethod}): unknown KDF {kdf!r} (supported: {', '.join(variant.kdfs)})"
    )


def scram_keys(salted: bytes) -> tuple[bytes, bytes, bytes]:
    """``(ClientKey, StoredKey, ServerKey)`` from a salted password."""
    client_key = hmac_sha256(salted, b"Client Key")
    return client_key, hashlib.sha256(client_key).digest(), hmac_sha256(salted, b"Server Key")


def _channel_binding_field(
    variant: ScramVariant, channel_binding: str | None, cbind_data: bytes | None
) -> str:
    if variant is SCRAM:
        return channel_binding or ""
    flag = "n" if channel_binding is None else f"p={channel_binding}"
    cbind_input = f"{flag},,".encode("ascii") + (cbind_data or b"")
    return base64.b64encode(cbind_input).decode("ascii")


def auth_message(
    variant: ScramVariant,
    authid: str,
    client_nonce: str,
    nonce: str,
    salt: str,
    iterations: int,
    channel_binding: str | None = None,
    cbind_data: bytes | None = None,
) -> bytes:
    """The ``AuthMessage`` of RFC 5802 (``salt`` is the base64 text sent in CHALLENGE)."""
    user = saslprep(authid)
    if variant.escape_user:
        user = user.replace("=", "=3D").replace(",", "=2C")
    cbind = _channel_binding_field(variant, channel_binding, cbind_data)
    text = (
        f"n={user},r={client_nonce},"
        f"r={nonce},s={salt},i={iterations},"
        f"c={cbind},r={nonce}"
    )
    return text.encode("utf-8")


def client_proof(salted: bytes, message: bytes) -> bytes:
    """``ClientProof`` for a salted password and an auth message."""
    client_key, stored_key, _ = scram_keys(salted)
    return xor(client_key, hmac_sha256(stored_key, message))


def check_client_proof(stored_key: bytes, message: bytes, proof_b64: object) -> bool:
    """Whether a base64 ``ClientProof`` received from a client matches ``StoredKey``."""
    if not isinstance(proof_b64, str):
        return False
    try:
        proof = b64decode_strict(proof_b64)
    except ValueError:
        return False
    if len(proof) != 32:
        return False
    recovered_client_key = xor(hmac_sha256(stored_key, message), proof)
    return hmac.compare_digest(hashlib.sha256(recovered_client_key).digest(), stored_key)
