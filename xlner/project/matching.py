"""Candidate-matching projection (docs/method.md §4): extract candidate spans, score them against
each source entity, choose with a solver.

``matching(candidates="ngrams:10", scores="align=1", solver="ilp", constraint="<=", n=1)``:

1. the extractor gives each sentence pair its candidate target spans;
2. the scorer (a fusion spec such as ``align=1,ortho=0.5@0.6``) scores every (entity, candidate)
   pair of the batch in vector form; pairs scoring ``<= min_score`` are not allowed;
3. dominated pairs are dropped: a candidate whose sub-span scores at least as well for the same
   entity can be replaced by it in any solution without breaking a constraint, so dropping it
   keeps the optimum (exact for every constraint type);
4. the solver picks, per entity, ``constraint n`` candidates with no two chosen spans
   overlapping, maximising the total score.

With ``adjective_label="MISC"``, a name that lands on a single lower-case target word (an
adjective derived from it: *Europe* → *europäischen*) gets that label
(:mod:`xlner.project.labels`). With ``extend="union"`` (any symmetrisation name), chosen spans
grow at their boundaries over words that view links to their entity, with
``extend_words="names"`` only over name-like words (:mod:`xlner.project.extend`).

Every entity that does not land is reported: ``no-candidate`` (no allowed pair),
``not-selected`` (the solver chose otherwise) or ``infeasible``. A sentence whose exact solver
hit its time limit gets status ``fallback`` with the fallback named; an infeasible ``=``/``>=``
problem is reported as ``fallback`` too, with the labels of its ``<=`` relaxation
(``on_infeasible="relax"``, the default) or none (``"skip"``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import ClassVar

import numpy as np

from xlner.align.symmetrize import canonical_name
from xlner.data import Entity
from xlner.errors import ConfigError
from xlner.project.base import (
    EMPTY_TARGET,
    FALLBACK,
    NO_CANDIDATE,
    NOT_SELECTED,
    OK,
    OVER_LIMIT,
    ProjectionInput,
    ProjectionResult,
    Unprojected,
    offsets_of,
    sort_result,
)
from xlner.project.candidates import CandidateExtractor, Spans, create_extractor
from xlner.project.extend import check_extend_words, extend_spans
from xlner.project.labels import projected_label
from xlner.project.limits import current_limits
from xlner.project.scores import PairGrid, Scorer, create_scorer
from xlner.project.solvers import (
    INFEASIBLE,
    TIME_LIMIT,
    UNSATISFIED,
    MatchingBatch,
    Solution,
    Solver,
    check_constraint,
    create_solver,
)
from xlner.protocols import Component
from xlner.registry import projectors

INFEASIBLE_REASON = "infeasible"
"""Unprojected reason when an infeasible problem's labels were skipped."""

MAX_PAIRS = 2_000_000
"""Largest (entity, candidate) grid scored at once; bigger batches are split."""


def dominated(grid: PairGrid, values: np.ndarray) -> np.ndarray:
    """Pairs whose candidate has a strict sub-span (among the candidates) scoring at least as
    well for the same entity.

    Exact for downward-closed candidate sets (every sub-span of a candidate is a candidate) on a
    full or supported grid (:meth:`PairGrid.supported`): a pair absent from a supported grid
    scores 0 and so do all its sub-spans. On other candidate sets it finds a subset of the
    dominated pairs, which is safe.
    """
    out = np.zeros(grid.n_pairs, dtype=bool)
    if not grid.n_pairs:
        return out
    pe, pc = grid.pair_ent, grid.pair_cand
    cs, ce = grid.cand_start[pc], grid.cand_end[pc]
    cl = ce - cs
    n = len(pe)
    idx = np.arange(n, dtype=np.int64)
    # Pairs are sorted by (entity, start, end). Right child (s, e-1): the previous pair.
    right = np.full(n, -1, dtype=np.int64)
    same = (pe[1:] == pe[:-1]) & (cs[1:] == cs[:-1]) & (ce[1:] == ce[:-1] + 1)
    right[1:][same] = idx[:-1][same]
    # Left child (s+1, e): in the block of pairs with the same entity and start s+1, found once
    # per block; inside it, ends usually run contiguously, so try first_end-offset and check.
    new_block = np.ones(n, dtype=bool)
    new_block[1:] = (pe[1:] != pe[:-1]) | (cs[1:] != cs[:-1])
    block_first = np.flatnonzero(new_block)
    block_len = np.diff(np.append(block_first, n))
    width = int(grid.tgt_len.max()) + 2
    block_key = pe[block_first] * width + cs[block_first]
    nxt = np.searchsorted(block_key, block_key + 1)
    nxt = np.minimum(nxt, len(block_key) - 1)
    has_next = block_key[nxt] == block_key + 1
    block_of = np.repeat(np.arange(len(block_first), dtype=np.int64), block_len)
    target_block = nxt[block_of]
    pos = block_first[target_block] + (ce - ce[block_first[target_block]])
    ok = has_next[block_of] & (pos >= block_first[target_block]) & (
        pos < block_first[target_block] + block_len[target_block])
    pos = np.where(ok, pos, 0)
    ok &= ce[pos] == ce
    left = np.where(ok, pos, -1)
    order = np.argsort(cl.astype(np.int16) if cl.max() < 2**15 else cl, kind="stable")
    bounds = np.searchsorted(cl[order], np.arange(1, int(cl.max()) + 2))
    padded = np.append(values, 0.0)  # index -1 reads 0
    for lvl in range(2, len(bounds)):
        idx = order[bounds[lvl - 1]:bounds[lvl]]
        if not len(idx):
            continue
        sub = np.maximum(padded[left[idx]], padded[right[idx]])
        out[idx] = values[idx] <= sub
        padded[idx] = np.maximum(values[idx], sub)
    return out


