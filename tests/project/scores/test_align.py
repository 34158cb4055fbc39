"""The alignment score (Dice over links) and its supported grid."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.project.scores.grids import random_item
from xlner.align.symmetrize import symmetrize
from xlner.data import Entity, as_links
from xlner.errors import ConfigError
from xlner.project.base import LINKS_FORWARD, LINKS_REVERSE, ProjectionInput
from xlner.project.candidates import ngram_spans
from xlner.project.scores import AlignScorer, PairGrid, score_matrices


def brute_align(item: ProjectionInput, ent: Entity, s: int, e: int, mode: str,
                lam: float) -> float:
    links = [tuple(x) for x in item.links.tolist()]
    src_aligned = {i for i, _ in links}
    tgt_aligned = {j for _, j in links}
    p_words, t_words = range(ent.start, ent.end), range(s, e)
    p_eff = sum(1 if i in src_aligned else lam for i in p_words)
    t_eff = sum(1 if j in tgt_aligned else lam for j in t_words)
    if p_eff + t_eff == 0:
        return 0.0
    inside = [(i, j) for i, j in links if i in p_words and j in t_words]
    if mode == "links":
        return 2 * len(inside) / (p_eff + t_eff)
    return (len({i for i, _ in inside}) + len({j for _, j in inside})) / (p_eff + t_eff)


@pytest.mark.parametrize(("mode", "lam"), [("links", 1.0), ("links", 0.5), ("words", 1.0),
                                          ("words", 0.0)])
def test_align_scores_match_the_formula(mode: str, lam: float) -> None:
    rng = np.random.default_rng(1)
    batch = [random_item(rng) for _ in range(60)]
    spans = [ngram_spans(len(b.tgt_words), 4) for b in batch]
    mats = score_matrices(AlignScorer(mode=mode, null_weight=lam), batch, spans)
    for item, sp, mat in zip(batch, spans, mats, strict=True):
        assert mat.shape == (len(item.entities), len(sp))
        for p, ent in enumerate(item.entities):
            for t, (s, e) in enumerate(sp.tolist()):
                assert math.isclose(mat[p, t], brute_align(item, ent, s, e, mode, lam),
                                    abs_tol=1e-12)


def test_dice_on_a_hand_example() -> None:
    # "European Parliament" -> "das Europäische Parlament", one-to-one links.
    item = ProjectionInput(["the", "European", "Parliament"],
                           ["das", "Europäische", "Parlament"], [Entity(1, 3, "ORG")],
                           as_links([(1, 1), (2, 2), (0, 0)]))
    spans = np.array([[1, 3], [0, 3], [2, 3]], dtype=np.int32)
    mat = score_matrices(AlignScorer(), [item], [spans])[0]
    assert mat[0].tolist() == pytest.approx([1.0, 4 / 5, 2 / 3])


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_supported_grid_keeps_every_positive_pair(seed: int) -> None:
    rng = np.random.default_rng(seed)
    batch = [random_item(rng) for _ in range(6)]
    spans = [ngram_spans(len(b.tgt_words), int(rng.integers(1, 5))) for b in batch]
    scorer = AlignScorer(null_weight=0.5)
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
    keys = grid.pair_ent * 10_000 + grid.pair_cand
    assert (np.diff(keys) > 0).all()  # sorted, no duplicates


def test_align_reads_directional_links_from_extras() -> None:
    fwd, rev = as_links([(0, 0), (0, 1)]), as_links([(0, 0)])
    item = ProjectionInput(["Bonn"], ["in", "Bonn"], [Entity(0, 1, "LOC")], as_links([]),
                           {LINKS_FORWARD: fwd, LINKS_REVERSE: rev})
    spans = ngram_spans(2, 2)
    inter = score_matrices(AlignScorer(links="intersection"), [item], [spans])[0]
    union = score_matrices(AlignScorer(links="union"), [item], [spans])[0]
    assert symmetrize(fwd, rev, "intersection").tolist() == [[0, 0]]
    assert inter[0].tolist() == pytest.approx([1.0, 2 / 3, 0.0])
    assert union[0].tolist() == pytest.approx([1.0, 4 / 3, 1.0])
    with pytest.raises(ConfigError, match="links_forward"):
        AlignScorer(links="union").score(PairGrid.build(
            [ProjectionInput(["a"], ["b"], [Entity(0, 1, "X")], as_links([(0, 0)]))],
            [ngram_spans(1, 1)]))
