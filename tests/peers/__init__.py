"""Real third-party peers for the interop tests: Crossbar.io, Autobahn|Testsuite, Autobahn|Python
and Autobahn|JS, each installed once into ``<repo>/.cache/peers/`` and reused.

See ``tests/peers/README.md``. Modules: :mod:`peers.venvs` (installs), :mod:`peers.crossbar`
(router config and process), :mod:`peers.wstest` (fuzzing client/server and reports),
:mod:`peers.proc` (bounded subprocesses, free ports).
"""

from __future__ import annotations

from peers.proc import PeerError

__all__ = ["PeerError"]
