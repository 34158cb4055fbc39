"""Corpus-level label consistency of projected training data."""

from __future__ import annotations

import pytest

from xlner.data import Entity, Sentence
from xlner.errors import ConfigError
from xlner.pipelines.consistency import make_consistent


def S(text: str, *entities: tuple[int, int, str]) -> Sentence:
    return Sentence(tuple(text.split()), tuple(Entity(*e) for e in entities))


def test_relabels_dropped_class_and_labels_missed_names() -> None:
    corpus = [
        S("ziara ya Jamus jana", (2, 3, "LOC")),
        S("Jamus ilishinda", (0, 1, "LOC")),
        S("timu ya Jamus", (2, 3, "LOC")),
        S("wachezaji wa Jamus", (2, 3, "MISC")),  # German → Jamus: relabelled
        S("Jamus na Kenya"),  # missed: labelled
        S("Olimpiki ya Paris", (0, 1, "MISC")),  # a MISC not in the dictionary: dropped
        S("Olimpiki ilianza"),
    ]
    out, report = make_consistent(corpus, drop=["MISC"], min_count=3, min_ratio=0.5)
    assert out[3].entities == (Entity(2, 3, "LOC"),)
    assert out[4].entities == (Entity(0, 1, "LOC"),)
    assert out[5].entities == ()
    assert out[0] is corpus[0]
    assert report.relabelled == {"MISC->LOC": 1} and report.added == {"LOC": 1}
    assert report.dropped == {"MISC": 1} and report.sentences_changed == 3
    assert report.dictionary == 1


def test_needs_a_majority_and_a_minimum_count() -> None:
    corpus = [S("Kenya", (0, 1, "LOC")), S("Kenya", (0, 1, "LOC")), S("Kenya"), S("Kenya"),
              S("Kenya"), S("Nairobi", (0, 1, "LOC")), S("Nairobi", (0, 1, "LOC")),
              S("Nairobi")]
    out, report = make_consistent(corpus, min_count=2, min_ratio=0.5)
    assert [len(s.entities) for s in out] == [1, 1, 0, 0, 0, 1, 1, 1]  # Kenya: 2/5 < 0.5
    out, report = make_consistent(corpus, min_count=3, min_ratio=0.5)
    assert report.dictionary == 0 and out == corpus


def test_longest_first_and_no_overlap() -> None:
    corpus = [S("New York Times", (0, 3, "ORG")), S("the New York Times", (1, 4, "ORG")),
              S("in New York Times"), S("to New York", (1, 3, "LOC")),
              S("New York", (0, 2, "LOC")), S("New York", (0, 2, "LOC")),
              S("New York Times", (0, 3, "ORG"))]
    out, _ = make_consistent(corpus, min_count=2, min_ratio=0.5)
    assert out[2].entities == (Entity(1, 4, "ORG"),)
    with pytest.raises(ConfigError):
        make_consistent(corpus, min_ratio=0.0)
