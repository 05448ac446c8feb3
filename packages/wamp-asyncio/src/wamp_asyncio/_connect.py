"""Open one WAMP client connection on asyncio, for Component, ApplicationRunner and the CLI.

:func:`open_transport` takes a checked transport configuration (a
``wamp_core._component_transport._Transport``: type, url, endpoint dict, serializers,
options, headers, proxy) and a zero-argument session factory, and returns
``(asyncio transport, protocol)`` once the WebSocket or RawSocket opening handshake is done
(the session has had ``onOpen`` then). It fails with the connection error, or with what the
peer answered (an HTTP status, a RawSocket refusal, a subprotocol we did not offer), each
naming the URL; a cancelled attempt drops the connection.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable
from typing import Any

from wamp_core.exception import TransportLost

from wamp_asyncio.rawsocket import WampRawSocketClientFactory
from wamp_asyncio.websocket import WampWebSocketClientFactory

__all__ = ["client_factory", "open_transport", "ssl_context"]


def ssl_context(tls: Any) -> ssl.SSLContext | None:
    """An ``ssl.SSLContext`` for an endpoint's ``tls``: True, a dict (``trust_root``), a
    context, or False/None (no TLS)."""
    if not tls:
        return None
    if isinstance(tls, ssl.SSLContext):
        return tls
    if isinstance(tls, dict):
        return ssl.create_default_context(cafile=tls.get("trust_root"))
    return ssl.create_default_context()


def _server_hostname(endpoint: dict[str, Any], url_host: str | None) -> str | None:
    tls = endpoint.get("tls")
    if isinstance(tls, dict) and tls.get("hostname"):
        return str(tls["hostname"])
    return url_host or endpoint.get("host") or "localhost"


def client_factory(transport: Any, session_factory: Callable[[], Any],
                   loop: asyncio.AbstractEventLoop | None = None) -> Any:
    """The WAMP client factory for ``transport`` (options, headers and proxy applied)."""
    options = dict(transport.options or {})
    if transport.type == "rawsocket":
        factory = WampRawSocketClientFactory(session_factory, serializer=transport.serializers[0],
                                             loop=loop)
    else:
        endpoint = transport.endpoint if isinstance(transport.endpoint, dict) else {}
        tls = endpoint.get("tls")
        factory = WampWebSocketClientFactory(
            session_factory, url=transport.handshake_url(), serializers=transport.serializers,
            headers=transport.headers, proxy=transport.proxy, loop=loop,
            ssl=ssl_context(tls))
    if options:
        factory.setProtocolOptions(**options)
    return factory


async def _connect(loop: asyncio.AbstractEventLoop, factory: Any, transport: Any
                   ) -> tuple[Any, Any]:
    endpoint = transport.endpoint
    context = ssl_context(endpoint.get("tls"))
    url_host = getattr(factory, "host", None)
    proxy = getattr(factory, "proxy", None)
    if proxy is not None:  # TLS (if any) starts inside the tunnel
        return await loop.create_connection(factory, proxy["host"], proxy["port"])
    hostname = _server_hostname(endpoint, url_host) if context is not None else None
    if endpoint["type"] == "unix":
        return await loop.create_unix_connection(factory, endpoint["path"], ssl=context,
                                                 server_hostname=hostname)
    return await loop.create_connection(factory, endpoint["host"], endpoint["port"],
                                        ssl=context, server_hostname=hostname)


async def open_transport(transport: Any, session_factory: Callable[[], Any],
                         loop: asyncio.AbstractEventLoop | None = None) -> tuple[Any, Any]:
    """Connect and complete the opening handshake (see the module text)."""
    loop = loop or asyncio.get_running_loop()
    endpoint = transport.endpoint
    if not isinstance(endpoint, dict):
        raise ValueError(f"asyncio needs an endpoint dict, not {endpoint!r}")
    timeout = endpoint.get("timeout", 10)
    where = transport.url or transport.describe_endpoint()
    factory = client_factory(transport, session_factory, loop)
    try:
        conn, proto = await asyncio.wait_for(_connect(loop, factory, transport), timeout)
    except asyncio.TimeoutError:
        raise TimeoutError(f"{where}: no connection within {timeout} s") from None
    try:
        await asyncio.wait_for(asyncio.shield(proto.is_open), timeout)
    except asyncio.TimeoutError:
        proto.dropConnection(abort=True)
        raise TimeoutError(f"{where}: no opening handshake within {timeout} s") from None
    except asyncio.CancelledError:
        proto.dropConnection(abort=True)
        raise
    except Exception as exc:
        failure = proto.failure or exc
        raise TransportLost(f"{where}: the connection failed before the session could "
                            f"start: {failure}") from failure
    return conn, proto
