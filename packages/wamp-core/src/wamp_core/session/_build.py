"""Building the messages a client sends for every call and publication, without checking.

``call()``, ``publish()`` and an endpoint's plain result make the same three messages over
and over: CALL, PUBLISH and YIELD with nothing but a payload. What goes into them is known
to be valid already (the session checked the URI, the request ID is its own, the payload
is a list it made and a dict of keyword arguments), so the constructors' checks would only
cost time (about 0.3 us a message). These builders set every slot directly, for the messages
without options only; ``tests/wamp_core/test_session_build.py`` checks that what they build
marshals, serializes and compares exactly as the validating constructors' messages.
"""

from __future__ import annotations

from typing import Any

from wamp_core.message import Call, Publish, Yield

__all__ = ["build_call", "build_publish", "build_yield"]

_new = object.__new__


def build_call(request: int, procedure: str, args: list[Any] | None,
               kwargs: dict[str, Any] | None) -> Call:
    """``Call(request, procedure, args, kwargs)``: a valid URI, a list, a str-keyed dict."""
    m: Call = _new(Call)
    m._serialized = None
    m.request = request
    m.procedure = procedure
    m.args = args
    m.kwargs = kwargs
    m.payload = m.enc_algo = m.enc_key = m.enc_serializer = m.enc_cipher = None
    m.timeout = m.receive_progress = m.progress = m.transaction_hash = m.disclose_me = None
    m.caller = m.caller_authid = m.caller_authrole = m.forward_for = m.custom = None
    return m


def build_publish(request: int, topic: str, args: list[Any] | None,
                  kwargs: dict[str, Any] | None) -> Publish:
    """``Publish(request, topic, args, kwargs)``: a valid URI, a list, a str-keyed dict."""
    m: Publish = _new(Publish)
    m._serialized = None
    m.request = request
    m.topic = topic
    m.args = args
    m.kwargs = kwargs
    m.payload = m.enc_algo = m.enc_key = m.enc_serializer = m.enc_cipher = None
    m.acknowledge = m.exclude_me = m.exclude = m.exclude_authid = m.exclude_authrole = None
    m.eligible = m.eligible_authid = m.eligible_authrole = m.retain = None
    m.transaction_hash = m.disclose_me = m.forward_for = m.custom = None
    return m


def build_yield(request: int, args: list[Any] | None) -> Yield:
    """``Yield(request, args)``: the final result of an invocation, a list."""
    m: Yield = _new(Yield)
    m._serialized = None
    m.request = request
    m.args = args
    m.kwargs = None
    m.payload = m.enc_algo = m.enc_key = m.enc_serializer = m.enc_cipher = None
    m.progress = m.callee = m.callee_authid = m.callee_authrole = None
    m.forward_for = m.custom = None
    return m
