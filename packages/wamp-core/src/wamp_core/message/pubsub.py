"""Publish & subscribe messages: PUBLISH, PUBLISHED, SUBSCRIBE, SUBSCRIBED,
UNSUBSCRIBE, UNSUBSCRIBED, EVENT."""

from __future__ import annotations

from typing import Any

from wamp_core.message._base import (
    Message,
    check_app_payload,
    check_head,
    marshal_payload,
    read_details,
    read_payload,
)
from wamp_core.message._check import (
    check_bool,
    check_choice,
    check_custom,
    check_forward_for,
    check_id,
    check_id0,
    check_id_list,
    check_nonneg_int,
    check_str,
    check_str_list,
    check_uri,
    check_uri_pattern,
)
from wamp_core.uri import MATCH_EXACT, MATCH_POLICIES, MATCH_PREFIX, MATCH_WILDCARD

__all__ = [
    "Event",
    "Publish",
    "Published",
    "Subscribe",
    "Subscribed",
    "Unsubscribe",
    "Unsubscribed",
]


class Publish(Message):
    """``PUBLISH``: a publisher publishes an event to a topic.

    Options: ``acknowledge`` (ask for PUBLISHED), ``exclude_me``, subscriber
    black/white listing by session, authid and authrole (``exclude*``,
    ``eligible*``), ``retain``, ``disclose_me``, ``transaction_hash``,
    ``forward_for``, payload passthru (``payload`` + ``enc_*``).
    """

    MESSAGE_TYPE = 16
    _PASSTHRU = True
    _KEYS = (
        ("acknowledge", "acknowledge"),
        ("exclude_me", "exclude_me"),
        ("exclude", "exclude"),
        ("exclude_authid", "exclude_authid"),
        ("exclude_authrole", "exclude_authrole"),
        ("eligible", "eligible"),
        ("eligible_authid", "eligible_authid"),
        ("eligible_authrole", "eligible_authrole"),
        ("retain", "retain"),
        ("transaction_hash", "transaction_hash"),
        ("disclose_me", "disclose_me"),
        ("forward_for", "forward_for"),
    )
    __slots__ = (
        "acknowledge",
        "args",
        "custom",
        "disclose_me",
        "eligible",
        "eligible_authid",
        "eligible_authrole",
        "enc_algo",
        "enc_cipher",
        "enc_key",
        "enc_serializer",
        "exclude",
        "exclude_authid",
        "exclude_authrole",
        "exclude_me",
        "forward_for",
        "kwargs",
        "payload",
        "request",
        "retain",
        "topic",
        "transaction_hash",
    )

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
        m = "PUBLISH"
        self.request = check_id(request, m, "Request|id")
        self.topic = check_uri(topic, m, "Topic|uri")
        check_app_payload(m, args, kwargs, payload, enc_algo, enc_key, enc_serializer,
                          enc_cipher)
        self.args = args
        self.kwargs = kwargs
        self.payload = payload
        self.enc_algo = enc_algo
        self.enc_key = enc_key
        self.enc_serializer = enc_serializer
        self.enc_cipher = enc_cipher
        self.acknowledge = (acknowledge if acknowledge is None
                            else check_bool(acknowledge, m, "Options.acknowledge"))
        self.exclude_me = (exclude_me if exclude_me is None
                           else check_bool(exclude_me, m, "Options.exclude_me"))
        self.exclude = exclude if exclude is None else check_id_list(exclude, m,
                                                                     "Options.exclude")
        self.exclude_authid = (exclude_authid if exclude_authid is None
                               else check_str_list(exclude_authid, m, "Options.exclude_authid"))
        self.exclude_authrole = (
            exclude_authrole if exclude_authrole is None
            else check_str_list(exclude_authrole, m, "Options.exclude_authrole"))
        self.eligible = eligible if eligible is None else check_id_list(eligible, m,
                                                                        "Options.eligible")
        self.eligible_authid = (
            eligible_authid if eligible_authid is None
            else check_str_list(eligible_authid, m, "Options.eligible_authid"))
        self.eligible_authrole = (
            eligible_authrole if eligible_authrole is None
            else check_str_list(eligible_authrole, m, "Options.eligible_authrole"))
        self.retain = retain if retain is None else check_bool(retain, m, "Options.retain")
        self.transaction_hash = (
            transaction_hash if transaction_hash is None
            else check_str(transaction_hash, m, "Options.transaction_hash"))
        self.disclose_me = (disclose_me if disclose_me is None
                            else check_bool(disclose_me, m, "Options.disclose_me"))
        self.forward_for = (forward_for if forward_for is None
                            else check_forward_for(forward_for, m, "Options.forward_for"))
        self.custom = custom if custom is None else check_custom(custom, m, "Options")

    @classmethod
    def parse(cls, wmsg: list[Any]) -> Publish:
        # [PUBLISH, Request|id, Options|dict, Topic|uri]
        # [PUBLISH, Request|id, Options|dict, Topic|uri, Arguments|list]
        # [PUBLISH, Request|id, Options|dict, Topic|uri, Arguments|list, ArgumentsKw|dict]
        check_head(wmsg, 16, "PUBLISH", 4, 6)
        kw, custom = read_details(wmsg[2], "PUBLISH", "Options|dict", cls._WIRE)
        args, kwargs, payload = read_payload(wmsg, 4, "PUBLISH", "enc_algo" in kw)
        return cls(wmsg[1], wmsg[3], args, kwargs, payload, custom=custom, **kw)

    def marshal(self) -> list[Any]:
        options = self._options()
        return marshal_payload([16, self.request, options, self.topic], options, self)


