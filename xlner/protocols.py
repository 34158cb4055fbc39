"""The protocols of the components that every layer may hold: aligners, translators, taggers.

They live here, below every package, so that a lower layer can take a higher layer's component
as an argument (the tagger score takes a :class:`Tagger`) without importing that layer. Their
packages re-export them (:mod:`xlner.align.base`, :mod:`xlner.translate.base`,
:mod:`xlner.tag.base`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, Protocol, runtime_checkable

from xlner.data import Links, Sentence, Tagged

Words = Sequence[str]


@runtime_checkable
class Aligner(Protocol):
    """Batch of word-tokenised sentence pairs → word links per pair.

    Optional capabilities are declared as class attributes (:class:`AlignerBase` gives the
    defaults): ``uses_bitext`` (the constructor takes ``bitext``, ``data_dir`` and
    ``download``; the pipelines pass the shared bitext of the language pair), ``needs_entities``
    (``align(src, tgt, entities=...)`` takes the source entities) and ``directional``
    (``align_both(src, tgt)`` gives forward and reverse links, symmetrised per method).
    """

    name: str
    version: int
    uses_bitext: bool
    needs_entities: bool
    directional: bool

    def align(self, src: Sequence[Words], tgt: Sequence[Words]) -> list[Links]:
        """Links ``(i, j)``: source word ``i`` ↔ target word ``j``, one array per pair."""
        ...

    def describe(self) -> dict[str, Any]:
        """Name, version and settings, for signatures."""
        ...


def init_parameters(factory: Callable[..., Any]) -> tuple[list[inspect.Parameter], bool]:
    """The named parameters ``factory`` takes (for a class, its constructor's), in order, and
    whether it also takes any other keyword (a ``**kwargs`` that goes to no base). A
    constructor that passes ``**kwargs`` on to its base's takes the base's parameters too."""
    inits = ([c.__dict__["__init__"] for c in factory.__mro__ if "__init__" in c.__dict__]
             if isinstance(factory, type) else [factory])
    named: list[inspect.Parameter] = []
    for init in inits:
        try:
            params = inspect.signature(init).parameters.values()
        except (TypeError, ValueError):
            return named, True
        seen = {p.name for p in named}
        named += [p for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
                  and p.name != "self" and p.name not in seen]
        if not any(p.kind is p.VAR_KEYWORD for p in params):
            return named, False
    return named, True


def settings_of(component: object, given: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """``name``, ``version`` and the constructor's settings as the object holds them: for each
    parameter ``x`` of ``__init__`` (and of the bases it passes ``**kwargs`` to), attribute
    (or property) ``x`` or ``_x``, or the one the class names in ``setting_attrs``; ``given``
    values stand in for held ones. Left out: the parameters in ``hidden_settings``, and those
    a :class:`Component`'s ``shows(setting)`` declines. A setting that is a component (has
    ``describe()``), or a list of them, is given as its description. For a
    :class:`Component` a setting held under no attribute is an error, never left out."""
    cls = type(component)
    renamed: Mapping[str, str] = getattr(cls, "setting_attrs", {})
    hidden: frozenset[str] = getattr(cls, "hidden_settings", frozenset())
    out: dict[str, Any] = {"name": getattr(component, "name", cls.__name__),
                           "version": getattr(component, "version", 1)}
    held = vars(component)
    strict = isinstance(component, Component)
    shows = component.shows if isinstance(component, Component) else None
    for param in init_parameters(cls)[0]:
        if param.name in hidden or (shows is not None and not shows(param.name)):
            continue
        if given is not None and param.name in given:
            out[param.name] = given[param.name]
            continue
        attrs = (renamed[param.name],) if param.name in renamed else (param.name,
                                                                      f"_{param.name}")
        attr = next((a for a in attrs if a in held
                     or isinstance(getattr(cls, a, None), property)), None)
        if attr is not None:
            out[param.name] = _described(getattr(component, attr))
        elif strict:
            raise TypeError(f"{cls.__name__}: setting {param.name!r} is held under no "
                            f"attribute {attrs[0]!r}; name it in setting_attrs or "
                            "hidden_settings")
    return out


def _described(value: Any) -> Any:
    if callable(getattr(value, "describe", None)):
        return value.describe()
    if isinstance(value, list | tuple) and value and all(
            callable(getattr(v, "describe", None)) for v in value):
        return [v.describe() for v in value]
    return value


class Component:
    """A built-in component's name and version, declared once as class attributes, and
    ``describe()`` derived from its constructor's settings (:func:`settings_of`): a subclass
    stores each setting as an attribute of the same name, or names the attribute in
    ``setting_attrs``, or leaves it out of its description with ``hidden_settings`` (a setting
    that only selects a device, or that another setting already records) or, case by case,
    with :meth:`shows`."""

    name: str
    version: int = 1
    setting_attrs: ClassVar[Mapping[str, str]] = {}
    hidden_settings: ClassVar[frozenset[str]] = frozenset()

    def describe(self) -> dict[str, Any]:
        return settings_of(self)

    def keep(self, values: Mapping[str, Any]) -> None:
        """Store the constructor's settings: each parameter in ``values`` (the constructor's
        ``locals()``) as an attribute of its name, unless the constructor stored it already
        (as ``x`` or ``_x``, or under the name ``setting_attrs`` gives) or it is a property.
        The class declares the attributes' types."""
        cls = type(self)
        held = vars(self)
        for param in init_parameters(cls)[0]:
            name = param.name
            if (name in values and name not in self.setting_attrs and name not in held
                    and f"_{name}" not in held
                    and not isinstance(getattr(cls, name, None), property)):
                setattr(self, name, values[name])

    def shows(self, setting: str) -> bool:
        """Whether the description holds ``setting`` (a component leaves out a setting that
        only matters with another one, or one added later while it keeps its default, so
        that earlier descriptions stay the same)."""
        return True

    def settings(self) -> dict[str, Any]:
        """The settings of :meth:`describe`, without ``name`` and ``version``."""
        out = settings_of(self)
        del out["name"], out["version"]
        return out


class AlignerBase(Component):
    """Defaults of the aligner protocol's optional members, and ``describe()`` derived from
    the constructor's settings (:class:`Component`). A subclass declares ``name`` and
    ``version`` once, as class attributes, and registers with ``@aligners.register``."""

    uses_bitext: ClassVar[bool] = False
    needs_entities: ClassVar[bool] = False
    directional: ClassVar[bool] = False


@runtime_checkable
class Translator(Protocol):
    """Translates raw (untokenised) sentences; word splitting is a separate, explicit step."""

    name: str
    version: int

    def translate(self, sentences: Sequence[str], src_lang: str, tgt_lang: str) -> list[str]:
        """One translation per input sentence, in order."""
        ...

    def describe(self) -> dict[str, Any]: ...


@runtime_checkable
class Tagger(Protocol):
    """Train on word-level labelled sentences, predict entities with per-word label
    probabilities, save and load."""

    name: str
    version: int

    @property
    def labels(self) -> list[str]:
        """IOB2 labels in the column order of ``Tagged.probs``."""
        ...

    def train(self, sentences: Sequence[Sentence],
              dev: Sequence[Sentence] | None = None) -> None: ...

    def predict(self, sentences: Sequence[Sequence[str]]) -> list[Tagged]: ...

    def save(self, path: str | Path) -> None: ...

    def describe(self) -> dict[str, Any]: ...
