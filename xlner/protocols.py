"""The protocols of the components that every layer may hold: aligners, translators, taggers.

They live here, below every package, so that a lower layer can take a higher layer's component
as an argument (the tagger score takes a :class:`Tagger`) without importing that layer. Their
packages re-export them (:mod:`xlner.align.base`, :mod:`xlner.translate.base`,
:mod:`xlner.tag.base`).
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
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
    """``name``, ``version`` and the constructor's settings as the object holds them
    (attribute ``x`` or ``_x`` for each parameter ``x`` of ``__init__``)."""
    out: dict[str, Any] = {"name": getattr(component, "name", type(component).__name__),
                           "version": getattr(component, "version", 1)}
    for param in inspect.signature(type(component).__init__).parameters.values():
        if param.name == "self" or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        for attr in (param.name, f"_{param.name}"):
            if attr in vars(component):
                out[param.name] = vars(component)[attr]
                break
    return out


class AlignerBase:
    """Defaults of the aligner protocol's optional members, and ``describe()`` derived from
    the constructor's settings (:func:`settings_of`). A subclass declares ``name`` and
    ``version`` once, as class attributes, and registers with ``@aligners.register``."""

    name: ClassVar[str]
    version: ClassVar[int] = 1
    uses_bitext: ClassVar[bool] = False
    needs_entities: ClassVar[bool] = False
    directional: ClassVar[bool] = False

    def describe(self) -> dict[str, Any]:
        return settings_of(self)


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
