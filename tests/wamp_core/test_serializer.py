"""wamp_core.serializer: round trips, wire formats, identifiers, registry and errors."""

from __future__ import annotations

import json
import struct
from typing import Any

import cbor2
import msgpack
import pytest
from _serializer_samples import FBS_SAMPLES, SAMPLES, sample_id
from wamp_core import serializer as S
from wamp_core.exception import ProtocolError, SerializationError
from wamp_core.interfaces import IObjectSerializer, ISerializer
from wamp_core.message import Call, Event, Message, Published, Result
from zope.interface.verify import verifyObject

BATCHABLE = [S.JsonSerializer, S.MsgPackSerializer, S.CBORSerializer, S.UBJSONSerializer]
ALL = [*BATCHABLE, S.FlatBuffersSerializer]
# (class, batched) for every mode a serializer has.
MODES = [(cls, b) for cls in BATCHABLE for b in (False, True)] + [(S.FlatBuffersSerializer, False)]
MODE_IDS = [f"{cls.SERIALIZER_ID}{'.batched' if b else ''}" for cls, b in MODES]


def roundtrip(ser: S.Serializer, msg: Message) -> list[Message]:
    data, is_binary = ser.serialize(msg)
    assert type(data) is bytes
    assert is_binary is ser.BINARY
    return ser.unserialize(data, is_binary)


def samples_for(cls: type[S.Serializer]) -> list[Message]:
    return FBS_SAMPLES if cls is S.FlatBuffersSerializer else SAMPLES


# -- round trips ---------------------------------------------------------------------------


@pytest.mark.parametrize(("cls", "batched"), MODES, ids=MODE_IDS)
def test_every_message_round_trips(cls: type[S.Serializer], batched: bool) -> None:
    ser = cls(batched=batched)
    for msg in samples_for(cls):
        out = roundtrip(ser, msg)
        assert out == [msg], sample_id(msg)
        assert type(out[0]) is type(msg)


@pytest.mark.parametrize("cls", BATCHABLE, ids=lambda c: c.SERIALIZER_ID)
def test_serialize_many_reads_back_in_order(cls: type[S.Serializer]) -> None:
    ser = cls(batched=True)
    data, is_binary = ser.serialize_many(SAMPLES)
    assert ser.unserialize(data, is_binary) == SAMPLES


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.SERIALIZER_ID)
def test_serialize_many_needs_batched_mode(cls: type[S.Serializer]) -> None:
    with pytest.raises(ValueError, match="batched"):
        cls().serialize_many([Published(1, 2)])


@pytest.mark.parametrize(("cls", "batched"), MODES, ids=MODE_IDS)
def test_serialized_bytes_are_cached_on_the_message(cls: type[S.Serializer], batched: bool) -> None:
    msg = Call(1, "com.x", args=[1])
    first, _ = cls(batched=batched).serialize(msg)
    second, _ = cls(batched=batched).serialize(msg)  # another instance, same configuration
    assert second is first
    msg.args = [2]
    msg.uncache()
    assert cls(batched=batched).serialize(msg)[0] != first


# -- wire formats --------------------------------------------------------------------------


CALL = Call(1, "com.x", args=[1, "ü"], kwargs={"k": None})
CALL_LIST = [48, 1, {}, "com.x", [1, "ü"], {"k": None}]


def test_json_wire_format_is_compact_utf8() -> None:
    data, is_binary = S.JsonSerializer().serialize(CALL)
    assert is_binary is False
    assert data == '[48,1,{},"com.x",[1,"ü"],{"k":null}]'.encode()


def test_json_batched_ends_every_message_with_record_separator() -> None:
    ser = S.JsonSerializer(batched=True)
    data, _ = ser.serialize_many([CALL, Published(2, 3)])
    assert data == '[48,1,{},"com.x",[1,"ü"],{"k":null}]\x1e[17,2,3]\x1e'.encode()


def test_json_batched_reads_autobahn_separator_too() -> None:
    payload = b"[17,2,3]\x18[17,4,5]\x18"
    assert S.JsonSerializer(batched=True).unserialize(payload) == [Published(2, 3), Published(4, 5)]


def test_json_batched_accepts_missing_final_separator() -> None:
    payload = b"[17,2,3]\x1e[17,4,5]"
    assert S.JsonSerializer(batched=True).unserialize(payload) == [Published(2, 3), Published(4, 5)]


