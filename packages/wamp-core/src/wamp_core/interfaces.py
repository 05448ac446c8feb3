"""WAMP interfaces, declared with :mod:`zope.interface`, under Autobahn|Python's names.

Autobahn declares these as abstract base classes; here they are zope
interfaces. An implementation says so with a class decorator and is checked
with ``zope.interface.verify``::

    from zope.interface import implementer
    from zope.interface.verify import verifyObject

    @implementer(ISerializer)
    class JsonSerializer: ...

    verifyObject(ISerializer, JsonSerializer())

Properties are declared as :class:`zope.interface.Attribute`; methods list the
arguments an implementation must accept (``self`` is left out, as zope wants).
Methods documented as "may return a Deferred/Future" may answer synchronously
or with an awaitable of the framework in use.

Besides Autobahn's interfaces there are two for our embedded router
(:class:`IRouter`, :class:`IRouterFactory`), named as Crossbar.io names them.
"""

# zope interfaces subclass an untyped base ("misc"), declare methods without
# ``self`` ("misc") and with a docstring for a body ("empty-body"); mypy checks
# everything else.
# mypy: disable-error-code="misc,empty-body"

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zope.interface import Attribute, Interface  # type: ignore[import-untyped]

if TYPE_CHECKING:
    from wamp_core.types import (
        Challenge,
        CloseDetails,
        EncodedPayload,
        RegisterOptions,
        SessionDetails,
        SubscribeOptions,
    )

__all__ = [
    "IAuthenticator",
    "ICryptosignKey",
    "IEthereumKey",
    "IKey",
    "IMessage",
    "IObjectSerializer",
    "IPayloadCodec",
    "IPublication",
    "IRegistration",
    "IRouter",
    "IRouterFactory",
    "ISecurityModule",
    "ISerializer",
    "ISession",
    "ISubscription",
    "ITransport",
    "ITransportHandler",
]


# -- serialization --------------------------------------------------------


class IObjectSerializer(Interface):
    """Turns plain Python objects into bytes and back (JSON, MessagePack, CBOR ...).

    WAMP serializers (:class:`ISerializer`) use one for the message lists.
    """

    NAME = Attribute("The name of the format, e.g. ``'json'`` (read-only).")
    BINARY = Attribute(
        "``True`` when the output is binary, ``False`` when it is UTF-8 text (read-only)."
    )

    def serialize(obj: Any) -> bytes:
        """Return ``obj`` (lists, dicts, str, int, float, bool, None, bytes) as bytes."""

    def unserialize(payload: bytes) -> list[Any]:
        """Return the list of objects read from ``payload`` (one, or several when batched)."""


class ISerializer(Interface):
    """Turns WAMP messages into bytes for a transport, and bytes into messages."""

    MESSAGE_TYPE_MAP = Attribute("Map of WAMP message type codes to message classes.")
    SERIALIZER_ID = Attribute(
        "The WebSocket subprotocol suffix, e.g. ``'json'`` or ``'json.batched'``."
    )
    RAWSOCKET_SERIALIZER_ID = Attribute("The RawSocket serializer number, e.g. ``1`` for JSON.")
    PAYLOAD_SERIALIZER_ID = Attribute(
        "The format of the application payload (args, kwargs); usually SERIALIZER_ID, "
        "e.g. ``'cbor'`` inside a ``'flatbuffers'`` envelope."
    )
    MIME_TYPE = Attribute("The MIME type, e.g. ``'application/json'``.")

    def serialize(message: Any) -> tuple[bytes, bool]:
        """Return ``(payload, is_binary)`` for one :class:`IMessage`."""

    def unserialize(payload: bytes, is_binary: bool | None = None) -> list[Any]:
        """Return the list of :class:`IMessage` read from ``payload``.

        ``is_binary`` tells whether the transport received binary data (or text);
        a mismatch with the format raises ``ProtocolError``.
        """


class IMessage(Interface):
    """One WAMP message (HELLO, CALL, EVENT ...)."""

    MESSAGE_TYPE = Attribute("The WAMP message type code, e.g. ``48`` for CALL.")

    def parse(wmsg: list[Any]) -> Any:
        """Build a message from its unserialized list form (a static method).

        Raises ``ProtocolError`` when ``wmsg`` breaks the message's format.
        """

    def serialize(serializer: Any) -> bytes:
        """Return the message's bytes under ``serializer``, cached per serializer."""

    def uncache() -> None:
        """Drop the cached serializations (after the message changed)."""


