"""Projection over parallel text with its alignment stage (the body of ``xlner project``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from xlner.corpora.conll import read_conll
from xlner.corpora.corpus import Corpus
from xlner.data import Entity, Sentence
from xlner.pipelines.parallel import project_parallel

SOURCE = Corpus([Sentence(("Angela", "Merkel", "visited", "Paris", "."),
                          (Entity(0, 2, "PER"), Entity(3, 4, "LOC")))] * 6, name="en")
TARGET = Corpus([Sentence(("Angela", "Merkel", "besuchte", "Paris", "."))] * 6, name="de")


def test_writes_the_projection_and_reuses_the_alignment(tmp_path: Path) -> None:
    out = tmp_path / "de.conll"
    first = project_parallel(SOURCE, TARGET, "heuristic", out=out)
    assert not first.reused_alignment
    assert read_conll(out)[0].entities == (Entity(0, 2, "PER"), Entity(3, 4, "LOC"))
    signature = json.loads(out.with_name("de.conll.signature.json").read_text())
    assert signature["components"]["aligner"]["name"] == "eflomal"
    assert signature["params"]["symmetrize"] == "intersection"  # the method's own
    report = json.loads(out.with_name("de.conll.report.json").read_text())
    assert report["projected_entities"] == 12
    again = project_parallel(SOURCE, TARGET, "heuristic", out=out)
    assert again.reused_alignment
    assert again.run.corpus.sentences == first.run.corpus.sentences


def test_precomputed_links_are_used_as_given() -> None:
    links = [np.array([[0, 1], [1, 0], [3, 3]], dtype=np.int32)] * len(SOURCE)
    done = project_parallel(SOURCE, TARGET, "ilp", links=links, links_origin="given.txt")
    assert done.run.corpus[0].entities == (Entity(0, 2, "PER"), Entity(3, 4, "LOC"))
    assert done.signature["inputs"]["links"] == {"path": "given.txt"}  # no such file: no digest
    assert "aligner" not in done.signature["components"]


def test_a_pair_over_the_limits_is_reported_failed_and_not_aligned(tmp_path: Path) -> None:
    from xlner.align.store import AlignmentStore
    from xlner.project.limits import Limits

    long = Sentence(tuple(["Paris"] + ["x"] * 40), (Entity(0, 1, "LOC"),))
    source = Corpus([*SOURCE.sentences, long], name="en")
    target = Corpus([*TARGET.sentences, Sentence(tuple(["Paris"] + ["y"] * 40))], name="de")
    store = AlignmentStore(tmp_path / "store")
    out = tmp_path / "de.conll"
    done = project_parallel(source, target, "heuristic", out=out, store=store,
                            limits=Limits(max_words=20))
    assert done.run.corpus[0].entities == (Entity(0, 2, "PER"), Entity(3, 4, "LOC"))
    assert done.run.corpus[6].entities == ()
    assert done.run.results[6].status == "error"
    assert "source sentence has 41 words (max_words=20" in done.run.results[6].detail
    report = json.loads(out.with_name("de.conll.report.json").read_text())
    assert report["failed_sentences"][0]["sentence"] == 6
    assert report["unprojected"] == {"over-limit": 1}
    assert done.signature["params"]["limits"]["max_words"] == 20
    # the stored alignment holds the six pairs within the limits only
    (stored,) = [p for p in (tmp_path / "store").iterdir()]
    assert len((stored / "forward.txt").read_text().splitlines()) == 6
    again = project_parallel(source, target, "ilp", store=store, limits=Limits(max_words=20))
    assert again.reused_alignment and again.run.results[6].status == "error"


def test_a_second_method_reads_neither_the_bitext_nor_realigns(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import xlner.corpora.named as named
    from xlner.align import EflomalAligner
    from xlner.align.store import AlignmentStore

    d = tmp_path / "bt"
    d.mkdir()
    (d / "t.en").write_text("Angela Merkel visited Paris .\n" * 5, encoding="utf-8")
    (d / "t.de").write_text("Angela Merkel besuchte Paris .\n" * 5, encoding="utf-8")
    store = AlignmentStore(tmp_path / "store")
    first = project_parallel(SOURCE, TARGET, "heuristic", store=store,
                             aligner=EflomalAligner(bitext=f"{d}:en-de"))

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("the bitext was read")

    monkeypatch.setattr(named, "read_bitext", fail)
    second = project_parallel(SOURCE, TARGET, "ilp", store=store,
                              aligner=EflomalAligner(bitext=f"{d}:en-de"))
    assert second.reused_alignment
    # the signature describes the aligner (its bitext's pairs) as the first run did
    assert second.signature["components"]["aligner"] == first.signature["components"]["aligner"]
    assert second.signature["components"]["aligner"]["bitext"]["pairs"] == 5