def test_json_accepts_surrounding_whitespace_and_str() -> None:
    ser = S.JsonSerializer()
    assert ser.unserialize(b" \n[17, 2, 3]\r\n ") == [Published(2, 3)]
    assert ser.unserialize("[17,2,3]") == [Published(2, 3)]
    assert ser.unserialize(bytearray(b"[17,2,3]")) == [Published(2, 3)]
    assert ser.unserialize(memoryview(b"[17,2,3]")) == [Published(2, 3)]


@pytest.mark.parametrize(
    ("cls", "dumps"),
    [(S.MsgPackSerializer, lambda o: msgpack.packb(o, use_bin_type=True)),
     (S.CBORSerializer, cbor2.dumps)],
    ids=["msgpack", "cbor"],
)
def test_binary_formats_match_the_library(cls: type[S.Serializer], dumps: Any) -> None:
    data, is_binary = cls().serialize(CALL)
    assert is_binary is True
    assert data == dumps(CALL_LIST)
    batched, _ = cls(batched=True).serialize_many([CALL, CALL])
    assert batched == 2 * (struct.pack(">I", len(data)) + data)


def test_ubjson_is_spec_ubjson_not_bjdata() -> None:
    data, _ = S.UBJSONSerializer().serialize(Published(2, 300))
    # Spec UBJSON: int16 big-endian 'I' marker; BJData would write little-endian / 'u'.
    assert data == b"[U\x11U\x02I\x01\x2c]"


def test_msgpack_binary_uses_bin_type_and_strings_stay_str() -> None:
    data, _ = S.MsgPackSerializer().serialize(Event(1, 2, args=[b"\x00", "s"]))
    assert msgpack.unpackb(data, raw=True) == [36, 1, 2, {}, [b"\x00", b"s"]]
    assert b"\xc4\x01\x00" in data  # bin 8
    assert b"\xa1s" in data  # fixstr


@pytest.mark.parametrize("cls", [S.MsgPackSerializer, S.CBORSerializer, S.UBJSONSerializer],
                         ids=lambda c: c.SERIALIZER_ID)
def test_binary_formats_accept_buffer_types(cls: type[S.Serializer]) -> None:
    ser = cls()
    data, _ = ser.serialize(Published(2, 3))
    for payload in (data, bytearray(data), memoryview(data)):
        assert ser.unserialize(payload) == [Published(2, 3)]


def test_big_and_special_numbers_travel_as_the_libraries_do() -> None:
    huge = 2**70
    msg = Result(1, args=[huge, -huge, float("inf")])
    assert S.CBORSerializer().unserialize(S.CBORSerializer().serialize(msg)[0])[0].args[:2] == \
        [huge, -huge]
    with pytest.raises(SerializationError) as info:
        S.MsgPackSerializer().serialize(Result(1, args=[huge]))
    assert isinstance(info.value.__cause__, OverflowError)
    nan = S.JsonSerializer().unserialize(S.JsonSerializer().serialize(
        Result(1, args=[float("nan")]))[0])[0].args[0]
    assert nan != nan


# -- the JSON binary convention -----------------------------------------------------------


def test_json_bytes_travel_as_nul_base64_at_any_depth() -> None:
    msg = Event(1, 2, args=[b"\x01\x02", [[b""]]], kwargs={"a": {"b": [b"\xff"]}})
    data, _ = S.JsonSerializer().serialize(msg)
    assert json.loads(data) == [36, 1, 2, {}, ["\x00AQI=", [["\x00"]]], {"a": {"b": ["\x00/w=="]}}]
    assert data.count(b"\\u0000") == 3


def test_json_nul_strings_read_back_as_bytes_at_any_depth() -> None:
    payload = json.dumps(
        [50, 7, {"x_meta": "\x00AAE="}, ["\x00aGk=", {"n": [["\x00"]]}], {"k": "\x00/w=="}]
    ).encode()
    (msg,) = S.JsonSerializer().unserialize(payload)
    assert msg.args == [b"hi", {"n": [[b""]]}]
    assert msg.kwargs == {"k": b"\xff"}
    assert msg.marshal()[2] == {"x_meta": b"\x00\x01"}  # in the Details dict too


