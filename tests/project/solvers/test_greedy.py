"""The greedy solver: feasible, never better than exact, not optimal where exact is."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.project.solvers.problems import check_solution, random_problem
from xlner.project.solvers import FEASIBLE, OPTIMAL, GreedySolver, IlpSolver, MatchingProblem


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
