"""Translate-train: translate labelled source sentences, project their entities onto the
translations, keep the sentences that pass the quality filters, optionally train a tagger on
them and evaluate it.

Every stage is written into the output directory with its signature and reused by a re-run
with the same inputs and settings (see :mod:`xlner.pipelines.stages`). Layout::

    translations.jsonl            raw translations (a cache for the ``cached`` translator)
    translations.<tokenizer>.txt  the translations split into words
    align/forward.txt, reverse.txt
    <method>/projected.conll      every projected sentence (+ .report.json, .details.jsonl)
    <method>/train.conll          the training set after the filters, the optional recall
                                  repair and word joining (+ .report.json)
    <method>/model/               the tagger trained on it (optional)
    <method>/eval.json            its scores on the evaluation set (optional)
    summary.json                  all results, with the run's signature
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlner.align.base import Aligner
from xlner.corpora.conll import read_conll, write_conll
from xlner.corpora.corpus import Corpus
from xlner.corpora.labels import LabelMap
from xlner.data import Sentence, Span
from xlner.errors import ConfigError
from xlner.evaluate.metrics import Scores
from xlner.files import write_json
from xlner.pipelines.consistency import ConsistencyReport, make_consistent
from xlner.pipelines.filters import FilterReport, apply_filters, parse_filters
from xlner.pipelines.project import check_parallel
from xlner.pipelines.repair import REPAIR_DEFAULTS, RepairReport, repair_recall
from xlner.pipelines.report import ProjectionReport
from xlner.pipelines.stages import Workspace
from xlner.pipelines.steps import (
    align_step,
    check_language,
    evaluate_step,
    make_aligner,
    method_slug,
    project_step,
    resolve_tokenizer,
    train_step,
    translate_step,
    words_description,
)
from xlner.project.recipes import resolve_method
from xlner.signature import make_signature
from xlner.translate.base import Translator
from xlner.translate.split import JOINERS, JoinReport, join_sentences

log = logging.getLogger(__name__)

DEFAULT_FILTERS = ("no-failed",)
CONSISTENCY_DEFAULTS: dict[str, Any] = {"min_count": 3, "min_ratio": 0.5, "max_words": 4,
                                        "add_missed": True}


@dataclass
class MethodOutcome:
    """What one projection method gave: its training set, and the tagger's scores."""

    method: str
    slug: str
    symmetrize: str | None
    projection: ProjectionReport
    filters: FilterReport
    train: list[Sentence]
    consistency: ConsistencyReport | None
    project_seconds: float
    train_key: str = ""
    """Stage key of the training set (what a model trained on it depends on)."""
    train_seconds: float | None = None
    scores: Scores | None = None
    repair: RepairReport | dict[str, Any] | None = None
    """The recall repair's report (a dict when the training set was reused from disk)."""
    join: JoinReport | dict[str, Any] | None = None
    """The word joining's report (a dict when the training set was reused from disk)."""

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "dir": self.slug, "symmetrize": self.symmetrize,
                "projection": self.projection.to_dict(), "filters": self.filters.to_dict(),
                "consistency": None if self.consistency is None
                else self.consistency.to_dict(),
                "repair": self.repair.to_dict() if isinstance(self.repair, RepairReport)
                else self.repair,
                "join": self.join.to_dict() if isinstance(self.join, JoinReport) else self.join,
                "project_seconds": round(self.project_seconds, 3),
                "train_seconds": None if self.train_seconds is None
                else round(self.train_seconds, 3),
                "scores": None if self.scores is None else self.scores.to_dict()}


@dataclass
class TranslateTrainResult:
    lang: str
    sentences: int
    align_seconds: float
    outcomes: list[MethodOutcome]
    signature: dict[str, Any]
    reused: list[str] = field(default_factory=list)
    computed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"signature": self.signature, "lang": self.lang, "sentences": self.sentences,
                "align_seconds": round(self.align_seconds, 3),
                "methods": [o.to_dict() for o in self.outcomes],
                "stages": {"reused": self.reused, "computed": self.computed}}


