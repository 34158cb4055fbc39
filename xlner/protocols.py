"""The protocols of the components that every layer may hold: aligners, translators, taggers.

They live here, below every package, so that a lower layer can take a higher layer's component
as an argument (the tagger score takes a :class:`Tagger`) without importing that layer. Their
packages re-export them (:mod:`xlner.align.base`, :mod:`xlner.translate.base`,
:mod:`xlner.tag.base`).
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
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


def settings_of(component: object) -> dict[str, Any]:
    """``name``, ``version`` and the constructor's settings as the object holds them: for each
    parameter ``x`` of ``__init__``, attribute ``x`` or ``_x`` (or the one the class names in
    ``setting_attrs``), leaving out the parameters in ``hidden_settings``. A setting that is a
    component (has ``describe()``), or a list of them, is given as its description. For a
    :class:`Component` a setting held under no attribute is an error, never left out."""
    cls = type(component)
    renamed: Mapping[str, str] = getattr(cls, "setting_attrs", {})
    hidden: frozenset[str] = getattr(cls, "hidden_settings", frozenset())
    out: dict[str, Any] = {"name": getattr(component, "name", cls.__name__),
                           "version": getattr(component, "version", 1)}
    held = vars(component)
    for param in inspect.signature(cls.__init__).parameters.values():
        if (param.name == "self" or param.name in hidden
                or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD)):
            continue
        attrs = (renamed[param.name],) if param.name in renamed else (param.name,
                                                                      f"_{param.name}")
        attr = next((a for a in attrs if a in held), None)
        if attr is not None:
            out[param.name] = _described(held[attr])
        elif isinstance(component, Component):
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
    that only selects a device, or that another setting already records)."""

    name: str
    version: int = 1
    setting_attrs: ClassVar[Mapping[str, str]] = {}
    hidden_settings: ClassVar[frozenset[str]] = frozenset()

    def describe(self) -> dict[str, Any]:
        return settings_of(self)


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
