"""The protocols of the components that every layer may hold: aligners, translators, taggers.

They live here, below every package, so that a lower layer can take a higher layer's component
as an argument (the tagger score takes a :class:`Tagger`) without importing that layer. Their
packages re-export them (:mod:`xlner.align.base`, :mod:`xlner.translate.base`,
:mod:`xlner.tag.base`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from xlner.data import Links, Sentence, Tagged

Words = Sequence[str]


@runtime_checkable
class Aligner(Protocol):
    """Batch of word-tokenised sentence pairs → word links per pair."""

    name: str
    version: int

    def align(self, src: Sequence[Words], tgt: Sequence[Words]) -> list[Links]:
        """Links ``(i, j)``: source word ``i`` ↔ target word ``j``, one array per pair."""
        ...

    def describe(self) -> dict[str, Any]:
        """Name, version and settings, for signatures."""
        ...


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
