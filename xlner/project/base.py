"""Projection: source entities + target words + word alignment → target entities.

Every source entity either lands on the target or is reported as unprojected with a reason;
a sentence whose projection fails is reported with its error, never silently left empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from xlner.data import LINKS_FORWARD as LINKS_FORWARD
from xlner.data import LINKS_REVERSE as LINKS_REVERSE
from xlner.data import Entity, Links
from xlner.data import Unprojected as Unprojected


@dataclass(slots=True)
class ProjectionInput:
    """One sentence pair to project over.

    ``extras`` carries per-sentence data some methods need (e.g. target tagger probabilities).
    """

    src_words: Sequence[str]
    tgt_words: Sequence[str]
    entities: Sequence[Entity]
    links: Links
    extras: dict[str, Any] = field(default_factory=dict)


def link_view(item: ProjectionInput, symmetrize: str | None) -> Links:
    """``item.links``, or the directional links in ``extras`` symmetrised as named (cached)."""
    if symmetrize is None:
        return item.links
    key = f"links:{symmetrize}"
    cached = item.extras.get(key)
    if cached is None:
        from xlner.align.symmetrize import symmetrize as combine
        from xlner.errors import ConfigError

        try:
            fwd, rev = item.extras[LINKS_FORWARD], item.extras[LINKS_REVERSE]
        except KeyError:
            raise ConfigError(f"this method reads {symmetrize!r} links, made from the "
                              "aligner's forward and reverse links: align with an aligner that "
                              "gives both (eflomal), or with precomputed links give both files "
                              "(xlner project --links FORWARD --links-reverse REVERSE; "
                              "xlner align --out-forward/--out-reverse write them); library: "
                              f"extras[{LINKS_FORWARD!r}] and extras[{LINKS_REVERSE!r}]"
                              ) from None
        cached = item.extras[key] = combine(fwd, rev, symmetrize)
    return cached


def link_views(batch: Sequence[ProjectionInput], symmetrize: str | None) -> list[Links]:
    """:func:`link_view` of every pair of a batch; union views missing from the cache are
    computed for the whole batch at once (:func:`xlner.align.symmetrize.union_batch`)."""
    if symmetrize is None:
        return [item.links for item in batch]
    key = f"links:{symmetrize}"
    if symmetrize == "union":
        missing = [item for item in batch if item.extras.get(key) is None
                   and LINKS_FORWARD in item.extras and LINKS_REVERSE in item.extras]
        if len(missing) > 1:
            from xlner.align.symmetrize import union_batch

            made = union_batch([item.extras[LINKS_FORWARD] for item in missing],
                               [item.extras[LINKS_REVERSE] for item in missing])
            for item, links in zip(missing, made, strict=True):
                item.extras[key] = links
    return [link_view(item, symmetrize) for item in batch]


# Reasons an entity is not projected (stable strings, counted in reports).
NO_ALIGNMENT = "no-aligned-words"
BELOW_THRESHOLD = "below-length-threshold"
OVERLAP = "overlaps-projected-entity"
NO_CANDIDATE = "no-candidate"
NOT_SELECTED = "not-selected"
EMPTY_TARGET = "empty-target"
FAILED = "projection-failed"
OVER_LIMIT = "over-limit"
"""A sentence over a limit (:mod:`xlner.project.limits`): not aligned, not projected."""

OK = "ok"
FALLBACK = "fallback"
ERROR = "error"


@dataclass(slots=True)
class ProjectionResult:
    """Target entities of one sentence pair.

    ``sources[k]`` is the index (in the input's entity list) of the source entity that
    produced ``entities[k]``. ``status`` is ``ok``, ``fallback`` (e.g. an exact solver hit its
    time limit and ``detail`` names the method that produced the labels) or ``error``.
    """

    entities: list[Entity]
    sources: list[int]
    unprojected: list[Unprojected]
    status: str = OK
    detail: str = ""

    @classmethod
    def failed(cls, item: ProjectionInput, error: str, reason: str = FAILED
               ) -> ProjectionResult:
        return cls([], [], [Unprojected(e, reason) for e in item.entities], ERROR, error)


@runtime_checkable
class Projector(Protocol):
    """A projection method, batch first."""

    name: str
    version: int

    def project(self, batch: Sequence[ProjectionInput]) -> list[ProjectionResult]: ...

    def describe(self) -> dict[str, Any]: ...


def offsets_of(counts: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
    """``[0, c0, c0+c1, ...]``: where each group of a flat array starts (the total last)."""
    out = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=out[1:])
    return out


def sort_result(entities: list[Entity], sources: list[int]) -> tuple[list[Entity], list[int]]:
    if len(entities) < 2:
        return entities, sources
    order = sorted(range(len(entities)), key=entities.__getitem__)
    return [entities[k] for k in order], [sources[k] for k in order]
