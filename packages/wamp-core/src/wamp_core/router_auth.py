"""Router-side WAMP authentication with static principals (Sans-I/O).

One *pending authentication* per client HELLO, built from the method's entry in
a transport's ``auth`` section of a Crossbar.io ``config.json``::

    pending = create_pending_auth("wampcra", transport_auth["wampcra"],
                                  session_id=pending_session_id,
                                  transport_details=details, now=seconds_since_epoch)
    result = pending.start(hello_details)          # Accept | Deny | Challenge
    ...                                            # CHALLENGE sent, AUTHENTICATE received
    result = pending.verify(signature, extra)      # Accept | Deny

``hello(realm, details)`` and ``authenticate(signature, extra)`` are the same
two steps under Crossbar.io's names. Nothing here does I/O or reads a clock:
the WAMP-CRA challenge's ``timestamp`` comes from the caller (``now``, seconds
since the epoch, or ``timestamp``, text); random challenges and nonces come from
:mod:`secrets`. Bad client input gives :class:`~wamp_core.types.Deny` (reason
``wamp.error.not_authorized`` unless said otherwise, as Crossbar.io); caller
misuse (a bad configuration, ``start`` twice) raises.

Methods: ``anonymous``, ``ticket``, ``wampcra`` (salted secrets too: the
configured ``secret`` is the password and the key is derived with the
principal's ``salt``/``iterations``/``keylen``, defaults 1000 and 32),
``cryptosign`` (``tls-unique``/``tls-exporter`` channel binding), ``scram``
(Crossbar.io's dialect) and ``wamp-scram`` (the spec's). Configurations are
checked by :func:`check_config`.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hmac
import json
import re
import secrets
from collections.abc import Mapping
from typing import Any, ClassVar, Protocol

from wamp_core import _scram
from wamp_core._authcommon import b64decode_strict
from wamp_core._router_auth_config import AUTH_METHODS, AuthConfigError, check_config
from wamp_core.auth import compute_wcs, derive_key
from wamp_core.cryptosign import verify_signed_challenge
from wamp_core.exception import ApplicationError
from wamp_core.types import (
    CHANNEL_BINDING_TYPES,
    Accept,
    Challenge,
    Deny,
    HelloDetails,
    TransportDetails,
)

__all__ = [
    "AUTH_METHODS",
    "AuthConfigError",
    "PendingAuth",
    "PendingAuthAnonymous",
    "PendingAuthCryptosign",
    "PendingAuthScram",
    "PendingAuthTicket",
    "PendingAuthWampCra",
    "PendingAuthWampScram",
    "RealmContainer",
    "check_config",
    "create_pending_auth",
    "format_timestamp",
    "generate_authid",
]

_TOKEN_CHARS = "345679ACEFGHJKLMNPQRSTUVWXY"
_ENV = re.compile(r"^\$\{(.+)\}$")


def generate_authid() -> str:
    """A random authid like Crossbar.io's ``XXXX-XXXX-XXXX-XXXX-XXXX-XXXX`` (114 bits)."""
    return "-".join("".join(secrets.choice(_TOKEN_CHARS) for _ in range(4)) for _ in range(6))


def format_timestamp(now: float) -> str:
    """``now`` (seconds since the epoch) as Crossbar.io writes it: ``2024-01-02T03:04:05.678Z``."""
    moment = datetime.datetime.fromtimestamp(now, tz=datetime.timezone.utc)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


class RealmContainer(Protocol):
    """What a pending authentication may ask the router (Crossbar.io's names)."""

    def has_realm(self, realm: str) -> bool: ...

    def has_role(self, realm: str, authrole: str) -> bool: ...


