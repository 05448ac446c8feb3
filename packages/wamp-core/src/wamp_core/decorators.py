"""Decorators ``register``, ``subscribe`` and ``error``, and URI patterns (Autobahn's ``uri``).

::

    import wamp_core as wamp

    class Calculator:
        @wamp.register("com.calc.add")
        def add(self, a, b):
            return a + b

        @wamp.subscribe("com.sensor.<room:string>.temperature")
        def on_temperature(self, value, room):
            ...

    @wamp.error("com.calc.error.overflow")
    class Overflow(Exception):
        pass

    await session.register(Calculator())      # a list of Registrations
    await session.subscribe(Calculator())     # a list of Subscriptions
    session.define(Overflow)                  # ERROR com.calc.error.overflow <-> Overflow

A :class:`Pattern` URI has literal components (``[a-z0-9][a-z0-9_-]*``),
named components ``<name>`` / ``<name:string>`` / ``<name:int>``, a last
``<name:suffix>`` (the rest of the URI, dots included) and empty components.
Unlike Autobahn, which sends such a URI to the router as written (so it
matches only itself), the session registers or subscribes the pattern the
router understands: named and empty components become wildcard components
(``com.sensor..temperature``, match ``wildcard``), a suffix becomes a prefix
(``com.files.``, match ``prefix``); and the values of the named components of
the actual URI are passed to the handler as keyword arguments (``room="kitchen"``).
An explicit ``match`` in the options given wins.
"""

from __future__ import annotations

import inspect
import re
import types as _pytypes
import typing
from collections.abc import Callable
from typing import Any, ClassVar, Final, TypeVar

from wamp_core.exception import TypeCheckError
from wamp_core.types import RegisterOptions, SubscribeOptions

__all__ = [
    "Pattern",
    "convert_starred_uri",
    "error",
    "options_with_match",
    "register",
    "subscribe",
    "type_check",
]

_F = TypeVar("_F", bound=Callable[..., Any])
_C = TypeVar("_C", bound=type)

_COMPONENT = re.compile(r"[a-z0-9][a-z0-9_\-]*")
_NAMED = re.compile(r"<([a-z][a-z0-9_]*)>")
_NAMED_TYPED = re.compile(r"<([a-z][a-z0-9_]*):([a-z]*)>")
_ANY_COMPONENT: Final = r"[^\s\.#]+"
_SUFFIX: Final = r"[^\s#]+"
_CONVERTERS: Final[dict[str, type]] = {"str": str, "string": str, "int": int, "suffix": str}


def convert_starred_uri(uri: str) -> tuple[str, str]:
    """``(uri, match)`` for a URI with ``*`` stars (Autobahn's helper).

    No star: ``exact``. One star at the very end (``com.example.*``): ``prefix``
    on ``com.example.``. Otherwise every star is removed and the match is
    ``wildcard`` (``com.*.update`` -> ``com..update``).
    """
    if not isinstance(uri, str):
        raise TypeError(f"convert_starred_uri: uri must be a str, not {type(uri).__name__}")
    stars = uri.count("*")
    if stars == 0:
        return uri, "exact"
    if stars == 1 and uri.endswith("*"):
        return uri[:-1], "prefix"
    return uri.replace("*", ""), "wildcard"


