"""Candidate target spans for candidate-matching projection (docs/method.md §4).

An extractor gives, for each sentence pair of a batch, the target spans its source entities may
land on. Extraction looks only at positions, never at the words' characters, so no span is ever
dropped for what it contains (the reference code silently lost every span holding "!" or "?").

- ``ngrams(n=10)``: every contiguous span of at most ``n`` words;
- ``aligned(max_len=None)``: every span inside some entity's ``[min, max]`` range of aligned
  target words (docs/method.md §4: with the alignment score nothing outside can be optimal);
- ``tagger(key="tagger_spans")``: the spans a target-side tagger predicted, read from
  ``ProjectionInput.extras[key]`` (a sequence of ``(start, end)`` pairs or entities);
- ``a+b``: the union of several extractors.

The spec strings the CLI takes (``--candidates``) are ``ngrams:10``, ``aligned``,
``aligned:12``, ``tagger``, ``aligned+tagger`` or registry specs such as ``ngrams(n=8)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from xlner.errors import ConfigError
from xlner.project.base import ProjectionInput, offsets_of
from xlner.protocols import Component
from xlner.registry import extractors
from xlner.spec import Part, parse, parts, spec_error

Spans = npt.NDArray[np.int32]
"""Candidate spans of one sentence: an ``(n, 2)`` int32 array of ``[start, end)`` target word
ranges, sorted and without duplicates."""

TAGGER_SPANS = "tagger_spans"
"""``ProjectionInput.extras`` key of the spans a target-side tagger predicted."""


@runtime_checkable
class CandidateExtractor(Protocol):
    """Batch of sentence pairs → candidate target spans per pair (never silently dropping any).

    ``downward_closed`` is true when every sub-span of a candidate is a candidate too (n-grams,
    aligned subranges); the matching projector then prunes dominated candidates exactly.
    """

    name: str
    version: int
    downward_closed: bool

    def extract(self, batch: Sequence[ProjectionInput]) -> list[Spans]: ...

    def describe(self) -> dict[str, Any]: ...


def empty_spans() -> Spans:
    return np.zeros((0, 2), dtype=np.int32)


def as_spans(pairs: Any) -> Spans:
    """Coerce ``(start, end)`` pairs (or entities) to a sorted, duplicate-free span array."""
    items = [(int(p[0]), int(p[1])) for p in pairs]
    if not items:
        return empty_spans()
    arr = np.unique(np.asarray(items, dtype=np.int32), axis=0)
    return arr.astype(np.int32, copy=False)


def spans_from_reach(reach: npt.NDArray[np.int32]) -> Spans:
    """All spans ``[s, e)`` with ``s < e <= reach[s]`` (``reach[s] <= s``: none from ``s``),
    sorted by start then end."""
    if not len(reach) or not reach.any():
        return empty_spans()
    starts = np.arange(len(reach), dtype=np.int32)
    counts = np.maximum(reach - starts, 0)
    first = np.repeat(starts, counts)
    offsets = offsets_of(counts)
    ends = first + 1 + (np.arange(int(offsets[-1])) - np.repeat(offsets[:-1], counts))
    return np.stack([first, ends.astype(np.int32)], axis=1)


@lru_cache(maxsize=1024)
def _ngram_spans(length: int, n: int) -> Spans:
    """All spans of at most ``n`` words in a sentence of ``length`` words, sorted."""
    if length <= 0:
        return empty_spans()
    starts = np.repeat(np.arange(length, dtype=np.int32), n)
    ends = starts + np.tile(np.arange(1, n + 1, dtype=np.int32), length)
    keep = ends <= length
    out = np.stack([starts[keep], ends[keep]], axis=1)
    out.setflags(write=False)
    return out


def ngram_spans(length: int, n: int) -> Spans:
    """All contiguous spans of at most ``n`` words of a ``length``-word sentence, sorted by
    ``(start, end)``; a cached read-only array."""
    return _ngram_spans(length, n)


@extractors.register
class NgramExtractor(Component):
    """All contiguous spans of at most ``n`` target words."""

    name = "ngrams"
    version = 1
    downward_closed = True

    def __init__(self, n: int = 10) -> None:
        if not isinstance(n, int) or n < 1:
            raise ConfigError(f"ngrams: n must be a positive integer, not {n!r}")
        self.n = n

    def extract(self, batch: Sequence[ProjectionInput]) -> list[Spans]:
        return [ngram_spans(len(item.tgt_words), self.n) for item in batch]

    def reach(self, item: ProjectionInput) -> npt.NDArray[np.int32]:
        """Per start, the furthest end of a candidate (see :func:`spans_from_reach`)."""
        length = len(item.tgt_words)
        return np.minimum(np.arange(length, dtype=np.int32) + self.n, length).astype(np.int32)


def aligned_ranges(item: ProjectionInput) -> list[tuple[int, int] | None]:
    """Per source entity, ``[min, max + 1)`` of the target words linked to its words, or
    ``None`` when none is."""
    links = item.links
    out: list[tuple[int, int] | None] = []
    if not links.size:
        return [None] * len(item.entities)
    src, tgt = links[:, 0], links[:, 1]
    for ent in item.entities:
        sel = tgt[(src >= ent.start) & (src < ent.end)]
        out.append((int(sel.min()), int(sel.max()) + 1) if sel.size else None)
    return out


@extractors.register
class AlignedExtractor(Component):
    """Every span inside some entity's ``[min, max]`` range of aligned target words (of at most
    ``max_len`` words when given)."""

    name = "aligned"
    version = 1
    downward_closed = True

    def __init__(self, max_len: int | None = None) -> None:
        if max_len is not None and (not isinstance(max_len, int) or max_len < 1):
            raise ConfigError(f"aligned: max_len must be a positive integer, not {max_len!r}")
        self.max_len = max_len

    def extract(self, batch: Sequence[ProjectionInput]) -> list[Spans]:
        return [spans_from_reach(self.reach(item)) for item in batch]

    def reach(self, item: ProjectionInput) -> npt.NDArray[np.int32]:
        """Per start, the furthest end of a candidate: a span ``[s, e)`` lies inside some
        entity's range iff ``e <= reach[s]``, the furthest end of a range holding ``s``."""
        reach = np.zeros(len(item.tgt_words), dtype=np.int32)
        if not item.entities or not item.links.size:
            return reach
        for r in aligned_ranges(item):
            if r is not None:
                np.maximum(reach[r[0]:r[1]], r[1], out=reach[r[0]:r[1]])
        if self.max_len is not None:
            reach = np.minimum(reach, np.arange(len(reach), dtype=np.int32) + self.max_len)
        return reach


