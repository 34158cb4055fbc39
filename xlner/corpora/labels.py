"""Label mapping: rename or drop entity classes (e.g. ``MISC→O``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from xlner.data import Entity, Sentence
from xlner.spec import parse_params

DROP = "O"


@dataclass(frozen=True)
class LabelMap:
    """Maps entity classes; a class mapped to ``O`` is dropped.

    ``keep``, when given, drops every class not listed (after renaming).
    """

    mapping: Mapping[str, str] = field(default_factory=dict)
    keep: frozenset[str] | None = None

    @classmethod
    def parse(cls, spec: str | None, keep: Iterable[str] | None = None) -> LabelMap:
        """``"MISC=O,PERSON=PER"`` → a map; ``None`` or ``""`` → identity (the ``pairs`` of
        :mod:`xlner.spec`)."""
        mapping = parse_params(spec or "", what="label map", typed=False, form="FROM=TO")
        return cls(mapping, None if keep is None else frozenset(keep))

    def __call__(self, label: str) -> str | None:
        new = self.mapping.get(label, label)
        if new == DROP or (self.keep is not None and new not in self.keep):
            return None
        return new

    def apply(self, entities: Iterable[Entity]) -> tuple[Entity, ...]:
        out = []
        for ent in entities:
            label = self(ent.label)
            if label is not None:
                out.append(ent if label == ent.label else Entity(ent.start, ent.end, label))
        return tuple(out)

    def apply_sentence(self, sentence: Sentence) -> Sentence:
        return Sentence(sentence.words, self.apply(sentence.entities), sentence.origin)

    @property
    def is_identity(self) -> bool:
        return not self.mapping and self.keep is None

    def describe(self) -> dict[str, object]:
        out: dict[str, object] = dict(self.mapping)
        if self.keep is not None:
            out["keep"] = sorted(self.keep)
        return out
