"""Autobahn|Python's serializers as a subprocess peer for the interop tests.

Runs in the virtual environment that has Autobahn (not ours). Reads one JSON
request per line on stdin, answers one JSON line on stdout:

- ``{"cmd": "version"}`` -> Autobahn's version and which module backs "ubjson";
- ``{"cmd": "make", "ser": "cbor", "batched": false, "specs": [spec, ...]}`` ->
  the hex of Autobahn's serialization of the messages built from ``specs``
  (``{"cls": "Call", "args": [...], "kwargs": {...}}``), one hex per message;
- ``{"cmd": "read", "ser": ..., "batched": ..., "hex": "..."}`` -> Autobahn
  unserializes the payload; answers each message's ``marshal()`` list;
- ``{"cmd": "echo", "ser": ..., "batched": ..., "hex": "..."}`` -> Autobahn
  unserializes the payload and serializes every message again (hex list).

Bytes inside specs travel as ``{"__bytes__": "<hex>"}``.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from typing import Any

with contextlib.redirect_stderr(io.StringIO()):  # bjdata may complain about numpy
    import txaio

    txaio.use_asyncio()
    import autobahn
    from autobahn.wamp import message, role, serializer

SERIALIZERS = {
    "json": "JsonSerializer",
    "msgpack": "MsgPackSerializer",
    "cbor": "CBORSerializer",
    "ubjson": "UBJSONSerializer",
    "flatbuffers": "FlatBuffersSerializer",
}


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"__bytes__"}:
            return bytes.fromhex(value["__bytes__"])
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def encode(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"__bytes__": bytes(value).hex()}
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    return value


def build(spec: dict[str, Any]) -> Any:
    args = decode(spec.get("args", []))
    kwargs = decode(spec.get("kwargs", {}))
    if spec["cls"] in ("Hello", "Welcome"):
        roles = args[1]
        args[1] = {
            name: role.ROLE_NAME_TO_CLASS[name](**(features or {}).get("features", {}))
            for name, features in roles.items()
        }
    return getattr(message, spec["cls"])(*args, **kwargs)


def make_serializer(request: dict[str, Any]) -> Any:
    cls = getattr(serializer, SERIALIZERS[request["ser"]], None)
    if cls is None:
        raise RuntimeError(f"Autobahn has no {request['ser']} serializer here")
    return cls(batched=request.get("batched", False))


def handle(request: dict[str, Any]) -> dict[str, Any]:
    cmd = request["cmd"]
    if cmd == "version":
        ubjson = getattr(serializer, "ubjson", None)
        return {"version": autobahn.__version__,
                "ubjson_module": getattr(ubjson, "__name__", None)}
    ser = make_serializer(request)
    if cmd == "make":
        return {"hex": [ser.serialize(build(spec))[0].hex() for spec in request["specs"]]}
    if cmd == "read":
        msgs = ser.unserialize(bytes.fromhex(request["hex"]), ser._serializer.BINARY)
        return {"lists": [encode(m.marshal()) for m in msgs],
                "types": [type(m).__name__ for m in msgs]}
    if cmd == "echo":
        payload = bytes.fromhex(request["hex"])
        msgs = ser.unserialize(payload, ser._serializer.BINARY)
        return {"hex": [ser.serialize(m)[0].hex() for m in msgs],
                "types": [type(m).__name__ for m in msgs]}
    raise ValueError(f"unknown command {cmd!r}")


def main() -> None:
    for line in sys.stdin:
        try:
            answer = {"ok": True, **handle(json.loads(line))}
        except Exception as exc:
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
