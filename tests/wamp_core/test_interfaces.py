"""wamp_core.interfaces: well-formed zope interfaces with Autobahn's names and methods."""

from __future__ import annotations

from typing import Any

import pytest
from wamp_core import interfaces
from wamp_core.interfaces import (
    IAuthenticator,
    ICryptosignKey,
    IKey,
    IMessage,
    IObjectSerializer,
    IPayloadCodec,
    ISerializer,
    ISession,
    ITransport,
    ITransportHandler,
)
from wamp_core.types import Challenge, EncodedPayload
from zope.interface import Attribute, implementer
from zope.interface.exceptions import BrokenImplementation, BrokenMethodImplementation, Invalid
from zope.interface.interface import InterfaceClass, Method
from zope.interface.verify import verifyClass, verifyObject

ALL = [getattr(interfaces, name) for name in interfaces.__all__]


def members(iface: InterfaceClass) -> dict[str, Any]:
    return {name: iface[name] for name in iface.names(all=True)}


def make_implementer(iface: InterfaceClass) -> type:
    """A class providing ``iface``, with each method taking exactly the declared arguments."""
    namespace: dict[str, Any] = {}
    for name, member in members(iface).items():
        if isinstance(member, Method):
            info = member.getSignatureInfo()
            params = ["self", *info["required"]]
            params += [f"{opt}=None" for opt in info["optional"]]
            if info["varargs"]:
                params.append(f"*{info['varargs']}")
            if info["kwargs"]:
                params.append(f"**{info['kwargs']}")
            exec(f"def {name}({', '.join(params)}): return None", namespace)
        else:
            namespace[name] = None
    namespace.pop("__builtins__", None)
    return implementer(iface)(type(f"Dummy{iface.__name__}", (), namespace))


# -- the module ------------------------------------------------------------------


def test_autobahns_interfaces_are_all_here() -> None:
    assert set(interfaces.__all__) >= {
        "IObjectSerializer", "ISerializer", "IMessage", "ITransport", "ITransportHandler",
        "ISession", "IAuthenticator", "IKey", "ICryptosignKey", "IEthereumKey",
        "ISecurityModule", "IPayloadCodec", "IPublication", "ISubscription", "IRegistration",
    }
    assert all(isinstance(iface, InterfaceClass) for iface in ALL)


@pytest.mark.parametrize("iface", ALL, ids=lambda iface: iface.__name__)
def test_every_interface_and_member_is_documented(iface: InterfaceClass) -> None:
    assert iface.__doc__ and iface.__doc__.strip()
    for name, member in members(iface).items():
        assert member.getDoc().strip(), f"{iface.__name__}.{name}"


@pytest.mark.parametrize("iface", ALL, ids=lambda iface: iface.__name__)
def test_a_matching_implementation_verifies(iface: InterfaceClass) -> None:
    cls = make_implementer(iface)
    assert verifyClass(iface, cls)
    assert verifyObject(iface, cls())
    assert iface.providedBy(cls())


@pytest.mark.parametrize("iface", ALL, ids=lambda iface: iface.__name__)
def test_a_missing_member_fails_verification(iface: InterfaceClass) -> None:
    """Every interface declares something: leaving one member out is caught."""
    cls = make_implementer(iface)
    name = sorted(members(iface))[0]
    delattr(cls, name)
    with pytest.raises(Invalid):
        verifyObject(iface, cls())


# -- the shapes Autobahn users rely on ------------------------------------------------


def test_session_members_are_autobahns() -> None:
    assert set(ISession.names()) == {
        "config", "transport", "session_details", "onUserError", "onConnect", "join",
        "onChallenge", "onWelcome", "onJoin", "leave", "onLeave", "disconnect", "onDisconnect",
        "is_connected", "is_attached", "set_payload_codec", "get_payload_codec", "define",
        "call", "register", "publish", "subscribe",
    }
    assert isinstance(ISession["config"], Attribute)
    assert ISession["call"].getSignatureString() == "(procedure, *args, **kwargs)"
    assert ISession["register"].getSignatureString() == (
        "(endpoint, procedure=None, options=None, prefix=None, check_types=None)"
    )
    assert ISession["subscribe"].getSignatureString() == (
        "(handler, topic=None, options=None, check_types=None)"
    )
    assert ISession["leave"].getSignatureString() == "(reason=None, message=None)"
    join = ISession["join"].getSignatureInfo()
    assert join["required"] == ("realm",)
    assert join["optional"] == {name: None for name in (
        "authmethods", "authid", "authrole", "authextra", "resumable", "resume_session",
        "resume_token",
    )}


