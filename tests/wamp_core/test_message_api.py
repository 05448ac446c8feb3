"""The message API matches Autobahn|Python's names; every module's __all__ is complete."""

from __future__ import annotations

import importlib
import inspect
import types

import pytest
from wamp_core import message
from wamp_core.message import MESSAGE_CLASSES, Message

# Autobahn|Python 26.10 constructor parameters, in order (without from_fbs).
AUTOBAHN_SIGNATURES = {
    "Hello": "realm roles authmethods authid authrole authextra resumable resume_session "
             "resume_token",
    "Welcome": "session roles realm authid authrole authmethod authprovider authextra resumed "
               "resumable resume_token custom",
    "Abort": "reason message",
    "Challenge": "method extra",
    "Authenticate": "signature extra",
    "Goodbye": "reason message resumable",
    "Error": "request_type request error args kwargs payload enc_algo enc_key enc_serializer "
             "callee callee_authid callee_authrole forward_for",
    "Publish": "request topic args kwargs payload acknowledge exclude_me exclude exclude_authid "
               "exclude_authrole eligible eligible_authid eligible_authrole retain "
               "transaction_hash enc_algo enc_key enc_serializer forward_for",
    "Published": "request publication",
    "Subscribe": "request topic match get_retained forward_for",
    "Subscribed": "request subscription",
    "Unsubscribe": "request subscription forward_for",
    "Unsubscribed": "request subscription reason",
    "Event": "subscription publication args kwargs payload publisher publisher_authid "
             "publisher_authrole topic retained transaction_hash x_acknowledged_delivery "
             "enc_algo enc_key enc_serializer forward_for",
    "Call": "request procedure args kwargs payload timeout receive_progress transaction_hash "
            "enc_algo enc_key enc_serializer caller caller_authid caller_authrole forward_for",
    "Cancel": "request mode forward_for",
    "Result": "request args kwargs payload progress enc_algo enc_key enc_serializer callee "
              "callee_authid callee_authrole forward_for",
    "Register": "request procedure match invoke concurrency force_reregister forward_for",
    "Registered": "request registration",
    "Unregister": "request registration forward_for",
    "Unregistered": "request registration reason",
    "Invocation": "request registration args kwargs payload timeout receive_progress caller "
                  "caller_authid caller_authrole procedure transaction_hash enc_algo enc_key "
                  "enc_serializer forward_for",
    "Interrupt": "request mode reason forward_for",
    "Yield": "request args kwargs payload progress enc_algo enc_key enc_serializer callee "
             "callee_authid callee_authrole forward_for",
}

# What we add, keyword-only, after Autobahn's parameters.
EXTRAS = {
    "Hello": "agent custom", "Welcome": "agent", "Abort": "custom", "Goodbye": "custom",
    "Error": "enc_cipher custom", "Publish": "disclose_me enc_cipher custom",
    "Subscribe": "custom", "Unsubscribe": "custom", "Event": "trustlevel enc_cipher custom",
    "Call": "progress disclose_me enc_cipher custom", "Cancel": "custom",
    "Result": "enc_cipher custom", "Register": "disclose_caller custom", "Unregister": "custom",
    "Invocation": "progress trustlevel enc_cipher custom", "Interrupt": "custom",
    "Yield": "enc_cipher custom",
}


@pytest.mark.parametrize("cls", MESSAGE_CLASSES.values(), ids=lambda c: c.__name__)
def test_constructor_matches_autobahn(cls: type[Message]) -> None:
    params = list(inspect.signature(cls).parameters.values())
    positional = [p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD]
    keyword_only = [p.name for p in params if p.kind is p.KEYWORD_ONLY]
    assert positional == AUTOBAHN_SIGNATURES[cls.__name__].split()
    assert keyword_only == EXTRAS.get(cls.__name__, "").split()


@pytest.mark.parametrize("cls", MESSAGE_CLASSES.values(), ids=lambda c: c.__name__)
def test_attributes_named_like_the_parameters(cls: type[Message]) -> None:
    slots = set(cls.__slots__)
    for name in inspect.signature(cls).parameters:
        assert name in slots
    assert not hasattr(cls, "__dict__") or "__dict__" not in cls.__dict__.get("__slots__", ())
    msg = message.parse(_minimal_wire(cls))
    with pytest.raises(AttributeError):
        msg.not_an_attribute = 1  # type: ignore[attr-defined]


