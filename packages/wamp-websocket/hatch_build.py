"""Hatchling build hook: compile wamp_websocket's Cython speedups into the wheel.

``WAMP_WEBSOCKET_BUILD_EXTENSION`` chooses what happens:

- unset (or empty): try to compile; if that fails (no C compiler, no Cython), warn and build
  a pure-Python wheel, which works the same, only slower;
- ``yes``: compile or fail the build (CI sets this, so a broken build cannot pass unnoticed);
- ``no``: do not compile; the wheel is pure Python (``py3-none-any``).

What is compiled: ``_speedups.pyx`` with its C kernels (``_mask_simd.c``, ``_utf8_simd.c``),
and every module of ``CYTHON_MODULES`` that exists (plain Python written for Cython's pure
Python mode; the compiled module shadows the ``.py`` at import). A regular wheel gets the
compiled modules and a platform tag; an editable install gets them built in place, next to
the sources, where the editable import finds them.
"""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SWITCH = "WAMP_WEBSOCKET_BUILD_EXTENSION"
CHOICES = {"": "auto", "auto": "auto", "yes": "yes", "1": "yes", "true": "yes",
           "no": "no", "0": "no", "false": "no"}
PACKAGE = "wamp_websocket"
# The extension written in Cython proper, with the C files compiled into it.
SPEEDUPS = ("_speedups", ["_speedups.pyx", "_mask_simd.c", "_utf8_simd.c"])
# Pure-Python-mode modules compiled when they exist.
CYTHON_MODULES = ["_framing"]


def build_mode() -> str:
    raw = os.environ.get(SWITCH, "").strip().lower()
    if raw not in CHOICES:
        raise ValueError(f"{SWITCH}={raw!r}: expected 'yes', 'no' or unset (try, fall back)")
    return CHOICES[raw]


class SpeedupsBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        mode = build_mode()
        package = Path(self.root) / "src" / PACKAGE
        editable = version == "editable"
        if editable:
            remove_in_place(package)  # never leave a stale build shadowing the sources
        if mode == "no":
            self.app.display_info(f"{SWITCH}=no: building pure-Python {PACKAGE}")
            return
        # An editable install compiles the pure-Python-mode modules in place only when asked
        # to (yes): a compiled copy would shadow later edits of the .py until the next build.
        modules = CYTHON_MODULES if mode == "yes" or not editable else []
        try:
            built = compile_extensions(Path(self.root), package, modules)
        except Exception as exc:
            if mode == "yes":
                raise RuntimeError(f"{SWITCH}=yes but the speedups failed to build: {exc}")
            self.app.display_warning(
                f"{PACKAGE}: the compiled speedups failed to build ({exc}); installing the "
                f"pure-Python version (set {SWITCH}=yes to make this an error)"
            )
            return
        for path, relative in built:
            if editable:
                shutil.copy2(path, package / Path(relative).name)
            else:
                build_data["force_include"][str(path)] = relative
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        names = ", ".join(Path(relative).name for _, relative in built)
        self.app.display_info(f"{PACKAGE}: compiled {names}")


def remove_in_place(package: Path) -> None:
    """Delete the in-place builds this interpreter would import.

    Builds for other interpreters (other file suffixes) stay: environments of several
    Python versions may share one source tree, each with its own editable install.
    """
    from importlib.machinery import EXTENSION_SUFFIXES

    for name in [SPEEDUPS[0], *CYTHON_MODULES]:
        for suffix in EXTENSION_SUFFIXES:
            (package / f"{name}{suffix}").unlink(missing_ok=True)


def compile_flags() -> list[str]:
    if sys.platform == "win32":
        return ["/O2"]
    return ["-O3", "-g0", "-Wno-unused-function"]


def compile_extensions(root: Path, package: Path, modules: list[str]
                       ) -> list[tuple[Path, str]]:
    """Cythonize and compile; returns (built file, path inside the wheel) pairs."""
    from Cython.Build import cythonize
    from setuptools import Distribution, Extension
    from setuptools.command.build_ext import build_ext

    flags = compile_flags()
    name, sources = SPEEDUPS
    extensions = [Extension(f"{PACKAGE}.{name}", [str(package / s) for s in sources],
                            depends=[str(h) for h in sorted(package.glob("_*.h"))],
                            include_dirs=[str(package)], extra_compile_args=flags)]
    for module in modules:
        source = package / f"{module}.py"
        if source.exists():
            extensions.append(Extension(f"{PACKAGE}.{module}", [str(source)],
                                        extra_compile_args=flags))
    # Out of the source tree, one folder per interpreter (build/ is ignored by git and sdist).
    work = root / "build" / f"ext-{sys.implementation.cache_tag}-{sysconfig.get_platform()}"
    extensions = cythonize(extensions, build_dir=str(work / "cython"), quiet=True,
                           compiler_directives={"language_level": 3})
    command = build_ext(Distribution({"name": "wamp-websocket", "ext_modules": extensions}))
    command.build_lib = str(work / "lib")
    command.build_temp = str(work / "temp")
    command.inplace = False
    command.ensure_finalized()
    command.run()
    built = []
    for extension in extensions:
        path = Path(command.get_ext_fullpath(extension.name))
        built.append((path, path.relative_to(work / "lib").as_posix()))
    return built
