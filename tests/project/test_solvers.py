"""Matching solvers: exact == brute force, exact >= greedy, feasibility, statuses."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlner.project.candidates import ngram_spans
from xlner.project.solvers import (
    FEASIBLE,
    INFEASIBLE,
    OPTIMAL,
    TIME_LIMIT,
    UNSATISFIED,
    GreedySolver,
    IlpSolver,
    MatchingBatch,
    MatchingProblem,
    Solution,
)
from xlner.project.solvers.dp import solve_dp
from xlner.registry import solvers


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


EXACT = [IlpSolver(), IlpSolver(fast_paths=False), IlpSolver(max_work=0)]


def test_exact_matches_brute_force_on_random_instances() -> None:
    rng = np.random.default_rng(7)
    problems = [random_problem(rng) for _ in range(300)]
    expected = [brute_force(p) for p in problems]
    assert sum(e is None for e in expected) > 10  # some infeasible = / >= instances
    for solver in EXACT:
        sols = solver.solve(problems)
        for prob, sol, exp in zip(problems, sols, expected, strict=True):
            check_solution(prob, sol)
            if exp is None:
                assert sol.status == INFEASIBLE, (prob, sol)
                assert sol.pairs == []
            else:
                assert sol.status == OPTIMAL, (prob, sol)
                assert math.isclose(sol.objective, exp, abs_tol=1e-9), (prob, sol, exp)


def test_dp_matches_brute_force() -> None:
    rng = np.random.default_rng(11)
    for _ in range(200):
        prob = random_problem(rng)
        p, t = np.nonzero(prob.scores > 0)
        sol = solve_dp(p.tolist(), t.tolist(), prob.spans[t, 0].tolist(),
                       prob.spans[t, 1].tolist(), prob.scores[p, t].tolist(),
                       prob.scores.shape[0], prob.constraint, prob.n)
        exp = brute_force(prob)
        if exp is None:
            assert sol.status == INFEASIBLE
        else:
            check_solution(prob, sol)
            assert math.isclose(sol.objective, exp, abs_tol=1e-9)


def test_cpsat_backend_matches_brute_force() -> None:
    pytest.importorskip("ortools")
    rng = np.random.default_rng(3)
    problems = [random_problem(rng) for _ in range(60)]
    sols = IlpSolver(backend="cpsat", fast_paths=False).solve(problems)
    for prob, sol in zip(problems, sols, strict=True):
        exp = brute_force(prob)
        if exp is None:
            assert sol.status == INFEASIBLE
        else:
            check_solution(prob, sol)
            assert math.isclose(sol.objective, exp, abs_tol=1e-5)


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_greedy_never_beats_exact_and_stays_feasible(seed: int) -> None:
    prob = random_problem(np.random.default_rng(seed), constraint="<=")
    exact = IlpSolver().solve([prob])[0]
    for solver in (GreedySolver(), GreedySolver(fast_path=False)):
        greedy = solver.solve([prob])[0]
        check_solution(prob, greedy)
        assert greedy.status in (OPTIMAL, FEASIBLE)
        assert greedy.objective <= exact.objective + 1e-9


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["<=", "=", ">="]), st.integers(1, 2))
def test_solutions_respect_constraints(seed: int, constraint: str, n: int) -> None:
    prob = random_problem(np.random.default_rng(seed), constraint=constraint)
    prob.n = n
    for solver in (IlpSolver(), GreedySolver()):
        sol = solver.solve([prob])[0]
        check_solution(prob, sol)
        counts = np.bincount([p for p, _ in sol.pairs], minlength=prob.scores.shape[0])
        if constraint != ">=":
            assert (counts <= n).all()
        if sol.status == UNSATISFIED:
            assert solver.name == "greedy"


def test_greedy_le_two_picks_two_disjoint_candidates() -> None:
    """docs/method.md §6 defect 2: greedy with '<= 2' stopped after one pick per entity."""
    spans = np.array([[0, 1], [0, 2], [3, 4]], dtype=np.int32)
    scores = np.array([[0.9, 0.5, 0.8]])
    sol = GreedySolver().solve([MatchingProblem(scores, spans, "<=", 2)])[0]
    assert sorted(sol.pairs) == [(0, 0), (0, 2)]
    assert math.isclose(sol.objective, 1.7)
    one = GreedySolver().solve([MatchingProblem(scores, spans, "<=", 1)])[0]
    assert one.pairs == [(0, 0)]


def test_greedy_is_not_optimal_where_exact_is() -> None:
    # Entity 0's best span blocks entity 1's only span; exact gives each a span.
    spans = np.array([[0, 2], [0, 1], [1, 2]], dtype=np.int32)
    scores = np.array([[0.9, 0.6, 0.0], [0.0, 0.0, 0.8]])
    prob = MatchingProblem(scores, spans)
    greedy = GreedySolver().solve([prob])[0]
    exact = IlpSolver().solve([prob])[0]
    assert greedy.pairs == [(0, 0)]
    assert sorted(exact.pairs) == [(0, 1), (1, 2)]
    assert exact.objective > greedy.objective


def test_infeasible_problems_are_reported() -> None:
    spans = np.array([[0, 2], [1, 3]], dtype=np.int32)
    # Two entities whose only candidates overlap, each must get exactly one.
    clash = MatchingProblem(np.array([[0.5, 0.0], [0.0, 0.7]]), spans, "=", 1)
    # An entity without any allowed candidate under ">=".
    empty = MatchingProblem(np.array([[0.5, 0.0], [0.0, 0.0]]), spans, ">=", 1)
    for solver in EXACT:
        for prob in (clash, empty):
            sol = solver.solve([prob])[0]
            assert sol.status == INFEASIBLE
            assert sol.pairs == []
            assert sol.detail.get("reason")
    greedy = GreedySolver().solve([clash])[0]
    assert greedy.status == UNSATISFIED
    assert greedy.pairs == [(1, 1)]


def test_time_limit_falls_back_to_greedy_and_says_so() -> None:
    rng = np.random.default_rng(0)
    spans = ngram_spans(40, 6)
    scores = rng.random((12, len(spans)))
    scores[scores < 0.5] = 0.0
    prob = MatchingProblem(scores, spans)
    sol = IlpSolver(time_limit=1e-9, fast_paths=False).solve([prob])[0]
    assert sol.status == TIME_LIMIT
    assert sol.solver == "greedy"
    assert sol.detail["backend"] == "highs" and sol.detail["fallback"] == "greedy"
    check_solution(prob, sol)
    greedy = GreedySolver().solve([prob])[0]
    assert sol.pairs == greedy.pairs
    exact = IlpSolver(time_limit=60).solve([prob])[0]
    assert exact.status == OPTIMAL and exact.objective >= sol.objective - 1e-9


def test_batch_mixes_fast_dp_and_milp_sentences() -> None:
    rng = np.random.default_rng(5)
    problems = [random_problem(rng, "<=") for _ in range(40)]
    spans = ngram_spans(30, 5)
    dense = rng.random((10, len(spans)))
    problems.append(MatchingProblem(dense, spans))
    sols = IlpSolver(max_work=5_000).solve(problems)
    assert {s.solver for s in sols} >= {"fast", "highs"}
    alone = [IlpSolver(fast_paths=False).solve([p])[0] for p in problems]
    for prob, sol, ref in zip(problems, sols, alone, strict=True):
        check_solution(prob, sol)
        assert math.isclose(sol.objective, ref.objective, abs_tol=1e-9)


def test_batch_from_problems_and_subset_roundtrip() -> None:
    rng = np.random.default_rng(2)
    problems = [random_problem(rng, "<=") for _ in range(10)]
    for prob in problems:
        prob.n = 1
    batch = MatchingBatch.from_problems(problems)
    assert len(batch) == 10
    sub = batch.subset([3, 1])
    assert sub.n_entities.tolist() == [problems[3].scores.shape[0], problems[1].scores.shape[0]]
    for k, s in enumerate([3, 1]):
        got = sorted(zip(sub.ent[sub.entries(k)].tolist(), sub.cand[sub.entries(k)].tolist(),
                         strict=True))
        want = sorted(zip(*(x.tolist() for x in np.nonzero(problems[s].scores > 0)),
                          strict=True))
        assert got == want
    # priority order: scores never increase within a sentence
    for s in range(len(batch)):
        sc = batch.score[batch.entries(s)]
        assert (np.diff(sc) <= 0).all()
    with pytest.raises(ValueError, match="one constraint"):
        MatchingBatch.from_problems([problems[0], MatchingProblem(problems[1].scores,
                                                                  problems[1].spans, "=")])


def test_solvers_are_registered() -> None:
    assert {"greedy", "ilp"} <= set(solvers.names())
    assert solvers.create("ilp(backend=highs,time_limit=2)").time_limit == 2.0