class Pattern:
    """A URI or URI pattern for a procedure endpoint, an event handler or an exception."""

    URI_TARGET_ENDPOINT: ClassVar[int] = 1
    URI_TARGET_HANDLER: ClassVar[int] = 2
    URI_TARGET_EXCEPTION: ClassVar[int] = 3

    URI_TYPE_EXACT: ClassVar[int] = 1
    URI_TYPE_PREFIX: ClassVar[int] = 2
    URI_TYPE_WILDCARD: ClassVar[int] = 3

    def __init__(self, uri: str, target: int, options: Any = None,
                 check_types: bool | None = None) -> None:
        if not isinstance(uri, str) or not uri:
            raise TypeError(f"invalid URI {uri!r}: a non-empty str is required")
        if target not in (self.URI_TARGET_ENDPOINT, self.URI_TARGET_HANDLER,
                          self.URI_TARGET_EXCEPTION):
            raise ValueError(f"invalid pattern target {target!r}")
        expected = {self.URI_TARGET_ENDPOINT: RegisterOptions,
                    self.URI_TARGET_HANDLER: SubscribeOptions}.get(target)
        if expected is None:
            options = None
        elif options is not None and not isinstance(options, expected):
            raise TypeError(f"options for {uri!r} must be {expected.__name__}, "
                            f"not {type(options).__name__}")
        self._uri = uri
        self._target = target
        self._options = options
        self._check_types = check_types
        self._parse(uri)

    def _parse(self, uri: str) -> None:
        components = uri.split(".")
        regex: list[str] = []
        names: dict[str | int, type] = {}
        wire: list[str] = []
        suffix = False
        for i, component in enumerate(components):
            named = _NAMED_TYPED.fullmatch(component) or _NAMED.fullmatch(component)
            if named:
                name = named.group(1)
                kind = named.group(2) if named.re is _NAMED_TYPED else "string"
                if kind not in _CONVERTERS:
                    raise TypeError(f"invalid URI {uri!r}: unknown component type {kind!r} "
                                    "(use string, int or suffix)")
                if name in names:
                    raise TypeError(f"invalid URI {uri!r}: component name {name!r} repeated")
                if kind == "suffix":
                    if i != len(components) - 1:
                        raise TypeError(f"invalid URI {uri!r}: a suffix component must be last")
                    suffix = True
                names[name] = _CONVERTERS[kind]
                regex.append(f"(?P<{name}>{_SUFFIX if kind == 'suffix' else _ANY_COMPONENT})")
                wire.append("")
            elif _COMPONENT.fullmatch(component):
                regex.append(re.escape(component))
                wire.append(component)
            elif component == "":
                names[len(names) + 1] = str
                regex.append(f"({_ANY_COMPONENT})")
                wire.append("")
            else:
                raise TypeError(f"invalid URI {uri!r}: bad component {component!r}")
        self._names = names or None
        self._pattern = re.compile(r"\.".join(regex)) if names else None
        self._type = self.URI_TYPE_WILDCARD if names else self.URI_TYPE_EXACT
        if not names:
            self._wire = (uri, "exact")
        elif suffix:
            head = components[: next(i for i, w in enumerate(wire) if w == "")]
            self._wire = (".".join(head) + "." if head else "", "prefix")
        else:
            self._wire = (".".join(wire), "wildcard")

    @property
    def options(self) -> Any:
        """The ``RegisterOptions``/``SubscribeOptions`` given, or ``None``."""
        return self._options

    @property
    def uri_type(self) -> int:
        """``URI_TYPE_EXACT``, or ``URI_TYPE_WILDCARD`` for a pattern (as Autobahn)."""
        return self._type

    @property
    def check_types(self) -> bool | None:
        return self._check_types

    @property
    def wire_uri(self) -> str:
        """The URI sent to the router: ``com.sensor..temperature`` for a pattern."""
        return self._wire[0]

    @property
    def wire_match(self) -> str:
        """The match policy sent to the router: ``exact``, ``prefix`` or ``wildcard``."""
        return self._wire[1]

    @property
    def has_names(self) -> bool:
        """Whether the pattern names components (their values become keyword arguments)."""
        return bool(self._names) and any(isinstance(k, str) for k in self._names or ())

    def uri(self) -> str:
        """The URI or pattern as written, e.g. ``com.myapp.<product:int>.update``."""
        return self._uri

    def match(self, uri: str) -> tuple[list[Any], dict[Any, Any]]:
        """``(args, kwargs)`` taken from ``uri``; ``ValueError`` when it does not match.

        ``kwargs`` holds the named components (converted), and unnamed empty
        components under their 1-based position among the pattern's groups.
        """
        if self._pattern is None or self._names is None:
            return [], {}
        found = self._pattern.fullmatch(uri)
        if found is None:
            raise ValueError(f"URI {uri!r} does not match the pattern {self._uri!r}")
        kwargs: dict[Any, Any] = {}
        for key, convert in self._names.items():
            value = found.group(key)
            try:
                kwargs[key] = convert(value)
            except ValueError:
                raise ValueError(f"component {key!r} of {uri!r} is not {convert.__name__}: "
                                 f"{value!r}") from None
        return [], kwargs

    def keywords(self, uri: str) -> dict[str, Any]:
        """The named components of ``uri`` as keyword arguments for a handler."""
        return {k: v for k, v in self.match(uri)[1].items() if isinstance(k, str)}

    def is_endpoint(self) -> bool:
        return self._target == self.URI_TARGET_ENDPOINT

    def is_handler(self) -> bool:
        return self._target == self.URI_TARGET_HANDLER

    def is_exception(self) -> bool:
        return self._target == self.URI_TARGET_EXCEPTION

    def __repr__(self) -> str:
        return f"Pattern({self._uri!r}, wire={self._wire!r})"


