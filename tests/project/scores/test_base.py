"""The scorer registry and protocol."""

from __future__ import annotations

import pytest

from xlner.errors import ConfigError
from xlner.project.scores import AlignScorer, Scorer
from xlner.registry import scorers


def test_scorers_are_registered_and_follow_the_protocol() -> None:
    assert {"align", "ortho", "lexicon", "fusion"} <= set(scorers.names())
    for name in ("align", "ortho", "lexicon", "fusion"):
        scorer = scorers.create(name)
        assert isinstance(scorer, Scorer)
        assert scorer.describe()["name"] == name
    with pytest.raises(ConfigError):
        AlignScorer(mode="nope")
    with pytest.raises(ConfigError):
        AlignScorer(null_weight=2)
