"""Back-translation refinement: links composed through marked back-translations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from tests.tiny_mt import DictTranslator
from xlner.align import create_aligner
from xlner.align.backtranslation import (
    BackTranslationAligner,
    compose_links,
    proportional_links,
)
from xlner.align.util import align_batch
from xlner.corpora.corpus import Corpus
from xlner.data import Entity, Links, Sentence, as_links
from xlner.errors import ConfigError
from xlner.pipelines.project import project_corpus
from xlner.project.heuristic import HeuristicProjector
from xlner.translate.markers import MarkedTranslation


class ExactAligner:
    """Same-language aligner: links equal (lower-cased) words."""

    name = "exact"
    version = 1

    def __init__(self) -> None:
        self.calls: list[tuple[list[tuple[str, ...]], list[tuple[str, ...]]]] = []

    def align(self, src: Sequence[Sequence[str]], tgt: Sequence[Sequence[str]]) -> list[Links]:
        self.calls.append(([tuple(s) for s in src], [tuple(t) for t in tgt]))
        return [as_links([(i, j) for i, a in enumerate(s) for j, b in enumerate(t)
                          if a.lower() == b.lower()]) for s, t in zip(src, tgt, strict=True)]

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version}


EN = Sentence(("Angela", "Merkel", "visited", "Berlin", "."),
              (Entity(0, 2, "PER"), Entity(3, 4, "LOC")))
DE = ("Gestern", "besuchte", "Angela", "Merkel", "die", "Stadt", "Berlin", ".")
DICT = {"visited": "besuchte"}


def test_proportional_links_are_monotone_and_cover_both_sides() -> None:
    assert proportional_links(2, 3) == [(0, 0), (0, 1), (1, 1), (1, 2)]
    assert proportional_links(1, 1) == [(0, 0)]
    for n, m in [(1, 4), (4, 1), (3, 5), (5, 3)]:
        links = proportional_links(n, m)
        assert {i for i, _ in links} == set(range(n))
        assert {j for _, j in links} == set(range(m))
        assert not [(a, b) for a in links for b in links if a[0] < b[0] and a[1] > b[1]]


def test_compose_links_goes_through_the_matched_spans() -> None:
    marked = MarkedTranslation(
        words=("Angela", "Merkel", "besuchte", "Berlin"), entities=(
            Entity(0, 2, "PER"), Entity(3, 4, "LOC")), sources=(0, 1), unmatched=(),
        spans=(), text="", marked_source="", entity_translations=())
    mono = as_links([(0, 2), (1, 3), (2, 1), (3, 6)])
    links = compose_links(EN.entities, marked, mono)
    assert links.tolist() == [[0, 2], [1, 3], [3, 6]]  # "visited" (not an entity) gets none


def test_backtranslation_aligner_on_a_crafted_case() -> None:
    mono = ExactAligner()
    bt = BackTranslationAligner(DictTranslator(DICT), aligner=mono, src_lang="en",
                                tgt_lang="de")
    (links,) = bt.align([EN.words], [DE], entities=[EN.entities])
    assert links.tolist() == [[0, 2], [1, 3], [3, 6]]
    # the monolingual aligner saw the back-translation against the original target
    assert mono.calls[0] == ([("Angela", "Merkel", "besuchte", "Berlin", ".")], [DE])
    assert bt.stats()["matched"] == 2
    assert bt.describe()["translator"]["name"] == "dict"


def test_every_projection_path_uses_it() -> None:
    bt = create_aligner("backtranslation", translator=DictTranslator(DICT),
                        aligner=ExactAligner(), tgt_lang="de")
    run = project_corpus(Corpus([EN]), [DE], projector=HeuristicProjector(d=1, thr=None),
                         aligner=bt)
    assert run.corpus[0].entities == (Entity(2, 4, "PER"), Entity(6, 7, "LOC"))
    aligned = align_batch(bt, [EN.words], [DE], [EN.entities])
    assert isinstance(aligned, list) and aligned[0].tolist() == [[0, 2], [1, 3], [3, 6]]


def test_lost_markers_give_no_links_and_the_entity_is_reported() -> None:
    tr = DictTranslator(DICT, rewrite={"[Angela Merkel] visited [Berlin] .":
                                       "[Angela Merkel] besuchte Berlin ."})
    bt = BackTranslationAligner(tr, aligner=ExactAligner(), tgt_lang="de")
    run = project_corpus(Corpus([EN]), [DE], projector=HeuristicProjector(d=1, thr=None),
                         aligner=bt)
    assert run.corpus[0].entities == (Entity(2, 4, "PER"),)
    assert [u.entity for u in run.results[0].unprojected] == [EN.entities[1]]
    assert bt.stats()["markers-lost"] == 1


def test_needs_entities_and_languages() -> None:
    bt = BackTranslationAligner(DictTranslator(), aligner=ExactAligner(), tgt_lang="de")
    with pytest.raises(ConfigError, match="needs the source entities"):
        bt.align([EN.words], [DE])
    with pytest.raises(ConfigError, match="tgt_lang"):
        BackTranslationAligner(DictTranslator(), aligner=ExactAligner())


def test_with_eflomal_as_the_same_language_aligner() -> None:
    pairs = [
        (Sentence(("Amina", "Bello", "lives", "in", "Kano", "."),
                  (Entity(0, 2, "PER"), Entity(4, 5, "LOC"))),
         ("Amina", "Bello", "na", "zaune", "a", "Kano", ".")),
        (Sentence(("Kano", "is", "big", "."), (Entity(0, 1, "LOC"),)),
         ("Kano", "babba", "ce", ".")),
        (Sentence(("He", "met", "Bello", "in", "Lagos", "."),
                  (Entity(2, 3, "PER"), Entity(4, 5, "LOC"))),
         ("Ya", "hadu", "da", "Bello", "a", "Lagos", ".")),
    ]
    words = {"lives": "na zaune", "in": "a", "is": "", "big": "babba ce", "He": "Ya",
             "met": "hadu da"}
    bt = BackTranslationAligner(DictTranslator(words),
                                aligner="eflomal(identity_prior=1.0,symmetrize=intersection)",
                                tgt_lang="hau")
    links = bt.align([s.words for s, _ in pairs], [t for _, t in pairs],
                     entities=[s.entities for s, _ in pairs])
    run = project_corpus(Corpus([s for s, _ in pairs]), [t for _, t in pairs],
                         projector=HeuristicProjector(d=1, thr=None),
                         links=links)
    assert [s.entities for s in run.corpus] == [
        (Entity(0, 2, "PER"), Entity(5, 6, "LOC")), (Entity(0, 1, "LOC"),),
        (Entity(3, 4, "PER"), Entity(5, 6, "LOC"))]
    for lk, (src, tgt) in zip(links, pairs, strict=True):
        assert np.all(lk[:, 0] < len(src.words)) and np.all(lk[:, 1] < len(tgt))


def test_spec_with_flat_translator_settings() -> None:
    bt = create_aligner("backtranslation(translator=nllb,translator_model=/m/nllb,device=cpu,"
                        "beam_size=2,tgt_lang=hau,aligner=eflomal)")
    desc = bt.describe()
    assert desc["translator"]["model"] == "/m/nllb" and desc["translator"]["beam_size"] == 2
    assert desc["aligner"]["name"] == "eflomal" and desc["tgt_lang"] == "hau"
