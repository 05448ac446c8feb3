"""WAMP-FlatBuffers: WAMP message lists to FlatBuffers bytes and back.

Writing uses the flatc-generated builder functions (``_flatbuffers_gen``) with
``ForceDefaults``, so a field the list carries is always written, even when it
equals the schema default, and reading gives back exactly the keys that were
sent. Reading walks the buffer with bounds checks of its own (the generated
readers trust their input): every offset, length and count is checked against
the buffer before use, so hostile bytes raise :class:`SerializationError`.

The root ``Message`` table holds the message in a union. Autobahn|Python puts
the WAMP message type code (48 for CALL), not the union index, in the union's
type field; we do the same, so that each side reads the other.
"""

from __future__ import annotations

import importlib
import struct
from collections.abc import Callable
from typing import Any

import flatbuffers  # type: ignore[import-untyped]

from wamp_core.exception import SerializationError
from wamp_core.serializer._fbs_spec import (
    ARGS,
    BOOL,
    BYTES,
    CLIENT_ROLE_NAMES,
    CLIENT_ROLES,
    ENUM,
    ENUMS,
    ENUMS_VEC,
    FEATURES,
    KWARGS,
    MAP,
    MESSAGE_SPECS,
    OPT,
    PAYLOAD,
    POS,
    PRINCIPALS,
    ROUTER_ROLE_NAMES,
    ROUTER_ROLES,
    SKIP,
    STR,
    STRS,
    U8,
    U16,
    U32,
    U64,
    U64S,
    WHOLE_DICT,
    Field,
    MessageSpec,
)

__all__ = ["PayloadCodec", "decode_message", "encode_message"]

_GEN = "wamp_core._flatbuffers_gen.wamp"
_U8 = struct.Struct("<B").unpack_from
_U16 = struct.Struct("<H").unpack_from
_U32 = struct.Struct("<I").unpack_from
_I32 = struct.Struct("<i").unpack_from
_U64 = struct.Struct("<Q").unpack_from
_SCALARS = {U64: _U64, U32: _U32, U16: _U16, U8: _U8}
_REVERSE_ENUMS = {
    name: {v: k for k, v in reversed(list(table.items()))} for name, table in ENUMS.items()
}


class PayloadCodec:
    """How args and kwargs are serialized inside the table (CBOR unless configured)."""

    def __init__(self, name: str, dumps: Callable[[Any], bytes],
                 loads: Callable[[bytes], Any]) -> None:
        self.name = name
        self.dumps = dumps
        self.loads = loads


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _gen(module: str) -> Any:
    return importlib.import_module(f"{_GEN}.{module}")


class _Writer:
    """Generated builder functions of one table, looked up once."""

    def __init__(self, module: str, fields: tuple[str, ...]) -> None:
        mod = _gen(module)
        self.start = mod.Start
        self.end = mod.End
        self.add = {name: getattr(mod, f"Add{_camel(name)}") for name in fields}


# -- writing ---------------------------------------------------------------------------------


def _fail(spec: MessageSpec, field: Field, value: Any, expected: str) -> SerializationError:
    return SerializationError(
        f"WAMP-FlatBuffers cannot write {spec.table}.{field.name}={value!r}: expected {expected}"
    )


def _check_int(spec: MessageSpec, field: Field, value: Any) -> int:
    if type(value) is not int:
        raise _fail(spec, field, value, "an integer")
    return value


def _enum_value(spec: MessageSpec, field: Field, value: Any) -> int | None:
    number = ENUMS[field.enum].get(value) if type(value) is str else None
    if number is None:
        if field.strict:
            raise _fail(spec, field, value, f"one of {sorted(ENUMS[field.enum])}")
        return None
    return number


def _make_strings(b: flatbuffers.Builder, items: Any) -> list[int]:
    return [b.CreateString(s) for s in items]


def _vector(b: flatbuffers.Builder, size: int, items: list[Any],
            prepend: Callable[..., Any]) -> int:
    b.StartVector(size, len(items), size)
    for item in reversed(items):
        prepend(item)
    return int(b.EndVector())


def _write_principals(b: flatbuffers.Builder, items: Any) -> int:
    w = _WRITERS["Principal"]
    tables = []
    for item in items:
        authid = item.get("authid")
        authrole = item.get("authrole")
        authid_off = b.CreateString(authid) if authid is not None else None
        authrole_off = b.CreateString(authrole) if authrole is not None else None
        w.start(b)
        if item.get("session") is not None:
            w.add["session"](b, item["session"])
        if authid_off is not None:
            w.add["authid"](b, authid_off)
        if authrole_off is not None:
            w.add["authrole"](b, authrole_off)
        tables.append(w.end(b))
    return int(_vector(b, 4, tables, b.PrependUOffsetTRelative))


