"""The tagger score (docs/method.md §4): how much a target-side tagger believes a candidate is
an entity.

For a candidate span ``t = [s, e)`` and a class ``l`` the *class score* is the mean over the
span's words of ``P(B-l)`` at the first word and ``P(I-l)`` at the others. When ``t`` is exactly
an entity of class ``l`` that the tagger itself predicted, the score is multiplied by the length
bonus ``alpha ** (|t| - 1)`` (``alpha`` = 1.15). Two variants:

* ``mode="class"`` (class-aware): ``c(p, t)`` is the class score of ``p``'s own class. A source
  class the tagger does not know scores 0 (not allowed) for every candidate.
* ``mode="span"`` (span-only): ``c(p, t)`` ignores ``p``'s class: the maximum over the tagger's
  classes of the (bonused) class score, the same for every source entity.

Scores below ``threshold`` (0.05, applied after the bonus) become 0 (not allowed).

The tagger's output travels per sentence in ``ProjectionInput.extras``:
``extras["target_tagged"]`` is a :class:`xlner.tag.base.Tagged` for the target words (entities and
``probs`` over IOB2 labels). The label list is ``Tagged.labels`` when set, else
``extras["target_labels"]``. :func:`add_target_tags` fills both from any
:class:`~xlner.tag.base.Tagger`, and also ``extras["tagger_spans"]`` (the tagger's entities), which
the tagger candidate extractor reads.

``score`` takes either the foundation protocol's ``(batch, candidates)`` and returns one dense
``(n_entities, n_candidates)`` matrix per sentence, or a single pair grid (an object with
``batch``, ``spans``, ``pair_ent``, ``pair_cand``, ``ent_offsets``, ``cand_offsets``, as the
matching projector builds) and returns one float per pair.

All spans of a sentence are scored at once from cumulative sums of the ``I`` columns, so each
span costs O(classes) whatever its length.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from xlner.data import Tagged
from xlner.errors import ConfigError, ProjectionError
from xlner.project.base import ProjectionInput
from xlner.project.candidates import Spans
from xlner.project.scores.base import ScoreMatrix
from xlner.protocols import Component, Tagger

TARGET_TAGGED = "target_tagged"
"""Extras key: the target tagger's :class:`~xlner.tag.base.Tagged` for the target words."""
TARGET_LABELS = "target_labels"
"""Extras key: the label list of ``Tagged.probs`` columns (when ``Tagged.labels`` is unset)."""
TAGGER_SPANS = "tagger_spans"
"""Extras key: the target tagger's entities (read by the tagger candidate extractor)."""

MODES = ("class", "span")


def bi_columns(labels: Sequence[str]) -> tuple[list[str], list[int], list[int]]:
    """Classes (sorted) and, per class, the column of ``B-`` and of ``I-`` (-1 if absent)."""
    b: dict[str, int] = {}
    i: dict[str, int] = {}
    for k, label in enumerate(labels):
        if label == "O":
            continue
        prefix, sep, cls = label.partition("-")
        if not sep or prefix not in ("B", "I"):
            raise ConfigError(f"the tagger score needs IOB2 labels (O, B-X, I-X), got {label!r}")
        (b if prefix == "B" else i)[cls] = k
    classes = sorted(set(b) | set(i))
    return classes, [b.get(c, -1) for c in classes], [i.get(c, -1) for c in classes]


def class_span_scores(probs: npt.NDArray[Any], labels: Sequence[str], spans: Spans
                      ) -> tuple[list[str], npt.NDArray[np.float64]]:
    """``(classes, scores)``: ``scores[r, c]`` is the mean of ``P(B-c)`` at span ``r``'s first
    word and ``P(I-c)`` at its other words (no bonus, no threshold)."""
    classes, b_cols, i_cols = bi_columns(labels)
    n = probs.shape[0]
    p = np.asarray(probs, dtype=np.float64)
    zero = np.zeros((n, 1))

    def gather(cols: list[int]) -> npt.NDArray[np.float64]:
        if not cols:
            return np.zeros((n, 0))
        return np.concatenate([p[:, [c]] if c >= 0 else zero for c in cols], axis=1)

    b, i = gather(b_cols), gather(i_cols)
    ranges = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
    if ranges.shape[0] == 0:
        return classes, np.zeros((0, len(classes)))
    starts, ends = ranges[:, 0], ranges[:, 1]
    if starts.min() < 0 or ends.max() > n or (ends <= starts).any():
        raise ValueError(f"candidate spans out of range for {n} target words")
    cum = np.vstack([np.zeros((1, len(classes))), np.cumsum(i, axis=0)])
    total = b[starts] + cum[ends] - cum[starts + 1]
    return classes, total / (ends - starts)[:, None]


