"""Symmetrisation of forward and reverse alignments (Koehn et al. heuristics)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from xlner.data import Links, empty_links
from xlner.errors import ConfigError

Pair = tuple[int, int]
_NEIGHBOURS = ((-1, 0), (0, -1), (1, 0), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1))
_NEIGHBOURS_NO_DIAG = _NEIGHBOURS[:4]


def _pairs(links: Links) -> set[Pair]:
    return {(i, j) for i, j in links.tolist()}


def _to_links(pairs: set[Pair]) -> Links:
    if not pairs:
        return empty_links()
    return np.array(sorted(pairs), dtype=np.int32)


def _grow(fwd: set[Pair], rev: set[Pair], diag: bool, final: bool, final_and: bool) -> set[Pair]:
    union = fwd | rev
    points = fwd & rev
    src_aligned = {i for i, _ in points}
    tgt_aligned = {j for _, j in points}
    candidates = union - points
    neighbours = _NEIGHBOURS if diag else _NEIGHBOURS_NO_DIAG
    grew = True
    while grew and candidates:
        grew = False
        for i, j in sorted(points):
            for di, dj in neighbours:
                p = (i + di, j + dj)
                if p in candidates and (p[0] not in src_aligned or p[1] not in tgt_aligned):
                    points.add(p)
                    candidates.discard(p)
                    src_aligned.add(p[0])
                    tgt_aligned.add(p[1])
                    grew = True
    if final or final_and:
        for direction in (fwd, rev):
            for i, j in sorted(direction - points):
                free_i, free_j = i not in src_aligned, j not in tgt_aligned
                if (free_i and free_j) if final_and else (free_i or free_j):
                    points.add((i, j))
                    src_aligned.add(i)
                    tgt_aligned.add(j)
    return points


def intersection(fwd: Links, rev: Links) -> Links:
    return _to_links(_pairs(fwd) & _pairs(rev))


def union(fwd: Links, rev: Links) -> Links:
    return _to_links(_pairs(fwd) | _pairs(rev))


def union_batch(forward: Sequence[Links], reverse: Sequence[Links]) -> list[Links]:
    """:func:`union` of many sentence pairs in a few vector operations (the same arrays: sorted,
    duplicate-free, int32)."""
    n = len(forward)
    if len(reverse) != n:
        raise ValueError(f"{n} forward but {len(reverse)} reverse link arrays")
    parts = [lk for lk in (*forward, *reverse) if len(lk)]
    if not parts:
        return [empty_links() for _ in range(n)]
    counts = np.fromiter((len(lk) for lk in (*forward, *reverse)), np.int64, 2 * n)
    sent = np.repeat(np.tile(np.arange(n, dtype=np.int64), 2), counts)
    pairs = np.concatenate(parts).astype(np.int64)
    width = int(pairs.max()) + 1
    # Sorted link arrays give two sorted runs of keys, which a stable sort merges in linear time.
    keys = np.sort((sent * width + pairs[:, 0]) * width + pairs[:, 1], kind="stable")
    if len(keys) > 1:
        keys = keys[np.append(True, keys[1:] != keys[:-1])]
    cell = keys % (width * width)
    out = np.stack([cell // width, cell % width], axis=1).astype(np.int32)
    bounds = np.searchsorted(keys // (width * width), np.arange(n + 1)).tolist()
    return [out[bounds[k]:bounds[k + 1]] for k in range(n)]


def grow_diag(fwd: Links, rev: Links) -> Links:
    return _to_links(_grow(_pairs(fwd), _pairs(rev), True, False, False))


def grow_diag_final(fwd: Links, rev: Links) -> Links:
    return _to_links(_grow(_pairs(fwd), _pairs(rev), True, True, False))


def grow_diag_final_and(fwd: Links, rev: Links) -> Links:
    return _to_links(_grow(_pairs(fwd), _pairs(rev), True, False, True))


def forward(fwd: Links, rev: Links) -> Links:
    return fwd


def reverse(fwd: Links, rev: Links) -> Links:
    return rev


METHODS: dict[str, Callable[[Links, Links], Links]] = {
    "intersection": intersection,
    "union": union,
    "grow-diag": grow_diag,
    "grow-diag-final": grow_diag_final,
    "grow-diag-final-and": grow_diag_final_and,
    "forward": forward,
    "reverse": reverse,
}
ALIASES = {"inter": "intersection", "gd": "grow-diag", "gdf": "grow-diag-final",
           "gdfa": "grow-diag-final-and"}


def get_method(name: str) -> Callable[[Links, Links], Links]:
    key = ALIASES.get(name, name).replace("_", "-")
    try:
        return METHODS[key]
    except KeyError:
        raise ConfigError(f"unknown symmetrisation {name!r}; choose one of "
                          f"{', '.join(METHODS)}") from None


def canonical_name(name: str) -> str:
    get_method(name)
    return ALIASES.get(name, name).replace("_", "-")


def symmetrize(fwd: Links, rev: Links, method: str = "grow-diag-final-and") -> Links:
    """Combine forward and reverse links of one sentence pair."""
    return get_method(method)(fwd, rev)