def _write_map(b: flatbuffers.Builder, mapping: dict[str, Any]) -> int | None:
    for key, value in mapping.items():
        if type(key) is str and type(value) is str:
            w = _WRITERS["Map"]
            key_off, value_off = b.CreateString(key), b.CreateString(value)
            w.start(b)
            w.add["key"](b, key_off)
            w.add["value"](b, value_off)
            return int(w.end(b))
    return None


def _write_roles(b: flatbuffers.Builder, roles: Any, names: tuple[str, ...], table: str) -> int:
    if type(roles) is not dict:
        raise SerializationError(f"WAMP-FlatBuffers: roles must be a dict, not {roles!r}")
    offsets = {}
    for role in names:
        if role not in roles:
            continue
        features = (roles[role] or {}).get("features") or {}
        w = _WRITERS[role]
        w.start(b)
        for name in FEATURES[role]:
            value = features.get(name)
            if type(value) is bool:
                w.add[name](b, value)
        offsets[role] = w.end(b)
    w = _WRITERS[table]
    w.start(b)
    for role, off in offsets.items():
        w.add[role](b, off)
    return int(w.end(b))


def _prepare(b: flatbuffers.Builder, spec: MessageSpec, field: Field, value: Any) -> Any:
    """Return what the table's Add function takes: a scalar or an offset (None: skip)."""
    kind = field.kind
    if kind in _SCALARS:
        return _check_int(spec, field, value)
    if kind == BOOL:
        if type(value) is not bool:
            raise _fail(spec, field, value, "a boolean")
        return value
    if kind == STR:
        if type(value) is not str:
            raise _fail(spec, field, value, "a string")
        return b.CreateString(value)
    if kind == ENUM:
        return _enum_value(spec, field, value)
    return _prepare_container(b, spec, field, value)


def _prepare_container(b: flatbuffers.Builder, spec: MessageSpec, field: Field, value: Any) -> Any:
    kind = field.kind
    if kind == BYTES:
        return b.CreateByteVector(value)
    if kind == MAP:
        if type(value) is not dict:
            raise _fail(spec, field, value, "a dict")
        return _write_map(b, value)
    if kind == CLIENT_ROLES:
        return _write_roles(b, value, CLIENT_ROLE_NAMES, "ClientRoles")
    if kind == ROUTER_ROLES:
        return _write_roles(b, value, ROUTER_ROLE_NAMES, "RouterRoles")
    if type(value) is not list and type(value) is not tuple:
        raise _fail(spec, field, value, "a list")
    if kind == U64S:
        items = [_check_int(spec, field, v) for v in value]
        return _vector(b, 8, items, b.PrependUint64)
    if kind == STRS:
        if any(type(v) is not str for v in value):
            raise _fail(spec, field, value, "a list of strings")
        return _vector(b, 4, _make_strings(b, value), b.PrependUOffsetTRelative)
    if kind == ENUMS_VEC:
        numbers = [n for n in (_enum_value(spec, field, v) for v in value) if n is not None]
        return _vector(b, 1, numbers, b.PrependUint8)
    if kind == PRINCIPALS:
        if any(type(v) is not dict for v in value):
            raise _fail(spec, field, value, "a list of dicts")
        return _write_principals(b, value)
    raise AssertionError(kind)  # pragma: no cover - every kind is handled above


def _values(spec: MessageSpec, obj: list[Any], codec: PayloadCodec) -> list[tuple[Field, Any]]:
    """The (field, value) pairs ``obj`` carries, in schema order."""
    size = len(obj)
    details = obj[spec.dict_at] if spec.dict_at is not None and spec.dict_at < size else {}
    if type(details) is not dict:
        raise SerializationError(f"WAMP-FlatBuffers: {spec.table} Options/Details {details!r} "
                                 "is not a dict")
    args = obj[spec.head] if size > spec.head else None
    kwargs = obj[spec.head + 1] if size > spec.head + 1 else None
    passthru = "ppt_scheme" in details
    payload: dict[str, Any] = {}
    if passthru:
        if type(args) is not list or len(args) != 1 or not isinstance(args[0], bytes):
            raise SerializationError("WAMP-FlatBuffers: a passthru payload must be [bytes]")
        payload[PAYLOAD] = args[0]
    else:
        if args:
            payload[ARGS] = codec.dumps(args)
        if kwargs:
            payload[KWARGS] = codec.dumps(kwargs)
    out = []
    for field in spec.fields:
        where = field.where
        if where == POS:
            value = obj[field.key] if field.key < size else None
        elif where == OPT:
            value = details.get(field.dict_key)
            if value is None and field.name == "ppt_serializer" and not passthru and payload:
                value = codec.name if codec.name != "cbor" else None
        elif where == WHOLE_DICT:
            value = details
        elif where == SKIP:
            continue
        else:
            value = payload.get(where)
        if value is not None:
            out.append((field, value))
    return out


