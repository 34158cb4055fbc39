"""Projection reports: what landed, what did not and why, per class; failed sentences."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from xlner.project.base import ERROR, FALLBACK, ProjectionResult


@dataclass
class ProjectionReport:
    """What a projection run did, built from its results (:meth:`build`) and merged over shards."""

    sentences: int = 0
    """Sentence pairs projected, failed ones included."""
    source_entities: int = 0
    source_by_class: Counter[str] = field(default_factory=Counter)
    projected_entities: int = 0
    """Target entities written (one source entity may give several with the heuristic)."""
    projected_by_class: Counter[str] = field(default_factory=Counter)
    landed_source_entities: int = 0
    """Source entities with at least one target entity."""
    unprojected: Counter[str] = field(default_factory=Counter)
    """Source entities without one, by reason."""
    unprojected_by_class: dict[str, Counter[str]] = field(default_factory=dict)
    failed: list[dict[str, Any]] = field(default_factory=list)
    fallback: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def build(cls, sources: Sequence[Sequence[Any]], results: Sequence[ProjectionResult],
              ) -> ProjectionReport:
        rep = cls(sentences=0)
        for k, (ents, res) in enumerate(zip(sources, results, strict=True)):
            rep.add_source(ents)
            rep.add_result(k, res)
        return rep

    def add_source(self, entities: Sequence[Any]) -> None:
        """Count one more sentence pair and its source entities (streamed reports)."""
        self.sentences += 1
        self.source_entities += len(entities)
        self.source_by_class.update(e.label for e in entities)

    def add_result(self, k: int, res: ProjectionResult) -> None:
        """Count the projection result of sentence ``k``."""
        self.projected_entities += len(res.entities)
        self.projected_by_class.update(e.label for e in res.entities)
        self.landed_source_entities += len(set(res.sources))
        for un in res.unprojected:
            self.unprojected[un.reason] += 1
            self.unprojected_by_class.setdefault(un.entity.label, Counter())[un.reason] += 1
        if res.status == ERROR:
            self.failed.append({"sentence": k, "error": res.detail})
        elif res.status == FALLBACK:
            self.fallback.append({"sentence": k, "detail": res.detail})

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentences": self.sentences,
            "source_entities": self.source_entities,
            "landed_source_entities": self.landed_source_entities,
            "projected_entities": self.projected_entities,
            "unprojected": dict(self.unprojected),
            "by_class": {
                label: {"source": self.source_by_class[label],
                        "projected": self.projected_by_class[label],
                        "unprojected": dict(self.unprojected_by_class.get(label, {}))}
                for label in sorted(set(self.source_by_class) | set(self.projected_by_class))},
            "failed_sentences": self.failed,
            "fallback_sentences": self.fallback,
        }

    def summary(self) -> str:
        lines = [f"{self.sentences} sentences, {self.source_entities} source entities, "
                 f"{self.landed_source_entities} landed, {self.projected_entities} target "
                 "entities written"]
        for reason, n in self.unprojected.most_common():
            lines.append(f"  unprojected ({reason}): {n}")
        if self.failed:
            lines.append(f"  FAILED sentences: {len(self.failed)} (first: sentence "
                         f"{self.failed[0]['sentence']}: {self.failed[0]['error']})")
        if self.fallback:
            lines.append(f"  sentences solved by a fallback: {len(self.fallback)}")
        return "\n".join(lines)
