"""MILP backends for the matching problem: HiGHS (highspy, a core dependency) and, optionally,
OR-Tools CP-SAT.

Formulation: a binary ``x_k`` per allowed (entity, candidate) entry, maximise ``Σ c_k x_k``;
per entity ``Σ x ≤/=/≥ n``; no overlap as one clique row per target position that ends some
candidate: ``Σ_{k: start_k ≤ q < end_k} x_k ≤ 1``. On intervals these rows are exactly the
maximal cliques of the overlap graph, so they replace the pairwise rows of the reduced form
(``x_{p,t1} + x_{p,t2} ≤ 1`` per overlapping pair, ``Σ_p x_{p,t} ≤ 1`` per candidate) with
fewer, tighter rows. Many sentences go into one block-diagonal model to amortise start-up.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from xlner.errors import ConfigError
from xlner.project.base import offsets_of
from xlner.project.solvers.base import IntArray, MatchingBatch

OK, INFEASIBLE, LIMIT = "optimal", "infeasible", "time-limit"


class Model:
    """The rows of the MILP of some sentences of a batch."""

    def __init__(self, batch: MatchingBatch, sentences: Sequence[int]) -> None:
        sel = np.asarray(sentences, dtype=np.int64)
        counts = batch.entry_offsets[sel + 1] - batch.entry_offsets[sel]
        offsets = offsets_of(counts)
        self.sentences = sel
        self.col_offsets = offsets
        self.cols = np.repeat(batch.entry_offsets[sel] - offsets[:-1], counts) + np.arange(
            int(offsets[-1]), dtype=np.int64)
        local = np.repeat(np.arange(len(sel), dtype=np.int64), counts)
        self.col_sent = local
        ent = batch.ent[self.cols]
        start, end = batch.start[self.cols], batch.end[self.cols]
        self.cost = batch.score[self.cols]
        # Entity rows: one per (sentence, entity); all entities under = and >=.
        ent_base = offsets_of(batch.n_entities[sel])
        self.n_ent_rows = int(ent_base[-1])
        self.ent_row = ent_base[local] + ent
        # Clique rows at each position that ends a candidate.
        width = int(end.max()) + 1 if len(end) else 1
        pkeys = np.unique(local * width + end - 1)
        lo = np.searchsorted(pkeys, local * width + start, "left")
        hi = np.searchsorted(pkeys, local * width + end - 1, "right")
        n = hi - lo
        member_col = np.repeat(np.arange(len(self.cols), dtype=np.int64), n)
        noff = offsets_of(n)
        member_row = np.arange(int(noff[-1]), dtype=np.int64) - np.repeat(noff[:-1] - lo, n)
        size = np.bincount(member_row, minlength=len(pkeys))
        keep_row = size >= 2
        renum = np.cumsum(keep_row) - 1
        m = keep_row[member_row]
        self.clique_row = renum[member_row[m]]
        self.clique_col = member_col[m]
        self.n_clique_rows = int(keep_row.sum())

    @property
    def n_cols(self) -> int:
        return len(self.cols)

    def csr(self) -> tuple[IntArray, IntArray, int]:
        """Row starts and column indices of all rows (entity rows first), and the row count."""
        rows = np.concatenate([self.ent_row, self.n_ent_rows + self.clique_row])
        cols = np.concatenate([np.arange(self.n_cols, dtype=np.int64), self.clique_col])
        order = np.argsort(rows, kind="stable")
        n_rows = self.n_ent_rows + self.n_clique_rows
        starts = offsets_of(np.bincount(rows, minlength=n_rows))
        return starts, cols[order], n_rows

    def split(self, chosen: np.ndarray) -> list[list[int]]:
        """Chosen columns (bool per column) → chosen entry indices per sentence."""
        out: list[list[int]] = [[] for _ in range(len(self.sentences))]
        for c in np.flatnonzero(chosen).tolist():
            out[int(self.col_sent[c])].append(int(self.cols[c]))
        return out


def _quiet(factory: Any) -> Any:
    """Call ``factory`` with the process's stdout silenced (HiGHS prints a banner on creation,
    before its ``output_flag`` option can be set)."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no usable stdout: nothing to silence
        return factory()
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        return factory()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


class Backend(Protocol):
    name: str

    def solve(self, batch: MatchingBatch, sentences: Sequence[int], time_limit: float
              ) -> tuple[str, list[list[int]]]:
        """Solve the sentences as one model: status and chosen entries per sentence."""
        ...


