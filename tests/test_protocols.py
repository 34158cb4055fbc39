"""Components: describe() derived from the constructor's settings, pinned to earlier outputs."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from xlner.project.candidates import create_extractor
from xlner.project.recipes import resolve_method
from xlner.project.scores import create_scorer
from xlner.protocols import Component, settings_of
from xlner.registry import solvers

# describe() outputs as the hand-written methods gave them before they were derived: the
# signatures (and so the stage keys and cached results) keep their keys and values.
ALIGN = {"name": "align", "version": 1, "mode": "links", "null_weight": 0.0, "links": None}
ORTHO = {"name": "ortho", "version": 2, "n": 2, "fold": False, "romanize": True, "key": False}
LEXICON = {"name": "lexicon", "version": 1, "links": "union", "lowercase": True}
ILP = {"name": "ilp", "version": 1, "backend": "highs", "time_limit": 1.0, "fast_paths": True,
       "max_work": 200000, "milp_batch": 256}
PINNED: list[tuple[Any, dict[str, Any]]] = [
    (lambda: resolve_method("heuristic(d=2,k=3)@union").describe(), {
        "name": "heuristic(d=2,k=3)@union", "symmetrize": "union", "projector": {
            "name": "heuristic", "version": 1, "d": 2, "k": 3, "only_i": False, "thr": None,
            "extend": "reverse", "extend_words": "any", "adjective_label": None}}),
    (lambda: resolve_method("ilp+lex+adj").describe(), {
        "name": "ilp+lex+adj", "symmetrize": "intersection", "projector": {
            "name": "matching", "version": 1,
            "candidates": {"name": "union", "version": 1, "parts": [
                {"name": "ngrams", "version": 1, "n": 10},
                {"name": "aligned", "version": 1, "max_len": None}]},
            "scores": {"name": "fusion", "version": 1, "gate": False, "terms": [
                {"scorer": ALIGN, "weight": 1.0, "threshold": 0.0, "bonus": False},
                {"scorer": ORTHO, "weight": 0.1, "threshold": 0.6, "bonus": False},
                {"scorer": LEXICON, "weight": 0.5, "threshold": 0.2, "bonus": False}]},
            "solver": ILP, "constraint": "<=", "n": 1, "min_score": 0.0, "prune": True,
            "on_infeasible": "relax", "adjective_label": "MISC", "extend": None,
            "extend_words": "any"}}),
    (lambda: solvers.create("ilp(time_limit=2,milp_batch=8)").describe(),
     {**ILP, "time_limit": 2.0, "milp_batch": 8}),
    (lambda: solvers.create("greedy(fast_path=false)").describe(),
     {"name": "greedy", "version": 1, "fast_path": False}),
    (lambda: create_extractor("ngrams:10+aligned:5+tagger").describe(), {
        "name": "union", "version": 1, "parts": [
            {"name": "ngrams", "version": 1, "n": 10},
            {"name": "aligned", "version": 1, "max_len": 5},
            {"name": "tagger", "version": 1, "key": "tagger_spans"}]}),
    (lambda: create_scorer("tagger").describe(), {
        "name": "fusion", "version": 1, "gate": False, "terms": [
            {"scorer": {"name": "tagger", "version": 1, "mode": "class", "alpha": 1.15,
                        "threshold": 0.05}, "weight": 1.0, "threshold": 0.0, "bonus": False}]}),
]


@pytest.mark.parametrize(("make", "expected"), PINNED)
def test_derived_descriptions_keep_the_previous_keys_and_values(
        make: Any, expected: dict[str, Any]) -> None:
    assert make() == expected


def test_heuristic_keeps_the_previous_key_order() -> None:
    projector = resolve_method("heuristic").projector.describe()
    assert list(projector) == ["name", "version", "d", "k", "only_i", "thr", "extend",
                               "extend_words", "adjective_label"]


class _Inner(Component):
    name = "inner"

    def __init__(self, x: int = 1) -> None:
        self.x = x


class _Outer(Component):
    name = "outer"
    version = 3
    setting_attrs: ClassVar[dict[str, str]] = {"inner": "part"}
    hidden_settings = frozenset({"device"})

    def __init__(self, inner: _Inner, parts: list[_Inner], rate: float = 0.5,
                 device: str = "cpu") -> None:
        self.part = inner
        self._parts = parts
        self.rate = rate


def test_settings_are_read_renamed_hidden_and_nested() -> None:
    outer = _Outer(_Inner(2), [_Inner(3)], rate=0.25, device="cuda")
    assert outer.describe() == {"name": "outer", "version": 3,
                                "inner": {"name": "inner", "version": 1, "x": 2},
                                "parts": [{"name": "inner", "version": 1, "x": 3}],
                                "rate": 0.25}


def test_a_setting_held_nowhere_is_an_error_not_left_out() -> None:
    class Forgetful(Component):
        name = "forgetful"

        def __init__(self, alpha: float = 1.0) -> None:
            self.a = alpha

    with pytest.raises(TypeError, match="Forgetful: setting 'alpha' is held under no "
                                        "attribute 'alpha'"):
        Forgetful().describe()

    class Plain:  # not a Component: a setting it does not hold is skipped, as before
        def __init__(self, alpha: float = 1.0) -> None:
            self.a = alpha

    assert settings_of(Plain()) == {"name": "Plain", "version": 1}
