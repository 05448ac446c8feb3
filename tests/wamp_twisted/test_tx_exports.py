"""The public API of wamp_twisted: the same modules and names as wamp_asyncio (plus Autobahn's
Twisted-only helpers), __all__ everywhere, re-exported, interfaces implemented, no asyncio
event loop needed and no txaio framework switch."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest
import wamp_twisted
from wamp_core.interfaces import ISession, ITransport
from zope.interface.verify import verifyClass

PUBLIC = sorted(info.name for info in pkgutil.iter_modules(wamp_twisted.__path__, "wamp_twisted.")
                if not info.name.rsplit(".", 1)[1].startswith("_"))
TWISTED_ONLY = {"WebSocketResource", "WSGIRootResource", "connectWS", "listenWS"}
# the framework's own names: asyncio.Protocol's callbacks and the factories' ``loop``
# (Twisted: ``dataReceived`` ..., ``reactor``)
ASYNCIO_NATIVE = {*dir(__import__("asyncio").Protocol), "loop"}


def test_public_modules_mirror_wamp_asyncio() -> None:
    assert PUBLIC == ["wamp_twisted.component", "wamp_twisted.rawsocket",
                      "wamp_twisted.router", "wamp_twisted.wamp", "wamp_twisted.websocket"]


@pytest.mark.parametrize("name", [n.split(".")[1] for n in PUBLIC])
def test_every_module_has_the_names_of_its_asyncio_twin(name: str) -> None:
    pytest.importorskip("wamp_asyncio.component")  # not in the wamp-twisted-only env
    ours = importlib.import_module(f"wamp_twisted.{name}")
    twin = importlib.import_module(f"wamp_asyncio.{name}")
    assert set(ours.__all__) - TWISTED_ONLY == set(twin.__all__)
    for item in twin.__all__:
        ours_item, twin_item = getattr(ours, item), getattr(twin, item)
        if isinstance(twin_item, type):  # same public methods on both frameworks
            public = {m for m in dir(twin_item) if not m.startswith("_")} - ASYNCIO_NATIVE
            missing = public - set(dir(ours_item))
            assert not missing, f"{name}.{item} lacks {sorted(missing)}"


@pytest.mark.parametrize("name", PUBLIC)
def test_every_module_is_re_exported(name: str) -> None:
    module = importlib.import_module(name)
    for item in module.__all__:
        assert getattr(module, item) is getattr(wamp_twisted, item), f"{name}.{item}"


def test_package_all_is_exactly_the_modules_all() -> None:
    names = {"__version__"}
    for name in PUBLIC:
        names.update(importlib.import_module(name).__all__)
    assert sorted(wamp_twisted.__all__) == sorted(names)
    pytest.importorskip("wamp_asyncio.component")
    wamp_asyncio = importlib.import_module("wamp_asyncio")
    assert set(wamp_twisted.__all__) - TWISTED_ONLY == set(wamp_asyncio.__all__)


@pytest.mark.parametrize("cls", [wamp_twisted.WampWebSocketServerProtocol,
                                 wamp_twisted.WampWebSocketClientProtocol,
                                 wamp_twisted.WampRawSocketServerProtocol,
                                 wamp_twisted.WampRawSocketClientProtocol])
def test_wamp_protocols_are_transports(cls: type) -> None:
    assert verifyClass(ITransport, cls)


def test_session_is_an_isession() -> None:
    assert ISession.implementedBy(wamp_twisted.ApplicationSession)


def test_importing_never_flips_txaio_or_installs_a_reactor() -> None:
    code = ("import txaio, sys, wamp_twisted, wamp_twisted.__main__; "
            "print(txaio.using_twisted, txaio.using_asyncio, "
            "'twisted.internet.reactor' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True)
    assert out.stdout.split() == ["False", "False", "False"]
