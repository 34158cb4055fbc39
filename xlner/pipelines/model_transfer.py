"""Model transfer (the baseline): a multilingual tagger applied directly to the target language.

No translation and no projection: the tagger (e.g. XLM-R-large fine-tuned on English CoNLL-03)
tags the target sentences, and the predictions are scored against the target gold. Classes the
tagger cannot predict (after ``label_map``, e.g. DATE in MasakhaNER for a CoNLL tagger) are
excluded from the gold for scoring and counted in ``excluded_gold``, as docs/method.md §1
prescribes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlner.corpora.conll import write_conll
from xlner.corpora.corpus import Corpus
from xlner.corpora.labels import LabelMap
from xlner.data import Sentence
from xlner.evaluate.metrics import Scores, evaluate
from xlner.signature import make_signature, write_sidecar
from xlner.tag.base import Tagger


@dataclass
class ModelTransferRun:
    """Predicted target sentences, and scores when the target has gold entities."""

    predicted: list[Sentence]
    scores: Scores | None
    classes: list[str]
    """Classes the tagger predicts (after the label map), i.e. the classes scored."""
    excluded_gold: dict[str, int] = field(default_factory=dict)
    """Gold entities left out of scoring because the tagger cannot predict their class."""

    def to_dict(self) -> dict[str, Any]:
        return {"scores": None if self.scores is None else self.scores.to_dict(),
                "classes": self.classes, "excluded_gold": self.excluded_gold,
                "sentences": len(self.predicted)}


def model_transfer(tagger: Tagger, target: Sequence[Sentence], *,
                   label_map: LabelMap | None = None, score: bool = True) -> ModelTransferRun:
    """Tag ``target`` with ``tagger`` (one batched call) and score against its gold entities.

    ``label_map`` renames or drops the tagger's classes (e.g. ``MISC=O``) before scoring.
    Scoring is skipped when ``score`` is false or the target has no gold entities at all.
    """
    label_map = label_map or LabelMap()
    tagged = tagger.predict([s.words for s in target])
    predicted = [Sentence(s.words, label_map.apply(t.entities), s.origin)
                 for s, t in zip(target, tagged, strict=True)]
    classes = sorted({m for c in _tagger_classes(tagger) if (m := label_map(c)) is not None})
    has_gold = any(s.entities for s in target)
    if not (score and has_gold):
        return ModelTransferRun(predicted, None, classes)
    keep = set(classes)
    excluded: Counter[str] = Counter()
    gold = []
    for s in target:
        kept = tuple(e for e in s.entities if e.label in keep)
        excluded.update(e.label for e in s.entities if e.label not in keep)
        gold.append(Sentence(s.words, kept, s.origin))
    return ModelTransferRun(predicted, evaluate(gold, predicted), classes, dict(excluded))


def _tagger_classes(tagger: Tagger) -> list[str]:
    return sorted({label.split("-", 1)[1] for label in tagger.labels if label != "O"})


def save_model_transfer(run: ModelTransferRun, out: str | Path, *, tagger: Tagger,
                        target: Corpus | None = None, label_map: LabelMap | None = None) -> None:
    """Write the predictions as CoNLL (IOB2) with a signature sidecar."""
    write_conll(out, run.predicted)
    write_sidecar(out, make_signature(
        "model-transfer", inputs={"target": None if target is None else target.describe()},
        components={"tagger": tagger},
        params={"label_map": None if label_map is None else label_map.describe(),
                "classes": run.classes}))


__all__ = ["ModelTransferRun", "model_transfer", "save_model_transfer"]
