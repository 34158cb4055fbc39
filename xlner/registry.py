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
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from xlner.errors import ConfigError
from xlner.protocols import Aligner, Tagger, Translator, init_parameters
from xlner.spec import check_keys, parse
from xlner.spec import parse_params as parse_params
from xlner.spec import parse_spec as parse_spec
from xlner.spec import parse_value as parse_value
from xlner.spec import split_top as split_top

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

    def keys(self, name: str) -> list[str] | None:
        """The parameters component ``name`` takes (``None``: any, or unknown)."""
        return _keywords(self.entry(name).load())

    def create(self, spec: str | Mapping[str, Any], **overrides: Any) -> T:
        """Build a component from a spec; ``overrides`` win over the spec's parameters."""
        parsed = parse(spec, what=self.kind, names=None if isinstance(spec, Mapping)
                       else self.names())
        name, params = parsed.name, {**parsed.params, **overrides}
        factory = self.entry(name).load()
        keys = _keywords(factory)
        if keys is not None:
            check_keys(name, params, keys, what=self.kind, spec=spec)
        try:
            return factory(**params)  # type: ignore[no-any-return]
        except TypeError as exc:
            raise ConfigError(f"{self.kind} {name!r}: {exc}") from None


def _keywords(factory: Callable[..., Any]) -> list[str] | None:
    """The keyword parameters ``factory`` takes (``None``: any, or unknown)."""
    named, open_ = init_parameters(factory)
    return None if open_ else [p.name for p in named]


aligners: Registry[Aligner] = Registry("aligner", "xlner.aligners")
translators: Registry[Translator] = Registry("translator", "xlner.translators")
taggers: Registry[Tagger] = Registry("tagger", "xlner.taggers")
extractors: Registry[Any] = Registry("candidate extractor", "xlner.candidates")
scorers: Registry[Any] = Registry("scorer", "xlner.scorers")
solvers: Registry[Any] = Registry("solver", "xlner.solvers")
projectors: Registry[Any] = Registry("projection method", "xlner.methods")
"""The registries of the project layer hold components whose protocols live there
(:mod:`xlner.project`), so they are typed at their accessors (``create_projector``, ...)."""
