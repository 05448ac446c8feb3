"""Driver of our Component (``wamp_asyncio`` or ``wamp_twisted``) over the scenarios: one
Component per scenario (``max_retries=0``), ``main`` runs :func:`scenario.run`."""

from __future__ import annotations

import time
from typing import Any

import common
import scenario
from wamp_core import exception, types


class Lib:
    types = types
    exception = exception


def transport_config(sc: dict[str, Any]) -> dict[str, Any]:
    url = sc["url"]
    config: dict[str, Any] = {"url": url, "max_retries": 0}
    if url.startswith(("rs", "rss")):
        config.update(type="rawsocket", serializer=sc["serializer"])
    else:
        config.update(type="websocket", serializers=[sc["serializer"]])
    if sc.get("deflate"):
        from wamp_websocket.compress import PerMessageDeflateOffer

        config["options"] = {"perMessageCompressionOffers": [PerMessageDeflateOffer()]}
    if sc.get("tls"):
        host, port = common.host_port(url)
        config["endpoint"] = {"type": "tcp", "host": host, "port": port, "tls": dict(sc["tls"])}
    return config


async def run_one(kit: Any, component_class: Any, sc: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"name": sc["name"], "joined": None, "steps": None, "left": None,
                           "error": None}
    started = time.monotonic()

    async def main(host: Any, session: Any) -> None:
        out["steps"] = await scenario.run(session, kit, Lib, sc["prefix"], sc["steps"])

    def on_join(session: Any, details: Any) -> None:
        out["joined"] = scenario.session_details(details)

    def on_leave(session: Any, details: Any) -> None:
        out["left"] = details.reason

    try:
        component = component_class(transports=[transport_config(sc)], realm=sc["realm"],
                                    authentication=sc.get("authentication"), main=main)
        component.on("join", on_join)
        component.on("leave", on_leave)
        await kit.wait(component.start(kit.host),
                       common.scenario_timeout(sc, scenario.STEP_TIMEOUT), "the Component")
    except BaseException as exc:  # reported to the test
        out["error"] = scenario.describe_exception(exc)
    out["seconds"] = round(time.monotonic() - started, 2)
    return out


async def run_all(kit: Any, component_class: Any, request: dict[str, Any]) -> list[Any]:
    factories = [lambda sc=sc: run_one(kit, component_class, sc) for sc in request["scenarios"]]
    return await kit.gather(factories, request.get("concurrency", 4))
