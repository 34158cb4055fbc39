"""MasakhaNER translate-train benchmark on real machine translation (``nllb-conll2003``).

For each language, the CoNLL-2003 English training sentences (gold labels) are paired with
their NLLB-200 translations as released by T-Projection, which carry T-Projection's projected
labels. The same tagger is trained on

- ``tprojection``: T-Projection's labels on the translations (the peer);
- ``<method>``: our projection of the English gold onto the same translated words, one row per
  method and setup, through :func:`xlner.pipelines.translate_train.translate_train`;
- ``gold``: the MasakhaNER 2.0 gold training set (upper bound);

and evaluated on ``masakhaner2:<lang>:test`` with PER/ORG/LOC (DATE → O; source MISC dropped).
MasakhaNER files are read with invalid tag transitions repaired (counted) and lines with an
empty word left out (their line numbers are in the signature). Stages are kept in a work
directory and reused by a re-run with the same settings.
"""

from __future__ import annotations

import logging
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlner.cache import cache_dir
from xlner.corpora.corpus import Corpus
from xlner.corpora.labels import LabelMap
from xlner.corpora.named import default_data_dir, download_dir, load_corpus
from xlner.data import Sentence
from xlner.errors import ConfigError
from xlner.evaluate.metrics import Scores
from xlner.pipelines.config import translate_train_config
from xlner.pipelines.consistency import make_consistent
from xlner.pipelines.filters import parse_filters, source_filter
from xlner.pipelines.project import check_parallel
from xlner.pipelines.refine import CONSISTENCY_DEFAULTS
from xlner.pipelines.repair import RepairReport
from xlner.pipelines.stages import Workspace
from xlner.pipelines.steps import check_language, evaluate_step, method_slug, train_step
from xlner.pipelines.translate_train import translate_train
from xlner.progress import bar
from xlner.signature import make_signature
from xlner.translate.cached import CachedTranslator
from xlner.translate.split import JOINERS, JoinReport, join_sentences

log = logging.getLogger(__name__)

CLASSES = ("PER", "ORG", "LOC")
DEFAULT_TAGGER = "crf(algorithm=ap,max_iterations=10)"
DEFAULT_SEEDS = (1, 2, 3)
DEFAULT_SETUPS = ("no-failed", "misc=block,anchors,consistency,no-failed,prose,repair,join")
"""The plain projection and the best setup measured (docs/pipelines.md)."""


@dataclass(frozen=True)
class Setup:
    """How our projection's training data is made: MISC handling, consistency, filters."""

    name: str
    misc: str
    anchors: bool
    consistency: bool
    filters: list[str]
    repair: bool = False
    join: str | None = None

    @property
    def is_default(self) -> bool:
        return (self.misc == "drop" and not self.anchors and not self.consistency
                and self.filters == ["no-failed"] and not self.repair and self.join is None)

    def settings(self) -> dict[str, Any]:
        """The run-configuration settings of this setup
        (:func:`~xlner.pipelines.config.translate_train_config`)."""
        return {"source_label_map": "MISC=O" if self.misc == "drop" else None,
                "target_label_map": "MISC=O" if self.misc == "block" else None,
                "anchors": self.anchors, "consistency": self.consistency,
                "filters": self.filters, "repair": self.repair, "join": self.join}

    @property
    def projection(self) -> str:
        """The part of the setup that changes the projection (its directory)."""
        return f"misc-{self.misc}" + ("-anchors" if self.anchors else "")

    @property
    def slug(self) -> str:
        return "-".join([self.misc, *(["anchors"] if self.anchors else []),
                         *(["consistency"] if self.consistency else []),
                         *(self.filters or ["none"]), *(["repair"] if self.repair else []),
                         *([f"join-{self.join}"] if self.join is not None else [])])


def parse_setup(text: str) -> Setup:
    """A comma-separated setup: ``misc=drop`` (source MISC dropped before projection; the
    default) or ``misc=block`` (MISC projected, so that it keeps other entities off its words,
    then dropped), ``anchors`` (orthographic anchors, :mod:`xlner.align.anchors`),
    ``consistency`` (:mod:`xlner.pipelines.consistency`), ``repair`` (cross-fold recall
    repair, :mod:`xlner.pipelines.repair`), ``join`` or ``join=RULE`` (words re-joined as the
    target test data splits them, :func:`xlner.translate.split.join_sentences`; ``join`` is
    ``join=apostrophes``) and filter names (:mod:`xlner.pipelines.filters`; ``none`` for
    none)."""
    misc = "drop"
    anchors = False
    consistency = False
    repair = False
    join: str | None = None
    filters: list[str] = []
    for token in (t.strip() for t in text.split(",")):
        if not token:
            continue
        if token == "join" or token.startswith("join="):
            join = token.partition("=")[2] or "apostrophes"
            if join not in JOINERS:
                raise ConfigError(f"setup {text!r}: unknown word-joining rule {join!r}; "
                                  f"choose from {', '.join(JOINERS)}")
        elif token.startswith("misc="):
            misc = token.partition("=")[2]
            if misc not in ("drop", "block"):
                raise ConfigError(f"setup {text!r}: misc must be drop or block, not {misc!r}")
        elif token == "consistency":
            consistency = True
        elif token == "anchors":
            anchors = True
        elif token == "repair":
            repair = True
        else:
            filters.append(token)
    return Setup(text.strip(), misc, anchors, consistency, parse_filters(filters), repair,
                 join)