class HighsBackend:
    """HiGHS branch-and-cut through highspy, one reused instance."""

    name = "highs"

    def __init__(self) -> None:
        self._highs: Any = None

    def _instance(self) -> Any:
        if self._highs is None:
            import highspy

            h = _quiet(highspy.Highs)
            h.setOptionValue("output_flag", False)
            h.setOptionValue("mip_rel_gap", 0.0)
            h.setOptionValue("mip_abs_gap", 1e-9)
            self._highs = h
        return self._highs

    def solve(self, batch: MatchingBatch, sentences: Sequence[int], time_limit: float
              ) -> tuple[str, list[list[int]]]:
        import highspy

        model = Model(batch, sentences)
        if model.n_cols == 0:
            status = OK if batch.constraint == "<=" or not batch.n_entities[
                model.sentences].any() else INFEASIBLE
            return status, [[] for _ in sentences]
        h = self._instance()
        h.clearModel()
        h.setOptionValue("time_limit", float(time_limit) if math.isfinite(time_limit)
                         else math.inf)
        lp = highspy.HighsLp()
        lp.num_col_ = model.n_cols
        starts, index, n_rows = model.csr()
        lp.num_row_ = n_rows
        lp.col_cost_ = model.cost
        lp.col_lower_ = np.zeros(model.n_cols)
        lp.col_upper_ = np.ones(model.n_cols)
        n = float(batch.n)
        ent_lo = {"<=": -highspy.kHighsInf, "=": n, ">=": n}[batch.constraint]
        ent_hi = {"<=": n, "=": n, ">=": highspy.kHighsInf}[batch.constraint]
        lp.row_lower_ = np.concatenate([np.full(model.n_ent_rows, ent_lo),
                                        np.full(model.n_clique_rows, -highspy.kHighsInf)])
        lp.row_upper_ = np.concatenate([np.full(model.n_ent_rows, ent_hi),
                                        np.ones(model.n_clique_rows)])
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = starts.astype(np.int32)
        lp.a_matrix_.index_ = index.astype(np.int32)
        lp.a_matrix_.value_ = np.ones(len(index))
        lp.a_matrix_.num_col_ = model.n_cols
        lp.a_matrix_.num_row_ = n_rows
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.integrality_ = [highspy.HighsVarType.kInteger] * model.n_cols
        h.passModel(lp)
        h.run()
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            values = np.asarray(h.getSolution().col_value)
            return OK, model.split(values > 0.5)
        if status == highspy.HighsModelStatus.kInfeasible:
            return INFEASIBLE, [[] for _ in sentences]
        if status == highspy.HighsModelStatus.kTimeLimit:
            return LIMIT, [[] for _ in sentences]
        raise RuntimeError(f"HiGHS ended with status {h.modelStatusToString(status)}")


class CpSatBackend:
    """OR-Tools CP-SAT (optional: ``pip install ortools``). Scores are scaled to integers
    (``scale``), so optimality is up to that resolution."""

    name = "cpsat"

    def __init__(self, scale: float = 1e6, workers: int = 1) -> None:
        try:
            from ortools.sat.python import cp_model  # noqa: F401
        except ImportError as exc:
            raise ConfigError("the cpsat backend needs OR-Tools: pip install ortools") from exc
        self.scale = scale
        self.workers = workers

    def solve(self, batch: MatchingBatch, sentences: Sequence[int], time_limit: float
              ) -> tuple[str, list[list[int]]]:
        from ortools.sat.python import cp_model

        model = Model(batch, sentences)
        cp = cp_model.CpModel()
        xs = [cp.new_bool_var("") for _ in range(model.n_cols)]
        by_ent: dict[int, list[Any]] = {}
        for c, r in enumerate(model.ent_row.tolist()):
            by_ent.setdefault(r, []).append(xs[c])
        if batch.constraint != "<=":
            ents = np.repeat(np.arange(len(model.sentences)), batch.n_entities[model.sentences])
            if len(by_ent) < len(ents):
                return INFEASIBLE, [[] for _ in sentences]
        for members in by_ent.values():
            total = sum(members)
            if batch.constraint == "<=":
                cp.add(total <= batch.n)
            elif batch.constraint == "=":
                cp.add(total == batch.n)
            else:
                cp.add(total >= batch.n)
        cliques: dict[int, list[Any]] = {}
        for r, c in zip(model.clique_row.tolist(), model.clique_col.tolist(), strict=True):
            cliques.setdefault(r, []).append(xs[c])
        for members in cliques.values():
            cp.add_at_most_one(members)
        cp.maximize(sum(round(v * self.scale) * x
                        for v, x in zip(model.cost.tolist(), xs, strict=True)))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = self.workers
        if math.isfinite(time_limit):
            solver.parameters.max_time_in_seconds = float(time_limit)
        status = solver.solve(cp)
        if status == cp_model.OPTIMAL:
            chosen = np.array([solver.value(x) for x in xs], dtype=bool)
            return OK, model.split(chosen)
        if status == cp_model.INFEASIBLE:
            return INFEASIBLE, [[] for _ in sentences]
        return LIMIT, [[] for _ in sentences]


def create_backend(name: str) -> Backend:
    if name == "highs":
        return HighsBackend()
    if name == "cpsat":
        return CpSatBackend()
    raise ConfigError(f"unknown MILP backend {name!r}; choose highs or cpsat")
