"""WebSocket URLs (RFC 6455 3): ``ws://host[:port]/path[?query]`` and ``wss://``."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

__all__ = ["create_url", "parse_url"]


def parse_url(url: str) -> tuple[bool, str, int, str, str, dict[str, list[str]]]:
    """Split a WebSocket URL like Autobahn's ``parse_url``.

    Returns ``(is_secure, host, port, resource, path, params)``; raises ValueError for another
    scheme, a missing host or a fragment (RFC 6455 3: fragments MUST NOT be used).
    """
    split = urlsplit(url)
    scheme = split.scheme.lower()
    if scheme not in ("ws", "wss"):
        raise ValueError(f"WebSocket URL {url!r}: the scheme must be ws or wss")
    if split.fragment or url.endswith("#"):
        raise ValueError(f"WebSocket URL {url!r} has a fragment identifier")
    if not split.hostname:
        raise ValueError(f"WebSocket URL {url!r} has no host")
    try:
        port = split.port
    except ValueError:
        raise ValueError(f"WebSocket URL {url!r} has an invalid port") from None
    secure = scheme == "wss"
    path = split.path or "/"
    resource = f"{path}?{split.query}" if split.query else path
    if port is None:  # an explicit port 0 stays 0 (listen on any free port), as Autobahn
        port = 443 if secure else 80
    return (secure, split.hostname, port, resource, path, parse_qs(split.query))


def create_url(host: str, port: int | None = None, secure: bool = False, path: str | None = None,
               params: dict[str, str] | None = None) -> str:
    """Build a WebSocket URL (Autobahn's ``create_url``), leaving out a default port."""
    scheme = "wss" if secure else "ws"
    name = f"[{host}]" if ":" in host and not host.startswith("[") else host
    default = 443 if secure else 80
    netloc = name if port is None or port == default else f"{name}:{port}"
    query = f"?{urlencode(params)}" if params else ""
    return f"{scheme}://{netloc}{path or '/'}{query}"
