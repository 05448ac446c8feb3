"""Our Twisted client (``wamp_twisted.component.Component``) over the scenarios of
:mod:`common`; run with the workspace's Python."""

from __future__ import annotations

import sys
from typing import Any

import common
import kits
import ours
from twisted.internet import defer, task
from wamp_core.log import set_log_level
from wamp_twisted.component import Component


async def main(reactor: Any) -> None:
    kit = kits.TwistedKit(reactor)
    common.emit(await ours.run_all(kit, Component, common.load_request(sys.argv)))


if __name__ == "__main__":
    set_log_level("warn")
    task.react(lambda reactor: defer.ensureDeferred(main(reactor)))
