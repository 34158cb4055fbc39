"""Solvers for the matching problem (docs/method.md §4): greedy and exact.

``ilp`` is exact: the vector fast path (each entity its best, when those are disjoint), then an
exact dynamic programme over target positions for the remaining sentences whose state space is
small, then a MILP backend (HiGHS by default, batched; CP-SAT optional) for the rest. A MILP that
hits the per-sentence time limit yields greedy's labels with status ``time-limit``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from xlner.errors import ConfigError
from xlner.project.solvers.base import (
    CONSTRAINTS,
    FEASIBLE,
    INFEASIBLE,
    OPTIMAL,
    TIME_LIMIT,
    UNSATISFIED,
    Constraint,
    MatchingBatch,
    MatchingProblem,
    Solution,
    Solver,
    check_constraint,
    solve_problems,
)
from xlner.project.solvers.dp import frontier_bound, solve_dp
from xlner.project.solvers.greedy import GreedySolver, fast_solutions, greedy_solution
from xlner.project.solvers.milp import INFEASIBLE as MILP_INFEASIBLE
from xlner.project.solvers.milp import OK as MILP_OK
from xlner.project.solvers.milp import create_backend
from xlner.protocols import Component
from xlner.registry import solvers


@solvers.register
class IlpSolver(Component):
    """Exact: vector fast path, exact DP, then a batched MILP (``backend`` highs or cpsat).

    ``time_limit`` is seconds per sentence for the MILP; ``max_work`` bounds the DP (states
    times entries) before a sentence goes to the MILP; ``fast_paths=False`` sends everything to
    the MILP (for measurements).
    """

    name = "ilp"
    version = 1
    setting_attrs: ClassVar[dict[str, str]] = {"backend": "backend_name"}

    def __init__(self, backend: str = "highs", time_limit: float = 1.0, fast_paths: bool = True,
                 max_work: int = 200_000, milp_batch: int = 256) -> None:
        if not time_limit > 0:
            raise ConfigError(f"ilp: time_limit must be > 0 seconds, not {time_limit!r}")
        if milp_batch < 1:
            raise ConfigError(f"ilp: milp_batch must be >= 1, not {milp_batch!r}")
        self.backend_name = backend
        self.backend = create_backend(backend)
        self.time_limit = float(time_limit)
        self.fast_paths = fast_paths
        self.max_work = max_work
        self.milp_batch = milp_batch

    def solve(self, problems: Sequence[MatchingProblem]) -> list[Solution]:
        return solve_problems(self, problems)

    def solve_batch(self, batch: MatchingBatch) -> list[Solution]:
        out: list[Solution | None] = (fast_solutions(batch, "fast") if self.fast_paths
                                      else [None] * len(batch))
        milp: list[int] = []
        for s, sol in enumerate(out):
            if sol is not None:
                continue
            if not self.fast_paths:
                milp.append(s)
                continue
            sl = batch.entries(s)
            ent, start, end = (batch.ent[sl].tolist(), batch.start[sl].tolist(),
                               batch.end[sl].tolist())
            n_ent = int(batch.n_entities[s])
            work = frontier_bound(ent, start, end, n_ent, batch.n) * max(1, len(ent))
            if work <= self.max_work:
                out[s] = solve_dp(ent, batch.cand[sl].tolist(), start, end,
                                  batch.score[sl].tolist(), n_ent, batch.constraint, batch.n,
                                  "dp")
            else:
                milp.append(s)
        for lo in range(0, len(milp), self.milp_batch):
            self._solve_milp(batch, milp[lo:lo + self.milp_batch], out)
        return [s for s in out if s is not None]

    def _solve_milp(self, batch: MatchingBatch, chunk: list[int],
                    out: list[Solution | None]) -> None:
        status, chosen = self.backend.solve(batch, chunk, self.time_limit * len(chunk))
        if status != MILP_OK and len(chunk) > 1:
            for s in chunk:
                self._solve_milp(batch, [s], out)
            return
        name = self.backend.name
        for s, entries in zip(chunk, chosen, strict=True):
            if status == MILP_OK:
                pairs = sorted((int(batch.ent[k]), int(batch.cand[k])) for k in entries)
                out[s] = Solution(pairs, float(sum(batch.score[k] for k in entries)), OPTIMAL,
                                  name)
            elif status == MILP_INFEASIBLE:
                out[s] = Solution([], 0.0, INFEASIBLE, name,
                                  {"reason": f"no choice gives every entity "
                                             f"'{batch.constraint} {batch.n}' disjoint "
                                             "candidates"})
            else:
                fallback = greedy_solution(batch, s)
                out[s] = Solution(fallback.pairs, fallback.objective, TIME_LIMIT, "greedy",
                                  {"time_limit": self.time_limit, "backend": name,
                                   "fallback": "greedy", "fallback_status": fallback.status})


__all__ = ["CONSTRAINTS", "FEASIBLE", "INFEASIBLE", "OPTIMAL", "TIME_LIMIT", "UNSATISFIED",
           "Constraint", "GreedySolver", "IlpSolver", "MatchingBatch", "MatchingProblem",
           "Solution", "Solver", "check_constraint", "create_solver", "solve_problems"]


def create_solver(spec: Any, **overrides: Any) -> Solver:
    """A solver from a spec such as ``"ilp(backend=cpsat)"`` or a solver object."""
    if isinstance(spec, Solver):
        return spec
    return solvers.create(spec, **overrides)  # type: ignore[no-any-return]
