"""Authentication through the session: challenge -> authenticate -> welcome, failures named."""

from __future__ import annotations

import base64
import logging
from typing import Any

import pytest
from _session_harness import ROUTER_ROLES, Harness, attach, flavours, run
from wamp_core import _scram, auth
from wamp_core.cryptosign import CryptosignKey
from wamp_core.message import Abort, Authenticate, Challenge, Hello, Welcome
from wamp_core.protocol import ApplicationSession
from wamp_core.types import CloseDetails, ComponentConfig

SEED = "4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510"
CHANNEL = bytes(range(32))


class Watched(ApplicationSession):
    def __init__(self, *authenticators: Any) -> None:
        super().__init__(ComponentConfig(realm="realm1"))
        self.left: list[CloseDetails] = []
        self.joined: list[Any] = []
        for authenticator in authenticators:
            self.add_authenticator(authenticator)

    def onJoin(self, details: Any) -> None:
        self.joined.append(details)

    def onLeave(self, details: CloseDetails) -> Any:
        self.left.append(details)
        return super().onLeave(details)


async def hello(h: Harness, s: Any, **pipe: Any) -> tuple[Any, Any, Hello]:
    router, p = attach(h, s, **pipe)
    await h.settle()
    return router, p, router.expect(Hello)


@flavours
def test_ticket(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = Watched(auth.create_authenticator("ticket", authid="joe", authrole="user",
                                              ticket="s3cret"))
        router, _, msg = await hello(h, s)
        assert (msg.authmethods, msg.authid, msg.authrole) == (["ticket"], "joe", "user")
        router.send(Challenge("ticket"))
        await h.settle()
        assert router.expect(Authenticate).signature == "s3cret"
        router.send(Welcome(1, ROUTER_ROLES, authid="joe", authrole="user",
                            authmethod="ticket", authprovider="static"))
        await h.settle()
        (details,) = s.joined
        assert (details.authid, details.authmethod, details.authprovider) == \
            ("joe", "ticket", "static")

    run(flavour, scenario)


@flavours
def test_several_methods_and_salted_wampcra(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = Watched(auth.create_authenticator("ticket", authid="joe", ticket="t"),
                    auth.create_authenticator("wampcra", authid="joe", secret="secret2"))
        router, _, msg = await hello(h, s)
        assert msg.authmethods == ["ticket", "wampcra"] and msg.authid == "joe"
        challenge = '{"authid": "joe", "nonce": "abc"}'
        router.send(Challenge("wampcra", {"challenge": challenge, "salt": "NaCl",
                                          "iterations": 10, "keylen": 32}))
        await h.settle()
        key = auth.derive_key("secret2", "NaCl", 10, 32)
        assert router.expect(Authenticate).signature == auth.compute_wcs(key, challenge).decode()

    run(flavour, scenario)


@flavours
def test_cryptosign_with_channel_binding(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = Watched(auth.create_authenticator(
            "cryptosign", authid="client01", privkey=SEED,
            authextra={"channel_binding": "tls-unique"}))
        router, _, msg = await hello(h, s, channel_id={"tls-unique": CHANNEL})
        key = CryptosignKey.from_seed(SEED)
        assert msg.authextra == {"pubkey": key.public_key(), "channel_binding": "tls-unique"}
        extra = {"challenge": "a5" * 32, "channel_binding": "tls-unique"}
        router.send(Challenge("cryptosign", extra))
        await h.settle()
        signature = router.expect(Authenticate).signature
        from wamp_core.types import Challenge as ChallengeType
        assert key.verify_challenge(ChallengeType("cryptosign", extra), signature, CHANNEL,
                                    "tls-unique")

    run(flavour, scenario)


def _scram_challenge(client_nonce: str) -> dict[str, Any]:
    server_nonce = base64.b64encode(base64.b64decode(client_nonce) + b"router").decode()
    return {"nonce": server_nonce, "salt": base64.b64encode(b"salt" * 4).decode(),
            "kdf": "pbkdf2", "iterations": 20}


@flavours
@pytest.mark.parametrize("good", [True, False], ids=["good-signature", "bad-signature"])
def test_scram_checks_the_router_in_welcome(flavour: str, good: bool) -> None:
    async def scenario(h: Harness) -> None:
        scram = auth.create_authenticator("scram", authid="alice", password="pw")
        s = Watched(scram)
        router, pipe, msg = await hello(h, s)
        router.send(Challenge("scram", _scram_challenge(msg.authextra["nonce"])))
        await h.settle()
        router.expect(Authenticate)
        _, _, server_key = _scram.scram_keys(scram._salted_password)
        signature = _scram.hmac_sha256(server_key, scram._auth_message) if good else b"x" * 32
        router.send(Welcome(7, ROUTER_ROLES, authid="alice", authmethod="scram",
                            authextra={"scram_server_signature":
                                       base64.b64encode(signature).decode()}))
        await h.settle()
        if good:
            assert len(s.joined) == 1 and s.is_attached()
            return
        abort = router.expect(Abort)
        assert abort.reason == "wamp.error.cannot_authenticate"
        assert abort.message == "Verification of server SCRAM signature failed"
        assert s.joined == [] and s.left[0].reason == "wamp.error.cannot_authenticate"
        assert pipe.closed

    run(flavour, scenario)


@flavours
def test_refused_authentication_names_the_method(flavour: str,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    async def scenario(h: Harness) -> None:
        s = Watched(auth.create_authenticator("ticket", authid="joe", ticket="wrong"))
        router, pipe, _ = await hello(h, s)
        router.send(Challenge("ticket"))
        await h.settle()
        router.expect(Authenticate)
        router.send(Abort("wamp.error.not_authorized", "invalid ticket"))
        await h.settle()
        (details,) = s.left
        assert details.reason == "wamp.error.not_authorized"
        assert details.message == (
            "invalid ticket (authentication failed: the router answered "
            "wamp.error.not_authorized to authmethod 'ticket' for authid 'joe' on realm "
            "'realm1')")
        assert pipe.closed

    with caplog.at_level(logging.WARNING):
        run(flavour, scenario)
    assert "joining failed: invalid ticket" in caplog.text


@flavours
def test_refused_hello_names_the_offered_methods(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = Watched(auth.create_authenticator("ticket", authid="joe", ticket="t"))
        router, _, _ = await hello(h, s)
        router.send(Abort("wamp.error.no_auth_method"))
        await h.settle()
        assert s.left[0].message == (
            "no message (authentication failed: the router answered wamp.error.no_auth_method "
            "to authmethods ['ticket'] for authid 'joe' on realm 'realm1')")

    run(flavour, scenario)


@flavours
def test_challenge_for_a_method_not_offered(flavour: str,
                                            caplog: pytest.LogCaptureFixture) -> None:
    async def scenario(h: Harness) -> None:
        s = Watched(auth.create_authenticator("ticket", authid="joe", ticket="t"))
        router, _, _ = await hello(h, s)
        router.send(Challenge("wampcra", {"challenge": "x"}))
        await h.settle()
        abort = router.expect(Abort)
        assert abort.reason == "wamp.error.cannot_authenticate"
        assert abort.message.startswith("authentication with authmethod 'wampcra' failed: "
                                        "received a challenge for authmethod 'wampcra'")
        assert s.left[0].reason == "wamp.error.cannot_authenticate"

    with caplog.at_level(logging.ERROR):
        run(flavour, scenario)
    assert "Authentication failed" in caplog.text


@flavours
def test_onchallenge_override_and_bytes_signature(flavour: str) -> None:
    class Custom(ApplicationSession):
        def onConnect(self) -> None:
            self.join("realm1", authmethods=["ticket"], authid="me")

        async def onChallenge(self, challenge: Any) -> bytes:
            return f"sig-for-{challenge.method}".encode()

    async def scenario(h: Harness) -> None:
        s = Custom()
        router, _, msg = await hello(h, s)
        assert msg.authmethods == ["ticket"] and msg.authid == "me"
        router.send(Challenge("ticket"))
        await h.settle()
        assert router.expect(Authenticate).signature == "sig-for-ticket"

    run(flavour, scenario)


@flavours
def test_no_authenticator_and_no_onchallenge(flavour: str) -> None:
    async def scenario(h: Harness) -> None:
        s = Watched()
        router, _, msg = await hello(h, s)
        assert msg.authmethods is None
        router.send(Challenge("ticket"))
        await h.settle()
        abort = router.expect(Abort)
        assert "onChallenge is not implemented" in abort.message

    run(flavour, scenario)


@flavours
def test_onwelcome_refusal(flavour: str) -> None:
    class Picky(Watched):
        def onWelcome(self, welcome: Any) -> str | None:
            return "wrong router" if welcome.authprovider != "trusted" else None

    async def scenario(h: Harness) -> None:
        s = Picky()
        router, _, _ = await hello(h, s)
        router.send(Welcome(1, ROUTER_ROLES, authprovider="evil"))
        await h.settle()
        abort = router.expect(Abort)
        assert (abort.reason, abort.message) == ("wamp.error.cannot_authenticate", "wrong router")
        assert s.joined == [] and s.left[0].message == "wrong router"

    run(flavour, scenario)


def test_inconsistent_authenticators() -> None:
    s = ApplicationSession()
    s.add_authenticator(auth.create_authenticator("ticket", authid="joe", ticket="t"))
    with pytest.raises(ValueError, match="Inconsistent authids"):
        s.add_authenticator(auth.create_authenticator("wampcra", authid="bob", secret="s"))
    s.add_authenticator(auth.create_authenticator("anonymous", authextra={"k": 1}))
    with pytest.raises(ValueError, match="Inconsistent authextra values for 'k'"):
        s.add_authenticator(auth.create_authenticator("wampcra", authid="joe", secret="s",
                                                      authextra={"k": 2}))
    with pytest.raises(TypeError, match="not an authenticator"):
        s.add_authenticator(object())