class Published(Message):
    """``PUBLISHED``: the broker acknowledges a publication."""

    MESSAGE_TYPE = 17
    __slots__ = ("publication", "request")

    def __init__(self, request: int, publication: int) -> None:
        self.request = check_id(request, "PUBLISHED", "PUBLISH.Request|id")
        self.publication = check_id(publication, "PUBLISHED", "Publication|id")

    @classmethod
    def parse(cls, wmsg: list[Any]) -> Published:
        # [PUBLISHED, PUBLISH.Request|id, Publication|id]
        check_head(wmsg, 17, "PUBLISHED", 3, 3)
        return cls(wmsg[1], wmsg[2])

    def marshal(self) -> list[Any]:
        return [17, self.request, self.publication]


class Subscribe(Message):
    """``SUBSCRIBE``: a subscriber subscribes to a topic or a topic pattern."""

    MESSAGE_TYPE = 32
    MATCH_EXACT = MATCH_EXACT
    MATCH_PREFIX = MATCH_PREFIX
    MATCH_WILDCARD = MATCH_WILDCARD
    _KEYS = (
        ("match", "match"),
        ("get_retained", "get_retained"),
        ("forward_for", "forward_for"),
    )
    __slots__ = ("custom", "forward_for", "get_retained", "match", "request", "topic")

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
        m = "SUBSCRIBE"
        self.request = check_id(request, m, "Request|id")
        self.match = match if match is None else check_choice(match, m, "Options.match",
                                                              MATCH_POLICIES)
        self.topic = check_uri_pattern(topic, m, "Topic|uri", match)
        self.get_retained = (get_retained if get_retained is None
                             else check_bool(get_retained, m, "Options.get_retained"))
        self.forward_for = (forward_for if forward_for is None
                            else check_forward_for(forward_for, m, "Options.forward_for"))
        self.custom = custom if custom is None else check_custom(custom, m, "Options")

    @classmethod
    def parse(cls, wmsg: list[Any]) -> Subscribe:
        # [SUBSCRIBE, Request|id, Options|dict, Topic|uri]
        check_head(wmsg, 32, "SUBSCRIBE", 4, 4)
        kw, custom = read_details(wmsg[2], "SUBSCRIBE", "Options|dict", cls._WIRE)
        kw.setdefault("match", MATCH_EXACT)  # the default policy, as Autobahn reports it
        return cls(wmsg[1], wmsg[3], custom=custom, **kw)

    def marshal(self) -> list[Any]:
        options = self._options()
        if self.match == MATCH_EXACT:
            del options["match"]  # the default is not sent
        return [32, self.request, options, self.topic]


