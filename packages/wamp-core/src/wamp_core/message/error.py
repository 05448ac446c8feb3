"""The ERROR message."""

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
    check_custom,
    check_forward_for,
    check_id,
    check_str,
    check_uri,
    fail,
)

__all__ = ["Error"]

# The requests an ERROR may answer: SUBSCRIBE, UNSUBSCRIBE, PUBLISH, REGISTER,
# UNREGISTER, CALL, INVOCATION.
ERROR_REQUEST_TYPES = frozenset((32, 34, 16, 64, 66, 48, 68))


class Error(Message):
    """``ERROR``: a peer answers a request with an error URI and payload.

    ``request_type`` is the message type of the request (e.g. 48 for CALL).
    Details: callee disclosure (``callee``, ``callee_authid``,
    ``callee_authrole``), ``forward_for``, payload passthru.
    """

    MESSAGE_TYPE = 8
    _PASSTHRU = True
    _KEYS = (
        ("callee", "callee"),
        ("callee_authid", "callee_authid"),
        ("callee_authrole", "callee_authrole"),
        ("forward_for", "forward_for"),
    )
    __slots__ = (
        "args",
        "callee",
        "callee_authid",
        "callee_authrole",
        "custom",
        "enc_algo",
        "enc_cipher",
        "enc_key",
        "enc_serializer",
        "error",
        "forward_for",
        "kwargs",
        "payload",
        "request",
        "request_type",
    )

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
        m = "ERROR"
        if type(request_type) is not int or request_type not in ERROR_REQUEST_TYPES:
            fail(m, "REQUEST.Type|int", request_type,
                 "the type of a request: 16, 32, 34, 48, 64, 66 or 68")
        self.request_type = request_type
        self.request = check_id(request, m, "REQUEST.Request|id")
        self.error = check_uri(error, m, "Error|uri")
        check_app_payload(m, args, kwargs, payload, enc_algo, enc_key, enc_serializer,
                          enc_cipher)
        self.args = args
        self.kwargs = kwargs
        self.payload = payload
        self.enc_algo = enc_algo
        self.enc_key = enc_key
        self.enc_serializer = enc_serializer
        self.enc_cipher = enc_cipher
        self.callee = callee if callee is None else check_id(callee, m, "Details.callee")
        self.callee_authid = (callee_authid if callee_authid is None
                              else check_str(callee_authid, m, "Details.callee_authid"))
        self.callee_authrole = (callee_authrole if callee_authrole is None
                                else check_str(callee_authrole, m, "Details.callee_authrole"))
        self.forward_for = (forward_for if forward_for is None
                            else check_forward_for(forward_for, m, "Details.forward_for"))
        self.custom = custom if custom is None else check_custom(custom, m, "Details")

    @classmethod
    def parse(cls, wmsg: list[Any]) -> Error:
        # [ERROR, REQUEST.Type|int, REQUEST.Request|id, Details|dict, Error|uri]
        # [ERROR, REQUEST.Type|int, REQUEST.Request|id, Details|dict, Error|uri,
        #     Arguments|list]
        # [ERROR, REQUEST.Type|int, REQUEST.Request|id, Details|dict, Error|uri,
        #     Arguments|list, ArgumentsKw|dict]
        check_head(wmsg, 8, "ERROR", 5, 7)
        kw, custom = read_details(wmsg[3], "ERROR", "Details|dict", cls._WIRE)
        args, kwargs, payload = read_payload(wmsg, 5, "ERROR", "enc_algo" in kw)
        return cls(wmsg[1], wmsg[2], wmsg[4], args, kwargs, payload, custom=custom, **kw)

    def marshal(self) -> list[Any]:
        details = self._options()
        return marshal_payload([8, self.request_type, self.request, details, self.error],
                               details, self)
