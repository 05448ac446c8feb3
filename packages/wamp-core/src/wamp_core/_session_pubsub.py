"""ApplicationSession, publisher and subscriber sides.

``publish()`` returns ``None``, or with ``PublishOptions(acknowledge=True)`` a
Deferred/Future of a :class:`~wamp_core.request.Publication` (as Autobahn).

Every ``subscribe()`` sends SUBSCRIBE; a broker answers a second SUBSCRIBE to
the same topic and match policy with the subscription it already has, so
several handlers share one broker subscription and every EVENT goes to each of
them. ``Subscription.unsubscribe()`` removes one handler and sends UNSUBSCRIBE
only with the last one; if a SUBSCRIBE to the same topic is still unanswered,
the UNSUBSCRIBE waits for its answer (that answer may add a handler to the very
subscription being ended).
"""

from __future__ import annotations

import inspect
from typing import Any

from wamp_core._session_base import (
    VALID_URIS,
    BaseSession,
    call_with_payload,
    check_uri_once,
    is_method_or_function,
)
from wamp_core.decorators import options_with_match, type_check
from wamp_core.exception import TransportLost
from wamp_core.message import Error, Event
from wamp_core.observable import call_now
from wamp_core.request import (
    Handler,
    Publication,
    PublishRequest,
    SubscribeRequest,
    Subscription,
    UnsubscribeRequest,
)
from wamp_core.types import EventDetails, PublishOptions, SubscribeOptions
from wamp_core.uri import check_or_raise_uri

__all__ = ["PubSubMixin"]


