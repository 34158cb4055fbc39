"""Named, versioned, pluggable components (spaCy-style registries).

A registry maps a name to a factory. Heavy backends register a ``"module:attr"`` path so that
listing names never imports torch. A *spec* picks a component and its parameters from a config
string or a CLI option: ``"eflomal"``, ``"eflomal(symmetrize=union,seed=3)"`` or a mapping
``{"name": "eflomal", "seed": 3}``. Third-party components register through entry points
(``xlner.aligners``, ``xlner.translators``, ``xlner.taggers``, ``xlner.candidates``,
``xlner.scorers``, ``xlner.solvers``, ``xlner.methods``; docs/architecture.md).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from xlner.errors import ConfigError
from xlner.protocols import Aligner, Tagger, Translator

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
        try:
            return getattr(importlib.import_module(module), attr)  # type: ignore[no-any-return]
        except (ImportError, AttributeError) as exc:
            raise ConfigError(f"component {self.name!r}: cannot load {self.factory!r}: "
                              f"{exc}") from exc


class Registry(Generic[T]):
    """Components of one kind (aligners, translators, taggers, ...).

    Third-party packages add components through the entry point group ``group``
    (``xlner.aligners``, ...): an entry ``name = "module:Class"``, loaded on first use. A class
    declares its ``name`` and ``version`` once, as class attributes.
    """

    def __init__(self, kind: str, group: str | None = None) -> None:
        self.kind = kind
        self.group = group
        self._entries: dict[str, Entry] = {}
        self._plugins_loaded = group is None

    def register(self, name: str | type | None = None, *, version: int | None = None,
                 description: str = "",
                 factory: Callable[..., T] | str | None = None) -> Callable[[Any], Any]:
        """Register ``factory`` (or decorate one) under ``name``.

        ``@registry.register`` (or ``register()``) on a class takes the name and version its
        class attributes declare; ``register("name", version=2)`` and
        ``register("name", factory="module:attr")`` (a lazily imported factory) name them here.
        """
        if isinstance(name, type):  # bare decorator
            return self.register()(name)  # type: ignore[no-any-return]

        def add(obj: Any) -> Any:
            key = name if name is not None else getattr(obj, "name", None)
            if not isinstance(key, str) or not key:
                raise ConfigError(f"{self.kind} {obj!r} declares no name")
            ver = version if version is not None else getattr(obj, "version", 1)
            if key in self._entries:
                raise ConfigError(f"{self.kind} {key!r} is registered twice")
            doc = description or (getattr(obj, "__doc__", "") or "").strip().split("\n")[0]
            self._entries[key] = Entry(key, obj, int(ver), doc)
            return obj
        if factory is not None:
            add(factory)
            return lambda obj: obj
        return add

    def _load_plugins(self) -> None:
        """Register the entry points of ``group`` (once; built-in names win)."""
        if self._plugins_loaded:
            return
        self._plugins_loaded = True
        from importlib.metadata import entry_points

        for point in entry_points(group=self.group or ""):
            if point.name in self._entries:
                continue
            try:
                obj = point.load()
            except Exception as exc:  # a broken plugin is reported when it is asked for
                self._entries[point.name] = Entry(point.name, point.value, 0,
                                                  f"(plugin failed to load: {exc})")
                continue
            doc = (getattr(obj, "__doc__", "") or "").strip().split("\n")[0]
            self._entries[point.name] = Entry(point.name, obj, int(getattr(obj, "version", 1)),
                                              doc)

    def names(self) -> list[str]:
        self._load_plugins()
        return sorted(self._entries)

    def entry(self, name: str) -> Entry:
        self._load_plugins()
        try:
            return self._entries[name]
        except KeyError:
            raise ConfigError(f"unknown {self.kind} {name!r}; available: "
                              f"{', '.join(self.names()) or 'none'}") from None

    def __contains__(self, name: str) -> bool:
        self._load_plugins()
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


aligners: Registry[Aligner] = Registry("aligner", "xlner.aligners")
translators: Registry[Translator] = Registry("translator", "xlner.translators")
taggers: Registry[Tagger] = Registry("tagger", "xlner.taggers")
extractors: Registry[Any] = Registry("candidate extractor", "xlner.candidates")
scorers: Registry[Any] = Registry("scorer", "xlner.scorers")
solvers: Registry[Any] = Registry("solver", "xlner.solvers")
projectors: Registry[Any] = Registry("projection method", "xlner.methods")
"""The registries of the project layer hold components whose protocols live there
(:mod:`xlner.project`), so they are typed at their accessors (``create_projector``, ...)."""
