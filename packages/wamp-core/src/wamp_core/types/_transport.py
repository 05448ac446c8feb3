"""Details of a transport and of a joined session.

Both classes keep Autobahn|Python's constructor, properties, constants,
``marshal()``/``parse()``, equality and ``str()`` (``pprint.pformat`` of
``marshal()``), and check every value on assignment. One deliberate
difference: ``marshal()`` gives ``channel_id`` values as hex text, the form
``parse()`` reads, so ``parse(marshal())`` round-trips (Autobahn's marshal
gives bytes its parse refuses).
"""

from __future__ import annotations

from binascii import Error as BinasciiError
from binascii import a2b_hex
from collections.abc import Callable
from pprint import pformat
from typing import Any

from wamp_core.types._checks import Args, Checked

__all__ = ["CHANNEL_BINDING_TYPES", "SessionDetails", "TransportDetails"]

#: Channel binding types accepted in ``TransportDetails.channel_id``: RFC 5929's
#: ``tls-unique`` (Autobahn's, a SHA-256 over the TLS Finished message) and
#: RFC 9266's ``tls-exporter`` (TLS 1.3). Values are 32 bytes.
CHANNEL_BINDING_TYPES = ("tls-unique", "tls-exporter")


def _code(table: dict[int, str]) -> Callable[[Args, str, object], int | None]:
    def check(args: Args, name: str, value: object) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise args.type_error(name, "an int constant or None", value)
        if value not in table:
            raise args.value_error(name, f"one of {sorted(table)}", value)
        return value

    return check


def _int_from(minimum: int) -> Callable[[Args, str, object], int | None]:
    return lambda args, name, value: args.opt_int(name, value, minimum)


def _channel_id(args: Args, name: str, value: object) -> dict[str, bytes] | None:
    checked = args.opt_dict(name, value)
    if checked is None:
        return None
    for kind, binding in checked.items():
        if kind not in CHANNEL_BINDING_TYPES:
            raise args.value_error(f"the keys of {name}", f"in {CHANNEL_BINDING_TYPES}", kind)
        if not isinstance(binding, bytes):
            raise args.type_error(f"{name}[{kind!r}]", "bytes", binding)
        if len(binding) != 32:
            raise args.value_error(f"{name}[{kind!r}]", "32 bytes", binding)
    return checked


def _transport(args: Args, name: str, value: object) -> TransportDetails | None:
    if value is None or isinstance(value, TransportDetails):
        return value
    raise args.type_error(name, "a TransportDetails or None", value)


def _parse_into(obj: Any, data: object, converters: dict[str, Callable[[Any], Any]]) -> None:
    """Set each non-None key of ``data`` on ``obj``; bad data raises ValueError."""
    owner = type(obj).__name__
    if not isinstance(data, dict):
        raise ValueError(f"{owner}.parse: data must be a dict, got {type(data).__name__}")
    for key in obj.FIELDS:
        value = data.get(key)
        if value is None:
            continue
        try:
            setattr(obj, key, converters.get(key, _same)(value))
        except (TypeError, ValueError, KeyError) as exc:
            raise ValueError(f"{owner}.parse: invalid {key!r}: {exc}") from exc


def _same(value: Any) -> Any:
    return value


def _fields_repr(obj: Any) -> str:
    shown = ", ".join(
        f"{name}={value!r}" for name in obj.FIELDS if (value := getattr(obj, name)) is not None
    )
    return f"{type(obj).__name__}({shown})"


