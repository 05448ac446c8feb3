"""Client-side WAMP authentication, with Autobahn|Python's names and semantics.

``from wamp_core.auth import create_authenticator`` replaces
``from autobahn.wamp.auth import create_authenticator``. The authenticators
(:class:`AuthAnonymous`, :class:`AuthTicket`, :class:`AuthWampCra`,
:class:`AuthCryptoSign`, :class:`AuthScram`, and :class:`AuthWampScram` for the
spec's ``wamp-scram``) implement :class:`wamp_core.interfaces.IAuthenticator`.
A session uses them like this:

1. HELLO announces ``authmethods`` (each authenticator's ``name``), ``authid`` and
   ``authrole`` (``authenticator.authid``/``.authrole``, also kept in ``_args``
   as Autobahn does) and the merged ``authextra`` dicts: :func:`hello_parameters`
   computes the four, with Autobahn's consistency checks.
2. On CHALLENGE it calls ``on_challenge(session, challenge)`` of the
   authenticator whose ``name`` is ``challenge.method``; the result (a str) is the
   AUTHENTICATE signature. Authenticators that need more in AUTHENTICATE.Extra
   expose it in ``authenticate_extra`` afterwards (only ``wamp-scram`` does).
   An exception means: abort the join.
3. On WELCOME it calls ``on_welcome(session, authextra)`` of the authenticator
   named by ``WELCOME.Details.authmethod``: ``None`` means good, a str is the
   reason to abort (SCRAM checks the router's signature here).

Every result is returned directly (never a future) and nothing here reads a
clock: :func:`compute_totp` and :func:`check_totp` take the time as an argument.

Helpers: :func:`pbkdf2`, :func:`derive_key`, :func:`compute_wcs`,
:func:`generate_wcs` (WAMP-CRA), :func:`generate_totp_secret`,
:func:`compute_totp`, :func:`check_totp` (TOTP, RFC 6238) and
:func:`derive_scram_credential` (a static SCRAM principal for Crossbar.io's
``config.json`` or our router).
"""

from __future__ import annotations

import base64
import hmac
import secrets
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from zope.interface import implementer  # type: ignore[import-untyped]

from wamp_core import _scram
from wamp_core._authcommon import b64decode_strict
from wamp_core._authhelpers import (
    WCS_SECRET_CHARSET,
    check_totp,
    compute_totp,
    compute_wcs,
    derive_key,
    derive_scram_credential,
    generate_totp_secret,
    generate_wcs,
    pbkdf2,
)
from wamp_core.cryptosign import CryptosignKey
from wamp_core.interfaces import IAuthenticator
from wamp_core.log import make_logger
from wamp_core.types import Challenge

__all__ = [
    "WCS_SECRET_CHARSET",
    "AuthAnonymous",
    "AuthAnonymousProxy",
    "AuthCryptoSign",
    "AuthCryptoSignProxy",
    "AuthScram",
    "AuthTicket",
    "AuthWampCra",
    "AuthWampScram",
    "check_totp",
    "compute_totp",
    "compute_wcs",
    "create_authenticator",
    "derive_key",
    "derive_scram_credential",
    "generate_totp_secret",
    "generate_wcs",
    "hello_parameters",
    "pbkdf2",
]

log = make_logger(__name__)

_COMMON_KEYS = ("authextra", "authid", "authrole")


