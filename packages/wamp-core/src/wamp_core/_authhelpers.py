"""The helper functions of :mod:`wamp_core.auth` (re-exported there, Autobahn's names).

WAMP-CRA: :func:`pbkdf2`, :func:`derive_key`, :func:`compute_wcs`, :func:`generate_wcs`;
TOTP (RFC 6238): :func:`generate_totp_secret`, :func:`compute_totp`, :func:`check_totp`
(the time is an argument: nothing here reads a clock); SCRAM:
:func:`derive_scram_credential`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import struct
from typing import Any

from wamp_core import _scram

__all__ = [
    "WCS_SECRET_CHARSET",
    "check_totp",
    "compute_totp",
    "compute_wcs",
    "derive_key",
    "derive_scram_credential",
    "generate_totp_secret",
    "generate_wcs",
    "pbkdf2",
]


# -- WAMP-CRA helpers --------------------------------------------------------


def pbkdf2(
    data: bytes, salt: bytes, iterations: int = 1000, keylen: int = 32, hashfunc: str | None = None
) -> bytes:
    """PBKDF2-HMAC of ``data`` with ``salt``: ``keylen`` raw bytes (SHA-256 unless ``hashfunc``)."""
    if (
        type(data) is not bytes
        or type(salt) is not bytes
        or type(iterations) is not int
        or type(keylen) is not int
    ):
        raise ValueError("Invalid argument types")
    if hashfunc is not None and not isinstance(hashfunc, str):
        raise ValueError("pbkdf2 takes the name of a hash algorithm for 'hashfunc='")
    return hashlib.pbkdf2_hmac((hashfunc or "sha256").lower(), data, salt, iterations, keylen)


def derive_key(
    secret: str | bytes, salt: str | bytes, iterations: int = 1000, keylen: int = 32
) -> bytes:
    """The WAMP-CRA key derived from a password: base64 (as bytes) of PBKDF2-HMAC-SHA256."""
    if type(secret) not in (str, bytes):
        raise ValueError("'secret' must be bytes")
    if type(salt) not in (str, bytes):
        raise ValueError("'salt' must be bytes")
    if type(iterations) is not int:
        raise ValueError("'iterations' must be an integer")
    if type(keylen) is not int:
        raise ValueError("'keylen' must be an integer")
    raw_secret = secret.encode("utf-8") if isinstance(secret, str) else secret
    raw_salt = salt.encode("utf-8") if isinstance(salt, str) else salt
    return binascii.b2a_base64(pbkdf2(raw_secret, raw_salt, iterations, keylen)).strip()


#: The characters :func:`generate_wcs` draws from.
WCS_SECRET_CHARSET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def generate_wcs(length: int = 14) -> bytes:
    """A random WAMP-CRA secret of ``length`` letters and digits (cryptographically strong)."""
    if type(length) is not int or length < 1:
        raise ValueError("'length' must be a positive integer")
    return "".join(secrets.choice(WCS_SECRET_CHARSET) for _ in range(length)).encode("ascii")


def compute_wcs(key: str | bytes, challenge: str | bytes) -> bytes:
    """The WAMP-CRA signature: base64 (as bytes) of HMAC-SHA256(key, challenge)."""
    if not isinstance(key, (str, bytes)) or not isinstance(challenge, (str, bytes)):
        raise TypeError("compute_wcs: key and challenge must be str or bytes")
    raw_key = key.encode("utf-8") if isinstance(key, str) else key
    raw = challenge.encode("utf-8") if isinstance(challenge, str) else challenge
    return binascii.b2a_base64(hmac.new(raw_key, raw, hashlib.sha256).digest()).strip()


# -- TOTP (RFC 6238) -----------------------------------------------------------


def generate_totp_secret(length: int = 10) -> str:
    """A random Base32 TOTP secret from ``length`` random bytes."""
    if type(length) is not int or length < 1:
        raise ValueError("'length' must be a positive integer")
    return base64.b32encode(secrets.token_bytes(length)).decode("ascii")


def compute_totp(secret: str, offset: int = 0, *, timestamp: float | None = None) -> str:
    """The 6-digit TOTP code (HMAC-SHA1, 30 s steps) at ``timestamp`` (+ ``offset`` steps).

    ``timestamp`` is the time in seconds since the epoch. It is required: wamp_core
    never reads a clock (Autobahn reads ``time.time()``); pass ``timestamp=time.time()``.
    """
    if timestamp is None:
        raise TypeError("compute_totp: pass timestamp= (seconds since the epoch); "
                        "wamp_core never reads a clock")
    if type(secret) is not str or type(offset) is not int:
        raise TypeError("compute_totp: secret must be a str and offset an int")
    try:
        key = base64.b32decode(secret)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("invalid secret") from exc
    counter = offset + int(timestamp) // 30
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    start = digest[19] & 15
    code = (struct.unpack(">I", digest[start : start + 4])[0] & 0x7FFFFFFF) % 1000000
    return f"{code:06d}"


def check_totp(secret: str, ticket: str, *, timestamp: float | None = None) -> bool:
    """Whether ``ticket`` is the TOTP code at ``timestamp``, one step before or after."""
    if not isinstance(ticket, str):
        return False
    codes = [compute_totp(secret, off, timestamp=timestamp) for off in (0, 1, -1)]
    return any(hmac.compare_digest(ticket.encode(), code.encode()) for code in codes)


# -- SCRAM credentials ---------------------------------------------------------


def derive_scram_credential(
    email: str,
    password: str,
    salt: bytes | None = None,
    *,
    kdf: str = _scram.KDF_ARGON2ID13,
    iterations: int = 4096,
    memory: int = 512,
) -> dict[str, Any]:
    """A static SCRAM principal (for authmethod ``scram``) for ``email`` and ``password``.

    The defaults are Autobahn's: ``argon2id-13`` with time cost 4096, memory
    512 KiB, and a salt of ``SHA256(email)[:16]`` unless ``salt`` (16 bytes) is
    given. ``kdf``, ``iterations`` and ``memory`` are additions. The result
    (``kdf``, ``memory``, ``iterations``, ``salt``, ``stored-key``, ``server-key``;
    hex values) goes into a ``config.json`` principal (add a ``role``).
    """
    if not salt:
        salt = hashlib.sha256(email.encode("utf-8")).digest()[:16]
    if len(salt) != 16:
        raise ValueError(f"derive_scram_credential: salt must be 16 bytes, got {len(salt)}")
    salted = _scram.salted_password(_scram.SCRAM, kdf, password, salt, iterations, memory)
    _, stored_key, server_key = _scram.scram_keys(salted)
    return {
        "kdf": kdf,
        "memory": memory,
        "iterations": iterations,
        "salt": salt.hex(),
        "stored-key": stored_key.hex(),
        "server-key": server_key.hex(),
    }
