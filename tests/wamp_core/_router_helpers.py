"""Helpers for the router tests: a recording transport and a raw-message client."""

from __future__ import annotations

from typing import Any

from wamp_core.exception import TransportLost
from wamp_core.message import Hello, Message, Welcome
from wamp_core.router import ManualScheduler, Router

ALL_ROLES: dict[str, Any] = {
    "publisher": {"publisher_identification": True, "publisher_exclusion": True},
    "subscriber": {"pattern_based_subscription": True},
    "caller": {"progressive_call_results": True, "call_canceling": True,
               "progressive_call_invocations": True, "call_timeout": True},
    "callee": {"progressive_call_results": True, "call_canceling": True,
               "progressive_call_invocations": True, "pattern_based_registration": True,
               "shared_registration": True, "caller_identification": True},
}


class Wire:
    """A transport that records what the router sends."""

    def __init__(self) -> None:
        self.sent: list[Message] = []
        self.closed = False
        self.transport_details = None

    def send(self, msg: Message) -> None:
        if self.closed:
            raise TransportLost("wire closed")
        self.sent.append(msg)

    def isOpen(self) -> bool:
        return not self.closed

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.closed = True


class RawClient:
    """A client speaking raw messages to a router session."""

    def __init__(self, router: Router, transport: Any = None) -> None:
        self.router = router
        self.wire = Wire()
        self.session = router.session(transport)
        self.session.onOpen(self.wire)
        self.session_id: int | None = None
        self._req = 0

    def next_request(self) -> int:
        self._req += 1
        return self._req

    def send(self, msg: Any) -> None:
        self.session.onMessage(msg)

    def receive(self) -> list[Message]:
        out, self.wire.sent = self.wire.sent, []
        return out

    def expect(self, cls: type) -> Any:
        """Exactly one message was sent to this client, of class ``cls``."""
        msgs = self.receive()
        assert len(msgs) == 1, f"expected one {cls.__name__}, got {msgs!r}"
        assert type(msgs[0]) is cls, f"expected {cls.__name__}, got {msgs[0]!r}"
        return msgs[0]

    def nothing(self) -> None:
        msgs = self.receive()
        assert msgs == [], f"expected nothing, got {msgs!r}"

    def join(self, realm: str = "realm1", roles: dict[str, Any] | None = None,
             **kwargs: Any) -> Welcome:
        self.send(Hello(realm, roles or ALL_ROLES, **kwargs))
        welcome = self.expect(Welcome)
        self.session_id = welcome.session
        return welcome

    def close(self, clean: bool = True) -> None:
        self.wire.closed = True
        self.session.onClose(clean)


def make_router(config: Any = None, **kwargs: Any) -> tuple[Router, ManualScheduler]:
    clock = ManualScheduler()
    router = Router(config, call_later=clock, clock=lambda: 1700000000.0 + clock.now,
                    **kwargs)
    return router, clock


def joined(router: Router, n: int = 1, **kwargs: Any) -> list[RawClient]:
    clients = []
    for _ in range(n):
        c = RawClient(router)
        c.join(**kwargs)
        clients.append(c)
    return clients