class PendingAuth:
    """One client's authentication in progress (base class).

    :param config: the method's entry of the transport's ``auth`` section.
    :param session_id: the session ID the client gets once joined.
    :param transport_details: the client's transport (channel bindings for cryptosign).
    :param realm_container: if given, the realm and role assigned must exist there.
    :param environ: values ``${NAME}`` of tickets and secrets are read from it (Crossbar.io).
    """

    AUTHMETHOD: ClassVar[str] = ""

    def __init__(
        self,
        config: Mapping[str, Any],
        *,
        session_id: int | None = None,
        transport_details: TransportDetails | None = None,
        realm_container: RealmContainer | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        check_config(self.AUTHMETHOD, config)
        self._config = config
        self._session_id = session_id
        self._transport_details = transport_details
        self._realm_container = realm_container
        self._environ = environ
        self._started = False
        self._challenged = False
        self._realm: str | None = None
        self._authid: str | None = None
        self._authrole: str | None = None
        self._authextra: dict[str, Any] | None = None

    # -- the two steps ----------------------------------------------------------

    def start(
        self, details: HelloDetails, transport_details: TransportDetails | None = None
    ) -> Accept | Deny | Challenge:
        """Answer the client's HELLO (``details``) with Accept, Deny or Challenge."""
        if self._started:
            raise RuntimeError(f"{type(self).__name__}.start called twice")
        self._started = True
        if transport_details is not None:
            self._transport_details = transport_details
        self._realm = details.realm
        self._authid = details.authid
        result = self._hello(details)
        self._challenged = isinstance(result, Challenge)
        return result

    def verify(self, signature: object, extra: Mapping[str, Any] | None = None) -> Accept | Deny:
        """Answer the client's AUTHENTICATE (after a Challenge) with Accept or Deny."""
        if not self._challenged:
            return Deny(ApplicationError.AUTHENTICATION_FAILED, "no pending authentication")
        self._challenged = False  # one answer per challenge
        if not isinstance(signature, str):
            return Deny(message=f"invalid type {type(signature).__name__} for the signature")
        return self._authenticate(signature, dict(extra or {}))

    def hello(self, realm: str | None, details: HelloDetails) -> Accept | Deny | Challenge:
        """:meth:`start` under Crossbar.io's name (``realm`` is HELLO's realm)."""
        if realm is not None and details.realm != realm:
            details = _with_realm(details, realm)
        return self.start(details)

    def authenticate(
        self, signature: object, extra: Mapping[str, Any] | None = None
    ) -> Accept | Deny:
        """:meth:`verify` under Crossbar.io's name."""
        return self.verify(signature, extra)

    # -- for the methods ----------------------------------------------------------

    def _hello(self, details: HelloDetails) -> Accept | Deny | Challenge:
        raise NotImplementedError

    def _authenticate(self, signature: str, extra: dict[str, Any]) -> Accept | Deny:
        return Deny(ApplicationError.AUTHENTICATION_FAILED, "no pending authentication")

    def _principal(self, table: str) -> Mapping[str, Any] | Deny:
        principals: Mapping[str, Any] = self._config.get(table, {})
        if self._authid is None:
            return Deny(message="cannot identify client: no authid requested")
        if self._authid not in principals:
            return Deny(message=f'no principal with authid "{self._authid}" exists')
        principal: Mapping[str, Any] = principals[self._authid]
        return principal

    def _assign(self, principal: Mapping[str, Any]) -> Deny | None:
        """Take realm, authid, role and extra from the principal (Crossbar.io's rules)."""
        self._realm = principal.get("realm") or self._realm
        self._authid = principal.get("authid") or self._authid
        self._authrole = principal.get("role") or self._config.get("default-role")
        if "extra" in principal:
            self._authextra = principal["extra"]
        if not self._realm:
            return Deny(ApplicationError.NO_SUCH_REALM, "no realm assigned")
        if not self._authid:
            return Deny(ApplicationError.NO_SUCH_PRINCIPAL, "no authid assigned")
        if not self._authrole:
            return Deny(ApplicationError.NO_SUCH_ROLE, "no authrole assigned")
        container = self._realm_container
        if container is not None:
            if not container.has_realm(self._realm):
                return Deny(ApplicationError.NO_SUCH_REALM,
                            f'no realm "{self._realm}" exists on this router')
            if self._authrole not in ("trusted", "anonymous") and not container.has_role(
                self._realm, self._authrole
            ):
                return Deny(ApplicationError.NO_SUCH_ROLE,
                            f'realm "{self._realm}" has no role "{self._authrole}"')
        return None

    def _accept(self) -> Accept:
        return Accept(
            realm=self._realm,
            authid=self._authid,
            authrole=self._authrole,
            authmethod=self.AUTHMETHOD,
            authprovider="static",
            authextra=self._authextra,
        )

    def _secret(self, value: str) -> str:
        """A ticket or secret, read from ``environ`` when written ``${NAME}``."""
        match = _ENV.match(value)
        if match and self._environ is not None and match.group(1) in self._environ:
            return self._environ[match.group(1)]
        return value


def _with_realm(details: HelloDetails, realm: str) -> HelloDetails:
    return HelloDetails(
        realm=realm, authmethods=details.authmethods, authid=details.authid,
        authrole=details.authrole, authextra=details.authextra,
        session_roles=details.session_roles, pending_session=details.pending_session,
        resumable=details.resumable, resume_session=details.resume_session,
        resume_token=details.resume_token,
    )


class PendingAuthAnonymous(PendingAuth):
    """WAMP-Anonymous: accept at once with the configured (or a random) authid and role."""

    AUTHMETHOD = "anonymous"

    def _hello(self, details: HelloDetails) -> Accept | Deny | Challenge:
        self._authid = self._config.get("authid") or generate_authid()
        principal = {
            "realm": self._config.get("realm") or self._realm,
            "authid": self._authid,
            "role": self._config.get("role", "anonymous"),
            "extra": details.authextra,
        }
        return self._assign(principal) or self._accept()


class PendingAuthTicket(PendingAuth):
    """WAMP-Ticket with ``principals: {authid: {ticket, role}}``; WELCOME echoes the authextra."""

    AUTHMETHOD = "ticket"

    def _hello(self, details: HelloDetails) -> Accept | Deny | Challenge:
        principal = self._principal("principals")
        if isinstance(principal, Deny):
            return principal
        error = self._assign({**principal, "extra": details.authextra})
        if error:
            return error
        self._ticket = self._secret(principal["ticket"])
        return Challenge(self.AUTHMETHOD)

    def _authenticate(self, signature: str, extra: dict[str, Any]) -> Accept | Deny:
        if hmac.compare_digest(signature.encode("utf-8"), self._ticket.encode("utf-8")):
            return self._accept()
        return Deny(message="ticket in static WAMP-Ticket authentication is invalid")


class PendingAuthWampCra(PendingAuth):
    """WAMP-CRA with ``users: {authid: {secret, role, salt?, iterations?, keylen?}}``.

    The challenge is Crossbar.io's JSON text (authid, authrole, authmethod,
    authprovider, session, a 64-character nonce, timestamp). With a ``salt`` the
    ``secret`` is the password: the key is ``derive_key(secret, salt, iterations,
    keylen)`` and the challenge carries the three parameters for the client.
    """

    AUTHMETHOD = "wampcra"

    def __init__(self, config: Mapping[str, Any], *, timestamp: str | None = None,
                 now: float | None = None, **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        if timestamp is None and now is not None:
            timestamp = format_timestamp(now)
        if timestamp is None:
            raise TypeError("PendingAuthWampCra needs the challenge time: pass now= (seconds "
                            "since the epoch) or timestamp=; wamp_core never reads a clock")
        self._timestamp = timestamp

    def _hello(self, details: HelloDetails) -> Accept | Deny | Challenge:
        user = self._principal("users")
        if isinstance(user, Deny):
            return user
        error = self._assign(user)
        if error:
            return error
        challenge = json.dumps(
            {
                "authid": self._authid,
                "authrole": self._authrole,
                "authmethod": self.AUTHMETHOD,
                "authprovider": "static",
                "session": self._session_id,
                "nonce": base64.b64encode(secrets.token_bytes(48)).decode("ascii"),
                "timestamp": self._timestamp,
            },
            ensure_ascii=False,
        )
        key = self._secret(user["secret"]).encode("utf-8")
        extra: dict[str, Any] = {"challenge": challenge}
        if "salt" in user:
            extra.update(salt=user["salt"], iterations=user.get("iterations", 1000),
                         keylen=user.get("keylen", 32))
            key = derive_key(key, extra["salt"], extra["iterations"], extra["keylen"])
        self._signature = compute_wcs(key, challenge.encode("utf-8"))
        return Challenge(self.AUTHMETHOD, extra)

    def _authenticate(self, signature: str, extra: dict[str, Any]) -> Accept | Deny:
        if hmac.compare_digest(signature.encode("utf-8"), self._signature):
            return self._accept()
        return Deny(message="WAMP-CRA client signature is invalid")


class PendingAuthCryptosign(PendingAuth):
    """WAMP-cryptosign with ``principals: {authid: {authorized_keys: [hex...], role, realm?}}``.

    The client's ``authextra.pubkey`` identifies it (the authid may be left out
    when exactly one principal holds the key). ``authextra.channel_binding``
    (``tls-unique``, ``tls-exporter``) needs that channel ID on the transport,
    and the client then signs ``challenge XOR channel_id``.
    """

    AUTHMETHOD = "cryptosign"

    def _hello(self, details: HelloDetails) -> Accept | Deny | Challenge:
        extra = details.authextra or {}
        binding = extra.get("channel_binding")
        self._channel_id: bytes | None = None
        if binding is not None:
            if binding not in CHANNEL_BINDING_TYPES:
                return Deny(message=f'invalid channel binding type "{binding}" requested')
            ids = self._transport_details.channel_id if self._transport_details else None
            self._channel_id = (ids or {}).get(binding)
            if self._channel_id is None:
                return Deny(message=f'channel binding "{binding}" requested, but the transport '
                                    f"has no such channel ID")
        self._binding: str | None = binding
        pubkey = extra.get("pubkey")
        if not isinstance(pubkey, str) or len(pubkey) != 64:
            return Deny(message="cannot identify client: authextra.pubkey (64 hex digits) missing")
        self._pubkey = pubkey.lower()
        found = self._find_principal()
        if isinstance(found, Deny):
            return found
        error = self._assign(found)
        if error:
            return error
        self._challenge = secrets.token_bytes(32)
        return Challenge(self.AUTHMETHOD, {"challenge": self._challenge.hex(),
                                           "channel_binding": binding})

    def _find_principal(self) -> Mapping[str, Any] | Deny:
        principals: Mapping[str, Any] = self._config["principals"]
        if self._authid is None:
            owners = [a for a, p in principals.items() if self._holds(p)]
            if len(owners) > 1:
                return Deny(message="cannot infer client identity from pubkey: multiple authids "
                                    "in principal database have this pubkey")
            if not owners:
                return Deny(message="cannot identify client: no authid requested and no "
                                    "principal found for provided extra.pubkey")
            self._authid = owners[0]
        principal = self._principal("principals")
        if not isinstance(principal, Deny) and not self._holds(principal):
            return Deny(message="extra.pubkey provided does not match any one of "
                                "authorized_keys for the principal")
        return principal

    def _holds(self, principal: Mapping[str, Any]) -> bool:
        return self._pubkey in (key.lower() for key in principal["authorized_keys"])

    def _authenticate(self, signature: str, extra: dict[str, Any]) -> Accept | Deny:
        reason = verify_signed_challenge(self._pubkey, self._challenge, signature,
                                         self._channel_id, self._binding)
        if reason is None:
            return self._accept()
        return Deny(message=f"cryptosign signature rejected: {reason}")


class PendingAuthScram(PendingAuth):
    """SCRAM as Crossbar.io serves it (authmethod ``scram``), from static principals
    ``{kdf, iterations, memory, salt, stored-key, server-key, role}`` (hex values).

    The router nonce is ``base64(client nonce bytes + 16 random bytes)``; on
    success WELCOME's authextra carries ``scram_server_signature``.
    """

    AUTHMETHOD = "scram"
    _variant: ClassVar[_scram.ScramVariant] = _scram.SCRAM

    def _hello(self, details: HelloDetails) -> Accept | Deny | Challenge:
        nonce = (details.authextra or {}).get("nonce")
        if nonce is None:
            return Deny(message="client must send a nonce")
        try:
            client_nonce = b64decode_strict(nonce)
        except ValueError:
            return Deny(message="client nonce must be base64")
        error = self._channel(details)
        if error:
            return error
        principal = self._principal("principals")
        if isinstance(principal, Deny):
            return principal
        error = self._assign(principal)
        if error:
            return error
        self._client_nonce = nonce
        self._nonce = self._router_nonce(nonce, client_nonce)
        self._salt = base64.b64encode(binascii.a2b_hex(principal["salt"])).decode("ascii")
        self._iterations: int = principal["iterations"]
        self._stored_key = binascii.a2b_hex(principal["stored-key"])
        self._server_key = binascii.a2b_hex(principal["server-key"])
        return Challenge(self.AUTHMETHOD, {"nonce": self._nonce, "kdf": principal["kdf"],
                                           "salt": self._salt, "iterations": self._iterations,
                                           "memory": principal["memory"]})

    def _router_nonce(self, nonce: str, client_nonce: bytes) -> str:
        return base64.b64encode(client_nonce + secrets.token_bytes(16)).decode("ascii")

    def _channel(self, details: HelloDetails) -> Deny | None:
        """Crossbar.io's SCRAM has no channel binding (``c=`` stays empty)."""
        self._binding: str | None = None
        self._cbind_data: bytes | None = None
        return None

    def _check_extra(self, extra: dict[str, Any]) -> Deny | None:
        return None

    def _authenticate(self, signature: str, extra: dict[str, Any]) -> Accept | Deny:
        error = self._check_extra(extra)
        if error:
            return error
        try:
            message = _scram.auth_message(self._variant, self._authid or "", self._client_nonce,
                                          self._nonce, self._salt, self._iterations,
                                          self._binding, self._cbind_data)
        except ValueError as exc:
            return Deny(message=f"SCRAM authentication failed: {exc}")
        if not _scram.check_client_proof(self._stored_key, message, signature):
            return Deny(message="SCRAM authentication failed")
        server_signature = _scram.hmac_sha256(self._server_key, message)
        self._authextra = {
            **(self._authextra or {}),
            self._variant.signature_key: base64.b64encode(server_signature).decode("ascii"),
        }
        return self._accept()


class PendingAuthWampScram(PendingAuthScram):
    """The spec's WAMP-SCRAM (authmethod ``wamp-scram``; KDFs ``argon2id13``, ``pbkdf2``).

    The router nonce is the client nonce followed by the router's base64 nonce;
    ``authextra.channel_binding`` (``tls-unique``, ``tls-exporter``) binds to
    the transport's channel ID; AUTHENTICATE.Extra's ``nonce``,
    ``channel_binding`` and ``cbind_data``, when sent, must match; WELCOME's
    authextra carries ``verifier``.
    """

    AUTHMETHOD = "wamp-scram"
    _variant = _scram.WAMP_SCRAM

    def _router_nonce(self, nonce: str, client_nonce: bytes) -> str:
        return nonce + base64.b64encode(secrets.token_bytes(16)).decode("ascii")

    def _channel(self, details: HelloDetails) -> Deny | None:
        self._binding = (details.authextra or {}).get("channel_binding")
        self._cbind_data = None
        if self._binding is None:
            return None
        if self._binding not in CHANNEL_BINDING_TYPES:
            return Deny(message=f'invalid channel binding type "{self._binding}" requested')
        ids = self._transport_details.channel_id if self._transport_details else None
        self._cbind_data = (ids or {}).get(self._binding)
        if self._cbind_data is None:
            return Deny(message=f'channel binding "{self._binding}" requested, but the '
                                f"transport has no such channel ID")
        return None

    def _check_extra(self, extra: dict[str, Any]) -> Deny | None:
        if "nonce" in extra and extra["nonce"] != self._nonce:
            return Deny(message="SCRAM: AUTHENTICATE.Extra.nonce is not the nonce of the challenge")
        if "channel_binding" in extra and extra["channel_binding"] != self._binding:
            return Deny(message="SCRAM: AUTHENTICATE.Extra.channel_binding differs from HELLO's")
        cbind = extra.get("cbind_data")
        expected = None if self._cbind_data is None else base64.b64encode(self._cbind_data).decode()
        if "cbind_data" in extra and cbind != expected:
            return Deny(message="SCRAM: AUTHENTICATE.Extra.cbind_data is not this channel's")
        return None


_PENDING: dict[str, type[PendingAuth]] = {
    cls.AUTHMETHOD: cls
    for cls in (PendingAuthAnonymous, PendingAuthTicket, PendingAuthWampCra,
                PendingAuthCryptosign, PendingAuthScram, PendingAuthWampScram)
}


def create_pending_auth(
    method: str,
    config: Mapping[str, Any],
    *,
    session_id: int | None = None,
    transport_details: TransportDetails | None = None,
    now: float | None = None,
    timestamp: str | None = None,
    realm_container: RealmContainer | None = None,
    environ: Mapping[str, str] | None = None,
) -> PendingAuth:
    """The pending authentication for ``method`` configured by ``config`` (its ``auth`` entry).

    ``now`` (seconds since the epoch) or ``timestamp`` is required for ``wampcra``
    and ignored otherwise. A bad ``config`` raises :class:`AuthConfigError`.
    """
    try:
        cls = _PENDING[method]
    except KeyError:
        raise AuthConfigError(
            f"unknown or unsupported authentication method '{method}' "
            f"(allowed: {', '.join(AUTH_METHODS)})"
        ) from None
    kwargs: dict[str, Any] = {
        "session_id": session_id,
        "transport_details": transport_details,
        "realm_container": realm_container,
        "environ": environ,
    }
    if cls is PendingAuthWampCra:
        kwargs.update(now=now, timestamp=timestamp)
    return cls(config, **kwargs)
