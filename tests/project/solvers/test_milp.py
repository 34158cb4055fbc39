"""The exact solver: optimal against brute force, backends, time limits, mixed batches."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.project.solvers.problems import brute_force, check_solution, random_problem
from xlner.project.candidates import ngram_spans
from xlner.project.solvers import (
    INFEASIBLE,
    OPTIMAL,
    TIME_LIMIT,
    UNSATISFIED,
    GreedySolver,
    IlpSolver,
    MatchingProblem,
)

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
