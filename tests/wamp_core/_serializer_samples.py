"""Sample messages for the serializer tests: every message type, with options.

``SAMPLES`` use what the message classes allow; ``FBS_SAMPLES`` stay within
what the WAMP-FlatBuffers schema can hold (no custom keys, one-entry extras).
"""

from __future__ import annotations

from typing import Any

from wamp_core.message import (
    Abort,
    Authenticate,
    Call,
    Cancel,
    Challenge,
    Error,
    Event,
    Goodbye,
    Hello,
    Interrupt,
    Invocation,
    Message,
    Publish,
    Published,
    Register,
    Registered,
    Result,
    Subscribe,
    Subscribed,
    Unregister,
    Unregistered,
    Unsubscribe,
    Unsubscribed,
    Welcome,
    Yield,
)

FORWARD_FOR = [{"session": 77, "authid": "joe", "authrole": "user"}]
BLOB = bytes(range(256))
NESTED_BLOB = {"deep": [1, {"deeper": [b"\x00\xff", "text"]}], "blob": b"\x01\x02\x03"}

CLIENT_ROLES: dict[str, Any] = {
    "caller": {"features": {"progressive_call_results": True, "call_canceling": True}},
    "callee": {"features": {"shared_registration": True}},
    "publisher": {"features": {"publisher_exclusion": True}},
    "subscriber": {},
}
ROUTER_ROLES: dict[str, Any] = {
    "broker": {"features": {"publisher_exclusion": True, "event_retention": False}},
    "dealer": {"features": {"call_canceling": True}},
}


def _common() -> list[Message]:
    """Messages both the dynamic formats and WAMP-FlatBuffers carry in full."""
    return [
        Hello("realm1", CLIENT_ROLES, authmethods=["anonymous", "ticket", "cryptosign"],
              authid="joe", authrole="user", authextra={"pubkey": "a1b2"}, resumable=False,
              resume_session=1234, resume_token="tok"),
        Welcome(9129137332, ROUTER_ROLES, realm="realm1", authid="joe", authrole="user",
                authmethod="ticket", authprovider="static", authextra={"x_cb_node": "n1"},
                resumed=False, resumable=True, resume_token="tok"),
        Abort("wamp.error.no_such_realm", "no realm 'x'"),
        Challenge("wampcra", {"challenge": "{\"nonce\": 1}"}),
        Authenticate("c2lnbmF0dXJl", {"nonce": "abc"}),
        Goodbye("wamp.close.system_shutdown", "bye", resumable=True),
        Goodbye(),
        Error(48, 6131533, "com.myapp.error.overflow", args=["too big", 12, None, 1.5],
              kwargs={"limit": 10, "blob": b"\x00\x01"}, forward_for=FORWARD_FOR),
        Error(32, 12, "wamp.error.not_authorized"),
        Publish(239714735, "com.myapp.topic1", args=["Hello, world!", "äöü €"],
                kwargs={"color": "orange", "sizes": [23, 42, 7]}, acknowledge=True,
                exclude_me=False, exclude=[7891255, 1245751], exclude_authid=["bob"],
                exclude_authrole=["guest"], eligible=[7891255, 4], eligible_authid=["alice"],
                eligible_authrole=["admin"], retain=True, transaction_hash="0xabcdef",
                forward_for=FORWARD_FOR),
        Publish(1, "com.myapp.topic2"),
        Published(239714735, 4429313566),
        Subscribe(713845233, "com.myapp", match="prefix", get_retained=True),
        Subscribe(713845234, "com.myapp..update", match="wildcard"),
        Subscribed(713845233, 5512315355),
        Unsubscribe(85346237, 5512315355),
        Unsubscribed(85346237),
        Unsubscribed(0, 5512315355, "wamp.subscription.revoked"),
        Event(5512315355, 4429313566, args=[BLOB], kwargs=NESTED_BLOB, publisher=3335656,
              publisher_authid="alice", publisher_authrole="admin", topic="com.myapp.t1",
              retained=True, transaction_hash="0x01", x_acknowledged_delivery=True,
              forward_for=FORWARD_FOR),
        Event(5512315355, 4429313567),
        Call(7814135, "com.myapp.echo", args=[1, -2, 2**63 - 1, -(2**63), 0.5, True, None],
             kwargs={"k": {"nested": ["x", b"\xfe"]}}, timeout=1500, receive_progress=True,
             transaction_hash="0x02", caller=22, caller_authid="joe", caller_authrole="user",
             forward_for=FORWARD_FOR),
        Call(7814136, "com.myapp.ping"),
        Call(7814137, "com.myapp.kw", kwargs={"only": "kwargs"}),
        Call(7814138, "com.myapp.e2ee", payload=b"\x93\x00\x01sealed", enc_algo="cryptobox",
             enc_serializer="cbor", enc_key="key-1"),
        Cancel(7814135, mode="killnowait", forward_for=FORWARD_FOR),
        Cancel(7814135),
        Result(7814135, args=[30], kwargs={"userid": 123, "karma": 10}, progress=True,
               callee=33, callee_authid="srv", callee_authrole="backend",
               forward_for=FORWARD_FOR),
        Result(7814136),
        Register(25349185, "com.myapp.", match="prefix", invoke="roundrobin", concurrency=4,
                 force_reregister=True),
        Register(25349186, "com.myapp.echo"),
        Registered(25349185, 2103333224),
        Unregister(788923562, 2103333224),
        Unregistered(788923562),
        Unregistered(0, 2103333224, "wamp.registration.revoked"),
        Invocation(6131533, 9823526, args=["Hello"], kwargs={"b": b"\x00"}, timeout=1000,
                   receive_progress=True, caller=22, caller_authid="joe",
                   caller_authrole="user", procedure="com.myapp.echo",
                   transaction_hash="0x03", forward_for=FORWARD_FOR),
        Invocation(6131534, 9823527, payload=b"sealed", enc_algo="mqtt",
                   enc_serializer="json"),
        Interrupt(6131533, mode="kill", reason="wamp.error.canceled",
                  forward_for=FORWARD_FOR),
        Yield(6131533, args=["Hello"], kwargs={"x": [b"\x00"]}, progress=True, callee=33,
              callee_authid="srv", callee_authrole="backend", forward_for=FORWARD_FOR),
        Yield(6131534),
    ]


def _dynamic_only() -> list[Message]:
    """Keys only the dynamic formats carry (WAMP-FlatBuffers has no field for them)."""
    return [
        Hello("realm1", {"subscriber": {}}, agent="wamp-tests", custom={"x_trace": [1, 2]}),
        Error(48, 1, "wamp.error.runtime_error", args=[], kwargs={"a": 1}, callee=5,
              custom={"x_hint": "retry"}),
        Publish(1, "com.t", args=[{"float": 1e300, "neg": -0.0}], disclose_me=True),
        Call(1, "com.t", timeout=2.5, disclose_me=True),
        Subscribe(1, "com.t", forward_for=FORWARD_FOR),
        Event(1, 2, args=["x"], trustlevel=2),
        Invocation(1, 2, trustlevel=1),
        Register(1, "com.t", disclose_caller=True, forward_for=FORWARD_FOR),
    ]


FBS_SAMPLES: list[Message] = _common()
SAMPLES: list[Message] = FBS_SAMPLES + _dynamic_only()


def sample_id(msg: Message) -> str:
    return f"{type(msg).__name__}-{hash(repr(msg.marshal())) & 0xFFFF:04x}"