# -- transport ------------------------------------------------------------


class ITransport(Interface):
    """A bidirectional, reliable, ordered, message-based channel carrying a WAMP session."""

    transport_details = Attribute(
        "The :class:`wamp_core.types.TransportDetails` of the open transport, or ``None``."
    )

    def send(message: Any) -> Any:
        """Send one :class:`IMessage` to the peer.

        Raises ``TransportLost`` when the transport is not open.
        """

    def isOpen() -> bool:
        """Return ``True`` while the transport is open for messages."""

    def close() -> Any:
        """Close the transport with its closing handshake (application-initiated close)."""

    def abort() -> None:
        """Drop the transport at once, without a handshake (fatal errors, protocol violations)."""


class ITransportHandler(Interface):
    """What a transport drives: a session (or a router-side session) above it."""

    def onOpen(transport: Any) -> Any:
        """The :class:`ITransport` is open. May return a Deferred/Future."""

    def onMessage(message: Any) -> Any:
        """One :class:`IMessage` arrived. May return a Deferred/Future.

        The handler must not keep the message for use after it returns.
        """

    def onClose(wasClean: bool) -> Any:
        """The transport closed; ``wasClean`` tells whether it closed regularly."""


# -- session --------------------------------------------------------------


class ISession(Interface):
    """A WAMP session: lifecycle callbacks plus call, register, publish and subscribe."""

    config = Attribute("The :class:`wamp_core.types.ComponentConfig` of the session.")
    transport = Attribute("The open :class:`ITransport`, or ``None`` when there is none.")
    session_details = Attribute(
        "The :class:`wamp_core.types.SessionDetails` given to ``onJoin``, or ``None``."
    )

    def onUserError(fail: Any, msg: str) -> None:
        """Application code raised: ``fail`` is a txaio failure, ``msg`` says where."""

    def onConnect() -> Any:
        """The transport is connected; the usual answer is ``self.join(realm)``."""

    def join(
        realm: str,
        authmethods: list[str] | None = None,
        authid: str | None = None,
        authrole: str | None = None,
        authextra: dict[str, Any] | None = None,
        resumable: bool | None = None,
        resume_session: int | None = None,
        resume_token: str | None = None,
    ) -> Any:
        """Send HELLO to attach the session to ``realm``."""

    def onChallenge(challenge: Challenge) -> Any:
        """Answer a :class:`wamp_core.types.Challenge` with the signature or secret (a str).

        May return a Deferred/Future.
        """

    def onWelcome(welcome: Any) -> Any:
        """WELCOME arrived: return ``None`` to go on, or an error message to abort.

        May return a Deferred/Future (mutual authentication checks run here).
        """

    def onJoin(details: SessionDetails) -> Any:
        """The session joined; ``details`` is a :class:`wamp_core.types.SessionDetails`.

        May return a Deferred/Future.
        """

    def leave(reason: str | None = None, message: str | None = None) -> Any:
        """Send GOODBYE (``reason`` a URI such as ``wamp.close.logout``)."""

    def onLeave(details: CloseDetails) -> Any:
        """The session left; ``details`` is a :class:`wamp_core.types.CloseDetails`."""

    def disconnect() -> Any:
        """Close the underlying transport."""

    def onDisconnect() -> Any:
        """The underlying transport closed."""

    def is_connected() -> bool:
        """Return ``True`` while the transport is connected."""

    def is_attached() -> bool:
        """Return ``True`` while the session is joined to a realm."""

    def set_payload_codec(payload_codec: Any) -> None:
        """Use an :class:`IPayloadCodec` for application payloads (``None`` removes it)."""

    def get_payload_codec() -> Any:
        """Return the current :class:`IPayloadCodec`, or ``None``."""

    def define(exception: type[BaseException], error: str | None = None) -> None:
        """Map an exception class to a WAMP error URI (``error``, or the class's own)."""

    def call(procedure: str, *args: Any, **kwargs: Any) -> Any:
        """Call ``procedure``; return a Deferred/Future of the result.

        One positional result comes back as is; several, or keyword results, as a
        :class:`wamp_core.types.CallResult`. An ``options=`` keyword takes a
        :class:`wamp_core.types.CallOptions`. Cancelling the Deferred/Future
        cancels the call. Errors arrive as ``ApplicationError``.
        """

    def register(
        endpoint: Any,
        procedure: str | None = None,
        options: RegisterOptions | None = None,
        prefix: str | None = None,
        check_types: bool | None = None,
    ) -> Any:
        """Register a callable under ``procedure``, or each decorated method of an object.

        Returns a Deferred/Future of an :class:`IRegistration` (or of a list of them).
        """

    def publish(topic: str, *args: Any, **kwargs: Any) -> Any:
        """Publish an event; ``options=`` takes a :class:`wamp_core.types.PublishOptions`.

        Returns ``None``, or a Deferred/Future of an :class:`IPublication` when
        the publication is acknowledged.
        """

    def subscribe(
        handler: Any,
        topic: str | None = None,
        options: SubscribeOptions | None = None,
        check_types: bool | None = None,
    ) -> Any:
        """Subscribe a callable to ``topic``, or each decorated method of an object.

        Returns a Deferred/Future of an :class:`ISubscription` (or of a list of them).
        """


