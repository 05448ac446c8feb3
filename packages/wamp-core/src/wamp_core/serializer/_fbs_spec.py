"""WAMP-FlatBuffers: how each WAMP message list maps onto its FlatBuffers table.

One :class:`MessageSpec` per message type lists the table's fields in schema
order (the index of a field is its slot, as in ``_flatbuffers_gen/schema``)
and, for each, where its value lives in the WAMP list: a fixed position, a key
of the Options/Details dict, the whole dict, or the application payload.

The schema cannot hold everything a WAMP list can: Options/Details keys it has
no field for are dropped, ``Map`` fields hold one string entry, and enum fields
hold the values the schema names. Tests pin every table against the generated
code (``tests/wamp_core/test_serializer_flatbuffers.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["ENUMS", "FEATURES", "MESSAGE_SPECS", "Field", "MessageSpec"]

# Field kinds (how the value is stored in the table).
U64, U32, U16, U8, BOOL = "u64", "u32", "u16", "u8", "bool"
STR, BYTES, U64S, STRS = "str", "bytes", "u64s", "strs"
PRINCIPALS, MAP, CLIENT_ROLES, ROUTER_ROLES = "principals", "map", "client_roles", "router_roles"
ENUM, ENUMS_VEC = "enum", "enums"

# Where the value lives in the WAMP list.
SKIP, POS, OPT, WHOLE_DICT, ARGS, KWARGS, PAYLOAD = (
    "skip", "pos", "opt", "dict", "args", "kwargs", "payload"
)


@dataclass(frozen=True)
class Field:
    name: str  # schema field name (snake_case)
    kind: str
    where: str = OPT
    key: Any = None  # list index for POS, dict key for OPT (defaults to name)
    enum: str = ""  # ENUMS entry for ENUM / ENUMS_VEC
    strict: bool = True  # an enum value the schema lacks: error (True) or dropped

    @property
    def dict_key(self) -> str:
        return str(self.key) if self.key is not None else self.name


@dataclass(frozen=True)
class MessageSpec:
    code: int  # WAMP message type code
    table: str  # FlatBuffers table (generated module) name
    head: int  # number of fixed list elements, type code included
    dict_at: int | None  # list index of the Options/Details dict
    fields: tuple[Field, ...]
    dict_optional: bool = False  # the dict may be left out when empty (UNSUBSCRIBED ...)

    @property
    def payload(self) -> bool:
        return any(f.where == ARGS for f in self.fields)


# str <-> schema enum value. The first name of a value is the one read back.
ENUMS: dict[str, dict[str, int]] = {
    "ppt_scheme": {"cryptobox": 1, "mqtt": 2, "xbr": 3, "opaque": 4},
    "ppt_serializer": {
        "native": 0, "json": 1, "msgpack": 2, "cbor": 3, "ubjson": 4, "opaque": 5,
        "flatbuffers": 6, "flexbuffers": 7,
    },
    "ppt_cipher": {"xsalsa20poly1305": 1, "aes256gcm": 2},
    "match": {"exact": 0, "prefix": 1, "wildcard": 2},
    "invoke": {"single": 0, "first": 1, "last": 2, "roundrobin": 3, "random": 4},
    "cancel_mode": {"skip": 0, "kill": 1, "killnowait": 2},
    "authmethod": {
        "anonymous": 0, "ticket": 1, "wampcra": 2, "scram": 3, "cryptosign": 4,
        "wamp-scram": 3,
    },
}

# Feature flags per role table (roles.fbs), in schema order.
FEATURES: dict[str, tuple[str, ...]] = {
    "broker": (
        "publisher_identification", "publisher_exclusion", "subscriber_blackwhite_listing",
        "pattern_based_subscription", "publication_trustlevels", "subscription_revocation",
        "session_meta_api", "subscription_meta_api", "event_retention", "event_history",
        "acknowledge_event_received", "acknowledge_subscriber_received",
        "payload_transparency", "payload_encryption_cryptobox",
    ),
    "publisher": (
        "publisher_identification", "publisher_exclusion", "subscriber_blackwhite_listing",
        "acknowledge_event_received", "payload_transparency", "payload_encryption_cryptobox",
    ),
    "subscriber": (
        "publisher_identification", "pattern_based_subscription", "publication_trustlevels",
        "subscription_revocation", "event_history", "acknowledge_subscriber_received",
        "payload_transparency", "payload_encryption_cryptobox",
    ),
    "dealer": (
        "caller_identification", "call_trustlevels", "call_timeout", "call_canceling",
        "progressive_call_results", "registration_revocation", "pattern_based_registration",
        "shared_registration", "session_meta_api", "registration_meta_api",
        "testament_meta_api", "payload_transparency", "payload_encryption_cryptobox",
    ),
    "caller": (
        "caller_identification", "call_timeout", "call_canceling", "progressive_call_results",
        "payload_transparency", "payload_encryption_cryptobox",
    ),
    "callee": (
        "caller_identification", "call_trustlevels", "call_timeout", "call_canceling",
        "progressive_call_results", "registration_revocation", "pattern_based_registration",
        "shared_registration", "payload_transparency", "payload_encryption_cryptobox",
    ),
}
# Role slots in ClientRoles / RouterRoles.
CLIENT_ROLE_NAMES = ("publisher", "subscriber", "caller", "callee")
ROUTER_ROLE_NAMES = ("broker", "dealer")

_SESSION = Field("session", U64, SKIP)


def _pos(name: str, kind: str, index: int, **kw: Any) -> Field:
    return Field(name, kind, POS, index, **kw)


def _enum(name: str, enum: str, key: str | None = None, strict: bool = True) -> Field:
    return Field(name, ENUM, OPT, key, enum=enum, strict=strict)


# args, kwargs, payload and the payload passthru fields, as in every payload table.
_APP_PAYLOAD = (
    Field("args", BYTES, ARGS),
    Field("kwargs", BYTES, KWARGS),
    Field("payload", BYTES, PAYLOAD),
    _enum("ppt_scheme", "ppt_scheme"),
    _enum("ppt_serializer", "ppt_serializer"),
    _enum("ppt_cipher", "ppt_cipher"),
    Field("ppt_keyid", STR),
)
_FORWARD_FOR = Field("forward_for", PRINCIPALS)


def _spec(code: int, table: str, head: int, dict_at: int | None, *fields: Field,
          dict_optional: bool = False) -> MessageSpec:
    return MessageSpec(code, table, head, dict_at, fields, dict_optional)


_SPECS = (
    # [HELLO, Realm|uri, Details|dict]
    _spec(1, "Hello", 3, 2, _SESSION, Field("roles", CLIENT_ROLES), _pos("realm", STR, 1),
          Field("authmethods", ENUMS_VEC, enum="authmethod", strict=False),
          Field("authid", STR), Field("authrole", STR), Field("authextra", MAP),
          Field("resumable", BOOL), Field("resume_session", U64, key="resume-session"),
          Field("resume_token", STR, key="resume-token")),
    # [WELCOME, Session|id, Details|dict]
    _spec(2, "Welcome", 3, 2, _pos("session", U64, 1), Field("roles", ROUTER_ROLES),
          Field("realm", STR), Field("authid", STR), Field("authrole", STR),
          _enum("authmethod", "authmethod", strict=False), Field("authprovider", STR),
          Field("authextra", MAP), Field("resumed", BOOL), Field("resumable", BOOL),
          Field("resume_token", STR)),
    # [ABORT, Details|dict, Reason|uri]
    _spec(3, "Abort", 3, 1, _SESSION, _pos("reason", STR, 2), Field("message", STR)),
    # [CHALLENGE, AuthMethod|string, Extra|dict]
    _spec(4, "Challenge", 3, 2, _SESSION,
          Field("method", ENUM, POS, 1, enum="authmethod", strict=False),
          Field("extra", MAP, WHOLE_DICT)),
    # [AUTHENTICATE, Signature|string, Extra|dict]
    _spec(5, "Authenticate", 3, 2, _SESSION, _pos("signature", STR, 1),
          Field("extra", MAP, WHOLE_DICT)),
    # [GOODBYE, Details|dict, Reason|uri]
    _spec(6, "Goodbye", 3, 1, _SESSION, _pos("reason", STR, 2), Field("message", STR),
          Field("resumable", BOOL)),
    # [ERROR, REQUEST.Type|int, REQUEST.Request|id, Details|dict, Error|uri, Args, KwArgs]
    _spec(8, "Error", 5, 3, _SESSION, _pos("request_type", U16, 1), _pos("request", U64, 2),
          _pos("error", STR, 4), *_APP_PAYLOAD, _FORWARD_FOR),
    # [PUBLISH, Request|id, Options|dict, Topic|uri, Args, KwArgs]
    _spec(16, "Publish", 4, 2, _SESSION, _pos("request", U64, 1), _pos("topic", STR, 3),
          *_APP_PAYLOAD, Field("acknowledge", BOOL), Field("exclude_me", BOOL),
          Field("exclude", U64S), Field("exclude_authid", STRS),
          Field("exclude_authrole", STRS), Field("eligible", U64S),
          Field("eligible_authid", STRS), Field("eligible_authrole", STRS),
          Field("retain", BOOL), Field("transaction_hash", STR), _FORWARD_FOR),
    # [PUBLISHED, PUBLISH.Request|id, Publication|id]
    _spec(17, "Published", 3, None, _SESSION, _pos("request", U64, 1),
          _pos("publication", U64, 2)),
    # [SUBSCRIBE, Request|id, Options|dict, Topic|uri]
    _spec(32, "Subscribe", 4, 2, _SESSION, _pos("request", U64, 1), _pos("topic", STR, 3),
          _enum("match", "match"), Field("get_retained", BOOL)),
    # [SUBSCRIBED, SUBSCRIBE.Request|id, Subscription|id]
    _spec(33, "Subscribed", 3, None, _SESSION, _pos("request", U64, 1),
          _pos("subscription", U64, 2)),
    # [UNSUBSCRIBE, Request|id, SUBSCRIBED.Subscription|id]
    _spec(34, "Unsubscribe", 3, None, _SESSION, _pos("request", U64, 1),
          _pos("subscription", U64, 2)),
    # [UNSUBSCRIBED, UNSUBSCRIBE.Request|id, Details|dict (optional)]
    _spec(35, "Unsubscribed", 3, 2, _SESSION, _pos("request", U64, 1),
          Field("subscription", U64), Field("reason", STR), dict_optional=True),
    # [EVENT, SUBSCRIBED.Subscription|id, PUBLISHED.Publication|id, Details|dict, Args, KwArgs]
    _spec(36, "Event", 4, 3, _SESSION, _pos("subscription", U64, 1),
          _pos("publication", U64, 2), *_APP_PAYLOAD, Field("publisher", U64),
          Field("publisher_authid", STR), Field("publisher_authrole", STR),
          Field("topic", STR), Field("retained", BOOL), Field("transaction_hash", STR),
          Field("acknowledge", BOOL, key="x_acknowledged_delivery"), _FORWARD_FOR),
    # [EVENT_RECEIVED, EVENT.Publication|id, Details|dict]
    _spec(37, "EventReceived", 3, 2, _SESSION, _pos("publication", U64, 1), _FORWARD_FOR),
    # [CALL, Request|id, Options|dict, Procedure|uri, Args, KwArgs]
    _spec(48, "Call", 4, 2, _SESSION, _pos("request", U64, 1), _pos("procedure", STR, 3),
          *_APP_PAYLOAD, Field("timeout", U32), Field("receive_progress", BOOL),
          Field("transaction_hash", STR), Field("caller", U64), Field("caller_authid", STR),
          Field("caller_authrole", STR), _FORWARD_FOR),
    # [CANCEL, CALL.Request|id, Options|dict]
    _spec(49, "Cancel", 3, 2, _SESSION, _pos("request", U64, 1),
          _enum("mode", "cancel_mode"), _FORWARD_FOR),
    # [RESULT, CALL.Request|id, Details|dict, Args, KwArgs]
    _spec(50, "Result", 3, 2, _SESSION, _pos("request", U64, 1), *_APP_PAYLOAD,
          Field("progress", BOOL), Field("callee", U64), Field("callee_authid", STR),
          Field("callee_authrole", STR), _FORWARD_FOR),
    # [REGISTER, Request|id, Options|dict, Procedure|uri]
    _spec(64, "Register", 4, 2, _SESSION, _pos("request", U64, 1), _pos("procedure", STR, 3),
          _enum("match", "match"), _enum("invoke", "invoke"), Field("concurrency", U16),
          Field("force_reregister", BOOL)),
    # [REGISTERED, REGISTER.Request|id, Registration|id]
    _spec(65, "Registered", 3, None, _SESSION, _pos("request", U64, 1),
          _pos("registration", U64, 2)),
    # [UNREGISTER, Request|id, REGISTERED.Registration|id]
    _spec(66, "Unregister", 3, None, _SESSION, _pos("request", U64, 1),
          _pos("registration", U64, 2)),
    # [UNREGISTERED, UNREGISTER.Request|id, Details|dict (optional)]
    _spec(67, "Unregistered", 3, 2, _SESSION, _pos("request", U64, 1),
          Field("registration", U64), Field("reason", STR), dict_optional=True),
    # [INVOCATION, Request|id, REGISTERED.Registration|id, Details|dict, Args, KwArgs]
    _spec(68, "Invocation", 4, 3, _SESSION, _pos("request", U64, 1),
          _pos("registration", U64, 2), *_APP_PAYLOAD, Field("procedure", STR),
          Field("timeout", U32), Field("receive_progress", BOOL),
          Field("transaction_hash", STR), Field("caller", U64), Field("caller_authid", STR),
          Field("caller_authrole", STR), _FORWARD_FOR),
    # [INTERRUPT, INVOCATION.Request|id, Options|dict]
    _spec(69, "Interrupt", 3, 2, _SESSION, _pos("request", U64, 1),
          _enum("mode", "cancel_mode"), Field("reason", STR), _FORWARD_FOR),
    # [YIELD, INVOCATION.Request|id, Options|dict, Args, KwArgs]
    _spec(70, "Yield", 3, 2, _SESSION, _pos("request", U64, 1), *_APP_PAYLOAD,
          Field("progress", BOOL), Field("callee", U64), Field("callee_authid", STR),
          Field("callee_authrole", STR), _FORWARD_FOR),
)

MESSAGE_SPECS: dict[int, MessageSpec] = {spec.code: spec for spec in _SPECS}
"""WAMP message type code -> its FlatBuffers mapping."""
