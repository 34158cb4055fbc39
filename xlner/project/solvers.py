"""Solvers for the matching problem ``max Σ c·x`` under per-entity count constraints and
no-overlap constraints (SPEC §4). Protocol and problem types for now."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Constraint = Literal["<=", "=", ">="]

OPTIMAL = "optimal"
FEASIBLE = "feasible"
TIME_LIMIT = "time-limit"
INFEASIBLE = "infeasible"


@dataclass(slots=True)
class MatchingProblem:
    """One sentence: ``scores[p, t]`` for source entity ``p`` and candidate span ``spans[t]``."""

    scores: npt.NDArray[np.float64]
    spans: npt.NDArray[np.int32]
    constraint: Constraint = "<="
    n: int = 1


@dataclass(slots=True)
class Solution:
    """Chosen ``(entity, candidate)`` pairs, the objective, and how it was obtained."""

    pairs: list[tuple[int, int]]
    objective: float
    status: str = OPTIMAL
    solver: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Solver(Protocol):
    name: str
    version: int

    def solve(self, problems: Sequence[MatchingProblem]) -> list[Solution]: ...

    def describe(self) -> dict[str, Any]: ...
