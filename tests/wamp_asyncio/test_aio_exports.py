"""The public API of wamp_asyncio: __all__ everywhere, re-exported, interfaces implemented,
no Twisted imported."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest
import wamp_asyncio
from wamp_core.interfaces import ISession, ITransport
from zope.interface.verify import verifyClass

PUBLIC = sorted(info.name for info in pkgutil.iter_modules(wamp_asyncio.__path__, "wamp_asyncio.")
                if not info.name.rsplit(".", 1)[1].startswith("_"))


def test_public_modules_mirror_autobahn_asyncio() -> None:
    assert PUBLIC == ["wamp_asyncio.component", "wamp_asyncio.rawsocket", "wamp_asyncio.router",
                      "wamp_asyncio.wamp", "wamp_asyncio.websocket"]


@pytest.mark.parametrize("name", PUBLIC)
def test_every_module_is_re_exported(name: str) -> None:
    module = importlib.import_module(name)
    for item in module.__all__:
        assert getattr(module, item) is getattr(wamp_asyncio, item), f"{name}.{item}"


def test_package_all_is_exactly_the_modules_all() -> None:
    names = {"__version__"}
    for name in PUBLIC:
        names.update(importlib.import_module(name).__all__)
    assert sorted(wamp_asyncio.__all__) == sorted(names)


@pytest.mark.parametrize("cls", [wamp_asyncio.WampWebSocketServerProtocol,
                                 wamp_asyncio.WampWebSocketClientProtocol,
                                 wamp_asyncio.WampRawSocketServerProtocol,
                                 wamp_asyncio.WampRawSocketClientProtocol])
def test_wamp_protocols_are_transports(cls: type) -> None:
    assert verifyClass(ITransport, cls)


def test_session_is_an_isession() -> None:
    assert ISession.implementedBy(wamp_asyncio.ApplicationSession)


def test_importing_wamp_asyncio_never_imports_twisted() -> None:
    code = ("import wamp_asyncio, wamp_asyncio.__main__, sys; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'twisted'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True)
    assert out.stdout.strip() == "[]"
