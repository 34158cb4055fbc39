"""The lexical score and its supported grid."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.project.scores.grids import check_floor_support, random_item
from xlner.data import Entity
from xlner.project.base import ProjectionInput
from xlner.project.candidates import ngram_spans
from xlner.project.scores import PairGrid, score_matrices


def brute_lexicon(batch: list[ProjectionInput], item: ProjectionInput, ent: Entity, s: int,
                  e: int) -> float:
    pairs: dict[tuple[str, str], int] = {}
    c_e: dict[str, int] = {}
    c_f: dict[str, int] = {}
    for b in batch:
        for i, j in b.links.tolist():
            we, wf = b.src_words[i].lower(), b.tgt_words[j].lower()
            pairs[we, wf] = pairs.get((we, wf), 0) + 1
            c_e[we] = c_e.get(we, 0) + 1
            c_f[wf] = c_f.get(wf, 0) + 1
    p_words = [w.lower() for w in item.src_words[ent.start:ent.end]]
    t_words = [w.lower() for w in item.tgt_words[s:e]]
    a = np.mean([max(pairs.get((we, wf), 0) / c_f[wf] if wf in c_f else 0.0 for we in p_words)
                 for wf in t_words])
    b = np.mean([max(pairs.get((we, wf), 0) / c_e[we] if we in c_e else 0.0 for wf in t_words)
                 for we in p_words])
    return float(0.5 * (a + b))


def test_lexicon_scores_match_the_formula(monkeypatch: pytest.MonkeyPatch) -> None:
    from xlner.project.scores import LexiconScorer, lexicon

    rng = np.random.default_rng(6)
    vocab = ["EU", "Union", "Kommission", "der", "die", "Rat", "rat"]
    batch = [random_item(rng, vocab) for _ in range(50)]
    spans = [ngram_spans(len(b.tgt_words), 5) for b in batch]
    scorer = LexiconScorer(links="links")
    mats = score_matrices(scorer, batch, spans)
    monkeypatch.setattr(lexicon, "MAX_CELLS", 7)  # many small entity groups: same values
    again = score_matrices(scorer, batch, spans)
    for item, sp, mat, mat2 in zip(batch, spans, mats, again, strict=True):
        assert np.allclose(mat, mat2)
        for p, ent in enumerate(item.entities):
            for t, (s, e) in enumerate(sp.tolist()):
                assert math.isclose(mat[p, t], brute_lexicon(batch, item, ent, s, e),
                                    abs_tol=1e-12)
    # prepare() fixes the statistics to a batch; scoring a part then uses the whole batch's
    scorer.prepare(batch)
    part = score_matrices(scorer, batch[:5], spans[:5])
    scorer.prepare(None)
    alone = score_matrices(scorer, batch[:5], spans[:5])
    assert all(np.allclose(x, y) for x, y in zip(part, mats[:5], strict=True))
    assert not all(np.allclose(x, y) for x, y in zip(alone, mats[:5], strict=True))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.booleans())
def test_lexicon_supported_grid_keeps_every_positive_pair(seed: int, prepared: bool) -> None:
    from xlner.project.scores import LexiconScorer

    rng = np.random.default_rng(seed)
    batch = [random_item(rng, ["EU", "Union", "der", "Rat", "rat"]) for _ in range(6)]
    spans = [ngram_spans(len(b.tgt_words), int(rng.integers(1, 5))) for b in batch]
    scorer = LexiconScorer(links="links")
    if prepared:
        scorer.prepare(batch)
    full = PairGrid.build(batch, spans)
    values = scorer.score(full)
    base = PairGrid.build(batch, spans, pairs=False)
    grid = base.supported(*scorer.support(base))
    sub = scorer.score(grid)
    full_pos = {(int(g), int(c)): v for g, c, v in zip(full.pair_ent, full.pair_cand, values,
                                                      strict=True) if v > 0}
    sub_all = {(int(g), int(c)): v for g, c, v in zip(grid.pair_ent, grid.pair_cand, sub,
                                                     strict=True)}
    assert set(full_pos) <= set(sub_all)
    assert all(math.isclose(sub_all[k], v) for k, v in full_pos.items())
    assert all(v == 0 for k, v in sub_all.items() if k not in full_pos)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([0.05, 0.2, 0.5, 0.9]))
def test_lexicon_floor_support_keeps_every_pair_reaching_the_floor(seed: int, floor: float
                                                                   ) -> None:
    from xlner.project.scores import LexiconScorer

    rng = np.random.default_rng(seed)
    batch = [random_item(rng, ["EU", "Union", "der", "Rat", "rat"]) for _ in range(6)]
    spans = [ngram_spans(len(b.tgt_words), int(rng.integers(1, 5))) for b in batch]
    scorer = LexiconScorer(links="links")
    scorer.prepare(batch)
    check_floor_support(scorer, batch, spans, floor)


def test_lexicon_floor_support_leaves_out_weak_positions() -> None:
    from xlner.project.scores import LexiconScorer

    rng = np.random.default_rng(1)
    batch = [random_item(rng, ["EU", "Union", "der", "Rat", "rat", "a", "b"]) for _ in range(40)]
    spans = [ngram_spans(len(b.tgt_words), 3) for b in batch]
    scorer = LexiconScorer(links="links")
    scorer.prepare(batch)
    base = PairGrid.build(batch, spans, pairs=False)
    assert len(scorer.support(base, floor=0.3)[0]) < len(scorer.support(base)[0]) / 2
    assert check_floor_support(scorer, batch, spans, 0.3) > 0
