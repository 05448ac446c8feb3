"""Building the messages the router sends on its hot paths, without re-validating.

The router forwards payloads that were validated when their message was
parsed (PUBLISH, CALL, YIELD, ERROR), under IDs it made itself, so running the
message constructors' checks again would only cost time (about 2 us per
EVENT). These builders set every slot directly; a test checks that what they
build marshals exactly as the validating constructors would.
"""

from __future__ import annotations

from typing import Any

from wamp_core.message import Error, Event, Invocation, Result

__all__ = ["build_error", "build_event", "build_invocation", "build_result"]

_new = object.__new__


def build_event(subscription: int, publication: int, pub: Any, publisher: int | None,
                publisher_authid: str | None, publisher_authrole: str | None,
                topic: str | None, retained: bool | None = None) -> Event:
    """EVENT for ``subscription`` carrying the payload of the PUBLISH ``pub``."""
    e: Event = _new(Event)
    e._serialized = None  # no cache miss on the first serialize
    e.subscription = subscription
    e.publication = publication
    e.args = pub.args
    e.kwargs = pub.kwargs
    e.payload = pub.payload
    e.enc_algo = pub.enc_algo
    e.enc_key = pub.enc_key
    e.enc_serializer = pub.enc_serializer
    e.enc_cipher = pub.enc_cipher
    e.publisher = publisher
    e.publisher_authid = publisher_authid
    e.publisher_authrole = publisher_authrole
    e.topic = topic
    e.retained = retained
    e.trustlevel = None
    e.transaction_hash = pub.transaction_hash
    e.x_acknowledged_delivery = None
    e.forward_for = None
    e.custom = None
    return e


def build_invocation(request: int, registration: int, call: Any, timeout: int | None,
                     receive_progress: bool | None, progress: bool | None,
                     caller: tuple[int | None, str | None, str | None],
                     procedure: str | None) -> Invocation:
    """INVOCATION carrying the payload of the CALL ``call``; ``caller`` is the disclosed
    ``(session, authid, authrole)`` (``None`` each when not disclosed)."""
    m: Invocation = _new(Invocation)
    m._serialized = None  # no cache miss on the first serialize
    m.request = request
    m.registration = registration
    m.args = call.args
    m.kwargs = call.kwargs
    m.payload = call.payload
    m.enc_algo = call.enc_algo
    m.enc_key = call.enc_key
    m.enc_serializer = call.enc_serializer
    m.enc_cipher = call.enc_cipher
    m.timeout = timeout
    m.receive_progress = receive_progress
    m.progress = progress
    m.caller, m.caller_authid, m.caller_authrole = caller
    m.procedure = procedure
    m.trustlevel = None
    m.transaction_hash = call.transaction_hash
    m.forward_for = None
    m.custom = None
    return m


def build_result(request: int, yld: Any, progress: bool | None, callee: int | None,
                 callee_authid: str | None, callee_authrole: str | None) -> Result:
    """RESULT carrying the payload of the YIELD ``yld``."""
    m: Result = _new(Result)
    m._serialized = None  # no cache miss on the first serialize
    m.request = request
    m.args = yld.args
    m.kwargs = yld.kwargs
    m.payload = yld.payload
    m.enc_algo = yld.enc_algo
    m.enc_key = yld.enc_key
    m.enc_serializer = yld.enc_serializer
    m.enc_cipher = yld.enc_cipher
    m.progress = progress
    m.callee = callee
    m.callee_authid = callee_authid
    m.callee_authrole = callee_authrole
    m.forward_for = None
    m.custom = None
    return m


def build_error(request_type: int, request: int, err: Any, callee: int | None = None,
                callee_authid: str | None = None,
                callee_authrole: str | None = None) -> Error:
    """ERROR for a request, carrying the error URI and payload of the ERROR ``err``."""
    m: Error = _new(Error)
    m._serialized = None  # no cache miss on the first serialize
    m.request_type = request_type
    m.request = request
    m.error = err.error
    m.args = err.args
    m.kwargs = err.kwargs
    m.payload = err.payload
    m.enc_algo = err.enc_algo
    m.enc_key = err.enc_key
    m.enc_serializer = err.enc_serializer
    m.enc_cipher = err.enc_cipher
    m.callee = callee
    m.callee_authid = callee_authid
    m.callee_authrole = callee_authrole
    m.forward_for = None
    m.custom = None
    return m
