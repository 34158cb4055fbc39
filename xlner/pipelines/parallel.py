"""Projection over parallel text with its alignment stage: the body of ``xlner project``.

Aligns the pair (or reads precomputed links), projects with a named method and, given ``out``,
writes the projected CoNLL, its signature and report; the alignment is a resumable stage
beside ``out`` (``OUT.align``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlner.align import create_aligner
from xlner.align.base import Aligner
from xlner.align.util import directional_extras, links_for
from xlner.corpora.corpus import Corpus
from xlner.data import Links
from xlner.pipelines.project import ProjectionRun, check_parallel, project_corpus, save_projection
from xlner.pipelines.stages import Workspace
from xlner.pipelines.steps import align_step, words_description
from xlner.project.recipes import resolve_method
from xlner.signature import make_signature


@dataclass
class ParallelProjection:
    """The run, its signature and whether the alignment was reused from ``OUT.align``."""

    run: ProjectionRun
    signature: dict[str, Any]
    reused: list[str]
    """The stages read back from ``OUT.align`` instead of computed."""

    @property
    def reused_alignment(self) -> bool:
        return bool(self.reused)


def project_parallel(source: Corpus, target: Corpus, method: str = "heuristic", *,
                     method_params: Mapping[str, Any] | None = None,
                     aligner: str | Aligner = "eflomal",
                     aligner_params: Mapping[str, Any] | None = None,
                     links: Sequence[Links] | None = None, links_origin: str | None = None,
                     symmetrize: str | None = None, out: str | Path | None = None,
                     resume: bool = True,
                     signature_params: Mapping[str, Any] | None = None) -> ParallelProjection:
    """Project ``source``'s entities onto the parallel ``target`` with ``method``.

    Without ``links`` the pair is aligned with ``aligner`` (a spec, built with
    ``aligner_params``) and the links symmetrised as ``symmetrize`` says, else as the method is
    tuned for; ``signature_params`` are added to the signature's parameters (the run
    configuration, for instance). With ``out`` the projection is written there (CoNLL,
    ``.signature.json``, ``.report.json``) and the alignment kept in ``OUT.align`` for the
    next run.
    """
    check_parallel(source, target, source.name, target.name)
    resolved = resolve_method(method, **dict(method_params or {}))
    components: dict[str, object] = {"method": resolved}
    extras = None
    align_seconds = 0.0
    reused: list[str] = []
    inputs_extra: dict[str, Any] = {}
    used_symmetrize: str | None = None
    if links is not None:
        if links_origin is not None:
            inputs_extra["links"] = links_origin
    else:
        if isinstance(aligner, str):
            aligner = create_aligner(aligner, **dict(aligner_params or {}))
        ws = Workspace(None if out is None else Path(out).parent, resume=resume)
        prefix = "" if out is None else f"{Path(out).name}."
        aligned, _, align_seconds = align_step(
            ws, source.words, target.words, aligner, prefix=prefix,
            upstream=[words_description(source), words_description(target)],
            entities=[s.entities for s in source])
        reused = list(ws.reused)
        links, used_symmetrize = links_for(aligned, aligner, symmetrize or resolved.symmetrize)
        extras = directional_extras(aligned)
        components["aligner"] = aligner
    run = project_corpus(source, target, projector=resolved.projector, links=links,
                         extras=extras)
    run.align_seconds = align_seconds
    signature = make_signature(
        "project", inputs={"source": source.describe(), "target": target.describe(),
                           **inputs_extra},
        components=components, params={"symmetrize": used_symmetrize,
                                       **dict(signature_params or {})})
    if out is not None:
        save_projection(run, out, signature)
    return ParallelProjection(run, signature, reused)