def translate_train(source: Corpus, translator: Translator, lang: str,
                    out_dir: str | Path | None, *, src_lang: str = "en",
                    tokenizer: str = "auto", methods: Sequence[str] = ("heuristic",),
                    aligner: str | Aligner = "eflomal",
                    aligner_params: dict[str, Any] | None = None, bitext: bool = True,
                    filters: Sequence[str] | str | None = DEFAULT_FILTERS,
                    source_label_map: LabelMap | None = None,
                    target_label_map: LabelMap | None = None,
                    tagger: str | None = None, eval_corpus: Corpus | None = None,
                    data_dir: str | Path | None = None, download: bool = True,
                    anchors: bool = False, consistency: bool | dict[str, Any] = False,
                    repair: bool | dict[str, Any] = False, join: str | None = None,
                    resume: bool = True, variant: str = "",
                    projection_variant: str = "") -> TranslateTrainResult:
    """Run translate-train for ``source`` (labelled, in ``src_lang``) into ``lang``.

    ``methods`` are projection method specs (``heuristic``, ``heuristic(d=1)@union``, any
    registered recipe); all share one alignment. ``source_label_map`` renames or drops source
    classes before projection (``MISC=O``); ``target_label_map`` does so on the projected
    sentences (e.g. project MISC so that it blocks its words, then drop it). ``filters`` pick
    the sentences to train on (:mod:`xlner.pipelines.filters`). With ``tagger`` (a spec such
    as ``crf``) a tagger is trained per method, and evaluated on ``eval_corpus`` if given.
    ``anchors`` adds orthographic anchors to the links (names copied into the translation,
    also with a glued prefix: :mod:`xlner.align.anchors`). ``consistency`` (``True`` or
    settings for
    :func:`~xlner.pipelines.consistency.make_consistent`) makes the projected labels consistent
    across the corpus before the filters: spans of classes that ``target_label_map`` drops are
    relabelled when their text is mostly projected as a kept class, and missed occurrences of
    such names are labelled. ``repair`` (``True`` or settings for
    :func:`~xlner.pipelines.repair.repair_recall`) adds held-out tagger predictions that overlap
    no label and look like names to the filtered training set. ``join`` names a word-joining
    rule (:data:`~xlner.translate.split.JOINERS`; ``apostrophes`` glues ``n ' Awka`` back into
    ``n'Awka``) applied last, so that the training set is split into words as the target
    language's test data is (projection and the steps before it work on the translator's
    words). ``variant`` names a
    subdirectory of each method's directory for the training set, model and scores (runs that
    differ only in filters then share the projection); ``projection_variant`` does so for the
    projection (runs that differ in how the source is labelled then share the translation and
    alignment).
    """
    check_language(lang)
    check_language(src_lang)
    if not methods:
        raise ConfigError("translate-train needs at least one projection method")
    filter_names = parse_filters(filters)
    if eval_corpus is not None and tagger is None:
        raise ConfigError("an evaluation set needs a tagger to train (e.g. tagger='crf')")
    consistency_settings: dict[str, Any] | None = None
    if consistency:
        consistency_settings = {**CONSISTENCY_DEFAULTS,
                                **(consistency if isinstance(consistency, dict) else {})}
        unknown = set(consistency_settings) - set(CONSISTENCY_DEFAULTS)
        if unknown:
            raise ConfigError(f"unknown consistency settings {sorted(unknown)}; choose from "
                              f"{sorted(CONSISTENCY_DEFAULTS)}")
    repair_settings: dict[str, Any] | None = None
    if repair:
        repair_settings = {**REPAIR_DEFAULTS, **(repair if isinstance(repair, dict) else {})}
        unknown = set(repair_settings) - set(REPAIR_DEFAULTS)
        if unknown:
            raise ConfigError(f"unknown recall repair settings {sorted(unknown)}; choose from "
                              f"{sorted(REPAIR_DEFAULTS)}")
    if join is not None and join not in JOINERS:
        raise ConfigError(f"unknown word-joining rule {join!r}; choose from {', '.join(JOINERS)}")
    resolved = [resolve_method(m) for m in methods]
    slugs = [method_slug(m.name) + (f"/{method_slug(projection_variant)}"
                                    if projection_variant else "") for m in resolved]
    if len(set(slugs)) != len(slugs):
        raise ConfigError(f"two methods map to the same output directory: {slugs}")
    for k, sent in enumerate(source):
        if not sent.words:
            raise ConfigError(f"source sentence {k} is empty")
    if source_label_map is not None and not source_label_map.is_identity:
        source = Corpus([source_label_map.apply_sentence(s) for s in source],
                        name=source.name, path=source.path, digest=source.digest,
                        meta={**source.meta, "label_map_before_projection":
                              source_label_map.describe()})
    ws = Workspace(out_dir, resume=resume)
    tokenizer = resolve_tokenizer(tokenizer, translator)
    t_start = time.perf_counter()
    inputs = {"source": words_description(source)}
    tgt_words, split_key = translate_step(ws, source.words, translator, src_lang=src_lang,
                                          tgt_lang=lang, tokenizer=tokenizer, inputs=inputs)
    check_parallel(source, tgt_words, source.name, "its translations")
    al = make_aligner(aligner, aligner_params, lang=lang, src_lang=src_lang,
                      data_dir=data_dir, download=download, bitext=bitext)
    aligned, align_key, align_seconds = align_step(ws, source.words, tgt_words, al,
                                                   upstream=[inputs, split_key],
                                                   entities=[s.entities for s in source])
    outcomes = []
    for method, slug in zip(resolved, slugs, strict=True):
        projected = project_step(ws, f"{slug}/projected.conll", source, tgt_words, method,
                                 aligned, al, upstream=[source.describe(), align_key],
                                 target_name=f"translations:{lang}", anchors=anchors)
        sentences = projected.corpus.sentences
        creport = None
        dropped = sorted({lab for lab in projected.corpus.labels()
                          if target_label_map is not None and target_label_map(lab) is None})
        if consistency_settings is not None:
            sentences, creport = make_consistent(sentences, drop=dropped,
                                                 **consistency_settings)
            log.info("%s: %s", method.name, creport.summary())
        if target_label_map is not None and not target_label_map.is_identity:
            sentences = [target_label_map.apply_sentence(s) for s in sentences]
        kept, freport = apply_filters(filter_names, source.sentences, sentences,
                                      projected.results)
        sub = f"{slug}/{method_slug(variant)}" if variant else slug
        train_st = ws.stage("filter", f"{sub}/train.conll", projected.key, filter_names,
                            None if target_label_map is None else target_label_map.describe(),
                            consistency_settings,
                            *([repair_settings] if repair_settings is not None else []),
                            *([{"join": join}] if join is not None else []))
        rreport: RepairReport | dict[str, Any] | None = None
        jreport: JoinReport | dict[str, Any] | None = None
        reused = ws.reuse(train_st)
        if reused and (repair_settings is not None or join is not None):
            assert train_st.path is not None
            kept = list(read_conll(train_st.path).sentences)
            saved = _read_report(train_st.path)
            rreport, jreport = saved.get("repair"), saved.get("join")
        elif not reused:
            train_st.start()
            if repair_settings is not None and kept:
                settings = dict(repair_settings)
                blocked = None
                if settings.pop("block_dropped"):
                    # the words of projected spans of dropped classes, for the kept sentences
                    only = [s.with_entities(e for e in s.entities if e.label in dropped)
                            for s in projected.corpus.sentences]
                    kept_only, _ = apply_filters(filter_names, source.sentences, only,
                                                 projected.results)
                    blocked = [[Span(e.start, e.end) for e in s.entities] for s in kept_only]
                kept, rreport = repair_recall(kept, blocked=blocked, **settings)
                log.info("%s: %s", method.name, rreport.summary())
            if join is not None:
                kept, jreport = join_sentences(kept, join)
                log.info("%s: %s", method.name, jreport.summary())
            if train_st.path is not None:
                write_conll(train_st.path, kept)
                report = projected.report.to_dict()
                report["filters"] = freport.to_dict()
                if creport is not None:
                    report["consistency"] = creport.to_dict()
                if isinstance(rreport, RepairReport):
                    report["repair"] = rreport.to_dict()
                if isinstance(jreport, JoinReport):
                    report["join"] = jreport.to_dict()
                write_json(train_st.path.with_name(train_st.path.name + ".report.json"), report)
            train_st.finish(make_signature(
                "translate-train", inputs={"source": source.describe(),
                                           "projection": projected.key},
                components={"translator": translator, "aligner": al, "method": method},
                params={"lang": lang, "src_lang": src_lang, "tokenizer": tokenizer,
                        "symmetrize": projected.symmetrize, "anchors": anchors,
                        "filters": filter_names,
                        "consistency": consistency_settings, "repair": repair_settings,
                        "join": join,
                        "target_label_map": None if target_label_map is None
                        else target_label_map.describe()}))
        log.info("%s: %s; %s", method.name, projected.report.summary().splitlines()[0],
                 freport.summary())
        outcome = MethodOutcome(method.name, sub, projected.symmetrize, projected.report,
                                freport, kept, creport, projected.seconds, train_st.key,
                                repair=rreport, join=jreport)
        if tagger is not None:
            if not kept:
                raise ConfigError(f"method {method.name}: the filters {filter_names} left no "
                                  "training sentence")
            model, model_key, train_seconds = train_step(
                ws, f"{sub}/model", kept, tagger, upstream=[train_st.key],
                describe_train={"name": f"{sub}/train.conll", "sentences": len(kept)})
            outcome.train_seconds = train_seconds
            if eval_corpus is not None:
                outcome.scores = evaluate_step(ws, f"{sub}/eval.json", model, eval_corpus,
                                               upstream=[model_key])
                log.info("%s: F1 %.4f on %s", method.name, outcome.scores.f1, eval_corpus.name)
        outcomes.append(outcome)
    signature = make_signature(
        "translate-train", inputs={"source": source.describe(),
                                   "eval": None if eval_corpus is None
                                   else eval_corpus.describe()},
        components={"translator": translator, "aligner": al,
                    "methods": {m.name: m for m in resolved}, "tagger": tagger},
        params={"lang": lang, "src_lang": src_lang, "tokenizer": tokenizer,
                "filters": filter_names, "anchors": anchors,
                "source_label_map": None if source_label_map is None
                else source_label_map.describe(),
                "target_label_map": None if target_label_map is None
                else target_label_map.describe(),
                "consistency": consistency_settings, "repair": repair_settings, "join": join,
                "seconds": round(time.perf_counter() - t_start, 3)})
    result = TranslateTrainResult(lang, len(source), align_seconds, outcomes, signature,
                                  ws.reused, ws.computed)
    if ws.out_dir is not None:
        parts = [method_slug(v) for v in (projection_variant, variant) if v]
        name = f"summary.{'.'.join(parts)}.json" if parts else "summary.json"
        write_json(ws.out_dir / name, result.to_dict())
    return result


def _read_report(path: Path) -> dict[str, Any]:
    import json

    report = path.with_name(path.name + ".report.json")
    if not report.is_file():
        return {}
    data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return data
