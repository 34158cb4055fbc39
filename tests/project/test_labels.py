"""Names translated as adjectives are relabelled (MISC under the CoNLL guidelines)."""

from __future__ import annotations

from xlner.data import Entity, as_links
from xlner.project.base import ProjectionInput
from xlner.project.heuristic import HeuristicProjector
from xlner.project.labels import name_adjective, projected_label
from xlner.project.matching import MatchingProjector
from xlner.project.recipes import resolve_method

SRC = ["Europe", "and", "the", "internet", "help", "Belgium", "'s", "farmers"]
TGT = ["das", "europäische", "Internet", "hilft", "belgischen", "Landwirten"]


def test_name_adjective() -> None:
    europe, internet = Entity(0, 1, "LOC"), Entity(3, 4, "MISC")
    assert name_adjective(SRC, europe, TGT, 1, 2)
    assert not name_adjective(SRC, europe, TGT, 2, 3)  # capitalised target word
    assert not name_adjective(SRC, europe, TGT, 0, 2)  # two words
    assert not name_adjective(SRC, internet, TGT, 1, 2)  # the source is no name
    assert not name_adjective(["Москва"], Entity(0, 1, "LOC"), ["北京"], 0, 1)  # no letter case
    assert projected_label(SRC, europe, TGT, 1, 2, "MISC") == "MISC"
    assert projected_label(SRC, europe, TGT, 1, 2, None) == "LOC"
    assert projected_label(SRC, europe, TGT, 2, 3, "MISC") == "LOC"


def item() -> ProjectionInput:
    return ProjectionInput(SRC, TGT, [Entity(0, 1, "LOC"), Entity(3, 4, "ORG"),
                                      Entity(5, 6, "LOC")],
                           as_links([(0, 1), (3, 2), (4, 3), (5, 4), (7, 5)]))


def test_projectors_relabel_adjectives_only_when_asked() -> None:
    for projector in (MatchingProjector(), HeuristicProjector(thr=None)):
        assert [e.label for e in projector.project([item()])[0].entities] == ["LOC", "ORG", "LOC"]
    for projector in (MatchingProjector(adjective_label="MISC"),
                      HeuristicProjector(thr=None, adjective_label="MISC")):
        res = projector.project([item()])[0]
        assert res.entities == [Entity(1, 2, "MISC"), Entity(2, 3, "ORG"), Entity(4, 5, "MISC")]
        assert res.sources == [0, 1, 2]
        assert projector.describe()["adjective_label"] == "MISC"


def test_recipes_accept_the_option() -> None:
    method = resolve_method("ilp+lex(adjective_label=MISC)")
    assert method.projector.describe()["adjective_label"] == "MISC"
    for name in ("heuristic+adj", "ilp+lex+adj"):
        assert resolve_method(name).projector.describe()["adjective_label"] == "MISC"
    assert resolve_method("ilp+lex").projector.describe()["adjective_label"] is None
