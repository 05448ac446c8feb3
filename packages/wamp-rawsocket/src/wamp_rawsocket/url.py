"""RawSocket URLs: ``rs://host:port``, ``rss://host:port`` and ``rs://unix:/path``.

- ``rs`` is RawSocket over TCP, ``rss`` over TLS. A missing port means 80 for ``rs`` and
  443 for ``rss``, as in Autobahn|Python (the spec defines no port).
- ``rs://unix:<path>`` names a Unix domain socket (the path may be relative).
  ``rss://unix:<path>`` is accepted and means TLS over that Unix socket: both asyncio and
  Twisted can run TLS over any stream, and Autobahn|Python accepts the form too.
- An IPv6 address goes in brackets: ``rs://[::1]:8080``.
- No user info, query or fragment; no path for TCP URLs (a lone trailing ``/`` is allowed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from wamp_rawsocket.exceptions import InvalidURL

__all__ = ["DEFAULT_PORTS", "RawSocketURL", "create_url", "parse_url"]

DEFAULT_PORTS: Final[dict[str, int]] = {"rs": 80, "rss": 443}
_UNIX: Final = "unix:"


@dataclass(frozen=True)
class RawSocketURL:
    """A parsed RawSocket URL: a TCP endpoint (``host``, ``port``) or a Unix socket (``path``)."""

    secure: bool
    """True for ``rss``: TLS over the stream."""
    host: str | None = None
    """Host name or IP address (IPv6 without brackets); None for a Unix socket."""
    port: int | None = None
    """TCP port; None for a Unix socket."""
    path: str | None = None
    """Unix socket path; None for TCP."""

    @property
    def is_unix(self) -> bool:
        """True for a Unix domain socket."""
        return self.path is not None

    @property
    def scheme(self) -> str:
        """``rs`` or ``rss``."""
        return "rss" if self.secure else "rs"

    def __str__(self) -> str:
        if self.path is not None:
            return f"{self.scheme}://unix:{self.path}"
        host = f"[{self.host}]" if self.host and ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"


def parse_url(url: str) -> RawSocketURL:
    """Parse a RawSocket URL; :class:`InvalidURL` names the URL and what is wrong."""
    if not isinstance(url, str):
        raise InvalidURL(repr(url), f"a URL must be a str, not {type(url).__name__}")
    scheme, sep, rest = url.partition("://")
    scheme = scheme.lower()
    if not sep:
        raise InvalidURL(url, "expected rs://host:port, rss://host:port or rs://unix:/path")
    if scheme not in DEFAULT_PORTS:
        raise InvalidURL(url, f"scheme {scheme!r} is not RawSocket (use rs:// or rss://)")
    secure = scheme == "rss"
    for char, what in (("?", "query"), ("#", "fragment")):
        if char in rest:
            raise InvalidURL(url, f"a RawSocket URL takes no {what} ('{char}')")
    if rest[: len(_UNIX)].lower() == _UNIX:
        path = rest[len(_UNIX) :]
        if not path:
            raise InvalidURL(url, "the Unix socket path is empty (expected rs://unix:/path)")
        return RawSocketURL(secure=secure, path=path)
    authority, slash, path = rest.partition("/")
    if slash and path:
        raise InvalidURL(url, f"a TCP RawSocket URL has no path, found '/{path}'")
    host, port = _split_authority(url, authority)
    if port is None:
        port = DEFAULT_PORTS[scheme]
    return RawSocketURL(secure=secure, host=host, port=port)


def create_url(host: str, port: int | str | None = None, secure: bool = False) -> str:
    """The URL of a TCP endpoint, or of a Unix socket when ``host == "unix"`` (then
    ``port`` is the path), like Autobahn's ``create_url``; the result parses back."""
    scheme = "rss" if secure else "rs"
    if host == "unix":
        return str(parse_url(f"{scheme}://unix:{port}"))
    if port is None:
        port = DEFAULT_PORTS[scheme]
    bracketed = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return str(parse_url(f"{scheme}://{bracketed}:{port}"))


def _split_authority(url: str, authority: str) -> tuple[str, int | None]:
    if "@" in authority:
        raise InvalidURL(url, "a RawSocket URL carries no user name or password")
    if authority.startswith("["):
        end = authority.find("]")
        if end < 0:
            raise InvalidURL(url, "the IPv6 address lacks its closing ']'")
        host, after = authority[1:end], authority[end + 1 :]
        if ":" not in host:
            raise InvalidURL(url, f"[{host}] is not an IPv6 address")
        if after and not after.startswith(":"):
            raise InvalidURL(url, f"unexpected {after!r} after the IPv6 address")
        port_text = after[1:] if after else None
    else:
        if authority.count(":") > 1:
            raise InvalidURL(url, "an IPv6 address must be written in brackets, e.g. [::1]")
        host, colon, text = authority.partition(":")
        port_text = text if colon else None
    if not host:
        raise InvalidURL(url, "the host is missing")
    return host, None if port_text is None else _port(url, port_text)


def _port(url: str, text: str) -> int:
    if not text:
        raise InvalidURL(url, "the port is empty (drop the ':' for the default port)")
    if not text.isascii() or not text.isdigit():
        raise InvalidURL(url, f"the port {text!r} is not a number")
    port = int(text)
    if not 1 <= port <= 65535:
        raise InvalidURL(url, f"the port {port} is outside 1..65535")
    return port
