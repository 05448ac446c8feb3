"""RawSocket URL helpers."""

from __future__ import annotations

import pytest
from wamp_rawsocket import InvalidURL, RawSocketURL, create_url, parse_url

GOOD = [
    ("rs://localhost:8080", RawSocketURL(False, "localhost", 8080)),
    ("rss://example.com:8443", RawSocketURL(True, "example.com", 8443)),
    ("rs://example.com", RawSocketURL(False, "example.com", 80)),
    ("rss://example.com", RawSocketURL(True, "example.com", 443)),
    ("RS://Example.com:1/", RawSocketURL(False, "Example.com", 1)),
    ("rs://127.0.0.1:65535", RawSocketURL(False, "127.0.0.1", 65535)),
    ("rs://[::1]:9000", RawSocketURL(False, "::1", 9000)),
    ("rss://[fe80::1%25eth0]", RawSocketURL(True, "fe80::1%25eth0", 443)),
    ("rs://unix:/tmp/router.sock", RawSocketURL(False, path="/tmp/router.sock")),
    ("rss://unix:/run/wamp.sock", RawSocketURL(True, path="/run/wamp.sock")),
    ("rs://unix:relative.sock", RawSocketURL(False, path="relative.sock")),
    ("rs://UNIX:/x", RawSocketURL(False, path="/x")),
]

BAD = [
    ("ws://localhost:8080", "scheme 'ws' is not RawSocket"),
    ("localhost:8080", "expected rs://host:port"),
    ("rs://", "the host is missing"),
    ("rs://:8080", "the host is missing"),
    ("rs://host:", "the port is empty"),
    ("rs://host:http", "the port 'http' is not a number"),
    ("rs://host:0", "the port 0 is outside 1..65535"),
    ("rs://host:65536", "the port 65536 is outside 1..65535"),
    ("rs://host:\uff18\uff10", "is not a number"),  # fullwidth digits
    ("rs://host:80/ws", "has no path, found '/ws'"),
    ("rs://host:80?x=1", "takes no query"),
    ("rs://host#frag", "takes no fragment"),
    ("rs://user:pw@host:80", "no user name or password"),
    ("rs://::1:80", "must be written in brackets"),
    ("rs://[::1:80", "lacks its closing ']'"),
    ("rs://[::1]x", "unexpected 'x'"),
    ("rs://[host]:80", "[host] is not an IPv6 address"),
    ("rs://unix:", "the Unix socket path is empty"),
    ("rs://unix:/tmp/s?x", "takes no query"),
]


@pytest.mark.parametrize(("url", "expected"), GOOD)
def test_parse_good_urls(url: str, expected: RawSocketURL) -> None:
    parsed = parse_url(url)
    assert parsed == expected
    assert parsed.is_unix is (expected.path is not None)
    assert parse_url(str(parsed)) == parsed  # the normalized form parses back


@pytest.mark.parametrize(("url", "problem"), BAD)
def test_parse_bad_urls(url: str, problem: str) -> None:
    with pytest.raises(InvalidURL) as info:
        parse_url(url)
    assert info.value.url == url
    assert str(info.value).startswith(f"invalid RawSocket URL {url!r}: ")
    assert problem in str(info.value)
    assert isinstance(info.value, ValueError)


def test_parse_rejects_non_strings() -> None:
    with pytest.raises(InvalidURL, match="must be a str"):
        parse_url(b"rs://x:1")  # type: ignore[arg-type]


def test_str_of_urls() -> None:
    assert str(parse_url("rs://[::1]")) == "rs://[::1]:80"
    assert str(parse_url("rss://unix:/a/b")) == "rss://unix:/a/b"
    assert parse_url("rss://h").scheme == "rss"


@pytest.mark.parametrize(
    ("args", "url"),
    [
        (("example.com",), "rs://example.com:80"),
        (("example.com", 9000, True), "rss://example.com:9000"),
        (("::1", 9000), "rs://[::1]:9000"),
        (("unix", "/tmp/s.sock"), "rs://unix:/tmp/s.sock"),
        (("unix", "/tmp/s.sock", True), "rss://unix:/tmp/s.sock"),
    ],
)
def test_create_url(args: tuple[object, ...], url: str) -> None:
    assert create_url(*args) == url  # type: ignore[arg-type]


def test_create_url_validates() -> None:
    with pytest.raises(InvalidURL, match=r"outside 1\.\.65535"):
        create_url("h", 70000)
