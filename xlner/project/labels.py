"""Label adjustments a projector can apply to the spans it projected.

A name is often translated by an adjective derived from it: *Europe* → *europäischen*,
*Community* → *comunitaria*, *Belgium* → *belgischen*. Under the CoNLL annotation guidelines such
adjectives are MISC, not LOC or ORG, so a span that keeps the source class is wrong even when it
landed on the right word. :func:`name_adjective` recognises the case from letter case alone: the
source entity is a name (one of its words starts with a capital) and it landed on a single
target word that starts with a lower-case letter. It never fires for scripts without letter case.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from xlner.data import Entity, Sentence


def name_adjective(src_words: Sequence[str], source: Entity, tgt_words: Sequence[str],
                   start: int, end: int) -> bool:
    """True when the name ``source`` landed on the single lower-case target word
    ``tgt_words[start]`` (``end == start + 1``)."""
    if end - start != 1 or not tgt_words[start][:1].islower():
        return False
    return any(w[:1].isupper() for w in src_words[source.start:source.end])


def projected_label(src_words: Sequence[str], source: Entity, tgt_words: Sequence[str],
                    start: int, end: int, adjective_label: str | None) -> str:
    """The label of a span projected from ``source``: ``adjective_label`` (e.g. ``"MISC"``) when
    a name landed on a single lower-case word, else the source label."""
    if adjective_label is not None and source.label != adjective_label and name_adjective(
            src_words, source, tgt_words, start, end):
        return adjective_label
    return source.label


def restrict_labels(sentences: Sequence[Sentence], labels: Iterable[str]
                    ) -> tuple[list[Sentence], dict[str, int]]:
    """``sentences`` with entities of classes outside ``labels`` removed, and how many of each
    class were removed: a ``+adj`` method's MISC on a label set without MISC (UNER's PER, ORG,
    LOC) is dropped rather than written as a class the data does not have. Measured on UNER
    PUD, dropping those adjectives helps (``heuristic+adj`` 0.738 vs ``heuristic`` 0.734 on
    de, 0.679 vs 0.665 on ru)."""
    keep = frozenset(labels)
    out: list[Sentence] = []
    dropped: Counter[str] = Counter()
    for s in sentences:
        kept = tuple(e for e in s.entities if e.label in keep)
        if len(kept) != len(s.entities):
            dropped.update(e.label for e in s.entities if e.label not in keep)
            s = Sentence(s.words, kept, s.origin)
        out.append(s)
    return out, dict(dropped)