def test_json_bytes_in_details_travel_as_nul_base64() -> None:
    msg = Result(7, args=[1], custom={"x_blob": [b"\x01"]})
    data, _ = S.JsonSerializer().serialize(msg)
    assert json.loads(data) == [50, 7, {"x_blob": ["\x00AQ=="]}, [1]]
    assert S.JsonSerializer().unserialize(data) == [msg]


def test_json_strings_without_nul_prefix_stay_strings() -> None:
    (msg,) = S.JsonSerializer().unserialize(b'[50,7,{},["a\\u0000b","\\u0001x"]]')
    assert msg.args == ["a\x00b", "\x01x"]


def test_json_bytearray_and_memoryview_serialize_as_bytes() -> None:
    ser = S.JsonSerializer()
    data, _ = ser.serialize(Result(1, args=[bytearray(b"\x01"), memoryview(b"\x02")]))
    assert ser.unserialize(data)[0].args == [b"\x01", b"\x02"]


def test_json_binary_hex_encoding() -> None:
    ser = S.JsonSerializer(use_binary_hex_encoding=True)
    data, _ = ser.serialize(Result(1, args=[b"\xab\x01"]))
    assert data == b'[50,1,{},["0xab01"]]'
    assert ser.unserialize(data)[0].args == [b"\xab\x01"]


def test_json_decimal_options() -> None:
    from decimal import Decimal

    ser = S.JsonSerializer(use_decimal_from_str=True)
    data, _ = ser.serialize(Result(1, args=[Decimal("1.10")]))
    assert data == b'[50,1,{},["1.10"]]'
    assert ser.unserialize(data)[0].args == [Decimal("1.10")]
    objser = S.JsonObjectSerializer(use_decimal_from_float=True)
    assert objser.unserialize(b"[1.25]") == [[Decimal("1.25")]]


def test_json_invalid_base64_after_nul_is_a_serialization_error() -> None:
    with pytest.raises(SerializationError):
        S.JsonSerializer().unserialize(b'[50,1,{},["\\u0000A"]]')


# -- identifiers and registry --------------------------------------------------------------


@pytest.mark.parametrize(
    ("cls", "ser_id", "rawsocket", "mime", "binary"),
    [
        (S.JsonSerializer, "json", 1, "application/json", False),
        (S.MsgPackSerializer, "msgpack", 2, "application/x-msgpack", True),
        (S.CBORSerializer, "cbor", 3, "application/cbor", True),
        (S.UBJSONSerializer, "ubjson", 4, "application/ubjson", True),
        (S.FlatBuffersSerializer, "flatbuffers", 5, "application/x-flatbuffers", True),
    ],
)
def test_identifiers(cls: type[S.Serializer], ser_id: str, rawsocket: int, mime: str,
                     binary: bool) -> None:
    ser = cls()
    assert (ser_id, rawsocket, mime, binary) == \
        (ser.SERIALIZER_ID, ser.RAWSOCKET_SERIALIZER_ID, ser.MIME_TYPE, ser.BINARY)
    assert f"wamp.2.{ser_id}" == ser.SUBPROTOCOL
    assert verifyObject(ISerializer, ser)
    assert verifyObject(IObjectSerializer, ser._serializer)
    assert ser.MESSAGE_TYPE_MAP[48] is Call
    if cls is not S.FlatBuffersSerializer:
        batched = cls(batched=True)
        assert f"{ser_id}.batched" == batched.SERIALIZER_ID
        assert f"wamp.2.{ser_id}.batched" == batched.SUBPROTOCOL
        assert ser_id == batched.PAYLOAD_SERIALIZER_ID


def test_flatbuffers_has_no_batched_mode_and_cbor_payload() -> None:
    with pytest.raises(ValueError, match="batched"):
        S.FlatBuffersSerializer(batched=True)
    assert S.FlatBuffersSerializer().PAYLOAD_SERIALIZER_ID == "cbor"
    with pytest.raises(ValueError, match="payload serializer"):
        S.FlatBuffersSerializer(payload_serializer="xml")


@pytest.mark.parametrize("payload_serializer", ["cbor", "msgpack", "json", "ubjson"])
def test_flatbuffers_payload_serializers_round_trip(payload_serializer: str) -> None:
    ser = S.FlatBuffersSerializer(payload_serializer=payload_serializer)
    assert payload_serializer == ser.PAYLOAD_SERIALIZER_ID
    for msg in FBS_SAMPLES:
        assert roundtrip(ser, msg) == [msg], sample_id(msg)


