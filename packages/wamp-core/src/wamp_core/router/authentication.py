"""Authentication on the router side: picking a method from a transport's ``auth`` section.

A transport's ``auth`` section (Crossbar.io's format) maps methods to their
configuration::

    "auth": {
        "anonymous": {"type": "static", "role": "public"},
        "ticket": {"type": "static", "principals": {"joe": {"ticket": "...", "role": "user"}}}
    }

Methods served: ``anonymous``, ``ticket``, ``wampcra``, ``cryptosign``,
``scram`` (Crossbar.io's dialect) and ``wamp-scram`` with ``static``
principals. A transport without an ``auth`` section lets anonymous clients in
with the role ``anonymous`` (Crossbar.io's default).

The client's ``HELLO.Details.authmethods`` (``["anonymous"]`` when absent)
are tried in order; the first one the transport configures is used
(Crossbar.io's rule). :class:`TransportAuth` starts a *pending
authentication* for it (:mod:`wamp_core.router_auth`), which answers the HELLO
with :class:`~wamp_core.types.Accept`, :class:`~wamp_core.types.Deny` or
:class:`~wamp_core.types.Challenge`, and the AUTHENTICATE (after a challenge)
with Accept or Deny.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Protocol

from wamp_core import router_auth
from wamp_core.exception import ApplicationError
from wamp_core.router._report import Report, type_name
from wamp_core.types import Accept, Challenge, Deny, HelloDetails, TransportDetails

__all__ = ["AUTH_METHODS", "PendingAuth", "TransportAuth", "check_auth_config"]

AUTH_METHODS: Final = router_auth.AUTH_METHODS
_UNSUPPORTED: Final = {
    "tls": "TLS client certificate authentication is not supported",
    "cookie": "cookie authentication is not supported",
    "cryptosign-proxy": "proxy workers are not supported",
    "anonymous-proxy": "proxy workers are not supported",
}
_DEFAULT: Final[Mapping[str, Mapping[str, Any]]] = {
    "anonymous": {"type": "static", "role": "anonymous"},
}


class PendingAuth(Protocol):
    """One client's authentication in progress."""

    def hello(self, realm: str | None, details: HelloDetails) -> Accept | Deny | Challenge: ...

    def authenticate(self, signature: object,
                     extra: Mapping[str, Any] | None = None) -> Accept | Deny: ...


class TransportAuth:
    """The authentication methods one transport offers (from its ``auth`` section).

    :param auth: the ``auth`` section (``None``: anonymous with role ``anonymous``).
    :param realms: the router, asked whether an assigned realm and role exist.
    :param environ: where ``${NAME}`` tickets and secrets are read from.
    """

    __slots__ = ("_config", "_environ", "_realms")

    def __init__(self, auth: Mapping[str, Any] | None = None,
                 realms: router_auth.RealmContainer | None = None,
                 environ: Mapping[str, str] | None = None) -> None:
        self._config: Mapping[str, Mapping[str, Any]] = auth if auth else _DEFAULT
        self._realms = realms
        self._environ = environ

    @property
    def methods(self) -> tuple[str, ...]:
        """The methods configured, in configuration order."""
        return tuple(self._config)

    def start(self, authmethods: list[str] | None, session_id: int,
              transport_details: TransportDetails | None = None,
              now: float | None = None) -> PendingAuth | Deny:
        """The pending authentication for the first usable method the client offers."""
        offered = authmethods or ["anonymous"]
        for method in offered:
            config = self._config.get(method)
            if config is None:
                continue
            try:
                return router_auth.create_pending_auth(
                    method, config, session_id=session_id, transport_details=transport_details,
                    now=now if now is not None else 0.0, realm_container=self._realms,
                    environ=self._environ)
            except router_auth.AuthConfigError as exc:
                return Deny(ApplicationError.AUTHENTICATION_FAILED,
                            f"authentication method '{method}' is misconfigured: {exc}")
        return Deny(
            ApplicationError.NO_AUTH_METHOD,
            f"cannot authenticate using any of the offered authmethods {offered} "
            f"(this transport offers {list(self._config)})",
        )


def check_auth_config(r: Report, auth: Mapping[str, Any], path: str) -> None:
    """Check a transport's ``auth`` section, reporting what cannot be served."""
    for method, config in auth.items():
        here = f"{path}.{method}"
        if method in _UNSUPPORTED:
            r.error(here, _UNSUPPORTED[method])
        elif method not in AUTH_METHODS:
            r.error(here, f"unknown authentication method (allowed: {', '.join(AUTH_METHODS)})")
        elif not isinstance(config, Mapping):
            r.error(here, f"must be an object, got {type_name(config)}")
        else:
            try:
                router_auth.check_config(method, config)
            except router_auth.AuthConfigError as exc:
                text = str(exc)
                key, sep, rest = text.partition(": ")
                if sep and " " not in key:
                    r.error(f"{here}.{key}", rest)
                else:
                    r.error(here, text)