def test_transport_members_are_autobahns() -> None:
    assert set(ITransport.names()) == {"send", "isOpen", "transport_details", "close", "abort"}
    assert set(ITransportHandler.names()) == {"onOpen", "onMessage", "onClose"}
    assert set(ISerializer.names()) == {
        "MESSAGE_TYPE_MAP", "SERIALIZER_ID", "RAWSOCKET_SERIALIZER_ID", "PAYLOAD_SERIALIZER_ID",
        "MIME_TYPE", "serialize", "unserialize",
    }
    assert ISerializer["unserialize"].getSignatureString() == "(payload, is_binary=None)"
    assert set(IObjectSerializer.names()) == {"NAME", "BINARY", "serialize", "unserialize"}
    assert set(IMessage.names()) == {"MESSAGE_TYPE", "parse", "serialize", "uncache"}


def test_cryptosign_key_extends_key() -> None:
    assert ICryptosignKey.extends(IKey)
    assert set(ICryptosignKey.names(all=True)) >= {
        "security_module", "key_no", "key_type", "public_key", "can_sign", "sign", "recover",
        "sign_challenge", "verify_challenge",
    }
    assert ICryptosignKey["sign_challenge"].getSignatureString() == (
        "(challenge, channel_id=None, channel_id_type=None)"
    )


# -- hand-written implementations, as the rest of the library will write them -----


@implementer(IObjectSerializer)
class ReprSerializer:
    NAME = "repr"
    BINARY = False

    def serialize(self, obj: Any) -> bytes:
        return repr(obj).encode()

    def unserialize(self, payload: bytes) -> list[Any]:
        return [eval(payload.decode())]


@implementer(IAuthenticator)
class TicketAuthenticator:
    name = "ticket"

    def __init__(self, ticket: str) -> None:
        self.authextra: dict[str, Any] = {}
        self._ticket = ticket

    def on_challenge(self, session: Any, challenge: Challenge) -> str:
        return self._ticket

    def on_welcome(self, authextra: dict[str, Any] | None) -> str | None:
        return None


@implementer(IPayloadCodec)
class ReversingCodec:
    def encode(self, is_originating: bool, uri: str, args: list[Any] | None = None,
               kwargs: dict[str, Any] | None = None) -> EncodedPayload:
        return EncodedPayload(repr((args, kwargs)).encode()[::-1], "reverse")

    def decode(self, is_originating: bool, uri: str,
               encoded_payload: EncodedPayload) -> tuple[str, Any, Any]:
        args, kwargs = eval(encoded_payload.payload[::-1].decode())
        return uri, args, kwargs


def test_hand_written_implementations_verify_and_work() -> None:
    serializer = ReprSerializer()
    assert verifyObject(IObjectSerializer, serializer)
    assert serializer.unserialize(serializer.serialize([1, "a"])) == [[1, "a"]]

    auth = TicketAuthenticator("secret")
    assert verifyObject(IAuthenticator, auth)
    assert auth.on_challenge(None, Challenge("ticket")) == "secret"

    codec = ReversingCodec()
    assert verifyObject(IPayloadCodec, codec)
    encoded = codec.encode(True, "com.x", [1], {"k": 2})
    assert codec.decode(False, "com.x", encoded) == ("com.x", [1], {"k": 2})


def test_a_wrong_signature_fails_verification() -> None:
    @implementer(ITransportHandler)
    class Handler:
        def onOpen(self) -> None:  # the transport argument is missing
            return None

        def onMessage(self, message: Any) -> None:
            return None

        def onClose(self, wasClean: bool) -> None:
            return None

    with pytest.raises(BrokenMethodImplementation):
        verifyObject(ITransportHandler, Handler())

    @implementer(IAuthenticator)
    class NoName:
        authextra: dict[str, Any] = {}

        def on_challenge(self, session: Any, challenge: Any) -> str:
            return ""

        def on_welcome(self, authextra: Any) -> None:
            return None

    with pytest.raises(BrokenImplementation):
        verifyObject(IAuthenticator, NoName())
