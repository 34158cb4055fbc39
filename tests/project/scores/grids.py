"""Helpers shared by the scorer tests."""

from __future__ import annotations

from typing import Any

import numpy as np

from xlner.data import Entity, as_links
from xlner.project.base import ProjectionInput


def random_item(rng: np.random.Generator, words: list[str] | None = None) -> ProjectionInput:
    n_src, n_tgt = int(rng.integers(1, 9)), int(rng.integers(1, 9))
    pairs = {(int(rng.integers(n_src)), int(rng.integers(n_tgt)))
             for _ in range(int(rng.integers(0, 12)))}
    ents, pos = [], 0
    while pos < n_src:
        start = pos + int(rng.integers(0, 3))
        end = start + int(rng.integers(1, 3))
        if end > n_src:
            break
        ents.append(Entity(start, end, "PER"))
        pos = end
    vocab = words or ["x"]
    return ProjectionInput([str(rng.choice(vocab)) for _ in range(n_src)],
                           [str(rng.choice(vocab)) for _ in range(n_tgt)], ents,
                           as_links(sorted(pairs)))


def check_floor_support(scorer: Any, batch: list[ProjectionInput], spans: list[Any],
                        floor: float) -> int:
    """Assert that ``scorer.support(grid, floor)`` is part of its plain support and that every
    pair scoring ``>= floor`` contains one of its positions; the number of such pairs."""
    from xlner.project.scores import PairGrid

    full = PairGrid.build(batch, spans)
    values = scorer.score(full)
    base = PairGrid.build(batch, spans, pairs=False)
    plain = set(zip(*(a.tolist() for a in scorer.support(base)), strict=True))
    ent, pos = scorer.support(base, floor=floor)
    tight = set(zip(ent.tolist(), pos.tolist(), strict=True))
    assert tight <= plain
    kept = base.supported(ent, pos)
    in_grid = set(zip(kept.pair_ent.tolist(), kept.pair_cand.tolist(), strict=True))
    reaching = {(int(g), int(c)) for g, c, v in zip(full.pair_ent, full.pair_cand, values,
                                                    strict=True) if v >= floor}
    assert reaching <= in_grid
    return len(reaching)
