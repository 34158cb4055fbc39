"""Helpers shared by the scorer tests."""

from __future__ import annotations

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
