"""What a handler receives: event and call details, call results, encoded payloads.

``str()`` of each class reads exactly as Autobahn|Python's, field for field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from wamp_core.types._checks import Args, ForwardFor

__all__ = ["CallDetails", "CallResult", "EncodedPayload", "EventDetails"]


def _check_handle(args: Args, name: str, value: object) -> Any:
    """A client-side subscription or registration: any object with an ``id``."""
    if value is None or not hasattr(value, "id"):
        raise args.type_error(name, f"a {name.capitalize()} (an object with an id)", value)
    return value


class EventDetails:
    """Details of an event, given to a handler that asked for them.

    :param subscription: the client-side subscription the event arrived on.
    :param publication: the publication ID (always present).
    :param publisher: the publisher's session ID, when disclosed.
    :param publisher_authid: the publisher's authid, when disclosed.
    :param publisher_authrole: the publisher's authrole, when disclosed.
    :param topic: the topic published to, for pattern-based subscriptions.
    :param retained: whether the broker retained this event (event retention).
    :param transaction_hash: the publisher's transaction hash, if it gave one.
    :param enc_algo: the payload encryption algorithm used, e.g. ``"cryptobox"``.
    :param forward_for: the routers the event was forwarded through.
    """

    _ARGS: ClassVar[Args] = Args("EventDetails")
    __slots__ = (
        "enc_algo",
        "forward_for",
        "publication",
        "publisher",
        "publisher_authid",
        "publisher_authrole",
        "retained",
        "subscription",
        "topic",
        "transaction_hash",
    )

    def __init__(
        self,
        subscription: Any,
        publication: int,
        publisher: int | None = None,
        publisher_authid: str | None = None,
        publisher_authrole: str | None = None,
        topic: str | None = None,
        retained: bool | None = None,
        transaction_hash: str | None = None,
        enc_algo: str | None = None,
        forward_for: ForwardFor | None = None,
    ) -> None:
        args = self._ARGS
        self.subscription: Any = _check_handle(args, "subscription", subscription)
        self.publication: int = args.req_id("publication", publication)
        self.publisher = args.opt_id("publisher", publisher)
        self.publisher_authid = args.opt_str("publisher_authid", publisher_authid)
        self.publisher_authrole = args.opt_str("publisher_authrole", publisher_authrole)
        self.topic = args.opt_str("topic", topic)
        self.retained = args.opt_bool("retained", retained)
        self.transaction_hash = args.opt_str("transaction_hash", transaction_hash)
        self.enc_algo = args.opt_str("enc_algo", enc_algo)
        self.forward_for = args.opt_forward_for("forward_for", forward_for)

    def __str__(self) -> str:
        return (
            f"EventDetails(subscription={self.subscription}, publication={self.publication}, "
            f"publisher={self.publisher}, publisher_authid={self.publisher_authid}, "
            f"publisher_authrole={self.publisher_authrole}, topic=<{self.topic}>, "
            f"retained={self.retained}, transaction_hash={self.transaction_hash}, "
            f"enc_algo={self.enc_algo}, forward_for={self.forward_for})"
        )

    __repr__ = __str__


class CallDetails:
    """Details of an invocation, given to an endpoint that asked for them.

    :param registration: the client-side registration the invocation arrived on.
    :param progress: when the caller accepts progressive results, a callable
        ``progress(*args, **kwargs)`` that sends one (a YIELD with ``progress``).
    :param caller: the caller's session ID, when disclosed.
    :param caller_authid: the caller's authid, when disclosed.
    :param caller_authrole: the caller's authrole, when disclosed.
    :param procedure: the procedure called, for pattern-based registrations.
    :param transaction_hash: the caller's transaction hash, if it gave one.
    :param enc_algo: the payload encryption algorithm used, e.g. ``"cryptobox"``.
    :param forward_for: the routers the call was forwarded through.
    """

    _ARGS: ClassVar[Args] = Args("CallDetails")
    __slots__ = (
        "caller",
        "caller_authid",
        "caller_authrole",
        "enc_algo",
        "forward_for",
        "procedure",
        "progress",
        "registration",
        "transaction_hash",
    )

    def __init__(
        self,
        registration: Any,
        progress: Callable[..., Any] | None = None,
        caller: int | None = None,
        caller_authid: str | None = None,
        caller_authrole: str | None = None,
        procedure: str | None = None,
        transaction_hash: str | None = None,
        enc_algo: str | None = None,
        forward_for: ForwardFor | None = None,
    ) -> None:
        args = self._ARGS
        self.registration: Any = _check_handle(args, "registration", registration)
        self.progress = args.opt_callable("progress", progress)
        self.caller = args.opt_id("caller", caller)
        self.caller_authid = args.opt_str("caller_authid", caller_authid)
        self.caller_authrole = args.opt_str("caller_authrole", caller_authrole)
        self.procedure = args.opt_str("procedure", procedure)
        self.transaction_hash = args.opt_str("transaction_hash", transaction_hash)
        self.enc_algo = args.opt_str("enc_algo", enc_algo)
        self.forward_for = args.opt_forward_for("forward_for", forward_for)

    def __str__(self) -> str:
        return (
            f"CallDetails(registration={self.registration}, progress={self.progress}, "
            f"caller={self.caller}, caller_authid={self.caller_authid}, "
            f"caller_authrole={self.caller_authrole}, procedure=<{self.procedure}>, "
            f"transaction_hash={self.transaction_hash}, enc_algo={self.enc_algo}, "
            f"forward_for={self.forward_for})"
        )

    __repr__ = __str__


class CallResult:
    """A call result with several positional values or keyword values.

    An endpoint returns ``CallResult(1, 2, total=3)`` to yield ``args=[1, 2]``
    and ``kwargs={"total": 3}``; a caller receives one when the result is not a
    single positional value. The keyword arguments ``enc_algo``, ``callee``,
    ``callee_authid``, ``callee_authrole`` and ``forward_for`` are metadata, not
    results: they are taken out of ``kwresults``.
    """

    _ARGS: ClassVar[Args] = Args("CallResult")
    __slots__ = (
        "callee",
        "callee_authid",
        "callee_authrole",
        "enc_algo",
        "forward_for",
        "kwresults",
        "results",
    )

    def __init__(self, *results: Any, **kwresults: Any) -> None:
        args = self._ARGS
        self.enc_algo = args.opt_str("enc_algo", kwresults.pop("enc_algo", None))
        self.callee = args.opt_id("callee", kwresults.pop("callee", None))
        self.callee_authid = args.opt_str("callee_authid", kwresults.pop("callee_authid", None))
        self.callee_authrole = args.opt_str(
            "callee_authrole", kwresults.pop("callee_authrole", None)
        )
        self.forward_for = args.opt_forward_for("forward_for", kwresults.pop("forward_for", None))
        self.results: tuple[Any, ...] = results
        self.kwresults: dict[str, Any] = kwresults

    def __str__(self) -> str:
        return (
            f"CallResult(results={self.results}, kwresults={self.kwresults}, "
            f"enc_algo={self.enc_algo}, callee={self.callee}, "
            f"callee_authid={self.callee_authid}, callee_authrole={self.callee_authrole}, "
            f"forward_for={self.forward_for})"
        )

    __repr__ = __str__


class EncodedPayload:
    """An application payload carried opaquely (payload transparency mode).

    :param payload: the encoded payload.
    :param enc_algo: the payload transparency algorithm, e.g. ``"cryptobox"`` or ``"mqtt"``.
    :param enc_serializer: the serializer of the payload, e.g. ``"cbor"``.
    :param enc_key: the key identifier, when the payload is encrypted.
    """

    _ARGS: ClassVar[Args] = Args("EncodedPayload")
    __slots__ = ("enc_algo", "enc_key", "enc_serializer", "payload")

    def __init__(
        self,
        payload: bytes,
        enc_algo: str,
        enc_serializer: str | None = None,
        enc_key: str | None = None,
    ) -> None:
        args = self._ARGS
        if not isinstance(payload, bytes):
            raise args.type_error("payload", "bytes", payload)
        self.payload = payload
        self.enc_algo = args.req_str("enc_algo", enc_algo)
        self.enc_serializer = args.opt_str("enc_serializer", enc_serializer)
        self.enc_key = args.opt_str("enc_key", enc_key)

    def __str__(self) -> str:
        return (
            f"EncodedPayload(payload=<{len(self.payload)} bytes>, enc_algo={self.enc_algo}, "
            f"enc_serializer={self.enc_serializer}, enc_key={self.enc_key})"
        )

    __repr__ = __str__