class _Authenticator:
    """Keyword checking and the ``authid``/``authrole``/``authextra`` every method has."""

    name: ClassVar[str] = ""
    _keys: ClassVar[tuple[str, ...]] = ()
    _required: ClassVar[tuple[str, ...]] = ()

    def __init__(self, **kw: Any) -> None:
        cls = type(self).__name__
        allowed = _COMMON_KEYS + self._keys
        for key in kw:
            if key not in allowed:
                raise ValueError(
                    f"Unexpected key '{key}' for {cls} (allowed: {', '.join(sorted(allowed))})"
                )
        for key in self._required:
            if key not in kw:
                raise ValueError(f"Must provide '{key}' for {self.name} ({cls})")
        for key in ("authid", "authrole"):
            if not isinstance(kw.get(key), (str, type(None))):
                raise TypeError(f"{cls}: '{key}' must be a str, got {type(kw[key]).__name__}")
        extra = kw.get("authextra")
        if extra is not None and not isinstance(extra, Mapping):
            raise TypeError(f"{cls}: 'authextra' must be a dict, got {type(extra).__name__}")
        kw["authextra"] = dict(extra or {})
        #: The keyword arguments, as Autobahn keeps them (its session reads authid, authrole).
        self._args: dict[str, Any] = kw

    @property
    def authid(self) -> str | None:
        """The authid to announce in HELLO (``None``: let the router choose)."""
        value: str | None = self._args.get("authid")
        return value

    @property
    def authrole(self) -> str | None:
        """The authrole to ask for in HELLO (``None``: let the router choose)."""
        value: str | None = self._args.get("authrole")
        return value

    @property
    def authextra(self) -> dict[str, Any]:
        """The ``authextra`` this method contributes to HELLO."""
        extra: dict[str, Any] = self._args["authextra"]
        return extra

    def _check_method(self, challenge: Challenge) -> None:
        if challenge.method != self.name:
            raise RuntimeError(
                f"{type(self).__name__} ({self.name}) received a challenge for {challenge.method!r}"
            )

    def on_welcome(self, session: Any, authextra: dict[str, Any] | None = None) -> str | None:
        """Nothing to check for this method: ``None``."""
        return None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(authid={self.authid!r}, authrole={self.authrole!r})"


@implementer(IAuthenticator)
class AuthAnonymous(_Authenticator):
    """WAMP-Anonymous: no credentials; a challenge is an error."""

    name = "anonymous"

    def on_challenge(self, session: Any, challenge: Challenge) -> str:
        raise RuntimeError("on_challenge called on anonymous authentication")


@implementer(IAuthenticator)
class AuthAnonymousProxy(AuthAnonymous):
    """``anonymous-proxy``: anonymous, used between a Crossbar.io proxy and its router."""

    name = "anonymous-proxy"


@implementer(IAuthenticator)
class AuthTicket(_Authenticator):
    """WAMP-Ticket: answers the challenge with the ``ticket`` (a shared secret or a token)."""

    name = "ticket"
    _keys = ("ticket",)

    def __init__(self, **kw: Any) -> None:
        if "ticket" not in kw:
            raise ValueError("ticket authentication requires 'ticket=' kwarg")
        super().__init__(**kw)
        ticket = self._args.pop("ticket")
        if not isinstance(ticket, str):
            raise TypeError(f"AuthTicket: 'ticket' must be a str, got {type(ticket).__name__}")
        self._ticket: str = ticket

    def on_challenge(self, session: Any, challenge: Challenge) -> str:
        self._check_method(challenge)
        return self._ticket


@implementer(IAuthenticator)
class AuthWampCra(_Authenticator):
    """WAMP-CRA: HMAC-SHA256 of the challenge under the secret.

    When the challenge carries ``salt`` (plus ``iterations`` and ``keylen``), the
    key is :func:`derive_key` of the secret with those PBKDF2 parameters
    (defaults 1000 and 32 when the router leaves them out).
    """

    name = "wampcra"
    _keys = ("secret",)
    _required = ("secret", "authid")

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        secret = self._args.pop("secret")
        if isinstance(secret, bytes):
            secret = secret.decode("utf-8")
        if not isinstance(secret, str):
            raise TypeError(f"AuthWampCra: 'secret' must be a str, got {type(secret).__name__}")
        self._secret: str = secret

    def on_challenge(self, session: Any, challenge: Challenge) -> str:
        self._check_method(challenge)
        extra = challenge.extra
        text = extra.get("challenge")
        if not isinstance(text, str):
            raise ValueError("WAMP-CRA: the challenge has no 'challenge' string")
        key: bytes = self._secret.encode("utf-8")
        if "salt" in extra:
            salt, iterations, keylen = _cra_salt_params(extra)
            key = derive_key(key, salt, iterations, keylen)
        return compute_wcs(key, text.encode("utf-8")).decode("ascii")