def _add_pattern(obj: Any, pattern: Pattern) -> None:
    patterns = obj.__dict__.get("_wampuris")
    if patterns is None:
        patterns = []
        obj._wampuris = patterns
    patterns.append(pattern)


def register(uri: str | None = None, options: RegisterOptions | None = None,
             check_types: bool | None = None) -> Callable[[_F], _F]:
    """Mark a function or method as a procedure endpoint for ``session.register(obj)``.

    ``uri`` defaults to the function's name. ``check_types`` checks the call's
    arguments against the type hints (``wamp.error.type_check_error`` otherwise).
    """

    def decorate(fn: _F) -> _F:
        if not callable(fn):
            raise TypeError(f"@register needs a callable, not {fn!r}")
        _add_pattern(fn, Pattern(uri if uri is not None else fn.__name__,
                                 Pattern.URI_TARGET_ENDPOINT, options, check_types))
        return fn

    return decorate


def subscribe(uri: str, options: SubscribeOptions | None = None,
              check_types: bool | None = None) -> Callable[[_F], _F]:
    """Mark a function or method as an event handler for ``session.subscribe(obj)``."""

    def decorate(fn: _F) -> _F:
        if not callable(fn):
            raise TypeError(f"@subscribe needs a callable, not {fn!r}")
        _add_pattern(fn, Pattern(uri, Pattern.URI_TARGET_HANDLER, options, check_types))
        return fn

    return decorate


def error(uri: str) -> Callable[[_C], _C]:
    """Map an exception class to a WAMP error URI (for ``session.define(cls)``)."""

    def decorate(cls: _C) -> _C:
        if not (isinstance(cls, type) and issubclass(cls, Exception)):
            raise TypeError(f"@error needs an Exception subclass, not {cls!r}")
        _add_pattern(cls, Pattern(uri, Pattern.URI_TARGET_EXCEPTION))
        return cls

    return decorate


_DETAIL_SLOTS: Final = ("details", "details_arg")


def options_with_match(options: Any, cls: type, match: str) -> Any:
    """``options`` (a ``RegisterOptions``/``SubscribeOptions`` or None) with ``match`` set,
    unless it sets one itself; a new object, the given one is not changed."""
    if match == "exact" and options is None:
        return None
    if options is not None and options.match is not None:
        return options
    if options is None:
        return cls(match=match)
    kwargs = {name: getattr(options, name) for name in getattr(cls, "__slots__", ())
              if name not in _DETAIL_SLOTS}
    if options.details:
        kwargs["details"] = True
    elif options.details_arg is not None:
        kwargs["details_arg"] = options.details_arg
    kwargs["match"] = match
    return cls(**kwargs)


def _type_ok(value: Any, hint: Any) -> bool:
    if hint is Any or (hint is None and value is None):
        return True
    origin = typing.get_origin(hint)
    if origin is typing.Union or isinstance(hint, _pytypes.UnionType):
        return any(_type_ok(value, arg) for arg in typing.get_args(hint))
    if origin is not None:
        hint = origin
    if hint is type(None):
        return value is None
    if isinstance(hint, type):
        return isinstance(value, hint)
    return True  # TypeVars, Protocols, strings: not checked


def _hint_name(hint: Any) -> str:
    return getattr(hint, "__name__", None) or str(hint)


def type_check(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap ``fn`` so that its arguments are checked against its type hints.

    A mismatch raises :class:`~wamp_core.exception.TypeCheckError` naming each
    argument, its expected type and the type received.
    """
    signature = inspect.signature(fn)
    try:
        hints = typing.get_type_hints(fn)
    except Exception:  # unresolvable hints: check what is a real type
        hints = {k: v for k, v in getattr(fn, "__annotations__", {}).items()
                 if not isinstance(v, str)}
    hints.pop("return", None)

    def checked(*args: Any, **kwargs: Any) -> Any:
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise TypeCheckError(str(exc)) from None
        problems = []
        for name, value in bound.arguments.items():
            hint = hints.get(name)
            if hint is not None and not _type_ok(value, hint):
                expected = " | ".join(_hint_name(a) for a in typing.get_args(hint)) \
                    if typing.get_origin(hint) is typing.Union \
                    or isinstance(hint, _pytypes.UnionType) else _hint_name(hint)
                problems.append(f"'{name}' expected type={expected} "
                                f"got={type(value).__name__}")
        if problems:
            raise TypeCheckError(", ".join(problems))
        return fn(*args, **kwargs)

    checked.__name__ = getattr(fn, "__name__", "checked")
    checked.__doc__ = fn.__doc__
    checked.__wrapped__ = fn  # type: ignore[attr-defined]
    return checked
