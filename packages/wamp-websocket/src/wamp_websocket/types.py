"""Autobahn|Python's WebSocket value types, for :mod:`wamp_websocket.protocol`.

- :class:`ConnectionRequest`: what a server's ``onConnect(request)`` receives;
- :class:`ConnectingRequest`: what a client's ``onConnecting(transport_details)`` may return
  to change the host, port, resource, headers ... of its opening handshake;
- :class:`ConnectionResponse`: what a client's ``onConnect(response)`` receives;
- :class:`ConnectionAccept`: what a server's ``onConnect`` may return (as may a subprotocol,
  or a ``(subprotocol, headers)`` pair);
- :class:`ConnectionDeny`: raised by a server's ``onConnect`` to refuse with an HTTP status.

Same names, constructors, attributes and ``str()`` (``pprint.pformat`` of ``__json__()``) as
``autobahn.websocket.types``; bad arguments raise ``TypeError`` (Autobahn uses ``assert``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pprint import pformat
from typing import Any

from wamp_websocket.exceptions import ConnectionDeny

__all__ = [
    "ConnectingRequest",
    "ConnectionAccept",
    "ConnectionDeny",
    "ConnectionRequest",
    "ConnectionResponse",
]


class _Value:
    """``__json__()`` of the slots, ``str()`` as Autobahn prints it, ``repr()``, equality."""

    __slots__: tuple[str, ...] = ()
    _FIELDS: tuple[str, ...] = ()  # the constructor's order

    def __json__(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._FIELDS}

    def __str__(self) -> str:
        return pformat(self.__json__())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._FIELDS)
        return f"{type(self).__name__}({fields})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.__json__() == other.__json__()

    __hash__ = None  # type: ignore[assignment]


class ConnectionRequest(_Value):
    """A client's opening handshake request, as a server's ``onConnect`` sees it.

    ``path`` is the resource without the query, ``params`` the query
    (``{"foo": ["23", "66"]}``), ``protocols`` the subprotocols offered (choose one or
    None), ``extensions`` the extensions offered.
    """

    __slots__ = (
        "extensions",
        "headers",
        "host",
        "origin",
        "params",
        "path",
        "peer",
        "protocols",
        "version",
    )

    _FIELDS = ("peer", "headers", "host", "path", "params", "version", "origin", "protocols",
               "extensions")

    def __init__(self, peer: str, headers: dict[str, str], host: str, path: str,
                 params: dict[str, list[str]], version: int, origin: str | None,
                 protocols: list[str], extensions: list[Any]) -> None:
        self.peer = peer
        self.headers = headers
        self.host = host
        self.path = path
        self.params = params
        self.version = version
        self.origin = origin
        self.protocols = protocols
        self.extensions = extensions


class ConnectingRequest(_Value):
    """What a client sends in its opening handshake; returned by ``onConnecting``.

    Every argument may be None for its default (host ``localhost``, port 80, resource ``/``,
    no headers, no subprotocols); the values are what the server sees, not necessarily
    where the TCP connection goes.
    """

    __slots__ = ("headers", "host", "origin", "port", "protocols", "resource", "useragent")

    _FIELDS = ("host", "port", "resource", "headers", "useragent", "origin", "protocols")

    def __init__(self, host: str | None = None, port: int | None = None,
                 resource: str | None = None, headers: Mapping[str, Any] | None = None,
                 useragent: str | None = None, origin: str | None = None,
                 protocols: Sequence[str] | None = None) -> None:
        self.host = host if host is not None else "localhost"
        self.port = port if port is not None else 80
        self.resource = resource if resource is not None else "/"
        self.headers: dict[str, Any] = dict(headers) if headers is not None else {}
        self.useragent = useragent
        self.origin = origin
        self.protocols: list[str] = list(protocols) if protocols is not None else []


class ConnectionResponse(_Value):
    """A server's opening handshake response, as a client's ``onConnect`` sees it."""

    __slots__ = ("extensions", "headers", "peer", "protocol", "version")

    _FIELDS = ("peer", "headers", "version", "protocol", "extensions")

    def __init__(self, peer: str, headers: dict[str, str], version: int, protocol: str | None,
                 extensions: list[str]) -> None:
        self.peer = peer
        self.headers = headers
        self.version = version
        self.protocol = protocol
        self.extensions = extensions


class ConnectionAccept(_Value):
    """A server's ``onConnect`` answer: accept with ``subprotocol`` and extra ``headers``.

    ``headers`` maps names to a value or a list of values (one header line each).
    """

    __slots__ = ("headers", "subprotocol")

    _FIELDS = ("subprotocol", "headers")

    def __init__(self, subprotocol: str | None = None,
                 headers: Mapping[str, str | Sequence[str]] | None = None) -> None:
        if subprotocol is not None and not isinstance(subprotocol, str):
            raise TypeError(f"subprotocol must be a str or None, not {subprotocol!r}")
        if headers is not None:
            if not isinstance(headers, Mapping):
                raise TypeError(f"headers must be a dict or None, not {headers!r}")
            for name, value in headers.items():
                values = [value] if isinstance(value, str) else value
                if not isinstance(name, str) or not isinstance(values, list | tuple) or not all(
                    isinstance(item, str) for item in values
                ):
                    raise TypeError(f"header {name!r}: names are str, values str or lists "
                                    f"of str, not {value!r}")
        self.subprotocol = subprotocol
        self.headers = dict(headers) if headers is not None else None
