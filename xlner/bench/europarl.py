"""Europarl-NER intrinsic benchmark: gold English entities projected onto each target language,
scored against its gold labels (PER, ORG, LOC, MISC kept)."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from xlner.align import create_aligner
from xlner.align.base import Aligner, uses_bitext
from xlner.align.util import align_batch, directional_extras, links_for
from xlner.corpora.named import default_data_dir, download_dir, load_corpus
from xlner.errors import ConfigError
from xlner.evaluate.metrics import evaluate
from xlner.pipelines.project import project_corpus
from xlner.progress import bar
from xlner.project.recipes import resolve_method
from xlner.signature import make_signature

log = logging.getLogger(__name__)


def available_languages(data_dir: str | Path | None) -> list[str]:
    """Target languages with a Europarl-NER file in the data directory or the cache."""
    langs: set[str] = set()
    for base in (default_data_dir(data_dir), download_dir()):
        if base is not None:
            langs.update(p.stem for p in (base / "europarl-ner").glob("*.conll"))
    return sorted(langs - {"en"})


def bench_europarl(langs: Sequence[str] | None, methods: Sequence[str], *,
                   aligner: str = "eflomal", aligner_params: dict[str, Any] | None = None,
                   bitext: bool = True, data_dir: str | Path | None = None,
                   download: bool = True) -> dict[str, Any]:
    """Run every method on every language; ``langs=None`` takes all present in the data."""
    if not methods:
        raise ConfigError("no methods to benchmark")
    resolved = [resolve_method(m) for m in methods]
    langs = list(langs) if langs else available_languages(data_dir)
    if not langs:
        raise ConfigError("no Europarl-NER target language found in the data directory")
    source = load_corpus("europarl-ner:en", data_dir=data_dir, download_missing=download)
    results: list[dict[str, Any]] = []
    aligners: dict[str, Any] = {}
    targets: dict[str, Any] = {}
    for lang in bar(langs, desc="europarl languages", unit="lang"):
        target = load_corpus(f"europarl-ner:{lang}", data_dir=data_dir, download_missing=download)
        targets[lang] = target.describe()
        params = dict(aligner_params or {})
        if uses_bitext(aligner):
            params.setdefault("data_dir", data_dir)
            params.setdefault("download", download)
            if bitext:
                params.setdefault("bitext", f"bitext:en-{lang}")
        al: Aligner = create_aligner(aligner, **params)
        t0 = time.perf_counter()
        aligned = align_batch(al, source.words, target.words, [s.entities for s in source])
        align_seconds = time.perf_counter() - t0
        aligners[lang] = al.describe()
        for method in bar(resolved, desc=f"{lang} methods", unit="method"):
            links, sym = links_for(aligned, al, method.symmetrize)
            run = project_corpus(source, target, projector=method.projector, links=links,
                                 extras=directional_extras(aligned))
            scores = evaluate(target.sentences, run.corpus.sentences)
            row = {
                "lang": lang, "method": method.name, "precision": scores.precision,
                "recall": scores.recall, "f1": scores.f1,
                "per_class": {k: vars(v) for k, v in scores.per_class.items()},
                "projection_ratio": scores.projection_ratio,
                "align_seconds": align_seconds, "project_seconds": run.project_seconds,
                "sentences": len(target), "symmetrize": sym,
                "failed_sentences": len(run.report.failed),
                "fallback_sentences": len(run.report.fallback),
                "unprojected": dict(run.report.unprojected),
            }
            log.info("%s %s F1 %.4f", lang, method.name, scores.f1)
            results.append(row)
    signature = make_signature(
        "bench europarl", inputs={"source": source.describe(), "targets": targets},
        components={"aligners": aligners, "methods": {m.name: m for m in resolved}},
        params={"bitext": bitext})
    return {"signature": signature, "results": results}


def format_table(results: Sequence[dict[str, Any]]) -> str:
    lines = [f"{'lang':<6}{'method':<28}{'P':>8}{'R':>8}{'F1':>8}{'align s':>9}{'proj s':>9}"
             f"{'sent/s':>10}"]
    for r in results:
        rate = r["sentences"] / r["project_seconds"] if r["project_seconds"] else float("inf")
        lines.append(f"{r['lang']:<6}{r['method']:<28}{r['precision']:8.4f}{r['recall']:8.4f}"
                     f"{r['f1']:8.4f}{r['align_seconds']:9.1f}{r['project_seconds']:9.3f}"
                     f"{rate:10.0f}")
    return "\n".join(lines)
