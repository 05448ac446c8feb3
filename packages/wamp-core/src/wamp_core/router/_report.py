"""Collecting configuration errors and warnings with the path of the key they concern."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["ConfigError", "Report", "type_name"]


class ConfigError(ValueError):
    """A router configuration that cannot be served.

    ``errors`` lists every problem found, each starting with the path of the
    key (``workers[0].transports[1].endpoint.port: ...``).
    """

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = tuple(errors)
        head = "invalid router configuration" if len(self.errors) == 1 else (
            f"invalid router configuration ({len(self.errors)} problems)")
        super().__init__(head + ":\n  " + "\n  ".join(self.errors))


def type_name(value: Any) -> str:
    """The JSON name of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    return type(value).__name__


class Report:
    """Errors and warnings collected while reading a configuration."""

    __slots__ = ("errors", "warnings")

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def error(self, path: str, text: str) -> None:
        self.errors.append(f"{path}: {text}")

    def warn(self, path: str, text: str) -> None:
        self.warnings.append(f"{path}: {text}")

    def raise_errors(self) -> None:
        if self.errors:
            raise ConfigError(self.errors)

    # -- typed getters: record an error and return None on a wrong type ----

    def mapping(self, obj: Mapping[str, Any], key: str, path: str,
                required: bool = False) -> Mapping[str, Any] | None:
        if key not in obj:
            if required:
                self.error(path, f"missing mandatory key '{key}'")
            return None
        value = obj[key]
        if not isinstance(value, Mapping):
            self.error(f"{path}.{key}", f"must be an object, got {type_name(value)}")
            return None
        return value

    def seq(self, obj: Mapping[str, Any], key: str, path: str,
            required: bool = False) -> Sequence[Any] | None:
        if key not in obj:
            if required:
                self.error(path, f"missing mandatory key '{key}'")
            return None
        value = obj[key]
        if not isinstance(value, (list, tuple)):
            self.error(f"{path}.{key}", f"must be an array, got {type_name(value)}")
            return None
        return value

    def string(self, obj: Mapping[str, Any], key: str, path: str,
               required: bool = False) -> str | None:
        if key not in obj:
            if required:
                self.error(path, f"missing mandatory key '{key}'")
            return None
        value = obj[key]
        if not isinstance(value, str):
            self.error(f"{path}.{key}", f"must be a string, got {type_name(value)}")
            return None
        return value

    def boolean(self, obj: Mapping[str, Any], key: str, path: str, default: bool) -> bool:
        if key not in obj:
            return default
        value = obj[key]
        if not isinstance(value, bool):
            self.error(f"{path}.{key}", f"must be true or false, got {type_name(value)}")
            return default
        return value

    def integer(self, obj: Mapping[str, Any], key: str, path: str, lo: int, hi: int,
                required: bool = False) -> int | None:
        if key not in obj:
            if required:
                self.error(path, f"missing mandatory key '{key}'")
            return None
        value = obj[key]
        if not isinstance(value, int) or isinstance(value, bool):
            self.error(f"{path}.{key}", f"must be an integer, got {type_name(value)}")
            return None
        if not lo <= value <= hi:
            self.error(f"{path}.{key}", f"must be in [{lo}, {hi}], got {value}")
            return None
        return value

    def keys(self, obj: Mapping[str, Any], path: str, known: Sequence[str],
             unsupported: Mapping[str, str] | None = None) -> None:
        """Unknown keys are errors (as Crossbar.io says); known but unserved ones warnings."""
        for key in obj:
            if unsupported is not None and key in unsupported:
                self.warn(f"{path}.{key}", unsupported[key])
            elif key not in known:
                allowed = ", ".join(repr(k) for k in (*known, *(unsupported or ())))
                self.error(f"{path}.{key}", f"unknown key (allowed: {allowed})")
