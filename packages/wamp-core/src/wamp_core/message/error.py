"""The ERROR message."""

from __future__ import annotations

from typing import Any

from wamp_core.message._base import PayloadMessage
from wamp_core.message._check import check_forward_for, check_id, check_str, check_uri, fail
from wamp_core.message._table import OPTIONS, Field, Key, slots

__all__ = ["Error"]

# The requests an ERROR may answer: SUBSCRIBE, UNSUBSCRIBE, PUBLISH, REGISTER,
# UNREGISTER, CALL, INVOCATION.
ERROR_REQUEST_TYPES = frozenset((32, 34, 16, 64, 66, 48, 68))


def _request_type(v: Any, msg: str, field: str) -> int:
    if type(v) is not int or v not in ERROR_REQUEST_TYPES:
        fail(msg, field, v, "the type of a request: 16, 32, 34, 48, 64, 66 or 68")
    return v


class Error(PayloadMessage):
    """``ERROR``: a peer answers a request with an error URI and payload.

    ``request_type`` is the message type of the request (e.g. 48 for CALL).
    Details: callee disclosure (``callee``, ``callee_authid``,
    ``callee_authrole``), ``forward_for``, payload passthru.
    """

    # [ERROR, REQUEST.Type|int, REQUEST.Request|id, Details|dict, Error|uri,
    #     Arguments|list, ArgumentsKw|dict]
    MESSAGE_TYPE = 8
    _HEAD = (
        Field("request_type", _request_type, "REQUEST.Type|int"),
        Field("request", check_id, "REQUEST.Request|id"),
        OPTIONS,
        Field("error", check_uri, "Error|uri"),
    )
    _DICT = "Details"
    _KEYS = (
        Key("callee", check_id),
        Key("callee_authid", check_str),
        Key("callee_authrole", check_str),
        Key("forward_for", check_forward_for),
    )
    __slots__ = slots(_HEAD, _KEYS, payload=True, custom=True)

    request_type: int
    request: int
    error: str
    callee: int | None
    callee_authid: str | None
    callee_authrole: str | None

    def __init__(
        self,
        request_type: int,
        request: int,
        error: str,
        args: list[Any] | tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
        payload: bytes | None = None,
        enc_algo: str | None = None,
        enc_key: str | None = None,
        enc_serializer: str | None = None,
        callee: int | None = None,
        callee_authid: str | None = None,
        callee_authrole: str | None = None,
        forward_for: list[dict[str, Any]] | None = None,
        *,
        enc_cipher: str | None = None,
        custom: dict[str, Any] | None = None,
    ) -> None:
        self._init(request_type, request, error, args, kwargs, payload, enc_algo, enc_key,
                   enc_serializer, callee, callee_authid, callee_authrole, forward_for,
                   enc_cipher, custom)
