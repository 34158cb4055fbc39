"""Limits of one projection problem: words per side, entities per sentence, candidates per
sentence (docs/limits.md).

A sentence pair over a limit is never aligned, truncated or left to run for hours: it gets a
failed :class:`~xlner.project.base.ProjectionResult` whose detail names the limit (reason
``over-limit``), lands in the report's failed sentences, and the run exits 1 (partial).

The driver (:func:`xlner.pipelines.project.project_corpus` and the alignment step before it)
checks words and entities; the candidate limit is checked by the candidate-matching projector
right after extraction, from the limits the driver made current (:func:`using_limits`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from typing import Any

from xlner.errors import ConfigError

MAX_WORDS = 1000
"""Default longest sentence (words, either side); eflomal aligns at most 1023."""
MAX_ENTITIES = 100
"""Default most source entities in one sentence."""
MAX_CANDIDATES = 50_000
"""Default most candidate target spans of one sentence (candidate matching)."""


@dataclass(frozen=True)
class Limits:
    """Per-sentence limits; ``0`` switches one off (the aligner's own limit still holds)."""

    max_words: int = MAX_WORDS
    max_entities: int = MAX_ENTITIES
    max_candidates: int = MAX_CANDIDATES

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ConfigError(f"limit {name} must be a non-negative integer, not "
                                  f"{value!r}")

    def to_dict(self) -> dict[str, int]:
        return asdict(self)

    def pair_violation(self, src_len: int, tgt_len: int, entities: int,
                       aligner_max: int | None = None) -> str | None:
        """Why a sentence pair is over a limit (``None`` when it is not)."""
        words = [w for w in (self.max_words or None, aligner_max) if w]
        cap = min(words) if words else None
        if cap is not None and max(src_len, tgt_len) > cap:
            side, n = ("source", src_len) if src_len > cap else ("target", tgt_len)
            what = (f"max_words={self.max_words}" if cap == self.max_words
                    else f"the aligner's maximum of {cap}")
            return f"over-limit: {side} sentence has {n} words ({what}; --max-words)"
        if self.max_entities and entities > self.max_entities:
            return (f"over-limit: {entities} source entities (max_entities="
                    f"{self.max_entities}; --max-entities)")
        return None

    def candidates_violation(self, candidates: int) -> str | None:
        if self.max_candidates and candidates > self.max_candidates:
            return (f"over-limit: {candidates} candidate spans (max_candidates="
                    f"{self.max_candidates}; --max-candidates)")
        return None

    def violations(self, src: Sequence[Sequence[str]], tgt: Sequence[Sequence[str]],
                   entities: Sequence[Sequence[Any]], aligner_max: int | None = None
                   ) -> dict[int, str]:
        """Index -> reason for every pair over a limit."""
        out: dict[int, str] = {}
        for k, (s, t, e) in enumerate(zip(src, tgt, entities, strict=True)):
            reason = self.pair_violation(len(s), len(t), len(e), aligner_max)
            if reason is not None:
                out[k] = reason
        return out


_CURRENT: ContextVar[Limits | None] = ContextVar("xlner_limits", default=None)


def current_limits() -> Limits:
    """The limits in force (the defaults unless a driver set others)."""
    return _CURRENT.get() or Limits()


@contextmanager
def using_limits(limits: Limits) -> Iterator[Limits]:
    """Make ``limits`` current for the projection run inside the block."""
    token = _CURRENT.set(limits)
    try:
        yield limits
    finally:
        _CURRENT.reset(token)
