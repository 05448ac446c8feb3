"""Message tables, and the methods built from them once per class.

A message class describes its wire form in a few class attributes:

- ``_HEAD``: the elements after the type code, in wire order: :class:`Field`
  entries (attribute, check, the field as the spec names it) and
  :data:`OPTIONS` (the Options/Details dict) or :data:`OPTIONAL_OPTIONS` (a
  trailing dict that is left out when empty);
- ``_DICT``: the dict's name, ``"Options"`` or ``"Details"``;
- ``_KEYS``: the dict's entries, :class:`Key` (attribute, check, wire key), in
  the order they are written and checked;
- ``_DEFAULTS``: ``(attribute, value)`` pairs that ``parse()`` reports when the
  key is absent and ``marshal()`` leaves out;
- ``_PAYLOAD``: ``Arguments|list`` and ``ArgumentsKw|dict`` (or a passthru
  payload) may follow.

:func:`install` turns the tables into methods, compiled from source text once
per class (as :mod:`dataclasses` builds ``__init__``), so the hot code is
straight-line attribute access without loops over tables or keyword splats:

- ``_init(self, <constructor parameters>)``: validates and stores every
  attribute, in the order head fields, payload, keys, ``custom`` (the order
  decides which fault a message with several reports; a check is called only
  when its inline accept test fails); built for the constructors that call it
  (SUBSCRIBE and REGISTER check their URI against the match policy by hand,
  HELLO and WELCOME their roles).
- ``marshal()`` (an empty Options/Details told by one chain of ``is None``
  tests) and ``_options()`` (the Options/Details dict alone).
- ``parse(wmsg)``: a fast path that only accepts. One straight-line body per
  accepted list length unpacks the list, checks the shape with inline tests,
  builds the object with ``object.__new__``, stores the slots directly and
  reads the Options/Details entries with an ``if``/``elif`` on the key; it
  hands anything it is not sure of (a failed check, a key that is not a plain
  string, payload passthru keys, a URI not yet in the cache of valid URIs) to the general
  parser ``_parse_slow``, which finds and reports the fault (a rule that
  spans fields narrows the fast path with ``Field.fast``). So both paths
  accept the same messages, build the same objects and raise the same errors
  (``tests/wamp_core/test_message_fastpath.py`` compares them).

The methods are built inside a factory whose parameters are every name they
read (checks, tables, builtins), so those reads are closure cells rather than
global lookups. The generated source is kept in ``cls._SOURCE`` and registered
with :mod:`linecache`, so tracebacks show it.
"""

from __future__ import annotations

import inspect
import linecache
import textwrap
from collections.abc import Callable
from typing import Any, NamedTuple

from wamp_core.exception import ProtocolError
from wamp_core.message._check import (
    _known_uris,
    check_bool,
    check_custom,
    check_id,
    check_id0,
    check_nonneg_int,
    check_str,
    check_uri,
)
from wamp_core.message._wire import (
    CUSTOM_PREFIXES,
    PAYLOAD_ATTRS,
    PPT_WIRE_IN,
    check_app_payload,
    marshal_payload,
)
from wamp_core.util import ID_MAX

__all__ = [
    "OPTIONAL_OPTIONS",
    "OPTIONS",
    "Check",
    "DictMarker",
    "Field",
    "Key",
    "install",
    "slots",
]

Check = Callable[[Any, str, str], Any]
"""A field check: ``check(value, message name, field name)`` returns the value or raises."""


class Field(NamedTuple):
    """A positional element of the message list."""

    attr: str
    check: Check
    text: str
    """The field as the spec writes it, for error texts: ``"Request|id"``."""
    fast: Check | None = None
    """A narrower check for the fast path of ``parse()`` (values it refuses go
    through the constructor, for rules that span fields)."""


class Key(NamedTuple):
    """An entry of the Options/Details dict."""

    attr: str
    check: Check
    wire: str = ""
    """The wire key when it is not the attribute name."""

    @property
    def key(self) -> str:
        return self.wire or self.attr


class DictMarker:
    """Where the Options/Details dict stands in ``_HEAD``."""

    __slots__ = ("optional",)

    def __init__(self, optional: bool) -> None:
        self.optional = optional

    def __repr__(self) -> str:
        return "OPTIONAL_OPTIONS" if self.optional else "OPTIONS"


