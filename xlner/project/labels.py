"""Label adjustments a projector can apply to the spans it projected.

A name is often translated by an adjective derived from it: *Europe* → *europäischen*,
*Community* → *comunitaria*, *Belgium* → *belgischen*. Under the CoNLL annotation guidelines such
adjectives are MISC, not LOC or ORG, so a span that keeps the source class is wrong even when it
landed on the right word. :func:`name_adjective` recognises the case from letter case alone: the
source entity is a name (one of its words starts with a capital) and it landed on a single
target word that starts with a lower-case letter. It never fires for scripts without letter case.
"""

from __future__ import annotations

from collections.abc import Sequence

from xlner.data import Entity


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
