"""Our asyncio client (``wamp_asyncio.component.Component``) over the scenarios of
:mod:`common`; run with the workspace's Python."""

from __future__ import annotations

import asyncio
import sys

import common
import kits
import ours
from wamp_asyncio.component import Component
from wamp_core.log import set_log_level


async def main() -> None:
    kit = kits.AsyncioKit(asyncio.get_running_loop())
    common.emit(await ours.run_all(kit, Component, common.load_request(sys.argv)))


if __name__ == "__main__":
    set_log_level("warn")
    asyncio.run(main())
