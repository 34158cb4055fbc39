"""Projection reports: what landed, what did not and why, per class; failed sentences."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from xlner.project.base import ERROR, FALLBACK, ProjectionResult


@dataclass
class ProjectionReport:
    sentences: int = 0
    source_entities: int = 0
    projected_entities: int = 0
    """Target entities written (one source entity may give several with the heuristic)."""
    landed_source_entities: int = 0
    unprojected: Counter[str] = field(default_factory=Counter)
    unprojected_by_class: dict[str, Counter[str]] = field(default_factory=dict)
    source_by_class: Counter[str] = field(default_factory=Counter)
    projected_by_class: Counter[str] = field(default_factory=Counter)
    failed: list[dict[str, Any]] = field(default_factory=list)
    fallback: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def build(cls, sources: Sequence[Sequence[Any]], results: Sequence[ProjectionResult],
              ) -> ProjectionReport:
        rep = cls(sentences=len(results))
        for k, (ents, res) in enumerate(zip(sources, results, strict=True)):
            rep.source_entities += len(ents)
            rep.source_by_class.update(e.label for e in ents)
            rep.projected_entities += len(res.entities)
            rep.projected_by_class.update(e.label for e in res.entities)
            rep.landed_source_entities += len(set(res.sources))
            for un in res.unprojected:
                rep.unprojected[un.reason] += 1
                rep.unprojected_by_class.setdefault(un.entity.label, Counter())[un.reason] += 1
            if res.status == ERROR:
                rep.failed.append({"sentence": k, "error": res.detail})
            elif res.status == FALLBACK:
                rep.fallback.append({"sentence": k, "detail": res.detail})
        return rep

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