OPTIONS = DictMarker(False)
OPTIONAL_OPTIONS = DictMarker(True)


def slots(head: tuple[Field | DictMarker, ...], keys: tuple[Key, ...], *,
          payload: bool = False, custom: bool = False) -> tuple[str, ...]:
    """The ``__slots__`` of a message class: every attribute its tables name."""
    names = [f.attr for f in head if isinstance(f, Field)] + [k.attr for k in keys]
    if payload:
        names += PAYLOAD_ATTRS
    if custom:
        names.append("custom")
    if len(set(names)) != len(names):
        raise TypeError(f"an attribute is named twice in {names}")
    return tuple(sorted(names))


# Accept-only tests the fast parser inlines for the common checks ({v}: the value).
# Anything else calls the check itself (a ProtocolError sends the message to the
# general parser).
_INLINE: dict[Any, str] = {
    check_id: "type({v}) is int and 0 < {v} <= " + str(ID_MAX),
    check_id0: "type({v}) is int and 0 <= {v} <= " + str(ID_MAX),
    check_uri: "type({v}) is str and {v} in KNOWN_URIS",
    check_str: "type({v}) is str",
    check_bool: "type({v}) is bool",
    check_nonneg_int: "type({v}) is int and {v} >= 0",
}


# Builtins the generated methods use, passed to them as closure cells.
_BUILTINS: dict[str, Any] = {"type": type, "len": len, "int": int, "str": str, "dict": dict,
                             "list": list, "tuple": tuple}


