"""The message base class and the helpers every message module shares.

A message class declares:

- ``MESSAGE_TYPE`` (the wire code) and ``__slots__`` named like Autobahn's
  attributes (plain slots, no properties: attribute access stays cheap);
- ``_KEYS``: ``(attribute, wire key)`` pairs of its Options/Details dict, used
  by ``marshal()`` (attributes that are ``None`` are left out) and, reversed,
  by ``parse()`` (``_WIRE``: wire key -> constructor keyword);
- ``__init__`` with Autobahn's signature that validates every argument and
  raises :class:`~wamp_core.exception.ProtocolError` on misuse;
- ``parse(wmsg)`` that checks the shape of the list and hands the elements to
  the constructor, so a message is validated once, by the same code, whether it
  comes from the wire or from the application.

Options/Details keys the class does not know are ignored (the spec says so),
except implementation-specific ones (``x_...``, ``_...``): those are kept in
``custom`` and written back by ``marshal()``.
"""

from __future__ import annotations

import inspect
import textwrap
from pprint import pformat
from typing import Any, ClassVar

from wamp_core.message._check import check_dict, fail

__all__ = [
    "PPT_KEYS",
    "Message",
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
# Wire keys of Autobahn's earlier E2E form (payload as a bare binary element).
_PPT_WIRE_IN: dict[str, str] = {
    "ppt_scheme": "enc_algo",
    "ppt_serializer": "enc_serializer",
    "ppt_cipher": "enc_cipher",
    "ppt_keyid": "enc_key",
    "enc_algo": "enc_algo",
    "enc_serializer": "enc_serializer",
    "enc_key": "enc_key",
}

_CUSTOM_PREFIXES = ("x_", "_")


def _options_function(keys: tuple[tuple[str, str], ...], has_custom: bool) -> Any:
    """Build the ``_options`` method of a class from its ``(attribute, wire key)`` table.

    The generated code tests each attribute once, as hand-written code would
    (the way ``dataclasses`` builds ``__init__``); it is the hot part of
    ``marshal()``. Custom attributes go first, set attributes override them.
    """
    lines = ["def _options(self):"]
    lines.append("    out = {**self.custom} if self.custom else {}" if has_custom
                 else "    out = {}")
    for attr, key in keys:
        lines.append(f"    v = self.{attr}")
        lines.append(f"    if v is not None: out[{key!r}] = v")
    lines.append("    return out")
    namespace: dict[str, Any] = {}
    exec("\n".join(lines), namespace)  # source built from class constants only
    return namespace["_options"]


class Message:
    """Base class of the WAMP messages (not instantiated itself)."""

    MESSAGE_TYPE: ClassVar[int] = 0
    """The WAMP message type code."""

    _NAME: ClassVar[str] = "MESSAGE"
    _KEYS: ClassVar[tuple[tuple[str, str], ...]] = ()
    _WIRE: ClassVar[dict[str, str]] = {}
    _FIELDS: ClassVar[tuple[str, ...]] = ()
    _PASSTHRU: ClassVar[bool] = False

    __slots__ = ("_serialized",)
    _serialized: dict[Any, bytes]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._NAME = cls.__name__.upper()
        keys = cls._KEYS
        for attr, _ in keys:
            if attr not in cls.__slots__:
                raise TypeError(f"{cls.__name__}._KEYS names {attr!r}, which is not a slot")
        cls._options = _options_function(  # type: ignore[method-assign]
            keys, "custom" in cls.__slots__)
        wire = {k: a for a, k in keys}
        if cls._PASSTHRU:
            wire.update(_PPT_WIRE_IN)
        cls._WIRE = wire
        params = inspect.signature(cls.__init__).parameters
        cls._FIELDS = tuple(p for p in params if p != "self")

    @classmethod
    def parse(cls, wmsg: list[Any]) -> Message:
        """Parse and validate a message list as deserialized from the wire."""
        raise NotImplementedError

    def marshal(self) -> list[Any]:
        """The message as a list, ready for a serializer."""
        raise NotImplementedError

    def _options(self) -> dict[str, Any]:
        """The Options/Details dict (custom attributes, then the attributes that are set).

        Each subclass gets its own, generated from ``_KEYS`` by ``__init_subclass__``.
        """
        return {}

    def serialize(self, serializer: Any) -> bytes:
        """Serialize with ``serializer`` (has ``serialize(obj) -> bytes``), cached per serializer.

        A router sending one message to many peers serializes it once per
        serializer. Call :meth:`uncache` after changing the message.
        """
        # getattr, not try/except: raising AttributeError for every fresh message
        # (the slot is set lazily) cost more than encoding it.
        cache: dict[Any, bytes] | None = getattr(self, "_serialized", None)
        if cache is None:
            data: bytes = serializer.serialize(self.marshal())
            self._serialized = {serializer: data}
            return data
        cached = cache.get(serializer)
        if cached is None:
            cached = cache[serializer] = serializer.serialize(self.marshal())
        return cached

    def uncache(self) -> None:
        """Forget the cached serializations."""
        self._serialized = {}

    def _eq_key(self) -> list[Any]:
        return [list(x) if type(x) is tuple else x for x in self.marshal()]

    def __eq__(self, other: object) -> bool:
        # Equal when they put the same message on the wire (so args=None and
        # args=[] or a tuple and a list of the same items compare equal).
        if not isinstance(other, Message) or type(other) is not type(self):
            return NotImplemented
        return self._eq_key() == other._eq_key()

    def __ne__(self, other: object) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        # Autobahn's format: "CALL::" then the marshalled list, indented.
        return f"{self._NAME}::\n{textwrap.indent(pformat(self.marshal()), '    ')}"

    def __repr__(self) -> str:
        parts = []
        for name in self._FIELDS:
            value = getattr(self, name, None)
            if value is not None:
                parts.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


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
        elif k.startswith(_CUSTOM_PREFIXES):
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
