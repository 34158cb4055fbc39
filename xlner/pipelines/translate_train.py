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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlner.align.base import is_pairwise
from xlner.corpora.conll import read_conll, write_conll
from xlner.corpora.corpus import Corpus
from xlner.corpora.labels import LabelMap
from xlner.data import Sentence
from xlner.errors import ConfigError
from xlner.evaluate.metrics import Scores
from xlner.files import write_json
from xlner.pipelines.actors import pool_batch, pooled
from xlner.pipelines.config import Align, Evaluate, Project, RunConfig, Train, Translate
from xlner.pipelines.consistency import ConsistencyReport
from xlner.pipelines.filters import FilterReport
from xlner.pipelines.inputs import load_input
from xlner.pipelines.project import check_parallel
from xlner.pipelines.refine import CONSISTENCY_DEFAULTS, EXPENSIVE, check_refine, refine
from xlner.pipelines.repair import RepairReport
from xlner.pipelines.report import ProjectionReport
from xlner.pipelines.shards import ShardedAlignment, check_sharded_alignment
from xlner.pipelines.stages import Workspace
from xlner.pipelines.steps import (
    Projected,
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
from xlner.project.recipes import Method, resolve_method
from xlner.signature import make_signature
from xlner.translate import create_translator
from xlner.translate.base import Translator
from xlner.translate.split import JoinReport

log = logging.getLogger(__name__)

DEFAULT_FILTERS = ("no-failed",)
__all__ = ["CONSISTENCY_DEFAULTS", "DEFAULT_FILTERS", "MethodOutcome", "TranslateTrainResult",
           "translate_train"]


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


def translate_train(config: RunConfig, *, source: Corpus | None = None,
                    translator: Translator | None = None, eval_corpus: Corpus | None = None,
                    variant: str = "", projection_variant: str = "") -> TranslateTrainResult:
    """Run a translate-train ``config`` (:func:`~xlner.pipelines.config.translate_train_config`).

    The source, the translator and the evaluation set come from the configuration unless given
    as objects. All methods of the ``project`` step share one alignment; the refinement steps
    run in their order on each method's projection; with a ``train`` step a tagger is trained
    per method, and scored by an ``evaluate`` step. ``variant`` names a subdirectory of each
    method's directory for the training set, model and scores (runs that differ only in their
    refinement then share the projection); ``projection_variant`` does so for the projection.
    """
    tr, al_step, pr = (config.require(c) for c in (Translate, Align, Project))
    lang, src_lang, train, ev = (config.lang, config.src_lang, config.step(Train),
                                 config.step(Evaluate))
    resolved, slugs = _checked_methods(config, projection_variant)
    source = source if source is not None else load_config_input(config, "source", True,
                                                                          role="source")
    if ev is not None and eval_corpus is None:
        eval_corpus = load_config_input(config, ev.input, True, role=ev.input)
    source = _checked_source(source, pr.source_label_map)
    translator = translator if translator is not None else build_translator(tr, config)
    ws = Workspace(config.out, resume=config.resume)
    tokenizer = resolve_tokenizer(tr.tokenizer, translator)
    t_start = time.perf_counter()
    inputs = {"source": words_description(source)}
    with translation_pool(config, tr) as run_translator:
        tgt_words, split_key = translate_step(ws, source.words, translator, src_lang=src_lang,
                                              tgt_lang=lang, tokenizer=tokenizer,
                                              inputs=inputs, run=run_translator)
    check_parallel(source, tgt_words, source.name, "its translations")
    al = make_aligner(al_step.aligner, dict(al_step.params), lang=lang, src_lang=src_lang,
                      data_dir=config.data_dir, download=config.download, bitext=al_step.bitext)
    with pooled(config if is_pairwise(al) else None, "aligner", al_step.aligner,
                al_step.params, "align", batch_size=pool_batch(al)) as run_aligner:
        aligned, align_key, align_seconds = align_step(
            ws, source.words, tgt_words, al, upstream=[inputs, split_key],
            entities=[s.entities for s in source], limits=pr.limits(), run=run_aligner,
            sharded=sharded_alignment(config, al))
    outcomes = []
    for method, slug in zip(resolved, slugs, strict=True):
        projected = project_step(ws, f"{slug}/projected.conll", source, tgt_words, method,
                                 aligned, al, upstream=[source.describe(), align_key],
                                 target_name=f"translations:{lang}", anchors=al_step.anchors,
                                 limits=pr.limits())
        sub = f"{slug}/{method_slug(variant)}" if variant else slug
        outcome = refine_stage(ws, config, f"{sub}/train.conll", source, projected, method,
                               components={"translator": translator, "aligner": al})
        outcome.slug = sub
        if train is not None:
            if not outcome.train:
                raise ConfigError(f"method {method.name}: the refinement left no training "
                                  "sentence")
            model, model_key, outcome.train_seconds = train_step(
                ws, f"{sub}/model", outcome.train, train.tagger, upstream=[outcome.train_key],
                describe_train={"name": f"{sub}/train.conll", "sentences": len(outcome.train)})
            if eval_corpus is not None:
                outcome.scores = evaluate_step(ws, f"{sub}/eval.json", model, eval_corpus,
                                               upstream=[model_key])
                log.info("%s: F1 %.4f on %s", method.name, outcome.scores.f1, eval_corpus.name)
        outcomes.append(outcome)
    signature = make_signature(
        "translate-train", inputs={"source": source.describe(), "eval": None
                                   if eval_corpus is None else eval_corpus.describe()},
        components={"translator": translator, "aligner": al,
                    "methods": {m.name: m for m in resolved}},
        params={"config": config.digest_view(), "tokenizer": tokenizer,
                **({} if config.shard_size is None else {"shard_size": config.shard_size}),
                "seconds": round(time.perf_counter() - t_start, 3)})
    result = TranslateTrainResult(lang, len(source), align_seconds, outcomes, signature,
                                  ws.reused, ws.computed)
    _write_summary(ws, result, projection_variant, variant)
    return result


def sharded_alignment(config: RunConfig, aligner: Any) -> ShardedAlignment | None:
    """With ``shard_size``, eflomal's alignment of the corpus in shards on the run's engine,
    with priors learnt from the first shard (``priors_sample``) plus the bitext
    ``aligner`` holds (:class:`~xlner.pipelines.shards.ShardedAlignment`); else ``None``."""
    if config.shard_size is None:
        return None
    from xlner.pipelines.shards import priors_sample

    al = config.require(Align)
    has_bitext = getattr(aligner, "bitext", None) is not None
    sample = priors_sample(config, config.shard_size, has_bitext=has_bitext)
    named = al.params.get("bitext") or [f"bitext:{config.src_lang}-{config.lang}"]
    return ShardedAlignment(
        aligner, al.aligner, {k: v for k, v in al.params.items() if k != "bitext"},
        config.shard_size, sample=sample,
        bitext=tuple(map(str, [named] if isinstance(named, str) else named))
        if has_bitext and sample is None else (),
        data_dir=config.data_dir, download=config.download, engine=config.engine,
        workers=config.workers, ray_address=config.ray_address, resume=config.resume)


def _checked_methods(config: RunConfig, projection_variant: str
                     ) -> tuple[list[Any], list[str]]:
    """The configuration's checks before anything runs; its methods and their directories."""
    pr = config.require(Project)
    check_language(config.lang)
    check_language(config.src_lang)
    check_refine(config.refine)
    if config.step(Evaluate) is not None and config.step(Train) is None:
        raise ConfigError("an evaluation set needs a tagger to train (a 'train' step)")
    if not pr.methods:
        raise ConfigError("translate-train needs at least one projection method")
    if config.shard_size is not None:
        check_sharded_alignment(config.require(Align).aligner, config.shard_size,
                                config.engine, config.workers)
    resolved = [resolve_method(m, **pr.params) for m in pr.methods]
    slugs = [method_slug(m.name) + (f"/{method_slug(projection_variant)}"
                                    if projection_variant else "") for m in resolved]
    if len(set(slugs)) != len(slugs):
        raise ConfigError(f"two methods map to the same output directory: {slugs}")
    return resolved, slugs


def _write_summary(ws: Workspace, result: TranslateTrainResult, projection_variant: str,
                   variant: str) -> None:
    if ws.out_dir is not None:
        parts = [method_slug(v) for v in (projection_variant, variant) if v]
        name = f"summary.{'.'.join(parts)}.json" if parts else "summary.json"
        write_json(ws.out_dir / name, result.to_dict())


def _checked_source(source: Corpus, label_map: str | None) -> Corpus:
    """Reject empty sentences; apply the label map before projection."""
    for k, sent in enumerate(source):
        if not sent.words:
            raise ConfigError(f"source sentence {k} is empty")
    lm = LabelMap.parse(label_map)
    if lm.is_identity:
        return source
    return Corpus([lm.apply_sentence(s) for s in source], name=source.name, path=source.path,
                  digest=source.digest, meta={**source.meta,
                                              "label_map_before_projection": lm.describe()})


def load_config_input(config: RunConfig, name: str, labelled: bool | None,
                      role: str | None = None) -> Corpus:
    return load_input(config.input(name), data_dir=config.data_dir, download=config.download,
                      labelled=labelled, role=role)


def build_translator(step: Translate, config: RunConfig) -> Translator:
    """The translator of a ``translate`` step (a cache gets the run's data location)."""
    params = dict(step.params)
    if step.translator.split("(")[0].strip() == "cached":
        params.setdefault("data_dir", config.data_dir)
        params.setdefault("download", config.download)
    translator: Translator = create_translator(step.translator, **params)
    return translator


@contextmanager
def translation_pool(config: RunConfig, step: Translate
                     ) -> Iterator[Callable[[Sequence[str], str, str], list[str]] | None]:
    """With ``engine = "ray"``, a pool of ``actors`` (default ``workers``) Ray actors that
    each load the translation model once, with ``num_gpus`` each; else (and for cached
    translations) ``None``: the translator runs here."""
    if config.engine != "ray" or step.translator.split("(")[0].strip() == "cached":
        yield None
        return
    from xlner.pipelines.actors import ModelPool, pooled_translate

    with ModelPool("translator", step.translator, dict(step.params),
                   actors=config.actors or config.workers, num_gpus=config.num_gpus,
                   address=config.ray_address) as pool:
        yield pooled_translate(pool)


def refine_stage(ws: Workspace, config: RunConfig, relpath: str, source: Corpus,
                 projected: Projected, method: Method, *, components: dict[str, Any]
                 ) -> MethodOutcome:
    """The refinement steps on one method's projection, as a stage (``relpath``, CoNLL, with
    ``.report.json``); a reused stage is read back when it holds expensive steps."""
    steps = config.refine
    st = ws.stage("refine", relpath, projected.key, [{"kind": s.kind, **dict(s.params)}
                                                      for s in steps])
    reused = ws.reuse(st)
    saved: dict[str, Any] = {}
    if reused and any(s.kind in EXPENSIVE for s in steps):
        assert st.path is not None
        saved = _read_report(st.path)
        cheap = [s for s in steps if s.kind not in EXPENSIVE]
        state = refine(cheap, source.sentences, projected.corpus.sentences, projected.results)
        state.sentences = list(read_conll(st.path).sentences)
    else:
        if not reused:
            st.start()
        state = refine(steps, source.sentences, projected.corpus.sentences, projected.results)
        if not reused and st.path is not None:
            write_conll(st.path, state.sentences)
            report = projected.report.to_dict()
            report.update({k: v.to_dict() for k, v in state.reports.items()})
            write_json(st.path.with_name(st.path.name + ".report.json"), report)
        if not reused:
            st.finish(make_signature(
                config.pipeline, inputs={"source": source.describe(),
                                         "projection": projected.key},
                components={**components, "method": method},
                params={"config": config.digest_view(), "symmetrize": projected.symmetrize}))
    freport: FilterReport = state.reports["filters"]
    log.info("%s: %s; %s", method.name, projected.report.summary().splitlines()[0],
             freport.summary())
    return MethodOutcome(method.name, relpath.rsplit("/", 1)[0], projected.symmetrize,
                         projected.report, freport, state.sentences,
                         state.reports.get("consistency"), projected.seconds, st.key,
                         repair=state.reports.get("repair", saved.get("repair")),
                         join=state.reports.get("join", saved.get("join")))


def _read_report(path: Path) -> dict[str, Any]:
    import json

    report = path.with_name(path.name + ".report.json")
    if not report.is_file():
        return {}
    data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return data