class _Builder:
    """Source text and namespace of the methods of one class."""

    def __init__(self, cls: Any) -> None:
        self.cls = cls
        self.name: str = cls._NAME
        self.head: tuple[Field | DictMarker, ...] = cls._HEAD
        self.keys: tuple[Key, ...] = cls._KEYS
        self.defaults = dict(cls._DEFAULTS)
        self.has_dict = any(isinstance(e, DictMarker) for e in self.head)
        self.optional_dict = self.has_dict and getattr(self.head[-1], "optional", False)
        self.ns: dict[str, Any] = {
            "KNOWN_URIS": _known_uris, "new": object.__new__,
            "ProtocolError": ProtocolError,
            "check_app_payload": check_app_payload, "marshal_payload": marshal_payload,
            "check_custom": check_custom, "PPT_WIRE_IN": PPT_WIRE_IN,
            "CUSTOM_PREFIXES": CUSTOM_PREFIXES,
        }
        self._names: dict[int, str] = {}

    def bind(self, fn: Check) -> str:
        """The namespace name of a check function."""
        name = self._names.get(id(fn))
        if name is None:
            name = self._names[id(fn)] = f"c{len(self._names)}"
            self.ns[name] = fn
        return name

    def field_text(self, key: Key) -> str:
        return f"{self.cls._DICT}.{key.key}"

    def option_lines(self, indent: str) -> list[str]:
        """Lines that build the Options/Details dict ``o`` from the attributes."""
        lines = ["c = self.custom", "o = {**c} if c else {}"] if self.cls._CUSTOM else ["o = {}"]
        for key in self.keys:
            lines.append(f"v = self.{key.attr}")
            if key.attr in self.defaults:
                lines.append(f"if v is not None and v != {self.defaults[key.attr]!r}:")
            else:
                lines.append("if v is not None:")
            lines.append(f"    o[{key.key!r}] = v")
        return [indent + line for line in lines]

    def items(self, o: str = "o") -> str:
        """The list elements after the type code, as expressions (``o``: the dict's)."""
        return ", ".join(o if isinstance(e, DictMarker) else f"self.{e.attr}"
                         for e in self.head)

    def options_source(self) -> str:
        return "\n".join(["def _options(self):", *self.option_lines("    "), "    return o"])

    def marshal_source(self) -> str:
        """``marshal``: a message with nothing in its Options/Details (the common case) is
        told by one chain of ``is None`` tests and written with an empty dict literal."""
        cls = self.cls
        lines = ["def marshal(self):"]
        if self.has_dict:
            unset = [k.attr for k in self.keys] + ["custom"] * cls._CUSTOM
            unset += ["payload"] * cls._PAYLOAD
            if unset:
                lines.append("    if " + " and ".join(f"self.{a} is None" for a in unset) + ":")
                lines += [f"        {line}" for line in self.tail_lines("{}", empty=True)]
            lines += self.option_lines("    ")
            if cls._PAYLOAD:
                lines += ["    if self.payload is not None:",
                          f"        return marshal_payload([{cls.MESSAGE_TYPE}, "
                          f"{self.items('o')}], o, self)"]
        lines += [f"    {line}" for line in self.tail_lines("o", empty=False)]
        return "\n".join(lines)

    def tail_lines(self, o: str, empty: bool) -> list[str]:
        """The lines that return the list, the Options/Details being the expression ``o``
        (``empty``: known to be empty)."""
        cls = self.cls
        items = f"{cls.MESSAGE_TYPE}, {self.items(o)}"
        lines = []
        if cls._PAYLOAD:
            lines += ["kwargs = self.kwargs", "if kwargs:",
                      f"    return [{items}, self.args or [], kwargs]",
                      "args = self.args", "if args:", f"    return [{items}, args]"]
        elif self.optional_dict:
            short = items.rpartition(", ")[0]
            if empty:
                return [f"return [{short}]"]
            lines += [f"if {o}:", f"    return [{items}]"]
            items = short
        lines.append(f"return [{items}]")
        return lines

    def init_source(self) -> str | None:
        """``_init``, for a constructor that calls it (its parameters: the tables' attributes)."""
        cls, name = self.cls, repr(self.name)
        fields = [e for e in self.head if isinstance(e, Field)]
        attrs = [f.attr for f in fields] + [k.attr for k in self.keys]
        if cls._PAYLOAD:
            attrs += PAYLOAD_ATTRS
        if cls._CUSTOM:
            attrs.append("custom")
        if "_init" not in cls.__init__.__code__.co_names:
            return None  # the constructor checks by hand
        if sorted(attrs) != sorted(cls._FIELDS):
            raise TypeError(f"{cls.__name__}: the constructor's parameters {cls._FIELDS} are "
                            f"not the attributes of the tables {attrs}")
        lines = [f"def _init(self, {', '.join(cls._FIELDS)}):", "    self._serialized = None"]
        # A check is called only when its inline accept test (if any) fails: the same
        # checks in the same order, so the same first fault is reported.
        for f in fields:
            call = f"{self.bind(f.check)}({f.attr}, {name}, {f.text!r})"
            inline = _INLINE.get(f.check)
            if inline is not None:
                call = f"{f.attr} if {inline.format(v=f.attr)} else {call}"
            lines.append(f"    self.{f.attr} = {call}")
        if cls._PAYLOAD:
            plain = " and ".join(f"{a} is None" for a in PAYLOAD_ATTRS[1:])
            lines += [f"    if not ({plain} and (args is None or type(args) is list"
                      " or type(args) is tuple)):",
                      f"        check_app_payload({name}, {', '.join(PAYLOAD_ATTRS)})"]
            lines += [f"    self.{a} = {a}" for a in PAYLOAD_ATTRS]
        for k in self.keys:
            inline = _INLINE.get(k.check)
            accept = f"{k.attr} is None" + (f" or {inline.format(v=k.attr)}" if inline else "")
            lines.append(f"    self.{k.attr} = {k.attr} if {accept} else "
                         f"{self.bind(k.check)}({k.attr}, {name}, {self.field_text(k)!r})")
        if cls._CUSTOM:
            lines.append(f"    self.custom = custom if custom is None else "
                         f"check_custom(custom, {name}, {cls._DICT!r})")
        return "\n".join(lines)

    def constructor_source(self, init: str) -> str:
        """``__init__`` with the hand-written constructor's parameters and ``_init``'s body,
        for a constructor that only calls ``_init`` (one call less per message)."""
        params: list[str] = []
        for p in list(inspect.signature(self.cls.__init__).parameters.values())[1:]:
            if p.kind is p.KEYWORD_ONLY and "*" not in params:
                params.append("*")
            if p.default is p.empty:
                params.append(p.name)
            elif p.default is None:
                params.append(f"{p.name}=None")
            else:
                params.append(f"{p.name}={self.bind(p.default)}")
        body = init.splitlines()[1:]
        return "\n".join([f"def __init__(self, {', '.join(params)}):", *body])

    def parse_source(self) -> str:
        """``parse``: per accepted list length, unpack, test the shape inline, store the slots."""
        cls, name = self.cls, repr(self.name)
        fields = [f"h{i}" if isinstance(e, Field) else "o" for i, e in enumerate(self.head, 1)]
        tests = ["type(code) is int", f"code == {cls.MESSAGE_TYPE}"]
        stores = ["self._serialized = None"]
        for i, e in enumerate(self.head, 1):
            if isinstance(e, DictMarker):
                tests.append("type(o) is dict")
                continue
            inline = _INLINE.get(e.fast or e.check)
            if inline is None:
                check = self.bind(e.fast or e.check)
                stores.append(f"self.{e.attr} = {check}(h{i}, {name}, {e.text!r})")
            else:
                tests.append(inline.format(v=f"h{i}"))
                stores.append(f"self.{e.attr} = h{i}")
        none = [k.attr for k in self.keys if k.attr not in self.defaults]
        if cls._PAYLOAD:
            none = list(PAYLOAD_ATTRS[2:]) + none
        if cls._CUSTOM:
            none.append("custom")
        defaults = [f"self.{a} = {v!r}" for a, v in self.defaults.items()]
        reader = ["if not o:", "    return self", *self.read_lines()] if self.has_dict else []
        lines = ["def parse(cls, wmsg):", "    try:", "        if type(wmsg) is list:",
                 "            n = len(wmsg)"]
        ind = " " * 12
        for k, (length, unpack, shape_tests, payload) in enumerate(self.shapes(fields)):
            lines.append(f"{ind}{'if' if k == 0 else 'elif'} n == {length}:")
            lines += [f"{ind}    {line}" for line in unpack]
            has_dict = "o" in fields[:length - 1]
            if not has_dict:  # the optional Options/Details left out
                shape_tests = [t for t in tests if t != "type(o) is dict"]
            else:
                shape_tests = shape_tests + tests
            lines.append(f"{ind}    if {' and '.join(shape_tests)}:")
            nones = [a for a in ("args", "kwargs")
                     if f"self.{a} = {a}" not in payload] if cls._PAYLOAD else []
            body = ["self = new(cls)", *stores, *payload]
            if nones + none:
                body.append(" = ".join(f"self.{a}" for a in nones + none) + " = None")
            body += defaults + (reader if has_dict else ["return self"])
            lines += [f"{ind}        {line}" for line in body]
        lines += ["    except ProtocolError:", "        pass", "    return cls._parse_slow(wmsg)"]
        return "\n".join(lines)

    def read_lines(self) -> list[str]:
        """Store the entries of a non-empty Options/Details dict ``o`` and return ``self``;
        ``break`` (to the general parser) on a key that is not a string, a value the
        inline test refuses, or a payload passthru key."""
        name = repr(self.name)
        branches: list[tuple[str, list[str]]] = []
        for key in self.keys:
            inline = _INLINE.get(key.check)
            if inline is None:
                body = [f"self.{key.attr} = v if v is None else {self.bind(key.check)}"
                        f"(v, {name}, {self.field_text(key)!r})"]
            else:
                body = [f"if v is not None and not ({inline.format(v='v')}):", "    break",
                        f"self.{key.attr} = v"]
            branches.append((f"k == {key.key!r}", body))
        if self.cls._PAYLOAD:
            branches.append(("k in PPT_WIRE_IN", ["break"]))
        if self.cls._CUSTOM:
            branches.append(("k.startswith(CUSTOM_PREFIXES)",
                             ["if custom is None:", "    custom = {}", "custom[k] = v"]))
        lines = ["custom = None"] if self.cls._CUSTOM else []
        lines += ["for k, v in o.items():", "    if type(k) is not str:", "        break"]
        for i, (test, body) in enumerate(branches):
            lines.append(f"    {'if' if i == 0 else 'elif'} {test}:")
            lines += [f"        {line}" for line in body]
        lines.append("else:")
        if self.cls._CUSTOM:
            lines += ["    if custom is not None:", "        self.custom = custom"]
        lines.append("    return self")
        return lines

    def shapes(self, fields: list[str]) -> list[tuple[int, list[str], list[str], list[str]]]:
        """The accepted list lengths, most common first, each with the lines that unpack
        the list, the tests of its own, and the payload slots it stores."""
        n = 1 + len(fields)
        head = ", ".join(["code", *fields])
        if self.cls._PAYLOAD:
            kwargs_ok = ["ok = type(args) is list and type(kwargs) is dict", "if ok:",
                         "    for k in kwargs:", "        if type(k) is not str:",
                         "            ok = False", "            break"]
            return [
                (n + 1, [f"{head}, args = wmsg"], ["type(args) is list"], ["self.args = args"]),
                (n, [f"{head} = wmsg"], [], []),
                (n + 2, [f"{head}, args, kwargs = wmsg", *kwargs_ok], ["ok"],
                 ["self.args = args", "self.kwargs = kwargs"]),
            ]
        shapes: list[tuple[int, list[str], list[str], list[str]]] = [
            (n, [f"{head} = wmsg"], [], [])]
        if self.optional_dict:
            short = ", ".join(["code", *fields[:-1]])
            shapes.append((n - 1, [f"{short}, = wmsg"], [], []))
        return shapes


