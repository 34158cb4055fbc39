"""link_views: the link views of a batch, the union computed for the batch at once."""

from __future__ import annotations

import pytest

from xlner.align.symmetrize import symmetrize
from xlner.data import as_links, empty_links
from xlner.errors import ConfigError
from xlner.project.base import LINKS_FORWARD, LINKS_REVERSE, ProjectionInput, link_views

FWD = as_links([(0, 0), (1, 1), (2, 1), (3, 3)])
REV = as_links([(0, 0), (1, 1), (2, 2), (3, 3), (3, 4)])


def test_link_views_fill_the_union_cache_for_the_batch() -> None:
    items = [ProjectionInput(["a", "b"], ["x", "y"], [], FWD,
                             {LINKS_FORWARD: FWD, LINKS_REVERSE: REV}) for _ in range(3)]
    items.append(ProjectionInput(["a"], ["x"], [], empty_links(),
                                 {LINKS_FORWARD: empty_links(), LINKS_REVERSE: empty_links()}))
    views = link_views(items, "union")
    assert [v.tolist() for v in views[:3]] == [symmetrize(FWD, REV, "union").tolist()] * 3
    assert views[3].shape == (0, 2)
    assert all(item.extras["links:union"] is v for item, v in zip(items, views, strict=True))
    assert [v.tolist() for v in link_views(items, "intersection")[:1]] == [
        symmetrize(FWD, REV, "intersection").tolist()]
    with pytest.raises(ConfigError, match="forward and reverse"):
        link_views([ProjectionInput(["a"], ["x"], [], FWD)] * 2, "union")
