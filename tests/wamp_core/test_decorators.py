"""Decorators and URI patterns: Autobahn's API, and the patterns sent to the router."""

from __future__ import annotations

from typing import Any

import pytest
import wamp_core
import wamp_core.uri
from wamp_core import decorators
from wamp_core.decorators import (
    Pattern,
    convert_starred_uri,
    error,
    options_with_match,
    register,
    subscribe,
    type_check,
)
from wamp_core.exception import TypeCheckError
from wamp_core.types import RegisterOptions, SubscribeOptions

ENDPOINT, HANDLER, EXCEPTION = (Pattern.URI_TARGET_ENDPOINT, Pattern.URI_TARGET_HANDLER,
                                Pattern.URI_TARGET_EXCEPTION)


def test_reexports() -> None:
    for name in ("register", "subscribe", "error"):
        assert getattr(wamp_core, name) is getattr(decorators, name)
        assert getattr(wamp_core.uri, name) is getattr(decorators, name)
        assert name in wamp_core.__all__ and name in wamp_core.uri.__all__
    assert wamp_core.uri.Pattern is Pattern
    assert wamp_core.uri.convert_starred_uri is convert_starred_uri


@pytest.mark.parametrize(("uri", "wire", "match"), [
    ("com.example.add", "com.example.add", "exact"),
    ("com.myapp.product.<product:int>.update", "com.myapp.product..update", "wildcard"),
    ("com.<a>.<b:string>.x", "com...x", "wildcard"),
    ("com..x", "com..x", "wildcard"),
    ("com.files.<path:suffix>", "com.files.", "prefix"),
    ("com.<user>.files.<path:suffix>", "com.", "prefix"),
    ("<all:suffix>", "", "prefix"),
])
def test_wire_uri_and_match(uri: str, wire: str, match: str) -> None:
    pattern = Pattern(uri, ENDPOINT)
    assert (pattern.wire_uri, pattern.wire_match) == (wire, match)
    assert pattern.uri() == uri
    expected = Pattern.URI_TYPE_EXACT if match == "exact" else Pattern.URI_TYPE_WILDCARD
    assert pattern.uri_type == expected


def test_match_converts_named_components() -> None:
    pattern = Pattern("com.myapp.product.<product:int>.<field>", ENDPOINT)
    assert pattern.match("com.myapp.product.123.price") == ([], {"product": 123,
                                                                  "field": "price"})
    assert pattern.keywords("com.myapp.product.7.name") == {"product": 7, "field": "name"}
    with pytest.raises(ValueError, match="not int"):
        pattern.match("com.myapp.product.abc.price")
    with pytest.raises(ValueError, match="does not match"):
        pattern.match("com.other.product.1.price")
    suffix = Pattern("com.files.<path:suffix>", HANDLER)
    assert suffix.keywords("com.files.a.b.txt") == {"path": "a.b.txt"}
    unnamed = Pattern("com..x", HANDLER)
    assert unnamed.match("com.any.x") == ([], {1: "any"})
    assert unnamed.keywords("com.any.x") == {} and not unnamed.has_names
    assert Pattern("com.exact", HANDLER).match("whatever") == ([], {})


@pytest.mark.parametrize(("uri", "text"), [
    ("com.<a:float>.x", "unknown component type 'float'"),
    ("com.<rest:suffix>.x", "a suffix component must be last"),
    ("com.<a>.<a>", "component name 'a' repeated"),
    ("com.Example", "bad component 'Example'"),
    ("com.ex ample", "bad component"),
    ("", "a non-empty str"),
])
def test_invalid_patterns(uri: str, text: str) -> None:
    with pytest.raises(TypeError, match=text):
        Pattern(uri, ENDPOINT)


def test_pattern_options_and_targets() -> None:
    options = RegisterOptions(invoke="roundrobin")
    endpoint = Pattern("com.x", ENDPOINT, options, check_types=True)
    assert endpoint.options is options and endpoint.check_types is True
    assert endpoint.is_endpoint() and not endpoint.is_handler() and not endpoint.is_exception()
    with pytest.raises(TypeError, match="must be RegisterOptions"):
        Pattern("com.x", ENDPOINT, SubscribeOptions())
    with pytest.raises(TypeError, match="must be SubscribeOptions"):
        Pattern("com.x", HANDLER, RegisterOptions())
    assert Pattern("com.x", EXCEPTION, RegisterOptions()).options is None
    with pytest.raises(ValueError, match="target"):
        Pattern("com.x", 42)
    assert "com.x" in repr(endpoint)


