"""The alignment score: how well a candidate span is linked to a source entity (docs/method.md §4).

``mode="links"`` (the Dice-like score of docs/method.md §4): ``2·A / (|p| + |t|)`` with ``A``
the number of links between the entity's words and the span's words. ``mode="words"``: the share
of words on both sides that have a link into the other side, ``(a_p + a_t) / (|p| + |t|)``; the
two agree on one-to-one links and the second stays within ``[0, 1]`` under many-to-many links.

Computed for a whole batch at once: per entity, the cumulative count of its links over target
positions, so that each pair's count is one difference.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from xlner.align.symmetrize import canonical_name
from xlner.errors import ConfigError
from xlner.project.base import link_view, offsets_of
from xlner.project.scores.base import FloatArray, IntArray, PairGrid
from xlner.protocols import Component
from xlner.registry import scorers

sentence_links = link_view
"""The links a scorer uses: ``item.links``, or (a symmetrisation name) the directional links in
``extras`` symmetrised that way (:func:`xlner.project.base.link_view`)."""


def batch_links(grid: PairGrid, source: str | None = None) -> tuple[IntArray, IntArray]:
    """Links of the sentences with entities, concatenated: ``(sentence, (n, 2) links)``."""
    with_ents = np.flatnonzero(np.diff(grid.ent_offsets) > 0)
    parts = [sentence_links(grid.batch[s], source) for s in with_ents.tolist()]
    counts = np.fromiter((len(p) for p in parts), np.int64, len(parts))
    if not counts.sum():
        return np.zeros(0, dtype=np.int64), np.zeros((0, 2), dtype=np.int64)
    return np.repeat(with_ents, counts), np.concatenate(parts).astype(np.int64)


def entity_links(grid: PairGrid, source: str | None = None
                 ) -> tuple[IntArray, IntArray, IntArray]:
    """All links of the batch whose source word lies in an entity, once per such entity:
    ``(entity, source word, target word)`` arrays (entities may even overlap)."""
    sent, links = batch_links(grid, source)
    if not len(links):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    width = max(int(links[:, 0].max()) + 2, int(grid.ent_end.max()) + 1)
    keys = sent * width + links[:, 0]
    order = np.argsort(keys, kind="stable")
    keys, links = keys[order], links[order]
    base = grid.ent_sent * width
    lo = np.searchsorted(keys, base + grid.ent_start, "left")
    hi = np.searchsorted(keys, base + grid.ent_end, "left")
    n = hi - lo
    ent = np.repeat(np.arange(len(n), dtype=np.int64), n)
    idx = np.arange(int(n.sum()), dtype=np.int64) - np.repeat(offsets_of(n)[:-1] - lo, n)
    return ent, links[idx, 0], links[idx, 1]


def cumulative_by_target(grid: PairGrid, ent: IntArray, tgt: IntArray,
                         weights: FloatArray | None = None,
                         binary: bool = False) -> tuple[IntArray, npt.NDArray[Any]]:
    """Per entity ``g`` a block of ``L+1`` cumulative counts over target positions of the
    ``(ent, tgt)`` events: ``cum[off[g] + e] - cum[off[g] + s]`` counts events in ``[s, e)``."""
    sizes = grid.tgt_len[grid.ent_sent] + 1
    off = offsets_of(sizes)
    counts = np.bincount(off[ent] + tgt + 1, weights=weights, minlength=int(off[-1]))
    if binary:
        counts = np.minimum(counts, 1)
    cum = np.cumsum(counts)
    cum -= np.repeat(cum[off[:-1]], sizes)
    return off, cum


@scorers.register
class AlignScorer(Component):
    """Alignment score of a candidate span for a source entity (Dice-like, docs/method.md §4)."""

    name = "align"
    version = 1

    def __init__(self, mode: str = "links", null_weight: float = 1.0,
                 links: str | None = None) -> None:
        if mode not in ("links", "words"):
            raise ConfigError(f"align scorer: mode must be 'links' or 'words', not {mode!r}")
        if not 0 <= null_weight <= 1:
            raise ConfigError(f"align scorer: null_weight must be in [0, 1], not {null_weight}")
        self.mode = mode
        self.null_weight = float(null_weight)
        self.links = None if links is None else canonical_name(links)

    def support(self, grid: PairGrid) -> tuple[IntArray, IntArray]:
        """The target words linked to each entity: a candidate without one scores 0."""
        ent, _, tgt = entity_links(grid, self.links)
        return ent, tgt

    def _lengths(self, grid: PairGrid) -> tuple[FloatArray, FloatArray]:
        """Effective entity and candidate lengths: unaligned words count ``null_weight``."""
        pe, pc = grid.pair_ent, grid.pair_cand
        cs, ce = grid.cand_start[pc], grid.cand_end[pc]
        p_len = (grid.ent_end - grid.ent_start).astype(np.float64)
        t_len = (ce - cs).astype(np.float64)
        if self.null_weight == 1.0:
            return p_len[pe], t_len
        sent, links = batch_links(grid, self.links)
        if not len(links):
            return self.null_weight * p_len[pe], self.null_weight * t_len
        width = int(max(links.max(), grid.tgt_len.max(), grid.ent_end.max())) + 2
        src_keys = np.unique(sent * width + links[:, 0])
        base = grid.ent_sent * width
        p_aligned = (np.searchsorted(src_keys, base + grid.ent_end)
                     - np.searchsorted(src_keys, base + grid.ent_start))
        # Per sentence, cumulative counts of the linked target positions: one difference a span.
        blocks = offsets_of(grid.tgt_len + 1)
        linked = np.zeros(int(blocks[-1]), dtype=np.int64)
        linked[blocks[sent] + links[:, 1] + 1] = 1
        linked = np.cumsum(linked)
        pbase = blocks[grid.ent_sent[pe]]
        t_aligned = linked[pbase + ce] - linked[pbase + cs]
        lam = self.null_weight
        p_eff = p_aligned + lam * (p_len - p_aligned)
        t_eff = t_aligned + lam * (t_len - t_aligned)
        return p_eff[pe], t_eff

    def score(self, grid: PairGrid) -> FloatArray:
        if grid.n_pairs == 0:
            return np.zeros(0)
        ent, src, tgt = entity_links(grid, self.links)
        pe, pc = grid.pair_ent, grid.pair_cand
        cs, ce = grid.cand_start[pc], grid.cand_end[pc]
        p_eff, t_eff = self._lengths(grid)
        denom = p_eff + t_eff
        out = np.zeros(len(pe))
        if self.mode == "links":
            off, cum = cumulative_by_target(grid, ent, tgt)
            base = off[pe]
            a = cum[base + ce] - cum[base + cs]
            np.divide(2.0 * a, denom, out=out, where=denom > 0)
            return out
        off, cum = cumulative_by_target(grid, ent, tgt, binary=True)
        base = off[pe]
        a_t = cum[base + ce] - cum[base + cs]
        # a_p: source words of the entity with a link into the span.
        word_ent = np.repeat(np.arange(len(grid.ent_sent), dtype=np.int64),
                             grid.ent_end - grid.ent_start)
        word_off = offsets_of(grid.ent_end - grid.ent_start)
        # events: (entity word, target) for each link of that word
        key_word = word_off[ent] + (src - grid.ent_start[ent])
        wsizes = grid.tgt_len[grid.ent_sent[word_ent]] + 1
        woff = offsets_of(wsizes)
        wcounts = np.bincount(woff[key_word] + tgt + 1, minlength=int(woff[-1]))
        np.minimum(wcounts, 1, out=wcounts)
        wcum = np.cumsum(wcounts)
        wcum -= np.repeat(wcum[woff[:-1]], wsizes)
        plen = grid.ent_end[pe] - grid.ent_start[pe]
        rep = np.repeat(np.arange(len(pe), dtype=np.int64), plen)
        first = np.repeat(word_off[pe], plen)
        within = np.arange(int(plen.sum()), dtype=np.int64) - np.repeat(offsets_of(plen)[:-1], plen)
        words = first + within
        hit = (wcum[woff[words] + ce[rep]] - wcum[woff[words] + cs[rep]]) > 0
        a_p = np.bincount(rep, weights=hit, minlength=len(pe))
        np.divide(a_p + a_t, denom, out=out, where=denom > 0)
        return out
