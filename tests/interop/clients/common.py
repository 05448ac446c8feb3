"""Input and output of the client scripts (standard library only).

A script takes one argument: JSON, or ``@path`` of a file holding it, ``{"scenarios": [...],
"concurrency": n}``. A scenario is ``{"name", "url", "serializer", "realm", "authentication"
({method: options} or null), "tls" (null, or {"trust_root": CA PEM path, "hostname"}),
"prefix" (URI prefix of this scenario's procedures and topics), "steps" (scenario.STEPS or
a part)}``. The script prints ``PEER-RESULT <json>`` last: a list, in input order, of
``{"name", "joined" (scenario.session_details), "steps", "left", "error", "seconds"}``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

RESULT_PREFIX = "PEER-RESULT "
SCENARIO_TIMEOUT_EXTRA = 30.0  # joining, leaving, SCRAM's argon2 on a busy machine


def load_request(argv: list[str]) -> dict[str, Any]:
    arg = argv[1] if len(argv) > 1 else "@-"
    if arg == "@-":
        return json.load(sys.stdin)  # type: ignore[no-any-return]
    if arg.startswith("@"):
        with open(arg[1:], encoding="utf-8") as fh:
            return json.load(fh)  # type: ignore[no-any-return]
    return json.loads(arg)  # type: ignore[no-any-return]


def emit(results: list[dict[str, Any]]) -> None:
    print(RESULT_PREFIX + json.dumps(results), flush=True)


def scenario_timeout(scenario: dict[str, Any], step_timeout: float) -> float:
    return step_timeout * len(scenario.get("steps", ())) + SCENARIO_TIMEOUT_EXTRA


def host_port(url: str) -> tuple[str, int]:
    """``ws://h:p/path`` or ``rs://h:p`` -> (h, p)."""
    netloc = url.split("://", 1)[1].split("/", 1)[0]
    host, port = netloc.rsplit(":", 1)
    return host.strip("[]"), int(port)
