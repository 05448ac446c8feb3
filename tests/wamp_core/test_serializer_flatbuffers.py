"""WAMP-FlatBuffers: our field tables against the flatc-generated code, and the wire layout."""

from __future__ import annotations

import importlib
from typing import Any

import cbor2
import pytest
from wamp_core import serializer as S
from wamp_core.exception import SerializationError
from wamp_core.message import Call, Cancel, Event, Hello, Publish, Subscribe
from wamp_core.serializer._fbs_spec import (
    BOOL,
    CLIENT_ROLE_NAMES,
    ENUM,
    FEATURES,
    MESSAGE_SPECS,
    ROUTER_ROLE_NAMES,
    U8,
    U16,
    U32,
    U64,
    MessageSpec,
)

GEN = "wamp_core._flatbuffers_gen.wamp"


class RecordingBuilder:
    """Stands in for flatbuffers.Builder and records what generated functions call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def __getattr__(self, name: str) -> Any:
        def record(*args: Any) -> None:
            self.calls.append((name, args))

        return record


_PREPEND_KIND = {
    "PrependUint64Slot": {U64},
    "PrependUint32Slot": {U32},
    "PrependUint16Slot": {U16},
    "PrependUint8Slot": {U8, ENUM},
    "PrependBoolSlot": {BOOL},
}


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _slots(module: Any, table: str, names: tuple[str, ...]) -> list[tuple[str, int, str]]:
    """(field, slot, builder method) as the generated Add functions write them."""
    out = []
    for name in names:
        builder = RecordingBuilder()
        getattr(module, f"{table}Add{_camel(name)}")(builder, 0)
        ((method, args),) = builder.calls
        out.append((name, args[0], method))
    return out


def _object_size(module: Any, table: str) -> int:
    builder = RecordingBuilder()
    getattr(module, f"{table}Start")(builder)
    ((method, args),) = builder.calls
    assert method == "StartObject"
    return int(args[0])


@pytest.mark.parametrize("spec", list(MESSAGE_SPECS.values()), ids=lambda s: s.table)
def test_field_tables_match_the_generated_code(spec: MessageSpec) -> None:
    module = importlib.import_module(f"{GEN}.proto.{spec.table}")
    assert _object_size(module, spec.table) == len(spec.fields)
    written = _slots(module, spec.table, tuple(f.name for f in spec.fields))
    for index, (field, (name, slot, method)) in enumerate(zip(spec.fields, written, strict=True)):
        assert (name, slot) == (field.name, index)
        if method != "PrependUOffsetTRelativeSlot":
            assert field.kind in _PREPEND_KIND[method], (spec.table, name, method)


@pytest.mark.parametrize("role", list(FEATURES))
def test_feature_tables_match_the_generated_code(role: str) -> None:
    table = f"{role.capitalize()}Features"
    module = importlib.import_module(f"{GEN}.proto.{table}")
    assert _object_size(module, table) == len(FEATURES[role])
    written = _slots(module, table, FEATURES[role])
    assert [(n, s) for n, s, _ in written] == [(n, i) for i, n in enumerate(FEATURES[role])]
    assert {m for _, _, m in written} == {"PrependBoolSlot"}


@pytest.mark.parametrize(("table", "roles"), [("ClientRoles", CLIENT_ROLE_NAMES),
                                              ("RouterRoles", ROUTER_ROLE_NAMES)])
def test_role_tables_match_the_generated_code(table: str, roles: tuple[str, ...]) -> None:
    module = importlib.import_module(f"{GEN}.proto.{table}")
    written = _slots(module, table, roles)
    assert [(n, s) for n, s, _ in written] == [(n, i) for i, n in enumerate(roles)]


def test_message_type_codes_match_the_schema_enum() -> None:
    module = importlib.import_module(f"{GEN}.proto.MessageType")
    for code, spec in MESSAGE_SPECS.items():
        name = "".join("_" + c if c.isupper() else c for c in spec.table).lstrip("_").upper()
        assert getattr(module.MessageType, name) == code


# -- reading our bytes with the generated readers -------------------------------------------


def _read_root(data: bytes, table: str) -> Any:
    message = importlib.import_module(f"{GEN}.proto.Message").Message.GetRootAs(data, 0)
    union = message.Msg()
    cls = getattr(importlib.import_module(f"{GEN}.proto.{table}"), table)
    obj = cls()
    obj.Init(union.Bytes, union.Pos)
    return message.MsgType(), obj


def _vector_bytes(obj: Any, name: str) -> bytes:
    return bytes(getattr(obj, name)(j) for j in range(getattr(obj, f"{name}Length")()))


def test_generated_reader_reads_our_call() -> None:
    msg = Call(7814135, "com.myapp.echo", args=[1, "two", b"\x03"], kwargs={"k": [None]},
               timeout=1500, receive_progress=True, caller=22, caller_authid="joe",
               forward_for=[{"session": 9, "authid": "a", "authrole": "r"}])
    data, _ = S.FlatBuffersSerializer().serialize(msg)
    msg_type, call = _read_root(data, "Call")
    assert msg_type == 48  # the WAMP type code, as Autobahn|Python writes it
    assert (call.Request(), call.Procedure(), call.Timeout(), call.ReceiveProgress()) == \
        (7814135, b"com.myapp.echo", 1500, True)
    assert (call.Caller(), call.CallerAuthid(), call.CallerAuthrole()) == (22, b"joe", None)
    assert cbor2.loads(_vector_bytes(call, "Args")) == [1, "two", b"\x03"]
    assert cbor2.loads(_vector_bytes(call, "Kwargs")) == {"k": [None]}
    principal = call.ForwardFor(0)
    assert (principal.Session(), principal.Authid(), principal.Authrole()) == (9, b"a", b"r")


def test_generated_reader_reads_our_publish_and_event() -> None:
    data, _ = S.FlatBuffersSerializer().serialize(
        Publish(5, "com.t", args=["x"], exclude_me=False, exclude=[1, 2],
                eligible_authrole=["admin", "user"], acknowledge=True))
    msg_type, pub = _read_root(data, "Publish")
    assert msg_type == 16
    assert (pub.Request(), pub.Topic(), pub.ExcludeMe(), pub.Acknowledge()) == \
        (5, b"com.t", False, True)
    assert [pub.Exclude(j) for j in range(pub.ExcludeLength())] == [1, 2]
    assert [pub.EligibleAuthrole(j) for j in range(pub.EligibleAuthroleLength())] == \
        [b"admin", b"user"]
    data, _ = S.FlatBuffersSerializer().serialize(
        Event(1, 2, payload=b"sealed", enc_algo="cryptobox", enc_serializer="cbor",
              enc_key="k1", x_acknowledged_delivery=True))
    msg_type, event = _read_root(data, "Event")
    assert msg_type == 36
    assert _vector_bytes(event, "Payload") == b"sealed"
    assert (event.PptScheme(), event.PptSerializer(), event.PptKeyid(), event.Acknowledge()) == \
        (1, 3, b"k1", True)
    assert event.ArgsLength() == 0


def test_enums_and_roles_use_the_schema_values() -> None:
    data, _ = S.FlatBuffersSerializer().serialize(Subscribe(1, "com.", match="wildcard"))
    assert _read_root(data, "Subscribe")[1].Match() == 2
    data, _ = S.FlatBuffersSerializer().serialize(Cancel(1, mode="killnowait"))
    assert _read_root(data, "Cancel")[1].Mode() == 2
    hello = Hello("realm1", {"callee": {"features": {"call_canceling": True}}},
                  authmethods=["ticket", "cryptosign", "cookie"])
    data, _ = S.FlatBuffersSerializer().serialize(hello)
    _, table = _read_root(data, "Hello")
    assert [table.Authmethods(j) for j in range(table.AuthmethodsLength())] == [1, 4]
    callee = table.Roles().Callee()
    assert callee.CallCanceling() is True
    assert table.Roles().Caller() is None


# -- what the schema cannot hold --------------------------------------------------------------


def test_keys_without_a_field_are_dropped() -> None:
    ser = S.FlatBuffersSerializer()
    msg = Call(1, "com.t", timeout=5, disclose_me=True, custom={"x_trace": 1})
    (back,) = ser.unserialize(ser.serialize(msg)[0])
    assert back.marshal() == [48, 1, {"timeout": 5}, "com.t"]


def test_unrepresentable_values_raise_serialization_error() -> None:
    ser = S.FlatBuffersSerializer()
    for msg, text in [
        (Call(1, "com.t", timeout=2.5), "Call.timeout=2.5"),
        (Call(1, "com.t", payload=b"x", enc_algo="x_custom"), "ppt_scheme='x_custom'"),
    ]:
        with pytest.raises(SerializationError, match=text.replace(".", r"\.")):
            ser.serialize(msg)
    objser = S.FlatBuffersObjectSerializer()
    for raw, text in [
        ([32, 1, {"match": "regex"}, "com.t"], "match='regex'"),
        ([48, "1", {}, "com.t"], "request='1'"),
        ([48, 1, {}, 5], "procedure=5"),
        ([48, 1, [], "com.t"], "is not a dict"),
        ([16, 1, {"exclude": ["a"]}, "com.t"], "Publish.exclude='a'"),
        ("not a list", "not a WAMP message list"),
    ]:
        with pytest.raises(SerializationError, match=text):
            objser.serialize(raw)
