"""Authentication against the real peers (installed by ``tests/peers`` on first use).

- Our client authenticators against a live Crossbar.io (the ``crossbar_venv`` fixture's), over
  RawSocket + JSON on 127.0.0.1: ticket, WAMP-CRA (plain and
  salted, the config holding the plain password), cryptosign, SCRAM with argon2id and PBKDF2
  credentials from our ``derive_scram_credential``; wrong credentials get Crossbar.io's ABORT.
- Autobahn|Python's client authenticators against our router's pending authentications, run
  in a subprocess (Autobahn's cryptosign needs a process-wide txaio framework) with the Python
  of the ``autobahn_venv`` fixture (``autobahn[encryption,scram]``), wamp-core from this
  checkout on its ``PYTHONPATH``.
"""

from __future__ import annotations

import json
import socket
import struct
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from peers import venvs
from peers.proc import clean_env
from wamp_core import auth
from wamp_core.cryptosign import CryptosignKey
from wamp_core.types import Challenge

pytestmark = pytest.mark.interop

ROOT = Path(__file__).resolve().parents[2]
SEED = "4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def transport_auth() -> dict[str, Any]:
    pub = CryptosignKey.from_seed(SEED).public_key()
    argon = auth.derive_scram_credential("a", "pw-alice", bytes(range(16)), iterations=3)
    pbk = auth.derive_scram_credential("a", "pw-pbk", bytes(range(16)), kdf="pbkdf2",
                                       iterations=100)
    return {
        "ticket": {"type": "static", "principals": {"joe": {"ticket": "tkt", "role": "user"}}},
        "wampcra": {"type": "static", "users": {
            "joe": {"secret": "secret1", "role": "user"},
            "salty": {"secret": "secret2", "role": "user", "salt": "NaCl", "iterations": 100,
                      "keylen": 32},
        }},
        "cryptosign": {"type": "static",
                       "principals": {"client01": {"authorized_keys": [pub], "role": "user"}}},
        "scram": {"type": "static", "principals": {"alice": {**argon, "role": "user"},
                                                   "pbk": {**pbk, "role": "user"}}},
    }


class RawSocketJson:
    """Just enough WAMP-over-RawSocket (JSON) to authenticate."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.sock.sendall(bytes([0x7F, 0xF1, 0, 0]))  # max length 2**24, serializer JSON
        assert self._exactly(4)[:2] == bytes([0x7F, 0xF1])

    def _exactly(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = self.sock.recv(size - len(data))
            if not chunk:
                raise ConnectionError("closed by the router")
            data += chunk
        return data

    def send(self, message: list[Any]) -> None:
        data = json.dumps(message).encode()
        self.sock.sendall(struct.pack(">I", len(data)) + data)

    def receive(self) -> list[Any]:
        size = struct.unpack(">I", self._exactly(4))[0] & 0xFFFFFF
        message: list[Any] = json.loads(self._exactly(size))
        return message


def authenticate(port: int, client: Any) -> tuple[str, Any, Any]:
    conn = RawSocketJson(port)
    try:
        details: dict[str, Any] = {"roles": {"caller": {}}, "authmethods": [client.name],
                                   "authextra": client.authextra}
        if client.authid:
            details["authid"] = client.authid
        conn.send([1, "realm1", details])
        msg = conn.receive()
        if msg[0] == 4:  # CHALLENGE
            conn.send([5, client.on_challenge(None, Challenge(msg[1], msg[2])), {}])
            msg = conn.receive()
    finally:
        conn.sock.close()
    if msg[0] == 2:  # WELCOME
        return "welcome", msg[2]["authid"], client.on_welcome(None, msg[2].get("authextra"))
    return "abort", msg[2], msg[1].get("message")  # ABORT: [3, Details, Reason]


@pytest.fixture(scope="module")
def crossbar(tmp_path_factory: pytest.TempPathFactory, crossbar_venv: venvs.Venv) -> Any:
    exe = str(crossbar_venv.bin("crossbar"))
    cbdir = tmp_path_factory.mktemp("cb") / ".crossbar"
    cbdir.mkdir()
    port = free_port()
    role = {"name": "user", "permissions": [{"uri": "", "match": "prefix", "allow": {
        "call": True, "register": True, "publish": True, "subscribe": True}}]}
    config = {"version": 2, "controller": {}, "workers": [{
        "type": "router", "realms": [{"name": "realm1", "roles": [role]}],
        "transports": [{"type": "rawsocket", "serializers": ["json"], "auth": transport_auth(),
                        "endpoint": {"type": "tcp", "port": port, "interface": "127.0.0.1"}}],
    }]}
    (cbdir / "config.json").write_text(json.dumps(config))
    log = (cbdir / "node.log").open("w")
    proc = subprocess.Popen([exe, "start", "--cbdir", str(cbdir)], stdout=log,
                            stderr=subprocess.STDOUT, env=clean_env())
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail(f"Crossbar.io did not start; see {cbdir / 'node.log'}")
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        log.close()


@pytest.mark.parametrize(
    ("client", "expected"),
    [
        (lambda: auth.AuthTicket(authid="joe", ticket="tkt"), ("welcome", "joe", None)),
        (lambda: auth.AuthWampCra(authid="joe", secret="secret1"), ("welcome", "joe", None)),
        (lambda: auth.AuthWampCra(authid="salty", secret="secret2"), ("welcome", "salty", None)),
        (lambda: auth.AuthCryptoSign(privkey=SEED), ("welcome", "client01", None)),
        (lambda: auth.AuthScram(authid="alice", password="pw-alice"), ("welcome", "alice", None)),
        (lambda: auth.AuthScram(authid="pbk", password="pw-pbk"), ("welcome", "pbk", None)),
        (lambda: auth.AuthTicket(authid="joe", ticket="bad"),
         ("abort", "wamp.error.not_authorized",
          "ticket in static WAMP-Ticket authentication is invalid")),
        (lambda: auth.AuthWampCra(authid="salty", secret="secret1"),
         ("abort", "wamp.error.not_authorized", "WAMP-CRA client signature is invalid")),
        (lambda: auth.AuthScram(authid="alice", password="nope"),
         ("abort", "wamp.error.not_authorized", "SCRAM authentication failed")),
    ],
)
def test_our_clients_against_crossbar(
    crossbar: int, client: Any, expected: tuple[Any, ...]
) -> None:
    assert authenticate(crossbar, client()) == expected


AUTOBAHN_SCRIPT = r"""
import asyncio, json, sys
import txaio; txaio.use_asyncio()
from autobahn.wamp import auth as ab
from autobahn.wamp.types import Challenge as ABChallenge
from wamp_core.router_auth import create_pending_auth
from wamp_core.types import Accept, Challenge, HelloDetails, TransportDetails

