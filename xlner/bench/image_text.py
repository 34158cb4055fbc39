"""Image-text benchmark: text-only projection versus the same method with the visual score.

:func:`bench_image_text` projects the gold source entities of an image-text parallel corpus
(:mod:`xlner.corpora.images`) onto each target language twice: with a candidate-matching method
as given, and with a ``visual`` term added to its scores. Both are scored against the target
gold (span F1, per class, and, when the corpus marks entities ``visible``, on visible and on
not-visible entities separately), and the difference gets a paired bootstrap confidence
interval (sentences resampled, both systems on the same resample).

:func:`write_synthetic_image_text` writes a small synthetic set (pseudo-words, names copied
across, images drawn with Pillow) that exercises the whole path; it measures nothing about
real data. :func:`bench_visual_batching` times the visual scorer one pair at a time and batched.
"""

from __future__ import annotations

import copy
import random
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from xlner.bench.batching import format_speedup
from xlner.corpora.images import ImageRecord, ImageTextCorpus, read_image_jsonl, write_image_jsonl
from xlner.data import Entity, Sentence
from xlner.errors import ConfigError, InputError
from xlner.project.base import ProjectionResult

ALL = "all"


# --------------------------------------------------------------------------- counting, bootstrap


def span_counts(gold: Sequence[Sequence[Entity]], pred: Sequence[Sequence[Entity]],
                classes: Sequence[str]) -> npt.NDArray[np.int64]:
    """``(sentences, 1 + len(classes), 3)`` counts of (true positives, predicted, gold) exact
    spans per sentence; column 0 is all classes together (micro)."""
    col = {c: k + 1 for k, c in enumerate(classes)}
    out = np.zeros((len(gold), len(classes) + 1, 3), dtype=np.int64)
    for s, (g, p) in enumerate(zip(gold, pred, strict=True)):
        gs, ps = set(g), set(p)
        for entities, slot in ((gs & ps, 0), (ps, 1), (gs, 2)):
            for e in entities:
                out[s, 0, slot] += 1
                if e.label in col:
                    out[s, col[e.label], slot] += 1
    return out


def f1_of(counts: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
    """F1 from summed (tp, predicted, gold) counts on the last axis (0 where undefined)."""
    tp, pred, gold = counts[..., 0], counts[..., 1], counts[..., 2]
    denom = pred + gold
    return np.where(denom > 0, 2.0 * tp / np.maximum(denom, 1), 0.0)


def paired_bootstrap(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64], *,
                     samples: int = 1000, seed: int = 0, level: float = 0.95
                     ) -> dict[str, npt.NDArray[np.float64]]:
    """F1 difference ``b - a`` per column of two systems' per-sentence counts (as from
    :func:`span_counts`), with a percentile confidence interval over ``samples`` resamples of
    the sentences (the same resample for both systems). Returns ``diff``, ``low``, ``high``,
    ``p_not_better`` (share of resamples where ``b`` is not above ``a``)."""
    if a.shape != b.shape:
        raise ValueError(f"count arrays differ in shape: {a.shape} vs {b.shape}")
    if samples < 1:
        raise ConfigError(f"bootstrap samples must be >= 1, not {samples}")
    n = a.shape[0]
    diff = f1_of(b.sum(axis=0)) - f1_of(a.sum(axis=0))
    rng = np.random.default_rng(seed)
    flat_a, flat_b = a.reshape(n, -1), b.reshape(n, -1)
    draws = []
    for lo in range(0, samples, 200):
        weights = rng.multinomial(n, np.full(n, 1.0 / n), size=min(200, samples - lo))
        sa = (weights @ flat_a).reshape(-1, *a.shape[1:])
        sb = (weights @ flat_b).reshape(-1, *b.shape[1:])
        draws.append(f1_of(sb) - f1_of(sa))
    dist = np.concatenate(draws)
    tail = (1.0 - level) / 2 * 100
    return {"diff": diff, "low": np.percentile(dist, tail, axis=0),
            "high": np.percentile(dist, 100 - tail, axis=0),
            "p_not_better": (dist <= 0).mean(axis=0)}


# --------------------------------------------------------------------------- synthetic data


