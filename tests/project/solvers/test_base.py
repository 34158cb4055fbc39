"""Matching problems: constraints every solver respects, batches and subsets, the registry."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.project.solvers.problems import check_solution, random_problem
from xlner.project.solvers import (
    UNSATISFIED,
    GreedySolver,
    IlpSolver,
    MatchingBatch,
    MatchingProblem,
)
from xlner.registry import solvers


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