def tagger_scores(probs: npt.NDArray[Any], labels: Sequence[str], spans: Spans,
                  source_classes: Sequence[str], own: Sequence[tuple[int, int, str]] = (), *,
                  mode: str = "class", alpha: float = 1.15, threshold: float = 0.05
                  ) -> ScoreMatrix:
    """The ``(len(source_classes), len(spans))`` tagger score matrix of one sentence.

    ``own`` are the tagger's own entities ``(start, end, class)``, which earn the length bonus.
    """
    if mode not in MODES:
        raise ConfigError(f"tagger score mode must be one of {', '.join(MODES)}, not {mode!r}")
    classes, scores = class_span_scores(probs, labels, spans)
    ranges = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
    if own and ranges.shape[0]:
        row_of = {(int(s), int(e)): r for r, (s, e) in enumerate(ranges.tolist())}
        col_of = {c: k for k, c in enumerate(classes)}
        for start, end, cls in own:
            r, c = row_of.get((start, end)), col_of.get(cls)
            if r is not None and c is not None:
                scores[r, c] *= alpha ** (end - start - 1)
    out = np.zeros((len(source_classes), ranges.shape[0]), dtype=np.float64)
    if ranges.shape[0] == 0 or not classes:
        return out
    if mode == "span":
        out[:] = scores.max(axis=1)[None, :]
    else:
        col_of = {c: k for k, c in enumerate(classes)}
        for row, cls in enumerate(source_classes):
            if cls in col_of:
                out[row] = scores[:, col_of[cls]]
    out[out < threshold] = 0.0
    return out


class TaggerScorer(Component):
    """Tagger score of each (source entity, candidate) pair; see the module docstring."""

    name = "tagger"
    version = 1
    hidden_settings = frozenset({"key"})

    def __init__(self, mode: str = "class", alpha: float = 1.15, threshold: float = 0.05,
                 key: str = TARGET_TAGGED) -> None:
        if mode not in MODES:
            raise ConfigError(f"tagger score mode must be one of {', '.join(MODES)}, "
                              f"not {mode!r}")
        if alpha <= 0:
            raise ConfigError(f"alpha must be positive, not {alpha}")
        self.mode = mode
        self.alpha = float(alpha)
        self.threshold = float(threshold)
        self.key = key

    def score(self, batch: Any, candidates: Sequence[Spans] | None = None) -> Any:
        """Dense matrices for ``(batch, candidates)``; one value per pair for a pair grid."""
        if candidates is None and hasattr(batch, "pair_ent"):
            return self._score_grid(batch)
        if candidates is None or len(batch) != len(candidates):
            raise ValueError("score needs a batch and one candidate set per sentence pair")
        return [self.sentence_scores(item, spans, k)
                for k, (item, spans) in enumerate(zip(batch, candidates, strict=True))]

    def sentence_scores(self, item: ProjectionInput, spans: Spans, index: int) -> ScoreMatrix:
        """The ``(n_entities, n_candidates)`` matrix of one sentence pair."""
        tagged, labels = tagged_of(item, index, self.key)
        assert tagged.probs is not None
        try:
            return tagger_scores(
                tagged.probs, labels, spans, [e.label for e in item.entities],
                [(e.start, e.end, e.label) for e in tagged.entities], mode=self.mode,
                alpha=self.alpha, threshold=self.threshold)
        except ValueError as exc:
            raise ProjectionError(str(exc), index=index) from None

    def _score_grid(self, grid: Any) -> npt.NDArray[np.float64]:
        pair_ent = np.asarray(grid.pair_ent, dtype=np.int64)
        pair_cand = np.asarray(grid.pair_cand, dtype=np.int64)
        ent_offsets = np.asarray(grid.ent_offsets, dtype=np.int64)
        cand_offsets = np.asarray(grid.cand_offsets, dtype=np.int64)
        values = np.zeros(len(pair_ent), dtype=np.float64)
        if not len(pair_ent):
            return values
        sent = np.searchsorted(ent_offsets, pair_ent, side="right") - 1
        for s in np.unique(sent).tolist():
            sel = np.nonzero(sent == s)[0]
            matrix = self.sentence_scores(grid.batch[s], grid.spans[s], s)
            values[sel] = matrix[pair_ent[sel] - ent_offsets[s], pair_cand[sel] - cand_offsets[s]]
        return values


