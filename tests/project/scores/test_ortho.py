"""The orthographic score: normalisation, similarity, vector scores, across scripts."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.project.scores.grids import check_floor_support, random_item
from xlner.project.candidates import ngram_spans
from xlner.project.scores import OrthoScorer, PairGrid, score_matrices
from xlner.project.scores.ortho import char_ngrams, normalize, similarity


def test_normalize_is_accent_and_case_insensitive() -> None:
    assert normalize("Europäische") == normalize("EUROPAISCHE") == "europaische"
    assert normalize("Straße") == "strasse"
    assert normalize("Ørsted") == "orsted"
    assert normalize("!?") == ""
    assert normalize("Philipp", fold=True) == "filip"
    assert char_ngrams("Ab") == ["^a", "ab", "b$"]
    assert char_ngrams("!!") == []


def test_ortho_similarity_examples() -> None:
    assert similarity("Schulz", "schulz") == 1.0
    assert similarity("Commission", "Comisión") > similarity("Commission", "Kommission") > 0.5
    assert similarity("Commission", "Kommission", fold=True) == 1.0
    assert similarity("Gorbachev", "Gorbatschow", fold=True) > similarity("Gorbachev",
                                                                         "Gorbatschow")
    assert similarity("European Union", "Europäischen Union") > similarity(
        "European Union", "der Europäischen Union")
    assert similarity("Paris", "Berlin") < 0.2
    assert similarity("", "x") == 0.0


@pytest.mark.parametrize("fold", [False, True])
def test_ortho_vector_scores_match_the_reference(fold: bool) -> None:
    rng = np.random.default_rng(4)
    vocab = ["Kommission", "Commission", "der", "Union", "union", "Europa", "Europe", "!",
             "Strasbourg", "Straßburg", "aa", "a", "Parliament", "Parlament"]
    batch = [random_item(rng, vocab) for _ in range(40)]
    spans = [ngram_spans(len(b.tgt_words), 3) for b in batch]
    scorer = OrthoScorer(fold=fold)
    mats = score_matrices(scorer, batch, spans)
    for item, sp, mat in zip(batch, spans, mats, strict=True):
        for p, ent in enumerate(item.entities):
            text = " ".join(item.src_words[ent.start:ent.end])
            for t, (s, e) in enumerate(sp.tolist()):
                want = similarity(text, " ".join(item.tgt_words[s:e]), fold=fold)
                assert math.isclose(mat[p, t], want, abs_tol=1e-12)


def test_ortho_floor_skips_only_pairs_below_it() -> None:
    rng = np.random.default_rng(8)
    vocab = ["Kommission", "Commission", "der", "Union", "Europa", "Europe", "Paris", "Pariser"]
    batch = [random_item(rng, vocab) for _ in range(40)]
    spans = [ngram_spans(len(b.tgt_words), 4) for b in batch]
    grid = PairGrid.build(batch, spans)
    full = OrthoScorer().score(grid)
    for floor in (0.3, 0.6, 0.9):
        floored = OrthoScorer().score(grid, floor=floor)
        assert np.allclose(np.where(full >= floor, full, 0), np.where(floored >= floor,
                                                                      floored, 0))
        assert (floored <= full + 1e-12).all()


def test_ortho_compares_names_across_scripts() -> None:
    assert similarity("Moscow", "Москва", fold=True) > 0.5
    assert similarity("Barack Obama", "Барак Обама") > 0.8
    assert similarity("Obama", "Обама", romanized=False) == 0.0
    assert similarity("Obama", "Путин") < 0.2
    assert similarity("Moscow", "Москве", key=True) == 1.0
    assert normalize("北京") == "beijing"


def test_ortho_vector_scores_across_scripts_match_the_reference() -> None:
    rng = np.random.default_rng(5)
    vocab = ["Obama", "Обама", "Обамы", "Moscow", "Москве", "в", "Путин", "Putin", "北京",
             "Beijing", "и"]
    batch = [random_item(rng, vocab) for _ in range(30)]
    spans = [ngram_spans(len(b.tgt_words), 3) for b in batch]
    scorer = OrthoScorer(key=True)
    mats = score_matrices(scorer, batch, spans)
    nonzero = 0
    for item, sp, mat in zip(batch, spans, mats, strict=True):
        for p, ent in enumerate(item.entities):
            text = " ".join(item.src_words[ent.start:ent.end])
            for t, (s, e) in enumerate(sp.tolist()):
                want = similarity(text, " ".join(item.tgt_words[s:e]), key=True)
                assert math.isclose(mat[p, t], want, abs_tol=1e-12)
                nonzero += want > 0
    assert nonzero > 0


def test_ortho_join_is_computed_once_for_support_and_score(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    rng = np.random.default_rng(3)
    batch = [random_item(rng, ["Paris", "Pariss", "Bonn", "x"]) for _ in range(20)]
    spans = [ngram_spans(len(b.tgt_words), 3) for b in batch]
    scorer = OrthoScorer()
    joins: list[int] = []
    original = OrthoScorer._compute_join

    def counted(self: OrthoScorer, grid: PairGrid) -> object:
        joins.append(1)
        return original(self, grid)

    monkeypatch.setattr(OrthoScorer, "_compute_join", counted)
    base = PairGrid.build(batch, spans, pairs=False)
    grid = base.supported(*scorer.support(base))
    values = scorer.score(grid)
    assert len(joins) == 1
    scorer.prepare(None)
    fresh = OrthoScorer().score(grid)
    assert len(joins) == 2 and np.array_equal(values, fresh)
    other = PairGrid.build(batch[:5], spans[:5])  # other entities: computed anew
    assert np.array_equal(scorer.score(other), OrthoScorer().score(other))


def test_ortho_bag_store_gives_the_same_scores_when_shared_and_when_reset(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import xlner.project.scores.ortho as ortho

    rng = np.random.default_rng(11)
    vocab = ["Москва", "Moskau", "Paris", "Pariser", "der", "Union", "union", "Bonn", "x"]
    batches = [[random_item(rng, vocab) for _ in range(15)] for _ in range(3)]
    spans = [[ngram_spans(len(b.tgt_words), 3) for b in batch] for batch in batches]
    want = [OrthoScorer().score(PairGrid.build(b, s)) for b, s in zip(batches, spans,
                                                                      strict=True)]
    shared = OrthoScorer()  # one store across batches: words seen before are looked up
    for batch, sp, w in zip(batches, spans, want, strict=True):
        shared.prepare(None)
        assert np.array_equal(shared.score(PairGrid.build(batch, sp)), w)
    monkeypatch.setattr(ortho, "MAX_WORD_TYPES", 2)  # the store starts afresh on each call
    small = OrthoScorer()
    for batch, sp, w in zip(batches, spans, want, strict=True):
        small.prepare(None)
        assert np.array_equal(small.score(PairGrid.build(batch, sp)), w)
    assert 0 < len(small._word_id) <= len(vocab)
    assert any(v.any() for v in want)


NAMES = ["Paris", "Pariss", "Parisien", "Bonn", "Bo", "de", "Delors", "Delor", "x", "la"]


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([0.3, 0.6, 0.9]), st.integers(1, 3))
def test_ortho_floor_support_keeps_every_pair_reaching_the_floor(seed: int, floor: float,
                                                                 n: int) -> None:
    rng = np.random.default_rng(seed)
    batch = [random_item(rng, NAMES) for _ in range(6)]
    spans = [ngram_spans(len(b.tgt_words), int(rng.integers(1, 6))) for b in batch]
    check_floor_support(OrthoScorer(n=n), batch, spans, floor)


def test_ortho_floor_support_leaves_out_words_that_cannot_reach_it() -> None:
    rng = np.random.default_rng(8)
    batch = [random_item(rng, NAMES) for _ in range(40)]
    spans = [ngram_spans(len(b.tgt_words), 4) for b in batch]
    scorer = OrthoScorer()
    base = PairGrid.build(batch, spans, pairs=False)
    assert len(scorer.support(base, floor=0.6)[0]) < len(scorer.support(base)[0]) / 2
    assert check_floor_support(scorer, batch, spans, 0.6) > 0
