"""Which serializer a WAMP transport speaks: WebSocket subprotocols and RawSocket ids.

WebSocket (WAMP spec, "WebSocket Transport"): the client offers ``wamp.2.<serializer>`` (and
``wamp.2.<serializer>.batched``) subprotocols in its order of preference; the server picks the
first one it speaks. RawSocket: the client names one serializer id (1 json, 2 msgpack,
3 cbor, 4 ubjson, 5 flatbuffers) and the server accepts it or refuses.

Defaults: a client offers CBOR, MessagePack, UBJSON and JSON, in that order (UBJSON only
when its extra is installed); a server speaks those four, each also batched, and
WAMP-FlatBuffers. A ``serializers`` argument may list serializer instances, serializer
classes or ids (``"cbor"``, ``"json.batched"``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Final

from wamp_core.serializer import (
    SERID_TO_SER,
    Serializer,
    create_transport_serializer,
)

__all__ = [
    "CLIENT_DEFAULT",
    "SERVER_DEFAULT",
    "choose_subprotocol",
    "client_serializers",
    "rawsocket_ids",
    "serializer_for_rawsocket_id",
    "serializer_for_subprotocol",
    "server_serializers",
    "subprotocol_of",
    "subprotocols",
]

CLIENT_DEFAULT: Final = ("cbor", "msgpack", "ubjson", "json")
"""A client's serializers, in its order of preference (those installed)."""
SERVER_DEFAULT: Final = (*CLIENT_DEFAULT, *(f"{name}.batched" for name in CLIENT_DEFAULT),
                         "flatbuffers")
"""A server's serializers (those installed)."""
_PREFIX: Final = "wamp.2."


def _installed(ids: Iterable[str]) -> list[Any]:
    return [create_transport_serializer(sid) for sid in ids if sid.split(".")[0] in SERID_TO_SER]


def _resolve(serializers: Iterable[Any] | None, default: Sequence[str]) -> list[Any]:
    if serializers is None:
        return _installed(default)
    if isinstance(serializers, str | bytes) or not isinstance(serializers, Iterable):
        raise ValueError(f"serializers must be a list of serializers (or ids such as 'cbor'), "
                         f"not {serializers!r}")
    resolved: list[Any] = []
    for item in serializers:
        if isinstance(item, str):
            item = create_transport_serializer(item)
        elif isinstance(item, type):
            item = item()
        if not hasattr(item, "SERIALIZER_ID") or not hasattr(item, "serialize"):
            raise ValueError(f"not a WAMP serializer: {item!r}")
        resolved.append(item)
    if not resolved:
        raise ValueError("serializers: at least one serializer is needed")
    return resolved


def client_serializers(serializers: Iterable[Any] | None = None) -> list[Any]:
    """A client's serializers (default: CBOR, MessagePack, UBJSON, JSON)."""
    return _resolve(serializers, CLIENT_DEFAULT)


def server_serializers(serializers: Iterable[Any] | None = None) -> list[Any]:
    """A server's serializers (default: the four, each also batched, and FlatBuffers)."""
    return _resolve(serializers, SERVER_DEFAULT)


def subprotocol_of(serializer: Any) -> str:
    """``wamp.2.<SERIALIZER_ID>`` of a serializer."""
    return f"{_PREFIX}{serializer.SERIALIZER_ID}"


def subprotocols(serializers: Iterable[Any]) -> list[str]:
    """The WebSocket subprotocols of ``serializers``, in order, without repeats."""
    names: list[str] = []
    for serializer in serializers:
        name = subprotocol_of(serializer)
        if name not in names:
            names.append(name)
    return names


def choose_subprotocol(offered: Iterable[str], serializers: Sequence[Any]
                       ) -> tuple[str, Any] | None:
    """The first subprotocol the client offered that we speak, with its serializer."""
    by_name = {subprotocol_of(s): s for s in reversed(serializers)}
    for name in offered:
        serializer = by_name.get(name)
        if serializer is not None:
            return name, serializer
    return None


def serializer_for_subprotocol(subprotocol: str | None, serializers: Sequence[Any]) -> Any:
    """Our serializer for the subprotocol the server chose; ValueError if we have none."""
    for serializer in serializers:
        if subprotocol_of(serializer) == subprotocol:
            return serializer
    offered = ", ".join(subprotocols(serializers))
    raise ValueError(f"the server chose WebSocket subprotocol {subprotocol!r}, but we offered "
                     f"{offered}")


def rawsocket_ids(serializers: Iterable[Any]) -> list[int]:
    """The RawSocket serializer ids of ``serializers`` (batched ones share the id), in order."""
    ids: list[int] = []
    for serializer in serializers:
        sid = int(serializer.RAWSOCKET_SERIALIZER_ID)
        if sid not in ids:
            ids.append(sid)
    return ids


def serializer_for_rawsocket_id(sid: int, serializers: Sequence[Any]) -> Serializer:
    """Our serializer (never batched: RawSocket frames each message) for a RawSocket id."""
    matching = [s for s in serializers if sid == s.RAWSOCKET_SERIALIZER_ID]
    if not matching:
        raise ValueError(f"no serializer with RawSocket id {sid} among "
                         f"{[s.SERIALIZER_ID for s in serializers]}")
    plain = [s for s in matching if not getattr(s, "batched", False)]
    if plain:
        chosen: Serializer = plain[0]
        return chosen
    # RawSocket frames one message each: no batched mode
    return create_transport_serializer(str(matching[0].SERIALIZER_ID).split(".")[0])
