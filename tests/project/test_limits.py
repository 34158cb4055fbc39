"""Per-sentence limits: violations named with the limit, the candidate limit in matching."""

from __future__ import annotations

import numpy as np
import pytest

from xlner.data import Entity
from xlner.errors import ConfigError
from xlner.project.base import ERROR, OVER_LIMIT, ProjectionInput
from xlner.project.limits import MAX_WORDS, Limits, current_limits, using_limits
from xlner.project.matching import MatchingProjector


def test_pair_violations_name_the_limit_and_the_side() -> None:
    lim = Limits(max_words=10, max_entities=2)
    assert lim.pair_violation(10, 10, 2) is None
    assert "target sentence has 11 words (max_words=10" in str(lim.pair_violation(3, 11, 0))
    assert "3 source entities (max_entities=2" in str(lim.pair_violation(3, 3, 3))
    # the aligner's own maximum holds even when the limit is off or higher
    assert "aligner's maximum of 5" in str(Limits(max_words=0).pair_violation(6, 1, 0, 5))
    assert Limits(max_words=0, max_entities=0).pair_violation(10**6, 1, 10**4) is None
    found = lim.violations([("a",)] * 3, [("b",) * 12, ("b",), ("b",)], [(), (), (1, 2, 3)])
    assert sorted(found) == [0, 2]


@pytest.mark.parametrize("bad", [-1, 1.5, True, "3"])
def test_bad_limits_are_configuration_errors(bad: object) -> None:
    with pytest.raises(ConfigError, match="max_words"):
        Limits(max_words=bad)  # type: ignore[arg-type]


def test_using_limits_is_scoped() -> None:
    assert current_limits().max_words == MAX_WORDS
    with using_limits(Limits(max_candidates=7)):
        assert current_limits().max_candidates == 7
    assert current_limits() == Limits()


def test_matching_reports_a_sentence_over_the_candidate_limit() -> None:
    long_words = tuple(f"w{k}" for k in range(30))
    links = np.array([[0, 0], [1, 1]], dtype=np.int32)
    batch = [ProjectionInput(("A", "B"), long_words, [Entity(0, 2, "PER")], links),
             ProjectionInput(("A", "B"), ("A", "B"), [Entity(0, 2, "PER")], links)]
    projector = MatchingProjector(candidates="ngrams:10")
    with using_limits(Limits(max_candidates=100)):  # 30 words: 255 spans of <= 10 words
        first, second = projector.project(batch)
    assert first.status == ERROR and "255 candidate spans (max_candidates=100" in first.detail
    assert [u.reason for u in first.unprojected] == [OVER_LIMIT]
    assert second.entities == [Entity(0, 2, "PER")]
    # under the default limit both are solved
    assert all(r.status != ERROR for r in projector.project(batch))