class IPublication(Interface):
    """An acknowledged publication."""

    id = Attribute("The publication ID.")


class ISubscription(Interface):
    """A subscription made by :meth:`ISession.subscribe`."""

    id = Attribute("The subscription ID.")
    active = Attribute("``True`` until the subscription is unsubscribed.")

    def unsubscribe() -> Any:
        """Unsubscribe; return a Deferred/Future that fires when the broker confirmed."""


class IRegistration(Interface):
    """A registration made by :meth:`ISession.register`."""

    id = Attribute("The registration ID.")
    active = Attribute("``True`` until the registration is unregistered.")

    def unregister() -> Any:
        """Unregister; return a Deferred/Future that fires when the dealer confirmed."""


# -- authentication and keys ----------------------------------------------


class IAuthenticator(Interface):
    """A client-side authentication method (``anonymous``, ``ticket``, ``wampcra``,
    ``cryptosign``, ``scram``), as the Component's ``authentication=`` builds them."""

    name = Attribute("The authmethod announced in HELLO, e.g. ``'wampcra'``.")
    authextra = Attribute("The ``authextra`` dict sent in HELLO.")

    def on_challenge(session: Any, challenge: Challenge) -> Any:
        """Return the signature (str) for a :class:`wamp_core.types.Challenge`.

        May return a Deferred/Future.
        """

    def on_welcome(authextra: dict[str, Any] | None) -> str | None:
        """Check the WELCOME's ``authextra`` (mutual authentication).

        Return ``None`` when it is good, else an error message.
        """


class IKey(Interface):
    """An asymmetric signing or verification key, stored anywhere (file, HSM ...)."""

    security_module = Attribute("The :class:`ISecurityModule` holding the key, or ``None``.")
    key_no = Attribute("The key's number in its security module, or ``None``.")
    key_type = Attribute("``'ed25519'`` (WAMP-cryptosign) or ``'eth'`` (Ethereum).")

    def public_key(binary: bool = False) -> str | bytes:
        """Return the public key, as hex text or (``binary=True``) bytes."""

    def can_sign() -> bool:
        """Return ``True`` when the key holds a private part and can sign."""

    def sign(data: bytes) -> Any:
        """Return a Deferred/Future of the signature over ``data`` (bytes)."""

    def recover(data: bytes, signature: bytes) -> Any:
        """Return a Deferred/Future of the public key that made ``signature`` over ``data``."""


class ICryptosignKey(IKey):
    """A WAMP-cryptosign (Ed25519) key."""

    def sign_challenge(
        challenge: Challenge, channel_id: bytes | None = None, channel_id_type: str | None = None
    ) -> Any:
        """Return a Deferred/Future of the signature answering a cryptosign challenge.

        With ``channel_id`` (bytes) and ``channel_id_type`` (e.g. ``'tls-unique'``)
        the signature binds the session to the TLS channel.
        """

    def verify_challenge(
        challenge: Challenge,
        signature: bytes,
        channel_id: bytes | None = None,
        channel_id_type: str | None = None,
    ) -> Any:
        """Return ``True`` when ``signature`` answers ``challenge`` under this key."""


class IEthereumKey(IKey):
    """An Ethereum (secp256k1) key, for WAMP-XBR signatures."""

    def address(binary: bool = False) -> str | bytes:
        """Return the Ethereum address, as checksummed ``0x`` text or 20 bytes."""

    def sign_typed_data(data: dict[str, Any]) -> Any:
        """Return a Deferred/Future of the EIP-712 signature over ``data``."""

    def verify_typed_data(
        data: dict[str, Any], signature: bytes, signer_address: str | bytes
    ) -> Any:
        """Return ``True`` when ``signature`` over ``data`` is from ``signer_address``."""


