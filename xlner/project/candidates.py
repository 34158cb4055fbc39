"""Candidate target spans for candidate-matching projection (SPEC §4).

Protocol only for now; extractors (n-grams, aligned subranges, tagger spans) are added here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from xlner.project.base import ProjectionInput

Spans = npt.NDArray[np.int32]
"""Candidate spans of one sentence: an ``(n, 2)`` int32 array of ``[start, end)`` target word
ranges, sorted and without duplicates."""


@runtime_checkable
class CandidateExtractor(Protocol):
    """Batch of sentence pairs → candidate target spans per pair (never silently dropping any)."""

    name: str
    version: int

    def extract(self, batch: Sequence[ProjectionInput]) -> list[Spans]: ...

    def describe(self) -> dict[str, Any]: ...
