"""The dynamic-programming fast path against brute force."""

from __future__ import annotations

import math

import numpy as np

from tests.project.solvers.problems import brute_force, check_solution, random_problem
from xlner.project.solvers import INFEASIBLE
from xlner.project.solvers.dp import solve_dp


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