class Subscribed(Message):
    """``SUBSCRIBED``: the broker acknowledges a subscription."""

    MESSAGE_TYPE = 33
    __slots__ = ("request", "subscription")

    def __init__(self, request: int, subscription: int) -> None:
        self.request = check_id(request, "SUBSCRIBED", "SUBSCRIBE.Request|id")
        self.subscription = check_id(subscription, "SUBSCRIBED", "Subscription|id")

    @classmethod
    def parse(cls, wmsg: list[Any]) -> Subscribed:
        # [SUBSCRIBED, SUBSCRIBE.Request|id, Subscription|id]
        check_head(wmsg, 33, "SUBSCRIBED", 3, 3)
        return cls(wmsg[1], wmsg[2])

    def marshal(self) -> list[Any]:
        return [33, self.request, self.subscription]


class Unsubscribe(Message):
    """``UNSUBSCRIBE``: a subscriber ends a subscription.

    ``forward_for`` travels in an Options dict after the subscription ID
    (Autobahn's router-to-router extension); without it the spec's three
    elements are sent.
    """

    MESSAGE_TYPE = 34
    _KEYS = (("forward_for", "forward_for"),)
    __slots__ = ("custom", "forward_for", "request", "subscription")

    def __init__(
        self,
        request: int,
        subscription: int,
        forward_for: list[dict[str, Any]] | None = None,
        *,
        custom: dict[str, Any] | None = None,
    ) -> None:
        m = "UNSUBSCRIBE"
        self.request = check_id(request, m, "Request|id")
        self.subscription = check_id(subscription, m, "SUBSCRIBED.Subscription|id")
        self.forward_for = (forward_for if forward_for is None
                            else check_forward_for(forward_for, m, "Options.forward_for"))
        self.custom = custom if custom is None else check_custom(custom, m, "Options")

    @classmethod
    def parse(cls, wmsg: list[Any]) -> Unsubscribe:
        # [UNSUBSCRIBE, Request|id, SUBSCRIBED.Subscription|id]
        # [UNSUBSCRIBE, Request|id, SUBSCRIBED.Subscription|id, Options|dict]  (Autobahn)
        check_head(wmsg, 34, "UNSUBSCRIBE", 3, 4)
        if len(wmsg) == 3:
            return cls(wmsg[1], wmsg[2])
        kw, custom = read_details(wmsg[3], "UNSUBSCRIBE", "Options|dict", cls._WIRE)
        return cls(wmsg[1], wmsg[2], custom=custom, **kw)

    def marshal(self) -> list[Any]:
        options = self._options()
        if options:
            return [34, self.request, self.subscription, options]
        return [34, self.request, self.subscription]


class Unsubscribed(Message):
    """``UNSUBSCRIBED``: the broker acknowledges an unsubscribe, or revokes a subscription.

    On revocation (advanced profile) the request is 0 and the Details name the
    ``subscription`` and the ``reason``.
    """

    MESSAGE_TYPE = 35
    _KEYS = (("subscription", "subscription"), ("reason", "reason"))
    __slots__ = ("reason", "request", "subscription")

    def __init__(
        self, request: int, subscription: int | None = None, reason: str | None = None
    ) -> None:
        m = "UNSUBSCRIBED"
        self.request = check_id0(request, m, "UNSUBSCRIBE.Request|id")
        self.subscription = (subscription if subscription is None
                             else check_id(subscription, m, "Details.subscription"))
        self.reason = reason if reason is None else check_uri(reason, m, "Details.reason")
        if request == 0 and subscription is None:
            check_id(subscription, m, "Details.subscription")  # a revocation names it

    @classmethod
    def parse(cls, wmsg: list[Any]) -> Unsubscribed:
        # [UNSUBSCRIBED, UNSUBSCRIBE.Request|id]
        # [UNSUBSCRIBED, UNSUBSCRIBE.Request|id, Details|dict]  (revocation: Request 0)
        check_head(wmsg, 35, "UNSUBSCRIBED", 2, 3)
        if len(wmsg) == 2:
            return cls(wmsg[1])
        kw, _ = read_details(wmsg[2], "UNSUBSCRIBED", "Details|dict", cls._WIRE)
        return cls(wmsg[1], **kw)

    def marshal(self) -> list[Any]:
        details = self._options()
        if details:
            return [35, self.request, details]
        return [35, self.request]


