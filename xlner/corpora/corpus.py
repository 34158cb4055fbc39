"""A corpus: a list of sentences with its name, origin and content digest."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import overload

from xlner.data import Sentence
from xlner.files import text_digest


@dataclass
class Corpus(Sequence[Sentence]):
    """Sentences read from one source. ``digest`` identifies the content in signatures."""

    sentences: list[Sentence]
    name: str = "<memory>"
    path: Path | None = None
    digest: str = ""
    repairs: int = 0
    """Invalid tag transitions repaired while reading (``repair=True``)."""
    meta: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.digest:
            self.digest = text_digest(
                " ".join(s.words) + "\t" + repr(s.entities) for s in self.sentences)

    @overload
    def __getitem__(self, index: int) -> Sentence: ...
    @overload
    def __getitem__(self, index: slice) -> list[Sentence]: ...
    def __getitem__(self, index: int | slice) -> Sentence | list[Sentence]:
        return self.sentences[index]

    def __len__(self) -> int:
        return len(self.sentences)

    def __iter__(self) -> Iterator[Sentence]:
        return iter(self.sentences)

    @property
    def words(self) -> list[tuple[str, ...]]:
        return [s.words for s in self.sentences]

    def describe(self) -> dict[str, object]:
        """Identity of the corpus for a signature."""
        out: dict[str, object] = {"name": self.name, "sentences": len(self), "digest": self.digest}
        if self.path is not None:
            out["path"] = str(self.path)
        if self.repairs:
            out["repairs"] = self.repairs
        out.update(self.meta)
        return out

    def labels(self) -> list[str]:
        """Entity classes present, sorted."""
        return sorted({e.label for s in self.sentences for e in s.entities})

