"""Lexical translation score from the batch's own link statistics (our addition).

Word alignments of one sentence are noisy, but the same words are linked many times across a
corpus. From all links of the batch being projected (``links``: the projector's links, or a
symmetrisation of the directional links in ``extras``), with words lower-cased, estimate
``P(f | e) = c(e, f) / c(e)`` and ``P(e | f) = c(e, f) / c(f)``. The score of entity ``p`` and
span ``t`` is the IBM-1-like, length-normalised

``½ · ( mean_{f ∈ t} max_{e ∈ p} P(e | f)  +  mean_{e ∈ p} max_{f ∈ t} P(f | e) )``,

in ``[0, 1]``: every span word should come from some entity word and every entity word should
go to some span word. The table is built once per :meth:`prepare` call (the matching projector
calls it with each batch it projects; ``project_corpus`` hands over up to 4096 sentence pairs at
a time), or from the scored grid's batch when not prepared. Scored in vector form: the first
mean by cumulative sums over target positions, the second with range-maximum tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from xlner.align.symmetrize import canonical_name
from xlner.project.base import ProjectionInput, link_views, offsets_of
from xlner.project.scores.base import FloatArray, IntArray, PairGrid
from xlner.protocols import Component
from xlner.registry import scorers


class _Table:
    """Link counts ``c(e, f)``, ``c(e)``, ``c(f)`` over word ids."""

    def __init__(self, batch: Sequence[ProjectionInput], links: str | None,
                 lowercase: bool) -> None:
        self.lowercase = lowercase
        self.src_vocab: dict[str, int] = {}
        self.tgt_vocab: dict[str, int] = {}
        linked = [(item, lk) for item, lk in zip(batch, link_views(batch, links), strict=True)
                  if lk.size]
        self._known = {id(item): (item, k) for k, (item, _) in enumerate(linked)}
        # Word ids of all linked pairs at once: one flat array per side, cut at the offsets.
        self._src_off = offsets_of(np.fromiter((len(item.src_words) for item, _ in linked),
                                               dtype=np.int64, count=len(linked)))
        self._tgt_off = offsets_of(np.fromiter((len(item.tgt_words) for item, _ in linked),
                                               dtype=np.int64, count=len(linked)))
        self._src_ids = self.ids([w for item, _ in linked for w in item.src_words],
                                 self.src_vocab)
        self._tgt_ids = self.ids([w for item, _ in linked for w in item.tgt_words],
                                 self.tgt_vocab)
        if linked:
            lks = [lk for _, lk in linked]
            sent = np.repeat(np.arange(len(lks), dtype=np.int64),
                             np.fromiter((len(lk) for lk in lks), dtype=np.int64,
                                         count=len(lks)))
            flat = np.concatenate(lks).astype(np.int64, copy=False)
            e = self._src_ids[self._src_off[sent] + flat[:, 0]]
            f = self._tgt_ids[self._tgt_off[sent] + flat[:, 1]]
        else:
            e = f = np.zeros(0, dtype=np.int64)
        self.width = max(len(self.tgt_vocab), 1)
        self.keys, self.pair_count = np.unique(e * self.width + f, return_counts=True)
        self.e_count = np.bincount(e, minlength=len(self.src_vocab)).astype(np.float64)
        self.f_count = np.bincount(f, minlength=len(self.tgt_vocab)).astype(np.float64)

    def ids(self, words: Sequence[str], vocab: dict[str, int], add: bool = True) -> IntArray:
        """Word ids (``-1`` for words the table has never seen when ``add`` is false)."""
        # Each distinct word is lower-cased and looked up once; ids follow first occurrence.
        distinct = dict.fromkeys(words)
        keys = {w: w.lower() for w in distinct} if self.lowercase else {w: w for w in distinct}
        if add:
            word_id = {w: vocab.setdefault(k, len(vocab)) for w, k in keys.items()}
        else:
            word_id = {w: vocab.get(k, -1) for w, k in keys.items()}
        found = list(map(word_id.__getitem__, words))
        return np.array(found, dtype=np.int64) if found else np.zeros(0, dtype=np.int64)

    def sentence_ids(self, item: ProjectionInput) -> tuple[IntArray, IntArray]:
        """Source and target word ids of a sentence pair (the table's own when it was built
        from this pair, else looked up: ``-1`` for unseen words)."""
        known = self._known.get(id(item))
        if known is not None and known[0] is item:
            k = known[1]
            return (self._src_ids[self._src_off[k]:self._src_off[k + 1]],
                    self._tgt_ids[self._tgt_off[k]:self._tgt_off[k + 1]])
        return (self.ids(item.src_words, self.src_vocab, add=False),
                self.ids(item.tgt_words, self.tgt_vocab, add=False))

    def counts(self, e: IntArray, f: IntArray) -> FloatArray:
        """``c(e, f)`` for id arrays (unknown ids count 0)."""
        out = np.zeros(len(e))
        known = (e >= 0) & (f >= 0)
        if not known.any() or not len(self.keys):
            return out
        want = e[known] * self.width + f[known]
        pos = np.minimum(np.searchsorted(self.keys, want), len(self.keys) - 1)
        out[known] = np.where(self.keys[pos] == want, self.pair_count[pos], 0)
        return out


class _Cells(NamedTuple):
    e_len: IntArray
    word_ent: IntArray
    word_off: IntArray
    w_blk: IntArray
    n_cells: int
    cell_word: IntArray
    cell_pos: IntArray
    cell_e: IntArray
    cell_f: IntArray
    c_ef: FloatArray
    table: _Table


MAX_CELLS = 2_000_000
"""Entity-word x target-position cells handled at once."""


@scorers.register
class LexiconScorer(Component):
    """IBM-1-like lexical translation score from the batch's link statistics."""

    name = "lexicon"
    version = 1
    accepts_floor = True

    def __init__(self, links: str | None = "union", lowercase: bool = True) -> None:
        self.links = None if links in (None, "links") else canonical_name(str(links))
        self.lowercase = lowercase
        self._table: _Table | None = None
        self._last: tuple[PairGrid, _Table, list[tuple[int, int, _Cells]]] | None = None

    def prepare(self, batch: Sequence[ProjectionInput] | None) -> None:
        """Build the table from ``batch`` (``None``: forget it)."""
        self._table = None if batch is None else _Table(batch, self.links, self.lowercase)
        self._last = None

    def score(self, grid: PairGrid, floor: float = 0.0) -> FloatArray:
        """Scores of the grid's pairs (``floor`` is for :meth:`support`; every pair is
        scored)."""
        out = np.zeros(grid.n_pairs)
        if grid.n_pairs == 0:
            return out
        table = self._table or _Table(grid.batch, self.links, self.lowercase)
        for lo, hi, cells in self._all_cells(grid, table):
            p_lo, p_hi = np.searchsorted(grid.pair_ent, [lo, hi])
            if p_hi > p_lo:
                out[p_lo:p_hi] = self._score_entities(grid, cells, lo, hi, p_lo, p_hi)
        return out

    def _all_cells(self, grid: PairGrid, table: _Table) -> list[tuple[int, int, _Cells]]:
        """The cells of every entity group; computed once for :meth:`support` and
        :meth:`score` of the same entities (a grid and its supported or subset grids share
        their entity arrays)."""
        last = self._last
        if last is not None and last[0].batch is grid.batch and last[1] is table and (
                last[0].ent_start is grid.ent_start and last[0].ent_end is grid.ent_end
                and last[0].tgt_len is grid.tgt_len):
            return last[2]
        out = [(lo, hi, self._cells(grid, table, lo, hi)) for lo, hi in self._groups(grid)]
        self._last = (grid, table, out)
        return out

    def support(self, grid: PairGrid, floor: float = 0.0) -> tuple[IntArray, IntArray]:
        """Target positions whose word was linked to a word of the entity somewhere in the
        table's batch: a span without one scores 0 (both of its means are 0). With
        ``floor > 0`` (fusion passes its threshold) only the positions where ``P(f | e)`` or
        ``P(e | f)`` reaches ``floor`` for a word of the entity: both means are at most the
        largest of these in the span, so a span without one scores below ``floor``."""
        table = self._table or _Table(grid.batch, self.links, self.lowercase)
        ents, poss = [], []
        for lo, _hi, cells in self._all_cells(grid, table):
            if floor > 0:
                p_e_given_f, p_f_given_e = self._probabilities(cells)
                hit = np.maximum(p_e_given_f, p_f_given_e) >= floor * (1 - 1e-9)
            else:
                hit = cells.c_ef > 0
            ents.append(cells.word_ent[cells.cell_word[hit]] + lo)
            poss.append(cells.cell_pos[hit])
        if not ents:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        return np.concatenate(ents), np.concatenate(poss)

    @staticmethod
    def _probabilities(cells: _Cells) -> tuple[FloatArray, FloatArray]:
        """``P(e | f)`` and ``P(f | e)`` of every cell (0 where the words were never linked)."""
        table, c_ef, n_cells = cells.table, cells.c_ef, cells.n_cells
        c_e = table.e_count[np.maximum(cells.cell_e, 0)] if len(table.e_count) else \
            np.zeros(n_cells)
        c_f = table.f_count[np.maximum(cells.cell_f, 0)] if len(table.f_count) else \
            np.zeros(n_cells)
        p_e_given_f = np.divide(c_ef, c_f, out=np.zeros(n_cells), where=c_ef > 0)
        p_f_given_e = np.divide(c_ef, c_e, out=np.zeros(n_cells), where=c_ef > 0)
        return p_e_given_f, p_f_given_e

    @staticmethod
    def _groups(grid: PairGrid) -> list[tuple[int, int]]:
        """Entities in groups of bounded work (entity words x sentence length)."""
        cells = np.cumsum((grid.ent_end - grid.ent_start) * grid.tgt_len[grid.ent_sent])
        out = []
        lo = 0
        while lo < len(cells):
            done = cells[lo - 1] if lo else 0
            hi = max(lo + 1, int(np.searchsorted(cells, done + MAX_CELLS, "right")))
            out.append((lo, hi))
            lo = hi
        return out

    @staticmethod
    def _cells(grid: PairGrid, table: _Table, g_lo: int, g_hi: int) -> _Cells:
        """Per entity word of entities ``g_lo:g_hi`` and target position of its sentence: the
        link count of the two words."""
        batch = grid.batch
        ent_sent = grid.ent_sent[g_lo:g_hi]
        ent_start, ent_end = grid.ent_start[g_lo:g_hi], grid.ent_end[g_lo:g_hi]
        e_len = ent_end - ent_start
        n_ent = g_hi - g_lo
        # Entity words and every target position of their sentence: probabilities both ways.
        word_ent = np.repeat(np.arange(n_ent, dtype=np.int64), e_len)
        word_off = offsets_of(e_len)
        sents = np.unique(ent_sent)
        per_sent = {s: table.sentence_ids(batch[s]) for s in sents.tolist()}
        e_ids = np.concatenate([
            per_sent[s][0][a:b]
            for s, a, b in zip(ent_sent.tolist(), ent_start.tolist(), ent_end.tolist(),
                               strict=True)])
        t_ids = np.concatenate([per_sent[s][1] for s in sents.tolist()])
        sent_base = np.zeros(len(batch), dtype=np.int64)
        sent_base[sents] = offsets_of(grid.tgt_len[sents])[:-1]
        w_sent = ent_sent[word_ent]
        w_len = grid.tgt_len[w_sent]
        w_blk = offsets_of(w_len)
        n_cells = int(w_blk[-1])
        cell_word = np.repeat(np.arange(len(word_ent), dtype=np.int64), w_len)
        cell_pos = np.arange(n_cells, dtype=np.int64) - np.repeat(w_blk[:-1], w_len)
        cell_f = t_ids[sent_base[w_sent[cell_word]] + cell_pos]
        cell_e = e_ids[cell_word]
        c_ef = table.counts(cell_e, cell_f)
        return _Cells(e_len, word_ent, word_off, w_blk, n_cells, cell_word, cell_pos, cell_e,
                      cell_f, c_ef, table)

    def _score_entities(self, grid: PairGrid, cells: _Cells, g_lo: int, g_hi: int,
                        p_lo: int, p_hi: int) -> FloatArray:
        """Scores of pairs ``p_lo:p_hi``, whose entities are ``g_lo:g_hi`` (their cells)."""
        e_len, word_ent, word_off, w_blk = cells.e_len, cells.word_ent, cells.word_off, cells.w_blk
        n_cells, cell_word, cell_pos = cells.n_cells, cells.cell_word, cells.cell_pos
        ent_sent = grid.ent_sent[g_lo:g_hi]
        p_e_given_f, p_f_given_e = self._probabilities(cells)
        # a: per entity and target position the best entity word, summed over the span.
        sizes = grid.tgt_len[ent_sent] + 1
        e_blk = offsets_of(sizes)
        best = np.zeros(int(e_blk[-1]))
        np.maximum.at(best, e_blk[word_ent[cell_word]] + cell_pos + 1, p_e_given_f)
        cum = np.cumsum(best)
        cum -= np.repeat(cum[e_blk[:-1]], sizes)
        pe = grid.pair_ent[p_lo:p_hi] - g_lo
        pc = grid.pair_cand[p_lo:p_hi]
        cs, ce = grid.cand_start[pc], grid.cand_end[pc]
        span = ce - cs
        eb = e_blk[pe]
        a = (cum[eb + ce] - cum[eb + cs]) / span
        # b: per entity word the best span word, from range-maximum tables (level k holds the
        # maximum over [i, i + 2^k) within the word's row), one word of the entities at a time.
        longest = int(span.max())
        rmq = np.empty((longest.bit_length(), n_cells))
        rmq[0] = p_f_given_e
        step = 1
        for k in range(1, len(rmq)):
            prev = rmq[k - 1]
            shifted = np.zeros(n_cells)
            shifted[:-step] = prev[step:]
            same = np.zeros(n_cells, dtype=bool)
            same[:-step] = cell_word[step:] == cell_word[:-step]
            np.maximum(prev, np.where(same, shifted, 0.0), out=rmq[k])
            step *= 2
        flat = rmq.ravel()
        floor_log2 = np.array([0] + [n.bit_length() - 1 for n in range(1, longest + 1)],
                              dtype=np.int64)
        lvl = floor_log2[span]
        row = lvl * n_cells
        first = row + cs
        second = row + ce - (1 << lvl)
        plen = e_len[pe]
        word = word_off[pe]
        b = np.zeros(len(pe))
        for j in range(int(plen.max())):
            if j:  # the pairs whose entity has a word j
                sel = np.flatnonzero(plen > j)
                base = w_blk[word[sel] + j]
                b[sel] += np.maximum(flat.take(base + first[sel]), flat.take(base + second[sel]))
            else:
                base = w_blk[word]
                b += np.maximum(flat.take(base + first), flat.take(base + second))
        b /= plen
        return np.asarray(0.5 * (a + b), dtype=np.float64)
