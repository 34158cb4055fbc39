"""Scorers: alignment (Dice), orthographic similarity, fusion; supported grids."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlner.align.symmetrize import symmetrize
from xlner.data import Entity, as_links
from xlner.errors import ConfigError
from xlner.project.base import LINKS_FORWARD, LINKS_REVERSE, ProjectionInput
from xlner.project.candidates import ngram_spans
from xlner.project.scores import (
    AlignScorer,
    FusionScorer,
    OrthoScorer,
    PairGrid,
    Scorer,
    create_scorer,
    parse_terms,
    score_matrices,
)
from xlner.project.scores.ortho import char_ngrams, normalize, similarity
from xlner.registry import scorers
from xlner.spec import Spec, TermSpec


def random_item(rng: np.random.Generator, words: list[str] | None = None) -> ProjectionInput:
    n_src, n_tgt = int(rng.integers(1, 9)), int(rng.integers(1, 9))
    pairs = {(int(rng.integers(n_src)), int(rng.integers(n_tgt)))
             for _ in range(int(rng.integers(0, 12)))}
    ents, pos = [], 0
    while pos < n_src:
        start = pos + int(rng.integers(0, 3))
        end = start + int(rng.integers(1, 3))
        if end > n_src:
            break
        ents.append(Entity(start, end, "PER"))
        pos = end
    vocab = words or ["x"]
    return ProjectionInput([str(rng.choice(vocab)) for _ in range(n_src)],
                           [str(rng.choice(vocab)) for _ in range(n_tgt)], ents,
                           as_links(sorted(pairs)))


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


def test_fusion_weights_thresholds_and_bonus_terms() -> None:
    item = ProjectionInput(["Paris", "x"], ["Paris", "y", "Pariss"], [Entity(0, 1, "LOC")],
                           as_links([(0, 1)]))
    spans = ngram_spans(3, 1)
    align = score_matrices(AlignScorer(), [item], [spans])[0][0]
    ortho = score_matrices(OrthoScorer(), [item], [spans])[0][0]
    assert align.tolist() == [0.0, 1.0, 0.0] and ortho[0] == 1.0 and 0.5 < ortho[2] < 1
    fused = score_matrices(create_scorer("align=1,ortho=0.5"), [item], [spans])[0][0]
    assert fused.tolist() == pytest.approx(align + 0.5 * ortho)
    thr = score_matrices(create_scorer("align=1,ortho=0.5@0.95"), [item], [spans])[0][0]
    assert thr.tolist() == pytest.approx([0.5, 1.0, 0.0])
    bonus = score_matrices(create_scorer("align=2,ortho~1"), [item], [spans])[0][0]
    assert bonus.tolist() == pytest.approx([0.0, 2.0 + ortho[1], 0.0])
    gated = score_matrices(FusionScorer("align=1,ortho=1", gate=True), [item], [spans])[0][0]
    assert gated.tolist() == pytest.approx([0.0, 1.0 + ortho[1], 0.0])
    # Supports: align -> linked words; ortho -> words sharing a bigram; bonus terms none.
    base = PairGrid.build([item], [spans], pairs=False)
    ent, pos = create_scorer("align=1,ortho=0.5").support(base)  # type: ignore[attr-defined]
    assert set(pos.tolist()) == {0, 1, 2} and set(ent.tolist()) == {0}
    ent, pos = create_scorer("align=1,ortho~0.5").support(base)  # type: ignore[attr-defined]
    assert pos.tolist() == [1]


def test_parse_terms() -> None:
    assert parse_terms("align(mode=words,null_weight=0.5)=1,ortho(n=3)=0.5@0.6,ortho~0.1") == [
        TermSpec(Spec("align", {"mode": "words", "null_weight": 0.5}), 1.0, 0.0, False),
        TermSpec(Spec("ortho", {"n": 3}), 0.5, 0.6, False),
        TermSpec(Spec("ortho", {}), 0.1, 0.0, True)]
    assert parse_terms("align") == [TermSpec(Spec("align", {}), 1.0, 0.0, False)]
    for bad, message in [("", "at position 0: no score terms"),
                         ("align=-1", "at position 8: weights must be >= 0"),
                         ("align=x", "at position 6: expected a weight"),
                         ("ortho~1", "at position 0: only bonus terms"),
                         ("align=1,ortho=1@y", "at position 16: expected a threshold"),
                         ("align=1,ortho(n=3", r"at position 13: '\(' is never closed"),
                         ("align=1,ortx=1", "at position 8: unknown scorer 'ortx'; valid names: "
                                            "align, .*ortho")]:
        with pytest.raises(ConfigError, match=f"invalid score spec .* {message}"):
            parse_terms(bad)
    with pytest.raises(ConfigError, match="unknown scorer 'nosuch'"):
        create_scorer("nosuch=1")


def test_scorers_are_registered_and_follow_the_protocol() -> None:
    assert {"align", "ortho", "lexicon", "fusion"} <= set(scorers.names())
    for name in ("align", "ortho", "lexicon", "fusion"):
        scorer = scorers.create(name)
        assert isinstance(scorer, Scorer)
        assert scorer.describe()["name"] == name
    with pytest.raises(ConfigError):
        AlignScorer(mode="nope")
    with pytest.raises(ConfigError):
        AlignScorer(null_weight=2)


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


def test_fusion_computes_no_support_when_a_term_has_none(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    calls: list[str] = []
    original = AlignScorer.support

    def counted(self: AlignScorer, grid: PairGrid) -> object:
        calls.append("align")
        return original(self, grid)

    monkeypatch.setattr(AlignScorer, "support", counted)
    item = ProjectionInput(["Paris"], ["Paris", "y"], [Entity(0, 1, "LOC")], as_links([(0, 0)]))
    grid = PairGrid.build([item], [ngram_spans(2, 2)], pairs=False)
    assert create_scorer("align=1,tagger=1").support(grid) is None  # type: ignore[attr-defined]
    assert calls == []
    assert create_scorer("align=1,ortho=1").support(grid) is not None  # type: ignore[attr-defined]
    assert calls == ["align"]


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
