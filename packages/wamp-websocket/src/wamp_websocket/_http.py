"""The bits of HTTP/1.1 the opening handshake needs (RFC 7230): find, parse and build a head.

A head is the start line and the header fields up to the empty line (``CRLF CRLF``). Parsing
is bounded by the caller (``HeadReader`` refuses heads longer than its limit) and strict: a
malformed line raises :class:`HttpError`, which the handshake turns into an HTTP 400 (server)
or a failed connection (client).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

__all__ = [
    "HeadReader",
    "HeaderValues",
    "HttpError",
    "HttpHead",
    "TOKEN_CHARS",
    "build_head",
    "header_tokens",
    "iter_headers",
    "parse_head",
]

_END = b"\r\n\r\n"
_MAX_FIELDS = 256
# RFC 7230 3.2.6: the characters of a token
TOKEN_CHARS = frozenset(
    "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)


class HttpError(ValueError):
    """A malformed or oversized HTTP head; ``status`` is the HTTP status to answer with."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.headers: list[tuple[str, str]] = []


@dataclass(slots=True)
class HttpHead:
    """A parsed HTTP head: the start line split on spaces, and the header fields in order."""

    start_line: str
    fields: list[tuple[str, str]] = field(default_factory=list)

    def combined(self) -> dict[str, str]:
        """Header fields by lower-case name, repeated fields joined with ", " (RFC 7230 3.2.2)."""
        out: dict[str, str] = {}
        for name, value in self.fields:
            key = name.lower()
            out[key] = f"{out[key]}, {value}" if key in out else value
        return out

    def count(self, name: str) -> int:
        """How many times the (case-insensitive) header ``name`` appears."""
        name = name.lower()
        return sum(1 for key, _ in self.fields if key.lower() == name)

    def get(self, name: str) -> str | None:
        """The combined value of header ``name``, or None when absent."""
        name = name.lower()
        values = [value for key, value in self.fields if key.lower() == name]
        return ", ".join(values) if values else None


class HeadReader:
    """Accumulate bytes until a complete head arrived, refusing heads over ``limit`` bytes."""

    __slots__ = ("_buf", "_limit", "_scanned")

    def __init__(self, limit: int) -> None:
        self._buf = bytearray()
        self._limit = limit
        self._scanned = 0

    def feed(self, data: bytes | bytearray | memoryview) -> tuple[HttpHead, bytes] | None:
        """Add ``data``; return ``(head, rest)`` once the head is complete, else None.

        Raises :class:`HttpError` (431) when the head grows past the limit.
        """
        self._buf += data
        end = self._buf.find(_END, max(0, self._scanned - 3))
        if end < 0:
            self._scanned = len(self._buf)
            if self._scanned > self._limit:
                raise HttpError(f"HTTP head longer than {self._limit} bytes", 431)
            return None
        if end + 4 > self._limit:
            raise HttpError(f"HTTP head longer than {self._limit} bytes", 431)
        head = parse_head(bytes(self._buf[:end]))
        rest = bytes(self._buf[end + 4 :])
        self._buf.clear()
        self._scanned = 0
        return head, rest

    def peek(self) -> bytes:
        """The bytes buffered so far (before the head is complete)."""
        return bytes(self._buf)


def parse_head(data: bytes) -> HttpHead:
    """Parse a head without its final CRLF CRLF; raise :class:`HttpError` when malformed."""
    # RFC 7230 3.2.4: field values are ISO-8859-1 at most; anything else is opaque octets.
    lines = data.decode("iso-8859-1").split("\r\n")
    if len(lines) - 1 > _MAX_FIELDS:
        raise HttpError(f"more than {_MAX_FIELDS} header fields", 431)
    head = HttpHead(lines[0])
    if not head.start_line or head.start_line != head.start_line.strip():
        raise HttpError(f"bad HTTP start line {head.start_line!r}")
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        # RFC 7230 3.2.4: no whitespace before the colon; obs-fold lines may be rejected.
        if not sep or not name or not TOKEN_CHARS.issuperset(name):
            raise HttpError(f"malformed HTTP header line {line[:80]!r}")
        head.fields.append((name, value.strip(" \t")))
    return head


def header_tokens(value: str | None) -> list[str]:
    """The comma-separated tokens of a header value, stripped and lower-cased."""
    if not value:
        return []
    return [token.strip().lower() for token in value.split(",") if token.strip()]


#: Extra headers: a mapping (a value may be a list of values) or a sequence of pairs.
HeaderValues: TypeAlias = "Mapping[str, str | Sequence[str]] | Sequence[tuple[str, str]]"


def iter_headers(headers: HeaderValues | None) -> Iterable[tuple[str, str]]:
    """Expand a header mapping (a value may be a list) or a list of pairs into pairs."""
    if headers is None:
        return []
    if isinstance(headers, Mapping):
        pairs: list[tuple[str, str]] = []
        for name, value in headers.items():
            if isinstance(value, str):
                pairs.append((name, value))
            else:
                pairs.extend((name, str(item)) for item in value)
        return pairs
    return list(headers)


def build_head(start_line: str, fields: Iterable[tuple[str, str]]) -> bytes:
    """Serialize a head, CRLF CRLF included; refuse CR/LF inside names or values."""
    parts = [start_line]
    for name, value in fields:
        text = str(value)
        if not name or not TOKEN_CHARS.issuperset(name) or "\r" in text or "\n" in text:
            raise ValueError(f"invalid HTTP header {name!r}: {text!r}")
        parts.append(f"{name}: {text}")
    parts.append("\r\n")
    return "\r\n".join(parts).encode("utf-8")