@projectors.register
class MatchingProjector(Component):
    """Candidate matching: extractor + scores + solver (docs/method.md §4)."""

    name = "matching"
    version = 1
    setting_attrs: ClassVar[dict[str, str]] = {"candidates": "extractor", "scores": "scorer"}
    hidden_settings = frozenset({"time_limit"})

    def __init__(self, candidates: str | CandidateExtractor = "ngrams:10",
                 scores: str | Scorer = "align=1", solver: str | Solver = "ilp",
                 constraint: str = "<=", n: int = 1, min_score: float = 0.0,
                 prune: bool = True, time_limit: float | None = None,
                 on_infeasible: str = "relax", adjective_label: str | None = None,
                 extend: str | None = None, extend_words: str = "any") -> None:
        check_constraint(constraint, n)
        if on_infeasible not in ("relax", "skip"):
            raise ConfigError(f"matching: on_infeasible must be 'relax' or 'skip', not "
                              f"{on_infeasible!r}")
        self.extractor = create_extractor(candidates)
        self.scorer = create_scorer(scores)
        overrides = {"time_limit": time_limit} if time_limit is not None else {}
        self.solver = create_solver(solver, **overrides)
        self.constraint = constraint
        self.n = n
        self.min_score = float(min_score)
        self.prune = prune
        self.on_infeasible = on_infeasible
        self.adjective_label = adjective_label or None
        self.extend = None if extend is None else canonical_name(extend)
        self.extend_words = check_extend_words(extend_words)
        self.last_paths: Counter[str] = Counter()
        """How the sentences of the last :meth:`project` call were solved (solver names)."""

    def project(self, batch: Sequence[ProjectionInput]) -> list[ProjectionResult]:
        spans = self.extractor.extract(batch)
        if len(spans) != len(batch):
            raise RuntimeError(f"candidate extractor gave {len(spans)} lists for "
                               f"{len(batch)} sentence pairs")
        limits = current_limits()
        over = {k: reason for k, sp in enumerate(spans) if batch[k].entities
                and (reason := limits.candidates_violation(len(sp))) is not None}
        if over:  # reported failed with the limit, the others solved as usual
            keep = [k for k in range(len(batch)) if k not in over]
            solved = iter(self._project_all([batch[k] for k in keep], [spans[k] for k in keep]))
            return [ProjectionResult.failed(item, over[k], OVER_LIMIT) if k in over
                    else next(solved) for k, item in enumerate(batch)]
        return self._project_all(batch, spans)

    def _project_all(self, batch: Sequence[ProjectionInput], spans: Sequence[Spans]
                     ) -> list[ProjectionResult]:
        out: list[ProjectionResult] = []
        self.last_paths = Counter()
        prepare = getattr(self.scorer, "prepare", None)
        if prepare is not None:
            prepare(batch)
        try:
            lo = 0
            while lo < len(batch):
                hi, pairs = lo, 0
                while hi < len(batch) and (hi == lo or pairs + len(batch[hi].entities) * len(
                        spans[hi]) <= MAX_PAIRS):
                    pairs += len(batch[hi].entities) * len(spans[hi])
                    hi += 1
                out.extend(self._project_chunk(batch[lo:hi], spans[lo:hi]))
                lo = hi
        finally:
            if prepare is not None:
                prepare(None)
        return out

    def problems(self, batch: Sequence[ProjectionInput], spans: Sequence[Spans] | None = None
                 ) -> MatchingBatch:
        """The sparse matching problems of a batch (scored and pruned), for inspection."""
        spans = self.extractor.extract(batch) if spans is None else spans
        return self._problems(batch, spans)

    def _problems(self, batch: Sequence[ProjectionInput], spans: Sequence[Spans]
                  ) -> MatchingBatch:
        grid = PairGrid.build(batch, spans, pairs=False)
        support = getattr(self.scorer, "support", None)
        window = support(grid) if support is not None else None
        grid = PairGrid.build(batch, spans) if window is None else grid.supported(*window)
        values = np.asarray(self.scorer.score(grid), dtype=np.float64)
        if values.shape != (grid.n_pairs,):
            raise RuntimeError(f"scorer returned {values.shape} values for {grid.n_pairs} pairs")
        if not np.isfinite(values).all():
            bad = int(grid.pair_sent[~np.isfinite(values)][0])
            raise ValueError(f"scorer returned a non-finite score in sentence {bad}")
        keep = values > self.min_score
        if self.prune:
            keep &= ~dominated(grid, values)
        pe, pc = grid.pair_ent[keep], grid.pair_cand[keep]
        sent = grid.ent_sent[pe]
        return MatchingBatch.from_entries(
            np.diff(grid.ent_offsets), sent, pe - grid.ent_offsets[sent],
            pc - grid.cand_offsets[sent], grid.cand_start[pc], grid.cand_end[pc], values[keep],
            self.constraint, self.n)  # type: ignore[arg-type]

    def _project_chunk(self, batch: Sequence[ProjectionInput], spans: Sequence[Spans]
                       ) -> list[ProjectionResult]:
        problems = self._problems(batch, spans)
        solutions = self.solver.solve_batch(problems)
        self.last_paths.update(sol.solver for item, sol in zip(batch, solutions, strict=True)
                               if item.entities)
        ent_base = offsets_of(problems.n_entities)
        has = np.zeros(int(ent_base[-1]), dtype=bool)
        has[np.repeat(ent_base[:-1], np.diff(problems.entry_offsets)) + problems.ent] = True
        has_list, bases = has.tolist(), ent_base.tolist()
        relax: list[int] = [s for s, sol in enumerate(solutions)
                            if sol.status == INFEASIBLE and self.on_infeasible == "relax"]
        relaxed: dict[int, Solution] = {}
        if relax:
            sub = problems.subset(relax)
            sub.constraint = "<="
            for s, sol in zip(relax, self.solver.solve_batch(sub), strict=True):
                relaxed[s] = sol
        out = []
        for s, (item, sol) in enumerate(zip(batch, solutions, strict=True)):
            out.append(self._result(item, spans[s], sol, relaxed.get(s),
                                    has_list[bases[s]:bases[s + 1]]))
        return out

    def _result(self, item: ProjectionInput, spans: Spans, sol: Solution,
                relaxed: Solution | None, has_entry: list[bool]) -> ProjectionResult:
        entities = item.entities
        if not entities:
            return ProjectionResult([], [], [])
        if not item.tgt_words:
            return ProjectionResult([], [], [Unprojected(e, EMPTY_TARGET) for e in entities])
        status, detail = OK, ""
        chosen = sol
        if sol.status == INFEASIBLE:
            reason = sol.detail.get("reason", "infeasible")
            if relaxed is not None:
                chosen = relaxed
                detail = (f"infeasible under '{self.constraint} {self.n}' ({reason}); labels "
                          f"from the '<= {self.n}' relaxation")
            else:
                detail = f"infeasible under '{self.constraint} {self.n}' ({reason}); no labels"
            status = FALLBACK
        elif sol.status == TIME_LIMIT:
            status = FALLBACK
            detail = (f"time limit {sol.detail.get('time_limit')}s hit by "
                      f"{sol.detail.get('backend')}; labels from {sol.solver}")
        elif sol.status == UNSATISFIED:
            status = FALLBACK
            detail = f"{sol.detail.get('reason', 'constraints not met')}; labels kept"
        out: list[Entity] = []
        sources: list[int] = []
        landed = set()
        for p, t in chosen.pairs:
            start, end = spans[t]
            start, end = int(start), int(end)
            out.append(Entity(start, end, entities[p].label))
            sources.append(p)
            landed.add(p)
        if self.extend is not None:
            out = extend_spans(item, out, sources, self.extend, words=self.extend_words)
        if self.adjective_label is not None:
            out = [Entity(e.start, e.end, projected_label(
                item.src_words, entities[s], item.tgt_words, e.start, e.end,
                self.adjective_label)) for e, s in zip(out, sources, strict=True)]
        unprojected = []
        for p, ent in enumerate(entities):
            if p in landed:
                continue
            if sol.status == INFEASIBLE and relaxed is None:
                unprojected.append(Unprojected(ent, INFEASIBLE_REASON))
            elif not has_entry[p]:
                unprojected.append(Unprojected(ent, NO_CANDIDATE))
            else:
                unprojected.append(Unprojected(ent, NOT_SELECTED))
        out, sources = sort_result(out, sources)
        return ProjectionResult(out, sources, unprojected, status, detail)