def encode_message(obj: Any, codec: PayloadCodec) -> bytes:
    """Serialize one WAMP message list into a WAMP-FlatBuffers ``Message``."""
    if type(obj) is not list or not obj or type(obj[0]) is not int:
        raise SerializationError(f"WAMP-FlatBuffers: {obj!r} is not a WAMP message list")
    spec = MESSAGE_SPECS.get(obj[0])
    if spec is None:
        raise SerializationError(f"WAMP-FlatBuffers has no table for message type {obj[0]}")
    b = flatbuffers.Builder(256)
    b.ForceDefaults(True)
    prepared = []
    for field, value in _values(spec, obj, codec):
        arg = _prepare(b, spec, field, value)
        if arg is not None:
            prepared.append((field.name, arg))
    w = _WRITERS[spec.table]
    w.start(b)
    for name, arg in prepared:
        w.add[name](b, arg)
    table = w.end(b)
    root = _WRITERS["Message"]
    root.start(b)
    root.add["msg_type"](b, spec.code)
    root.add["msg"](b, table)
    b.Finish(root.end(b))
    return bytes(memoryview(b.Bytes)[b.Head():])  # one copy (Output() makes two)


# -- reading ---------------------------------------------------------------------------------


def _invalid(reason: str) -> SerializationError:
    return SerializationError(f"invalid WAMP-FlatBuffers payload: {reason}")


class _Table:
    """A table in ``buf`` at ``pos``, with its vtable checked to lie inside the buffer."""

    __slots__ = ("buf", "pos", "vsize", "vtable")

    def __init__(self, buf: memoryview, pos: int) -> None:
        if not 0 <= pos <= len(buf) - 4:
            raise _invalid(f"table offset {pos} out of range")
        vtable = pos - _I32(buf, pos)[0]
        if not 0 <= vtable <= len(buf) - 4:
            raise _invalid(f"vtable offset {vtable} out of range")
        vsize = _U16(buf, vtable)[0]
        if vtable + vsize > len(buf):
            raise _invalid("vtable runs past the end")
        self.buf, self.pos, self.vtable, self.vsize = buf, pos, vtable, vsize

    def field(self, slot: int) -> int:
        """Absolute position of the field in ``slot``, or 0 when absent."""
        entry = 4 + 2 * slot
        if entry + 2 > self.vsize:
            return 0
        rel = _U16(self.buf, self.vtable + entry)[0]
        return self.pos + rel if rel else 0

    def ref(self, at: int) -> int:
        """Follow the unsigned offset stored at ``at``."""
        return at + int(_U32(self.buf, at)[0])

    def vector(self, at: int, item_size: int) -> tuple[int, int]:
        """Start and length of the vector referenced at ``at``, checked against the buffer."""
        head = self.ref(at)
        count = _U32(self.buf, head)[0]
        start = head + 4
        if start + count * item_size > len(self.buf):
            raise _invalid("vector runs past the end")
        return start, count

    def string(self, at: int) -> str:
        start, count = self.vector(at, 1)
        return str(self.buf[start:start + count], "utf-8")

    def table(self, at: int) -> _Table:
        return _Table(self.buf, self.ref(at))


def _read_roles(tab: _Table, names: tuple[str, ...]) -> dict[str, Any]:
    roles: dict[str, Any] = {}
    for slot, role in enumerate(names):
        at = tab.field(slot)
        if not at:
            continue
        sub = tab.table(at)
        features = {}
        for fslot, name in enumerate(FEATURES[role]):
            fat = sub.field(fslot)
            if fat:
                features[name] = bool(_U8(tab.buf, fat)[0])
        roles[role] = {"features": features} if features else {}
    return roles


def _read_principals(tab: _Table, at: int) -> list[dict[str, Any]]:
    start, count = tab.vector(at, 4)
    out = []
    for i in range(count):
        sub = _Table(tab.buf, tab.ref(start + 4 * i))
        item: dict[str, Any] = {}
        for slot, key in enumerate(("session", "authid", "authrole")):
            fat = sub.field(slot)
            if fat:
                item[key] = _U64(tab.buf, fat)[0] if slot == 0 else sub.string(fat)
        out.append(item)
    return out


