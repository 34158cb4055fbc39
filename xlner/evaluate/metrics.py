"""Span-level evaluation with seqeval (strict IOB2: exact boundaries and type)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from xlner.corpora.schemes import to_iob2
from xlner.data import Entity, Sentence
from xlner.errors import InputError


@dataclass
class ClassScores:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class Scores:
    """Micro-averaged span P/R/F1, per class, and the projection ratio."""

    precision: float
    recall: float
    f1: float
    gold: int
    predicted: int
    sentences: int
    per_class: dict[str, ClassScores] = field(default_factory=dict)

    @property
    def projection_ratio(self) -> float:
        """Predicted / gold entities over the whole set."""
        return self.predicted / self.gold if self.gold else 0.0

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["projection_ratio"] = self.projection_ratio
        return out

    def table(self) -> str:
        rows = [f"{'class':<10}{'P':>8}{'R':>8}{'F1':>8}{'support':>9}"]
        for label, cs in sorted(self.per_class.items()):
            rows.append(f"{label:<10}{cs.precision:8.4f}{cs.recall:8.4f}{cs.f1:8.4f}"
                        f"{cs.support:9d}")
        rows.append(f"{'micro':<10}{self.precision:8.4f}{self.recall:8.4f}{self.f1:8.4f}"
                    f"{self.gold:9d}")
        rows.append(f"sentences {self.sentences}, predicted {self.predicted}, "
                    f"projection ratio {self.projection_ratio:.4f}")
        return "\n".join(rows)


def evaluate(gold: Sequence[Sentence], predicted: Sequence[Sentence] | Sequence[Sequence[Entity]],
             ) -> Scores:
    """Score predicted entities against gold sentences (same words, same order: predicted
    :class:`Sentence` objects whose words differ from the gold raise :class:`InputError` naming
    the first sentence and word that differ)."""
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    if len(gold) != len(predicted):
        raise InputError(f"{len(gold)} gold sentences but {len(predicted)} predicted")
    y_true: list[list[str]] = []
    y_pred: list[list[str]] = []
    n_gold = n_pred = 0
    for k, (g, p) in enumerate(zip(gold, predicted, strict=True)):
        p_entities: Sequence[Entity] = (p.entities if isinstance(p, Sentence)
                                        else p)  # type: ignore[assignment]
        if isinstance(p, Sentence) and p.words != g.words:
            if len(p.words) != len(g.words):
                what = f"{len(g.words)} gold words but {len(p.words)} predicted words"
            else:
                j = next(i for i, (a, b) in enumerate(zip(g.words, p.words, strict=True))
                         if a != b)
                what = (f"word {j + 1} is {g.words[j]!r} in the gold but {p.words[j]!r} in the "
                        "prediction")
            gold_at = f" (gold {g.origin})" if g.origin else ""
            raise InputError(f"sentence {k + 1}{gold_at}: {what}; gold and prediction must "
                             "have the same words", source=p.origin or None)
        y_true.append(to_iob2(g.entities, len(g.words)))
        y_pred.append(to_iob2(sorted(p_entities), len(g.words)))
        n_gold += len(g.entities)
        n_pred += len(p_entities)
    if not y_true:  # nothing to score (seqeval rejects an empty set)
        return Scores(0.0, 0.0, 0.0, 0, 0, 0, {})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = classification_report(y_true, y_pred, mode="strict", scheme=IOB2,
                                       output_dict=True, zero_division=0)
    micro = report.get("micro avg", {"precision": 0.0, "recall": 0.0, "f1-score": 0.0})
    per_class = {
        label: ClassScores(float(v["precision"]), float(v["recall"]), float(v["f1-score"]),
                           int(v["support"]))
        for label, v in report.items() if not label.endswith(" avg")}
    return Scores(float(micro["precision"]), float(micro["recall"]), float(micro["f1-score"]),
                  n_gold, n_pred, len(gold), per_class)
