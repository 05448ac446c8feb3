"""A real Crossbar.io router for the interop tests: config, node directory, process.

    router = launch_router(tmp_dir)            # install (once), pick ports, write, start
    router.ws_url, router.rs_url, router.auth  # where and as whom to connect
    router.stop()

or step by step: ``make_auth`` -> ``crossbar_config`` -> ``write_node`` -> ``start_crossbar``.

The node serves realms ``realm1`` and ``realm2`` with two roles, ``anonymous`` and
``authenticated``, each allowed everything (caller and publisher disclosed). Three listening
transports on 127.0.0.1: WebSocket (any path; we use ``/ws``), RawSocket, and a universal one
(RawSocket, and WebSocket under ``/ws``), plus (``launch_router(tls=True)``, the default) a
universal one over TLS with a certificate from a throwaway CA (``router.tls_ca``), each with the
serializers json, msgpack, cbor, ubjson
and every authentication method: anonymous, ticket, wampcra (plain and salted), cryptosign and
scram, with the principals of :class:`AuthSetup`. WebSocket listeners accept permessage-deflate.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peers import venvs
from peers.proc import Background, PeerError, free_ports, port_open, wait_until

__all__ = [
    "REALMS",
    "SERIALIZERS",
    "AuthSetup",
    "CraUser",
    "CrossbarRouter",
    "CryptosignUser",
    "RouterPorts",
    "ScramUser",
    "TicketUser",
    "crossbar_config",
    "launch_router",
    "make_auth",
    "start_crossbar",
    "write_node",
]

HOST = "127.0.0.1"
REALMS = ("realm1", "realm2")
SERIALIZERS = ("json", "msgpack", "cbor", "ubjson")
WS_PATH = "ws"
AUTHENTICATED = "authenticated"
READY_LINES = ("NODE_BOOT_COMPLETE", "local node configuration ran successfully")


@dataclass(frozen=True)
class TicketUser:
    authid: str
    ticket: str


@dataclass(frozen=True)
class CraUser:
    """WAMP-CRA principal. When ``salt`` is set, Crossbar.io derives the key from ``secret``
    (PBKDF2 with salt, iterations, keylen) and the client must do the same."""

    authid: str
    secret: str
    salt: str | None = None
    iterations: int | None = None
    keylen: int | None = None


@dataclass(frozen=True)
class CryptosignUser:
    """Ed25519 principal; keys are hex (``private_key`` is the 32-byte seed)."""

    authid: str
    private_key: str
    public_key: str


@dataclass(frozen=True)
class ScramUser:
    """SCRAM principal: the client knows ``password``; the router holds ``credential`` (kdf,
    iterations, memory, salt, stored-key, server-key) as Autobahn derives it."""

    authid: str
    password: str
    credential: dict[str, Any]


@dataclass(frozen=True)
class AuthSetup:
    """Every principal of the test router; all get the role ``authenticated``."""

    ticket: TicketUser
    wampcra: CraUser
    wampcra_salted: CraUser
    cryptosign: CryptosignUser
    scram: ScramUser
    role: str = AUTHENTICATED


@dataclass(frozen=True)
class RouterPorts:
    ws: int
    rs: int
    universal: int | None = None
    tls: int | None = None  # universal transport over TLS (needs ``tls_files``)


# Runs in the Crossbar.io venv (it has PyNaCl, argon2-cffi and Autobahn): a fresh Ed25519 key
# pair and Autobahn's own SCRAM derivation (argon2id-13, t=4096, m=512) with a random salt.
_MAKE_SECRETS = r"""
import json, os, sys
import nacl.signing
from autobahn.wamp.auth import derive_scram_credential
key = nacl.signing.SigningKey.generate()
print(json.dumps({
    "private_key": key.encode().hex(),
    "public_key": key.verify_key.encode().hex(),
    "scram": derive_scram_credential(sys.argv[1], sys.argv[2], os.urandom(16)),
}))
"""


def make_auth(venv: venvs.Venv | None = None) -> AuthSetup:
    """Principals for a test router, with a key pair and a SCRAM credential made now (in the
    Crossbar.io venv, so this process needs neither PyNaCl nor argon2)."""
    venv = venv or venvs.crossbar()
    scram_id, scram_password = "scram-user", "scram-secret"
    out = venv.run(["-c", _MAKE_SECRETS, scram_id, scram_password], timeout=120)
    secrets = json.loads(out.output.strip().splitlines()[-1])
    wanted = ("kdf", "iterations", "memory", "salt", "stored-key", "server-key")
    return AuthSetup(
        ticket=TicketUser("ticket-user", "ticket-secret"),
        wampcra=CraUser("cra-user", "cra-secret"),
        wampcra_salted=CraUser("cra-salted-user", "cra-salted-secret", salt="salt-0123456789",
                               iterations=100, keylen=32),
        cryptosign=CryptosignUser("cryptosign-user", secrets["private_key"],
                                  secrets["public_key"]),
        scram=ScramUser(scram_id, scram_password, {k: secrets["scram"][k] for k in wanted}),
    )


def _role(name: str) -> dict[str, Any]:
    allow = {"call": True, "register": True, "publish": True, "subscribe": True}
    return {"name": name, "permissions": [{
        "uri": "", "match": "prefix", "allow": allow,
        "disclose": {"caller": True, "publisher": True}, "cache": True,
    }]}


def _auth_section(auth: AuthSetup) -> dict[str, Any]:
    cra_users: dict[str, Any] = {}
    for user in (auth.wampcra, auth.wampcra_salted):
        entry: dict[str, Any] = {"secret": user.secret, "role": auth.role}
        if user.salt is not None:
            entry.update(salt=user.salt, iterations=user.iterations, keylen=user.keylen)
        cra_users[user.authid] = entry
    return {
        "anonymous": {"type": "static", "role": "anonymous"},
        "ticket": {"type": "static", "principals": {
            auth.ticket.authid: {"ticket": auth.ticket.ticket, "role": auth.role}}},
        "wampcra": {"type": "static", "users": cra_users},
        "cryptosign": {"type": "static", "principals": {
            auth.cryptosign.authid: {"authorized_keys": [auth.cryptosign.public_key],
                                     "role": auth.role}}},
        "scram": {"type": "static", "principals": {
            auth.scram.authid: {**auth.scram.credential, "role": auth.role}}},
    }


def _endpoint(port: int) -> dict[str, Any]:
    return {"type": "tcp", "port": port, "interface": HOST}


def crossbar_config(
    ports: RouterPorts,
    auth: AuthSetup,
    *,
    realms: tuple[str, ...] = REALMS,
    serializers: tuple[str, ...] = SERIALIZERS,
    tls_files: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """The node configuration (``config.json`` contents) described in the module docstring.
    ``tls_files`` (key, certificate; paths relative to the cbdir) with ``ports.tls`` adds the
    universal transport over TLS (id ``universal_tls``)."""
    section = _auth_section(auth)
    ser = list(serializers)
    websocket = {"type": "websocket", "serializers": ser, "auth": section,
                 "options": {"compression": {"deflate": {}}}}  # accept permessage-deflate
    rawsocket = {"type": "rawsocket", "serializers": ser, "auth": section}
    transports: list[dict[str, Any]] = [
        {**websocket, "id": "ws_plain", "endpoint": _endpoint(ports.ws)},
        {**rawsocket, "id": "rs_plain", "endpoint": _endpoint(ports.rs)},
    ]
    if ports.universal is not None:
        transports.append({
            "type": "universal", "id": "universal", "endpoint": _endpoint(ports.universal),
            "rawsocket": {"serializers": ser, "auth": section},
            "websocket": {WS_PATH: websocket},
        })
    if ports.tls is not None and tls_files is not None:
        key, certificate = tls_files
        transports.append({
            "type": "universal", "id": "universal_tls",
            "endpoint": {**_endpoint(ports.tls), "tls": {"key": key, "certificate": certificate}},
            "rawsocket": {"serializers": ser, "auth": section},
            "websocket": {WS_PATH: websocket},
        })
    return {
        "version": 2,
        "controller": {},
        "workers": [{
            "type": "router",
            "realms": [{"name": r, "roles": [_role("anonymous"), _role(AUTHENTICATED)]}
                       for r in realms],
            "transports": transports,
        }],
    }


def write_node(node_dir: Path, config: dict[str, Any]) -> Path:
    """Write ``node_dir/.crossbar/config.json``; return the cbdir (``node_dir/.crossbar``)."""
    cbdir = Path(node_dir) / ".crossbar"
    cbdir.mkdir(parents=True, exist_ok=True)
    (cbdir / "config.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
    return cbdir


@dataclass
class CrossbarRouter:
    """A running Crossbar.io node. ``stop()`` always kills its whole process group."""

    process: Background
    cbdir: Path
    ports: RouterPorts
    version: str
    auth: AuthSetup | None = None
    host: str = HOST
    realms: tuple[str, ...] = REALMS
    serializers: tuple[str, ...] = SERIALIZERS
    started_in: float = field(default=0.0)
    tls_ca: Path | None = None  # PEM of the CA that signed the TLS transport's certificate

    @property
    def log_path(self) -> Path:
        return self.process.log_path

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.ports.ws}/{WS_PATH}"

    @property
    def rs_url(self) -> str:
        return f"rs://{self.host}:{self.ports.rs}"

    @property
    def universal_ws_url(self) -> str | None:
        u = self.ports.universal
        return None if u is None else f"ws://{self.host}:{u}/{WS_PATH}"

    @property
    def universal_rs_url(self) -> str | None:
        u = self.ports.universal
        return None if u is None else f"rs://{self.host}:{u}"

    @property
    def tls_ws_url(self) -> str | None:
        t = self.ports.tls
        return None if t is None else f"wss://{self.host}:{t}/{WS_PATH}"

    @property
    def tls_rs_url(self) -> str | None:
        t = self.ports.tls
        return None if t is None else f"rss://{self.host}:{t}"

    def alive(self) -> bool:
        return self.process.alive()

    def log(self) -> str:
        return self.process.output()

    def stop(self) -> None:
        self.process.stop()


def _ports_of(config: dict[str, Any]) -> RouterPorts:
    by_id = {t.get("id"): t["endpoint"]["port"] for t in config["workers"][0]["transports"]}
    return RouterPorts(ws=by_id["ws_plain"], rs=by_id["rs_plain"], universal=by_id.get("universal"),
                       tls=by_id.get("universal_tls"))


def start_crossbar(
    cbdir: Path,
    *,
    venv: venvs.Venv | None = None,
    version: str = "26.10",
    timeout: float = 30.0,
    log_path: Path | None = None,
    auth: AuthSetup | None = None,
    shutdown_after: int = 3 * 3600,
) -> CrossbarRouter:
    """Start ``crossbar start --cbdir cbdir`` (a config written by ``write_node``) and wait until
    it logs that the node booted and every transport port accepts TCP connections.

    ``shutdown_after`` makes the node exit by itself after that many seconds, a backstop should
    this process die without calling ``stop()``. On failure the process group is killed and
    :class:`PeerError` carries the log tail; the full log is ``log_path``
    (default ``cbdir/../crossbar.log``).
    """
    cbdir = Path(cbdir)
    venv = venv or venvs.crossbar(version)
    config = json.loads((cbdir / "config.json").read_text(encoding="utf-8"))
    ports = _ports_of(config)
    log_path = log_path or cbdir.parent / "crossbar.log"
    started = time.monotonic()
    proc = Background(
        [venv.bin("crossbar"), "start", "--cbdir", cbdir, "--color", "false",
         "--loglevel", "info", "--shutdownafter", str(shutdown_after)],
        log_path=log_path, cwd=cbdir.parent,
    )
    wanted = [p for p in (ports.ws, ports.rs, ports.universal, ports.tls) if p is not None]

    def ready() -> bool:
        if not proc.alive():
            return True
        text = proc.output()
        return any(line in text for line in READY_LINES) and all(
            port_open(HOST, p) for p in wanted)

    if not wait_until(ready, timeout, interval=0.1) or not proc.alive():
        state = "exited" if not proc.alive() else f"not ready within {timeout:.0f}s"
        proc.stop()
        raise PeerError(f"Crossbar.io {state} (cbdir {cbdir}, log {log_path})\n"
                        f"--- log tail ---\n{proc.tail(60)}")
    return CrossbarRouter(proc, cbdir, ports, version, auth=auth,
                          serializers=tuple(config["workers"][0]["transports"][0]["serializers"]),
                          realms=tuple(r["name"] for r in config["workers"][0]["realms"]),
                          started_in=round(time.monotonic() - started, 2))


def _tls_files(node_dir: Path) -> tuple[tuple[str, str], Path]:
    """A throwaway CA (``node_dir/ca.pem``) and a server certificate for 127.0.0.1 and
    localhost in the cbdir; returns (key, certificate) relative to the cbdir, and the CA."""
    import trustme  # a test dependency of the workspace

    authority = trustme.CA()
    cert = authority.issue_cert(HOST, "localhost")
    cbdir = node_dir / ".crossbar"
    cbdir.mkdir(parents=True, exist_ok=True)
    cert.private_key_pem.write_to_path(str(cbdir / "server.key"))
    cert.cert_chain_pems[0].write_to_path(str(cbdir / "server.crt"))
    authority.cert_pem.write_to_path(str(node_dir / "ca.pem"))
    return ("server.key", "server.crt"), node_dir / "ca.pem"


def launch_router(
    node_dir: Path,
    *,
    version: str = "26.10",
    timeout: float = 30.0,
    universal: bool = True,
    tls: bool = True,
    attempts: int = 3,
) -> CrossbarRouter:
    """Install Crossbar.io ``version`` if needed, make principals, pick free ports, write the
    node into ``node_dir`` and start it. A start that lost the free-port race ("Address already
    in use") is retried with new ports, up to ``attempts`` times. ``tls`` adds the universal
    transport over TLS, its certificate (for 127.0.0.1 and localhost) from a new CA whose PEM
    is ``router.tls_ca``."""
    venv = venvs.crossbar(version)
    auth = make_auth(venv)
    node_dir = Path(node_dir)
    tls_files, ca = _tls_files(node_dir) if tls else (None, None)
    for attempt in range(1, attempts + 1):
        picked = free_ports(4)
        ports = RouterPorts(picked[0], picked[1], picked[2] if universal else None,
                            picked[3] if tls else None)
        cbdir = write_node(node_dir, crossbar_config(ports, auth, tls_files=tls_files))
        try:
            router = start_crossbar(cbdir, venv=venv, version=version, timeout=timeout,
                                    auth=auth, log_path=node_dir / f"crossbar-{attempt}.log")
            router.tls_ca = ca
            return router
        except PeerError as exc:
            if attempt == attempts or "Address already in use" not in str(exc):
                raise
    raise AssertionError("unreachable")
