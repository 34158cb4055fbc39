"""Fusion of score terms: weights, thresholds, bonus terms, supports; the term grammar."""

from __future__ import annotations

import pytest

from xlner.data import Entity, as_links
from xlner.errors import ConfigError
from xlner.project.base import ProjectionInput
from xlner.project.candidates import ngram_spans
from xlner.project.scores import (
    AlignScorer,
    FusionScorer,
    OrthoScorer,
    PairGrid,
    create_scorer,
    parse_terms,
    score_matrices,
)
from xlner.spec import Spec, TermSpec


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
