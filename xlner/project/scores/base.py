"""The scorer protocol."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from xlner.project.base import ProjectionInput
from xlner.project.candidates import Spans

ScoreMatrix = npt.NDArray[np.float64]
"""Scores of one sentence pair: ``(n_source_entities, n_candidates)``; 0 means "not allowed"."""


@runtime_checkable
class Scorer(Protocol):
    """Batch of sentence pairs and their candidates → one score matrix per pair.

    Per-sentence data a scorer needs (e.g. target tagger probabilities) travels in
    ``ProjectionInput.extras``.
    """

    name: str
    version: int

    def score(self, batch: Sequence[ProjectionInput],
              candidates: Sequence[Spans]) -> list[ScoreMatrix]: ...

    def describe(self) -> dict[str, Any]: ...