@extractors.register
class TaggerExtractor(Component):
    """The spans a target-side tagger predicted, from ``ProjectionInput.extras[key]``."""

    name = "tagger"
    version = 1
    downward_closed = False

    def __init__(self, key: str = TAGGER_SPANS) -> None:
        self.key = key

    def extract(self, batch: Sequence[ProjectionInput]) -> list[Spans]:
        out = []
        for k, item in enumerate(batch):
            if self.key not in item.extras:
                raise ConfigError(f"tagger candidates: sentence {k} has no extras[{self.key!r}] "
                                  "(run a target tagger first)")
            spans = as_spans(item.extras[self.key])
            n_tgt = len(item.tgt_words)
            if spans.size and (spans[:, 0].min() < 0 or spans[:, 1].max() > n_tgt
                               or (spans[:, 1] <= spans[:, 0]).any()):
                raise ValueError(f"tagger candidates: sentence {k} has a span outside its "
                                 f"{n_tgt} target words or an empty span")
            out.append(spans)
        return out


class UnionExtractor(Component):
    """The union of several extractors' candidates."""

    name = "union"
    version = 1

    def __init__(self, parts: Sequence[CandidateExtractor]) -> None:
        if not parts:
            raise ConfigError("a candidate union needs at least one extractor")
        self.parts = list(parts)
        self.downward_closed = all(p.downward_closed for p in self.parts)

    def extract(self, batch: Sequence[ProjectionInput]) -> list[Spans]:
        reachers = [getattr(p, "reach", None) for p in self.parts]
        if all(r is not None for r in reachers):
            out = []
            for item in batch:
                reach = np.zeros(len(item.tgt_words), dtype=np.int32)
                for get in reachers:
                    np.maximum(reach, get(item), out=reach)  # type: ignore[misc]
                out.append(spans_from_reach(reach))
            return out
        per_part = [p.extract(batch) for p in self.parts]
        out = []
        for spans in zip(*per_part, strict=True):
            nonempty = [s for s in spans if s.size]
            if not nonempty:
                out.append(empty_spans())
            else:
                out.append(np.unique(np.concatenate(nonempty), axis=0).astype(np.int32))
        return out


SHORTHAND = {"ngrams": "n", "aligned": "max_len"}
"""The extractors a ``:N`` argument may follow, and the parameter it gives."""


def create_extractor(spec: str | CandidateExtractor | Any) -> CandidateExtractor:
    """An extractor from ``ngrams:10``, ``aligned``, ``aligned+tagger``, ``ngrams(n=8)``, a
    mapping spec, or an extractor object (returned as is); the grammar is :mod:`xlner.spec`'s."""
    if isinstance(spec, CandidateExtractor):
        return spec
    if not isinstance(spec, str):
        return extractors.create(spec)  # type: ignore[no-any-return]
    items = parts(spec, "+")
    if not items:
        raise spec_error(spec, 0, "expected a name", what="candidate",
                         valid=extractors.names())
    made = [_one_extractor(item, spec) for item in items]
    return made[0] if len(made) == 1 else UnionExtractor(made)


def _one_extractor(item: Part, whole: str) -> CandidateExtractor:
    parsed = parse(item.text, what="candidate", names=extractors.names(), shorthand=SHORTHAND,
                   within=Part(whole, item.position))
    return extractors.create({"name": parsed.name, **parsed.params})  # type: ignore[no-any-return]
