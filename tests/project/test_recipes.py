from __future__ import annotations

import pytest

from xlner.errors import ConfigError
from xlner.project.heuristic import HeuristicProjector
from xlner.project.recipes import RECIPES, resolve_method, split_methods


def test_recipe_with_overrides_and_symmetrisation() -> None:
    m = resolve_method("heuristic(d=2,thr=0.5)@union")
    assert isinstance(m.projector, HeuristicProjector)
    assert (m.projector.d, m.projector.thr) == (2, 0.5)
    assert m.symmetrize == "union"
    base = resolve_method("heuristic")
    assert base.symmetrize == RECIPES["heuristic"].symmetrize


def test_paper_setting() -> None:
    p = resolve_method("heuristic-paper").projector
    assert isinstance(p, HeuristicProjector)
    assert (p.d, p.k, p.only_i, p.thr) == (1, None, False, 0.8)


def test_class_defaults_are_the_published_setting() -> None:
    p = HeuristicProjector()
    assert (p.d, p.k, p.only_i, p.thr) == (1, None, False, 0.8)


def test_split_methods_respects_parentheses() -> None:
    assert split_methods("heuristic(d=2,thr=0.5),heuristic-paper, x@union") == [
        "heuristic(d=2,thr=0.5)", "heuristic-paper", "x@union"]


@pytest.mark.parametrize("spec", ["nope", "heuristic(d=-1)", "heuristic(bogus=1)", "(x)"])
def test_bad_specs(spec: str) -> None:
    with pytest.raises(ConfigError):
        resolve_method(spec)
