"""Cross-fold recall repair: held-out predictions added where they overlap no label and look
like names; projected labels never change."""

from __future__ import annotations

import random

import pytest

from xlner.data import Entity, Sentence, Span
from xlner.errors import ConfigError
from xlner.pipelines.repair import fold_assignment, repair_recall

CITIES = ["Paris", "Rome", "Berlin", "Madrid", "Lisbon", "Vienna"]
PEOPLE = ["Anna", "Marco", "Hans", "Lucia", "Pedro", "Eva"]


def corpus(n: int = 240, missing_every: int = 6, seed: int = 1) -> list[Sentence]:
    """"<person> visited <city> today ." with both labelled, except that every
    ``missing_every``-th sentence lost its city label (a projection miss)."""
    rng = random.Random(seed)
    out = []
    for k in range(n):
        words = ("the", "minister", rng.choice(PEOPLE), "visited", rng.choice(CITIES), "today",
                 ".")
        ents = [Entity(2, 3, "PER")]
        if k % missing_every:
            ents.append(Entity(4, 5, "LOC"))
        out.append(Sentence(words, tuple(ents)))
    return out


def test_adds_missed_names_and_keeps_every_projected_label() -> None:
    sents = corpus()
    repaired, report = repair_recall(sents, folds=2, seed=0)
    assert len(repaired) == len(sents)
    missed = [k for k, s in enumerate(sents) if len(s.entities) == 1]
    recovered = sum(Entity(4, 5, "LOC") in repaired[k].entities for k in missed)
    assert recovered >= 0.9 * len(missed)
    assert report.added["LOC"] == recovered and report.sentences_changed == recovered
    assert report.agreed > 0
    for before, after in zip(sents, repaired, strict=True):
        assert set(before.entities) <= set(after.entities)
        assert before.words == after.words
    assert report.to_dict()["settings"] == {"tagger": "crf(algorithm=ap,max_iterations=10)",
                                            "folds": 2, "seed": 0, "blocked_spans": None}


def test_blocked_spans_are_never_labelled() -> None:
    # the missed cities of every other such sentence were projected as a dropped class
    # (MISC): their words are blocked and stay O; the others are still recovered
    sents = corpus()
    missed = [k for k, s in enumerate(sents) if len(s.entities) == 1]
    blocked_ks = set(missed[::2])
    blocked = [[Span(4, 5)] if k in blocked_ks else [] for k in range(len(sents))]
    repaired, report = repair_recall(sents, folds=2, seed=0, blocked=blocked)
    assert all(repaired[k] == sents[k] for k in blocked_ks)
    assert report.rejected_blocked == len(blocked_ks)
    free = [k for k in missed if k not in blocked_ks]
    assert sum(Entity(4, 5, "LOC") in repaired[k].entities for k in free) >= 0.9 * len(free)
    assert report.to_dict()["settings"]["blocked_spans"] == len(blocked_ks)
    with pytest.raises(ConfigError, match="lists of blocked spans"):
        repair_recall(sents, blocked=blocked[1:])


def test_never_adds_lower_case_or_sentence_initial_words() -> None:
    # "paris" in lower case is labelled LOC half of the time: the tagger learns it, but a
    # lower-case word is not name-like; a sentence-initial capitalised word is not either
    rng = random.Random(2)
    sents = []
    for k in range(200):
        city = rng.choice(["paris", "rome"])
        ents = (Entity(2, 3, "LOC"),) if k % 2 else ()
        sents.append(Sentence(("we", "visited", city, "."), ents))
        sents.append(Sentence(("Berlin", "is", "big", "."),
                              (Entity(0, 1, "LOC"),) if k % 2 else ()))
    repaired, report = repair_recall(sents, folds=2, seed=0)
    assert sum(report.added.values()) == 0
    assert report.rejected_not_name > 0
    assert repaired == sents


def test_folds_are_a_seeded_partition() -> None:
    parts = fold_assignment(11, 3, seed=4)
    assert sorted(k for p in parts for k in p) == list(range(11))
    assert [len(p) for p in parts] == [4, 4, 3]
    assert parts == fold_assignment(11, 3, seed=4) != fold_assignment(11, 3, seed=5)


def test_errors() -> None:
    with pytest.raises(ConfigError, match="at least 2 folds"):
        repair_recall(corpus(10), folds=1)
    with pytest.raises(ConfigError, match="cannot make"):
        repair_recall(corpus(1), folds=2)