def write_synthetic_image_text(folder: str | Path, n: int = 40, *, lang: str = "xx",
                               seed: int = 0, noise: float = 0.3) -> Path:
    """A synthetic parallel image-text set in ``folder`` (``corpus.jsonl`` + ``images/``):
    English-like pseudo-sentences with PER/LOC/ORG names and their word-by-word "translation"
    into ``lang`` (names copied, a share ``noise`` of them with their last letter changed,
    some words swapped), each with a drawn image; every entity has
    a ``visible`` flag (the same in both languages). Returns the JSONL path."""
    from xlner.bench.tiny_clip import COLOURS, draw_image
    from xlner.bench.tiny_encoders import synthetic_words

    rng = random.Random(seed)
    words = synthetic_words(220, seed=seed)
    src_vocab, tgt_vocab = words[:100], words[100:200]
    names = [w.capitalize() for w in words[200:]]
    lexicon = dict(zip(src_vocab, tgt_vocab, strict=True))
    folder = Path(folder)
    records = []
    for k in range(n):
        colours = rng.sample(COLOURS, 2)
        image = draw_image(folder / "images" / f"{k}.png", colours, seed=seed * 1000 + k)
        src: list[str] = []
        tgt: list[str] = []
        src_ents: list[Entity] = []
        tgt_ents: list[Entity] = []
        visible: list[bool] = []
        for _ in range(rng.randint(1, 3)):
            filler = [rng.choice(src_vocab) for _ in range(rng.randint(1, 4))]
            translated = [lexicon[w] for w in filler]
            if len(translated) > 1 and rng.random() < 0.3:
                translated[0], translated[1] = translated[1], translated[0]
            src += filler
            tgt += translated
            name = [rng.choice(names) for _ in range(rng.randint(1, 2))]
            label = rng.choice(("PER", "LOC", "ORG"))
            src_ents.append(Entity(len(src), len(src) + len(name), label))
            tgt_ents.append(Entity(len(tgt), len(tgt) + len(name), label))
            visible.append(rng.random() < 0.5)
            src += name
            tgt += [w[:-1] + ("a" if w[-1] != "a" else "e") if rng.random() < noise else w
                    for w in name]
        tail = [rng.choice(src_vocab) for _ in range(rng.randint(1, 3))] + list(colours[:1])
        src += tail
        tgt += [lexicon.get(w, w) for w in tail]
        records.append(ImageRecord(
            str(image), {"en": Sentence(tuple(src), tuple(src_ents)),
                         lang: Sentence(tuple(tgt), tuple(tgt_ents))},
            {"en": tuple(visible), lang: tuple(visible)}, str(k)))
    return write_image_jsonl(folder / "corpus.jsonl", records)


# --------------------------------------------------------------------------- the benchmark


def load_image_text(corpus: str | Path, data_dir: str | Path | None = None,
                    on_missing: str = "error") -> ImageTextCorpus:
    """An image-text corpus from a JSONL file, a folder holding one (``corpus.jsonl``,
    ``test.jsonl`` or a single ``*.jsonl``), or a name: ``<data dir>/image-text/NAME``."""
    path = Path(corpus)
    if not path.exists():
        from xlner.corpora.named import default_data_dir

        base = default_data_dir(data_dir)
        named = base / "image-text" / str(corpus) if base is not None else None
        if named is None or not named.exists():
            raise InputError(f"image-text corpus not found (a JSONL file, a folder, or a name "
                             f"under <data dir>/image-text/; looked for {named})",
                             source=str(corpus))
        path = named
    if path.is_dir():
        found = [path / n for n in ("corpus.jsonl", "test.jsonl") if (path / n).is_file()]
        found = found or sorted(path.glob("*.jsonl"))
        if len(found) != 1 and not (found and found[0].name in ("corpus.jsonl", "test.jsonl")):
            raise InputError(f"expected one *.jsonl file in the folder, found {len(found)}",
                             source=path)
        path = found[0]
    return read_image_jsonl(path, on_missing=on_missing)