class PubSubMixin(BaseSession):
    """The publisher and subscriber roles of ApplicationSession."""

    def __init__(self) -> None:
        super().__init__()
        self._subscriptions: dict[int, list[Subscription]] = {}
        self._subscribing: dict[str, int] = {}  # topic -> SUBSCRIBEs not answered yet
        self._deferred_unsubscribes: dict[int, tuple[str, Any]] = {}

    # -- publish ---------------------------------------------------------------------

    def publish(self, topic: str, *args: Any, **kwargs: Any) -> Any:
        """Publish an event to ``topic``; ``options=PublishOptions(...)`` is taken out of
        the keyword arguments. ``None``, or for an acknowledged publish a
        Deferred/Future of the :class:`~wamp_core.request.Publication`."""
        options = kwargs.pop("options", None)
        if options is None and self._payload_codec is None and type(topic) is str and \
                topic in VALID_URIS and self._transport is not None:  # the common case
            self._flush_request(self._machine.publish_plain(
                topic, list(args) if args else None, kwargs or None))
            return None
        if options is not None and not isinstance(options, PublishOptions):
            raise TypeError(f"options must be a PublishOptions, not {type(options).__name__}")
        check_uri_once(topic, f"{type(self).__name__}.publish()")
        if self._transport is None:
            raise TransportLost(f"cannot publish to '{topic}': the session has no transport")
        attrs = options.message_attr() if options is not None else {}
        encoded = self._encode(True, topic, args, kwargs)
        if encoded is not None:
            attrs.update(encoded)
            args, kwargs = (), {}
        record = None
        if options is not None and options.acknowledge:
            record = PublishRequest(None, self._api.create_future(), encoded is not None)
        request = self._machine.publish(topic, list(args) if args else None, kwargs or None,
                                        token=record, **attrs)
        if record is not None:
            record.request_id = request
        self._flush_request(request)
        return record.on_reply if record is not None else None

    def _on_publish_reply(self, reply: Any) -> None:
        record: PublishRequest = reply.token
        api = self._api
        if api.is_called(record.on_reply):
            return
        if isinstance(reply.message, Error):
            api.reject(record.on_reply, self._exception_from_message(reply.message))
        else:
            api.resolve(record.on_reply,
                        Publication(reply.message.publication, record.was_encrypted))

    # -- subscribe -------------------------------------------------------------------

    def subscribe(self, handler: Any, topic: str | None = None,
                  options: SubscribeOptions | None = None,
                  check_types: bool | None = None) -> Any:
        """Subscribe a callable to ``topic``; a Deferred/Future of its
        :class:`~wamp_core.request.Subscription`.

        Given an object instead, subscribe each method decorated with
        ``@wamp.subscribe``; a Deferred/Future of the list of Subscriptions (a
        failed one is its exception in the list).
        """
        if self._transport is None:
            raise TransportLost("cannot subscribe: the session has no transport")
        if callable(handler):
            if topic is None:
                raise TypeError("subscribe(): a topic is needed to subscribe a callable")
            return self._subscribe_one(None, handler, topic, options, check_types, None)
        if topic is not None or check_types:
            raise TypeError("subscribe(obj): topic and check_types apply to callables only")
        futures = []
        for _, fn in inspect.getmembers(type(handler), is_method_or_function):
            for pattern in getattr(fn, "_wampuris", ()):
                if pattern.is_handler():
                    opts = options_with_match(pattern.options or options, SubscribeOptions,
                                              pattern.wire_match)
                    futures.append(self._subscribe_one(
                        handler, fn, pattern.wire_uri, opts, pattern.check_types,
                        pattern if pattern.has_names else None))
        return self._gather(futures)

    def _subscribe_one(self, obj: Any, fn: Any, topic: str, options: Any,
                       check_types: bool | None, pattern: Any) -> Any:
        if options is not None and not isinstance(options, SubscribeOptions):
            raise TypeError(f"options must be a SubscribeOptions, not {type(options).__name__}")
        check_or_raise_uri(topic, message=f"{type(self).__name__}.subscribe()",
                           allow_empty_components=True)
        if check_types:
            fn = type_check(fn)
        handler = Handler(fn, obj, options.details_arg if options else None, pattern)
        record = SubscribeRequest(None, topic, self._api.create_future(), handler)
        attrs = options.message_attr() if options is not None else {}
        record.request_id = self._machine.subscribe(topic, token=record, **attrs)
        # Counted before sending: a synchronous transport may deliver the answer at once.
        self._subscribing[topic] = self._subscribing.get(topic, 0) + 1
        try:
            self._flush_request(record.request_id)
        except Exception:
            self._subscribing[topic] -= 1
            raise
        return record.on_reply

    def _on_subscribe_reply(self, reply: Any) -> None:
        record: SubscribeRequest = reply.token
        msg = reply.message
        api = self._api
        self._subscribing[record.topic] -= 1
        if isinstance(msg, Error):
            if not api.is_called(record.on_reply):
                api.reject(record.on_reply, self._exception_from_message(msg))
        elif api.is_called(record.on_reply):  # the application gave up on it
            self.log.debug("subscription {id} answered after it was cancelled",
                           id=msg.subscription)
            self._subscriptions.setdefault(msg.subscription, [])
            self._deferred_unsubscribes.setdefault(
                msg.subscription, (record.topic, api.create_future()))
        else:
            subscription = Subscription(msg.subscription, record.topic, self, record.handler)
            self._subscriptions.setdefault(msg.subscription, []).append(subscription)
            api.resolve(record.on_reply, subscription)
        self._run_deferred_unsubscribes(record.topic)

    def _unsubscribe(self, subscription: Subscription) -> Any:
        """``Subscription.unsubscribe()``: a Deferred/Future of the handlers left."""
        if self._transport is None:
            raise TransportLost("cannot unsubscribe: the session has no transport")
        api = self._api
        handlers = self._subscriptions.get(subscription.id, [])
        if subscription in handlers:
            handlers.remove(subscription)
        subscription.active = False
        if handlers:
            return api.create_future_success(len(handlers))
        if self._subscribing.get(subscription.topic):
            future = api.create_future()
            self._deferred_unsubscribes[subscription.id] = (subscription.topic, future)
            return future
        return self._send_unsubscribe(subscription.id, api.create_future())

    def _send_unsubscribe(self, subscription_id: int, future: Any) -> Any:
        record = UnsubscribeRequest(None, future, subscription_id)
        record.request_id = self._machine.unsubscribe(subscription_id, token=record)
        self._flush_request(record.request_id)
        return future

    def _run_deferred_unsubscribes(self, topic: str) -> None:
        api = self._api
        for subscription_id, (waiting_topic, future) in list(self._deferred_unsubscribes.items()):
            if waiting_topic != topic:
                continue
            handlers = self._subscriptions.get(subscription_id)
            if handlers:  # a new handler joined the subscription: it stays
                del self._deferred_unsubscribes[subscription_id]
                if not api.is_called(future):
                    api.resolve(future, len(handlers))
            elif not self._subscribing.get(topic):
                del self._deferred_unsubscribes[subscription_id]
                try:
                    self._send_unsubscribe(subscription_id, future)
                except Exception as exc:
                    if not api.is_called(future):
                        api.reject(future, exc)

    def _on_unsubscribe_reply(self, reply: Any) -> None:
        record: UnsubscribeRequest = reply.token
        api = self._api
        if isinstance(reply.message, Error):
            if not api.is_called(record.on_reply):
                api.reject(record.on_reply, self._exception_from_message(reply.message))
            return
        for subscription in self._subscriptions.pop(record.subscription_id, []):
            subscription.active = False
        if not api.is_called(record.on_reply):
            api.resolve(record.on_reply, 0)

    def _on_subscription_revoked(self, msg: Any) -> None:
        handlers = self._subscriptions.pop(msg.subscription, [])
        for subscription in handlers:
            subscription.active = False
        self.log.info("the router revoked subscription {id} ({count} handlers, reason {reason})",
                      id=msg.subscription, count=len(handlers), reason=msg.reason)

    def _end_subscriptions(self, exc: BaseException) -> None:
        """The session ended: every subscription is gone."""
        for handlers in self._subscriptions.values():
            for subscription in handlers:
                subscription.active = False
        self._subscriptions.clear()
        self._subscribing.clear()
        api = self._api
        for _, future in self._deferred_unsubscribes.values():
            if not api.is_called(future):
                api.reject(future, exc)
        self._deferred_unsubscribes.clear()

    # -- events ------------------------------------------------------------------------

    def _on_event(self, msg: Event) -> None:
        handlers = self._subscriptions.get(msg.subscription)
        if not handlers:
            return
        topic = msg.topic or handlers[0].topic
        if msg.enc_algo is None:
            args, kwargs = msg.args, msg.kwargs
        else:
            args, kwargs, failed = self._decode(False, topic, msg)
            if failed is not None:
                self.log.warn("event {pub} on '{topic}' dropped: {error}", pub=msg.publication,
                              topic=topic, error=failed.args[0] if failed.args else failed)
                return
        if len(handlers) == 1:
            self._deliver(handlers[0], msg, topic, args, kwargs)
            return
        for subscription in list(handlers):  # a handler may unsubscribe
            self._deliver(subscription, msg, topic, args, kwargs)

    def _deliver(self, subscription: Subscription, msg: Event, topic: str, args: Any,
                 kwargs: Any) -> None:
        handler = subscription.handler
        api = self._api
        if handler.plain:  # the handler takes the event's arguments alone
            done, outcome = call_with_payload(api, handler.fn, args, kwargs)
        else:
            call_args = ((handler.obj,) if handler.obj is not None else ()) + tuple(args or ())
            call_kwargs = dict(kwargs or {})
            try:
                call_kwargs.update(handler.keywords(topic))
            except ValueError as exc:
                self.log.debug("event on '{topic}' not for {fn}: {error}", topic=topic,
                               fn=handler.fn, error=exc)
                return
            if handler.details_arg:
                call_kwargs[handler.details_arg] = EventDetails(
                    subscription, msg.publication, publisher=msg.publisher,
                    publisher_authid=msg.publisher_authid,
                    publisher_authrole=msg.publisher_authrole, topic=topic,
                    retained=msg.retained, transaction_hash=msg.transaction_hash,
                    enc_algo=msg.enc_algo, forward_for=msg.forward_for)
            done, outcome = call_now(api, handler.fn, *call_args, **call_kwargs)
        if not done:  # an awaitable, or the handler raised: report a failure (text made then)
            api.add_callbacks(outcome, None, lambda fail: self._swallow_error(
                fail, f"While firing {handler.fn!r} subscribed under {msg.subscription}"))
