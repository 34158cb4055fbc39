"""The spec grammar: names, parameters, bracketed values, symmetrisation, one error shape."""

from __future__ import annotations

import pytest

from xlner.errors import ConfigError
from xlner.project.recipes import resolve_method
from xlner.registry import aligners
from xlner.spec import Spec, parse


def test_a_spec_parses_into_name_params_and_symmetrisation() -> None:
    assert parse("heuristic(d=1,thr=0.8)@grow-diag", symmetrize=True) == Spec(
        "heuristic", {"d": 1, "thr": 0.8}, "grow-diag")
    assert parse(" ilp+lex ") == Spec("ilp+lex", {}, None)
    assert parse("matching(scores=[align=1,ortho=0.5@0.6],candidates=ngrams:10)") == Spec(
        "matching", {"scores": "align=1,ortho=0.5@0.6", "candidates": "ngrams:10"})
    assert parse({"name": "eflomal", "seed": 3}) == Spec("eflomal", {"seed": 3})


@pytest.mark.parametrize(("text", "message"), [
    ("ilp(k=1", "invalid method spec 'ilp(k=1' at position 3: '(' is never closed"),
    ("ilp(k=1,oops)", "at position 8: parameter 'oops' is not of the form key=value"),
    ("ilp(k=1)x", "at position 8: unexpected 'x'; expected '(' , '@' or the end"),
    ("ilp@", "at position 4: expected a symmetrisation after '@'"),
    ("(k=1)", "at position 0: expected a name"),
])
def test_errors_name_the_position(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(text, what="method", symmetrize=True)


def test_an_unknown_name_lists_the_valid_ones() -> None:
    with pytest.raises(ConfigError, match=r"at position 0: unknown projection method "
                                          r"'ilq\+lex'; valid names: greedy, heuristic, "):
        resolve_method("ilq+lex")


def test_an_unknown_key_lists_the_valid_ones() -> None:
    with pytest.raises(ConfigError, match=r"aligner 'eflomal': unknown key 'sede'; valid keys: "
                                          r"bitext, data_dir, .*seed"):
        aligners.create("eflomal(sede=3)")
    with pytest.raises(ConfigError, match=r"unknown key 'dd'; valid keys: .*\bd\b"):
        resolve_method("heuristic(dd=3)")


def test_methods_resolve_as_before() -> None:
    method = resolve_method("heuristic(d=1)@union")
    assert method.symmetrize == "union"
    assert method.projector.describe()["d"] == 1
    assert resolve_method("ilp").symmetrize == "intersection"  # the recipe's own
