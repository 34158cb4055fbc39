"""The matching problem ``max Σ c·x`` under per-entity count constraints and no-overlap
constraints (docs/method.md §4): problem and solution types, and the solver protocol.

A :class:`MatchingProblem` is one sentence with a dense score matrix; a :class:`MatchingBatch`
holds many sentences as one sparse entry list (only the allowed pairs, score > 0), which is what
the solvers work on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from xlner.errors import ConfigError
from xlner.project.base import offsets_of

Constraint = Literal["<=", "=", ">="]
CONSTRAINTS: tuple[str, ...] = ("<=", "=", ">=")

OPTIMAL = "optimal"
"""Proven optimal."""
FEASIBLE = "feasible"
"""Meets every constraint, optimality not proven (greedy)."""
TIME_LIMIT = "time-limit"
"""The exact solver hit its time limit; ``solver`` names the fallback that gave the pairs."""
INFEASIBLE = "infeasible"
"""Proven infeasible: no choice meets the count constraints; ``pairs`` is empty."""
UNSATISFIED = "unsatisfied"
"""A heuristic (greedy) could not meet ``=``/``>=`` constraints; the pairs it found are kept."""

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def check_constraint(constraint: str, n: int) -> None:
    if constraint not in CONSTRAINTS:
        raise ConfigError(f"constraint must be one of {', '.join(CONSTRAINTS)}, "
                          f"not {constraint!r}")
    if not isinstance(n, int) or n < 1:
        raise ConfigError(f"the count n of a '{constraint}' constraint must be an integer >= 1, "
                          f"not {n!r}")


@dataclass(slots=True)
class MatchingProblem:
    """One sentence: ``scores[p, t]`` for source entity ``p`` and candidate span ``spans[t]``
    (``0`` = not allowed); each entity picks ``constraint n`` candidates, chosen spans disjoint."""

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


@dataclass(slots=True, eq=False)
class MatchingBatch:
    """Matching problems of many sentences as one sparse entry list.

    Entries of sentence ``s`` are ``entry_offsets[s]:entry_offsets[s+1]``, in *priority order*:
    score descending, then shorter span, then start, end and entity ascending. Entry ``k`` gives
    candidate ``cand[k]`` (the span ``[start[k], end[k])``) to local entity ``ent[k]`` with
    ``score[k] > 0``.
    """

    n_entities: IntArray
    entry_offsets: IntArray
    ent: IntArray
    cand: IntArray
    start: IntArray
    end: IntArray
    score: FloatArray
    constraint: Constraint = "<="
    n: int = 1

    def __post_init__(self) -> None:
        check_constraint(self.constraint, self.n)

    def __len__(self) -> int:
        return len(self.n_entities)

    @classmethod
    def from_entries(cls, n_entities: IntArray, sent: IntArray, ent: IntArray, cand: IntArray,
                     start: IntArray, end: IntArray, score: FloatArray,
                     constraint: Constraint = "<=", n: int = 1) -> MatchingBatch:
        """Build from unordered entries; entries with ``score <= 0`` are dropped."""
        keep = score > 0
        if not keep.all():
            sent, ent, cand, start, end = (a[keep] for a in (sent, ent, cand, start, end))
            score = score[keep]
        order = np.lexsort((ent, end, start, end - start, -score, sent))
        counts = np.bincount(sent, minlength=len(n_entities))
        offsets = offsets_of(counts)
        return cls(np.asarray(n_entities, dtype=np.int64), offsets,
                   ent[order].astype(np.int64), cand[order].astype(np.int64),
                   start[order].astype(np.int64), end[order].astype(np.int64),
                   score[order].astype(np.float64), constraint, n)

    @classmethod
    def from_problems(cls, problems: Sequence[MatchingProblem]) -> MatchingBatch:
        """One batch of dense problems that share their constraint."""
        if not problems:
            empty = np.zeros(0, np.int64)
            return cls.from_entries(empty, empty, empty, empty, empty, empty, np.zeros(0))
        kinds = {(p.constraint, p.n) for p in problems}
        if len(kinds) > 1:
            raise ValueError("a MatchingBatch needs problems with one constraint; "
                             f"got {sorted(kinds)}")
        constraint, n = kinds.pop()
        parts = []
        for s, prob in enumerate(problems):
            scores = np.asarray(prob.scores, dtype=np.float64)
            spans = np.asarray(prob.spans).reshape(-1, 2)
            if scores.ndim != 2 or scores.shape[1] != len(spans):
                raise ValueError(f"problem {s}: scores of shape {scores.shape} do not match "
                                 f"{len(spans)} candidate spans")
            if not np.isfinite(scores).all():
                raise ValueError(f"problem {s}: scores must be finite")
            p, t = np.nonzero(scores > 0)
            parts.append((np.full(len(p), s), p, t, spans[t, 0], spans[t, 1], scores[p, t]))
        sent, ent, cand, start, end = (
            np.concatenate([part[k] for part in parts]).astype(np.int64) for k in range(5))
        score = np.concatenate([part[5] for part in parts]).astype(np.float64)
        n_ent = np.array([np.asarray(p.scores).shape[0] for p in problems], dtype=np.int64)
        return cls.from_entries(n_ent, sent, ent, cand, start, end, score,
                                constraint, n)

    def entries(self, s: int) -> slice:
        return slice(int(self.entry_offsets[s]), int(self.entry_offsets[s + 1]))

    def subset(self, sentences: Sequence[int]) -> MatchingBatch:
        """The sub-batch of the given sentences, in that order."""
        sel = np.asarray(sentences, dtype=np.int64)
        counts = self.entry_offsets[sel + 1] - self.entry_offsets[sel]
        offsets = offsets_of(counts)
        idx = np.repeat(self.entry_offsets[sel] - offsets[:-1], counts) + np.arange(
            int(offsets[-1]), dtype=np.int64)
        return MatchingBatch(self.n_entities[sel], offsets, self.ent[idx], self.cand[idx],
                             self.start[idx], self.end[idx], self.score[idx], self.constraint,
                             self.n)


@runtime_checkable
class Solver(Protocol):
    """Solves matching problems, batch first."""

    name: str
    version: int

    def solve_batch(self, batch: MatchingBatch) -> list[Solution]: ...

    def solve(self, problems: Sequence[MatchingProblem]) -> list[Solution]: ...

    def describe(self) -> dict[str, Any]: ...


def solve_problems(solver: Solver, problems: Sequence[MatchingProblem]) -> list[Solution]:
    """Solve dense problems, grouping them by constraint."""
    out: list[Solution | None] = [None] * len(problems)
    groups: dict[tuple[str, int], list[int]] = {}
    for k, prob in enumerate(problems):
        groups.setdefault((prob.constraint, prob.n), []).append(k)
    for members in groups.values():
        sols = solver.solve_batch(MatchingBatch.from_problems([problems[k] for k in members]))
        for k, sol in zip(members, sols, strict=True):
            out[k] = sol
    return [s for s in out if s is not None]


