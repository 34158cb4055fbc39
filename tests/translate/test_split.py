"""Word re-joining of translated training data (``join_sentences``)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlner.data import Entity, Sentence, validate_entities
from xlner.errors import ConfigError
from xlner.translate.split import apostrophe_groups, join_sentences


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def test_apostrophe_groups_glue_split_words_only() -> None:
    w = words("n ' Awka na n 'ime Isra ' ila , ' Yan ' said . ' Moody ' s")
    joined = ["".join(w[a:b]) for a, b in apostrophe_groups(w)]
    # (a closing quote between two words is glued too: the rule cannot tell it from an
    # apostrophe; the opening one, after punctuation, is left alone)
    assert joined == ["n'Awka", "na", "n'ime", "Isra'ila", ",", "'", "Yan'said", ".", "'",
                      "Moody's"]
    # a quotation mark at the start or at the end stays a word
    assert apostrophe_groups(words("' Kano '")) == [(0, 1), (1, 2), (2, 3)]
    # the typographic apostrophe too
    assert apostrophe_groups(words("n \u2019 Awka")) == [(0, 3)]
    assert apostrophe_groups(words("n \u2019Awka")) == [(0, 2)]
    assert apostrophe_groups(()) == []


def test_entities_follow_the_words() -> None:
    sent = Sentence(words("Ọ nọ n ' Awka na Isra ' ila ."),
                    (Entity(4, 5, "LOC"), Entity(6, 9, "LOC")))
    (out,), report = join_sentences([sent])
    assert out.words == words("Ọ nọ n'Awka na Isra'ila .")
    # Awka covered part of n'Awka: the entity covers the whole word (MasakhaNER's convention)
    assert out.entities == (Entity(2, 3, "LOC"), Entity(4, 5, "LOC"))
    assert report.words_merged == 4 and report.entities_widened == 1
    assert report.sentences_changed == 1 and not report.conflicts
    untouched = Sentence(words("Kano is big ."), (Entity(0, 1, "LOC"),))
    (same,), report = join_sentences([untouched])
    assert same is untouched and report.sentences_changed == 0


def test_a_word_split_between_two_entities_keeps_the_first_and_counts_the_other() -> None:
    sent = Sentence(words("O ' Brien"), (Entity(0, 1, "PER"), Entity(2, 3, "ORG")))
    (out,), report = join_sentences([sent])
    assert out.entities == (Entity(0, 1, "PER"),)
    assert report.conflicts == {"ORG": 1}
    assert "1 left out" in report.summary()


def test_unknown_rule() -> None:
    with pytest.raises(ConfigError, match="unknown word-joining rule 'hyphens'"):
        join_sentences([], "hyphens")


TOKENS = st.sampled_from(["n", "'", "'ime", "Awka", ",", "Kano", "'s", ".", "ila", "\u2019"])


@given(st.lists(TOKENS, min_size=1, max_size=12), st.data())
def test_joining_keeps_text_and_valid_entities(tokens: list[str], data: st.DataObject) -> None:
    n = len(tokens)
    cuts = sorted(data.draw(st.sets(st.integers(0, n), max_size=6)))
    entities = [Entity(a, b, "LOC") for a, b in zip(cuts[::2], cuts[1::2], strict=False)
                if a < b]
    sent = Sentence(tuple(tokens), tuple(entities))
    (out,), report = join_sentences([sent])
    assert "".join(out.words) == "".join(tokens)  # no character lost or added
    validate_entities(out.entities, len(out.words))
    assert len(out.entities) + sum(report.conflicts.values()) == len(entities)
    # every word of the source entity is inside its joined entity
    starts = [0]
    for w in out.words:
        starts.append(starts[-1] + len(w))
    char_of = [0]
    for w in tokens:
        char_of.append(char_of[-1] + len(w))
    covered = {c for e in out.entities for c in range(starts[e.start], starts[e.end])}
    lost = sum(report.conflicts.values())
    if not lost:
        assert all(c in covered for e in entities
                   for c in range(char_of[e.start], char_of[e.end]))
