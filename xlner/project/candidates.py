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


def spans_from_reach_batch(reach: npt.NDArray[np.int64], lengths: npt.NDArray[np.int64]
                           ) -> list[Spans]:
    """:func:`spans_from_reach` of many sentences at once: ``reach`` holds every sentence's
    reach, one after the other (``lengths`` words each)."""
    offsets = offsets_of(lengths)
    pos = np.arange(int(offsets[-1]), dtype=np.int64) - np.repeat(offsets[:-1], lengths)
    counts = np.maximum(reach - pos, 0)
    first = np.repeat(pos, counts)
    span_off = offsets_of(counts)
    ends = first + 1 + (np.arange(int(span_off[-1]), dtype=np.int64)
                        - np.repeat(span_off[:-1], counts))
    out = np.stack([first, ends], axis=1).astype(np.int32)
    bounds = span_off[offsets].tolist()
    return [out[bounds[k]:bounds[k + 1]] for k in range(len(lengths))]


def _lengths(batch: Sequence[ProjectionInput]) -> npt.NDArray[np.int64]:
    return np.fromiter((len(item.tgt_words) for item in batch), np.int64, len(batch))


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

    def reach_batch(self, batch: Sequence[ProjectionInput]) -> npt.NDArray[np.int64]:
        """:meth:`reach` of every sentence, one after the other."""
        lengths = _lengths(batch)
        offsets = offsets_of(lengths)
        pos = np.arange(int(offsets[-1]), dtype=np.int64) - np.repeat(offsets[:-1], lengths)
        return np.minimum(pos + self.n, np.repeat(lengths, lengths))


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
        return spans_from_reach_batch(self.reach_batch(batch), _lengths(batch))

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

    def reach_batch(self, batch: Sequence[ProjectionInput]) -> npt.NDArray[np.int64]:
        """:meth:`reach` of every sentence, one after the other, in a few vector operations."""
        lengths = _lengths(batch)
        offsets = offsets_of(lengths)
        reach = np.zeros(int(offsets[-1]), dtype=np.int64)
        n_ent = np.fromiter((len(item.entities) if item.links.size else 0 for item in batch),
                            np.int64, len(batch))
        if not n_ent.sum():
            return reach
        with_ents = np.flatnonzero(n_ent).tolist()
        bounds = np.array([e[:2] for k in with_ents for e in batch[k].entities], dtype=np.int64)
        ent_sent = np.repeat(np.asarray(with_ents, dtype=np.int64), n_ent[with_ents])
        parts = [batch[k].links for k in with_ents]
        n_links = np.fromiter((len(p) for p in parts), np.int64, len(parts))
        links = np.concatenate(parts).astype(np.int64)
        link_sent = np.repeat(np.asarray(with_ents, dtype=np.int64), n_links)
        width = int(max(links[:, 0].max() + 2, bounds[:, 1].max() + 1))
        keys = link_sent * width + links[:, 0]
        order = np.argsort(keys, kind="stable")
        keys, tgt = keys[order], links[order, 1]
        lo = np.searchsorted(keys, ent_sent * width + bounds[:, 0], "left")
        hi = np.searchsorted(keys, ent_sent * width + bounds[:, 1], "left")
        has = hi > lo
        lo, hi, ent_sent = lo[has], hi[has], ent_sent[has]
        if not len(lo):
            return reach
        n = hi - lo
        idx = np.repeat(lo, n) + np.arange(int(n.sum()), dtype=np.int64) - np.repeat(
            offsets_of(n)[:-1], n)
        run = np.repeat(np.arange(len(lo), dtype=np.int64), n)
        first = np.full(len(lo), np.iinfo(np.int64).max)
        last = np.full(len(lo), -1, dtype=np.int64)
        np.minimum.at(first, run, tgt[idx])
        np.maximum.at(last, run, tgt[idx])
        width_r = last + 1 - first
        cells = np.repeat(offsets[ent_sent] + first, width_r) + np.arange(
            int(width_r.sum()), dtype=np.int64) - np.repeat(offsets_of(width_r)[:-1], width_r)
        np.maximum.at(reach, cells, np.repeat(last + 1, width_r))
        if self.max_len is not None:
            pos = np.arange(len(reach), dtype=np.int64) - np.repeat(offsets[:-1], lengths)
            reach = np.minimum(reach, pos + self.max_len)
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
        reachers = [getattr(p, "reach_batch", None) for p in self.parts]
        if all(r is not None for r in reachers):
            lengths = _lengths(batch)
            reach = np.zeros(int(lengths.sum()), dtype=np.int64)
            for get in reachers:
                np.maximum(reach, get(batch), out=reach)  # type: ignore[misc]
            return spans_from_reach_batch(reach, lengths)
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
