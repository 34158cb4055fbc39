"""Component specs: parameters, nesting, bracketed values."""

from __future__ import annotations

import pytest

from xlner.errors import ConfigError
from xlner.registry import parse_params, parse_spec, split_top


def test_plain_parameters_are_typed() -> None:
    assert parse_params("a=1,b=0.5,c=true,d=none,e=x") == {
        "a": 1, "b": 0.5, "c": True, "d": None, "e": "x"}
    assert parse_params("") == {}


def test_nested_specs_and_bracketed_values_keep_their_commas() -> None:
    name, params = parse_spec("matching(candidates=ngrams:10+tagger,"
                              "scores=[align=0.5,tagger(mode=span)=0.5],solver=ilp)")
    assert name == "matching"
    assert params == {"candidates": "ngrams:10+tagger",
                      "scores": "align=0.5,tagger(mode=span)=0.5", "solver": "ilp"}
    assert parse_params("aligner=eflomal(seed=3,symmetrize=union),k=2") == {
        "aligner": "eflomal(seed=3,symmetrize=union)", "k": 2}
    assert split_top("a,(b,c),[d,e]") == ["a", "(b,c)", "[d,e]"]


def test_bad_parameters_are_errors() -> None:
    with pytest.raises(ConfigError, match="key=value"):
        parse_params("a=1,oops")
    with pytest.raises(ConfigError, match="key=value"):
        # an unbracketed fused score: its commas would split it
        parse_params("scores=align=0.5,tagger(mode=span)=0.5")