def peer_setup(text: str, source: Sequence[Sentence], peer: Sequence[Sentence]
               ) -> tuple[list[Sentence], JoinReport | None, list[str]]:
    """A peer's labelled translations treated as a setup says: ``join[=RULE]`` and source-side
    filters (``prose[:R]``, ``without:CLASS``), comma-separated; anything that needs our
    projection is an error. Returns the sentences, the join report and the filter names."""
    join: str | None = None
    names: list[str] = []
    for token in (t.strip() for t in text.split(",")):
        if token == "join" or token.startswith("join="):
            join = token.partition("=")[2] or "apostrophes"
        elif token:
            names.append(token)
    drops = [source_filter(n) for n in parse_filters(names)]
    check_parallel(source, peer, "the English source", "the peer's labelled translations")
    kept = [tgt for src, tgt in zip(source, peer, strict=True)
            if not any(drop(src) for drop in drops)]
    if not kept:
        raise ConfigError(f"peer setup {text!r} left no training sentence")
    if join is None:
        return kept, None, names
    joined, report = join_sentences(kept, join)
    return joined, report, names


def available_languages(data_dir: str | Path | None) -> list[str]:
    """Languages with both ``nllb-conll2003`` files in the data directory or the cache."""
    langs: set[str] = set()
    for base in (default_data_dir(data_dir), download_dir()):
        if base is None:
            continue
        folder = base / "nllb-conll2003"
        for path in folder.glob("*.en.conll"):
            lang = path.name[:-len(".en.conll")]
            if (folder / f"{lang}.nllb.tprojection.conll").is_file():
                langs.add(lang)
    return sorted(langs)


def default_work_dir() -> Path:
    return cache_dir() / "bench" / "masakhaner-nllb"


def _row(lang: str, labels: str, runs: Sequence[tuple[Scores, float]],
         **extra: Any) -> dict[str, Any]:
    """One result row: the mean over the seeds' scores (each seed's F1 kept too)."""
    f1s = [sc.f1 for sc, _ in runs]
    classes = sorted({c for sc, _ in runs for c in sc.per_class})
    per_class = {c: {k: statistics.fmean(getattr(sc.per_class[c], k) if c in sc.per_class
                                          else 0.0 for sc, _ in runs)
                     for k in ("precision", "recall", "f1")} for c in classes}
    return {"lang": lang, "labels": labels, "f1": statistics.fmean(f1s),
            "precision": statistics.fmean(sc.precision for sc, _ in runs),
            "recall": statistics.fmean(sc.recall for sc, _ in runs),
            "f1_std": statistics.pstdev(f1s) if len(f1s) > 1 else 0.0,
            "f1_seeds": f1s, "per_class": per_class,
            "train_seconds": statistics.fmean(t for _, t in runs), **extra}


def train_and_score(ws: Workspace, name: str, train: Sequence[Sentence], test: Corpus,
                    tagger: str, seeds: Sequence[int], *, upstream: Sequence[Any],
                    describe_train: dict[str, Any], split: str = "test"
                    ) -> list[tuple[Scores, float]]:
    """Train the tagger once per seed on ``train`` and score each on ``test`` (the evaluation
    split ``split``: its scores go to ``eval.json`` for test, ``eval.<split>.json`` else)."""
    runs = []
    for seed in bar(seeds, desc=f"{name} seeds", unit="seed"):
        sub = f"{name}/seed{seed}"
        model, key, seconds = train_step(ws, f"{sub}/model", train, tagger, upstream=upstream,
                                         describe_train=describe_train,
                                         overrides={"seed": seed})
        path = f"{sub}/eval.json" if split == "test" else f"{sub}/eval.{split}.json"
        scores = evaluate_step(ws, path, model, test, upstream=[key])
        runs.append((scores, seconds))
    return runs