class TransportDetails:
    """Details of the transport a session runs over: channel, framing, serializer, peers."""

    CHANNEL_TYPE_NONE = 0
    CHANNEL_TYPE_FUNCTION = 1
    CHANNEL_TYPE_MEMORY = 2
    CHANNEL_TYPE_SERIAL = 3
    CHANNEL_TYPE_TCP = 4
    CHANNEL_TYPE_TLS = 5
    CHANNEL_TYPE_UDP = 6
    CHANNEL_TYPE_DTLS = 7

    CHANNEL_TYPE_TO_STR = {
        0: "null",
        1: "function",
        2: "memory",
        3: "serial",
        4: "tcp",
        5: "tls",
        6: "udp",
        7: "dtls",
    }
    CHANNEL_TYPE_FROM_STR = {text: code for code, text in CHANNEL_TYPE_TO_STR.items()}

    CHANNEL_FRAMING_NONE = 0
    CHANNEL_FRAMING_NATIVE = 1
    CHANNEL_FRAMING_WEBSOCKET = 2
    CHANNEL_FRAMING_RAWSOCKET = 3

    CHANNEL_FRAMING_TO_STR = {0: "null", 1: "native", 2: "websocket", 3: "rawsocket"}
    CHANNEL_FRAMING_FROM_STR = {text: code for code, text in CHANNEL_FRAMING_TO_STR.items()}

    # The same numbers as the serializers' RawSocket serializer IDs.
    CHANNEL_SERIALIZER_NONE = 0
    CHANNEL_SERIALIZER_JSON = 1
    CHANNEL_SERIALIZER_MSGPACK = 2
    CHANNEL_SERIALIZER_CBOR = 3
    CHANNEL_SERIALIZER_UBJSON = 4
    CHANNEL_SERIALIZER_FLATBUFFERS = 5

    CHANNEL_SERIALIZER_TO_STR = {
        0: "null",
        1: "json",
        2: "msgpack",
        3: "cbor",
        4: "ubjson",
        5: "flatbuffers",
    }
    CHANNEL_SERIALIZER_FROM_STR = {text: code for code, text in CHANNEL_SERIALIZER_TO_STR.items()}

    FIELDS = (
        "channel_type",
        "channel_framing",
        "channel_serializer",
        "own",
        "peer",
        "is_server",
        "own_pid",
        "own_tid",
        "own_fd",
        "is_secure",
        "channel_id",
        "peer_cert",
        "websocket_protocol",
        "websocket_extensions_in_use",
        "http_headers_received",
        "http_headers_sent",
        "http_cbtid",
    )
    __slots__ = tuple("_" + name for name in FIELDS)

    channel_type = Checked(_code(CHANNEL_TYPE_TO_STR), "The channel type, a CHANNEL_TYPE_* code.")
    channel_framing = Checked(
        _code(CHANNEL_FRAMING_TO_STR), "The message framing, a CHANNEL_FRAMING_* code."
    )
    channel_serializer = Checked(
        _code(CHANNEL_SERIALIZER_TO_STR), "The serializer, a CHANNEL_SERIALIZER_* code."
    )
    own = Checked(Args.opt_str, "This end, e.g. ``ws://localhost:8080/ws`` or ``rs://host:8081``.")
    peer = Checked(Args.opt_str, "The other end, e.g. ``tcp4:127.0.0.1:38810``.")
    is_server = Checked(Args.opt_bool, "Whether this end accepted the connection.")
    own_pid = Checked(_int_from(0), "The process ID at this end.")
    own_tid = Checked(_int_from(0), "The native thread ID at this end.")
    own_fd = Checked(_int_from(-1), "The file descriptor at this end.")
    is_secure = Checked(Args.opt_bool, "Whether the channel is encrypted (TLS or similar).")
    channel_id = Checked(
        _channel_id,
        "Channel bindings by type (``tls-unique``, ``tls-exporter``): 32 bytes each, "
        "used to bind WAMP-cryptosign authentication to the TLS channel.",
    )
    peer_cert = Checked(Args.opt_dict, "The TLS peer certificate, as ``ssl.getpeercert()`` gives.")
    websocket_protocol = Checked(Args.opt_str, "The WebSocket subprotocol, e.g. ``wamp.2.cbor``.")
    websocket_extensions_in_use = Checked(
        Args.opt_str_list, "The WebSocket extensions negotiated, e.g. ``['permessage-deflate']``."
    )
    http_headers_received = Checked(
        Args.opt_dict, "The HTTP headers of the opening handshake received."
    )
    http_headers_sent = Checked(Args.opt_dict, "The HTTP headers of the opening handshake sent.")
    http_cbtid = Checked(Args.opt_str, "The value of the WAMP tracking cookie, if any.")

    def __init__(
        self,
        channel_type: int | None = None,
        channel_framing: int | None = None,
        channel_serializer: int | None = None,
        own: str | None = None,
        peer: str | None = None,
        is_server: bool | None = None,
        own_pid: int | None = None,
        own_tid: int | None = None,
        own_fd: int | None = None,
        is_secure: bool | None = None,
        channel_id: dict[str, bytes] | None = None,
        peer_cert: dict[str, Any] | None = None,
        websocket_protocol: str | None = None,
        websocket_extensions_in_use: list[str] | None = None,
        http_headers_received: dict[str, Any] | None = None,
        http_headers_sent: dict[str, Any] | None = None,
        http_cbtid: str | None = None,
    ) -> None:
        values = locals()
        for name in self.FIELDS:
            setattr(self, name, values[name])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TransportDetails):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.FIELDS)

    __hash__ = None  # type: ignore[assignment]

    @property
    def channel_typeid(self) -> str:
        """``"<type>-<framing>-<serializer>"``, e.g. ``"tcp-websocket-json"``."""
        return "-".join(
            (
                self.CHANNEL_TYPE_TO_STR[self.channel_type or 0],
                self.CHANNEL_FRAMING_TO_STR[self.channel_framing or 0],
                self.CHANNEL_SERIALIZER_TO_STR[self.channel_serializer or 0],
            )
        )

    def marshal(self) -> dict[str, Any]:
        """A plain dict of every field (codes as names, channel bindings as hex)."""
        data = {name: getattr(self, name) for name in self.FIELDS}
        data["channel_type"] = self.CHANNEL_TYPE_TO_STR.get(self.channel_type)  # type: ignore[arg-type]
        data["channel_framing"] = self.CHANNEL_FRAMING_TO_STR.get(self.channel_framing)  # type: ignore[arg-type]
        data["channel_serializer"] = self.CHANNEL_SERIALIZER_TO_STR.get(self.channel_serializer)  # type: ignore[arg-type]
        if self.channel_id is not None:
            data["channel_id"] = {kind: value.hex() for kind, value in self.channel_id.items()}
        return data

    @staticmethod
    def parse(data: dict[str, Any]) -> TransportDetails:
        """The inverse of :meth:`marshal`; bad data raises ``ValueError`` naming the key."""
        obj = TransportDetails()
        _parse_into(
            obj,
            data,
            {
                "channel_type": TransportDetails.CHANNEL_TYPE_FROM_STR.__getitem__,
                "channel_framing": TransportDetails.CHANNEL_FRAMING_FROM_STR.__getitem__,
                "channel_serializer": TransportDetails.CHANNEL_SERIALIZER_FROM_STR.__getitem__,
                "channel_id": _parse_channel_id,
            },
        )
        return obj

    def __str__(self) -> str:
        return pformat(self.marshal())

    def __repr__(self) -> str:
        return _fields_repr(self)