class ISecurityModule(Interface):
    """A key store (file or hardware) that holds keys and signs with them.

    Keys are numbered; the module behaves as a mapping ``key_no -> IKey``.
    Methods documented as asynchronous return a Deferred/Future.
    """

    is_open = Attribute("``True`` while the module is open.")
    can_lock = Attribute("``True`` when the module can be locked (passphrase, PIN).")
    is_locked = Attribute("``True`` while the module is locked.")

    def __len__() -> int:
        """Return the number of keys stored."""

    def __contains__(key_no: int) -> bool:
        """Return ``True`` when a key is stored under ``key_no``."""

    def __getitem__(key_no: int) -> Any:
        """Return the :class:`ICryptosignKey` or :class:`IEthereumKey` under ``key_no``."""

    def __setitem__(key_no: int, key: Any) -> None:
        """Store ``key`` under ``key_no``."""

    def __delitem__(key_no: int) -> None:
        """Remove the key under ``key_no``."""

    def open() -> Any:
        """Open the module (asynchronous)."""

    def close() -> Any:
        """Close the module (asynchronous)."""

    def lock() -> Any:
        """Lock the module (asynchronous)."""

    def unlock() -> Any:
        """Unlock the module (asynchronous)."""

    def create_key(key_type: str) -> Any:
        """Create a key pair of ``key_type`` and return its number."""

    def delete_key(key_no: int) -> Any:
        """Delete the key pair under ``key_no``."""

    def get_random(octets: int) -> Any:
        """Return ``octets`` random bytes made by the module."""

    def get_counter(counter_no: int) -> Any:
        """Return the value of a persistent counter (``0`` if never incremented)."""

    def increment_counter(counter_no: int) -> Any:
        """Increment a persistent counter and return its new value."""


class IPayloadCodec(Interface):
    """Encodes and decodes application payloads in payload transparency mode
    (end-to-end encryption, custom serialization, MQTT bridging)."""

    def encode(
        is_originating: bool,
        uri: str,
        args: list[Any] | None = None,
        kwargs: dict[str, Any] | None = None,
    ) -> EncodedPayload | None:
        """Return a :class:`wamp_core.types.EncodedPayload` for ``args`` and ``kwargs``,
        or ``None`` to send them unencoded.

        ``is_originating`` is ``True`` for a caller or publisher; ``uri`` is the
        procedure or topic.
        """

    def decode(
        is_originating: bool, uri: str, encoded_payload: EncodedPayload
    ) -> tuple[str, list[Any] | None, dict[str, Any] | None]:
        """Return ``(uri, args, kwargs)`` decoded from an
        :class:`wamp_core.types.EncodedPayload`."""


# -- embedded router (provisional) ----------------------------------------


class IRouter(Interface):
    """One realm of a router: attaches sessions and routes their messages.

    Provisional: the embedded router may extend it.
    """

    realm = Attribute("The realm name this router serves.")

    def attach(session: Any) -> Any:
        """Attach a joined router-side session; return its roles as the router sees them."""

    def detach(session: Any = None) -> Any:
        """Detach one session (or every session when ``None``); return the detached IDs."""

    def process(session: Any, message: Any) -> None:
        """Route one :class:`IMessage` received from an attached ``session``."""

    def authorize(session: Any, uri: str, action: str, options: dict[str, Any]) -> Any:
        """Decide whether ``session`` may ``action`` (``'call'``, ``'register'``,
        ``'publish'``, ``'subscribe'``) on ``uri``. May return a Deferred/Future."""


class IRouterFactory(Interface):
    """Makes and keeps the :class:`IRouter` of each realm.

    Provisional: the embedded router may extend it.
    """

    def get(realm: str) -> Any:
        """Return the :class:`IRouter` of ``realm``; raise ``KeyError`` for an unknown realm."""

    def __getitem__(realm: str) -> Any:
        """The same as :meth:`get`."""

    def __contains__(realm: str) -> bool:
        """Return ``True`` when ``realm`` is served."""

    def start_realm(realm: Any) -> Any:
        """Start serving ``realm`` (a name or a realm configuration); return its router."""

    def stop_realm(realm: str) -> Any:
        """Stop serving ``realm``, detaching its sessions."""
