"""The library entry point: run a :class:`~xlner.pipelines.config.RunConfig` (or a TOML file
holding one) with the pipeline it names."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlner.align import create_aligner, read_pharaoh
from xlner.align.util import directional_extras, links_for
from xlner.corpora.labels import LabelMap
from xlner.errors import ConfigError
from xlner.pipelines.config import Align, Project, RunConfig, Tag, Translate, load_config
from xlner.pipelines.project import (
    ProjectionRun,
    check_parallel,
    project_corpus,
    save_projection,
)
from xlner.pipelines.shards import ShardedResult, project_sharded
from xlner.pipelines.stages import Workspace
from xlner.pipelines.steps import align_step, words_description
from xlner.pipelines.translate_test import TranslateTestResult, translate_test
from xlner.pipelines.translate_train import (
    TranslateTrainResult,
    build_translator,
    load_config_input,
    translate_train,
)
from xlner.project.recipes import resolve_method
from xlner.signature import make_signature


@dataclass
class ProjectResult:
    """A ``project`` run: the projection and its signature (written beside ``config.out``)."""

    run: ProjectionRun
    signature: dict[str, Any]
    reused: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"signature": self.signature, "projection": self.run.report.to_dict(),
                "stages": {"reused": self.reused}}


@dataclass
class RunResult:
    """What :func:`run` gives: the configuration and the pipeline's own result."""

    config: RunConfig
    outcome: TranslateTrainResult | TranslateTestResult | ProjectResult | ShardedResult

    @property
    def signature(self) -> dict[str, Any]:
        return self.outcome.signature

    def to_dict(self) -> dict[str, Any]:
        return {"config": self.config.to_dict(), **self.outcome.to_dict()}


def run(config: RunConfig | str | Path) -> RunResult:
    """Run a configuration (or the TOML file at a path)."""
    if not isinstance(config, RunConfig):
        config = load_config(config)
    outcome: TranslateTrainResult | TranslateTestResult | ProjectResult | ShardedResult
    if config.shard_size is not None:
        if config.pipeline != "project":
            raise ConfigError(f"shard_size: sharded runs are for the project pipeline, not "
                              f"{config.pipeline}")
        outcome = project_sharded(config, shard_size=config.shard_size, engine=config.engine,
                                  workers=config.workers, ray_address=config.ray_address)
    elif config.pipeline == "translate-train":
        outcome = translate_train(config)
    elif config.pipeline == "translate-test":
        outcome = run_translate_test(config)
    else:
        outcome = run_project(config)
    return RunResult(config, outcome)


def run_translate_test(config: RunConfig) -> TranslateTestResult:
    """A translate-test configuration, run."""
    tr, tag, al, pr = (config.require(c) for c in (Translate, Tag, Align, Project))
    if len(pr.methods) != 1:
        raise ConfigError("translate-test projects with exactly one method")
    target = load_config_input(config, "target", None)
    return translate_test(
        target, build_translator(tr, config), tag.tagger, config.lang, config.out,
        pivot_lang=config.src_lang, tokenizer=tr.tokenizer, method=pr.methods[0],
        aligner=al.aligner, aligner_params=dict(al.params), bitext=al.bitext,
        pred_label_map=LabelMap.parse(tag.label_map), anchors=al.anchors,
        data_dir=config.data_dir, download=config.download, resume=config.resume,
        tagger_params=dict(tag.params), target_tagger=pr.target_tagger,
        target_tagger_params=dict(pr.target_tagger_params), config=config)


def run_project(config: RunConfig) -> ProjectResult:
    """Project ``source``'s entities onto the parallel ``target``; writes ``config.out``
    (CoNLL, signature, report) and resumes the alignment stage (``OUT.align``)."""
    al, pr = config.require(Align), config.require(Project)
    if len(pr.methods) != 1:
        raise ConfigError("project runs exactly one method")
    if config.out is None:
        raise ConfigError("a project run needs 'out' (the projected CoNLL file)")
    source = load_config_input(config, "source", None)
    target = load_config_input(config, "target", None)
    check_parallel(source, target, config.input("source").name, config.input("target").name)
    method = resolve_method(pr.methods[0], **pr.params)
    components: dict[str, object] = {"method": method}
    extras = None
    align_seconds = 0.0
    reused: list[str] = []
    inputs_extra: dict[str, Any] = {}
    if al.links:
        links, symmetrize = read_pharaoh(al.links), None
        inputs_extra = {"links": al.links}
    else:
        params = dict(al.params)
        if al.bitexts:
            params["bitext"] = list(al.bitexts)
        if al.symmetrize:
            params["symmetrize"] = al.symmetrize
        if al.aligner.split("(")[0] == "eflomal":
            params.setdefault("data_dir", config.data_dir)
            params.setdefault("download", config.download)
        aligner = create_aligner(al.aligner, **params)
        out = Path(config.out)
        ws = Workspace(out.parent, resume=config.resume)
        aligned, _, align_seconds = align_step(
            ws, source.words, target.words, aligner, prefix=f"{out.name}.",
            upstream=[words_description(source), words_description(target)],
            entities=[s.entities for s in source])
        reused = ws.reused
        links, symmetrize = links_for(aligned, aligner, al.symmetrize or method.symmetrize)
        extras = directional_extras(aligned)
        components["aligner"] = aligner
    result = project_corpus(source, target, projector=method.projector, links=links,
                            extras=extras)
    result.align_seconds = align_seconds
    signature = make_signature(
        "project", inputs={"source": source.describe(), "target": target.describe(),
                           **inputs_extra},
        components=components, params={"symmetrize": symmetrize,
                                       "config": config.digest_view()})
    save_projection(result, config.out, signature)
    return ProjectResult(result, signature, reused)
