"""Projection over parallel text: the body of ``xlner project``.

Aligns the pair (or reads the stored alignment, or precomputed links), projects with a named
method and, given ``out``, writes the projected CoNLL, its signature and report.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlner.align import create_aligner
from xlner.align.base import Aligner
from xlner.align.store import AlignmentStore, alignment_key
from xlner.align.util import DirectionalLinks, align_batch, directional_extras, links_for
from xlner.corpora.corpus import Corpus
from xlner.data import Links, check_links
from xlner.errors import ConfigError, InputError
from xlner.files import file_digest
from xlner.pipelines.project import (
    ProjectionRun,
    check_parallel,
    expand_aligned,
    project_corpus,
    save_projection,
)
from xlner.project.labels import restrict_labels
from xlner.project.limits import Limits
from xlner.project.recipes import resolve_method
from xlner.signature import make_signature

log = logging.getLogger(__name__)


@dataclass
class ParallelProjection:
    """The run, its signature and whether the alignment was reused from ``OUT.align``."""

    run: ProjectionRun
    signature: dict[str, Any]
    reused: list[str]
    """The stored alignment read back instead of computed (its directory), if any."""

    @property
    def reused_alignment(self) -> bool:
        return bool(self.reused)


def project_parallel(source: Corpus, target: Corpus, method: str = "heuristic", *,
                     method_params: Mapping[str, Any] | None = None,
                     aligner: str | Aligner = "eflomal",
                     aligner_params: Mapping[str, Any] | None = None,
                     links: Sequence[Links] | None = None, links_origin: str | None = None,
                     links_reverse: Sequence[Links] | None = None,
                     links_reverse_origin: str | None = None,
                     symmetrize: str | None = None, out: str | Path | None = None,
                     resume: bool = True,
                     signature_params: Mapping[str, Any] | None = None,
                     store: AlignmentStore | None = None,
                     write_corpus: bool = True,
                     limits: Limits | None = None) -> ParallelProjection:
    """Project ``source``'s entities onto the parallel ``target`` with ``method``.

    Without ``links`` the pair is aligned with ``aligner`` (a spec, built with
    ``aligner_params``), or read back from the alignment store
    (:class:`~xlner.align.store.AlignmentStore`, ``$XLNER_CACHE_DIR/alignments``: one
    alignment per words and aligner settings, shared by every method and output; ``resume=False``
    recomputes it), and the links symmetrised as ``symmetrize`` says, else as the method is
    tuned for. Precomputed ``links`` are the symmetrised links, or the forward links when
    ``links_reverse`` are given too (then every method symmetrises them as it is tuned for).
    ``signature_params`` are added to the signature's parameters (the run configuration, for
    instance). With ``out`` the projection is written there (CoNLL, ``.signature.json``,
    ``.report.json``; the CoNLL not with ``write_corpus=False``, when the caller writes the
    corpus in another format). Pairs over the ``limits`` (:mod:`xlner.project.limits`) are
    left out of the alignment and reported failed.
    """
    check_parallel(source, target, source.name, target.name)
    limits = limits or Limits()
    resolved = resolve_method(method, **dict(method_params or {}))
    components: dict[str, object] = {"method": resolved}
    extras = None
    align_seconds = 0.0
    reused: list[str] = []
    inputs_extra: dict[str, Any] = {}
    used_symmetrize: str | None = None
    if links_reverse is not None and links is None:
        raise ConfigError("reverse links need the forward links too (--links FORWARD)")
    if links is not None:
        links = list(links)
        check_link_ranges(links, source, target, links_origin)
        if links_origin is not None:
            inputs_extra["links"] = _file_entry(links_origin)
        if links_reverse is not None:
            check_link_ranges(links_reverse, source, target, links_reverse_origin)
            given = DirectionalLinks(links, list(links_reverse))
            used_symmetrize = str(symmetrize or resolved.symmetrize or "grow-diag-final-and")
            links = given.get(used_symmetrize)
            extras = directional_extras(given)
            if links_reverse_origin is not None:
                inputs_extra["links_reverse"] = _file_entry(links_reverse_origin)
    else:
        if isinstance(aligner, str):
            aligner = create_aligner(aligner, **dict(aligner_params or {}))
        store = store or AlignmentStore()
        over = limits.violations(source.words, target.words, [s.entities for s in source],
                                 getattr(aligner, "max_words", None))
        keep = [k for k in range(len(source)) if k not in over]
        src_words, tgt_words = source.words, target.words
        entities = [s.entities for s in source]
        if over:
            src_words, tgt_words = [src_words[k] for k in keep], [tgt_words[k] for k in keep]
            entities = [entities[k] for k in keep]
        key = alignment_key(src_words, tgt_words, aligner, entities)
        aligned = store.get(key, len(keep)) if resume else None
        described: Any = aligner
        if aligned is not None:
            reused = [str(store.path(key))]
            # the aligner as described when the alignment was made: describing it again would
            # read (tokenise) its bitext
            described = store.meta(key).get("aligner", aligner)
        else:
            t0 = time.perf_counter()
            aligned = align_batch(aligner, src_words, tgt_words, entities)
            align_seconds = time.perf_counter() - t0
            described = make_signature("align", components={"aligner": aligner}
                                       )["components"]["aligner"]
            store.put(key, aligned, {"source": source.name, "target": target.name,
                                     "aligner": described})
        if over:
            aligned = expand_aligned(aligned, keep, len(source))
        links, used_symmetrize = links_for(aligned, aligner, symmetrize or resolved.symmetrize)
        extras = directional_extras(aligned)
        components["aligner"] = described
    run = project_corpus(source, target, projector=resolved.projector, links=links,
                         extras=extras, limits=limits)
    run.align_seconds = align_seconds
    dropped: dict[str, int] = {}
    adjective = getattr(resolved.projector, "adjective_label", None)
    labels = source.labels()
    if adjective is not None and labels and adjective not in labels:
        # +adj on a label set without MISC: such names-as-adjectives are left unlabelled
        sentences, dropped = restrict_labels(run.corpus.sentences, labels)
        run.corpus = Corpus(sentences, name=run.corpus.name)
        log.info("%d projected %s spans left out: the source label set (%s) has no %s",
                    sum(dropped.values()), adjective, ", ".join(labels), adjective)
    signature = make_signature(
        "project", inputs={"source": source.describe(), "target": target.describe(),
                           **inputs_extra},
        components=components, params={"symmetrize": used_symmetrize,
                                       "limits": limits.to_dict(),
                                       "dropped_outside_label_set": dropped,
                                       **dict(signature_params or {})})
    if out is not None:
        save_projection(run, out, signature, write_corpus=write_corpus)
    return ParallelProjection(run, signature, reused)


def check_link_ranges(links: Sequence[Links], source: Corpus, target: Corpus,
                      path: str | None) -> None:
    """Every link inside its sentence pair (else an error naming the file and line)."""
    for k, (item, s, t) in enumerate(zip(links, source, target, strict=True)):
        try:
            check_links(item, len(s.words), len(t.words))
        except ValueError as exc:
            if path is None:
                raise InputError(f"alignment of sentence pair {k}: {exc}") from None
            raise InputError(str(exc), source=path, line=k + 1) from None


def _file_entry(path: str) -> dict[str, str]:
    """Where links came from: the file and its digest (the path only, for links given in
    memory under a name)."""
    if not Path(path).is_file():
        return {"path": path}
    return {"path": path, "digest": file_digest(path)}
