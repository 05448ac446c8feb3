"""Publish & subscribe messages: PUBLISH, PUBLISHED, SUBSCRIBE, SUBSCRIBED,
UNSUBSCRIBE, UNSUBSCRIBED, EVENT."""

from __future__ import annotations

from typing import Any

from wamp_core.message._base import Message, PayloadMessage
from wamp_core.message._check import (
    check_bool,
    check_custom,
    check_forward_for,
    check_id,
    check_id0,
    check_id_list,
    check_match,
    check_nonneg_int,
    check_str,
    check_str_list,
    check_uri,
    check_uri_pattern,
)
from wamp_core.message._table import OPTIONAL_OPTIONS, OPTIONS, Field, Key, slots
from wamp_core.uri import MATCH_EXACT, MATCH_PREFIX, MATCH_WILDCARD

__all__ = [
    "Event",
    "Publish",
    "Published",
    "Subscribe",
    "Subscribed",
    "Unsubscribe",
    "Unsubscribed",
]

_REQUEST = Field("request", check_id, "Request|id")
_FORWARD_FOR = Key("forward_for", check_forward_for)


class Publish(PayloadMessage):
    """``PUBLISH``: a publisher publishes an event to a topic.

    Options: ``acknowledge`` (ask for PUBLISHED), ``exclude_me``, subscriber
    black/white listing by session, authid and authrole (``exclude*``,
    ``eligible*``), ``retain``, ``disclose_me``, ``transaction_hash``,
    ``forward_for``, payload passthru (``payload`` + ``enc_*``).
    """

    # [PUBLISH, Request|id, Options|dict, Topic|uri, Arguments|list, ArgumentsKw|dict]
    MESSAGE_TYPE = 16
    _HEAD = (_REQUEST, OPTIONS, Field("topic", check_uri, "Topic|uri"))
    _KEYS = (
        Key("acknowledge", check_bool),
        Key("exclude_me", check_bool),
        Key("exclude", check_id_list),
        Key("exclude_authid", check_str_list),
        Key("exclude_authrole", check_str_list),
        Key("eligible", check_id_list),
        Key("eligible_authid", check_str_list),
        Key("eligible_authrole", check_str_list),
        Key("retain", check_bool),
        Key("transaction_hash", check_str),
        Key("disclose_me", check_bool),
        _FORWARD_FOR,
    )
    __slots__ = slots(_HEAD, _KEYS, payload=True, custom=True)

    request: int
    topic: str
    acknowledge: bool | None
    exclude_me: bool | None
    exclude: list[int] | None
    exclude_authid: list[str] | None
    exclude_authrole: list[str] | None
    eligible: list[int] | None
    eligible_authid: list[str] | None
    eligible_authrole: list[str] | None
    retain: bool | None
    transaction_hash: str | None
    disclose_me: bool | None

    def __init__(
        self,
        request: int,
        topic: str,
        args: list[Any] | tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
        payload: bytes | None = None,
        acknowledge: bool | None = None,
        exclude_me: bool | None = None,
        exclude: list[int] | None = None,
        exclude_authid: list[str] | None = None,
        exclude_authrole: list[str] | None = None,
        eligible: list[int] | None = None,
        eligible_authid: list[str] | None = None,
        eligible_authrole: list[str] | None = None,
        retain: bool | None = None,
        transaction_hash: str | None = None,
        enc_algo: str | None = None,
        enc_key: str | None = None,
        enc_serializer: str | None = None,
        forward_for: list[dict[str, Any]] | None = None,
        *,
        disclose_me: bool | None = None,
        enc_cipher: str | None = None,
        custom: dict[str, Any] | None = None,
    ) -> None:
        self._init(request, topic, args, kwargs, payload, acknowledge, exclude_me, exclude,
                   exclude_authid, exclude_authrole, eligible, eligible_authid,
                   eligible_authrole, retain, transaction_hash, enc_algo, enc_key,
                   enc_serializer, forward_for, disclose_me, enc_cipher, custom)


