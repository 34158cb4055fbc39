from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlner.corpora.schemes import Scheme, decode, encode
from xlner.data import Entity
from xlner.errors import ConfigError, TagSequenceError

LABELS = ["PER", "ORG", "LOC"]


@st.composite
def entity_lists(draw: st.DrawFn) -> tuple[list[Entity], int]:
    n = draw(st.integers(0, 25))
    entities = []
    pos = 0
    while pos < n:
        if draw(st.booleans()):
            length = draw(st.integers(1, min(4, n - pos)))
            entities.append(Entity(pos, pos + length, draw(st.sampled_from(LABELS))))
            pos += length
        else:
            pos += 1
    return entities, n


@pytest.mark.parametrize("scheme", list(Scheme))
@given(case=entity_lists())
def test_encode_decode_round_trip(scheme: Scheme, case: tuple[list[Entity], int]) -> None:
    entities, n = case
    tags = encode(entities, n, scheme)
    assert len(tags) == n
    decoded = decode(tags, scheme)
    assert decoded.entities == entities
    assert decoded.repairs == 0


def test_adjacent_entities_stay_two_iob2() -> None:
    # docs/method.md §6.1: a B- tag directly after another entity must not drop the open entity.
    tags = ["B-PER", "I-PER", "B-PER", "B-ORG", "O"]
    assert decode(tags).entities == [Entity(0, 2, "PER"), Entity(2, 3, "PER"),
                                     Entity(3, 4, "ORG")]


def test_iob1_adjacent_same_class_uses_b() -> None:
    entities = [Entity(0, 2, "PER"), Entity(2, 3, "PER"), Entity(3, 4, "LOC")]
    tags = encode(entities, 4, Scheme.IOB1)
    assert tags == ["I-PER", "I-PER", "B-PER", "I-LOC"]
    assert decode(tags, "iob1").entities == entities


def test_bioes_encoding() -> None:
    tags = encode([Entity(0, 1, "PER"), Entity(1, 4, "ORG")], 5, "bioes")
    assert tags == ["S-PER", "B-ORG", "I-ORG", "E-ORG", "O"]


@pytest.mark.parametrize("tags,position", [
    (["O", "I-PER"], 2),
    (["B-PER", "I-ORG"], 2),
    (["O", "O", "O", "I-LOC", "I-LOC"], 4),
])
def test_iob2_strict_rejects_orphan_inside(tags: list[str], position: int) -> None:
    with pytest.raises(TagSequenceError) as info:
        decode(tags)
    assert info.value.line == position


def test_iob2_repair_counts_and_starts_entity() -> None:
    decoded = decode(["O", "I-PER", "I-PER", "B-ORG", "I-LOC"], repair=True)
    assert decoded.entities == [Entity(1, 3, "PER"), Entity(3, 4, "ORG"), Entity(4, 5, "LOC")]
    assert decoded.repairs == 2


@pytest.mark.parametrize("tags", [["B-PER", "I-PER"], ["I-PER"], ["B-PER", "S-ORG"],
                                  ["E-PER"], ["B-PER", "O"]])
def test_bioes_strict_rejects_broken_sequences(tags: list[str]) -> None:
    with pytest.raises(TagSequenceError):
        decode(tags, "bioes")


def test_bioes_repair_keeps_every_word_labelled() -> None:
    decoded = decode(["B-PER", "I-PER", "O", "E-ORG"], "bioes", repair=True)
    assert decoded.entities == [Entity(0, 2, "PER"), Entity(3, 4, "ORG")]
    assert decoded.repairs == 2


@pytest.mark.parametrize("tag", ["PER", "X-PER", "B-", "b-PER", "E-PER"])
def test_tags_outside_the_scheme_are_rejected(tag: str) -> None:
    with pytest.raises(TagSequenceError, match="not valid"):
        decode(["O", tag])


def test_closed_label_set() -> None:
    with pytest.raises(TagSequenceError, match="DATE"):
        decode(["B-DATE"], labels=frozenset(LABELS))


def test_unknown_scheme_name() -> None:
    with pytest.raises(ConfigError):
        Scheme.parse("iob3")
    assert Scheme.parse("BIO") is Scheme.IOB2
    assert Scheme.parse("IOBES") is Scheme.BIOES


def test_encode_rejects_overlap_and_out_of_bounds() -> None:
    with pytest.raises(ValueError):
        encode([Entity(0, 2, "PER"), Entity(1, 3, "ORG")], 4)
    with pytest.raises(ValueError):
        encode([Entity(2, 5, "PER")], 4)
