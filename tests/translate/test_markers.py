"""Marker-preserving translation: marking, parsing, matching (crafted) and a tiny-model run."""

from __future__ import annotations

import pytest

from tests.tiny_mt import DictTranslator
from xlner.data import Entity, Sentence, Span
from xlner.errors import ConfigError
from xlner.translate.markers import (
    LOW_SIMILARITY,
    MARKERS_LOST,
    mark_sentence,
    match_entities,
    parse_marked,
    similarity,
    translate_with_markers,
)

SRC = Sentence(("Angela", "Merkel", "visited", "the", "city", "of", "Berlin", "."),
               (Entity(0, 2, "PER"), Entity(6, 7, "LOC")))
DE = {"visited": "besuchte", "the": "die", "city": "Stadt", "of": "von"}


def test_mark_sentence_wraps_entities_and_neutralises_marker_characters() -> None:
    assert mark_sentence(SRC.words, SRC.entities) == \
        "[Angela Merkel] visited the city of [Berlin] ."
    words = ("a[1]", "b", "c")
    assert mark_sentence(words, [Entity(0, 1, "X"), Entity(1, 3, "Y")]) == "[a(1)] [b c]"


def test_parse_marked_spans_nesting_and_unbalanced_markers() -> None:
    split = str.split
    words, spans, bad = parse_marked("[Angela Merkel] besuchte [Berlin].", split)
    assert words == ("Angela", "Merkel", "besuchte", "Berlin", ".")
    assert spans == [Span(0, 2), Span(3, 4)]
    assert bad == 0
    words, spans, bad = parse_marked("a [b [c d] e] ] [ f [] g", split)
    assert words == ("a", "b", "c", "d", "e", "f", "g")
    assert spans == [Span(1, 5), Span(2, 4)]
    assert bad == 2  # one stray close, one unclosed open


def test_similarity_is_normalised() -> None:
    assert similarity("Berlin", "berlin") == 1.0
    assert similarity("Berlin", "Paris") < 0.5
    assert 0.5 < similarity("Angela Merkel", "Angela Merkels") < 1.0


def test_match_prefers_best_pairs_one_to_one_without_overlap() -> None:
    words = ("Berlin", "und", "Angela", "Merkel", "Merkel")
    spans = [Span(0, 1), Span(2, 4), Span(3, 5), Span(4, 5)]
    matched = match_entities(["Angela Merkel", "Berlin", "Merkel"],
                             ["Angela Merkel", "Berlin", "Merkel"], words, spans, 0.5)
    got = {k: spans[b] for k, b, _ in matched}
    assert got[0] == Span(2, 4) and got[1] == Span(0, 1)
    assert got[2] == Span(4, 5)  # Span(3, 5) overlaps the chosen Span(2, 4)
    assert match_entities(["Paris"], ["Paris"], words, spans, 0.5) == []


def test_translate_with_markers_finds_reordered_entities_in_one_call() -> None:
    # the "translation" moves Berlin first; matching must follow the text, not the order
    out = "[Berlin] : die Stadt , die [Angela Merkel] besuchte ."
    tr = DictTranslator(DE, rewrite={"[Angela Merkel] visited the city of [Berlin] .": out})
    (res,) = translate_with_markers(tr, [SRC], "en", "de")
    assert len(tr.calls) == 1 and len(tr.calls[0]) == 3  # sentence + two distinct entities
    assert res.words[:2] == ("Berlin", ":")
    by_source = dict(zip(res.sources, res.entities, strict=True))
    assert by_source[0] == Entity(6, 8, "PER")
    assert by_source[1] == Entity(0, 1, "LOC")
    assert res.unmatched == ()
    assert res.entity_translations == ("Angela Merkel", "Berlin")


def test_translated_entity_text_is_used_for_matching() -> None:
    src = Sentence(("I", "saw", "Germany"), (Entity(2, 3, "LOC"),))
    tr = DictTranslator({"saw": "sah", "I": "ich"},
                        rewrite={"Germany": "Deutschland", "I saw [Germany]": "ich sah "
                                 "[Deutschland]"})
    (res,) = translate_with_markers(tr, [src], "en", "de")
    assert res.entities == (Entity(2, 3, "LOC"),)
    # without the entity's own translation the copy similarity alone would fail
    assert similarity("Germany", "Deutschland") < 0.5


def test_lost_markers_and_low_similarity_are_reported() -> None:
    tr = DictTranslator(DE, rewrite={
        "[Angela Merkel] visited the city of [Berlin] .": "Merkel besuchte [Hauptstadt] ."})
    (res,) = translate_with_markers(tr, [SRC], "en", "de")
    assert res.entities == ()
    assert {u.reason for u in res.unmatched} == {LOW_SIMILARITY}
    tr = DictTranslator(DE, rewrite={
        "[Angela Merkel] visited the city of [Berlin] .": "[Angela Merkel] besuchte Berlin ."})
    (res,) = translate_with_markers(tr, [SRC], "en", "de")
    assert res.entities == (Entity(0, 2, "PER"),)
    assert [(u.entity, u.reason) for u in res.unmatched] == [(SRC.entities[1], MARKERS_LOST)]


def test_sentences_without_entities_and_bad_settings() -> None:
    tr = DictTranslator(DE)
    (res,) = translate_with_markers(tr, [Sentence(("the", "city"))], "en", "de")
    assert res.words == ("die", "Stadt") and res.entities == ()
    with pytest.raises(ConfigError):
        translate_with_markers(tr, [SRC], "en", "de", open_marker="|", close_marker="|")
    with pytest.raises(ConfigError):
        translate_with_markers(tr, [SRC], "en", "de", threshold=1.5)


def test_marker_translation_through_a_tiny_model() -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from tests.tiny_mt import FAST, tiny_model
    from xlner.translate.hf import HFTranslator

    tr = HFTranslator(str(tiny_model("nllb")), **FAST)
    sents = [SRC, Sentence(("Kano", "is", "in", "Nigeria"), (Entity(0, 1, "LOC"),)),
             Sentence(("no", "entity"))]
    results = translate_with_markers(tr, sents, "en", "hau")
    assert len(results) == 3
    for sent, res in zip(sents, results, strict=True):
        assert len(res.entities) + len(res.unmatched) == len(sent.entities)
        for ent in res.entities:
            assert 0 <= ent.start < ent.end <= len(res.words)
        assert "[" in res.marked_source or not sent.entities
