from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlner.align.symmetrize import get_method, symmetrize
from xlner.data import Links, as_links, empty_links
from xlner.errors import ConfigError


def pairs(links: Links) -> set[tuple[int, int]]:
    return {(i, j) for i, j in links.tolist()}


FWD = as_links([(0, 0), (1, 1), (2, 1), (3, 3)])
REV = as_links([(0, 0), (1, 1), (2, 2), (3, 3), (3, 4)])


def test_intersection_and_union() -> None:
    assert pairs(symmetrize(FWD, REV, "intersection")) == {(0, 0), (1, 1), (3, 3)}
    assert pairs(symmetrize(FWD, REV, "union")) == {(0, 0), (1, 1), (2, 1), (2, 2), (3, 3),
                                                    (3, 4)}


def test_grow_diag_adds_neighbours_of_unaligned_words() -> None:
    out = pairs(symmetrize(FWD, REV, "grow-diag"))
    # (2,1) neighbours (1,1) while source word 2 is unaligned; then (2,2) and (3,4) follow
    assert out == {(0, 0), (1, 1), (2, 1), (2, 2), (3, 3), (3, 4)}
    # a union point next to no alignment point is not grown into
    far = symmetrize(as_links([(0, 0), (5, 5)]), as_links([(0, 0), (6, 6)]), "grow-diag")
    assert pairs(far) == {(0, 0)}


def test_final_and_requires_both_words_unaligned() -> None:
    fwd = as_links([(0, 0), (2, 5)])
    rev = as_links([(0, 0)])
    assert pairs(symmetrize(fwd, rev, "grow-diag-final-and")) == {(0, 0), (2, 5)}
    fwd2 = as_links([(0, 0), (0, 5)])
    assert pairs(symmetrize(fwd2, rev, "grow-diag-final-and")) == {(0, 0)}
    assert pairs(symmetrize(fwd2, rev, "grow-diag-final")) == {(0, 0), (0, 5)}


link_sets = st.sets(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=20).map(
    lambda s: as_links(sorted(s)) if s else empty_links())


@given(link_sets, link_sets)
def test_symmetrisations_are_nested(fwd: Links, rev: Links) -> None:
    inter = pairs(symmetrize(fwd, rev, "intersection"))
    gd = pairs(symmetrize(fwd, rev, "grow-diag"))
    gdf = pairs(symmetrize(fwd, rev, "grow-diag-final"))
    gdfa = pairs(symmetrize(fwd, rev, "grow-diag-final-and"))
    union = pairs(symmetrize(fwd, rev, "union"))
    # final and final-and are greedy passes, so gdfa and gdf need not be nested
    assert inter <= gd <= gdfa <= union
    assert gd <= gdf <= union


def test_output_is_sorted_int32() -> None:
    out = symmetrize(REV, FWD, "grow-diag-final-and")
    assert out.dtype == np.int32 and out.shape[1] == 2
    assert out.tolist() == sorted(out.tolist())


def test_unknown_method() -> None:
    with pytest.raises(ConfigError, match="grow-diag"):
        get_method("grow")
    assert get_method("gdfa") is get_method("grow-diag-final-and")


@given(st.lists(st.tuples(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=8),
                          st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=8)),
                max_size=6))
def test_union_batch_is_the_union_of_each_pair(data: list) -> None:
    from xlner.align.symmetrize import union, union_batch

    fwd = [as_links(f) for f, _ in data]
    rev = [as_links(r) for _, r in data]
    got = union_batch(fwd, rev)
    assert len(got) == len(data)
    for f, r, links in zip(fwd, rev, got, strict=True):
        want = union(f, r)
        assert links.dtype == np.int32 and links.shape == want.shape
        assert links.tolist() == want.tolist()

