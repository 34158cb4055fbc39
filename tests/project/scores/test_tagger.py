"""The tagger score on crafted probabilities: values, length bonus, threshold, variants."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from xlner.data import Entity, Sentence, empty_links
from xlner.errors import ConfigError, ProjectionError
from xlner.project.base import ProjectionInput
from xlner.project.scores.tagger import (
    TARGET_LABELS,
    TARGET_TAGGED,
    TaggerScorer,
    add_target_tags,
    class_span_scores,
    tagger_scores,
)
from xlner.registry import scorers
from xlner.tag.base import Tagged

LABELS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
# 4 target words; rows sum to 1
PROBS = np.array([
    [0.1, 0.7, 0.0, 0.2, 0.0],   # word 0: B-PER .7, B-LOC .2
    [0.2, 0.0, 0.6, 0.1, 0.1],   # word 1: I-PER .6, I-LOC .1
    [0.9, 0.0, 0.04, 0.0, 0.06],  # word 2: mostly O
    [0.1, 0.0, 0.0, 0.8, 0.1],   # word 3: B-LOC .8
], dtype=np.float32)
SPANS = np.array([[0, 1], [0, 2], [0, 3], [1, 2], [3, 4]], dtype=np.int32)


def naive(probs: np.ndarray, labels: Sequence[str], s: int, e: int, cls: str) -> float:
    b, i = labels.index(f"B-{cls}"), labels.index(f"I-{cls}")
    return float((probs[s, b] + sum(probs[k, i] for k in range(s + 1, e))) / (e - s))


def test_class_scores_are_span_means() -> None:
    classes, scores = class_span_scores(PROBS, LABELS, SPANS)
    assert classes == ["LOC", "PER"]
    assert scores[0].tolist() == pytest.approx([0.2, 0.7])            # [0,1)
    assert scores[1].tolist() == pytest.approx([(0.2 + 0.1) / 2, (0.7 + 0.6) / 2])
    assert scores[2].tolist() == pytest.approx([(0.2 + 0.1 + 0.06) / 3, (0.7 + 0.6 + 0.04) / 3])
    assert scores[3].tolist() == pytest.approx([0.1, 0.0])           # B at word 1
    assert scores[4].tolist() == pytest.approx([0.8, 0.0])


def test_vectorised_matches_a_naive_loop() -> None:
    rng = np.random.default_rng(0)
    for n in (1, 2, 7):
        probs = rng.dirichlet(np.ones(len(LABELS)), size=n).astype(np.float32)
        spans = np.array([(s, e) for s in range(n) for e in range(s + 1, min(n, s + 4) + 1)],
                         dtype=np.int32)
        classes, scores = class_span_scores(probs, LABELS, spans)
        for r, (s, e) in enumerate(spans.tolist()):
            for c, cls in enumerate(classes):
                assert scores[r, c] == pytest.approx(naive(probs, LABELS, s, e, cls), abs=1e-6)


def test_class_aware_scores_bonus_and_threshold() -> None:
    own = [(0, 2, "PER"), (3, 4, "LOC")]
    out = tagger_scores(PROBS, LABELS, SPANS, ["PER", "LOC", "MISC"], own, mode="class",
                        alpha=1.15, threshold=0.05)
    assert out.shape == (3, 5)
    per, loc, misc = out
    assert per[0] == pytest.approx(0.7)
    assert per[1] == pytest.approx((0.7 + 0.6) / 2 * 1.15)  # the tagger's own PER span
    assert per[2] == pytest.approx((0.7 + 0.6 + 0.04) / 3)   # not exactly the own span: no bonus
    assert per[3] == 0.0 and per[4] == 0.0                  # below threshold
    assert loc[4] == pytest.approx(0.8)                      # own LOC span of length 1: x1.15^0
    assert loc[1] == pytest.approx(0.15)                     # own span is PER, not LOC: no bonus
    assert (misc == 0).all()                                 # class the tagger does not know
    high = tagger_scores(PROBS, LABELS, SPANS, ["PER"], own, threshold=0.5)
    assert (high[0] > 0).tolist() == [True, True, False, False, False]


def test_span_only_is_the_max_over_classes() -> None:
    own = [(0, 2, "PER")]
    out = tagger_scores(PROBS, LABELS, SPANS, ["PER", "ORG"], own, mode="span", threshold=0.0)
    assert np.array_equal(out[0], out[1])  # the source class plays no part
    assert out[0].tolist() == pytest.approx([0.7, 0.65 * 1.15, (0.7 + 0.6 + 0.04) / 3, 0.1,
                                             0.8])
    bonus = tagger_scores(PROBS, LABELS, SPANS, ["PER"], own, mode="span", alpha=2.0,
                          threshold=0.0)
    assert bonus[0, 1] == pytest.approx(0.65 * 2.0)


def test_edge_cases() -> None:
    empty = tagger_scores(PROBS, LABELS, np.zeros((0, 2), dtype=np.int32), ["PER"])
    assert empty.shape == (1, 0)
    assert tagger_scores(PROBS, LABELS, SPANS, []).shape == (0, 5)
    with pytest.raises(ValueError, match="out of range"):
        tagger_scores(PROBS, LABELS, np.array([[2, 5]], dtype=np.int32), ["PER"])
    with pytest.raises(ConfigError):
        tagger_scores(PROBS, ["O", "S-PER"], SPANS, ["PER"])
    with pytest.raises(ConfigError):
        TaggerScorer(mode="both")


def item(probs: np.ndarray | None = PROBS, labels: Sequence[str] | None = LABELS,
         extras_labels: Sequence[str] | None = None, n_words: int = 4) -> ProjectionInput:
    tagged = Tagged([Entity(0, 2, "PER")], probs, labels)
    extras: dict[str, Any] = {TARGET_TAGGED: tagged}
    if extras_labels is not None:
        extras[TARGET_LABELS] = list(extras_labels)
    return ProjectionInput(["John", "Smith", "in", "Paris"], [f"w{i}" for i in range(n_words)],
                           [Entity(0, 2, "PER"), Entity(3, 4, "LOC")], empty_links(), extras)


def test_scorer_reads_extras() -> None:
    scorer = scorers.create("tagger(mode=class,alpha=1.15,threshold=0.05)")
    assert isinstance(scorer, TaggerScorer)
    batch = [item(), item(labels=None, extras_labels=LABELS)]
    got = scorer.score(batch, [SPANS, SPANS[:2]])
    assert got[0].shape == (2, 5) and got[1].shape == (2, 2)
    assert got[0][0, 1] == pytest.approx(0.65 * 1.15)
    assert np.array_equal(got[0][:, :2], got[1])
    assert scorer.describe() == {"name": "tagger", "version": 1, "mode": "class",
                                 "alpha": 1.15, "threshold": 0.05}


def test_scorer_reports_missing_or_inconsistent_tagger_output() -> None:
    scorer = TaggerScorer()
    no_tags = item()
    no_tags.extras.clear()
    with pytest.raises(ProjectionError, match="sentence 1: no target tagger output"):
        scorer.score([item(), no_tags], [SPANS, SPANS])
    with pytest.raises(ProjectionError, match="no label list"):
        scorer.score([item(labels=None)], [SPANS])
    with pytest.raises(ProjectionError, match="expected \\(5, 5\\)"):
        scorer.score([item(n_words=5)], [SPANS])
    with pytest.raises(ProjectionError, match="sentence 0: candidate spans out of range"):
        scorer.score([item()], [np.array([[3, 6]], dtype=np.int32)])


class FixedTagger:
    """A stand-in tagger returning the crafted probabilities for every sentence."""

    name = "fixed"
    version = 1
    labels = LABELS

    def __init__(self) -> None:
        self.calls: list[int] = []

    def predict(self, sentences: Sequence[Sequence[str]]) -> list[Tagged]:
        self.calls.append(len(sentences))
        return [Tagged([Entity(0, 2, "PER")], PROBS[:len(s)]) for s in sentences]

    def train(self, sentences: Sequence[Sentence], dev: Sequence[Sentence] | None = None
              ) -> None: ...

    def save(self, path: str | Path) -> None: ...

    def describe(self) -> dict[str, Any]:
        return {"name": self.name}


def test_add_target_tags_tags_the_batch_once() -> None:
    batch = [item(), item()]
    for b in batch:
        b.extras.clear()
    tagger = FixedTagger()
    add_target_tags(batch, tagger)
    assert tagger.calls == [2]
    out = TaggerScorer().score(batch, [SPANS, SPANS])
    assert out[0][0, 1] == pytest.approx(0.65 * 1.15)
    assert batch[0].extras[TARGET_LABELS] == LABELS


def test_scorer_on_a_pair_grid() -> None:
    """The flat-pair form (as the matching projector's pair grid) equals the dense matrices."""
    from types import SimpleNamespace

    no_entities = item()
    no_entities.entities = []
    batch = [item(), no_entities, item()]
    spans = [SPANS, SPANS[:2], SPANS[1:]]
    dense = TaggerScorer().score(batch, spans)
    # pairs: all of sentence 0, none of sentence 1, a subset of sentence 2
    pair_ent = np.array([0] * 5 + [1] * 5 + [2, 2, 3], dtype=np.int64)
    pair_cand = np.array(list(range(5)) * 2 + [5, 7, 6], dtype=np.int64)
    grid = SimpleNamespace(batch=batch, spans=spans, pair_ent=pair_ent, pair_cand=pair_cand,
                           ent_offsets=np.array([0, 2, 2, 4]),
                           cand_offsets=np.array([0, 5, 5, 9]))
    values = TaggerScorer().score(grid)
    want = [*dense[0].ravel().tolist(), dense[2][0, 0], dense[2][0, 2], dense[2][1, 1]]
    assert values.tolist() == pytest.approx(want)
    assert values[1] == pytest.approx(0.65 * 1.15)
