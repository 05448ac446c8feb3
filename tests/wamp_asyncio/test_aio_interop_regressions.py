"""Regressions found by the interop tests (tests/interop) on the asyncio adapter."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from aio_helpers import Tls, listen, run, wait
from wamp_asyncio.rawsocket import RawSocketClientFactory, RawSocketClientProtocol
from wamp_asyncio.websocket import WebSocketClientFactory, WebSocketClientProtocol


@pytest.fixture(scope="module")
def tls() -> Tls:
    return Tls()


class _ClosesAtOnce(asyncio.Protocol):
    """A TLS server that ends every connection as soon as it is made (close_notify, EOF)."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.close()


def _client_factory(kind: str) -> Any:
    if kind == "websocket":
        factory = WebSocketClientFactory("wss://127.0.0.1/")
        factory.protocol = WebSocketClientProtocol
    else:
        factory = RawSocketClientFactory()
        factory.protocol = RawSocketClientProtocol
    return factory


@pytest.mark.parametrize("kind", ["websocket", "rawsocket"])
def test_eof_over_tls_does_not_ask_asyncio_to_keep_the_transport_open(
        kind: str, tls: Tls) -> None:
    # Crossbar.io (and our router) end a TLS connection after GOODBYE: asyncio's SSL protocol
    # then calls eof_received(), and logs "returning true from eof_received() has no effect
    # when using ssl" for every connection when the protocol returns True (TLS cannot stay
    # half-open).
    async def main() -> Any:
        server, port = await listen(_ClosesAtOnce, tls.server)
        try:
            loop = asyncio.get_running_loop()
            _, proto = await loop.create_connection(_client_factory(kind), "127.0.0.1", port,
                                                    ssl=tls.client)
            return await wait(proto.is_closed)
        finally:
            server.close()

    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("asyncio")
    logger.addHandler(handler)
    try:
        run(main())
    finally:
        logger.removeHandler(handler)
    assert [r.getMessage() for r in records if "eof_received" in r.getMessage()] == []
