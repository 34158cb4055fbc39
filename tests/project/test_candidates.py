"""Candidate extractors: n-grams, aligned subranges, tagger spans, unions."""

from __future__ import annotations

import numpy as np
import pytest

from xlner.data import Entity, as_links, empty_links
from xlner.errors import ConfigError
from xlner.project.base import ProjectionInput
from xlner.project.candidates import (
    TAGGER_SPANS,
    AlignedExtractor,
    CandidateExtractor,
    NgramExtractor,
    TaggerExtractor,
    UnionExtractor,
    create_extractor,
    ngram_spans,
)


def item(tgt: list[str], links: list[tuple[int, int]] | None = None,
         entities: list[Entity] | None = None, **extras: object) -> ProjectionInput:
    ents = entities if entities is not None else [Entity(0, 1, "PER")]
    return ProjectionInput(["a"] * 6, tgt, ents, as_links(links) if links else empty_links(),
                           dict(extras))


def all_spans(length: int, n: int) -> set[tuple[int, int]]:
    return {(s, e) for s in range(length) for e in range(s + 1, min(length, s + n) + 1)}


@pytest.mark.parametrize(("length", "n"), [(0, 3), (1, 1), (5, 2), (7, 10), (12, 4)])
def test_ngram_spans_are_all_short_spans_sorted(length: int, n: int) -> None:
    spans = ngram_spans(length, n)
    assert spans.dtype == np.int32 and spans.shape[1] == 2
    assert {tuple(s) for s in spans.tolist()} == all_spans(length, n)
    assert spans.tolist() == sorted(spans.tolist())


def test_extraction_keeps_spans_with_exclamation_and_question_marks() -> None:
    """docs/method.md §6 defect 5: the reference dropped every span containing '!' or '?'."""
    words = ["Hello", "!", "Is", "Paris", "?", "Yes", "!?"]
    for extractor in (NgramExtractor(3), AlignedExtractor()):
        spans = extractor.extract([item(words, [(0, 0), (0, 6)])])[0]
        got = {tuple(s) for s in spans.tolist()}
        assert got == all_spans(7, 3 if extractor.name == "ngrams" else 7)
        assert any(s <= 1 < e for s, e in got) and any(s <= 4 < e for s, e in got)


def test_aligned_subranges_are_inside_each_entitys_range() -> None:
    ents = [Entity(0, 1, "PER"), Entity(2, 4, "ORG"), Entity(5, 6, "LOC")]
    # entity 0 -> target 1..3, entity 1 -> target 6..7, entity 2 -> nothing
    links = [(0, 1), (0, 3), (2, 6), (3, 7)]
    spans = AlignedExtractor().extract([item(["w"] * 9, links, ents)])[0]
    want = all_spans(3, 3)
    want = {(s + 1, e + 1) for s, e in want} | {(6, 7), (6, 8), (7, 8)}
    assert {tuple(s) for s in spans.tolist()} == want
    short = AlignedExtractor(max_len=2).extract([item(["w"] * 9, links, ents)])[0]
    assert {tuple(s) for s in short.tolist()} == {s for s in want if s[1] - s[0] <= 2}
    assert AlignedExtractor().extract([item(["w"] * 4)])[0].shape == (0, 2)


def test_tagger_spans_come_from_extras() -> None:
    tagged = item(["w"] * 5, **{TAGGER_SPANS: [Entity(3, 5, "LOC"), (0, 2), (0, 2)]})
    spans = TaggerExtractor().extract([tagged])[0]
    assert spans.tolist() == [[0, 2], [3, 5]]
    assert not TaggerExtractor.downward_closed
    with pytest.raises(ConfigError, match="tagger_spans"):
        TaggerExtractor().extract([item(["w"] * 5)])
    with pytest.raises(ValueError, match="outside"):
        TaggerExtractor().extract([item(["w"] * 2, **{TAGGER_SPANS: [(1, 4)]})])


def test_union_merges_and_tracks_downward_closure() -> None:
    tagged = item(["w"] * 6, [(0, 0)], **{TAGGER_SPANS: [(2, 5)]})
    union = create_extractor("aligned+tagger")
    assert isinstance(union, UnionExtractor) and not union.downward_closed
    assert union.extract([tagged])[0].tolist() == [[0, 1], [2, 5]]
    assert create_extractor("ngrams:2+aligned").downward_closed


def test_create_extractor_specs() -> None:
    ngrams = create_extractor("ngrams:8")
    assert isinstance(ngrams, NgramExtractor) and ngrams.n == 8
    assert create_extractor("ngrams(n=3)").describe()["n"] == 3
    aligned = create_extractor("aligned:4")
    assert isinstance(aligned, AlignedExtractor) and aligned.max_len == 4
    assert isinstance(create_extractor("aligned"), CandidateExtractor)
    same = NgramExtractor(2)
    assert create_extractor(same) is same
    for bad in ("ngrams:x", "tagger:3", "ngrams:0", "nope"):
        with pytest.raises(ConfigError):
            create_extractor(bad)


def test_union_by_reach_equals_set_union() -> None:
    rng = np.random.default_rng(0)
    for _ in range(30):
        n_tgt = int(rng.integers(1, 15))
        links = [(int(rng.integers(6)), int(rng.integers(n_tgt))) for _ in range(4)]
        ents = [Entity(0, 2, "A"), Entity(3, 5, "B")]
        it = item(["w"] * n_tgt, links, ents)
        parts = [NgramExtractor(3), AlignedExtractor(max_len=int(rng.integers(1, 6)))]
        want = set()
        for part in parts:
            want |= {tuple(s) for s in part.extract([it])[0].tolist()}
        got = UnionExtractor(parts).extract([it])[0]
        assert {tuple(s) for s in got.tolist()} == want
        assert got.tolist() == sorted(got.tolist())


@pytest.mark.parametrize("max_len", [None, 2])
def test_batch_extraction_equals_sentence_by_sentence(max_len: int | None) -> None:
    from xlner.project.candidates import spans_from_reach

    rng = np.random.default_rng(5)
    batch = []
    for k in range(60):
        n_tgt = int(rng.integers(0, 14)) if k % 7 else 0
        links = ([(int(rng.integers(6)), int(rng.integers(n_tgt))) for _ in range(
            int(rng.integers(0, 6)))] if n_tgt else [])
        ents = [Entity(0, 2, "A"), Entity(1, 3, "B"), Entity(4, 6, "C")][:int(rng.integers(4))]
        batch.append(item(["w"] * n_tgt, links, ents))
    aligned, ngrams = AlignedExtractor(max_len=max_len), NgramExtractor(3)
    got = aligned.extract(batch)
    assert [g.tolist() for g in got] == [spans_from_reach(aligned.reach(b)).tolist()
                                         for b in batch]
    assert all(g.dtype == np.int32 and g.shape[1:] == (2,) for g in got)
    union = UnionExtractor([ngrams, aligned]).extract(batch)
    for b, spans in zip(batch, union, strict=True):
        reach = np.maximum(ngrams.reach(b), aligned.reach(b))
        assert spans.tolist() == spans_from_reach(reach).tolist()
    assert any(len(g) for g in got) and any(not len(g) for g in got)