def _cra_salt_params(extra: Mapping[str, Any]) -> tuple[str | bytes, int, int]:
    salt = extra["salt"]
    iterations = extra.get("iterations", 1000)
    keylen = extra.get("keylen", 32)
    if not isinstance(salt, (str, bytes)):
        raise ValueError(f"WAMP-CRA: invalid salt {salt!r} in the challenge")
    for name, value in (("iterations", iterations), ("keylen", keylen)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"WAMP-CRA: invalid {name} {value!r} in the challenge")
    return salt, iterations, keylen


def _channel_id_of(session: Any, binding: str) -> bytes:
    """The channel binding ``binding`` of the session's transport (its ``TransportDetails``)."""
    for path in (("transport_details",), ("_transport", "transport_details"),
                 ("transport", "transport_details")):
        obj = session
        for attr in path:
            obj = getattr(obj, attr, None)
        channel_ids = getattr(obj, "channel_id", None)
        if isinstance(channel_ids, Mapping):
            channel_id = channel_ids.get(binding)
            if isinstance(channel_id, bytes):
                return channel_id
    raise RuntimeError(
        f"channel binding {binding!r} was requested, but the transport has no such channel ID "
        f"(is it a TLS transport?)"
    )


@implementer(IAuthenticator)
class AuthCryptoSign(_Authenticator):
    """WAMP-cryptosign: Ed25519 signature over the challenge (optionally TLS channel bound).

    The private key comes from ``privkey`` (the 32-byte seed as 64 hex digits, as
    in Autobahn, or raw bytes, or a :class:`~wamp_core.cryptosign.CryptosignKey`)
    or from ``privkey_file`` (an OpenSSH private key file; an addition).
    ``authextra["pubkey"]`` is filled in (or checked) and
    ``authextra["channel_binding"]`` (``"tls-unique"`` or ``"tls-exporter"``)
    asks for channel binding: the router must echo it in the challenge.
    """

    name = "cryptosign"
    _keys = ("privkey", "privkey_file")

    def __init__(self, **kw: Any) -> None:
        if "privkey" not in kw and "privkey_file" not in kw:
            raise ValueError("Must provide 'privkey' (or 'privkey_file') for cryptosign")
        super().__init__(**kw)
        self._privkey = _load_signing_key(self._args)
        extra = self.authextra
        pubkey = self._privkey.public_key()
        if "pubkey" in extra and extra["pubkey"] != pubkey:
            raise ValueError("Public key doesn't correspond to private key")
        extra["pubkey"] = pubkey
        binding = extra.get("channel_binding")
        if binding is not None and binding not in ("tls-unique", "tls-exporter"):
            raise ValueError(
                f"cryptosign: invalid channel_binding {binding!r} "
                f"(allowed: tls-unique, tls-exporter)"
            )
        self._channel_binding: str | None = binding

    @property
    def key(self) -> CryptosignKey:
        """The signing key."""
        return self._privkey

    def on_challenge(self, session: Any, challenge: Challenge) -> str:
        self._check_method(challenge)
        used = challenge.extra.get("channel_binding")
        if used != self._channel_binding:
            raise RuntimeError(
                f"cryptosign: channel binding {self._channel_binding!r} was requested, "
                f"but the router's challenge uses {used!r}"
            )
        channel_id = None
        if self._channel_binding is not None:
            channel_id = _channel_id_of(session, self._channel_binding)
        return self._privkey.sign_challenge(challenge, channel_id, self._channel_binding)


def _load_signing_key(args: dict[str, Any]) -> CryptosignKey:
    privkey = args.pop("privkey", None)
    path = args.pop("privkey_file", None)
    if privkey is not None and path is not None:
        raise ValueError("cryptosign: give 'privkey' or 'privkey_file', not both")
    if path is not None:
        key = CryptosignKey.from_ssh_file(path)
    elif isinstance(privkey, CryptosignKey):
        key = privkey
    elif isinstance(privkey, (str, bytes)):
        key = CryptosignKey.from_seed(privkey)
    else:
        raise TypeError(f"cryptosign: 'privkey' must be hex text, bytes or a CryptosignKey, "
                        f"got {type(privkey).__name__}")
    if not key.can_sign:
        raise ValueError("cryptosign: the key is a public key; a private key is needed")
    return key