def bench_masakhaner_nllb(langs: Sequence[str] | None, methods: Sequence[str] = ("heuristic",),
                          *, setups: Sequence[str] = DEFAULT_SETUPS,
                          tagger: str = DEFAULT_TAGGER, seeds: Sequence[int] = DEFAULT_SEEDS,
                          aligner: str = "eflomal",
                          aligner_params: dict[str, Any] | None = None, bitext: bool = True,
                          include_gold: bool = True,
                          include_tprojection: bool = True, peer_consistency: bool = False,
                          peer_setups: Sequence[str] = (),
                          work_dir: str | Path | None = None,
                          data_dir: str | Path | None = None, download: bool = True,
                          resume: bool = True, split: str = "test",
                          shard_size: int | None = None, priors_sample: int | None = None,
                          engine: str = "local", workers: int = 1,
                          ray_address: str | None = None) -> dict[str, Any]:
    """Run the benchmark; ``langs=None`` takes every language present in the data.

    Every label set trains the same tagger once per seed in ``seeds`` (the tagger's ``seed``
    parameter); rows report the mean (and each seed's F1), as single runs of a CRF trained on
    projected data differ by a point or two. Each method runs with each of ``setups`` (see
    :func:`parse_setup`; one row per pair, labelled with the method spec, followed by
    ``+<setup>`` unless the setup is the plain default). ``peer_consistency`` adds a row for
    T-Projection's labels after the same consistency step (to see what the step does alone);
    each of ``peer_setups`` adds one for T-Projection's labels treated as the setup says, so
    that label sets are compared on the same sentences and words (:func:`parse_peer_setup`:
    ``join[=RULE]`` and the filters that decide on the source alone, ``prose[:R]``,
    ``without:CLASS``).
    ``split="dev"`` scores on MasakhaNER's dev split instead of test, to choose settings
    without looking at the test set. ``shard_size`` aligns each language's corpus with
    eflomal in shards with shared priors (``priors_sample``, on ``engine`` with ``workers``,
    Ray at ``ray_address``: :class:`~xlner.pipelines.shards.ShardedAlignment`).
    """
    if split not in ("dev", "test"):
        raise ConfigError(f"split must be 'dev' or 'test', not {split!r}")
    parsed = [parse_setup(text) for text in setups]
    if not parsed:
        raise ConfigError("no setup given")
    if not seeds:
        raise ConfigError("no seed given")
    langs = list(langs) if langs else available_languages(data_dir)
    if not langs:
        raise ConfigError("no nllb-conll2003 language found in the data directory")
    for lang in langs:
        check_language(lang)
    work = Path(work_dir) if work_dir is not None else default_work_dir()
    keep = LabelMap({"DATE": "O"}, frozenset(CLASSES))
    results: list[dict[str, Any]] = []
    inputs: dict[str, Any] = {}
    timings: dict[str, float] = {}
    def corpora(lang: str) -> tuple[Corpus, Corpus, Corpus]:
        return (load_corpus(f"nllb-conll2003:{lang}:en", data_dir=data_dir,
                            download_missing=download),
                load_corpus(f"nllb-conll2003:{lang}:tprojection", data_dir=data_dir,
                            download_missing=download, label_map=keep),
                load_corpus(f"masakhaner2:{lang}:{split}", data_dir=data_dir,
                            download_missing=download, label_map=keep, repair=True,
                            skip_empty_words=True))

    # every language's corpora are read (and checked) before any language's work starts
    loaded = {lang: corpora(lang) for lang in langs}
    for lang in bar(langs, desc="masakhaner languages", unit="lang"):
        t_lang = time.perf_counter()
        ws = Workspace(work / lang, resume=resume)
        source, tprojection, test = loaded.pop(lang)
        inputs[lang] = {"source": source.describe(), "tprojection": tprojection.describe(),
                        split: test.describe()}
        if include_tprojection:
            runs = train_and_score(ws, "tprojection", tprojection.sentences, test, tagger, seeds,
                                   upstream=[tprojection.describe()],
                                   describe_train=tprojection.describe(), split=split)
            results.append(_row(lang, "tprojection", runs, train_sentences=len(tprojection)))
            if peer_consistency:
                refined, creport = make_consistent(tprojection.sentences,
                                                   **CONSISTENCY_DEFAULTS)
                runs = train_and_score(ws, "tprojection-consistency", refined, test, tagger,
                                       seeds, upstream=[tprojection.describe(),
                                                        CONSISTENCY_DEFAULTS],
                                       describe_train=tprojection.describe(), split=split)
                results.append(_row(lang, "tprojection+consistency", runs,
                                    train_sentences=len(refined),
                                    consistency_report=creport.to_dict()))
            for text in peer_setups:
                treated, jreport, names = peer_setup(text, source.sentences,
                                                     tprojection.sentences)
                runs = train_and_score(ws, f"tprojection-{method_slug(text)}", treated, test,
                                       tagger, seeds, upstream=[tprojection.describe(),
                                                                {"peer_setup": text}],
                                       describe_train=tprojection.describe(), split=split)
                results.append(_row(lang, f"tprojection+{text}", runs,
                                    train_sentences=len(treated), filters=names,
                                    join_report=None if jreport is None
                                    else jreport.to_dict()))
        translator = CachedTranslator(f"nllb-conll2003:{lang}:tprojection", data_dir=data_dir,
                                      download=download)
        for setup in parsed:
            config = translate_train_config(
                lang=lang, source=f"nllb-conll2003:{lang}:en", tokenizer="whitespace",
                methods=methods, aligner=aligner, aligner_params=aligner_params,
                bitext=bitext, **setup.settings(), out=work / lang / "projection",
                data_dir=data_dir, download=download, resume=resume, shard_size=shard_size,
                priors_sample=priors_sample, engine=engine, workers=workers,
                ray_address=ray_address)
            run = translate_train(config, source=source, translator=translator,
                                  variant=setup.slug, projection_variant=setup.projection)
            suffix = "" if setup.is_default else f"+{setup.name}"
            for outcome in run.outcomes:
                if not outcome.train:
                    raise ConfigError(f"{lang}, {outcome.method}: setup {setup.name!r} left no "
                                      "training sentence")
                runs = train_and_score(
                    ws, f"models/{outcome.slug}", outcome.train, test, tagger, seeds,
                    upstream=[outcome.train_key],
                    describe_train={"method": outcome.method, "setup": setup.name,
                                    "sentences": len(outcome.train)}, split=split)
                results.append(_row(
                    lang, outcome.method + suffix, runs, method=outcome.method,
                    setup=setup.name, filters=setup.filters, misc=setup.misc,
                    anchors=setup.anchors, consistency=setup.consistency, repair=setup.repair,
                    repair_report=outcome.repair.to_dict()
                    if isinstance(outcome.repair, RepairReport) else outcome.repair,
                    join=setup.join, join_report=outcome.join.to_dict()
                    if isinstance(outcome.join, JoinReport) else outcome.join,
                    consistency_report=None if outcome.consistency is None
                    else outcome.consistency.to_dict(),
                    train_sentences=outcome.filters.kept_sentences,
                    align_seconds=run.align_seconds, project_seconds=outcome.project_seconds,
                    projection={k: v for k, v in outcome.projection.to_dict().items()
                                if k in ("source_entities", "landed_source_entities",
                                         "projected_entities", "unprojected")},
                    filter_report=outcome.filters.to_dict()))
        if include_gold:
            gold = load_corpus(f"masakhaner2:{lang}:train", data_dir=data_dir,
                               download_missing=download, label_map=keep, repair=True,
                               skip_empty_words=True)
            inputs[lang]["gold"] = gold.describe()
            runs = train_and_score(ws, "gold", gold.sentences, test, tagger, seeds,
                                   upstream=[gold.describe()], describe_train=gold.describe(),
                                   split=split)
            results.append(_row(lang, "gold", runs, train_sentences=len(gold)))
        timings[lang] = time.perf_counter() - t_lang
        log.info("%s done in %.0f s", lang, timings[lang])
    signature = make_signature(
        "bench masakhaner-nllb", inputs=inputs,
        components={"tagger": tagger, "aligner": aligner,
                    "aligner_params": dict(aligner_params or {}), "methods": list(methods)},
        params={"setups": [p.name for p in parsed], "bitext": bitext, "seeds": list(seeds),
                "peer_consistency": peer_consistency, "peer_setups": list(peer_setups),
                "split": split,
                **({} if shard_size is None else {"shard_size": shard_size,
                                                  "priors_sample": priors_sample}),
                "classes": list(CLASSES), "work_dir": str(work)})
    return {"signature": signature, "results": results,
            "seconds": {k: round(v, 1) for k, v in timings.items()}}


def summary_rows(results: Sequence[dict[str, Any]]) -> list[tuple[str, dict[str, float]]]:
    """F1 per ``labels`` and language, plus the average over languages, in first-seen order."""
    table: dict[str, dict[str, float]] = {}
    for row in results:
        table.setdefault(row["labels"], {})[row["lang"]] = row["f1"]
    return list(table.items())


def format_table(results: Sequence[dict[str, Any]]) -> str:
    langs = list(dict.fromkeys(r["lang"] for r in results))
    head = f"{'labels':<40}" + "".join(f"{lang:>8}" for lang in langs) + f"{'avg':>8}"
    lines = [head]
    for labels, by_lang in summary_rows(results):
        cells = "".join(f"{by_lang[lang]:8.4f}" if lang in by_lang else f"{'-':>8}"
                        for lang in langs)
        avg = sum(by_lang.values()) / len(by_lang) if len(by_lang) == len(langs) else None
        lines.append(f"{labels:<40}{cells}" + (f"{avg:8.4f}" if avg is not None else
                                                f"{'-':>8}"))
    return "\n".join(lines)