class Event(Message):
    """``EVENT``: the broker delivers a publication to a subscriber.

    Details: publisher disclosure (``publisher``, ``publisher_authid``,
    ``publisher_authrole``), ``topic`` (for pattern subscriptions),
    ``retained``, ``trustlevel``, ``transaction_hash``,
    ``x_acknowledged_delivery``, ``forward_for``, payload passthru.
    """

    MESSAGE_TYPE = 36
    _PASSTHRU = True
    _KEYS = (
        ("publisher", "publisher"),
        ("publisher_authid", "publisher_authid"),
        ("publisher_authrole", "publisher_authrole"),
        ("topic", "topic"),
        ("retained", "retained"),
        ("trustlevel", "trustlevel"),
        ("transaction_hash", "transaction_hash"),
        ("x_acknowledged_delivery", "x_acknowledged_delivery"),
        ("forward_for", "forward_for"),
    )
    __slots__ = (
        "args",
        "custom",
        "enc_algo",
        "enc_cipher",
        "enc_key",
        "enc_serializer",
        "forward_for",
        "kwargs",
        "payload",
        "publication",
        "publisher",
        "publisher_authid",
        "publisher_authrole",
        "retained",
        "subscription",
        "topic",
        "transaction_hash",
        "trustlevel",
        "x_acknowledged_delivery",
    )

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
        m = "EVENT"
        self.subscription = check_id(subscription, m, "SUBSCRIBED.Subscription|id")
        self.publication = check_id(publication, m, "PUBLISHED.Publication|id")
        check_app_payload(m, args, kwargs, payload, enc_algo, enc_key, enc_serializer,
                          enc_cipher)
        self.args = args
        self.kwargs = kwargs
        self.payload = payload
        self.enc_algo = enc_algo
        self.enc_key = enc_key
        self.enc_serializer = enc_serializer
        self.enc_cipher = enc_cipher
        self.publisher = (publisher if publisher is None
                          else check_id(publisher, m, "Details.publisher"))
        self.publisher_authid = (
            publisher_authid if publisher_authid is None
            else check_str(publisher_authid, m, "Details.publisher_authid"))
        self.publisher_authrole = (
            publisher_authrole if publisher_authrole is None
            else check_str(publisher_authrole, m, "Details.publisher_authrole"))
        self.topic = topic if topic is None else check_uri(topic, m, "Details.topic")
        self.retained = retained if retained is None else check_bool(retained, m,
                                                                     "Details.retained")
        self.trustlevel = (trustlevel if trustlevel is None
                           else check_nonneg_int(trustlevel, m, "Details.trustlevel"))
        self.transaction_hash = (
            transaction_hash if transaction_hash is None
            else check_str(transaction_hash, m, "Details.transaction_hash"))
        self.x_acknowledged_delivery = (
            x_acknowledged_delivery if x_acknowledged_delivery is None
            else check_bool(x_acknowledged_delivery, m, "Details.x_acknowledged_delivery"))
        self.forward_for = (forward_for if forward_for is None
                            else check_forward_for(forward_for, m, "Details.forward_for"))
        self.custom = custom if custom is None else check_custom(custom, m, "Details")

    @classmethod
    def parse(cls, wmsg: list[Any]) -> Event:
        # [EVENT, SUBSCRIBED.Subscription|id, PUBLISHED.Publication|id, Details|dict]
        # [EVENT, SUBSCRIBED.Subscription|id, PUBLISHED.Publication|id, Details|dict,
        #     PUBLISH.Arguments|list]
        # [EVENT, SUBSCRIBED.Subscription|id, PUBLISHED.Publication|id, Details|dict,
        #     PUBLISH.Arguments|list, PUBLISH.ArgumentsKw|dict]
        check_head(wmsg, 36, "EVENT", 4, 6)
        kw, custom = read_details(wmsg[3], "EVENT", "Details|dict", cls._WIRE)
        args, kwargs, payload = read_payload(wmsg, 4, "EVENT", "enc_algo" in kw)
        return cls(wmsg[1], wmsg[2], args, kwargs, payload, custom=custom, **kw)

    def marshal(self) -> list[Any]:
        details = self._options()
        return marshal_payload([36, self.subscription, self.publication, details], details,
                               self)