def _written_by_hand(cls: Any, name: str) -> bool:
    """Whether ``cls`` or a base below ``Message`` defines ``name`` itself."""
    for klass in cls.__mro__[:-2]:  # up to, not including, Message and object
        value = klass.__dict__.get(name)
        if value is not None and not getattr(value, "__func__", value).__dict__.get(
                "_generated"):
            return True
    return False


def install(cls: Any) -> None:
    """Derive the wire tables of ``cls`` and build its methods (see the module text)."""
    head = cls._HEAD
    keys: tuple[Key, ...] = cls._KEYS
    for key in keys:
        if key.attr not in cls.__slots__:
            raise TypeError(f"{cls.__name__}._KEYS names {key.attr!r}, which is not a slot")
    cls._CUSTOM = "custom" in cls.__slots__
    cls._WIRE = {k.key: k.attr for k in keys}
    table: dict[str, Any] = {k.key: (k.attr, k.check, f"{cls._DICT}.{k.key}") for k in keys}
    if cls._PAYLOAD:
        cls._WIRE.update(PPT_WIRE_IN)
        table.update({key: (attr, None, None) for key, attr in PPT_WIRE_IN.items()})
    cls._TABLE = table
    n = 1 + len(head)
    cls._LO = n - 1 if head and getattr(head[-1], "optional", False) else n
    cls._HI = n + 2 if cls._PAYLOAD else n
    builder = _Builder(cls)
    methods = {"_options": builder.options_source() if keys else None}
    if head:
        methods["_init"] = init = builder.init_source()
        if init is not None and cls.__init__.__code__.co_names == ("_init",):
            methods["__init__"] = builder.constructor_source(init)
        if not _written_by_hand(cls, "marshal"):
            methods["marshal"] = builder.marshal_source()
        if not _written_by_hand(cls, "parse"):
            methods["parse"] = builder.parse_source()
    sources = {name: src for name, src in methods.items() if src is not None}
    # The methods are built inside a factory whose parameters are every name they use
    # (checks, tables, builtins), so each read is a cell read, not a global/builtin lookup.
    free = {**_BUILTINS, **builder.ns}
    body = "\n\n".join(sources.values())
    cls._SOURCE = (f"def factory({', '.join(free)}):\n"
                   + textwrap.indent(body, "    ")
                   + f"\n    return {', '.join(sources)},\n")
    filename = f"<wamp_core.message generated {cls.__name__}>"
    linecache.cache[filename] = (len(cls._SOURCE), None, cls._SOURCE.splitlines(True), filename)
    ns: dict[str, Any] = {}
    exec(compile(cls._SOURCE, filename, "exec"), ns)  # source built from the tables
    for name, fn in zip(sources, ns["factory"](*free.values()), strict=True):
        fn._generated = True
        fn.__qualname__ = f"{cls.__name__}.{name}"
        if name == "__init__":  # help() and inspect show the hand-written signature
            fn.__doc__ = cls.__init__.__doc__
            fn.__wrapped__ = cls.__init__
        setattr(cls, name, classmethod(fn) if name == "parse" else fn)
