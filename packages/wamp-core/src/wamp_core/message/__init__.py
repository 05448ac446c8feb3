"""WAMP messages of the basic and advanced profiles (``autobahn.wamp.message``).

Every message class has Autobahn|Python's name, constructor keywords and
attribute names, plus:

- ``Cls.MESSAGE_TYPE``: the wire code;
- ``Cls.parse(wmsg)``: validate a deserialized list and build the message;
- ``msg.marshal()``: the list to hand to a serializer;
- ``msg.serialize(serializer)``: serialized bytes, cached per serializer.

:func:`parse` dispatches on the type code through :data:`MESSAGE_CLASSES`.
A malformed message raises :class:`~wamp_core.exception.ProtocolError` whose
text names the message, the field and the value; constructors raise the same
error on misuse.

Wire formats differ from Autobahn's in one place: payload passthru mode (the
``payload`` with ``enc_algo``, ``enc_serializer``, ``enc_key`` and our
``enc_cipher``) is written as the spec says, ``ppt_scheme``,
``ppt_serializer``, ``ppt_keyid``, ``ppt_cipher`` in the Options/Details and
the binary payload as the single item of ``Arguments|list``. Autobahn's older
form (``enc_*`` keys, bare binary element) is still read.
"""

from __future__ import annotations

from typing import Any

from wamp_core.exception import ProtocolError
from wamp_core.message._base import Message
from wamp_core.message._check import show
from wamp_core.message._compat import (
    PAYLOAD_ENC_CRYPTO_BOX,
    PAYLOAD_ENC_MQTT,
    PAYLOAD_ENC_STANDARD_IDENTIFIERS,
    PAYLOAD_ENC_STANDARD_SERIALIZERS,
    PAYLOAD_ENC_XBR,
    check_or_raise_extra,
    check_or_raise_id,
    is_valid_enc_algo,
    is_valid_enc_serializer,
)
from wamp_core.message.error import Error
from wamp_core.message.pubsub import (
    Event,
    Publish,
    Published,
    Subscribe,
    Subscribed,
    Unsubscribe,
    Unsubscribed,
)
from wamp_core.message.registration import Register, Registered, Unregister, Unregistered
from wamp_core.message.rpc import Call, Cancel, Interrupt, Invocation, Result, Yield
from wamp_core.message.session import Abort, Authenticate, Challenge, Goodbye, Hello, Welcome
from wamp_core.uri import (
    check_or_raise_realm_name,
    check_or_raise_uri,
    identify_realm_name_category,
)

__all__ = [
    "MESSAGE_CLASSES",
    "PAYLOAD_ENC_CRYPTO_BOX",
    "PAYLOAD_ENC_MQTT",
    "PAYLOAD_ENC_STANDARD_IDENTIFIERS",
    "PAYLOAD_ENC_STANDARD_SERIALIZERS",
    "PAYLOAD_ENC_XBR",
    "Abort",
    "Authenticate",
    "Call",
    "Cancel",
    "Challenge",
    "Error",
    "Event",
    "Goodbye",
    "Hello",
    "Interrupt",
    "Invocation",
    "Message",
    "Publish",
    "Published",
    "Register",
    "Registered",
    "Result",
    "Subscribe",
    "Subscribed",
    "Unregister",
    "Unregistered",
    "Unsubscribe",
    "Unsubscribed",
    "Welcome",
    "Yield",
    "check_or_raise_extra",
    "check_or_raise_id",
    "check_or_raise_realm_name",
    "check_or_raise_uri",
    "identify_realm_name_category",
    "is_valid_enc_algo",
    "is_valid_enc_serializer",
    "parse",
]

MESSAGE_CLASSES: dict[int, type[Message]] = {
    cls.MESSAGE_TYPE: cls
    for cls in (
        Hello, Welcome, Abort, Challenge, Authenticate, Goodbye, Error,
        Publish, Published, Subscribe, Subscribed, Unsubscribe, Unsubscribed, Event,
        Call, Cancel, Result, Register, Registered, Unregister, Unregistered,
        Invocation, Interrupt, Yield,
    )
}
"""Message type code -> message class, for every message of both profiles."""

_TYPES_TEXT = ", ".join(str(t) for t in sorted(MESSAGE_CLASSES))
_PARSERS = {code: cls.parse for code, cls in MESSAGE_CLASSES.items()}


def parse(wmsg: Any) -> Message:
    """Parse a deserialized WAMP message (a list) into a message object.

    Raises :class:`~wamp_core.exception.ProtocolError` when ``wmsg`` is not a
    non-empty list, its type code is unknown, or the message is malformed.
    """
    if type(wmsg) is not list or not wmsg:
        raise ProtocolError(f"invalid WAMP message {show(wmsg)} (expected a non-empty list)")
    code = wmsg[0]
    parser = _PARSERS.get(code) if type(code) is int else None
    if parser is None:
        raise ProtocolError(
            f"invalid WAMP message type {show(code)} (expected one of {_TYPES_TEXT})"
        )
    return parser(wmsg)
