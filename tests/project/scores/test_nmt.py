"""The translation-likelihood (NMTScore-style) scorer."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from tests.tiny_mt import TableLikelihood
from xlner.data import Entity, as_links
from xlner.errors import ConfigError
from xlner.project.base import ProjectionInput
from xlner.project.scores.nmt import NMTScorer
from xlner.registry import scorers


def _ll(src: str, tgt: str, src_lang: str, tgt_lang: str) -> float:
    """A made-up model: log P(tgt|src) falls with the character difference."""
    same = sum(a == b for a, b in zip(src.lower(), tgt.lower(), strict=False))
    return -0.1 * len(tgt) - 0.5 * (max(len(src), len(tgt)) - same) - (
        0.0 if src_lang == tgt_lang else 0.2)


ITEM = ProjectionInput(("Angela", "Merkel", "visited", "Berlin"),
                       ("Angela", "Merkel", "ziyarci", "Berlin"),
                       [Entity(0, 2, "PER"), Entity(3, 4, "LOC")], as_links([]))
SPANS = np.array([[0, 1], [0, 2], [2, 3], [3, 4]], dtype=np.int32)


def _expected(p: str, t: str) -> float:
    fwd = math.exp(_ll(p, t, "en", "hau") - _ll(t, t, "hau", "hau"))
    bwd = math.exp(_ll(t, p, "hau", "en") - _ll(p, p, "en", "en"))
    return 0.5 * (fwd + bwd)


def test_scores_follow_the_formula_with_threshold_and_clip() -> None:
    model = TableLikelihood(_ll)
    scorer = NMTScorer(model, src_lang="en", tgt_lang="hau", threshold=0.1, clip=False)
    (matrix,) = scorer.score([ITEM], [SPANS])
    assert matrix.shape == (2, 4) and matrix.dtype == np.float64
    for e, p in enumerate(["Angela Merkel", "Berlin"]):
        for c, (a, b) in enumerate(SPANS.tolist()):
            value = _expected(p, " ".join(ITEM.tgt_words[a:b]))
            assert matrix[e, c] == pytest.approx(value if value >= 0.1 else 0.0)
    assert matrix[0, 1] == matrix[0].max() and matrix[1, 3] == matrix[1].max()
    assert (matrix == 0).any()  # thresholded pairs
    clipped = NMTScorer(model, src_lang="en", tgt_lang="hau", threshold=0.0).score(
        [ITEM], [SPANS])[0]
    assert clipped.max() <= 1.0


def test_distinct_pairs_are_scored_once_in_few_batched_calls() -> None:
    model = TableLikelihood(_ll)
    scorer = NMTScorer(model, src_lang="en", tgt_lang="hau")
    scorer.score([ITEM, ITEM], [SPANS, SPANS])
    # forward + backward over the 8 distinct pairs, then the self-likelihoods of 4 candidate
    # texts and 2 entity texts: four model calls for the whole batch
    assert model.calls == [8, 8, 4, 2]
    assert scorer.last_pairs == 8


def test_languages_per_sentence_and_errors() -> None:
    item = ProjectionInput(ITEM.src_words, ITEM.tgt_words, ITEM.entities, ITEM.links,
                           {"src_lang": "en", "tgt_lang": "hau"})
    scorer = NMTScorer(TableLikelihood(_ll))
    assert scorer.score([item], [SPANS])[0].shape == (2, 4)
    with pytest.raises(ConfigError, match="sentence 0: the nmt score needs"):
        scorer.score([ITEM], [SPANS])
    with pytest.raises(ConfigError, match="cannot score"):
        NMTScorer(object())  # type: ignore[arg-type]
    with pytest.raises(ConfigError):
        NMTScorer(TableLikelihood(_ll), threshold=1.0)
    empty = ProjectionInput(("a",), ("b",), [], as_links([]))
    assert NMTScorer(TableLikelihood(_ll), src_lang="en", tgt_lang="hau").score(
        [empty], [np.array([[0, 1]], dtype=np.int32)])[0].shape == (0, 1)


def test_pair_grid_form_matches_the_matrices() -> None:
    scorer = NMTScorer(TableLikelihood(_ll), src_lang="en", tgt_lang="hau")
    (matrix,) = scorer.score([ITEM], [SPANS])
    pair_ent = np.repeat(np.arange(2), 4)
    pair_cand = np.tile(np.arange(4), 2)
    grid = SimpleNamespace(batch=[ITEM], pair_ent=pair_ent, pair_cand=pair_cand,
                           ent_sent=np.zeros(2, dtype=np.int64),
                           ent_offsets=np.array([0, 2]), cand_start=SPANS[:, 0].astype(np.int64),
                           cand_end=SPANS[:, 1].astype(np.int64))
    assert scorer.score(grid) == pytest.approx(matrix.ravel())


def test_registered_by_path() -> None:
    scorer = scorers.create({"name": "nmt", "translator": TableLikelihood(_ll),
                             "src_lang": "en", "tgt_lang": "de"})
    assert scorer.describe()["threshold"] == 0.1


def test_properties_on_a_tiny_translation_model() -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from tests.tiny_mt import FAST, tiny_model
    from xlner.translate.hf import HFTranslator

    tr = HFTranslator(str(tiny_model("nllb")), **FAST)
    texts = ["Angela Merkel", "Berlin", "kalo mita", "Kano"]
    raw = NMTScorer(tr, src_lang="en", tgt_lang="hau", threshold=0.0, clip=False)
    # self-normalised: a text against itself in one language scores exactly 1
    same = NMTScorer(tr, src_lang="hau", tgt_lang="hau", threshold=0.0, clip=False)
    assert same.pair_scores(texts, texts, "hau", "hau") == pytest.approx(np.ones(4))
    # symmetric: swapping the texts and the languages gives the same scores
    fwd = raw.pair_scores(texts, texts[::-1], "en", "hau")
    bwd = raw.pair_scores(texts[::-1], texts, "hau", "en")
    assert fwd == pytest.approx(bwd, rel=1e-6)
    assert (fwd > 0).all()
    # thresholded: the same pairs at a threshold above the lowest score lose it
    cut = NMTScorer(tr, src_lang="en", tgt_lang="hau", threshold=float(np.sort(
        np.minimum(fwd, 1.0))[1]) + 1e-9, clip=True)
    scored = cut.pair_scores(texts, texts[::-1], "en", "hau")
    assert (scored == 0).sum() >= 2 and ((scored == 0) | (scored >= cut.threshold)).all()
    (matrix,) = raw.score([ITEM], [SPANS])
    assert matrix.shape == (2, 4) and np.isfinite(matrix).all()


def test_flat_translator_settings_in_a_spec() -> None:
    # a spec cannot nest parentheses: the translator's settings are flat scorer parameters
    scorer = scorers.create("nmt(translator=ct2,translator_model=/models/nllb-ct2,device=cuda,"
                            "max_tokens=8000,src_lang=en,tgt_lang=hau)")
    desc = scorer.describe()["translator"]
    assert (desc["name"], desc["model"], desc["device"], desc["max_tokens"]) == (
        "ct2", "/models/nllb-ct2", "cuda", 8000)
    assert scorers.create("nmt").describe()["translator"]["model"] == "facebook/nllb-200-3.3B"