def with_visual(projector: Any, visual: Any, weight: float, *, bonus: bool = True,
                threshold: float = 0.0) -> Any:
    """A copy of a candidate-matching projector with a visual term added to its scores."""
    from xlner.project.scores.fusion import FusionScorer, Term

    scorer = getattr(projector, "scorer", None)
    if scorer is None or not hasattr(projector, "extractor"):
        raise ConfigError(f"the visual score needs a candidate-matching method, not "
                          f"{getattr(projector, 'name', projector)!r}")
    terms = list(scorer.terms) if isinstance(scorer, FusionScorer) else [Term(scorer, 1.0)]
    out = copy.copy(projector)
    out.scorer = FusionScorer([*terms, Term(visual, weight, threshold, bonus)],
                              gate=getattr(scorer, "gate", False))
    return out


def _split_entities(results: Sequence[ProjectionResult], gold: Sequence[Sentence],
                    src_visible: Sequence[tuple[bool | None, ...]],
                    tgt_visible: Sequence[tuple[bool | None, ...]], flag: bool
                    ) -> tuple[list[list[Entity]], list[list[Entity]]]:
    """Gold entities with visibility ``flag`` and predictions whose source entity has it."""
    golds = [[e for e, v in zip(s.entities, vis, strict=True) if v is flag]
             for s, vis in zip(gold, tgt_visible, strict=True)]
    preds = [[e for e, k in zip(r.entities, r.sources, strict=True) if vis[k] is flag]
             for r, vis in zip(results, src_visible, strict=True)]
    return golds, preds


def _rows_for(counts: npt.NDArray[np.int64], classes: Sequence[str]) -> dict[str, Any]:
    total = counts.sum(axis=0)
    f1 = f1_of(total)
    tp, pred, gold = (int(x) for x in total[0])
    out: dict[str, Any] = {"precision": tp / pred if pred else 0.0,
                           "recall": tp / gold if gold else 0.0,
                           "f1": float(f1[0]), "gold": gold, "predicted": pred}
    out["per_class"] = {c: {"f1": float(f1[k + 1]), "support": int(total[k + 1, 2])}
                        for k, c in enumerate(classes)}
    return out


def _interval(boot: dict[str, npt.NDArray[np.float64]], col: int) -> dict[str, float]:
    return {"diff": float(boot["diff"][col]), "low": float(boot["low"][col]),
            "high": float(boot["high"][col]), "p_not_better": float(boot["p_not_better"][col])}


