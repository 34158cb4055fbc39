"""Projection over sentence pairs (existing bitext, or a source corpus and its translation)."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlner.align.base import Aligner, needs_entities
from xlner.align.util import DirectionalLinks
from xlner.corpora.corpus import Corpus
from xlner.data import Links, Sentence, check_links, empty_links
from xlner.errors import ConfigError, InputError
from xlner.pipelines.report import ProjectionReport
from xlner.progress import stage
from xlner.project.base import OVER_LIMIT, ProjectionInput, ProjectionResult, Projector
from xlner.project.limits import Limits, current_limits, using_limits

log = logging.getLogger(__name__)


@dataclass
class ProjectionRun:
    """Output of :func:`project_corpus`: the projected target corpus and how it went."""

    corpus: Corpus
    results: list[ProjectionResult]
    links: list[Links]
    report: ProjectionReport
    align_seconds: float
    project_seconds: float


def check_parallel(source: Sequence[Any], target: Sequence[Any], source_name: str,
                   target_name: str) -> None:
    if len(source) != len(target):
        raise InputError(f"{len(source)} sentences in {source_name} but {len(target)} in "
                         f"{target_name}: source and target must be parallel, line by line")


def run_projector(projector: Projector, batch: Sequence[ProjectionInput],
                  batch_size: int = 4096) -> list[ProjectionResult]:
    """Project in batches; a batch that raises is retried sentence by sentence so that the
    failing sentences are reported as errors (with their message) and the rest still land."""
    out: list[ProjectionResult] = []
    for start in range(0, len(batch), batch_size):
        chunk = batch[start:start + batch_size]
        try:
            out.extend(projector.project(chunk))
        except ConfigError:
            raise  # a configuration error is nobody's sentence: fail the run
        except Exception:
            for offset, item in enumerate(chunk):
                try:
                    out.extend(projector.project([item]))
                except ConfigError:
                    raise
                except Exception as exc:  # reported per sentence, never silent
                    log.warning("projection failed for sentence %d: %s", start + offset, exc)
                    out.append(ProjectionResult.failed(item, f"{type(exc).__name__}: {exc}"))
    return out


def project_corpus(source: Corpus, target: Corpus | Sequence[Sequence[str]], *,
                   projector: Projector, aligner: Aligner | None = None,
                   links: Sequence[Links] | None = None,
                   extras: Sequence[dict[str, Any]] | None = None,
                   limits: Limits | None = None) -> ProjectionRun:
    """Project ``source``'s entities onto ``target``'s words.

    Give either an ``aligner`` (the batch is aligned here) or precomputed ``links``. A pair
    over one of the ``limits`` (default: the current ones, :mod:`xlner.project.limits`) is
    neither aligned nor projected: it is reported failed with the limit it exceeds (its links,
    if given, are ignored).
    """
    limits = limits or current_limits()
    tgt_words = [tuple(s.words) if isinstance(s, Sentence) else tuple(s) for s in target]
    tgt_name = target.name if isinstance(target, Corpus) else "target"
    check_parallel(source, tgt_words, source.name, tgt_name)
    over = limits.violations([s.words for s in source], tgt_words,
                             [s.entities for s in source],
                             getattr(aligner, "max_words", None))
    t0 = time.perf_counter()
    if links is None:
        if aligner is None:
            raise ValueError("project_corpus needs an aligner or precomputed links")
        keep = [k for k in range(len(source)) if k not in over]
        src_words = [source[k].words for k in keep]
        if needs_entities(aligner):  # e.g. back-translation refinement
            kept_links = aligner.align(src_words, [tgt_words[k] for k in keep],  # type: ignore[call-arg]
                                       entities=[source[k].entities for k in keep])
        else:
            kept_links = aligner.align(src_words, [tgt_words[k] for k in keep])
        links = expand_links(kept_links, keep, len(source))
    else:
        check_parallel(source, links, source.name, "the alignment")
    align_seconds = time.perf_counter() - t0
    batch = []
    for k, (src, tgt, lk) in enumerate(zip(source, tgt_words, links, strict=True)):
        if k in over:
            lk = empty_links()
        try:
            check_links(lk, len(src.words), len(tgt))
        except ValueError as exc:
            raise InputError(f"alignment of sentence pair {k}: {exc}") from None
        batch.append(ProjectionInput(src.words, tgt, src.entities, lk,
                                     extras[k] if extras is not None and k not in over else {}))
    t0 = time.perf_counter()
    with stage(f"projecting {len(batch)} sentences"), using_limits(limits):
        if over:
            log.warning("%d sentence pairs over the limits, reported failed (first: pair %d: "
                        "%s)", len(over), min(over), over[min(over)])
        kept = run_projector(projector, [b for k, b in enumerate(batch) if k not in over])
        it = iter(kept)
        results = [ProjectionResult.failed(item, over[k], OVER_LIMIT) if k in over
                   else next(it) for k, item in enumerate(batch)]
    project_seconds = time.perf_counter() - t0
    origins = [s.origin if isinstance(s, Sentence) else None for s in target]
    projected = Corpus([Sentence(w, tuple(r.entities), o)
                        for w, r, o in zip(tgt_words, results, origins, strict=True)],
                       name=f"{source.name}->{tgt_name}")
    report = ProjectionReport.build([s.entities for s in source], results)
    return ProjectionRun(projected, results, list(links), report, align_seconds, project_seconds)


def expand_links(links: Sequence[Links], keep: Sequence[int], n: int) -> list[Links]:
    """Links of the ``keep`` pairs placed back among ``n`` pairs (the others empty)."""
    if len(keep) == n:
        return list(links)
    out = [empty_links() for _ in range(n)]
    for k, lk in zip(keep, links, strict=True):
        out[k] = lk
    return out


def expand_aligned(aligned: DirectionalLinks | list[Links], keep: Sequence[int], n: int
                   ) -> DirectionalLinks | list[Links]:
    """:func:`expand_links` for either kind of alignment (directional links: both)."""
    if isinstance(aligned, DirectionalLinks):
        return DirectionalLinks(expand_links(aligned.forward, keep, n),
                                expand_links(aligned.reverse, keep, n))
    return expand_links(aligned, keep, n)


def save_projection(run: ProjectionRun, out: str | Path, signature: dict[str, Any], *,
                    write_corpus: bool = True) -> None:
    """Write the projected corpus (CoNLL; not with ``write_corpus=False``, when the caller
    writes it in another format), its signature sidecar and the report JSON."""

    from xlner.corpora.conll import write_conll
    from xlner.files import write_json
    from xlner.signature import write_sidecar

    out = Path(out)
    if write_corpus:
        write_conll(out, run.corpus)
    write_sidecar(out, signature)
    report = run.report.to_dict()
    report["align_seconds"] = run.align_seconds
    report["project_seconds"] = run.project_seconds
    write_json(out.with_name(out.name + ".report.json"), report)
