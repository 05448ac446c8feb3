"""Parse and format ``Sec-WebSocket-Extensions`` (RFC 6455 9.1).

Grammar::

    extension-list  = 1#extension
    extension       = extension-token *( ";" extension-param )
    extension-param = token [ "=" (token | quoted-string) ]

A parameter without a value parses as ``True``; a parameter may repeat, so values are lists.
"""

from __future__ import annotations

from collections.abc import Iterable

from wamp_websocket._http import TOKEN_CHARS

__all__ = ["ExtensionParams", "format_extension", "parse_extensions"]

ExtensionParams = dict[str, list[str | bool]]

_TOKEN = TOKEN_CHARS


def _split(text: str, sep: str) -> list[str]:
    """Split ``text`` on ``sep`` outside double quotes; refuse an unterminated quote."""
    parts: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == sep and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    if quoted:
        raise ValueError(f"unterminated quoted string in extension header {text!r}")
    parts.append("".join(current))
    return parts


def _token(text: str, what: str) -> str:
    text = text.strip()
    if not text or not _TOKEN.issuperset(text):
        raise ValueError(f"invalid {what} {text!r} in extension header")
    return text


def _value(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        # RFC 6455 9.1: a quoted value must still be a token once unquoted.
        inner = text[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        return _token(inner, "parameter value")
    return _token(text, "parameter value")


def parse_extensions(header: str) -> list[tuple[str, ExtensionParams]]:
    """Parse a ``Sec-WebSocket-Extensions`` value; raise ValueError when malformed."""
    result: list[tuple[str, ExtensionParams]] = []
    for item in _split(header, ","):
        if not item.strip():
            continue  # RFC 7230 7: empty list elements are allowed and ignored
        pieces = _split(item, ";")
        name = _token(pieces[0], "extension name")
        params: ExtensionParams = {}
        for piece in pieces[1:]:
            key, eq, raw = piece.partition("=")
            key = _token(key, "parameter name")
            params.setdefault(key, []).append(_value(raw) if eq else True)
        result.append((name, params))
    return result


def format_extension(name: str, params: Iterable[tuple[str, str | int | None]]) -> str:
    """Format one extension entry; a parameter with value None is written without a value."""
    parts = [name]
    for key, value in params:
        parts.append(key if value is None else f"{key}={value}")
    return "; ".join(parts)