@pytest.mark.parametrize(
    ("ser_id", "cls", "batched"),
    [("json", S.JsonSerializer, False), ("json.batched", S.JsonSerializer, True),
     ("msgpack.batched", S.MsgPackSerializer, True), ("cbor", S.CBORSerializer, False),
     ("ubjson.batched", S.UBJSONSerializer, True),
     ("flatbuffers", S.FlatBuffersSerializer, False)],
)
def test_create_transport_serializer(ser_id: str, cls: type[S.Serializer], batched: bool) -> None:
    ser = S.create_transport_serializer(ser_id)
    assert type(ser) is cls
    assert ser.batched is batched
    assert ser_id == ser.SERIALIZER_ID
    assert type(S.serializer_for_subprotocol(f"wamp.2.{ser_id}")) is cls


@pytest.mark.parametrize("bad", ["xml", "json.unbatched", "flatbuffers.batched", "", "json."])
def test_create_transport_serializer_names_the_known_ids(bad: str) -> None:
    with pytest.raises(ValueError, match=r"'cbor', 'cbor\.batched'"):
        S.create_transport_serializer(bad)


def test_create_transport_serializers_from_a_transport() -> None:
    class Transport:
        serializers = ["cbor", "json.batched"]

    sers = S.create_transport_serializers(Transport())
    assert [s.SERIALIZER_ID for s in sers] == ["cbor", "json.batched"]


def test_subprotocol_and_rawsocket_lookups() -> None:
    with pytest.raises(ValueError, match="not a WAMP v2"):
        S.serializer_for_subprotocol("wamp.1.json")
    assert [type(S.serializer_for_rawsocket_id(i)) for i in range(1, 6)] == ALL
    with pytest.raises(ValueError, match="1 \\(json\\)"):
        S.serializer_for_rawsocket_id(9)
    assert S.RAWSOCKET_ID_TO_SER[3] is S.CBORSerializer
    assert S.SUBPROTOCOL_TO_SER["wamp.2.json.batched"] == (S.JsonSerializer, True)
    assert S.SUBPROTOCOL_TO_SER["wamp.2.flatbuffers"] == (S.FlatBuffersSerializer, False)
    assert "wamp.2.flatbuffers.batched" not in S.SUBPROTOCOL_TO_SER
    assert len(S.SUBPROTOCOL_TO_SER) == 9
    assert S.SERID_TO_SER["msgpack"] is S.MsgPackSerializer
    assert S.SERID_TO_OBJSER["json"] is S.JsonObjectSerializer


def test_ubjson_missing_extra_raises_import_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from wamp_core.serializer import _binary

    monkeypatch.setattr(_binary, "_ubjson", None)
    with pytest.raises(ImportError, match=r"pip install 'wamp-core\[ubjson\]'"):
        S.UBJSONObjectSerializer()
    with pytest.raises(ImportError, match="py-ubjson"):
        S.UBJSONSerializer(batched=True)


def test_base_serializer_wraps_any_object_serializer() -> None:
    class Reversed:
        """An Autobahn-style object serializer: JSON, written backwards."""

        NAME = "reversed"
        BINARY = False

        def serialize(self, obj: Any) -> bytes:
            return json.dumps(obj).encode()[::-1]

        def unserialize(self, payload: bytes) -> list[Any]:
            return [json.loads(payload[::-1])]

    ser = S.Serializer(Reversed())
    data, is_binary = ser.serialize(Published(1, 2))
    assert (data, is_binary) == (b"]2 ,1 ,71[", False)
    assert ser.unserialize(data, False) == [Published(1, 2)]
    assert (ser.batched, ser.SERIALIZER_ID, ser.SUBPROTOCOL) == (False, "reversed",
                                                                 "wamp.2.reversed")
    assert S.Serializer(S.CBORObjectSerializer(batched=True)).SERIALIZER_ID == "cbor.batched"


# -- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("cls", "batched"), MODES, ids=MODE_IDS)
def test_transport_kind_mismatch_is_a_protocol_error(cls: type[S.Serializer],
                                                     batched: bool) -> None:
    ser = cls(batched=batched)
    data, is_binary = ser.serialize(Published(1, 2))
    with pytest.raises(ProtocolError, match="payload"):
        ser.unserialize(data, not is_binary)
    with pytest.raises(ProtocolError, match="payload"):
        ser.unserialize(data, isBinary=not is_binary)  # Autobahn's keyword
    assert ser.unserialize(data, isBinary=is_binary) == [Published(1, 2)]


