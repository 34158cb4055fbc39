"""The scorer protocol and the pair grid scorers work on.

A :class:`PairGrid` lists the ``(source entity, candidate span)`` pairs of a whole batch as flat
arrays, so that a scorer computes every score of the batch in a few vector operations. A scorer
returns one float per pair; ``0`` means "not allowed". Dense per-sentence matrices
(:data:`ScoreMatrix`, ``(n_entities, n_candidates)``) are available from
:meth:`PairGrid.matrices` for inspection; the solvers get the sparse non-zero entries.

Per-sentence data a scorer needs (e.g. target tagger probabilities) travels in
``ProjectionInput.extras``; each scorer documents the keys it reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from xlner.project.base import ProjectionInput, offsets_of
from xlner.project.candidates import Spans

ScoreMatrix = npt.NDArray[np.float64]
"""Scores of one sentence pair: ``(n_source_entities, n_candidates)``; 0 means "not allowed"."""

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]



@dataclass(slots=True, eq=False)
class PairGrid:
    """The ``(entity, candidate)`` pairs of a batch as flat arrays.

    Entities and candidates are numbered globally over the batch: entity ``g`` is entity
    ``g - ent_offsets[s]`` of sentence ``s = ent_sent[g]``; candidate ``c`` is row
    ``c - cand_offsets[s]`` of ``spans[s]`` (sentences without entities keep their candidates
    out of the grid: they have no pairs). Pair ``k`` is ``(pair_ent[k], pair_cand[k])``;
    pairs are sorted by sentence, entity, candidate. A full grid holds every entity with every
    candidate of its sentence, so its values, cut per sentence, are the row-major dense
    matrices.
    """

    batch: Sequence[ProjectionInput]
    spans: Sequence[Spans]
    tgt_len: IntArray
    ent_offsets: IntArray
    ent_sent: IntArray
    ent_start: IntArray
    ent_end: IntArray
    cand_offsets: IntArray
    cand_sent: IntArray
    cand_start: IntArray
    cand_end: IntArray
    pair_ent: IntArray
    pair_cand: IntArray
    full: bool = True

    @classmethod
    def build(cls, batch: Sequence[ProjectionInput], spans: Sequence[Spans],
              pairs: bool = True) -> PairGrid:
        """The full grid of a batch and its candidates (``pairs=False``: no pairs yet, see
        :meth:`windowed`)."""
        if len(batch) != len(spans):
            raise ValueError(f"{len(batch)} sentence pairs but {len(spans)} candidate lists")
        n_ent = np.fromiter((len(item.entities) for item in batch), np.int64, len(batch))
        # Sentences without entities have no pairs: their candidates stay out of the grid.
        n_cand = np.fromiter((len(s) if n else 0 for s, n in zip(spans, n_ent.tolist(),
                                                                  strict=True)),
                             np.int64, len(spans))
        tgt_len = np.fromiter((len(item.tgt_words) for item in batch), np.int64, len(batch))
        ent_offsets = offsets_of(n_ent)
        cand_offsets = offsets_of(n_cand)
        n_sent = np.arange(len(batch), dtype=np.int64)
        ent_sent = np.repeat(n_sent, n_ent)
        cand_sent = np.repeat(n_sent, n_cand)
        if ent_offsets[-1]:
            bounds = np.array([e[:2] for item in batch for e in item.entities], dtype=np.int64)
            ent_start, ent_end = bounds[:, 0].copy(), bounds[:, 1].copy()
        else:
            ent_start = ent_end = np.zeros(0, dtype=np.int64)
        if cand_offsets[-1]:
            allspans = np.concatenate([s for s, n in zip(spans, n_cand.tolist(), strict=True)
                                       if n]).astype(np.int64)
            cand_start, cand_end = allspans[:, 0].copy(), allspans[:, 1].copy()
        else:
            cand_start = cand_end = np.zeros(0, dtype=np.int64)
        per_ent = n_cand[ent_sent] if pairs else np.zeros(len(ent_sent), dtype=np.int64)
        pair_offsets = offsets_of(per_ent)
        total = int(pair_offsets[-1])
        pair_ent = np.repeat(np.arange(len(ent_sent), dtype=np.int64), per_ent)
        within = np.arange(total, dtype=np.int64) - np.repeat(pair_offsets[:-1], per_ent)
        pair_cand = np.repeat(cand_offsets[:-1][ent_sent], per_ent) + within
        return cls(batch, spans, tgt_len, ent_offsets, ent_sent, ent_start, ent_end,
                   cand_offsets, cand_sent, cand_start, cand_end, pair_ent, pair_cand, pairs)

    def supported(self, ent: IntArray, pos: IntArray) -> PairGrid:
        """The pairs whose candidate contains one of its entity's *support positions*: target
        position ``pos[k]`` supports entity ``ent[k]``. Sorted like a full grid."""
        if not len(ent) or not len(self.cand_start):
            empty = np.zeros(0, dtype=np.int64)
            return self._with_pairs(empty, empty)
        width = int(self.tgt_len.max()) + 2
        events = np.unique(ent * width + pos)
        ent, pos = events // width, events % width
        # Each candidate comes from the leftmost support position it contains: after the
        # previous position of the same entity, at or before this one.
        prev = np.full(len(pos), -1, dtype=np.int64)
        same = ent[1:] == ent[:-1]
        prev[1:][same] = pos[:-1][same]
        longest = int((self.cand_end - self.cand_start).max())
        keys = self.cand_sent * width + self.cand_start
        base = self.ent_sent[ent] * width
        first = np.searchsorted(keys, base + np.maximum(pos - longest + 1, prev + 1), "left")
        last = np.searchsorted(keys, base + pos + 1, "left")
        n = np.maximum(last - first, 0)
        rows = np.repeat(np.arange(len(ent), dtype=np.int64), n)
        cand = np.repeat(first, n) + np.arange(int(n.sum()), dtype=np.int64) - np.repeat(
            offsets_of(n)[:-1], n)
        keep = self.cand_end[cand] > pos[rows]
        return self._with_pairs(ent[rows[keep]], cand[keep])

    def _with_pairs(self, pair_ent: IntArray, pair_cand: IntArray) -> PairGrid:
        return PairGrid(self.batch, self.spans, self.tgt_len, self.ent_offsets, self.ent_sent,
                        self.ent_start, self.ent_end, self.cand_offsets, self.cand_sent,
                        self.cand_start, self.cand_end, pair_ent, pair_cand, False)

    @property
    def n_pairs(self) -> int:
        return len(self.pair_ent)

    @property
    def pair_sent(self) -> IntArray:
        return self.ent_sent[self.pair_ent]

    def subset(self, keep: npt.NDArray[np.bool_]) -> PairGrid:
        """The same batch with only the pairs where ``keep`` is true."""
        return self._with_pairs(self.pair_ent[keep], self.pair_cand[keep])

    def matrices(self, values: FloatArray) -> list[ScoreMatrix]:
        """Dense per-sentence ``(n_entities, n_candidates)`` matrices of pair values."""
        out = []
        for s in range(len(self.batch)):
            out.append(np.zeros((int(self.ent_offsets[s + 1] - self.ent_offsets[s]),
                                 len(self.spans[s]))))
        sent = self.pair_sent
        rows = self.pair_ent - self.ent_offsets[sent]
        cols = self.pair_cand - self.cand_offsets[sent]
        for s, r, c, v in zip(sent.tolist(), rows.tolist(), cols.tolist(), values.tolist(),
                              strict=True):
            out[s][r, c] = v
        return out


@runtime_checkable
class Scorer(Protocol):
    """Scores ``c(p, t)`` of every pair of a :class:`PairGrid`: one float per pair, ``>= 0``,
    ``0`` meaning "not allowed". Per-sentence inputs come from ``ProjectionInput.extras``.

    A scorer may also have ``support(grid) -> (ent, pos) | None``: target positions ``pos[k]``
    supporting entity ``ent[k]`` such that a candidate containing none of its entity's support
    positions scores 0 (``None``: no such guarantee). The matching projector then scores only
    the supported pairs. A scorer with ``accepts_floor = True`` takes ``floor`` (the fusion
    term's threshold) in ``score`` (pairs certain to score below it may be left at 0) and in
    ``support`` (only the positions a span scoring ``>= floor`` must contain).
    """

    name: str
    version: int

    def score(self, grid: PairGrid) -> FloatArray: ...

    def describe(self) -> dict[str, Any]: ...


def score_matrices(scorer: Scorer, batch: Sequence[ProjectionInput],
                   candidates: Sequence[Spans]) -> list[ScoreMatrix]:
    """Dense per-sentence score matrices of one scorer (for inspection and tests)."""
    grid = PairGrid.build(batch, candidates)
    return grid.matrices(scorer.score(grid))