AUTH, SEED = json.loads(sys.argv[1]), sys.argv[2]
loop = asyncio.new_event_loop(); asyncio.set_event_loop(loop)
CHANNEL = {"tls-unique": bytes(range(32))}

class Session:
    class log:
        info = error = staticmethod(lambda *a, **k: None)
    class _transport:
        transport_details = TransportDetails(channel_id=CHANNEL)

def run(client):
    extra = json.loads(json.dumps(client.authextra))
    pending = create_pending_auth(client.name, AUTH[client.name], session_id=1, now=1.7e9,
                                  transport_details=TransportDetails(channel_id=CHANNEL))
    result = pending.start(HelloDetails(realm="realm1", authmethods=[client.name],
                                        authid=client._args.get("authid"), authextra=extra))
    if isinstance(result, Challenge):
        sig = client.on_challenge(Session, ABChallenge(result.method, result.extra))
        if asyncio.isfuture(sig):
            sig = loop.run_until_complete(sig)
        result = pending.verify(sig.decode() if isinstance(sig, bytes) else sig, {})
    if not isinstance(result, Accept):
        return ["deny", result.message]
    return ["accept", result.authid, client.on_welcome(Session, result.authextra)]

print(json.dumps([
    run(ab.AuthTicket(authid="joe", ticket="tkt")),
    run(ab.AuthWampCra(authid="joe", secret="secret1")),
    run(ab.AuthWampCra(authid="salty", secret="secret2")),
    run(ab.AuthWampCra(authid="salty", secret="x")),
    run(ab.AuthCryptoSign(privkey=SEED)),
    run(ab.AuthCryptoSign(privkey=SEED, authextra={"channel_binding": "tls-unique"})),
    run(ab.AuthScram(authid="alice", password="pw-alice")),
    run(ab.AuthScram(authid="alice", password="no")),
]))
"""


def test_autobahn_clients_against_our_router(autobahn_venv: venvs.Venv) -> None:
    python = str(autobahn_venv.python)
    out = subprocess.run(
        [python, "-c", AUTOBAHN_SCRIPT, json.dumps(transport_auth()), SEED],
        capture_output=True, text=True, timeout=120, check=False,
        env=clean_env({"PYTHONPATH": str(ROOT / "packages" / "wamp-core" / "src")}),
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [
        ["accept", "joe", None],
        ["accept", "joe", None],
        ["accept", "salty", None],
        ["deny", "WAMP-CRA client signature is invalid"],
        ["accept", "client01", None],
        ["accept", "client01", None],
        ["accept", "alice", None],
        ["deny", "SCRAM authentication failed"],
    ]

