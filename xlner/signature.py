"""Signatures: how an output was made (toolkit version, data, components and their settings).

Every output file carries one, as a sidecar ``<file>.signature.json`` or inside a JSON result.
"""

from __future__ import annotations

import datetime as _dt
import platform
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from xlner.files import write_json


@runtime_checkable
class Describable(Protocol):
    def describe(self) -> dict[str, Any]: ...


_PLAIN = (str, int, float, bool, type(None))


def _jsonable(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:  # fast paths (a runtime Protocol check per element is slow)
        return value
    if kind is list or kind is tuple:
        return [_jsonable(v) for v in value]
    if isinstance(value, Describable):
        return value.describe()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return [_jsonable(v) for v in items]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)


def make_signature(command: str, *, inputs: Mapping[str, Any] | None = None,
                   components: Mapping[str, Any] | None = None,
                   params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A JSON-able record of how an output was made."""
    from xlner._version import __version__

    return {
        "xlner": __version__,
        "command": command,
        "python": platform.python_version(),
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "inputs": _jsonable(dict(inputs or {})),
        "components": _jsonable(dict(components or {})),
        "params": _jsonable(dict(params or {})),
    }


def sidecar_path(path: str | Path) -> Path:
    path = Path(path)
    return path.with_name(path.name + ".signature.json")


def write_sidecar(path: str | Path, signature: Mapping[str, Any]) -> Path:
    """Write ``<path>.signature.json`` atomically and return its path."""
    out = sidecar_path(path)
    write_json(out, signature)
    return out
