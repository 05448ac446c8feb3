"""Session machines in a known state, for the Sans-I/O session tests."""

from __future__ import annotations

from wamp_core.message import Welcome
from wamp_core.session import SessionMachine

ROUTER_ROLES = {"broker": {"features": {}}, "dealer": {"features": {"call_canceling": True}}}


def connected() -> SessionMachine:
    m = SessionMachine(agent="test-agent")
    m.connection_made()
    return m


def established(session_id: int = 77) -> SessionMachine:
    """Joined to ``realm1`` (WELCOME taken), with nothing left to send or act on."""
    m = connected()
    m.hello("realm1")
    m.receive(Welcome(session_id, ROUTER_ROLES, realm="realm1", authid="joe"))
    m.messages_to_send()
    m.events_received()
    return m