def tagged_of(item: ProjectionInput, index: int, key: str = TARGET_TAGGED
              ) -> tuple[Tagged, Sequence[str]]:
    """The target tagger output of one sentence pair and its label list, checked."""
    tagged = item.extras.get(key)
    if not isinstance(tagged, Tagged):
        raise ProjectionError(f"no target tagger output in extras[{key!r}] (run a target "
                              "tagger first, e.g. add_target_tags)", index=index)
    labels = tagged.labels if tagged.labels is not None else item.extras.get(TARGET_LABELS)
    if labels is None:
        raise ProjectionError(f"target tagger output has no label list (set Tagged.labels or "
                              f"extras[{TARGET_LABELS!r}])", index=index)
    if tagged.probs is None:
        raise ProjectionError("target tagger output has no probabilities", index=index)
    shape = (len(item.tgt_words), len(labels))
    if tuple(tagged.probs.shape) != shape:
        raise ProjectionError(f"target tagger probabilities have shape {tagged.probs.shape}, "
                              f"expected {shape} (target words x labels)", index=index)
    return tagged, labels


TAG_BATCH = 1024
"""Target sentences per ``predict`` call (an actor pool's batches are the same)."""


def target_tag_extras(targets: Sequence[Sequence[str]], tagger: Tagger,
                      key: str = TARGET_TAGGED, *, batch_size: int = TAG_BATCH,
                      run: Callable[[Sequence[Sequence[str]]], list[Tagged]] | None = None
                      ) -> list[dict[str, Any]]:
    """Tag the target sentences (``batch_size`` a call; ``run`` tags all of them in the
    tagger's place, e.g. an actor pool batching the same way): per sentence, the extras the
    tagger scorer and the tagger candidate extractor read: ``key`` (the :class:`Tagged`),
    ``"target_labels"`` and ``"tagger_spans"``."""
    sentences = [list(words) for words in targets]
    if run is not None:
        tagged = list(run(sentences))
    else:
        tagged = [t for k in range(0, len(sentences), batch_size)
                  for t in tagger.predict(sentences[k:k + batch_size])]
    if len(tagged) != len(targets):
        raise ProjectionError(f"the target tagger returned {len(tagged)} results for "
                              f"{len(targets)} sentences")
    labels = list(tagger.labels)
    return [{key: out, TARGET_LABELS: labels, TAGGER_SPANS: list(out.entities)}
            for out in tagged]


def add_target_tags(batch: Sequence[ProjectionInput], tagger: Tagger,
                    key: str = TARGET_TAGGED) -> None:
    """Tag every target sentence of ``batch`` (one batched call) and store the result in each
    item's extras: ``key`` (the :class:`Tagged`), ``"target_labels"`` and ``"tagger_spans"``."""
    for item, extra in zip(batch, target_tag_extras([item.tgt_words for item in batch], tagger,
                                                    key), strict=True):
        item.extras.update(extra)


__all__ = ["TAGGER_SPANS", "TAG_BATCH", "TARGET_LABELS", "TARGET_TAGGED", "TaggerScorer",
           "add_target_tags", "class_span_scores", "tagged_of", "tagger_scores",
           "target_tag_extras"]
