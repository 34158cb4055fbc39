from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from xlner.corpora.corpus import Corpus
from xlner.data import Entity, Sentence, as_links
from xlner.errors import InputError
from xlner.pipelines.project import project_corpus
from xlner.project.base import ERROR, FAILED, ProjectionInput, ProjectionResult
from xlner.project.heuristic import HeuristicProjector


class Flaky(HeuristicProjector):
    """Fails on any sentence whose first source word is 'boom'."""

    def project(self, batch: Sequence[ProjectionInput]) -> list[ProjectionResult]:
        for it in batch:
            if it.src_words[0] == "boom":
                raise RuntimeError("kaput")
        return super().project(batch)

    def describe(self) -> dict[str, Any]:
        return {"name": "flaky"}


def corpora() -> tuple[Corpus, list[tuple[str, ...]], list]:
    src = Corpus([Sentence(("Anna", "runs"), (Entity(0, 1, "PER"),)),
                  Sentence(("boom", "Rome"), (Entity(1, 2, "LOC"),)),
                  Sentence(("Paris", "wins"), (Entity(0, 1, "LOC"),))], name="src")
    tgt = [("Anna", "läuft"), ("bumm", "Rom"), ("Paris", "gewinnt")]
    links = [as_links([(0, 0), (1, 1)])] * 3
    return src, tgt, links


def test_failed_sentence_is_reported_not_silently_empty() -> None:
    # docs/method.md §6.4: exceptions in projection must not turn into silent all-O sentences
    src, tgt, links = corpora()
    run = project_corpus(src, tgt, projector=Flaky(thr=None), links=links)
    assert run.results[0].entities == [Entity(0, 1, "PER")]
    assert run.results[2].entities == [Entity(0, 1, "LOC")]
    failed = run.results[1]
    assert failed.status == ERROR and "kaput" in failed.detail
    assert [u.reason for u in failed.unprojected] == [FAILED]
    assert run.report.failed == [{"sentence": 1, "error": "RuntimeError: kaput"}]
    assert "FAILED sentences: 1" in run.report.summary()


def test_count_mismatch_and_bad_links() -> None:
    src, tgt, links = corpora()
    with pytest.raises(InputError, match="3 sentences in src but 2"):
        project_corpus(src, tgt[:2], projector=HeuristicProjector(), links=links)
    bad = [*links[:2], as_links([(0, 5)])]
    with pytest.raises(InputError, match="sentence pair 2"):
        project_corpus(src, tgt, projector=HeuristicProjector(), links=bad)


def test_report_counts_by_class_and_reason() -> None:
    src, tgt, links = corpora()
    links = [links[0], as_links([]), links[2]]
    run = project_corpus(src, tgt, projector=HeuristicProjector(thr=None), links=links)
    rep = run.report.to_dict()
    assert rep["source_entities"] == 3 and rep["landed_source_entities"] == 2
    assert rep["unprojected"] == {"no-aligned-words": 1}
    assert rep["by_class"]["LOC"] == {"source": 2, "projected": 1,
                                      "unprojected": {"no-aligned-words": 1}}