@implementer(IAuthenticator)
class AuthCryptoSignProxy(AuthCryptoSign):
    """``cryptosign-proxy``: cryptosign between a Crossbar.io proxy and its router."""

    name = "cryptosign-proxy"


@implementer(IAuthenticator)
class AuthScram(_Authenticator):
    """SCRAM as Crossbar.io speaks it (authmethod ``scram``, KDFs ``argon2id-13``, ``pbkdf2``).

    Needs ``authid`` and ``password``. HELLO carries a fresh client nonce in
    ``authextra["nonce"]``; :meth:`on_welcome` checks the router's signature.
    """

    name = "scram"
    _keys = ("password",)
    _required = ("authid", "password")
    _variant: ClassVar[_scram.ScramVariant] = _scram.SCRAM

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        password = self._args.pop("password")
        if not isinstance(password, str):
            raise TypeError(f"{type(self).__name__}: 'password' must be a str")
        self._password: str = password
        self._client_nonce: str | None = None
        self._salted_password: bytes | None = None
        self._auth_message: bytes | None = None
        #: Extra for AUTHENTICATE (``wamp-scram`` only; empty for ``scram``).
        self.authenticate_extra: dict[str, Any] = {}

    @property
    def authextra(self) -> dict[str, Any]:
        if self._client_nonce is None:
            self._client_nonce = base64.b64encode(secrets.token_bytes(16)).decode("ascii")
        return {**self._args["authextra"], "nonce": self._client_nonce}

    def _check_nonce(self, nonce: str) -> None:
        """The router's nonce must extend ours (Crossbar.io: as bytes, under base64)."""
        client = b64decode_strict(self._client_nonce or "")
        combined = b64decode_strict(nonce)
        if not combined.startswith(client) or len(combined) <= len(client):
            raise RuntimeError("SCRAM: the router's nonce does not extend the client nonce")

    def _channel(self, session: Any, challenge: Challenge) -> tuple[str | None, bytes | None]:
        binding = challenge.extra.get("channel_binding")
        return (binding if isinstance(binding, str) else None), None

    def on_challenge(self, session: Any, challenge: Challenge) -> str:
        self._check_method(challenge)
        if self._client_nonce is None:
            raise RuntimeError("SCRAM: challenge received before HELLO sent a client nonce")
        extra = challenge.extra
        for key in ("nonce", "kdf", "salt", "iterations"):
            if key not in extra:
                raise RuntimeError(f"SCRAM challenge option '{key}' is required but not specified")
        nonce, salt_text = extra["nonce"], extra["salt"]
        if not isinstance(nonce, str) or not isinstance(salt_text, str):
            raise ValueError("SCRAM: the challenge's nonce and salt must be base64 text")
        self._check_nonce(nonce)
        iterations = extra["iterations"]
        salted = _scram.salted_password(
            self._variant, extra["kdf"], self._password, b64decode_strict(salt_text),
            iterations, extra.get("memory"),
        )
        binding, cbind_data = self._channel(session, challenge)
        message = _scram.auth_message(
            self._variant, self._args["authid"], self._client_nonce, nonce, salt_text,
            iterations, binding, cbind_data,
        )
        self._salted_password, self._auth_message = salted, message
        return base64.b64encode(_scram.client_proof(salted, message)).decode("ascii")

    def on_welcome(self, session: Any, authextra: dict[str, Any] | None = None) -> str | None:
        """Check the router's SCRAM signature in WELCOME; ``None`` if good, else the reason."""
        if self._salted_password is None or self._auth_message is None:
            return "SCRAM: the router sent WELCOME without a SCRAM challenge"
        alleged = (authextra or {}).get(self._variant.signature_key)
        if not isinstance(alleged, str):
            return f"SCRAM: WELCOME carries no server signature ({self._variant.signature_key})"
        if alleged.startswith("v="):
            alleged = alleged[2:]
        _, _, server_key = _scram.scram_keys(self._salted_password)
        expected = _scram.hmac_sha256(server_key, self._auth_message)
        try:
            good = hmac.compare_digest(expected, b64decode_strict(alleged))
        except ValueError:
            good = False
        if not good:
            log.error("Verification of server SCRAM signature failed")
            return "Verification of server SCRAM signature failed"
        log.debug("Verification of server SCRAM signature successful")
        return None


