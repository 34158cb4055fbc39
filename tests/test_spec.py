"""The spec grammar: names, parameters, bracketed values, symmetrisation, one error shape."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

import xlner.align
import xlner.translate  # noqa: F401  (registers the translators)
from xlner.corpora.labels import LabelMap
from xlner.errors import ConfigError
from xlner.pipelines.filters import parse_filters
from xlner.project.candidates import create_extractor
from xlner.project.recipes import resolve_method
from xlner.project.scores import create_scorer
from xlner.registry import aligners, translators
from xlner.spec import Part, Spec, parse, parts


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
                                          r"anchor_prior, bitext, data_dir, .*seed"):
        aligners.create("eflomal(sede=3)")
    with pytest.raises(ConfigError, match=r"unknown key 'dd'; valid keys: .*\bd\b"):
        resolve_method("heuristic(dd=3)")


def test_methods_resolve_as_before() -> None:
    method = resolve_method("heuristic(d=1)@union")
    assert method.symmetrize == "union"
    assert method.projector.describe()["d"] == 1
    assert resolve_method("ilp").symmetrize == "intersection"  # the recipe's own


def test_list_items_carry_their_offsets() -> None:
    assert parts(" a, b(x=1,y=2) ,,[c,d]") == [Part("a", 1), Part("b(x=1,y=2)", 4),
                                                 Part("[c,d]", 17)]
    assert parts("ngrams:10+aligned", "+") == [Part("ngrams:10", 0), Part("aligned", 10)]
    assert parse("ngrams : 10", shorthand={"ngrams": "n"}) == Spec("ngrams", {"n": 10})


@pytest.mark.parametrize(("make", "text", "message"), [
    (create_extractor, "ngrams:10+algned",
     "invalid candidate spec 'ngrams:10+algned' at position 10: unknown candidate 'algned'; "
     "valid names: aligned, ngrams, tagger"),
    (create_extractor, "aligned+tagger:3",
     "invalid candidate spec 'aligned+tagger:3' at position 14: 'tagger' takes no ':' "
     "argument; valid names with ':': aligned:N, ngrams:N"),
    (create_extractor, "ngrams(n=8", "at position 6: '(' is never closed"),
    (create_scorer, "align=1,ortho=0.5@", "invalid score spec 'align=1,ortho=0.5@' at "
     "position 18: expected a threshold"),
    (create_scorer, "align=1,ortho(n=3)=0.5,lexicn=1", "at position 23: unknown scorer "
     "'lexicn'; valid names: align, "),
    (LabelMap.parse, "MISC=O,PER", "invalid label map spec 'MISC=O,PER' at position 7: "
     "parameter 'PER' is not of the form FROM=TO"),
    (parse_filters, "no-failed, shiny", "invalid training-data filter spec 'no-failed, shiny' "
     "at position 11: unknown training-data filter 'shiny'; valid names: complete, "),
    (parse_filters, "prose,complete,prose", "at position 15: filter 'prose' is given twice"),
    (aligners.create, "eflomal(seed=3,sede=4)", "invalid aligner spec "
     "'eflomal(seed=3,sede=4)' at position 15: aligner 'eflomal': unknown key 'sede'; valid "
     "keys: anchor_prior, bitext, "),
    (translators.create, "ct2(model=m,beem_size=3)", "invalid translator spec "
     "'ct2(model=m,beem_size=3)' at position 12: translator 'ct2': unknown key 'beem_size'; "
     "valid keys: beam_size, compute_type, device, "),  # the base's settings are keys too
    (resolve_method, "ilp(candidates=ngrams:8,nn=2)", "invalid projection method spec "
     "'ilp(candidates=ngrams:8,nn=2)' at position 24: projection method 'ilp': unknown key "
     "'nn'; valid keys: adjective_label, "),
])
def test_every_parser_gives_the_one_error_shape(make: Callable[[str], object], text: str,
                                                message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        make(text)


def test_the_accepted_spellings_still_parse() -> None:
    assert create_extractor("ngrams:10+aligned").describe() == {
        "name": "union", "version": 1, "parts": [
            {"name": "ngrams", "version": 1, "n": 10},
            {"name": "aligned", "version": 1, "max_len": None}]}
    assert create_extractor("aligned:12").describe()["max_len"] == 12
    assert create_extractor("ngrams(n=8)").describe()["n"] == 8
    fusion = create_scorer("align(null_weight=0)=1,ortho=0.1@0.6,lexicon~0.2").describe()
    assert [(t["scorer"]["name"], t["weight"], t["threshold"], t["bonus"])
            for t in fusion["terms"]] == [("align", 1.0, 0.0, False),
                                          ("ortho", 0.1, 0.6, False),
                                          ("lexicon", 0.2, 0.0, True)]
    assert LabelMap.parse(" MISC=O , PERSON=PER ").mapping == {"MISC": "O", "PERSON": "PER"}
    assert LabelMap.parse("X=1").mapping == {"X": "1"}  # labels stay strings
    assert parse_filters("no-failed,prose:0.7,without:MISC,none") == [
        "no-failed", "prose:0.7", "without:MISC"]
    method = resolve_method("matching(candidates=ngrams:10,scores=[align=1,ortho=0.5],"
                            "solver=ilp)")
    assert method.projector.describe()["candidates"]["n"] == 10
