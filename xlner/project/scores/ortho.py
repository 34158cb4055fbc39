"""Orthographic similarity of an entity's text and a candidate span's text (our addition).

Names, numbers and cognates are often copied or transliterated across languages, so the
surface form of a span is evidence on its own, independent of the aligner. Each word is
romanised when it is not in Latin script (``romanize=True``, :mod:`xlner.romanize`:
*Москва* → *moskva*), then normalised (Unicode NFKD with accents removed, case-folded,
``ß``→``ss``, ``æ``→``ae``, ``ø``→``o`` and similar, non-alphanumerics dropped; with
``fold=True`` also a light phonetic folding: ``ph``→``f``, ``c``/``q``→``k``, ``w``→``v``,
``y``/``j``→``i``, ``z``→``s``, ``tsch``/``sch``→``sh``, doubled letters single) and turned
into its character ``n``-grams with word-boundary marks (``key=True`` takes the n-grams of the
transliteration-tolerant :func:`~xlner.romanize.name_key` instead: vowels after the first
letter dropped). A span's bag of n-grams is the sum of its words' bags, and the score is the
Dice coefficient of the two bags (multisets), ``2·Σ_g min(p_g, t_g) / (|p| + |t|)``.

Computed for a whole batch in vector form: per (entity, n-gram) the cumulative count of that
n-gram over the target positions gives ``t_g`` of every span by one difference; only pairs that
share at least one n-gram are evaluated.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from xlner.errors import ConfigError
from xlner.project.base import offsets_of
from xlner.project.scores.base import FloatArray, IntArray, PairGrid
from xlner.protocols import Component
from xlner.registry import scorers
from xlner.romanize import name_key, romanize

_LETTERS = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d",
                          "ł": "l", "þ": "th", "ı": "i", "ŋ": "n", "ħ": "h", "ɗ": "d",
                          "ƙ": "k", "ɓ": "b", "ƴ": "y", "ɛ": "e", "ɔ": "o"})
_FOLDS = [(re.compile(p), r) for p, r in (
    (r"tsch", "sh"), (r"sch", "sh"), (r"ph", "f"), (r"th", "t"), (r"ck", "k"), (r"[cq]", "k"),
    (r"w", "v"), (r"[yj]", "i"), (r"z", "s"), (r"(.)\1+", r"\1"))]


@lru_cache(maxsize=200_000)
def normalize(word: str, fold: bool = False, romanized: bool = True, key: bool = False) -> str:
    """Accent- and case-insensitive form of ``word`` keeping letters and digits only; words in
    other scripts romanised first (``romanized``); ``key``: :func:`xlner.romanize.name_key`."""
    if key:
        return name_key(word)
    if romanized:
        word = romanize(word)
    text = unicodedata.normalize("NFKD", word.casefold().translate(_LETTERS))
    text = "".join(ch for ch in text if ch.isalnum() and not unicodedata.combining(ch))
    if fold:
        for pattern, repl in _FOLDS:
            text = pattern.sub(repl, text)
    return text


def char_ngrams(word: str, n: int = 2, fold: bool = False, romanized: bool = True,
                key: bool = False) -> list[str]:
    """Character n-grams of the normalised word with ``^``/``$`` boundary marks."""
    norm = normalize(word, fold, romanized, key)
    if not norm:
        return []
    padded = f"^{norm}$"
    if len(padded) <= n:
        return [padded]
    return [padded[k:k + n] for k in range(len(padded) - n + 1)]



def similarity(a: str, b: str, n: int = 2, fold: bool = False, romanized: bool = True,
               key: bool = False) -> float:
    """The orthographic score of two texts (words split on whitespace), for inspection."""
    from collections import Counter

    ca: Counter[str] = Counter(g for w in a.split()
                               for g in char_ngrams(w, n, fold, romanized, key))
    cb: Counter[str] = Counter(g for w in b.split()
                               for g in char_ngrams(w, n, fold, romanized, key))
    total = sum(ca.values()) + sum(cb.values())
    if not total:
        return 0.0
    return 2.0 * sum(min(ca[g], cb[g]) for g in ca) / total


MAX_WORD_TYPES = 500_000
"""Word types whose n-gram bags a scorer keeps; past it the store starts afresh."""


class _Join(NamedTuple):
    tcum: npt.NDArray[Any]
    traw: npt.NDArray[Any]
    sent_block: IntArray
    r_ent: IntArray
    r_cnt: npt.NDArray[Any]
    r_off: IntArray
    p_len: npt.NDArray[Any]
    ev_row: IntArray
    ev_pos: IntArray
    ev_cnt: IntArray


@scorers.register
class OrthoScorer(Component):
    """Character n-gram Dice similarity of normalised (romanised) entity and span text."""

    name = "ortho"
    version = 2
    accepts_floor = True

    def __init__(self, n: int = 2, fold: bool = False, romanize: bool = True,
                 key: bool = False) -> None:
        if not isinstance(n, int) or n < 1:
            raise ConfigError(f"ortho scorer: n must be a positive integer, not {n!r}")
        self.n = n
        self.fold = bool(fold)
        self.romanize = bool(romanize)
        self.key = bool(key)
        self._features: dict[str, int] = {}
        # The n-gram bags of the word types seen, one flat store: word id -> its sorted
        # feature ids and counts at _starts[id]:_starts[id] + _sizes[id].
        self._word_id: dict[str, int] = {}
        self._sizes = self._starts = self._flat_feat = self._flat_cnt = np.zeros(0, np.int64)
        self._last: tuple[PairGrid, _Join] | None = None

    def prepare(self, batch: Any) -> None:
        """Forget the n-gram join kept from the last grid (the matching projector calls this
        before and after each batch)."""
        self._last = None

    def _word_ids(self, words: list[str]) -> IntArray:
        """Ids of ``words`` in the bag store, adding the word types it has not seen."""
        get = self._word_id.get
        ids = [get(w, -1) for w in words]
        if -1 in ids:
            if len(self._word_id) > MAX_WORD_TYPES:
                self._reset_store()
            fresh = [w for w in dict.fromkeys(words) if w not in self._word_id]
            feats: list[IntArray] = []
            counts: list[IntArray] = []
            for w in fresh:
                grams = char_ngrams(w, self.n, self.fold, self.romanize, self.key)
                gid = np.array([self._features.setdefault(g, len(self._features))
                                for g in grams], dtype=np.int64)
                f, c = np.unique(gid, return_counts=True)
                feats.append(f.astype(np.int64))
                counts.append(c.astype(np.int64))
                self._word_id[w] = len(self._word_id)
            sizes = np.fromiter((len(f) for f in feats), np.int64, len(feats))
            self._sizes = np.concatenate([self._sizes, sizes])
            self._starts = np.concatenate([self._starts, len(self._flat_feat)
                                           + offsets_of(sizes)[:-1]])
            if feats:
                self._flat_feat = np.concatenate([self._flat_feat, *feats])
                self._flat_cnt = np.concatenate([self._flat_cnt, *counts])
            get = self._word_id.get
            ids = [get(w, -1) for w in words]
        return np.array(ids, dtype=np.int64)

    def _reset_store(self) -> None:
        self._word_id = {}
        empty = np.zeros(0, dtype=np.int64)
        self._sizes, self._starts, self._flat_feat, self._flat_cnt = empty, empty, empty, empty

    def _bags(self, words: list[str]) -> tuple[IntArray, IntArray, IntArray]:
        """Per word: feature ids and counts, concatenated, and the number of rows per word."""
        wid = self._word_ids(words)
        sizes = self._sizes[wid]
        total = int(sizes.sum())
        if not total:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, sizes
        idx = np.repeat(self._starts[wid] - offsets_of(sizes)[:-1], sizes) + np.arange(
            total, dtype=np.int64)
        return self._flat_feat[idx], self._flat_cnt[idx], sizes

    def _join(self, grid: PairGrid) -> _Join:
        """Entity n-gram rows and their occurrences in the targets of the batch; computed once
        for :meth:`support` and :meth:`score` of the same entities (a grid and its supported
        or subset grids share their entity arrays)."""
        last = self._last
        if last is not None and last[0].batch is grid.batch and (
                last[0].ent_start is grid.ent_start and last[0].ent_end is grid.ent_end
                and last[0].tgt_len is grid.tgt_len):
            return last[1]
        join = self._compute_join(grid)
        self._last = (grid, join)
        return join

    def _compute_join(self, grid: PairGrid) -> _Join:
        batch = grid.batch
        with_ents = np.flatnonzero(np.diff(grid.ent_offsets) > 0)
        lengths = grid.tgt_len[with_ents]
        # Target words of the sentences with entities: sentence, position, n-gram bag.
        tgt_words = [w for s in with_ents.tolist() for w in batch[s].tgt_words]
        t_sent = np.repeat(with_ents, lengths)
        t_pos = np.arange(len(tgt_words), dtype=np.int64) - np.repeat(
            offsets_of(lengths)[:-1], lengths)
        t_feat, t_cnt, t_sizes = self._bags(tgt_words)
        t_word = np.repeat(np.arange(len(tgt_words), dtype=np.int64), t_sizes)
        # Per sentence, cumulative n-gram counts over positions: |t| of every span.
        sent_block = np.zeros(len(batch), dtype=np.int64)
        blocks = offsets_of(lengths + 1)
        sent_block[with_ents] = blocks[:-1]
        tl = np.bincount(sent_block[t_sent] + t_pos + 1,
                         weights=np.bincount(t_word, weights=t_cnt, minlength=len(tgt_words)),
                         minlength=int(blocks[-1]))
        traw = np.cumsum(tl)  # non-decreasing over the whole batch: searchable
        tcum = traw - np.repeat(traw[blocks[:-1]], lengths + 1)
        # Entity bags, one row per (entity, n-gram) with its count.
        src_words = [w for s in with_ents.tolist() for e in batch[s].entities
                     for w in batch[s].src_words[e[0]:e[1]]]
        e_len = grid.ent_end - grid.ent_start
        s_feat, s_cnt, s_sizes = self._bags(src_words)
        s_ent = np.repeat(np.repeat(np.arange(len(e_len), dtype=np.int64), e_len), s_sizes)
        n_feat = max(len(self._features), 1)
        row_key, row_inv = np.unique(s_ent * n_feat + s_feat, return_inverse=True)
        r_ent, r_feat = row_key // n_feat, row_key % n_feat
        r_cnt = np.bincount(row_inv, weights=s_cnt, minlength=len(row_key))
        p_len = np.bincount(r_ent, weights=r_cnt, minlength=len(e_len))
        r_off = np.searchsorted(r_ent, np.arange(len(e_len) + 1))
        # Target occurrences of each entity row's n-gram in the entity's sentence.
        t_key = t_sent[t_word] * n_feat + t_feat
        order = np.argsort(t_key, kind="stable")
        t_key = t_key[order]
        want = grid.ent_sent[r_ent] * n_feat + r_feat
        lo = np.searchsorted(t_key, want, "left")
        n = np.searchsorted(t_key, want, "right") - lo
        ev_row = np.repeat(np.arange(len(want), dtype=np.int64), n)
        ev = order[np.arange(int(n.sum()), dtype=np.int64) - np.repeat(offsets_of(n)[:-1] - lo, n)]
        ev_pos, ev_cnt = t_pos[t_word[ev]], t_cnt[ev]
        return _Join(tcum, traw, sent_block, r_ent, r_cnt, r_off, p_len, ev_row, ev_pos, ev_cnt)

    def support(self, grid: PairGrid, floor: float = 0.0) -> tuple[IntArray, IntArray]:
        """Target words sharing an n-gram with each entity: a span without one scores 0. With
        ``floor > 0`` (fusion passes its threshold) only the words a span scoring ``>= floor``
        must contain (:meth:`_floor_support`)."""
        join = self._join(grid)
        ent, pos = join.r_ent[join.ev_row], join.ev_pos
        if floor <= 0 or not len(ent):
            return ent, pos
        return self._floor_support(grid, join, ent, pos, floor)

    @staticmethod
    def _floor_support(grid: PairGrid, join: _Join, ent: IntArray, pos: IntArray,
                       floor: float) -> tuple[IntArray, IntArray]:
        """Support positions for spans scoring ``>= floor``.

        With ``P`` the entity's n-gram count, ``S`` the span's and ``o_w = Σ_g min(p_g, w_g)``
        per span word (their sum bounds the shared count, as in :meth:`score`), a span scoring
        ``>= θ`` has ``θ·S <= (2 - θ)·P`` and ``Σ_w x_w >= θ·P`` for ``x_w = 2·o_w - θ·|w|``.
        So it contains a word with ``x_w > 0``, and every one of its words lies within that
        word's *window* (the positions reachable by a run of at most ``(2 - θ)·P / θ``
        n-grams); the positive ``x`` in the window sum to ``>= θ·P``. Positions failing this
        are left out; the margins (``1e-9``) keep rounding on the safe side."""
        width = int(grid.tgt_len.max()) + 2
        keys, inv = np.unique(ent * width + pos, return_inverse=True)
        shared = np.bincount(inv, weights=np.minimum(join.ev_cnt, join.r_cnt[join.ev_row]),
                             minlength=len(keys))
        ue, up = keys // width, keys % width  # sorted by entity, then position
        sent = grid.ent_sent[ue]
        tb = join.sent_block[sent]
        word = join.traw[tb + up + 1] - join.traw[tb + up]
        p_len = join.p_len[ue]
        cap = p_len * ((2.0 - floor) / floor) * (1 + 1e-9)
        x = 2.0 * shared - floor * word
        gain = np.concatenate([[0.0], np.cumsum(np.maximum(x, 0.0))])
        first = np.maximum(np.searchsorted(join.traw, join.traw[tb + up + 1] - cap, "left"),
                           tb) - tb
        last = np.minimum(np.searchsorted(join.traw, join.traw[tb + up] + cap, "right") - 2,
                          tb + grid.tgt_len[sent] - 1) - tb
        lo = np.searchsorted(keys, ue * width + first, "left")
        hi = np.searchsorted(keys, ue * width + last, "right")
        keep = (x > 0) & (word <= cap) & (gain[hi] - gain[lo] >= floor * p_len * (1 - 1e-9))
        return ue[keep], up[keep]

    def score(self, grid: PairGrid, floor: float = 0.0) -> FloatArray:
        """Scores of the grid's pairs; with ``floor > 0`` pairs whose upper bound is below
        ``floor`` are left at 0 without being computed (fusion passes its threshold)."""
        out = np.zeros(grid.n_pairs)
        if grid.n_pairs == 0:
            return out
        tcum, _, sent_block, r_ent, r_cnt, r_off, p_len, ev_row, ev_pos, ev_cnt = self._join(grid)
        # Upper bound of the shared n-gram count of each span: Σ over its words of
        # Σ_g min(p_g, w_g) (>= Σ_g min(p_g, t_g)); 0 means nothing shared.
        sizes = grid.tgt_len[grid.ent_sent] + 1
        e_off = offsets_of(sizes)
        bound = np.bincount(e_off[r_ent[ev_row]] + ev_pos + 1,
                            weights=np.minimum(ev_cnt, r_cnt[ev_row]), minlength=int(e_off[-1]))
        bound = np.cumsum(bound)
        bound -= np.repeat(bound[e_off[:-1]], sizes)
        pe, pc = grid.pair_ent, grid.pair_cand
        cs, ce = grid.cand_start[pc], grid.cand_end[pc]
        upper = bound[e_off[pe] + ce] - bound[e_off[pe] + cs]
        tb_all = sent_block[grid.ent_sent[pe]]
        span_all = tcum[tb_all + ce] - tcum[tb_all + cs]
        total = p_len[pe] + span_all
        best = np.zeros(len(pe))
        np.divide(2.0 * np.minimum(upper, np.minimum(p_len[pe], span_all)), total, out=best,
                  where=total > 0)
        live = np.flatnonzero((upper > 0) & (best >= floor))
        if not len(live):
            return out
        # Per entity row, cumulative n-gram counts over the sentence's positions.
        r_sizes = sizes[r_ent]
        rb = offsets_of(r_sizes)
        rcum = np.bincount(rb[ev_row] + ev_pos + 1, weights=ev_cnt, minlength=int(rb[-1]))
        rcum = np.cumsum(rcum)
        rcum -= np.repeat(rcum[rb[:-1]], r_sizes)
        # Σ_g min(p_g, t_g) for the live pairs, one (pair, entity row) product at a time.
        lp = pe[live]
        nr = r_off[lp + 1] - r_off[lp]
        k = np.repeat(np.arange(len(live), dtype=np.int64), nr)
        r = np.repeat(r_off[lp], nr) + np.arange(int(nr.sum()), dtype=np.int64) - np.repeat(
            offsets_of(nr)[:-1], nr)
        tf = rcum[rb[r] + ce[live][k]] - rcum[rb[r] + cs[live][k]]
        inter = np.bincount(k, weights=np.minimum(tf, r_cnt[r]), minlength=len(live))
        denom = total[live]
        vals = np.zeros(len(live))
        np.divide(2.0 * inter, denom, out=vals, where=denom > 0)
        out[live] = vals
        return out
