"""Reading and writing the parts of a message list: the head, Options/Details, the payload.

These are the general (slow, thorough) path of ``parse()`` and the parts of
``marshal()`` that every class shares. Each raises
:class:`~wamp_core.exception.ProtocolError` through :func:`~._check.fail`, so
the texts name the message, the field and the value.
"""

from __future__ import annotations

from typing import Any

from wamp_core.message._check import check_dict, fail

__all__ = [
    "CUSTOM_PREFIXES",
    "PAYLOAD_ATTRS",
    "PPT_KEYS",
    "PPT_WIRE_IN",
    "check_app_payload",
    "check_head",
    "marshal_payload",
    "read_details",
    "read_payload",
]

# Payload passthru mode: attribute (Autobahn's name) <-> wire key (spec).
PPT_KEYS: tuple[tuple[str, str], ...] = (
    ("enc_algo", "ppt_scheme"),
    ("enc_serializer", "ppt_serializer"),
    ("enc_cipher", "ppt_cipher"),
    ("enc_key", "ppt_keyid"),
)
# Wire key -> attribute, for reading; Autobahn's earlier E2E form used enc_* keys
# (and the payload as a bare binary element).
PPT_WIRE_IN: dict[str, str] = {
    "ppt_scheme": "enc_algo",
    "ppt_serializer": "enc_serializer",
    "ppt_cipher": "enc_cipher",
    "ppt_keyid": "enc_key",
    "enc_algo": "enc_algo",
    "enc_serializer": "enc_serializer",
    "enc_key": "enc_key",
}

# The attributes of an application payload, in the constructors' order.
PAYLOAD_ATTRS = ("args", "kwargs", "payload", "enc_algo", "enc_key", "enc_serializer",
                 "enc_cipher")

# Implementation-specific Options/Details keys, kept in ``custom``.
CUSTOM_PREFIXES = ("x_", "_")


def check_head(wmsg: Any, mtype: int, msg: str, lo: int, hi: int) -> None:
    """Check that ``wmsg`` is a list of ``lo`` to ``hi`` elements starting with ``mtype``."""
    if type(wmsg) is not list:
        fail(msg, "message", wmsg, "a list")
    n = len(wmsg)
    if n < lo or n > hi:
        fail(msg, "message length", n, f"{lo} elements" if lo == hi else f"{lo} to {hi} elements")
    head = wmsg[0]
    if type(head) is not int or head != mtype:
        fail(msg, "MessageType", head, str(mtype))


def read_details(
    d: Any, msg: str, field: str, wire: dict[str, str]
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Map an Options/Details dict from the wire to constructor keywords.

    Returns ``(keywords, custom)``: known keys renamed to their keyword, custom
    (``x_``/``_``) keys kept apart, unknown keys dropped. Values are checked by
    the constructor.
    """
    if type(d) is not dict:
        fail(msg, field, d, "a dict")
    if not d:
        return {}, None
    kw: dict[str, Any] = {}
    custom: dict[str, Any] | None = None
    for k, v in d.items():
        if type(k) is not str:
            fail(msg, f"key in {field}", k, "a string")
        name = wire.get(k)
        if name is not None:
            kw[name] = v
        elif k.startswith(CUSTOM_PREFIXES):
            if custom is None:
                custom = {}
            custom[k] = v
    return kw, custom


def read_payload(
    wmsg: list[Any], i: int, msg: str, passthru: bool
) -> tuple[Any, Any, Any]:
    """``(args, kwargs, payload)`` from the elements at ``i`` and ``i + 1``.

    In payload passthru mode (``passthru``: the options carry ``ppt_scheme``)
    the payload is the single binary item of ``Arguments|list`` (the spec) or
    a bare binary element (Autobahn's earlier form).
    """
    n = len(wmsg)
    if n == i:
        return None, None, None
    args = wmsg[i]
    if passthru:
        if n == i + 1 and type(args) is bytes:
            return None, None, args
        if (
            type(args) is list
            and len(args) == 1
            and type(args[0]) is bytes
            and (n == i + 1 or wmsg[i + 1] == {})
        ):
            return None, None, args[0]
        fail(msg, "Arguments|list", args, "one binary item in payload passthru mode")
    if type(args) is not list:
        fail(msg, "Arguments|list", args, "a list")
    if n == i + 1:
        return args, None, None
    return args, wmsg[i + 1], None


def check_app_payload(
    msg: str,
    args: Any,
    kwargs: Any,
    payload: Any,
    enc_algo: Any,
    enc_key: Any,
    enc_serializer: Any,
    enc_cipher: Any,
) -> None:
    """Check the application payload and the payload passthru attributes."""
    if args is not None and type(args) is not list and type(args) is not tuple:
        fail(msg, "Arguments|list", args, "a list or a tuple")
    if kwargs is not None:
        check_dict(kwargs, msg, "ArgumentsKw|dict")
    if payload is None and enc_algo is None and enc_key is None and enc_serializer is None \
            and enc_cipher is None:
        return
    if type(enc_algo) is not str or not enc_algo:
        fail(msg, "enc_algo (ppt_scheme)", enc_algo, "a non-empty string in payload passthru mode")
    if type(payload) is not bytes:
        fail(msg, "payload", payload, "bytes in payload passthru mode")
    if args is not None or kwargs is not None:
        fail(msg, "Arguments|list", args, "no args or kwargs next to a passthru payload")
    if enc_serializer is not None and (type(enc_serializer) is not str or not enc_serializer):
        fail(msg, "enc_serializer (ppt_serializer)", enc_serializer, "a non-empty string")
    for name, value, key in (("enc_key", enc_key, "ppt_keyid"),
                             ("enc_cipher", enc_cipher, "ppt_cipher")):
        if value is not None and type(value) is not str:
            fail(msg, f"{name} ({key})", value, "a string")


def marshal_payload(out: list[Any], options: dict[str, Any], m: Any) -> list[Any]:
    """Append the payload elements of ``m`` to ``out`` (and passthru keys to ``options``)."""
    payload = m.payload
    if payload is not None:
        for attr, key in PPT_KEYS:
            value = getattr(m, attr)
            if value is not None:
                options[key] = value
        out.append([payload])
    elif m.kwargs:
        out.append(m.args or [])
        out.append(m.kwargs)
    elif m.args:
        out.append(m.args)
    return out