@pytest.mark.parametrize(
    ("cls", "payload"),
    [(S.JsonSerializer, b"[17,1"), (S.JsonSerializer, b"\xff\xfe"),
     (S.JsonSerializer, b"[17,1,2] x"), (S.MsgPackSerializer, b"\xc1"),
     (S.MsgPackSerializer, b"\x93\x11\x01\x02\x00"), (S.CBORSerializer, b"\x83\x11"),
     (S.UBJSONSerializer, b"[U"), (S.FlatBuffersSerializer, b"\x00\x01")],
)
def test_undecodable_payloads_raise_serialization_error(cls: type[S.Serializer],
                                                        payload: bytes) -> None:
    with pytest.raises(SerializationError) as info:
        cls().unserialize(payload)
    assert info.value.__cause__ is not None or "payload" in str(info.value)


@pytest.mark.parametrize("cls", BATCHABLE, ids=lambda c: c.SERIALIZER_ID)
@pytest.mark.parametrize("payload", [b"", b"\x00\x00\x00", b"\x00\x00\x00\x09[]"])
def test_broken_batches_raise_serialization_error(cls: type[S.Serializer], payload: bytes) -> None:
    with pytest.raises(SerializationError):
        cls(batched=True).unserialize(payload)


@pytest.mark.parametrize("cls", BATCHABLE, ids=lambda c: c.SERIALIZER_ID)
@pytest.mark.parametrize("value", [{"a": 1}, [], ["17"], [99, 1], 5, [17, 1]])
def test_decoded_values_that_are_not_messages_raise_protocol_error(cls: type[S.Serializer],
                                                                   value: Any) -> None:
    payload = cls()._serializer.serialize(value)
    with pytest.raises(ProtocolError):
        cls().unserialize(payload)


def test_flatbuffers_unknown_message_type_is_a_serialization_error() -> None:
    data = bytearray(S.FlatBuffersSerializer().serialize(Published(1, 2))[0])
    type_at = data.index(17)  # the union type field holds the WAMP type code
    data[type_at] = 99
    with pytest.raises(SerializationError, match="type 99"):
        S.FlatBuffersSerializer().unserialize(bytes(data))
    with pytest.raises(SerializationError, match="no table for message type 99"):
        S.FlatBuffersObjectSerializer().serialize([99, 1])


def test_unserializable_values_raise_serialization_error_with_cause() -> None:
    for cls in BATCHABLE:
        with pytest.raises(SerializationError) as info:
            cls().serialize(Result(1, args=[object()]))
        assert info.value.__cause__ is not None, cls
    cyclic: list[Any] = []
    cyclic.append(cyclic)
    for cls in BATCHABLE:
        with pytest.raises(SerializationError):
            cls().serialize(Result(1, args=cyclic))


def test_deep_nesting_is_refused_not_crashed() -> None:
    depth = 100_000
    cases = {
        S.JsonSerializer: b"[" * depth + b"]" * depth,
        S.MsgPackSerializer: b"\x91" * depth + b"\xc0",
        S.CBORSerializer: b"\x81" * depth + b"\xf6",
        S.UBJSONSerializer: b"[" * depth + b"]" * depth,
    }
    for cls, payload in cases.items():
        with pytest.raises(SerializationError):
            cls().unserialize(payload)


def test_ubjson_huge_counted_container_is_refused_before_allocating() -> None:
    for payload in (b"[$Z#l\x7f\xff\xff\xff", b"[$i#L\x00\x00\x00\x01\x00\x00\x00\x00",
                    b"[[$Z#I\x7f\xff]]",
                    b"[" + b"[$T#U\xff" * 10 + b"]"):  # many small ones add up
        with pytest.raises(SerializationError, match="payload size"):
            S.UBJSONSerializer().unserialize(payload)
    # Typed, counted containers within the payload's size are fine.
    assert S.UBJSONObjectSerializer().unserialize(b"[[$Z#U\x03[$U#U\x02\x01\x02]") == \
        [[[None, None, None], b"\x01\x02"]]
