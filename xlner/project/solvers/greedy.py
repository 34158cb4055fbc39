"""Greedy matching and the exact fast path both solvers share.

Greedy: walk the entries in priority order (highest score first) and take an entry when its
entity still has room (fewer than ``n`` picks under ``<=``/``=``; no limit under ``>=``) and its
span overlaps nothing taken. An entity leaves only once it has ``n`` picks, so ``<= 2`` can pick
two candidates (the reference stopped after one: docs/method.md §6 defect 2).

Fast path: when every entity's best entry is disjoint from every other entity's best entry, the
choice "each entity its best" reaches the upper bound ``Σ_p max_t c(p, t)``: it is optimal under
``<= 1`` and ``= 1`` and it is also what greedy picks. Checked for a whole batch in vector form;
most sentences end here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from xlner.project.base import offsets_of
from xlner.project.solvers.base import (
    FEASIBLE,
    OPTIMAL,
    UNSATISFIED,
    IntArray,
    MatchingBatch,
    MatchingProblem,
    Solution,
    solve_problems,
)
from xlner.protocols import Component
from xlner.registry import solvers


def entry_sentences(batch: MatchingBatch) -> IntArray:
    return np.repeat(np.arange(len(batch), dtype=np.int64), np.diff(batch.entry_offsets))


def independent_best(batch: MatchingBatch) -> tuple[np.ndarray, IntArray, IntArray]:
    """Sentences solved by "each entity its best entry" (an ``(S,)`` bool mask), with the best
    entry of each entity (indices into the entries, sorted by sentence and entity) and their
    sentences. Only meaningful for ``n == 1`` under ``<=`` or ``=``."""
    n_sent = len(batch)
    sent = entry_sentences(batch)
    width = int(batch.n_entities.max()) + 1 if n_sent else 1
    _, best = np.unique(sent * width + batch.ent, return_index=True)
    best = best.astype(np.int64)
    bsent = sent[best]
    order = np.lexsort((batch.start[best], bsent))
    os_, ost, oen = bsent[order], batch.start[best][order], batch.end[best][order]
    clash = (os_[1:] == os_[:-1]) & (ost[1:] < oen[:-1])
    ok = np.ones(n_sent, dtype=bool)
    ok[os_[1:][clash]] = False
    if batch.constraint == "=":
        ok &= np.bincount(bsent, minlength=n_sent) == batch.n_entities
    return ok, best, bsent


def fast_solutions(batch: MatchingBatch, solver: str) -> list[Solution | None]:
    """Optimal solutions of the sentences the fast path settles (``None`` for the others)."""
    out: list[Solution | None] = [None] * len(batch)
    if not len(batch) or batch.n != 1 or batch.constraint == ">=":
        return out
    ok, best, bsent = independent_best(batch)
    counts = np.bincount(bsent, minlength=len(batch))
    offsets = offsets_of(counts)
    ents = batch.ent[best].tolist()
    cands = batch.cand[best].tolist()
    scores = batch.score[best].tolist()
    offs = offsets.tolist()
    for s in np.flatnonzero(ok).tolist():
        lo, hi = offs[s], offs[s + 1]
        if lo == hi:
            out[s] = Solution([], 0.0, OPTIMAL, solver)
        else:
            out[s] = Solution(list(zip(ents[lo:hi], cands[lo:hi], strict=True)),
                              float(sum(scores[lo:hi])), OPTIMAL, solver)
    return out


def greedy_entries(ent: list[int], start: list[int], end: list[int], n_entities: int,
                   constraint: str, n: int) -> tuple[list[int], bool]:
    """Greedy over entries in priority order: the indices taken, and whether the count
    constraints are met."""
    limit = n if constraint != ">=" else len(ent) + 1
    counts = [0] * n_entities
    taken = 0
    chosen = []
    for k, p in enumerate(ent):
        if counts[p] >= limit:
            continue
        mask = ((1 << (end[k] - start[k])) - 1) << start[k]
        if taken & mask:
            continue
        taken |= mask
        counts[p] += 1
        chosen.append(k)
    met = constraint == "<=" or all(c >= n for c in counts)
    return chosen, met


def greedy_solution(batch: MatchingBatch, s: int, solver: str = "greedy") -> Solution:
    sl = batch.entries(s)
    ent = batch.ent[sl].tolist()
    chosen, met = greedy_entries(ent, batch.start[sl].tolist(), batch.end[sl].tolist(),
                                 int(batch.n_entities[s]), batch.constraint, batch.n)
    cand = batch.cand[sl].tolist()
    score = batch.score[sl].tolist()
    pairs = [(ent[k], cand[k]) for k in chosen]
    objective = float(sum(score[k] for k in chosen))
    if met:
        return Solution(pairs, objective, FEASIBLE, solver)
    return Solution(pairs, objective, UNSATISFIED, solver,
                    {"reason": f"greedy could not give every entity '{batch.constraint} "
                               f"{batch.n}' candidates"})


@solvers.register
class GreedySolver(Component):
    """Highest score first; correct for ``<= n`` with ``n >= 2`` too."""

    name = "greedy"
    version = 1

    def __init__(self, fast_path: bool = True) -> None:
        self.fast_path = fast_path

    def solve_batch(self, batch: MatchingBatch) -> list[Solution]:
        out: list[Solution | None] = (fast_solutions(batch, self.name) if self.fast_path
                                      else [None] * len(batch))
        return [sol if sol is not None else greedy_solution(batch, s, self.name)
                for s, sol in enumerate(out)]

    def solve(self, problems: Sequence[MatchingProblem]) -> list[Solution]:
        return solve_problems(self, problems)
