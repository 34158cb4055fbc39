"""Intrinsic projection benchmark on any parallel NER corpus: the gold English entities are
projected onto each target language and scored against that language's own gold labels.

A corpus is a named one (``europarl-ner``, ``uner-pud``: ``<corpus>:<lang>``, downloaded when
not in the data directory) or a directory laid out ``DIR/<lang>.conll`` with ``en.conll``,
sentence ``i`` of every file a translation of sentence ``i`` of the others.

Label sets: a source class the target's gold never uses (MISC on UNER, which annotates PER, ORG
and LOC only) is dropped from the source before projection, and a projected entity of a class
outside the target's label set (the ``+adj`` methods' MISC) is dropped before scoring; both are
counted in each row (``dropped_source``, ``dropped_predicted``). For a language written
without spaces (zh, ja, th) the bitext is word-segmented (:mod:`xlner.corpora.segment`), as the
corpus's own words are.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from xlner.align import create_aligner
from xlner.align.anchors import add_anchors_batch
from xlner.align.base import Aligner, uses_bitext
from xlner.align.util import align_batch, directional_extras, links_for
from xlner.corpora.corpus import Corpus
from xlner.corpora.labels import LabelMap
from xlner.corpora.named import default_data_dir, download_dir, load_corpus
from xlner.corpora.segment import segmenter_for
from xlner.data import Sentence
from xlner.errors import ConfigError, CorpusNotFoundError, InputError
from xlner.evaluate.metrics import evaluate
from xlner.pipelines.project import project_corpus
from xlner.pipelines.stages import Workspace
from xlner.pipelines.steps import align_step, words_description
from xlner.progress import bar
from xlner.project.recipes import resolve_method
from xlner.signature import make_signature

log = logging.getLogger(__name__)

NAMED = ("europarl-ner", "uner-pud")
"""Parallel NER corpora known by name (``<name>:<lang>``)."""


def _is_dir_corpus(corpus: str) -> bool:
    return corpus not in NAMED


def available_languages(corpus: str, data_dir: str | Path | None) -> list[str]:
    """Target languages with a file of ``corpus`` in the data directory or the cache (or, for
    a directory corpus, in the directory)."""
    if _is_dir_corpus(corpus):
        bases: list[Path] = [Path(corpus)]
    else:
        bases = [b / corpus for b in (default_data_dir(data_dir), download_dir()) if b]
    langs = {p.stem for b in bases for p in b.glob("*.conll")}
    return sorted(langs - {"en"})


def load_side(corpus: str, lang: str, *, data_dir: str | Path | None = None,
              download: bool = True) -> Corpus:
    """One language of a parallel corpus."""
    if not _is_dir_corpus(corpus):
        return load_corpus(f"{corpus}:{lang}", data_dir=data_dir, download_missing=download)
    path = Path(corpus) / f"{lang}.conll"
    if not Path(corpus).is_dir():
        raise ConfigError(f"corpus {corpus!r} is neither a known name ({', '.join(NAMED)}) nor "
                          "a directory of <lang>.conll files")
    if not path.is_file():
        raise CorpusNotFoundError(f"{path}: no such file (a parallel corpus directory holds "
                                  "en.conll and <lang>.conll)")
    return load_corpus(path)


def _dropped(sentences: Sequence[Sentence], keep: frozenset[str]) -> dict[str, int]:
    return dict(Counter(e.label for s in sentences for e in s.entities if e.label not in keep))


def _half_f1(gold: Sequence[Sentence], pred: Sequence[Sentence]) -> list[float]:
    mid = len(gold) // 2
    return [evaluate(gold[:mid], pred[:mid]).f1, evaluate(gold[mid:], pred[mid:]).f1]


def _prepare(corpus: str, lang: str, source: Corpus, aligner: str,
             aligner_params: dict[str, Any] | None, *, bitext: bool,
             data_dir: str | Path | None, download: bool
             ) -> tuple[str, Corpus, Corpus, frozenset[str], dict[str, int], Aligner]:
    """One language's target, source (restricted to the target's classes), label set,
    dropped source counts and aligner, every input checked (its bitext files found)."""
    target = load_side(corpus, lang, data_dir=data_dir, download=download)
    if len(target) != len(source):
        raise InputError(f"{target.name}: {len(target)} sentences but the English side "
                         f"{source.name} has {len(source)}; a parallel corpus has the "
                         "same sentences in every file")
    keep = frozenset(target.labels())
    dropped_source = _dropped(source.sentences, keep)
    src = source if not dropped_source else Corpus(
        [LabelMap(keep=keep).apply_sentence(s) for s in source], name=source.name)
    params = dict(aligner_params or {})
    if uses_bitext(aligner):
        params.setdefault("data_dir", data_dir)
        params.setdefault("download", download)
        if bitext:
            params.setdefault("bitext", f"bitext:en-{lang}")
            if segmenter_for(lang) is not None:  # zh, ja, th: bitext segmented as CoNLL is
                params.setdefault("tokenizer", lang)
    al: Aligner = create_aligner(aligner, **params)
    identity = getattr(al, "identity", None)
    if callable(identity):
        identity()  # finds the bitext files (digests only; no tokenising)
    return lang, target, src, keep, dropped_source, al


def bench_parallel(corpus: str, langs: Sequence[str] | None, methods: Sequence[str], *,
                   aligner: str = "eflomal", aligner_params: dict[str, Any] | None = None,
                   bitext: bool = True, data_dir: str | Path | None = None,
                   download: bool = True, anchors: bool = False,
                   work_dir: str | Path | None = None, resume: bool = True,
                   command: str = "bench parallel") -> dict[str, Any]:
    """Run every method on every language; ``langs=None`` takes all present in the data.

    Each row has the keys of ``bench europarl`` plus ``f1_halves`` (F1 on the first and the
    second half of the sentences: choose settings on one, report the other) and the dropped
    label counts. ``anchors`` adds orthographic anchors (also across scripts) to the links
    (:mod:`xlner.align.anchors`). With a ``work_dir`` each language's alignment is a stage
    (``<lang>/align``) reused while the words and the aligner's settings are the same."""
    if not methods:
        raise ConfigError("no methods to benchmark")
    resolved = [resolve_method(m) for m in methods]
    langs = list(langs) if langs else available_languages(corpus, data_dir)
    if not langs:
        raise ConfigError(f"no {corpus} target language found in the data directory")
    source = load_side(corpus, "en", data_dir=data_dir, download=download)
    results: list[dict[str, Any]] = []
    aligners: dict[str, Any] = {}
    targets: dict[str, Any] = {}
    # every input is read and checked (corpora, bitext files, aligner settings) before any
    # language is aligned: a bad one fails the run at once, not after the others' work
    prepared = [_prepare(corpus, lang, source, aligner, aligner_params, bitext=bitext,
                         data_dir=data_dir, download=download) for lang in langs]
    for lang, target, src, keep, dropped_source, al in bar(
            prepared, desc=f"{corpus} languages", unit="lang"):
        targets[lang] = target.describe()
        if work_dir is None:
            t0 = time.perf_counter()
            aligned = align_batch(al, src.words, target.words, [s.entities for s in src])
            align_seconds = time.perf_counter() - t0
        else:
            aligned, _, align_seconds = align_step(
                Workspace(work_dir, resume=resume), src.words, target.words, al,
                upstream=[words_description(src), words_description(target)],
                prefix=f"{lang}/", entities=[s.entities for s in src])
        aligners[lang] = al.describe()
        for method in resolved:
            links, sym = links_for(aligned, al, method.symmetrize)
            n_anchors = 0
            if anchors:
                links, n_anchors = add_anchors_batch(src.words, target.words, links)
            run = project_corpus(src, target, projector=method.projector, links=links,
                                 extras=directional_extras(aligned))
            predicted = run.corpus.sentences
            dropped_predicted = _dropped(predicted, keep)
            if dropped_predicted:
                predicted = [LabelMap(keep=keep).apply_sentence(s) for s in predicted]
            scores = evaluate(target.sentences, predicted)
            row = {
                "lang": lang, "method": method.name, "precision": scores.precision,
                "recall": scores.recall, "f1": scores.f1,
                "f1_halves": _half_f1(target.sentences, predicted),
                "per_class": {k: vars(v) for k, v in scores.per_class.items()},
                "projection_ratio": scores.projection_ratio,
                "align_seconds": align_seconds, "project_seconds": run.project_seconds,
                "sentences": len(target), "symmetrize": sym,
                "failed_sentences": len(run.report.failed),
                "fallback_sentences": len(run.report.fallback),
                "unprojected": dict(run.report.unprojected),
                "dropped_source": dropped_source, "dropped_predicted": dropped_predicted,
                "anchors": n_anchors if anchors else None,
            }
            log.info("%s %s F1 %.4f", lang, method.name, scores.f1)
            results.append(row)
    signature = make_signature(
        command, inputs={"corpus": corpus, "source": source.describe(), "targets": targets},
        components={"aligners": aligners, "methods": {m.name: m for m in resolved}},
        params={"bitext": bitext, "anchors": anchors})
    return {"signature": signature, "results": results}


def format_table(results: Sequence[dict[str, Any]]) -> str:
    lines = [f"{'lang':<6}{'method':<28}{'P':>8}{'R':>8}{'F1':>8}{'F1 1st':>8}{'F1 2nd':>8}"
             f"{'align s':>9}{'proj s':>9}{'sent/s':>10}"]
    for r in results:
        rate = r["sentences"] / r["project_seconds"] if r["project_seconds"] else float("inf")
        first, second = r.get("f1_halves", (float("nan"), float("nan")))
        lines.append(f"{r['lang']:<6}{r['method']:<28}{r['precision']:8.4f}{r['recall']:8.4f}"
                     f"{r['f1']:8.4f}{first:8.4f}{second:8.4f}{r['align_seconds']:9.1f}"
                     f"{r['project_seconds']:9.3f}{rate:10.0f}")
    return "\n".join(lines)