class Published(Message):
    """``PUBLISHED``: the broker acknowledges a publication."""

    # [PUBLISHED, PUBLISH.Request|id, Publication|id]
    MESSAGE_TYPE = 17
    _HEAD = (Field("request", check_id, "PUBLISH.Request|id"),
             Field("publication", check_id, "Publication|id"))
    __slots__ = slots(_HEAD, ())

    request: int
    publication: int

    def __init__(self, request: int, publication: int) -> None:
        self._init(request, publication)


class Subscribe(Message):
    """``SUBSCRIBE``: a subscriber subscribes to a topic or a topic pattern."""

    # [SUBSCRIBE, Request|id, Options|dict, Topic|uri]
    MESSAGE_TYPE = 32
    MATCH_EXACT = MATCH_EXACT
    MATCH_PREFIX = MATCH_PREFIX
    MATCH_WILDCARD = MATCH_WILDCARD
    _HEAD = (_REQUEST, OPTIONS, Field("topic", check_uri, "Topic|uri"))
    _KEYS = (Key("match", check_match), Key("get_retained", check_bool), _FORWARD_FOR)
    _DEFAULTS = (("match", MATCH_EXACT),)  # reported by parse() as Autobahn does, not sent
    __slots__ = slots(_HEAD, _KEYS, custom=True)

    request: int
    topic: str
    match: str | None
    get_retained: bool | None
    forward_for: list[dict[str, Any]] | None
    custom: dict[str, Any] | None

    def __init__(
        self,
        request: int,
        topic: str,
        match: str | None = None,
        get_retained: bool | None = None,
        forward_for: list[dict[str, Any]] | None = None,
        *,
        custom: dict[str, Any] | None = None,
    ) -> None:
        # Not _init(): the topic is checked against the match policy, after it.
        m = "SUBSCRIBE"
        self._serialized = None
        self.request = check_id(request, m, "Request|id")
        self.match = match if match is None else check_match(match, m, "Options.match")
        self.topic = check_uri_pattern(topic, m, "Topic|uri", match)
        self.get_retained = (get_retained if get_retained is None
                             else check_bool(get_retained, m, "Options.get_retained"))
        self.forward_for = (forward_for if forward_for is None
                            else check_forward_for(forward_for, m, "Options.forward_for"))
        self.custom = custom if custom is None else check_custom(custom, m, "Options")


class Subscribed(Message):
    """``SUBSCRIBED``: the broker acknowledges a subscription."""

    # [SUBSCRIBED, SUBSCRIBE.Request|id, Subscription|id]
    MESSAGE_TYPE = 33
    _HEAD = (Field("request", check_id, "SUBSCRIBE.Request|id"),
             Field("subscription", check_id, "Subscription|id"))
    __slots__ = slots(_HEAD, ())

    request: int
    subscription: int

    def __init__(self, request: int, subscription: int) -> None:
        self._init(request, subscription)


class Unsubscribe(Message):
    """``UNSUBSCRIBE``: a subscriber ends a subscription.

    ``forward_for`` travels in an Options dict after the subscription ID
    (Autobahn's router-to-router extension); without it the spec's three
    elements are sent.
    """

    # [UNSUBSCRIBE, Request|id, SUBSCRIBED.Subscription|id]
    # [UNSUBSCRIBE, Request|id, SUBSCRIBED.Subscription|id, Options|dict]  (Autobahn)
    MESSAGE_TYPE = 34
    _HEAD = (_REQUEST, Field("subscription", check_id, "SUBSCRIBED.Subscription|id"),
             OPTIONAL_OPTIONS)
    _KEYS = (_FORWARD_FOR,)
    __slots__ = slots(_HEAD, _KEYS, custom=True)

    request: int
    subscription: int
    forward_for: list[dict[str, Any]] | None
    custom: dict[str, Any] | None

    def __init__(
        self,
        request: int,
        subscription: int,
        forward_for: list[dict[str, Any]] | None = None,
        *,
        custom: dict[str, Any] | None = None,
    ) -> None:
        self._init(request, subscription, forward_for, custom)


