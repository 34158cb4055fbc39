"""Word splitting of translations: an explicit, named step recorded in signatures."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from xlner.corpora.text import get_tokenizer
from xlner.data import Entity, Sentence
from xlner.errors import ConfigError, InputError


def join_words(words: Sequence[str]) -> str:
    """The text handed to a translator for a word-split sentence: words joined by spaces."""
    return " ".join(words)


def split_translations(translations: Sequence[str], tokenizer: str = "xlner", *,
                       origin: Callable[[int], str | None] | None = None,
                       ) -> list[tuple[str, ...]]:
    """Split each translation into words with the named tokenizer (``xlner``, ``whitespace``).

    A translation with no words is an error naming its sentence index (and, when ``origin``
    is given, where it was read from).
    """
    split = get_tokenizer(tokenizer)
    out: list[tuple[str, ...]] = []
    for k, text in enumerate(translations):
        words = tuple(split(text))
        if not words:
            raise InputError(f"the translation of sentence {k} is empty",
                             source=origin(k) if origin is not None else None)
        out.append(words)
    return out


APOSTROPHES = "'\u2019"
"""Apostrophe characters: ASCII and the typographic right single quotation mark."""


def _word_char(ch: str) -> bool:
    return ch.isalnum()


def apostrophe_groups(words: Sequence[str]) -> list[tuple[int, int]]:
    """Runs of words ``[start, end)`` that make one word once apostrophes split off by a
    tokenizer are glued back: ``n ' Awka`` and ``n 'Awka`` → ``n'Awka``, ``Isra ' ila`` →
    ``Isra'ila``. A lone apostrophe is glued only between two words that touch it with a letter
    or digit, a leading one (``'Awka``) only after such a word, so quotation marks next to
    punctuation or at the start of a sentence stay words of their own."""
    groups: list[tuple[int, int]] = []
    n = len(words)
    i = 0
    while i < n:
        end = i + 1
        while end < n and words[end - 1] and _word_char(words[end - 1][-1]):
            nxt = words[end]
            if (nxt in APOSTROPHES and end + 1 < n and words[end + 1]
                    and _word_char(words[end + 1][0])):
                end += 2
            elif len(nxt) > 1 and nxt[0] in APOSTROPHES and _word_char(nxt[1]):
                end += 1
            else:
                break
        groups.append((i, end))
        i = end
    return groups


JOINERS: dict[str, Callable[[Sequence[str]], list[tuple[int, int]]]] = {
    "apostrophes": apostrophe_groups,
}
"""Named word-joining rules: words → runs of words that make one word."""


@dataclass
class JoinReport:
    """What joining did to a corpus: words merged, entities widened to whole words, and
    entities left out because a merged word fell into two of them (kept: the first)."""

    rule: str
    sentences_changed: int = 0
    words_merged: int = 0
    entities_widened: int = 0
    conflicts: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "sentences_changed": self.sentences_changed,
                "words_merged": self.words_merged, "entities_widened": self.entities_widened,
                "conflicts": dict(self.conflicts)}

    def summary(self) -> str:
        return (f"join {self.rule}: {self.words_merged} words merged in "
                f"{self.sentences_changed} sentences; {self.entities_widened} entities widened "
                f"to whole words, {sum(self.conflicts.values())} left out (a merged word fell "
                "into two entities)")


def join_sentences(sentences: Sequence[Sentence], rule: str = "apostrophes"
                   ) -> tuple[list[Sentence], JoinReport]:
    """Re-join words of labelled sentences with the named rule (:data:`JOINERS`), so that
    training data follows the target language's word splitting (MasakhaNER writes
    ``n'Awka`` as one word). An entity covering part of a merged word covers the whole word."""
    try:
        groups_of = JOINERS[rule]
    except KeyError:
        raise ConfigError(f"unknown word-joining rule {rule!r}; choose from "
                          f"{', '.join(JOINERS)}") from None
    report = JoinReport(rule)
    out: list[Sentence] = []
    for sent in sentences:
        groups = groups_of(sent.words)
        if len(groups) == len(sent.words):
            out.append(sent)
            continue
        new_index = [0] * len(sent.words)
        for k, (start, end) in enumerate(groups):
            new_index[start:end] = [k] * (end - start)
        words = tuple("".join(sent.words[start:end]) for start, end in groups)
        entities: list[Entity] = []
        last_end = 0
        for ent in sorted(sent.entities):
            start, end = new_index[ent.start], new_index[ent.end - 1] + 1
            if start < last_end:
                report.conflicts[ent.label] += 1
                continue
            if groups[start][0] != ent.start or groups[end - 1][1] != ent.end:
                report.entities_widened += 1
            entities.append(Entity(start, end, ent.label))
            last_end = end
        report.sentences_changed += 1
        report.words_merged += len(sent.words) - len(groups)
        out.append(Sentence(words, tuple(entities), sent.origin))
    return out, report
