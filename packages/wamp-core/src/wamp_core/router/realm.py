"""A realm: its roles, its sessions, its broker and dealer, its meta API.

Realms are isolated from each other: each has its own sessions, subscriptions,
registrations and retained events, and a message of a session is only ever
routed inside the realm it joined.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from wamp_core.message import (
    Call,
    Cancel,
    Error,
    Publish,
    Register,
    Subscribe,
    Unregister,
    Unsubscribe,
    Yield,
)
from wamp_core.router.authorization import Role
from wamp_core.router.broker import Broker
from wamp_core.router.config import RealmConfig
from wamp_core.router.dealer import Dealer
from wamp_core.router.meta import MetaApi
from wamp_core.router.session import SESSION_HANDLERS, Handler, RouterSession

if TYPE_CHECKING:
    from wamp_core.router.router import Router
    from wamp_core.router.timers import TimerHandle

__all__ = ["BROKER_FEATURES", "DEALER_FEATURES", "Realm"]

BROKER_FEATURES: Final = {
    "publisher_identification": True,
    "pattern_based_subscription": True,
    "subscriber_blackwhite_listing": True,
    "publisher_exclusion": True,
    "subscription_revocation": True,
    "event_retention": True,
    "payload_passthru_mode": True,
    "payload_transparency": True,
}
"""What the broker announces in WELCOME (only what it implements)."""

DEALER_FEATURES: Final = {
    "caller_identification": True,
    "pattern_based_registration": True,
    "shared_registration": True,
    "progressive_call_results": True,
    "progressive_call_invocations": True,
    "registration_revocation": True,
    "call_canceling": True,
    "call_timeout": True,
    "payload_passthru_mode": True,
    "payload_transparency": True,
}
"""What the dealer announces in WELCOME (only what it implements)."""

_META_FEATURES: Final = ("session_meta_api",)


class Realm:
    """One realm of a :class:`~wamp_core.router.router.Router`."""

    def __init__(self, router: Router, config: RealmConfig) -> None:
        self.router = router
        self.config = config
        self.name = config.name
        self.strict = config.uri_check == "strict"
        self.limits = router.limits
        self.roles: dict[str, Role] = {r.name: Role(r) for r in config.roles}
        self.sessions: dict[int, RouterSession] = {}
        self.broker = Broker(self)
        self.dealer = Dealer(self)
        self.meta: MetaApi | None = MetaApi(self) if config.enable_meta_api else None
        broker_features = dict(BROKER_FEATURES)
        dealer_features = dict(DEALER_FEATURES)
        if self.meta is not None:
            broker_features.update(session_meta_api=True, subscription_meta_api=True)
            dealer_features.update(session_meta_api=True, registration_meta_api=True,
                                   testament_meta_api=True)
        self.router_roles: dict[str, Any] = {"broker": broker_features,
                                             "dealer": dealer_features}
        b, d = self.broker, self.dealer
        self.handlers: dict[type, Handler] = {
            **SESSION_HANDLERS,
            Publish: b.publish,
            Subscribe: b.subscribe,
            Unsubscribe: b.unsubscribe,
            Call: d.call,
            Yield: d.yield_,
            Error: d.error,
            Cancel: d.cancel,
            Register: d.register,
            Unregister: d.unregister,
        }

    def __repr__(self) -> str:
        return f"Realm({self.name!r}, sessions={len(self.sessions)})"

    def role(self, name: str) -> Role | None:
        """The role ``name``; ``anonymous`` always exists (allowed nothing unless configured)."""
        role = self.roles.get(name)
        if role is None and name == "anonymous":
            role = self.roles["anonymous"] = Role(name="anonymous")
        return role

    def timestamp(self) -> str | None:
        return self.router.timestamp()

    def call_later(self, delay: float, callback: Callable[[], None]) -> TimerHandle | None:
        return self.router.call_later(delay, callback)

    def attach(self, session: RouterSession) -> None:
        if session.session_id is not None:
            self.sessions[session.session_id] = session

    def detach(self, session: RouterSession) -> None:
        """``session`` leaves: its calls end, its registrations and subscriptions go."""
        if session.session_id is None or session.session_id not in self.sessions:
            return
        if self.meta is not None and session.testaments:
            self.meta.fire_testaments(session)
        del self.sessions[session.session_id]
        self.dealer.detach(session)
        self.broker.detach(session)
        if self.meta is not None:
            self.meta.left(session)

    def close(self, reason: str, message: str | None = None) -> int:
        """End every session of the realm with GOODBYE ``reason``; return how many."""
        sessions = list(self.sessions.values())
        for session in sessions:
            session.kill(reason, message)
        return len(sessions)