def bench_image_text(corpus: str | Path | ImageTextCorpus, langs: Sequence[str] | None = None,
                     *, visual_model: Any, method: str = "ilp", src_lang: str = "en",
                     visual_weight: float = 0.5, visual_mode: str = "bonus",
                     visual_params: dict[str, Any] | None = None, aligner: str = "eflomal",
                     aligner_params: dict[str, Any] | None = None, samples: int = 1000,
                     seed: int = 0, data_dir: str | Path | None = None,
                     on_missing: str = "error") -> dict[str, Any]:
    """Text-only ``method`` vs ``method`` + visual score on each target language.

    ``visual_mode``: ``bonus`` (the visual term re-ranks pairs the other terms allow, ``~``),
    ``fused`` (an ordinary ``=`` term) or ``tiebreak`` (a bonus scaled to break ties only).
    """
    from xlner.align import create_aligner
    from xlner.align.util import align_batch, directional_extras, links_for
    from xlner.evaluate.metrics import evaluate
    from xlner.pipelines.project import project_corpus
    from xlner.pipelines.report import ProjectionReport
    from xlner.project.recipes import resolve_method
    from xlner.project.scores.visual import VisualScorer
    from xlner.signature import make_signature

    if visual_mode not in ("bonus", "fused", "tiebreak"):
        raise ConfigError(f"visual mode must be bonus, fused or tiebreak, not {visual_mode!r}")
    data = corpus if isinstance(corpus, ImageTextCorpus) else load_image_text(
        corpus, data_dir, on_missing)
    available = [lang for lang in data.languages() if lang != src_lang]
    if src_lang not in data.languages():
        raise ConfigError(f"the corpus has no {src_lang!r} sentence in every record")
    langs = list(langs) if langs else available
    missing = [lang for lang in langs if lang not in available]
    if missing:
        raise ConfigError(f"languages not in the corpus: {', '.join(missing)} (has "
                          f"{', '.join(available) or 'none'})")
    params = dict(visual_params or {})
    if visual_mode == "tiebreak":
        params["mode"] = "tiebreak"
    visual = VisualScorer(visual_model, **params)
    base = resolve_method(method)
    visual_projector = with_visual(base.projector, visual, visual_weight,
                                   bonus=visual_mode != "fused")
    source = data.corpus(src_lang)
    src_visible = data.visible(src_lang)
    extras = data.extras()
    results: list[dict[str, Any]] = []
    aligners: dict[str, Any] = {}
    for lang in langs:
        target = data.corpus(lang)
        tgt_visible = data.visible(lang)
        classes = sorted(set(source.labels()) | set(target.labels()))
        al = create_aligner(aligner, **dict(aligner_params or {}))
        t0 = time.perf_counter()
        aligned = align_batch(al, source.words, target.words, [s.entities for s in source])
        align_seconds = time.perf_counter() - t0
        aligners[lang] = al.describe()
        links, sym = links_for(aligned, al, base.symmetrize)
        directional = directional_extras(aligned)
        runs = {}
        for label, projector in (("text-only", base.projector), ("+visual", visual_projector)):
            merged = [{**e, **(directional[k] if directional else {})}
                      for k, e in enumerate(extras)]
            run = project_corpus(source, target, projector=projector, links=links,
                                 extras=merged)
            runs[label] = run
        counts = {label: span_counts([s.entities for s in target],
                                     [r.entities for r in run.results], classes)
                  for label, run in runs.items()}
        boot = paired_bootstrap(counts["text-only"], counts["+visual"], samples=samples,
                                seed=seed)
        rows = []
        for label, run in runs.items():
            row = {"lang": lang, "system": label, **_rows_for(counts[label], classes),
                   "seqeval_f1": evaluate(target.sentences, run.corpus.sentences).f1,
                   "project_seconds": run.project_seconds, "align_seconds": align_seconds,
                   "failed_sentences": len(ProjectionReport.build(
                       [s.entities for s in source], run.results).failed)}
            rows.append(row)
        entry: dict[str, Any] = {
            "lang": lang, "sentences": len(target), "symmetrize": sym, "rows": rows,
            "difference": _interval(boot, 0),
            "per_class_difference": {c: _interval(boot, k + 1) for k, c in enumerate(classes)},
            "failed": [f"{data.records[k].origin}: {r.detail}"
                       for k, r in enumerate(runs["+visual"].results) if r.status == "error"]}
        if src_visible is not None and tgt_visible is not None:
            split: dict[str, Any] = {}
            for flag, name in ((True, "visible"), (False, "not-visible")):
                per = {}
                for label, run in runs.items():
                    golds, preds = _split_entities(run.results, target.sentences, src_visible,
                                                   tgt_visible, flag)
                    per[label] = span_counts(golds, preds, classes)
                b = paired_bootstrap(per["text-only"], per["+visual"], samples=samples,
                                     seed=seed)
                split[name] = {"text-only": _rows_for(per["text-only"], classes)["f1"],
                               "+visual": _rows_for(per["+visual"], classes)["f1"],
                               "gold": int(per["text-only"].sum(axis=0)[0, 2]),
                               **_interval(b, 0)}
            entry["visibility"] = split
        results.append(entry)
    signature = make_signature(
        "bench image-text", inputs={"corpus": data.describe()},
        components={"aligners": aligners, "text_only": base,
                    "visual": visual_projector.describe()},
        params={"method": method, "visual_weight": visual_weight, "visual_mode": visual_mode,
                "samples": samples, "seed": seed, "src_lang": src_lang})
    return {"signature": signature, "results": results}


