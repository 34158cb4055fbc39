"""Model transfer: tag the target directly and score it (stand-in tagger; tiny HF model CLI)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

from xlner.corpora.conll import read_conll, write_conll
from xlner.corpora.labels import LabelMap
from xlner.data import Entity, Sentence
from xlner.pipelines.model_transfer import model_transfer
from xlner.tag.base import Tagged


class CapitalTagger:
    """Capitalised words are PER; words in upper case are MISC (a stand-in tagger)."""

    name = "capital"
    version = 1
    labels: ClassVar[list[str]] = ["O", "B-MISC", "I-MISC", "B-PER", "I-PER"]

    def __init__(self) -> None:
        self.calls = 0

    def predict(self, sentences: Sequence[Sequence[str]]) -> list[Tagged]:
        self.calls += 1
        out = []
        for words in sentences:
            ents = [Entity(i, i + 1, "MISC" if w.isupper() else "PER")
                    for i, w in enumerate(words) if w[:1].isupper()]
            out.append(Tagged(ents, np.zeros((len(words), 5), dtype=np.float32)))
        return out

    def train(self, sentences: Sequence[Sentence], dev: Sequence[Sentence] | None = None
              ) -> None: ...

    def save(self, path: str | Path) -> None: ...

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version}


TARGET = [
    Sentence(("Musa", "went", "home", "today"), (Entity(0, 1, "PER"), Entity(3, 4, "DATE"))),
    Sentence(("the", "UN", "met", "Ada"), (Entity(1, 2, "ORG"), Entity(3, 4, "PER"))),
    Sentence(("nothing", "here"), ()),
]


def test_scores_only_the_classes_the_tagger_predicts() -> None:
    tagger = CapitalTagger()
    run = model_transfer(tagger, TARGET, label_map=LabelMap.parse("MISC=O"))
    assert tagger.calls == 1  # one batched call
    assert [s.words for s in run.predicted] == [s.words for s in TARGET]
    assert [list(s.entities) for s in run.predicted] == [[Entity(0, 1, "PER")],
                                                         [Entity(3, 4, "PER")], []]
    assert run.classes == ["PER"]
    assert run.excluded_gold == {"DATE": 1, "ORG": 1}
    assert run.scores is not None and run.scores.f1 == 1.0 and run.scores.gold == 2
    # without the map MISC is predicted: a false positive, and ORG/DATE still excluded
    raw = model_transfer(CapitalTagger(), TARGET)
    assert raw.classes == ["MISC", "PER"] and raw.scores is not None
    assert raw.scores.precision == pytest.approx(2 / 3) and raw.scores.recall == 1.0


def test_unlabelled_target_gives_predictions_only() -> None:
    run = model_transfer(CapitalTagger(), [Sentence(s.words) for s in TARGET])
    assert run.scores is None and len(run.predicted) == 3
    assert run.to_dict()["scores"] is None


def test_cli_with_a_tiny_hf_checkpoint(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                       ) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from xlner.bench.tiny_encoders import build_tiny_encoder
    from xlner.cli.main import main

    model = build_tiny_encoder(tmp_path / "model", [" ".join(s.words) for s in TARGET] * 20,
                               vocab_size=80, labels=["O", "B-PER", "I-PER", "B-LOC", "I-LOC"])
    target = tmp_path / "target.conll"
    write_conll(target, TARGET)
    out, js = tmp_path / "pred.conll", tmp_path / "scores.json"
    rc = main(["model-transfer", "--tagger", str(model), "--tagger-param", "device=cpu",
               "--target", str(target), "--out", str(out), "--json", str(js)])
    assert rc == 0
    printed = capsys.readouterr().out
    assert "micro" in printed and "DATE 1" in printed and "ORG 1" in printed
    pred = read_conll(out)
    assert [s.words for s in pred] == [s.words for s in TARGET]
    result = json.loads(js.read_text())
    assert result["classes"] == ["LOC", "PER"] and result["excluded_gold"] == {"DATE": 1,
                                                                                "ORG": 1}
    assert result["signature"]["components"]["tagger"]["name"] == "hf"
    sidecar = json.loads((tmp_path / "pred.conll.signature.json").read_text())
    assert sidecar["command"] == "model-transfer"
