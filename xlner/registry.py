"""Named, versioned, pluggable components (spaCy-style registries).

A registry maps a name to a factory. Heavy backends register a ``"module:attr"`` path so that
listing names never imports torch. A *spec* picks a component and its parameters from a config
string or a CLI option: ``"eflomal"``, ``"eflomal(symmetrize=union,seed=3)"`` or a mapping
``{"name": "eflomal", "seed": 3}``.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from xlner.errors import ConfigError

T = TypeVar("T")


@dataclass(frozen=True)
class Entry:
    name: str
    factory: Callable[..., Any] | str
    version: int
    description: str

    def load(self) -> Callable[..., Any]:
        if callable(self.factory):
            return self.factory
        module, _, attr = self.factory.partition(":")
        return getattr(importlib.import_module(module), attr)  # type: ignore[no-any-return]


class Registry(Generic[T]):
    """Components of one kind (aligners, translators, taggers, ...)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, Entry] = {}

    def register(self, name: str, *, version: int = 1, description: str = "",
                 factory: Callable[..., T] | str | None = None) -> Callable[[Any], Any]:
        """Register ``factory`` (or decorate one) under ``name``."""
        def add(obj: Any) -> Any:
            if name in self._entries:
                raise ConfigError(f"{self.kind} {name!r} is registered twice")
            doc = description or (getattr(obj, "__doc__", "") or "").strip().split("\n")[0]
            self._entries[name] = Entry(name, obj, version, doc)
            return obj
        if factory is not None:
            add(factory)
            return lambda obj: obj
        return add

    def names(self) -> list[str]:
        return sorted(self._entries)

    def entry(self, name: str) -> Entry:
        try:
            return self._entries[name]
        except KeyError:
            raise ConfigError(f"unknown {self.kind} {name!r}; available: "
                              f"{', '.join(self.names()) or 'none'}") from None

    def __contains__(self, name: str) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._entries[n] for n in self.names())

    def create(self, spec: str | Mapping[str, Any], **overrides: Any) -> T:
        """Build a component from a spec; ``overrides`` win over the spec's parameters."""
        name, params = parse_spec(spec)
        params.update(overrides)
        factory = self.entry(name).load()
        try:
            return factory(**params)  # type: ignore[no-any-return]
        except TypeError as exc:
            raise ConfigError(f"{self.kind} {name!r}: {exc}") from None


_SPEC = re.compile(r"^\s*([\w.+-]+)\s*(?:\((.*)\))?\s*$", re.S)
_KEY = re.compile(r"^[\w.-]+$")


def parse_value(text: str) -> Any:
    """``"3"`` → 3, ``"0.5"`` → 0.5, ``"true"`` → True, ``"none"`` → None, else the string."""
    low = text.strip().lower()
    if low in {"true", "yes"}:
        return True
    if low in {"false", "no"}:
        return False
    if low in {"none", "null"}:
        return None
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text.strip()


def split_top(text: str, sep: str = ",") -> list[str]:
    """Split ``text`` at ``sep`` outside parentheses and square brackets."""
    out: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == sep and depth == 0:
            out.append("".join(current))
            current = []
        else:
            current.append(ch)
    out.append("".join(current))
    return out


def parse_params(text: str) -> dict[str, Any]:
    """``"a=1,b=x"`` → ``{"a": 1, "b": "x"}``. Commas inside parentheses or square brackets do
    not split, and a value in square brackets is taken verbatim: ``scores=[align=1,ortho=0.5]``
    gives ``{"scores": "align=1,ortho=0.5"}`` (a value that itself holds commas)."""
    params: dict[str, Any] = {}
    for item in split_top(text):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not _KEY.match(key.strip()):
            raise ConfigError(f"parameter {item!r} is not of the form key=value")
        value = value.strip()
        if value.startswith("[") and value.endswith("]"):
            params[key.strip()] = value[1:-1].strip()
        else:
            params[key.strip()] = parse_value(value)
    return params


def parse_spec(spec: str | Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    if isinstance(spec, Mapping):
        params = dict(spec)
        try:
            name = str(params.pop("name"))
        except KeyError:
            raise ConfigError(f"component spec {spec!r} has no 'name'") from None
        return name, params
    m = _SPEC.match(spec)
    if not m:
        raise ConfigError(f"invalid component spec {spec!r}; expected name or name(key=value,...)")
    return m.group(1), parse_params(m.group(2) or "")


aligners: Registry[Any] = Registry("aligner")
translators: Registry[Any] = Registry("translator")
taggers: Registry[Any] = Registry("tagger")
extractors: Registry[Any] = Registry("candidate extractor")
scorers: Registry[Any] = Registry("scorer")
solvers: Registry[Any] = Registry("solver")
projectors: Registry[Any] = Registry("projection method")
