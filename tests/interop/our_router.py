"""Our embedded router as a subprocess (``python -m wamp_<framework> serve --config``) with the
Crossbar.io node config of ``peers.crossbar`` (same realms, roles and principals; every port
0; flatbuffers added to the WebSocket listeners; a universal TLS listener)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from interop_support import Target
from peers.crossbar import AuthSetup, RouterPorts, crossbar_config
from peers.proc import Background, PeerError

KINDS = ("ws", "rs", "uws", "urs", "wss", "rss")  # the order `serve` lists the config's URLs
SCHEMES = ("ws", "rs", "ws", "rs", "wss", "rss")
LISTENING = r"(?m)^listening on rss://"


def node_config(auth: AuthSetup, key: Path, cert: Path) -> dict:
    config = crossbar_config(RouterPorts(0, 0, 0, 0), auth, tls_files=(str(key), str(cert)))
    for transport in config["workers"][0]["transports"]:
        for ws in [transport] if transport["type"] == "websocket" else \
                list(transport.get("websocket", {}).values()):
            ws["serializers"] = [*ws["serializers"], "flatbuffers"]
    return config


class OurRouters:
    """Starts ``serve`` once per framework, on first use; ``close()`` stops them all."""

    def __init__(self, workdir: Path, auth: AuthSetup) -> None:
        self.workdir, self.auth = workdir, auth
        self.started: dict[str, tuple[Background, Target]] = {}

    def _files(self) -> tuple[Path, Path, Path]:
        import trustme

        key, cert, ca = (self.workdir / n for n in ("server.key", "server.crt", "ca.pem"))
        if not ca.exists():
            authority = trustme.CA()
            issued = authority.issue_cert("127.0.0.1", "localhost")
            issued.private_key_pem.write_to_path(str(key))
            issued.cert_chain_pems[0].write_to_path(str(cert))
            authority.cert_pem.write_to_path(str(ca))
        return key, cert, ca

    def get(self, framework: str) -> Target:
        if framework in self.started:
            process, target = self.started[framework]
            if not process.alive():
                raise PeerError(f"our {framework} router exited\n{process.tail()}")
            return target
        key, cert, ca = self._files()
        config = self.workdir / "config.json"
        config.write_text(json.dumps(node_config(self.auth, key, cert), indent=1),
                          encoding="utf-8")
        process = Background(
            [sys.executable, "-m", f"wamp_{framework}", "serve", "--config", config],
            log_path=self.workdir / f"router-{framework}.log", cwd=self.workdir)
        try:
            process.wait_for_output(LISTENING, timeout=30)
        except PeerError:
            process.stop()
            raise
        urls = [line.split("listening on ", 1)[1].strip()
                for line in process.output().splitlines() if line.startswith("listening on ")]
        if [u.split("://")[0] for u in urls] != list(SCHEMES):
            process.stop()
            raise PeerError(f"our {framework} router listens on {urls}, expected {SCHEMES}")
        target = Target(dict(zip(KINDS, urls, strict=True)), self.auth, ca)
        self.started[framework] = (process, target)
        return target

    def close(self) -> None:
        for process, _ in self.started.values():
            process.stop()