def _minimal_wire(cls: type[Message]) -> list[object]:
    return {
        1: [1, "realm1", {"roles": {"caller": {}}}], 2: [2, 1, {"roles": {"broker": {}}}],
        3: [3, {}, "a.b"], 4: [4, "ticket", {}], 5: [5, "s", {}], 6: [6, {}, "a.b"],
        8: [8, 48, 1, {}, "a.b"], 16: [16, 1, {}, "a.b"], 17: [17, 1, 2],
        32: [32, 1, {}, "a.b"], 33: [33, 1, 2], 34: [34, 1, 2], 35: [35, 1],
        36: [36, 1, 2, {}], 48: [48, 1, {}, "a.b"], 49: [49, 1, {}], 50: [50, 1, {}],
        64: [64, 1, {}, "a.b"], 65: [65, 1, 2], 66: [66, 1, 2], 67: [67, 1],
        68: [68, 1, 2, {}], 69: [69, 1, {}], 70: [70, 1, {}],
    }[cls.MESSAGE_TYPE]


MODULES = [
    "wamp_core.exception",
    "wamp_core.uri",
    "wamp_core.util",
    "wamp_core.message",
    "wamp_core.message.session",
    "wamp_core.message.pubsub",
    "wamp_core.message.rpc",
    "wamp_core.message.registration",
    "wamp_core.message.error",
]


def _public_names(mod: types.ModuleType) -> set[str]:
    names = set()
    for name, value in vars(mod).items():
        if name.startswith("_") or isinstance(value, types.ModuleType):
            continue
        if name == "annotations":  # from __future__ import annotations
            continue
        defined_here = getattr(value, "__module__", mod.__name__) == mod.__name__
        if defined_here or name in getattr(mod, "__all__", ()):
            names.add(name)
    return names


@pytest.mark.parametrize("name", MODULES)
def test_all_lists_the_public_names(name: str) -> None:
    mod = importlib.import_module(name)
    exported = set(mod.__all__)
    for item in exported:
        assert hasattr(mod, item), f"{name}.__all__ names missing {item}"
    classes_and_functions = {
        n for n, v in vars(mod).items()
        if not n.startswith("_") and (inspect.isclass(v) or inspect.isfunction(v))
        and v.__module__ == name
    }
    assert classes_and_functions <= exported, classes_and_functions - exported


def test_message_package_exports() -> None:
    exported = set(message.__all__)
    assert {cls.__name__ for cls in MESSAGE_CLASSES.values()} <= exported
    assert {"MESSAGE_CLASSES", "Message", "parse", "check_or_raise_uri", "check_or_raise_id",
            "check_or_raise_extra", "check_or_raise_realm_name",
            "identify_realm_name_category", "is_valid_enc_algo",
            "is_valid_enc_serializer"} <= exported
    assert _public_names(message) >= exported


def test_compat_helpers() -> None:
    from wamp_core.exception import InvalidUriError, ProtocolError

    assert message.check_or_raise_id(0) == 0
    with pytest.raises(ProtocolError, match="for ID"):
        message.check_or_raise_id(True)
    with pytest.raises(ProtocolError, match="for ID"):
        message.check_or_raise_id(2**53 + 1)
    assert message.check_or_raise_extra({"a": 1}) == {"a": 1}
    with pytest.raises(ProtocolError, match="WAMP extra"):
        message.check_or_raise_extra({1: 1})
    with pytest.raises(ProtocolError, match="WAMP extra"):
        message.check_or_raise_extra([])
    assert message.is_valid_enc_algo("cryptobox")
    assert message.is_valid_enc_algo("x_mine")
    assert not message.is_valid_enc_algo("other")
    assert message.is_valid_enc_serializer("cbor")
    assert not message.is_valid_enc_serializer(1)
    with pytest.raises(InvalidUriError):
        message.check_or_raise_uri("a..b")
