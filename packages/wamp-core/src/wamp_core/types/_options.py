"""Options of the four client actions: subscribe, publish, register, call.

Each class checks its arguments, keeps them as attributes of the same name
(as Autobahn|Python does), and ``message_attr()`` returns exactly the keyword
arguments of the matching message class constructor (``Subscribe``,
``Publish``, ``Register``, ``Call`` in :mod:`wamp_core.message`), leaving out
what is ``None``:

    msg = Call(request_id, procedure, args=args, **options.message_attr())

Client-side options (``details``, ``details_arg``, ``on_progress``,
``cancel_mode``, ``correlation_*``) never appear in ``message_attr()``.

Additions to Autobahn (default ``None``, shown by ``str()`` only when set):
``PublishOptions(disclose_me=)`` and ``CallOptions(disclose_me=)`` (the spec's
publisher and caller identification requests), ``RegisterOptions(disclose_caller=)``
(the callee's request) and ``CallOptions(cancel_mode=)`` (the CANCEL mode used
when the call is cancelled).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from wamp_core.types._checks import Args, ForwardFor, as_list, extras

__all__ = [
    "CANCEL_MODES",
    "INVOKE_POLICIES",
    "MATCH_POLICIES",
    "CallOptions",
    "PublishOptions",
    "RegisterOptions",
    "SubscribeOptions",
]

#: ``match`` of pattern-based subscriptions and registrations.
MATCH_POLICIES = ("exact", "prefix", "wildcard")
#: ``invoke`` of shared registrations.
INVOKE_POLICIES = ("single", "first", "last", "roundrobin", "random")
#: ``CANCEL.Options.mode`` (call canceling).
CANCEL_MODES = ("skip", "kill", "killnowait")


def _details_arg(
    args: Args, details: object, details_arg: object
) -> tuple[bool | None, str | None]:
    """``details=True`` means ``details_arg="details"``; both together are an error."""
    checked = args.opt_bool("details", details)
    name = args.opt_str("details_arg", details_arg)
    if checked is not None and name is not None:
        raise ValueError(f"{args.owner}: give details or details_arg, not both")
    if name is not None and not name.isidentifier():
        raise args.value_error("details_arg", "a Python identifier", name)
    return checked, ("details" if checked else name)


def _set_correlation(
    obj: Any, args: Args, cid: object, uri: object, is_anchor: object, is_last: object
) -> None:
    """The tracing attributes (client-side only, as in Autobahn)."""
    obj.correlation_id = args.opt_str("correlation_id", cid)
    obj.correlation_uri = args.opt_str("correlation_uri", uri)
    obj.correlation_is_anchor = args.opt_bool("correlation_is_anchor", is_anchor)
    obj.correlation_is_last = args.opt_bool("correlation_is_last", is_last)


def _present(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: value for name in names if (value := getattr(obj, name)) is not None}


class SubscribeOptions:
    """Options of ``session.subscribe()``.

    :param match: ``"exact"`` (the router's default), ``"prefix"`` or ``"wildcard"``.
    :param details: give the handler an :class:`EventDetails` in ``details=``.
    :param details_arg: deprecated: the keyword for the details (use ``details``).
    :param forward_for: the routers this subscription is forwarded for.
    :param get_retained: ask for the event retained on the topic, if any.
    :param correlation_id: tracing: the correlation ID (client-side only).
    :param correlation_uri: tracing: the correlation URI (client-side only).
    :param correlation_is_anchor: tracing: this message opens a correlation.
    :param correlation_is_last: tracing: this message closes a correlation.
    """

    _ARGS: ClassVar[Args] = Args("SubscribeOptions")
    __slots__ = (
        "correlation_id",
        "correlation_is_anchor",
        "correlation_is_last",
        "correlation_uri",
        "details",
        "details_arg",
        "forward_for",
        "get_retained",
        "match",
    )

    def __init__(
        self,
        match: str | None = None,
        details: bool | None = None,
        details_arg: str | None = None,
        forward_for: ForwardFor | None = None,
        get_retained: bool | None = None,
        correlation_id: str | None = None,
        correlation_uri: str | None = None,
        correlation_is_anchor: bool | None = None,
        correlation_is_last: bool | None = None,
    ) -> None:
        args = self._ARGS
        self.match = args.opt_choice("match", match, MATCH_POLICIES)
        self.details, self.details_arg = _details_arg(args, details, details_arg)
        self.get_retained = args.opt_bool("get_retained", get_retained)
        self.forward_for = args.opt_forward_for("forward_for", forward_for)
        _set_correlation(
            self, args, correlation_id, correlation_uri, correlation_is_anchor, correlation_is_last
        )

    def message_attr(self) -> dict[str, Any]:
        """Keyword arguments for ``Subscribe(request, topic, **attrs)``."""
        return _present(self, ("match", "get_retained", "forward_for"))

    def __str__(self) -> str:
        return (
            f"SubscribeOptions(match={self.match}, details={self.details}, "
            f"details_arg={self.details_arg}, get_retained={self.get_retained}, "
            f"forward_for={self.forward_for})"
        )

    __repr__ = __str__


_PUBLISH_LISTS = (
    "exclude",
    "exclude_authid",
    "exclude_authrole",
    "eligible",
    "eligible_authid",
    "eligible_authrole",
)


class PublishOptions:
    """Options of ``session.publish()``.

    :param acknowledge: ask the broker to acknowledge (or refuse) the publication;
        ``publish()`` then returns a Deferred/Future of a ``Publication``.
    :param exclude_me: ``False`` to receive one's own event when subscribed
        (the broker excludes the publisher by default).
    :param exclude: a session ID or a list of them not to receive the event.
    :param exclude_authid: an authid or a list of them not to receive the event.
    :param exclude_authrole: an authrole or a list of them not to receive the event.
    :param eligible: a session ID or a list of them, the only ones to receive it.
    :param eligible_authid: an authid or a list of them, the only ones to receive it.
    :param eligible_authrole: an authrole or a list of them, the only ones to receive it.
    :param retain: ask the broker to retain the event for later subscribers.
    :param forward_for: the routers this publication is forwarded for.
    :param transaction_hash: an application transaction hash (deduplication, throttling).
    :param correlation_id: tracing (client-side only), as for :class:`SubscribeOptions`.
    :param correlation_uri: tracing (client-side only).
    :param correlation_is_anchor: tracing (client-side only).
    :param correlation_is_last: tracing (client-side only).
    :param disclose_me: ask the broker to disclose the publisher to subscribers
        (``PUBLISH.Options.disclose_me``; not in Autobahn).

    One-or-many values are kept as given and sent as lists.
    """

    _ARGS: ClassVar[Args] = Args("PublishOptions")
    __slots__ = (
        "acknowledge",
        "correlation_id",
        "correlation_is_anchor",
        "correlation_is_last",
        "correlation_uri",
        "disclose_me",
        "eligible",
        "eligible_authid",
        "eligible_authrole",
        "exclude",
        "exclude_authid",
        "exclude_authrole",
        "exclude_me",
        "forward_for",
        "retain",
        "transaction_hash",
    )

    def __init__(
        self,
        acknowledge: bool | None = None,
        exclude_me: bool | None = None,
        exclude: int | list[int] | None = None,
        exclude_authid: str | list[str] | None = None,
        exclude_authrole: str | list[str] | None = None,
        eligible: int | list[int] | None = None,
        eligible_authid: str | list[str] | None = None,
        eligible_authrole: str | list[str] | None = None,
        retain: bool | None = None,
        forward_for: ForwardFor | None = None,
        transaction_hash: str | None = None,
        correlation_id: str | None = None,
        correlation_uri: str | None = None,
        correlation_is_anchor: bool | None = None,
        correlation_is_last: bool | None = None,
        disclose_me: bool | None = None,
    ) -> None:
        args = self._ARGS
        self.acknowledge = args.opt_bool("acknowledge", acknowledge)
        self.exclude_me = args.opt_bool("exclude_me", exclude_me)
        self.exclude = args.opt_ids("exclude", exclude)
        self.exclude_authid = args.opt_strs("exclude_authid", exclude_authid)
        self.exclude_authrole = args.opt_strs("exclude_authrole", exclude_authrole)
        self.eligible = args.opt_ids("eligible", eligible)
        self.eligible_authid = args.opt_strs("eligible_authid", eligible_authid)
        self.eligible_authrole = args.opt_strs("eligible_authrole", eligible_authrole)
        self.retain = args.opt_bool("retain", retain)
        self.transaction_hash = args.opt_str("transaction_hash", transaction_hash)
        self.forward_for = args.opt_forward_for("forward_for", forward_for)
        self.disclose_me = args.opt_bool("disclose_me", disclose_me)
        _set_correlation(
            self, args, correlation_id, correlation_uri, correlation_is_anchor, correlation_is_last
        )

    def message_attr(self) -> dict[str, Any]:
        """Keyword arguments for ``Publish(request, topic, args, kwargs, **attrs)``."""
        attrs = _present(self, ("acknowledge", "exclude_me"))
        for name in _PUBLISH_LISTS:
            value = getattr(self, name)
            if value is not None:
                attrs[name] = as_list(value)
        attrs.update(_present(self, ("retain", "transaction_hash", "forward_for", "disclose_me")))
        return attrs

    def __str__(self) -> str:
        return (
            f"PublishOptions(acknowledge={self.acknowledge}, exclude_me={self.exclude_me}, "
            f"exclude={self.exclude}, exclude_authid={self.exclude_authid}, "
            f"exclude_authrole={self.exclude_authrole}, eligible={self.eligible}, "
            f"eligible_authid={self.eligible_authid}, "
            f"eligible_authrole={self.eligible_authrole}, retain={self.retain}, "
            f"transaction_hash={self.transaction_hash}, forward_for={self.forward_for}"
            f"{extras(self, ('disclose_me',))})"
        )

    __repr__ = __str__


class RegisterOptions:
    """Options of ``session.register()``.

    :param match: ``"exact"`` (the router's default), ``"prefix"`` or ``"wildcard"``.
    :param invoke: shared registration policy: ``"single"`` (the router's default),
        ``"first"``, ``"last"``, ``"roundrobin"`` or ``"random"``.
    :param concurrency: at most this many invocations of the endpoint at once (> 0).
    :param force_reregister: take over the procedure from a session that
        registered it with ``force_reregister=True`` too.
    :param forward_for: the routers this registration is forwarded for.
    :param details: give the endpoint a :class:`CallDetails` in ``details=``.
    :param details_arg: deprecated: the keyword for the details (use ``details``).
    :param correlation_id: tracing (client-side only), as for :class:`SubscribeOptions`.
    :param correlation_uri: tracing (client-side only).
    :param correlation_is_anchor: tracing (client-side only).
    :param correlation_is_last: tracing (client-side only).
    :param disclose_caller: ask the dealer to disclose callers to this endpoint
        (``REGISTER.Options.disclose_caller``; not in Autobahn).
    """

    _ARGS: ClassVar[Args] = Args("RegisterOptions")
    __slots__ = (
        "concurrency",
        "correlation_id",
        "correlation_is_anchor",
        "correlation_is_last",
        "correlation_uri",
        "details",
        "details_arg",
        "disclose_caller",
        "force_reregister",
        "forward_for",
        "invoke",
        "match",
    )

    def __init__(
        self,
        match: str | None = None,
        invoke: str | None = None,
        concurrency: int | None = None,
        force_reregister: bool | None = None,
        forward_for: ForwardFor | None = None,
        details: bool | None = None,
        details_arg: str | None = None,
        correlation_id: str | None = None,
        correlation_uri: str | None = None,
        correlation_is_anchor: bool | None = None,
        correlation_is_last: bool | None = None,
        disclose_caller: bool | None = None,
    ) -> None:
        args = self._ARGS
        self.match = args.opt_choice("match", match, MATCH_POLICIES)
        self.invoke = args.opt_choice("invoke", invoke, INVOKE_POLICIES)
        self.concurrency = args.opt_int("concurrency", concurrency, minimum=1)
        self.force_reregister = args.opt_bool("force_reregister", force_reregister)
        self.forward_for = args.opt_forward_for("forward_for", forward_for)
        self.details, self.details_arg = _details_arg(args, details, details_arg)
        self.disclose_caller = args.opt_bool("disclose_caller", disclose_caller)
        _set_correlation(
            self, args, correlation_id, correlation_uri, correlation_is_anchor, correlation_is_last
        )

    def message_attr(self) -> dict[str, Any]:
        """Keyword arguments for ``Register(request, procedure, **attrs)``."""
        return _present(
            self,
            (
                "match",
                "invoke",
                "concurrency",
                "force_reregister",
                "forward_for",
                "disclose_caller",
            ),
        )

    def __str__(self) -> str:
        return (
            f"RegisterOptions(match={self.match}, invoke={self.invoke}, "
            f"concurrency={self.concurrency}, details={self.details}, "
            f"details_arg={self.details_arg}, force_reregister={self.force_reregister}, "
            f"forward_for={self.forward_for}{extras(self, ('disclose_caller',))})"
        )

    __repr__ = __str__


_CALL_WIRE = (
    "timeout",
    "transaction_hash",
    "forward_for",
    "caller",
    "caller_authid",
    "caller_authrole",
    "disclose_me",
)


class CallOptions:
    """Options of ``session.call()``.

    :param on_progress: a callable receiving progressive results
        (``receive_progress`` is then sent).
    :param timeout: cancel the call after this many **seconds** (int or float > 0),
        as in Autobahn. ``message_attr()`` passes the value through unchanged;
        the session converts it to the milliseconds the spec puts on the wire
        and also runs its own timer (see the project's DESIGN notes).
    :param transaction_hash: an application transaction hash (deduplication, throttling).
    :param caller: the original caller's session ID, when forwarding a call.
    :param caller_authid: the original caller's authid, when forwarding a call.
    :param caller_authrole: the original caller's authrole, when forwarding a call.
    :param forward_for: the routers this call is forwarded for.
    :param correlation_id: tracing (client-side only), as for :class:`SubscribeOptions`.
    :param correlation_uri: tracing (client-side only).
    :param correlation_is_anchor: tracing (client-side only).
    :param correlation_is_last: tracing (client-side only).
    :param details: give ``on_progress`` a ``details=`` keyword.
    :param disclose_me: ask the dealer to disclose the caller to the callee
        (``CALL.Options.disclose_me``; not in Autobahn).
    :param cancel_mode: the ``CANCEL`` mode (``"skip"``, ``"kill"`` or
        ``"killnowait"``) sent when the call's Deferred/Future is cancelled;
        ``None`` sends no mode, as Autobahn does (client-side; not in Autobahn).
    """

    _ARGS: ClassVar[Args] = Args("CallOptions")
    __slots__ = (
        "caller",
        "caller_authid",
        "caller_authrole",
        "cancel_mode",
        "correlation_id",
        "correlation_is_anchor",
        "correlation_is_last",
        "correlation_uri",
        "details",
        "disclose_me",
        "forward_for",
        "on_progress",
        "timeout",
        "transaction_hash",
    )

    def __init__(
        self,
        on_progress: Callable[..., Any] | None = None,
        timeout: float | None = None,
        transaction_hash: str | None = None,
        caller: int | None = None,
        caller_authid: str | None = None,
        caller_authrole: str | None = None,
        forward_for: ForwardFor | None = None,
        correlation_id: str | None = None,
        correlation_uri: str | None = None,
        correlation_is_anchor: bool | None = None,
        correlation_is_last: bool | None = None,
        details: bool | None = None,
        disclose_me: bool | None = None,
        cancel_mode: str | None = None,
    ) -> None:
        args = self._ARGS
        self.on_progress = args.opt_callable("on_progress", on_progress)
        self.timeout = args.opt_seconds("timeout", timeout)
        self.transaction_hash = args.opt_str("transaction_hash", transaction_hash)
        self.caller = args.opt_id("caller", caller)
        self.caller_authid = args.opt_str("caller_authid", caller_authid)
        self.caller_authrole = args.opt_str("caller_authrole", caller_authrole)
        self.forward_for = args.opt_forward_for("forward_for", forward_for)
        self.details = args.opt_bool("details", details)
        self.disclose_me = args.opt_bool("disclose_me", disclose_me)
        self.cancel_mode = args.opt_choice("cancel_mode", cancel_mode, CANCEL_MODES)
        _set_correlation(
            self, args, correlation_id, correlation_uri, correlation_is_anchor, correlation_is_last
        )

    def message_attr(self) -> dict[str, Any]:
        """Keyword arguments for ``Call(request, procedure, args, kwargs, **attrs)``.

        ``timeout`` is in seconds, as given (the session converts it).
        """
        attrs = _present(self, _CALL_WIRE)
        if self.on_progress is not None:
            attrs["receive_progress"] = True
        return attrs

    def __str__(self) -> str:
        return (
            f"CallOptions(on_progress={self.on_progress}, timeout={self.timeout}, "
            f"transaction_hash={self.transaction_hash}, caller={self.caller}, "
            f"caller_authid={self.caller_authid}, caller_authrole={self.caller_authrole}, "
            f"forward_for={self.forward_for}, details={self.details}"
            f"{extras(self, ('disclose_me', 'cancel_mode'))})"
        )

    __repr__ = __str__
