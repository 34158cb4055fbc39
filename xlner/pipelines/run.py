"""The library entry point: run a :class:`~xlner.pipelines.config.RunConfig` (or a TOML file
holding one) with the pipeline it names."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xlner.errors import ConfigError
from xlner.pipelines.config import Align, Project, RunConfig, Tag, Translate, load_config

if TYPE_CHECKING:  # each pipeline is imported when it runs (a project run needs only its own)
    from xlner.pipelines.project import ProjectionRun
    from xlner.pipelines.shards import ShardedResult
    from xlner.pipelines.translate_test import TranslateTestResult
    from xlner.pipelines.translate_train import TranslateTrainResult


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
    if config.shard_size is not None and config.pipeline != "translate-train":
        from xlner.pipelines.shards import project_sharded

        if config.pipeline != "project":
            raise ConfigError(f"shard_size: sharded runs are for the project and "
                              f"translate-train pipelines, not {config.pipeline}")
        outcome = project_sharded(config, shard_size=config.shard_size, engine=config.engine,
                                  workers=config.workers, ray_address=config.ray_address)
    elif config.pipeline == "translate-train":  # its alignment in shards with shard_size
        from xlner.pipelines.translate_train import translate_train

        outcome = translate_train(config)
    elif config.pipeline == "translate-test":
        outcome = run_translate_test(config)
    else:
        outcome = run_project(config)
    return RunResult(config, outcome)


def run_translate_test(config: RunConfig) -> TranslateTestResult:
    """A translate-test configuration, run."""
    from xlner.corpora.labels import LabelMap
    from xlner.pipelines.translate_test import translate_test
    from xlner.pipelines.translate_train import build_translator, load_config_input

    tr, tag, al, pr = (config.require(c) for c in (Translate, Tag, Align, Project))
    if len(pr.methods) != 1:
        raise ConfigError("translate-test projects with exactly one method")
    target = load_config_input(config, "target", None, role="target")
    return translate_test(
        target, build_translator(tr, config), tag.tagger, config.lang, config.out,
        pivot_lang=config.src_lang, tokenizer=tr.tokenizer, method=pr.methods[0],
        aligner=al.aligner, aligner_params=dict(al.params), bitext=al.bitext,
        pred_label_map=LabelMap.parse(tag.label_map), anchors=al.anchors,
        data_dir=config.data_dir, download=config.download, resume=config.resume,
        tagger_params=dict(tag.params), target_tagger=pr.target_tagger,
        target_tagger_params=dict(pr.target_tagger_params), config=config,
        limits=pr.limits())


def run_project(config: RunConfig, *, write_corpus: bool = True) -> ProjectResult:
    """Project ``source``'s entities onto the parallel ``target``; writes ``config.out``
    (CoNLL unless ``write_corpus=False``, signature, report); the alignment is stored and
    reused (:class:`~xlner.align.store.AlignmentStore`)."""
    from xlner.align.base import read_pharaoh
    from xlner.pipelines.inputs import load_input
    from xlner.pipelines.parallel import project_parallel
    from xlner.pipelines.shards import aligner_settings

    al, pr = config.require(Align), config.require(Project)
    if len(pr.methods) != 1:
        raise ConfigError("project runs exactly one method")
    if config.out is None:
        raise ConfigError("a project run needs 'out' (the projected CoNLL file)")
    source = load_input(config.input("source"), data_dir=config.data_dir,
                        download=config.download, labelled=True, role="source")
    target = load_input(config.input("target"), data_dir=config.data_dir,
                        download=config.download, labelled=False, role="target")
    links = reverse = aligner_params = None
    if al.links:
        links = read_pharaoh(al.links, expect=len(source))
        if al.links_reverse:
            reverse = read_pharaoh(al.links_reverse, expect=len(source))
    else:
        aligner_params = aligner_settings(config)
    done = project_parallel(source, target, pr.methods[0], method_params=pr.params,
                            aligner=al.aligner, aligner_params=aligner_params, links=links,
                            links_origin=al.links, links_reverse=reverse,
                            links_reverse_origin=al.links_reverse,
                            symmetrize=al.symmetrize, out=config.out,
                            resume=config.resume,
                            signature_params={"config": config.digest_view()},
                            write_corpus=write_corpus, limits=pr.limits())
    return ProjectResult(done.run, done.signature, done.reused)
