"""The alignment heuristic (García-Ferrero et al. 2022 style; docs/method.md §3).

For each source entity, shortest first: mark the target words aligned to any of its words;
maximal runs of marked words are candidates; runs separated by at most ``d`` unaligned words are
merged (with ``only_i``, never merge a run that starts at a word aligned to the entity's first
word); at most ``k`` runs are kept, the *longest*; a run is kept only if
``len(run) / len(entity) > thr``; a run overlapping words already labelled is skipped.

Our addition, ``extend``: a second view of the alignment (a symmetrisation name, e.g.
``reverse``, read from the aligner's directional links in ``ProjectionInput.extras``) that grows
each projected run at its boundaries by adjacent target words linked to the entity in that view,
never into a word already labelled nor into one the primary links tie to a word outside the
entity. With eflomal, intersection runs extended by reverse links keep the precision of the
intersection and recover multi-word names it splits ("Reino Unido", "Fondo Social Europeo").

``adjective_label`` (e.g. ``"MISC"``): a name that lands on a single lower-case target word
gets that label (:mod:`xlner.project.labels`).
"""

from __future__ import annotations

from collections.abc import Sequence

from xlner.align.symmetrize import canonical_name
from xlner.data import Entity
from xlner.errors import ConfigError
from xlner.project.base import (
    BELOW_THRESHOLD,
    EMPTY_TARGET,
    NO_ALIGNMENT,
    OVERLAP,
    ProjectionInput,
    ProjectionResult,
    Unprojected,
    sort_result,
)
from xlner.project.extend import check_extend_words, extend_spans
from xlner.project.labels import projected_label
from xlner.protocols import Component
from xlner.registry import projectors


def runs_of(positions: Sequence[int]) -> list[list[int]]:
    """Maximal runs ``[start, end)`` of consecutive sorted positions."""
    runs: list[list[int]] = []
    for j in positions:
        if runs and runs[-1][1] == j:
            runs[-1][1] = j + 1
        else:
            runs.append([j, j + 1])
    return runs


@projectors.register
class HeuristicProjector(Component):
    """Alignment heuristic: merge distance ``d``, top-``k`` longest runs, ``only_i``, ``thr``."""

    name = "heuristic"
    version = 1

    def __init__(self, d: int = 1, k: int | None = None, only_i: bool = False,
                 thr: float | None = 0.8, extend: str | None = None,
                 extend_words: str = "any", adjective_label: str | None = None) -> None:
        if d < 0:
            raise ConfigError(f"heuristic: d must be >= 0, not {d}")
        if k is not None and k < 1:
            raise ConfigError(f"heuristic: k must be >= 1 or None, not {k}")
        self.d = d
        self.k = k
        self.only_i = only_i
        self.thr = thr
        self.extend = None if extend is None else canonical_name(extend)
        self.extend_words = check_extend_words(extend_words)
        self.adjective_label = adjective_label or None

    def project(self, batch: Sequence[ProjectionInput]) -> list[ProjectionResult]:
        return [self.project_one(item) for item in batch]

    def project_one(self, item: ProjectionInput) -> ProjectionResult:
        entities = item.entities
        n_tgt = len(item.tgt_words)
        if not entities:
            return ProjectionResult([], [], [])
        if n_tgt == 0:
            return ProjectionResult([], [], [Unprojected(e, EMPTY_TARGET) for e in entities])
        by_src: dict[int, list[int]] = {}
        for i, j in item.links.tolist():
            by_src.setdefault(i, []).append(j)
        d, k, thr, only_i = self.d, self.k, self.thr, self.only_i
        taken = bytearray(n_tgt)
        out: list[Entity] = []
        sources: list[int] = []
        unprojected: list[Unprojected] = []
        order = sorted(range(len(entities)), key=lambda e: entities[e].end - entities[e].start)
        for e in order:
            ent = entities[e]
            marked: set[int] = set()
            for i in range(ent.start, ent.end):
                marked.update(by_src.get(i, ()))
            if not marked:
                unprojected.append(Unprojected(ent, NO_ALIGNMENT))
                continue
            runs = runs_of(sorted(marked))
            if len(runs) > 1 and d > 0:
                first = set(by_src.get(ent.start, ())) if only_i else ()
                merged = [runs[0]]
                for run in runs[1:]:
                    if run[0] - merged[-1][1] <= d and run[0] not in first:
                        merged[-1][1] = run[1]
                    else:
                        merged.append(run)
                runs = merged
            if thr is not None:
                length = ent.end - ent.start
                runs = [r for r in runs if (r[1] - r[0]) / length > thr]
                if not runs:
                    unprojected.append(Unprojected(ent, BELOW_THRESHOLD))
                    continue
            if k is not None and len(runs) > k:
                runs = sorted(runs, key=lambda r: (r[0] - r[1], r[0]))[:k]
            landed = False
            for start, end in runs:
                if any(taken[start:end]):
                    continue
                taken[start:end] = b"\x01" * (end - start)
                out.append(Entity(start, end, ent.label))
                sources.append(e)
                landed = True
            if not landed:
                unprojected.append(Unprojected(ent, OVERLAP))
        if self.extend is not None and out:
            out = extend_spans(item, out, sources, self.extend, taken, self.extend_words)
        if self.adjective_label is not None:
            out = [Entity(e.start, e.end, projected_label(
                item.src_words, entities[s], item.tgt_words, e.start, e.end,
                self.adjective_label)) for e, s in zip(out, sources, strict=True)]
        out, sources = sort_result(out, sources)
        return ProjectionResult(out, sources, unprojected)