def _parse_channel_id(value: object) -> dict[str, Any]:
    """``{type: hex text}`` (or bytes) to ``{type: bytes}``."""
    if not isinstance(value, dict):
        raise TypeError(f"must be a dict, got {type(value).__name__}")
    out: dict[str, Any] = {}
    for kind, binding in value.items():
        if isinstance(binding, str):
            try:
                binding = a2b_hex(binding)
            except (BinasciiError, ValueError) as exc:
                raise ValueError(f"{kind!r} is not hex text") from exc
        out[kind] = binding
    return out


class SessionDetails:
    """Details of a joined session, as given to ``onJoin``."""

    FIELDS = (
        "realm",
        "session",
        "authid",
        "authrole",
        "authmethod",
        "authprovider",
        "authextra",
        "serializer",
        "transport",
        "resumed",
        "resumable",
        "resume_token",
    )
    __slots__ = tuple("_" + name for name in FIELDS)

    realm = Checked(Args.opt_str, "The realm joined, e.g. ``realm1``.")
    session = Checked(Args.opt_id, "The session ID.")
    authid = Checked(Args.opt_str, "The authid the session joined as, e.g. ``joe``.")
    authrole = Checked(Args.opt_str, "The authrole the session joined as, e.g. ``user``.")
    authmethod = Checked(Args.opt_str, "The authentication method used, e.g. ``wampcra``.")
    authprovider = Checked(Args.opt_str, "Who authenticated the session, e.g. ``static``.")
    authextra = Checked(Args.opt_dict, "The authextra of the WELCOME, if any.")
    serializer = Checked(Args.opt_str, "The serializer in use, e.g. ``json`` or ``cbor.batched``.")
    transport = Checked(_transport, "The :class:`TransportDetails` of the transport.")
    resumed = Checked(Args.opt_bool, "Whether the session was resumed.")
    resumable = Checked(Args.opt_bool, "Whether the session can be resumed later.")
    resume_token = Checked(Args.opt_str, "The token to resume the session.")

    def __init__(
        self,
        realm: str | None = None,
        session: int | None = None,
        authid: str | None = None,
        authrole: str | None = None,
        authmethod: str | None = None,
        authprovider: str | None = None,
        authextra: dict[str, Any] | None = None,
        serializer: str | None = None,
        transport: TransportDetails | None = None,
        resumed: bool | None = None,
        resumable: bool | None = None,
        resume_token: str | None = None,
    ) -> None:
        values = locals()
        for name in self.FIELDS:
            setattr(self, name, values[name])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SessionDetails):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.FIELDS)

    __hash__ = None  # type: ignore[assignment]

    def marshal(self) -> dict[str, Any]:
        """A plain dict of every field (the transport marshalled too)."""
        data = {name: getattr(self, name) for name in self.FIELDS}
        data["transport"] = self.transport.marshal() if self.transport else None
        return data

    @staticmethod
    def parse(data: dict[str, Any]) -> SessionDetails:
        """The inverse of :meth:`marshal`; bad data raises ``ValueError`` naming the key."""
        obj = SessionDetails()
        _parse_into(obj, data, {"transport": TransportDetails.parse})
        return obj

    def __str__(self) -> str:
        return pformat(self.marshal())

    def __repr__(self) -> str:
        return _fields_repr(self)
