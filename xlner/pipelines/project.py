"""Projection over sentence pairs (existing bitext, or a source corpus and its translation)."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlner.align.base import Aligner, needs_entities
from xlner.corpora.corpus import Corpus
from xlner.data import Links, Sentence, check_links
from xlner.errors import ConfigError, InputError
from xlner.pipelines.report import ProjectionReport
from xlner.progress import stage
from xlner.project.base import ProjectionInput, ProjectionResult, Projector

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
                   extras: Sequence[dict[str, Any]] | None = None) -> ProjectionRun:
    """Project ``source``'s entities onto ``target``'s words.

    Give either an ``aligner`` (the batch is aligned here) or precomputed ``links``.
    """
    tgt_words = [tuple(s.words) if isinstance(s, Sentence) else tuple(s) for s in target]
    tgt_name = target.name if isinstance(target, Corpus) else "target"
    check_parallel(source, tgt_words, source.name, tgt_name)
    t0 = time.perf_counter()
    if links is None:
        if aligner is None:
            raise ValueError("project_corpus needs an aligner or precomputed links")
        if needs_entities(aligner):  # e.g. back-translation refinement
            links = aligner.align([s.words for s in source], tgt_words,  # type: ignore[call-arg]
                                  entities=[s.entities for s in source])
        else:
            links = aligner.align([s.words for s in source], tgt_words)
    else:
        check_parallel(source, links, source.name, "the alignment")
    align_seconds = time.perf_counter() - t0
    batch = []
    for k, (src, tgt, lk) in enumerate(zip(source, tgt_words, links, strict=True)):
        try:
            check_links(lk, len(src.words), len(tgt))
        except ValueError as exc:
            raise InputError(f"alignment of sentence pair {k}: {exc}") from None
        batch.append(ProjectionInput(src.words, tgt, src.entities, lk,
                                     extras[k] if extras is not None else {}))
    t0 = time.perf_counter()
    with stage(f"projecting {len(batch)} sentences"):
        results = run_projector(projector, batch)
    project_seconds = time.perf_counter() - t0
    origins = [s.origin if isinstance(s, Sentence) else None for s in target]
    projected = Corpus([Sentence(w, tuple(r.entities), o)
                        for w, r, o in zip(tgt_words, results, origins, strict=True)],
                       name=f"{source.name}->{tgt_name}")
    report = ProjectionReport.build([s.entities for s in source], results)
    return ProjectionRun(projected, results, list(links), report, align_seconds, project_seconds)


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
