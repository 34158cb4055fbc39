"""Marker-preserving translation (EasyProject style), the basis of back-translation refinement.

Each source entity is wrapped in markers (``[Angela Merkel] visited [Berlin]``), the marked
sentence is translated, and so is each entity text alone. The translation is split into words
with the markers removed; every bracketed span of the output is a candidate, and source entities
are matched to bracketed spans by string similarity (``difflib`` ratio of the lower-cased texts)
against the entity's own translation or its source text (names are often copied), keeping a
pair only above ``threshold`` (0.5 as in docs/method.md §2). Matching is greedy, best pair first
(ties:
the pair whose positions in entity order and span order agree), one span per entity, and chosen
spans never overlap.

Nothing is dropped silently: every source entity is either matched or listed in ``unmatched``
with a reason (``markers-lost``: the output has no free bracketed span left; ``low-similarity``:
no span is similar enough). Unbalanced markers in the output are ignored and counted.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from xlner.corpora.text import Tokenizer, get_tokenizer
from xlner.data import Entity, Sentence, Span, Unprojected
from xlner.errors import ConfigError
from xlner.translate.base import Translator

MARKERS_LOST = "markers-lost"
LOW_SIMILARITY = "low-similarity"


@dataclass(frozen=True, slots=True)
class MarkedTranslation:
    """The translation of one marked sentence.

    ``entities[k]`` (a span of ``words`` with the source entity's label) came from source
    entity ``sources[k]``; ``spans`` are all bracketed spans found in the output.
    """

    words: tuple[str, ...]
    entities: tuple[Entity, ...]
    sources: tuple[int, ...]
    unmatched: tuple[Unprojected, ...]
    spans: tuple[Span, ...]
    text: str
    marked_source: str
    entity_translations: tuple[str, ...]
    unbalanced_markers: int = 0


def similarity(a: str, b: str) -> float:
    """Normalised string similarity in [0, 1] (``difflib`` ratio, case and spacing ignored)."""
    a = " ".join(a.lower().split())
    b = " ".join(b.lower().split())
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def mark_sentence(words: Sequence[str], entities: Sequence[Entity], open_marker: str = "[",
                  close_marker: str = "]") -> str:
    """``words`` joined by spaces with each entity wrapped as ``[w1 w2]``.

    Marker strings inside words are replaced by parentheses so that they cannot be mistaken
    for markers in the output.
    """
    def clean(word: str) -> str:
        return word.replace(open_marker, "(").replace(close_marker, ")")

    starts = {e.start for e in entities}
    ends = {e.end - 1 for e in entities}
    out = []
    for i, word in enumerate(words):
        text = clean(word)
        if i in starts:
            text = open_marker + text
        if i in ends:
            text = text + close_marker
        out.append(text)
    return " ".join(out)


def parse_marked(text: str, tokenizer: Tokenizer, open_marker: str = "[",
                 close_marker: str = "]") -> tuple[tuple[str, ...], list[Span], int]:
    """Words of a marked translation (markers removed), its bracketed spans (innermost pairs
    of every nesting level; empty brackets give no span) and the number of unbalanced markers."""
    pattern = re.compile(f"({re.escape(open_marker)}|{re.escape(close_marker)})")
    words: list[str] = []
    spans: list[Span] = []
    stack: list[int] = []
    unbalanced = 0
    for part in pattern.split(text):
        if part == open_marker:
            stack.append(len(words))
        elif part == close_marker:
            if not stack:
                unbalanced += 1
                continue
            start = stack.pop()
            if start < len(words):
                spans.append(Span(start, len(words)))
        elif part:
            words.extend(tokenizer(part))
    unbalanced += len(stack)
    return tuple(words), sorted(set(spans)), unbalanced


def match_entities(entity_texts: Sequence[str], entity_translations: Sequence[str],
                   words: Sequence[str], spans: Sequence[Span], threshold: float = 0.5
                   ) -> list[tuple[int, int, float]]:
    """Greedy one-to-one matching of entities to non-overlapping spans:
    ``(entity index, span index, similarity)`` triples with similarity ``> threshold``."""
    pairs = []
    for k, (src, trans) in enumerate(zip(entity_texts, entity_translations, strict=True)):
        for b, span in enumerate(spans):
            text = " ".join(words[span.start:span.end])
            score = max(similarity(trans, text), similarity(src, text))
            if score > threshold:
                pairs.append((-score, abs(k - b), k, b))
    pairs.sort()
    taken_entities: set[int] = set()
    chosen: list[tuple[int, int, float]] = []
    for neg, _, k, b in pairs:
        if k in taken_entities:
            continue
        span = spans[b]
        if any(spans[c].start < span.end and span.start < spans[c].end for _, c, _ in chosen):
            continue
        taken_entities.add(k)
        chosen.append((k, b, -neg))
    return sorted(chosen)


def translate_with_markers(translator: Translator, sentences: Sequence[Sentence],
                           src_lang: str, tgt_lang: str, *, threshold: float = 0.5,
                           tokenizer: str | Tokenizer = "xlner", open_marker: str = "[",
                           close_marker: str = "]") -> list[MarkedTranslation]:
    """Translate sentences with their entities marked and find each entity in the output.

    One translator call carries the marked sentences and every distinct entity text.
    """
    if not open_marker or not close_marker or open_marker == close_marker:
        raise ConfigError("the open and close markers must be distinct non-empty strings")
    if not 0.0 <= threshold < 1.0:
        raise ConfigError(f"similarity threshold must be in [0, 1), not {threshold}")
    split = get_tokenizer(tokenizer)
    marked = [mark_sentence(s.words, s.entities, open_marker, close_marker) for s in sentences]
    entity_texts = [[s.text(e) for e in s.entities] for s in sentences]
    unique = sorted({t for texts in entity_texts for t in texts})
    outputs = translator.translate(marked + unique, src_lang, tgt_lang)
    if len(outputs) != len(marked) + len(unique):
        raise ConfigError(f"translator returned {len(outputs)} translations for "
                          f"{len(marked) + len(unique)} inputs")
    lookup = dict(zip(unique, outputs[len(marked):], strict=True))
    results = []
    for sent, source, texts, output in zip(sentences, marked, entity_texts,
                                           outputs[:len(marked)], strict=True):
        words, spans, unbalanced = parse_marked(output, split, open_marker, close_marker)
        translations = [lookup[t] for t in texts]
        matched = match_entities(texts, translations, words, spans, threshold)
        by_entity = {k: b for k, b, _ in matched}
        entities, sources, unmatched = [], [], []
        for k, ent in enumerate(sent.entities):
            if k in by_entity:
                span = spans[by_entity[k]]
                entities.append(Entity(span.start, span.end, ent.label))
                sources.append(k)
            else:
                used = {spans[b] for b in by_entity.values()}
                free = [s for s in spans if s not in used]
                unmatched.append(Unprojected(ent, LOW_SIMILARITY if free else MARKERS_LOST))
        order = sorted(range(len(entities)), key=entities.__getitem__)
        results.append(MarkedTranslation(
            words, tuple(entities[i] for i in order), tuple(sources[i] for i in order),
            tuple(unmatched), tuple(spans), output, source, tuple(translations), unbalanced))
    return results