class Unsubscribed(Message):
    """``UNSUBSCRIBED``: the broker acknowledges an unsubscribe, or revokes a subscription.

    On revocation (advanced profile) the request is 0 and the Details name the
    ``subscription`` and the ``reason``.
    """

    # [UNSUBSCRIBED, UNSUBSCRIBE.Request|id]
    # [UNSUBSCRIBED, UNSUBSCRIBE.Request|id, Details|dict]  (revocation: Request 0)
    MESSAGE_TYPE = 35
    # A revocation (request 0) must name the subscription: that takes the constructor.
    _HEAD = (Field("request", check_id0, "UNSUBSCRIBE.Request|id", fast=check_id), OPTIONAL_OPTIONS)
    _DICT = "Details"
    _KEYS = (Key("subscription", check_id), Key("reason", check_uri))
    __slots__ = slots(_HEAD, _KEYS)

    request: int
    subscription: int | None
    reason: str | None

    def __init__(
        self, request: int, subscription: int | None = None, reason: str | None = None
    ) -> None:
        self._init(request, subscription, reason)
        if request == 0 and subscription is None:  # a revocation names the subscription
            check_id(subscription, "UNSUBSCRIBED", "Details.subscription")


class Event(PayloadMessage):
    """``EVENT``: the broker delivers a publication to a subscriber.

    Details: publisher disclosure (``publisher``, ``publisher_authid``,
    ``publisher_authrole``), ``topic`` (for pattern subscriptions),
    ``retained``, ``trustlevel``, ``transaction_hash``,
    ``x_acknowledged_delivery``, ``forward_for``, payload passthru.
    """

    # [EVENT, SUBSCRIBED.Subscription|id, PUBLISHED.Publication|id, Details|dict,
    #     PUBLISH.Arguments|list, PUBLISH.ArgumentsKw|dict]
    MESSAGE_TYPE = 36
    _HEAD = (Field("subscription", check_id, "SUBSCRIBED.Subscription|id"),
             Field("publication", check_id, "PUBLISHED.Publication|id"), OPTIONS)
    _DICT = "Details"
    _KEYS = (
        Key("publisher", check_id),
        Key("publisher_authid", check_str),
        Key("publisher_authrole", check_str),
        Key("topic", check_uri),
        Key("retained", check_bool),
        Key("trustlevel", check_nonneg_int),
        Key("transaction_hash", check_str),
        Key("x_acknowledged_delivery", check_bool),
        _FORWARD_FOR,
    )
    __slots__ = slots(_HEAD, _KEYS, payload=True, custom=True)

    subscription: int
    publication: int
    publisher: int | None
    publisher_authid: str | None
    publisher_authrole: str | None
    topic: str | None
    retained: bool | None
    trustlevel: int | None
    transaction_hash: str | None
    x_acknowledged_delivery: bool | None

    def __init__(
        self,
        subscription: int,
        publication: int,
        args: list[Any] | tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
        payload: bytes | None = None,
        publisher: int | None = None,
        publisher_authid: str | None = None,
        publisher_authrole: str | None = None,
        topic: str | None = None,
        retained: bool | None = None,
        transaction_hash: str | None = None,
        x_acknowledged_delivery: bool | None = None,
        enc_algo: str | None = None,
        enc_key: str | None = None,
        enc_serializer: str | None = None,
        forward_for: list[dict[str, Any]] | None = None,
        *,
        trustlevel: int | None = None,
        enc_cipher: str | None = None,
        custom: dict[str, Any] | None = None,
    ) -> None:
        self._init(subscription, publication, args, kwargs, payload, publisher,
                   publisher_authid, publisher_authrole, topic, retained, transaction_hash,
                   x_acknowledged_delivery, enc_algo, enc_key, enc_serializer, forward_for,
                   trustlevel, enc_cipher, custom)
