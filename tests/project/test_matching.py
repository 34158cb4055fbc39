"""The matching projector: extraction + scores + solver, reasons, fallbacks, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from xlner.cli.main import main
from xlner.corpora.conll import read_conll, write_conll
from xlner.data import Entity, Sentence, as_links
from xlner.errors import ConfigError
from xlner.pipelines.report import ProjectionReport
from xlner.project import matching
from xlner.project.base import (
    FALLBACK,
    NO_CANDIDATE,
    NOT_SELECTED,
    OK,
    ProjectionInput,
    Projector,
)
from xlner.project.candidates import ngram_spans
from xlner.project.matching import INFEASIBLE_REASON, MatchingProjector, dominated
from xlner.project.recipes import resolve_method
from xlner.project.scores import AlignScorer, PairGrid
from xlner.project.solvers import IlpSolver


def merkel() -> ProjectionInput:
    return ProjectionInput(
        ["Angela", "Merkel", "visited", "Paris", "and", "Rome", "."],
        ["Frau", "Merkel", "besuchte", "Paris", "und", "Rom", "."],
        [Entity(0, 2, "PER"), Entity(3, 4, "LOC"), Entity(5, 6, "LOC")],
        as_links([(1, 1), (2, 2), (3, 3), (4, 4), (6, 6)]))


def test_projects_onto_the_best_aligned_spans() -> None:
    for solver in ("ilp", "greedy"):
        res = MatchingProjector(solver=solver).project([merkel()])[0]
        assert res.status == OK
        assert res.entities == [Entity(1, 2, "PER"), Entity(3, 4, "LOC")]
        assert res.sources == [0, 1]
        assert [(u.entity, u.reason) for u in res.unprojected] == [(Entity(5, 6, "LOC"),
                                                                    NO_CANDIDATE)]


def test_competing_entities_are_reported_not_selected() -> None:
    item = ProjectionInput(["EU", "Union"], ["EU"], [Entity(0, 1, "ORG"), Entity(1, 2, "ORG")],
                           as_links([(0, 0), (1, 0)]))
    res = MatchingProjector().project([item])[0]
    assert len(res.entities) == 1
    assert [u.reason for u in res.unprojected] == [NOT_SELECTED]


def test_spans_with_exclamation_marks_are_projected() -> None:
    """docs/method.md §6 defect 5: spans holding '!' or '?' were dropped by the reference."""
    item = ProjectionInput(["Yahoo!", "rocks"], ["Yahoo", "!", "rockt", "?"],
                           [Entity(0, 1, "ORG")], as_links([(0, 0), (0, 1)]))
    res = MatchingProjector(scores="align=1").project([item])[0]
    assert res.entities == [Entity(0, 2, "ORG")]


def test_le_two_lands_twice() -> None:
    item = ProjectionInput(["Bonn"], ["Bonn", "und", "wieder", "Bonn"], [Entity(0, 1, "LOC")],
                           as_links([(0, 0), (0, 3)]))
    for solver in ("greedy", "ilp"):
        res = MatchingProjector(solver=solver, n=2).project([item])[0]
        assert res.entities == [Entity(0, 1, "LOC"), Entity(3, 4, "LOC")]
        assert res.sources == [0, 0]
    one = MatchingProjector(n=1).project([item])[0]
    assert len(one.entities) == 1


def test_infeasible_problems_are_reported_with_relaxed_labels() -> None:
    """docs/method.md §6 defect 6: infeasible exact problems silently produced no projection."""
    item = merkel()  # entity 2 (Rome) has no candidate: '= 1' is infeasible
    res = MatchingProjector(constraint="=").project([item])[0]
    assert res.status == FALLBACK
    assert "infeasible" in res.detail and "relaxation" in res.detail
    assert res.entities == [Entity(1, 2, "PER"), Entity(3, 4, "LOC")]
    skipped = MatchingProjector(constraint="=", on_infeasible="skip").project([item])[0]
    assert skipped.status == FALLBACK and skipped.entities == []
    assert {u.reason for u in skipped.unprojected} == {INFEASIBLE_REASON}
    report = ProjectionReport.build([item.entities], [res])
    assert report.fallback and "infeasible" in report.fallback[0]["detail"]
    greedy = MatchingProjector(constraint="=", solver="greedy").project([item])[0]
    assert greedy.status == FALLBACK and "greedy" in greedy.detail


def test_time_limit_fallback_is_reported() -> None:
    rng = np.random.default_rng(0)
    n = 40
    words = [f"w{k}" for k in range(n)]
    ents = [Entity(2 * k, 2 * k + 1, "PER") for k in range(12)]
    links = as_links([(int(i), int(j)) for i, j in rng.integers(0, n, size=(150, 2))])
    item = ProjectionInput(words, words, ents, links)
    slow = MatchingProjector(solver="ilp(fast_paths=false)", time_limit=1e-9)
    res = slow.project([item])[0]
    assert res.status == FALLBACK
    assert "time limit" in res.detail and "greedy" in res.detail
    greedy = MatchingProjector(solver="greedy").project([item])[0]
    assert res.entities == greedy.entities


def test_pruning_dominated_candidates_keeps_the_optimum() -> None:
    rng = np.random.default_rng(9)
    batch = []
    for _ in range(40):
        n_src, n_tgt = int(rng.integers(2, 8)), int(rng.integers(2, 10))
        ents = [Entity(s, s + 1, "X") for s in range(0, n_src, 2)]
        links = as_links([(int(rng.integers(n_src)), int(rng.integers(n_tgt)))
                          for _ in range(int(rng.integers(1, 10)))])
        batch.append(ProjectionInput(["a"] * n_src, ["b"] * n_tgt, ents, links))
    for scores in ("align=1", "align(null_weight=0.3)=1", "align(mode=words)=1,ortho=0.2"):
        pruned = MatchingProjector(scores=scores, prune=True)
        full = MatchingProjector(scores=scores, prune=False)
        a = IlpSolver().solve_batch(pruned.problems(batch))
        b = IlpSolver().solve_batch(full.problems(batch))
        assert len(pruned.problems(batch).score) < len(full.problems(batch).score)
        for x, y in zip(a, b, strict=True):
            assert x.objective == pytest.approx(y.objective)


def test_dominated_marks_only_pairs_with_a_better_sub_span() -> None:
    item = ProjectionInput(["A"], ["x", "y", "z"], [Entity(0, 1, "X")], as_links([(0, 1)]))
    spans = ngram_spans(3, 3)
    grid = PairGrid.build([item], spans=[spans])
    values = AlignScorer().score(grid)
    dom = dominated(grid, values)
    # only [1, 2) is undominated: every other positive span contains it and scores less
    assert [tuple(spans[c]) for c in grid.pair_cand[~dom & (values > 0)]] == [(1, 2)]


def test_large_batches_are_split_without_changing_results(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    batch = [merkel() for _ in range(7)]
    want = MatchingProjector().project(batch)
    monkeypatch.setattr(matching, "MAX_PAIRS", 10)
    got = MatchingProjector().project(batch)
    assert [r.entities for r in got] == [r.entities for r in want]


def test_empty_inputs() -> None:
    none = ProjectionInput(["a"], ["b"], [], as_links([]))
    empty_target = ProjectionInput(["A"], [], [Entity(0, 1, "X")], as_links([]))
    res = MatchingProjector().project([none, empty_target])
    assert res[0].entities == [] and res[0].unprojected == []
    assert [u.reason for u in res[1].unprojected] == ["empty-target"]
    assert MatchingProjector().project([]) == []


def test_recipes_and_config_errors() -> None:
    for name in ("greedy", "ilp", "ilp+ortho", "ilp+lex"):
        method = resolve_method(name)
        assert isinstance(method.projector, Projector)
        assert method.projector.describe()["name"] == "matching"
        assert method.symmetrize
    method = resolve_method("ilp", candidates="aligned", scores="align=1,ortho=0.5@0.6")
    desc = method.projector.describe()
    assert desc["candidates"]["name"] == "aligned"
    assert len(desc["scores"]["terms"]) == 2
    for bad in ({"constraint": "<"}, {"n": 0}, {"on_infeasible": "x"}, {"candidates": "x"},
                {"solver": "nope"}):
        with pytest.raises(ConfigError):
            MatchingProjector(**bad)  # type: ignore[arg-type]


def test_directional_terms_need_directional_links() -> None:
    from xlner.align.util import DirectionalLinks, directional_extras

    item = merkel()
    method = resolve_method("ilp+lex")
    with pytest.raises(ConfigError, match="links_forward"):
        method.projector.project([item])
    extras = directional_extras(DirectionalLinks([item.links], [item.links]))
    assert extras is not None
    item.extras.update(extras[0])
    res = method.projector.project([item])[0]
    # Rome has no link but "Rom" is spelled like it: the orthographic term lands it
    assert res.entities == [Entity(1, 2, "PER"), Entity(3, 4, "LOC"), Entity(5, 6, "LOC")]
    assert directional_extras([item.links]) is None


def write_pair(tmp_path: Path) -> tuple[Path, Path, Path]:
    src = tmp_path / "src.conll"
    tgt = tmp_path / "tgt.conll"
    links = tmp_path / "links.txt"
    item = merkel()
    write_conll(src, [Sentence(tuple(item.src_words), tuple(item.entities)),
                      Sentence(("Hello", "Bob", "!"), (Entity(1, 2, "PER"),))])
    write_conll(tgt, [Sentence(tuple(item.tgt_words)), Sentence(("Hallo", "Bob", "!"))])
    links.write_text("1-1 2-2 3-3 4-4 6-6\n0-0 1-1 2-2\n")
    return src, tgt, links


@pytest.mark.parametrize("extra", [[], ["--candidates", "aligned", "--scores",
                                        "align=1,ortho=0.5@0.6"]])
def test_cli_project_with_ilp(tmp_path: Path, extra: list[str]) -> None:
    src, tgt, links = write_pair(tmp_path)
    out = tmp_path / "out.conll"
    rc = main(["project", "--source", str(src), "--target", str(tgt), "--links", str(links),
               "--method", "ilp", "--out", str(out), *extra])
    assert rc == 0
    projected = read_conll(out)
    assert [list(s.entities) for s in projected] == [
        [Entity(1, 2, "PER"), Entity(3, 4, "LOC")], [Entity(1, 2, "PER")]]
    signature = json.loads((tmp_path / "out.conll.signature.json").read_text())
    text = json.dumps(signature)
    assert "matching" in text and "ilp" in text
    report = json.loads((tmp_path / "out.conll.report.json").read_text())
    assert report["unprojected"] == {NO_CANDIDATE: 1}


def test_cli_rejects_bad_scores(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, tgt, links = write_pair(tmp_path)
    rc = main(["project", "--source", str(src), "--target", str(tgt), "--links", str(links),
               "--method", "ilp", "--scores", "align=oops", "--out", str(tmp_path / "o.conll")])
    assert rc == 2
    assert "align=oops" in capsys.readouterr().err


def test_extend_grows_chosen_spans_over_second_view_links() -> None:
    from xlner.project.base import LINKS_FORWARD, LINKS_REVERSE

    # "Chris ( U.S. )" -> "uChris ( waseUnited States )": the intersection links U.S. to
    # waseUnited only; the forward direction also to States
    inter = as_links([(0, 0), (1, 1), (2, 2), (3, 4)])
    fwd = as_links([(0, 0), (1, 1), (2, 2), (2, 3), (3, 4)])
    it = ProjectionInput(["Chris", "(", "U.S.", ")"], ["uChris", "(", "waseUnited", "States", ")"],
                         [Entity(0, 1, "PER"), Entity(2, 3, "LOC")], inter,
                         extras={LINKS_FORWARD: fwd, LINKS_REVERSE: inter})
    plain = MatchingProjector("aligned", "align(null_weight=0.5)=1").project([it])[0]
    assert plain.entities == [Entity(0, 1, "PER"), Entity(2, 3, "LOC")]
    grown = MatchingProjector("aligned", "align(null_weight=0.5)=1", extend="union").project(
        [it])[0]
    assert grown.entities == [Entity(0, 1, "PER"), Entity(2, 4, "LOC")]
    assert grown.sources == [0, 1]
    # a word the primary links tie to another source word is never taken
    tied = as_links([(0, 0), (1, 1), (2, 2), (0, 3), (3, 4)])
    it.links = tied
    it.extras = {LINKS_FORWARD: fwd, LINKS_REVERSE: tied}
    held = MatchingProjector("aligned", "align(null_weight=0.5)=1", extend="union").project(
        [it])[0]
    assert Entity(2, 4, "LOC") not in held.entities


def test_lex_recipe_projects_alike_on_the_supported_and_the_full_grid(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from xlner.bench.speed import synthetic_batch
    from xlner.project.scores import FusionScorer

    batch = synthetic_batch(30, min_len=10, max_len=30, entities=(1, 6), seed=4)
    method = resolve_method("ilp+lex+adj")
    calls: list[int] = []
    original = FusionScorer.support

    def counted(self: FusionScorer, grid: PairGrid) -> object:
        found = original(self, grid)
        calls.append(found is not None)
        return found

    monkeypatch.setattr(FusionScorer, "support", counted)
    fast = method.projector.project(batch)
    assert calls and all(calls)  # every term of ilp+lex has a support: the fast path ran
    monkeypatch.setattr(FusionScorer, "support", lambda self, grid: None)
    full = method.projector.project(batch)
    assert sum(len(r.entities) for r in fast) > 0
    assert [(r.entities, r.sources, r.unprojected) for r in fast] == [
        (r.entities, r.sources, r.unprojected) for r in full]


@pytest.mark.parametrize("scores", ["align(null_weight=0)=1,ortho=0.1@0.6,lexicon=0.5@0.2",
                                    "ortho=1@0.3", "ortho(n=3)=1@0.9,lexicon=1@0.5"])
def test_thresholded_supports_give_the_full_grids_problems(
        monkeypatch: pytest.MonkeyPatch, scores: str) -> None:
    """Terms with a threshold give a smaller support (only what a pair reaching it needs);
    the solver still gets exactly the entries of the full grid."""
    import dataclasses

    from xlner.bench.speed import synthetic_batch
    from xlner.project.scores import FusionScorer

    batch = synthetic_batch(30, min_len=10, max_len=30, entities=(1, 6), seed=4)
    projector = MatchingProjector("ngrams:6+aligned", scores)
    projector.scorer.prepare(batch)  # type: ignore[attr-defined]
    fast = projector.problems(batch)
    monkeypatch.setattr(FusionScorer, "support", lambda self, grid: None)
    full = projector.problems(batch)
    assert len(fast.score) > 0
    for field in dataclasses.fields(fast):
        a, b = getattr(fast, field.name), getattr(full, field.name)
        assert np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b, field.name