@implementer(IAuthenticator)
class AuthWampScram(AuthScram):
    """The WAMP specification's SCRAM (authmethod ``wamp-scram``, KDFs ``argon2id13``, ``pbkdf2``).

    Differs from :class:`AuthScram` as the spec says: normalized password, raw
    salted password, ``c=biws``, text-concatenated nonces, ``verifier`` in
    WELCOME, and AUTHENTICATE.Extra (``authenticate_extra``) with ``nonce``,
    ``channel_binding`` and ``cbind_data``. ``authextra["channel_binding"]``
    (``"tls-unique"``) binds to the TLS channel of the session's transport.
    """

    name = "wamp-scram"
    _variant = _scram.WAMP_SCRAM

    def _check_nonce(self, nonce: str) -> None:
        client = self._client_nonce or ""
        if not nonce.startswith(client) or len(nonce) <= len(client):
            raise RuntimeError("SCRAM: the router's nonce does not begin with the client nonce")

    def _channel(self, session: Any, challenge: Challenge) -> tuple[str | None, bytes | None]:
        binding = self._args["authextra"].get("channel_binding")
        cbind_data = None if binding is None else _channel_id_of(session, binding)
        nonce = challenge.extra["nonce"]
        self.authenticate_extra = {
            "nonce": nonce,
            "channel_binding": binding,
            "cbind_data": None if cbind_data is None else base64.b64encode(cbind_data).decode(),
        }
        return binding, cbind_data


_AUTHENTICATORS: dict[str, type[_Authenticator]] = {
    cls.name: cls
    for cls in (AuthScram, AuthWampScram, AuthCryptoSign, AuthCryptoSignProxy, AuthWampCra,
                AuthAnonymous, AuthAnonymousProxy, AuthTicket)
}


def create_authenticator(name: str, **kwargs: Any) -> Any:
    """An authenticator for the authmethod ``name``, configured by ``kwargs``.

    Every method accepts ``authid``, ``authrole`` and ``authextra``; the others
    depend on the method. Unknown names and keys raise ``ValueError``.
    """
    try:
        klass = _AUTHENTICATORS[name]
    except KeyError:
        raise ValueError(
            f"Unknown authenticator '{name}' (known: {', '.join(sorted(_AUTHENTICATORS))})"
        ) from None
    return klass(**kwargs)


def hello_parameters(
    authenticators: Iterable[Any],
) -> tuple[list[str], str | None, str | None, dict[str, Any]]:
    """``(authmethods, authid, authrole, authextra)`` for a HELLO offering every authenticator.

    Autobahn's rules for several authenticators: their ``authid`` and ``authrole``
    (where given) must agree, and their ``authextra`` dicts are merged, a key
    present in several having the same value in each; a conflict raises
    ``ValueError``. Two authenticators with the same ``name`` raise too.
    """
    methods: list[str] = []
    authid: str | None = None
    authrole: str | None = None
    authextra: dict[str, Any] = {}
    for authenticator in authenticators:
        if authenticator.name in methods:
            raise ValueError(f"two authenticators for authmethod '{authenticator.name}'")
        methods.append(authenticator.name)
        for attr, current in (("authid", authid), ("authrole", authrole)):
            value = getattr(authenticator, attr, None)
            if value is None and hasattr(authenticator, "_args"):
                value = authenticator._args.get(attr)
            if value is not None and current is not None and value != current:
                raise ValueError(f"Inconsistent {attr}s: {current} {value}")
            if attr == "authid":
                authid = current if value is None else value
            else:
                authrole = current if value is None else value
        for key, value in (authenticator.authextra or {}).items():
            if key in authextra and authextra[key] != value:
                raise ValueError(
                    f"Inconsistent authextra values for '{key}': '{authextra[key]}' vs '{value}'"
                )
            authextra[key] = value
    return methods, authid, authrole, authextra