def _read(tab: _Table, at: int, field: Field) -> Any:
    kind = field.kind
    buf = tab.buf
    reader = _SCALARS.get(kind)
    if reader is not None:
        return reader(buf, at)[0]
    if kind == BOOL:
        return bool(_U8(buf, at)[0])
    if kind == STR:
        return tab.string(at)
    if kind == ENUM:
        return _REVERSE_ENUMS[field.enum].get(_U8(buf, at)[0])
    if kind == BYTES:
        start, count = tab.vector(at, 1)
        return bytes(buf[start:start + count])
    if kind == U64S:
        start, count = tab.vector(at, 8)
        return list(struct.unpack_from(f"<{count}Q", buf, start))
    if kind == STRS:
        start, count = tab.vector(at, 4)
        return [tab.string(start + 4 * i) for i in range(count)]
    if kind == ENUMS_VEC:
        start, count = tab.vector(at, 1)
        names = _REVERSE_ENUMS[field.enum]
        return [names[n] for n in bytes(buf[start:start + count]) if n in names]
    if kind == PRINCIPALS:
        return _read_principals(tab, at)
    if kind == MAP:
        sub = tab.table(at)
        key_at, value_at = sub.field(0), sub.field(1)
        if not key_at:
            return {}
        return {sub.string(key_at): sub.string(value_at) if value_at else None}
    roles = CLIENT_ROLE_NAMES if kind == CLIENT_ROLES else ROUTER_ROLE_NAMES
    return _read_roles(tab.table(at), roles)


def _payload_codec(details: dict[str, Any], codecs: dict[str, PayloadCodec]) -> PayloadCodec:
    name = details.pop("ppt_serializer", None)
    codec = codecs.get(name) if name is not None else None
    return codec if codec is not None else codecs["cbor"]


def decode_message(data: bytes | bytearray | memoryview,
                   codecs: dict[str, PayloadCodec]) -> list[Any]:
    """Read one WAMP-FlatBuffers ``Message`` into a WAMP message list."""
    buf = memoryview(data)
    if len(buf) < 8:
        raise _invalid(f"{len(buf)} octets is too short")
    root = _Table(buf, _U32(buf, 0)[0])
    type_at, msg_at = root.field(0), root.field(1)
    code = _U8(buf, type_at)[0] if type_at else 0
    spec = MESSAGE_SPECS.get(code)
    if spec is None or not msg_at:
        raise _invalid(f"no message of a known type (type {code})")
    tab = root.table(msg_at)
    out: list[Any] = [code] + [0] * (spec.head - 1)
    details: dict[str, Any] = {}
    payload: dict[str, Any] = {}
    for slot, field in enumerate(spec.fields):
        at = tab.field(slot)
        if not at or field.where == SKIP:
            continue
        value = _read(tab, at, field)
        if value is None:
            continue
        where = field.where
        if where == POS:
            out[field.key] = value
        elif where == OPT:
            details[field.dict_key] = value
        elif where == WHOLE_DICT:
            details.update(value)
        else:
            payload[where] = value
    _place(spec, out, details, payload, codecs)
    return out


def _place(spec: MessageSpec, out: list[Any], details: dict[str, Any],
           payload: dict[str, Any], codecs: dict[str, PayloadCodec]) -> None:
    """Put the details dict and the payload elements into the message list."""
    for field in spec.fields:  # a missing string at a fixed position reads as None
        if field.where == POS and field.kind in (STR, ENUM) and out[field.key] == 0:
            out[field.key] = None
    if PAYLOAD in payload:
        out.append([payload[PAYLOAD]])
    elif spec.payload and "ppt_scheme" not in details:
        codec = _payload_codec(details, codecs)
        args = codec.loads(payload[ARGS]) if ARGS in payload else None
        kwargs = codec.loads(payload[KWARGS]) if KWARGS in payload else None
        if kwargs is not None:
            out.append(args if args is not None else [])
            out.append(kwargs)
        elif args is not None:
            out.append(args)
    if spec.dict_at is not None:
        if spec.dict_optional and not details and len(out) == spec.head:
            del out[spec.dict_at:]
        else:
            out[spec.dict_at] = details


def _writers() -> dict[str, _Writer]:
    writers = {
        spec.table: _Writer(f"proto.{spec.table}",
                            tuple(f.name for f in spec.fields if f.where != SKIP))
        for spec in MESSAGE_SPECS.values()
    }
    writers["Message"] = _Writer("proto.Message", ("msg_type", "msg"))
    writers["Principal"] = _Writer("proto.Principal", ("session", "authid", "authrole"))
    writers["Map"] = _Writer("Map", ("key", "value"))
    for role, features in FEATURES.items():
        writers[role] = _Writer(f"proto.{role.capitalize()}Features", features)
    writers["ClientRoles"] = _Writer("proto.ClientRoles", CLIENT_ROLE_NAMES)
    writers["RouterRoles"] = _Writer("proto.RouterRoles", ROUTER_ROLE_NAMES)
    return writers


_WRITERS = _writers()
