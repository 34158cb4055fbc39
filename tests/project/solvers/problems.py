"""Random matching problems, a brute-force optimum and solution checks for the solver tests."""

from __future__ import annotations

import itertools
import math

import numpy as np

from xlner.project.candidates import ngram_spans
from xlner.project.solvers import FEASIBLE, OPTIMAL, MatchingProblem, Solution


def brute_force(prob: MatchingProblem) -> float | None:
    """Best objective over all feasible choices, or None when none is feasible."""
    scores, spans = prob.scores, prob.spans
    entries = [(p, t) for p, t in zip(*np.nonzero(scores > 0), strict=True)]
    n_ent = scores.shape[0]
    best: float | None = None
    for r in range(len(entries) + 1):
        for subset in itertools.combinations(entries, r):
            if not feasible(subset, spans, n_ent, prob.constraint, prob.n):
                continue
            value = float(sum(scores[p, t] for p, t in subset))
            if best is None or value > best:
                best = value
    return best


def feasible(pairs: object, spans: np.ndarray, n_ent: int, constraint: str, n: int) -> bool:
    pairs = list(pairs)  # type: ignore[call-overload]
    counts = [0] * n_ent
    for p, _ in pairs:
        counts[p] += 1
    if constraint == "<=" and any(c > n for c in counts):
        return False
    if constraint == "=" and any(c != n for c in counts):
        return False
    if constraint == ">=" and any(c < n for c in counts):
        return False
    return disjoint([spans[t] for _, t in pairs])


def disjoint(chosen: list[np.ndarray]) -> bool:
    ivs = sorted((int(s), int(e)) for s, e in chosen)
    return all(b[0] >= a[1] for a, b in itertools.pairwise(ivs))


def random_problem(rng: np.random.Generator, constraint: str | None = None,
                   max_entries: int = 11) -> MatchingProblem:
    length = int(rng.integers(1, 8))
    spans = ngram_spans(length, int(rng.integers(1, 4)))
    n_ent = int(rng.integers(0, 4))
    scores = np.round(rng.random((n_ent, len(spans))), 2)
    scores[rng.random(scores.shape) < 0.6] = 0.0
    while np.count_nonzero(scores) > max_entries:
        nz = np.flatnonzero(scores)
        scores.flat[rng.choice(nz)] = 0.0
    return MatchingProblem(scores, spans, constraint or str(rng.choice(["<=", "=", ">="])),
                           int(rng.integers(1, 3)))  # type: ignore[arg-type]


def check_solution(prob: MatchingProblem, sol: Solution) -> None:
    """Chosen pairs are allowed, never overlap and meet the constraint when claimed."""
    for p, t in sol.pairs:
        assert prob.scores[p, t] > 0
    assert disjoint([prob.spans[t] for _, t in sol.pairs])
    assert len(set(sol.pairs)) == len(sol.pairs)
    assert math.isclose(sol.objective, sum(prob.scores[p, t] for p, t in sol.pairs),
                        abs_tol=1e-9)
    if sol.status in (OPTIMAL, FEASIBLE):
        assert feasible(sol.pairs, prob.spans, prob.scores.shape[0], prob.constraint, prob.n)