def format_image_text(results: Sequence[dict[str, Any]]) -> str:
    """The report: both rows per language, the difference with its interval, per class and by
    visibility."""
    lines = []
    for entry in results:
        lines.append(f"{entry['lang']} ({entry['sentences']} sentences)")
        lines.append(f"  {'system':<12}{'P':>8}{'R':>8}{'F1':>8}{'failed':>8}")
        for row in entry["rows"]:
            lines.append(f"  {row['system']:<12}{row['precision']:8.4f}{row['recall']:8.4f}"
                         f"{row['f1']:8.4f}{row['failed_sentences']:8d}")
        d = entry["difference"]
        lines.append(f"  F1 difference (+visual - text-only): {d['diff']:+.4f}, 95% CI "
                     f"[{d['low']:+.4f}, {d['high']:+.4f}] (paired bootstrap)")
        for cls, d in entry["per_class_difference"].items():
            lines.append(f"    {cls:<10}{d['diff']:+.4f} [{d['low']:+.4f}, {d['high']:+.4f}]")
        for name, d in entry.get("visibility", {}).items():
            lines.append(f"    {name:<12} text-only {d['text-only']:.4f}  +visual "
                         f"{d['+visual']:.4f}  diff {d['diff']:+.4f} [{d['low']:+.4f}, "
                         f"{d['high']:+.4f}] ({d['gold']} gold)")
        for failure in entry["failed"][:5]:
            lines.append(f"  failed: {failure}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- batching


def bench_visual_batching(model: str | None = None, *, sentences: int = 16,
                          max_n: int = 3, batch_size: int = 64, device: str = "cpu",
                          seed: int = 0) -> dict[str, Any]:
    """Candidates/s of the visual scorer one pair per call versus all pairs in one call, on
    synthetic sentence pairs with drawn images (a tiny CLIP built locally unless ``model``).
    Both runs start from empty caches; the largest difference between their scores is
    reported."""
    from xlner.bench.tiny_clip import COLOURS, build_tiny_clip, draw_image
    from xlner.bench.tiny_encoders import synthetic_sentences
    from xlner.data import as_links
    from xlner.project.base import ProjectionInput
    from xlner.project.candidates import create_extractor
    from xlner.project.scores.base import PairGrid
    from xlner.project.scores.visual import VisualScorer

    rng = random.Random(seed)
    src = synthetic_sentences(sentences, min_len=6, max_len=14, seed=seed)
    tgt = synthetic_sentences(sentences, min_len=6, max_len=14, seed=seed + 1)
    with tempfile.TemporaryDirectory(prefix="xlner-visual-") as tmp:
        tiny = model is None
        if model is None:
            model = str(build_tiny_clip(Path(tmp) / "clip",
                                        [" ".join(s) for s in src + tgt], seed=seed))
        batch = []
        for k, (s, t) in enumerate(zip(src, tgt, strict=True)):
            image = draw_image(Path(tmp) / f"{k}.png", rng.sample(COLOURS, 2), seed=k)
            start = rng.randrange(0, len(s) - 2)
            batch.append(ProjectionInput(s, t, [Entity(start, start + 2, "PER")],
                                         as_links([]), {"image": str(image)}))
        spans = create_extractor(f"ngrams:{max_n}").extract(batch)
        grid = PairGrid.build(batch, spans)
        scorer = VisualScorer(model, device=device, batch_size=batch_size)
        scorer.score(grid.subset(np.arange(grid.n_pairs) < 1))  # warm-up
        scorer.clear_cache()
        t0 = time.perf_counter()
        single = np.concatenate([scorer.score(grid.subset(np.arange(grid.n_pairs) == k))
                                 for k in range(grid.n_pairs)])
        t_single = time.perf_counter() - t0
        scorer.clear_cache()
        t0 = time.perf_counter()
        batched = scorer.score(grid)
        t_batched = time.perf_counter() - t0
    n = grid.n_pairs
    return {"model": "tiny-clip (built locally)" if tiny else model,
            "scorer": scorer.describe(), "sentences": sentences, "candidates": n,
            "one_at_a_time_per_s": n / t_single, "batched_per_s": n / t_batched,
            "speedup": t_single / t_batched,
            "max_abs_difference": float(np.abs(single - batched).max()) if n else 0.0}


def format_visual_batching(result: dict[str, Any]) -> str:
    return (f"visual scorer on {result['model']}: {result['candidates']} (entity, candidate) "
            f"pairs over {result['sentences']} sentence pairs with images\n"
            + format_speedup(result, "candidates", result["scorer"]["encoder"].get("batch_size"),
                             f"max |difference| {result['max_abs_difference']:.2e}"))


__all__ = ["bench_image_text", "bench_visual_batching", "format_image_text",
           "format_visual_batching", "load_image_text", "paired_bootstrap", "span_counts",
           "with_visual", "write_synthetic_image_text"]
