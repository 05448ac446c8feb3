"""The message base classes.

A message class declares:

- ``MESSAGE_TYPE`` (the wire code) and ``__slots__`` named like Autobahn's
  attributes (plain slots, no properties: attribute access stays cheap), with
  their types as class annotations;
- its wire form as tables (``_HEAD``, ``_DICT``, ``_KEYS``, ``_DEFAULTS``,
  ``_PAYLOAD``; see :mod:`._table`), from which ``parse()``, ``marshal()``,
  ``_options()`` and ``_init()`` are built when the class is created;
- ``__init__`` with Autobahn's signature, which validates every argument (in
  most classes by calling ``_init``) and raises
  :class:`~wamp_core.exception.ProtocolError` on misuse.

``parse(wmsg)`` validates exactly as the constructor does: its fast path takes
only what it can vouch for, and hands everything else to ``_parse_slow``, which
reads the list with the helpers of :mod:`._wire` and calls the constructor.

Options/Details keys the class does not know are ignored (the spec says so),
except implementation-specific ones (``x_...``, ``_...``): those are kept in
``custom`` and written back by ``marshal()``.
"""

from __future__ import annotations

import inspect
import textwrap
from pprint import pformat
from typing import Any, ClassVar

from wamp_core.message._table import DictMarker, Field, Key, install
from wamp_core.message._wire import check_head, read_details, read_payload

__all__ = ["Message", "PayloadMessage"]


class Message:
    """Base class of the WAMP messages (not instantiated itself)."""

    MESSAGE_TYPE: ClassVar[int] = 0
    """The WAMP message type code."""

    _NAME: ClassVar[str] = "MESSAGE"
    _HEAD: ClassVar[tuple[Field | DictMarker, ...]] = ()
    _DICT: ClassVar[str] = "Options"
    _KEYS: ClassVar[tuple[Key, ...]] = ()
    _DEFAULTS: ClassVar[tuple[tuple[str, str], ...]] = ()
    _PAYLOAD: ClassVar[bool] = False
    # Derived by _table.install():
    _WIRE: ClassVar[dict[str, str]] = {}
    _TABLE: ClassVar[dict[str, Any]] = {}
    _CUSTOM: ClassVar[bool] = False
    _LO: ClassVar[int] = 1
    _HI: ClassVar[int] = 1
    _FIELDS: ClassVar[tuple[str, ...]] = ()
    _SOURCE: ClassVar[str] = ""

    __slots__ = ("_serialized",)
    _serialized: tuple[Any, bytes] | dict[Any, bytes] | None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "MESSAGE_TYPE" not in cls.__dict__:
            return  # a base class shared by several messages
        cls._NAME = cls.__name__.upper()
        params = inspect.signature(cls.__init__).parameters
        cls._FIELDS = tuple(p for p in params if p != "self")
        install(cls)

    @classmethod
    def parse(cls, wmsg: list[Any]) -> Message:
        """Parse and validate a message list as deserialized from the wire.

        Most classes get a generated fast path in front of the general parser.
        """
        return cls._parse_slow(wmsg)

    @classmethod
    def _parse_slow(cls, wmsg: list[Any]) -> Message:
        """The general parser: read the list by the tables, validate in the constructor."""
        name = cls._NAME
        check_head(wmsg, cls.MESSAGE_TYPE, name, cls._LO, cls._HI)
        values: list[Any] = []
        kw: dict[str, Any] = {}
        custom: dict[str, Any] | None = None
        has_dict = False
        for i, element in enumerate(cls._HEAD, 1):
            if isinstance(element, Field):
                values.append(wmsg[i])
            elif i < len(wmsg):
                kw, custom = read_details(wmsg[i], name, f"{cls._DICT}|dict", cls._WIRE)
                has_dict = True
        if cls._PAYLOAD:
            values.extend(read_payload(wmsg, len(cls._HEAD) + 1, name, "enc_algo" in kw))
        for attr, default in cls._DEFAULTS:
            kw.setdefault(attr, default)  # as Autobahn reports them
        if has_dict and cls._CUSTOM:
            kw["custom"] = custom
        return cls(*values, **kw)

    def marshal(self) -> list[Any]:
        """The message as a list, ready for a serializer."""
        raise NotImplementedError

    def _options(self) -> dict[str, Any]:
        """The Options/Details dict (custom attributes, then the attributes that are set)."""
        return {}

    def _init(self, *values: Any) -> None:
        """Validate and store the constructor's arguments (built from the tables)."""
        raise NotImplementedError

    def serialize(self, serializer: Any) -> bytes:
        """Serialize with ``serializer`` (has ``serialize(obj) -> bytes``), cached per serializer.

        A router sending one message to many peers serializes it once per
        serializer. Call :meth:`uncache` after changing the message.
        """
        # The cache is None, then (key, bytes) for the first serializer (most messages
        # meet one), then a dict when a second one asks. Constructors, parse() and the
        # builders set the slot; a message made another way may lack it.
        try:
            cache: Any = self._serialized
        except AttributeError:
            cache = None
        if cache is None:
            data: bytes = serializer.serialize(self.marshal())
            self._serialized = (serializer, data)
            return data
        if type(cache) is tuple:
            key, data = cache
            if key is serializer or key == serializer:
                return data
            cache = self._serialized = {key: data}
        cached: bytes | None = cache.get(serializer)
        if cached is None:
            cached = cache[serializer] = serializer.serialize(self.marshal())
        return cached

    def uncache(self) -> None:
        """Forget the cached serializations."""
        self._serialized = None

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


class PayloadMessage(Message):
    """Base class of the messages with an application payload and Options/Details.

    The payload is ``args`` and ``kwargs``, or in payload passthru mode the
    binary ``payload`` with ``enc_algo`` (``ppt_scheme``), ``enc_serializer``,
    ``enc_key`` (``ppt_keyid``) and ``enc_cipher``.
    """

    __slots__ = ()
    _PAYLOAD = True

    args: list[Any] | tuple[Any, ...] | None
    kwargs: dict[str, Any] | None
    payload: bytes | None
    enc_algo: str | None
    enc_key: str | None
    enc_serializer: str | None
    enc_cipher: str | None
    forward_for: list[dict[str, Any]] | None
    custom: dict[str, Any] | None
