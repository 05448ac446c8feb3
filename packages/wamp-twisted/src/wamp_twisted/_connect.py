"""Open one WAMP client connection on Twisted, for Component, ApplicationRunner and the CLI.

The twin of ``wamp_asyncio._connect``. :func:`open_transport` takes a checked transport
configuration (a ``wamp_core._component_transport._Transport``: type, url, endpoint dict or
native ``IStreamClientEndpoint``, serializers, options, headers, proxy) and a zero-argument
session factory, and returns the protocol once the WebSocket or RawSocket opening handshake
is done (the session has had ``onOpen`` then). It fails with the connection error, or with
what the peer answered (an HTTP status, a RawSocket refusal, a subprotocol we did not offer),
each naming the URL; a cancelled attempt drops the connection.

Endpoints: ``tcp`` (``HostnameEndpoint``: names, IPv4 and IPv6; ``version`` 4 or 6 picks
``TCP4ClientEndpoint``/``TCP6ClientEndpoint``), ``unix``, each wrapped in TLS when ``tls`` is
True (the platform's trust roots), a dict (``hostname``, ``trust_root``: a PEM file), an
``IOpenSSLClientConnectionCreator`` (``optionsForClientTLS(...)``) or a ``CertificateOptions``;
an HTTP CONNECT ``proxy`` is connected to instead, and TLS starts inside the tunnel.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from twisted.internet import defer, endpoints
from twisted.internet.defer import CancelledError, Deferred
from wamp_core.exception import TransportLost

from wamp_twisted._txaio import global_reactor
from wamp_twisted.rawsocket import WampRawSocketClientFactory
from wamp_twisted.websocket import WampWebSocketClientFactory

__all__ = ["client_endpoint", "client_factory", "client_tls", "open_transport"]


def _trust_root(path: str) -> Any:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from twisted.internet import ssl

    with open(path, "rb") as file:
        certs = x509.load_pem_x509_certificates(file.read())
    return ssl.trustRootFromCertificates(  # type: ignore[no-untyped-call]
        [ssl.Certificate.loadPEM(cert.public_bytes(Encoding.PEM)) for cert in certs])


def client_tls(tls: Any, hostname: str | None) -> Any:
    """The TLS connection creator for an endpoint's ``tls``: True, a dict (``hostname``,
    ``trust_root``), a native creator or context factory (as is), or False/None (no TLS)."""
    if not tls:
        return None
    if tls is True or isinstance(tls, dict):
        from twisted.internet.ssl import optionsForClientTLS

        options = tls if isinstance(tls, dict) else {}
        root = options.get("trust_root")
        return optionsForClientTLS(options.get("hostname") or hostname or "localhost",
                                   trustRoot=_trust_root(root) if root else None)
    return tls


def _url_host(transport: Any) -> str | None:
    endpoint = transport.endpoint
    if isinstance(endpoint, dict) and endpoint.get("type") == "tcp":
        return str(endpoint["host"])
    return None


def client_factory(transport: Any, session_factory: Callable[[], Any], reactor: Any = None
                   ) -> Any:
    """The WAMP client factory for ``transport`` (options, headers and proxy applied)."""
    options = dict(transport.options or {})
    if transport.type == "rawsocket":
        factory: Any = WampRawSocketClientFactory(
            session_factory, serializer=transport.serializers[0], reactor=reactor)
    else:
        factory = WampWebSocketClientFactory(
            session_factory, url=transport.handshake_url(), serializers=transport.serializers,
            headers=transport.headers, proxy=transport.proxy, reactor=reactor)
        if transport.proxy is not None and isinstance(transport.endpoint, dict):
            factory.contextFactory = client_tls(transport.endpoint.get("tls"), factory.host)
    if options:
        factory.setProtocolOptions(**options)
    return factory


def client_endpoint(reactor: Any, transport: Any, factory: Any) -> Any:
    """The ``IStreamClientEndpoint`` to connect ``factory`` over (see the module text)."""
    endpoint = transport.endpoint
    if not isinstance(endpoint, dict):
        return endpoint  # a native endpoint, used as it is
    timeout = endpoint.get("timeout", 10)
    proxy = getattr(factory, "proxy", None)
    if proxy is not None:  # TLS (if any) starts inside the tunnel
        return endpoints.HostnameEndpoint(reactor, proxy["host"], proxy["port"], timeout)
    if endpoint["type"] == "unix":
        ep: Any = endpoints.UNIXClientEndpoint(reactor, endpoint["path"], timeout)  # type: ignore[no-untyped-call]
    else:
        kinds: dict[Any, Any] = {4: endpoints.TCP4ClientEndpoint,
                                 6: endpoints.TCP6ClientEndpoint}
        kind = kinds.get(endpoint.get("version"), endpoints.HostnameEndpoint)
        ep = kind(reactor, endpoint["host"], endpoint["port"], timeout)
    creator = client_tls(endpoint.get("tls"), getattr(factory, "host", None)
                         or _url_host(transport))
    return endpoints.wrapClientTLS(creator, ep) if creator is not None else ep


async def _within(d: Deferred[Any], timeout: float, reactor: Any) -> Any:
    d.addTimeout(timeout, reactor)
    return await d


async def open_transport(transport: Any, session_factory: Callable[[], Any],
                         reactor: Any = None) -> Any:
    """Connect and complete the opening handshake (see the module text); the protocol."""
    reactor = reactor if reactor is not None else global_reactor()
    endpoint = transport.endpoint
    timeout = endpoint.get("timeout", 10) if isinstance(endpoint, dict) else 10
    where = transport.url or transport.describe_endpoint()
    factory = client_factory(transport, session_factory, reactor)
    try:
        proto = await _within(client_endpoint(reactor, transport, factory).connect(factory),
                              timeout, reactor)
    except defer.TimeoutError:
        raise TimeoutError(f"{where}: no connection within {timeout} s") from None
    try:
        await _within(proto.is_open, timeout, reactor)
    except defer.TimeoutError:
        proto.dropConnection(abort=True)
        raise TimeoutError(f"{where}: no opening handshake within {timeout} s") from None
    except CancelledError:
        proto.dropConnection(abort=True)
        raise
    except Exception as exc:  # the reason _io_closed found (TLS error, refusal, peer error)
        if type(exc).__module__.startswith("OpenSSL"):
            raise
        raise TransportLost(f"{where}: the connection failed before the session could "
                            f"start: {exc}") from exc
    return proto
