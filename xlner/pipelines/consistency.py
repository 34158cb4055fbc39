"""Corpus-level label consistency for projected training data.

Projection labels a name only where its alignment lands, so the same name is an entity in one
translated sentence and plain ``O`` in the next (its source entity did not land there, or was of
a class the target data drops, e.g. MISC ``German`` translated as the country name
``Jamus``). A tagger trained on such data learns that the name is usually not an entity.

:func:`make_consistent` builds a dictionary of the projected entity texts that are labelled
with one kept class in at least ``min_ratio`` of all their occurrences in the corpus (and at
least ``min_count`` times), then

- relabels spans of a dropped class (``MISC``) whose text is in the dictionary with the
  dictionary's class, and drops the other spans of that class (their words are not labelled
  by the next step either);
- labels the unlabelled occurrences of dictionary texts (longest first, never overlapping an
  entity already there).

Matching is on exact word sequences (case-sensitive). Every change is counted in the report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from xlner.data import Entity, Sentence
from xlner.errors import ConfigError


@dataclass
class ConsistencyReport:
    settings: dict[str, Any]
    dictionary: int = 0
    relabelled: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)
    added: Counter[str] = field(default_factory=Counter)
    sentences_changed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"settings": self.settings, "dictionary": self.dictionary,
                "relabelled": dict(self.relabelled), "dropped": dict(self.dropped),
                "added": dict(self.added), "sentences_changed": self.sentences_changed}

    def summary(self) -> str:
        return (f"consistency: dictionary of {self.dictionary} names; relabelled "
                f"{sum(self.relabelled.values())}, added {sum(self.added.values())}, dropped "
                f"{sum(self.dropped.values())} spans in {self.sentences_changed} sentences")


def make_consistent(sentences: Sequence[Sentence], *, drop: Iterable[str] = ("MISC",),
                    min_count: int = 3, min_ratio: float = 0.5, max_words: int = 4,
                    add_missed: bool = True) -> tuple[list[Sentence], ConsistencyReport]:
    """Relabel dropped-class spans and (with ``add_missed``) label missed occurrences from the
    corpus's own majority labels (see the module docstring)."""
    if min_count < 1 or not 0.0 < min_ratio <= 1.0 or max_words < 1:
        raise ConfigError("consistency: need min_count >= 1, 0 < min_ratio <= 1, "
                          "max_words >= 1")
    dropped = frozenset(drop)
    report = ConsistencyReport({"drop": sorted(dropped), "min_count": min_count,
                                "min_ratio": min_ratio, "max_words": max_words,
                                "add_missed": add_missed})
    labelled: dict[tuple[str, ...], Counter[str]] = {}
    for sent in sentences:
        for ent in sent.entities:
            if ent.end - ent.start <= max_words:
                key = sent.words[ent.start:ent.end]
                labelled.setdefault(key, Counter())[ent.label] += 1
    lengths = sorted({len(k) for k in labelled}, reverse=True)
    occurrences: Counter[tuple[str, ...]] = Counter()
    for sent in sentences:
        words = sent.words
        for n in lengths:
            for i in range(len(words) - n + 1):
                key = words[i:i + n]
                if key in labelled:
                    occurrences[key] += 1
    dictionary: dict[tuple[str, ...], str] = {}
    for key, counts in labelled.items():
        kept = [(c, lab) for lab, c in counts.items() if lab not in dropped]
        if not kept:
            continue
        count, label = max(kept)
        if count >= min_count and count / occurrences[key] >= min_ratio:
            dictionary[key] = label
    report.dictionary = len(dictionary)
    dict_lengths = sorted({len(k) for k in dictionary}, reverse=True)
    out: list[Sentence] = []
    for sent in sentences:
        words = sent.words
        entities: list[Entity] = []
        taken = bytearray(len(words))
        changed = False
        for ent in sent.entities:
            if ent.label in dropped:
                found = dictionary.get(words[ent.start:ent.end])
                changed = True
                if found is None:  # dropped, but its words stay off limits
                    report.dropped[ent.label] += 1
                    taken[ent.start:ent.end] = b"\x01" * (ent.end - ent.start)
                    continue
                report.relabelled[f"{ent.label}->{found}"] += 1
                ent = Entity(ent.start, ent.end, found)
            entities.append(ent)
            taken[ent.start:ent.end] = b"\x01" * (ent.end - ent.start)
        for n in (dict_lengths if add_missed else ()):
            for i in range(len(words) - n + 1):
                if any(taken[i:i + n]):
                    continue
                match = dictionary.get(words[i:i + n])
                if match is not None:
                    entities.append(Entity(i, i + n, match))
                    taken[i:i + n] = b"\x01" * n
                    report.added[match] += 1
                    changed = True
        report.sentences_changed += changed
        out.append(sent.with_entities(entities) if changed else sent)
    return out, report
