from __future__ import annotations

import pytest

from xlner.data import Entity, Sentence
from xlner.errors import InputError
from xlner.evaluate.metrics import evaluate

WORDS = tuple("abcdefgh")


def test_exact_span_and_type_matching() -> None:
    gold = [Sentence(WORDS, (Entity(0, 2, "PER"), Entity(3, 4, "LOC"), Entity(5, 7, "ORG")))]
    pred = [[Entity(0, 2, "PER"), Entity(3, 4, "ORG"), Entity(5, 6, "ORG"), Entity(7, 8, "LOC")]]
    s = evaluate(gold, pred)
    assert s.precision == pytest.approx(1 / 4)
    assert s.recall == pytest.approx(1 / 3)
    assert s.f1 == pytest.approx(2 * (1 / 4) * (1 / 3) / (1 / 4 + 1 / 3))
    assert s.per_class["PER"].f1 == 1.0 and s.per_class["ORG"].f1 == 0.0
    assert s.projection_ratio == pytest.approx(4 / 3)
    assert "micro" in s.table()


def test_adjacent_entities_are_two_spans() -> None:
    gold = [Sentence(WORDS, (Entity(0, 2, "PER"), Entity(2, 3, "PER")))]
    s = evaluate(gold, [[Entity(0, 3, "PER")]])
    assert s.precision == 0.0 and s.recall == 0.0
    assert evaluate(gold, gold).f1 == 1.0


def test_empty_predictions() -> None:
    gold = [Sentence(WORDS, (Entity(0, 1, "PER"),))]
    s = evaluate(gold, [[]])
    assert (s.precision, s.recall, s.f1, s.predicted) == (0.0, 0.0, 0.0, 0)


def test_mismatches() -> None:
    gold = [Sentence(WORDS, ())]
    with pytest.raises(InputError):
        evaluate(gold, [[], []])
    with pytest.raises(InputError, match="8 gold words but 2"):
        evaluate(gold, [Sentence(("a", "b"), ())])


def test_empty_sets_score_zero_without_error() -> None:
    scores = evaluate([], [])
    assert (scores.f1, scores.gold, scores.sentences) == (0.0, 0, 0)
