"""The core data model: sentences of words, entities as word spans, alignments as link arrays.

Tag schemes (IOB1, IOB2, BIOES) exist only at the file boundary (:mod:`xlner.corpora.schemes`);
everything inside the library speaks in spans.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

Links = npt.NDArray[np.int32]
"""Links of one sentence pair: an ``(n, 2)`` int32 array of ``(source, target)`` word indices."""


class Span(NamedTuple):
    """A contiguous range of words ``[start, end)``."""

    start: int
    end: int


class Entity(NamedTuple):
    """A labelled word span ``[start, end)``."""

    start: int
    end: int
    label: str

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


@dataclass(frozen=True, slots=True)
class Sentence:
    """Words of one sentence with its entities (empty for unlabelled text)."""

    words: tuple[str, ...]
    entities: tuple[Entity, ...] = ()
    origin: str | None = field(default=None, compare=False)
    """Where the sentence came from, e.g. ``"de.conll:120"``, for error messages."""

    def __len__(self) -> int:
        return len(self.words)

    def text(self, span: Span | Entity) -> str:
        """The words of ``span`` joined by spaces."""
        return " ".join(self.words[span[0]:span[1]])

    def with_entities(self, entities: Iterable[Entity]) -> Sentence:
        return Sentence(self.words, tuple(sorted(entities)), self.origin)


class Unprojected(NamedTuple):
    """A source entity that did not land, and why."""

    entity: Entity
    reason: str


@dataclass(slots=True)
class Tagged:
    """A tagger's output for one sentence.

    ``probs[i, c]`` is the probability of IOB2 label ``labels[c]`` at word ``i``
    (``labels`` is the tagger's label list, e.g. ``["O", "B-PER", "I-PER", ...]``). A tagger
    may also set ``labels`` here, so that the output is self-describing when it travels alone
    (e.g. in ``ProjectionInput.extras``).
    """

    entities: list[Entity]
    probs: npt.NDArray[np.float32] | None = None
    labels: Sequence[str] | None = None


LINKS_FORWARD = "links_forward"
LINKS_REVERSE = "links_reverse"
"""``ProjectionInput.extras`` keys of an aligner's directional links (before symmetrisation),
for methods that read a second view of the alignment (see :func:`xlner.project.base.link_view`)."""


def validate_entities(entities: Sequence[Entity], n_words: int) -> None:
    """Raise ``ValueError`` unless the entities are in bounds, non-empty, sorted and disjoint."""
    previous_end = 0
    for ent in entities:
        if not (0 <= ent.start < ent.end <= n_words):
            raise ValueError(f"entity {ent} out of bounds for {n_words} words")
        if ent.start < previous_end:
            raise ValueError(f"entity {ent} overlaps or is out of order")
        previous_end = ent.end


def empty_links() -> Links:
    return np.zeros((0, 2), dtype=np.int32)


def as_links(pairs: Iterable[tuple[int, int]] | npt.ArrayLike) -> Links:
    """Coerce pairs to a sorted, duplicate-free ``(n, 2)`` int32 link array."""
    arr = np.asarray(pairs if isinstance(pairs, np.ndarray) else list(pairs),  # type: ignore[arg-type]
                     dtype=np.int32)
    if arr.size == 0:
        return empty_links()
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"links must have shape (n, 2), got {arr.shape}")
    return np.unique(arr, axis=0).astype(np.int32, copy=False)


_PHARAOH = re.compile(r"[0-9]{1,9}-[0-9]{1,9}(?:[ \t]+[0-9]{1,9}-[0-9]{1,9})*")


def parse_pharaoh(line: str) -> Links:
    """Parse ``"0-0 1-2 ..."`` into a link array."""
    line = line.strip()
    if not line:
        return empty_links()
    if _PHARAOH.fullmatch(line) is None:
        shown = line if len(line) <= 80 else line[:77] + "..."
        raise ValueError(f"not a Pharaoh link line (i-j pairs of word indices): {shown!r}")
    arr = np.array(line.replace("-", " ").split(), dtype=np.int64).reshape(-1, 2)
    keys = (arr[:, 0] << 32) | arr[:, 1]
    if len(keys) > 1 and not (keys[1:] > keys[:-1]).all():  # not sorted and unique already
        return as_links(arr)
    return arr.astype(np.int32)


def format_pharaoh(links: Links) -> str:
    """Format links as ``"i-j i-j ..."`` sorted by source then target index."""
    return " ".join(f"{i}-{j}" for i, j in links.tolist())


def check_links(links: Links, n_src: int, n_tgt: int) -> None:
    """Raise ``ValueError`` if any link points outside the sentence pair."""
    if links.size and (links.min() < 0 or links[:, 0].max() >= n_src
                       or links[:, 1].max() >= n_tgt):
        raise ValueError(f"link out of range for a {n_src}x{n_tgt} sentence pair")
