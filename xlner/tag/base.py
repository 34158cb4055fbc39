"""The tagger protocol: train on word-level labelled sentences, predict entities with per-word
label probabilities, save and load."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from xlner.data import Entity, Sentence


@dataclass(slots=True)
class Tagged:
    """A tagger's output for one sentence.

    ``probs[i, c]`` is the probability of IOB2 label ``labels[c]`` at word ``i``
    (``labels`` is the tagger's label list, e.g. ``["O", "B-PER", "I-PER", ...]``). A tagger
    may also set ``labels`` here, so that the output is self-describing when it travels alone
    (e.g. in ``ProjectionInput.extras``).
    """

    entities: list[Entity]
    probs: npt.NDArray[np.float32] | None = None
    labels: Sequence[str] | None = None


@runtime_checkable
class Tagger(Protocol):
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