def test_decorators_attach_patterns() -> None:
    @register("com.a")
    @register(None, options=RegisterOptions(invoke="first"), check_types=True)
    def procedure() -> None:
        pass

    @subscribe("com.t.<x>")
    def handler(x: str) -> None:
        pass

    @error("com.error.custom")
    class Custom(Exception):
        pass

    @error("com.error.sub")
    class Sub(Custom):
        pass

    uris = [p.uri() for p in procedure._wampuris]  # type: ignore[attr-defined]
    assert uris == ["procedure", "com.a"]
    assert procedure._wampuris[0].options.invoke == "first"  # type: ignore[attr-defined]
    assert handler._wampuris[0].is_handler()  # type: ignore[attr-defined]
    assert [p.uri() for p in Custom._wampuris] == ["com.error.custom"]  # type: ignore[attr-defined]
    assert [p.uri() for p in Sub._wampuris] == ["com.error.sub"]  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match="Exception subclass"):
        error("com.x")(int)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="needs a callable"):
        subscribe("com.x")(42)  # type: ignore[type-var]
    with pytest.raises(TypeError, match="needs a callable"):
        register("com.x")("nope")  # type: ignore[type-var]


@pytest.mark.parametrize(("uri", "expected"), [
    ("com.example.topic1", ("com.example.topic1", "exact")),
    ("com.example.*", ("com.example.", "prefix")),
    ("com.*.foobar.*", ("com..foobar.", "wildcard")),
    ("*.a", (".a", "wildcard")),
])
def test_convert_starred_uri(uri: str, expected: tuple[str, str]) -> None:
    assert convert_starred_uri(uri) == expected


def test_convert_starred_uri_needs_a_str() -> None:
    with pytest.raises(TypeError):
        convert_starred_uri(None)  # type: ignore[arg-type]


def test_options_with_match() -> None:
    assert options_with_match(None, SubscribeOptions, "exact") is None
    made = options_with_match(None, SubscribeOptions, "wildcard")
    assert isinstance(made, SubscribeOptions) and made.match == "wildcard"
    explicit = SubscribeOptions(match="prefix")
    assert options_with_match(explicit, SubscribeOptions, "wildcard") is explicit
    given = RegisterOptions(invoke="last", concurrency=2, details=True, disclose_caller=True)
    copy = options_with_match(given, RegisterOptions, "wildcard")
    assert copy is not given and given.match is None
    assert (copy.match, copy.invoke, copy.concurrency, copy.details, copy.details_arg,
            copy.disclose_caller) == ("wildcard", "last", 2, True, "details", True)
    renamed = options_with_match(SubscribeOptions(details_arg="info", get_retained=True),
                                 SubscribeOptions, "prefix")
    assert (renamed.details_arg, renamed.details, renamed.get_retained) == ("info", None, True)


def test_type_check() -> None:
    def f(a: int, b: str | None = None, *rest: Any, c: list[int] | None = None) -> str:
        return f"{a}{b}{c}"

    checked = type_check(f)
    assert checked(1, "x", c=[1]) == "1x[1]"
    assert checked(1) == "1NoneNone"
    assert checked.__wrapped__ is f  # type: ignore[attr-defined]
    with pytest.raises(TypeCheckError) as info:
        checked("1", 2)
    assert info.value.error == "wamp.error.type_check_error"
    assert info.value.args == ("'a' expected type=int got=str, "
                               "'b' expected type=str | NoneType got=int",)
    with pytest.raises(TypeCheckError, match=r"'c' expected type=list \| NoneType got=dict"):
        checked(1, c={})
    with pytest.raises(TypeCheckError, match="missing a required argument"):
        checked()

    def untyped(a, b):  # type: ignore[no-untyped-def]
        return a

    assert type_check(untyped)("anything", None) == "anything"
