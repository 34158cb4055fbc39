"""``xlner project``: project source entities onto a parallel target."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from xlner.cli import common
from xlner.errors import ConfigError, XlnerError
from xlner.files import check_output
from xlner.pipelines.config import RunConfig, project_config
from xlner.project.recipes import DEFAULT_METHOD, method_names

if TYPE_CHECKING:  # the pipelines are imported when the command runs
    from xlner.pipelines.run import ProjectResult
    from xlner.pipelines.shards import ShardedResult


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("project", help="project source entities onto parallel target sentences")
    p.add_argument("--source", required=True, help="labelled source: CoNLL file or corpus name")
    p.add_argument("--target", required=True,
                   help="target sentences: CoNLL (labels ignored), text, or corpus name")
    p.add_argument("--out", required=True, help="output CoNLL, or dataset directory with "
                   "--out-format hf (plus .signature.json and .report.json beside it)")
    p.add_argument("--method", default=DEFAULT_METHOD,
                   help=f"projection method spec (default {DEFAULT_METHOD}: the best across "
                   f"languages measured); one of: {', '.join(method_names())}")
    common.add_param_option(p, "method", "method parameter key=value[,key=value] (repeatable)",
                     alias=True)
    p.add_argument("--candidates", default=None, help="candidate extractor (matching methods)")
    p.add_argument("--scores", default=None, help="scores and weights (matching methods)")
    p.add_argument("--aligner", default="eflomal", help="aligner name or spec")
    common.add_param_option(p, "aligner")
    p.add_argument("--bitext", action="append", default=None,
                   help="extra bitext for statistical aligners: bitext:en-<lang> or a directory")
    p.add_argument("--symmetrize", default=None,
                   help="symmetrisation (default: the one the method is tuned for)")
    p.add_argument("--seed", default=None, type=common.seed_value, help="aligner random seed")
    p.add_argument("--links", default=None,
                   help="precomputed Pharaoh links instead of aligning: symmetrised links, or "
                   "the forward links when --links-reverse is given")
    p.add_argument("--links-reverse", default=None,
                   help="the reverse-direction links (with --links FORWARD): every method then "
                   "symmetrises them as it is tuned for (xlner align --out-forward/--out-reverse "
                   "write both)")
    p.add_argument("--no-resume", action="store_true", help="recompute the alignment even if "
                   "the alignment store holds one of the same words and aligner settings "
                   "($XLNER_CACHE_DIR/alignments, shared by every method and output)")
    p.add_argument("--no-bitext", action="store_true",
                   help="align the given sentences alone, without extra bitext")
    common.add_shard_options(
        p, "align and project in shards of N pairs, written to OUT.shards/ and resumed shard "
        "by shard (a last shard of under N/2 joins the one before); with eflomal and a bitext, "
        "the first shard is aligned with the bitext once, eflomal priors are learnt from that "
        "run and every shard is aligned with them, weighed x4 (priors_scale), instead of the "
        "bitext (Europarl, shards of 200, mean of 3 seeds: de -0.43 F1 against whole-corpus "
        "links, es +0.45: docs/runs.md); a corpus of under 1.5 N pairs is aligned whole")
    common.add_limit_options(p)
    common.add_print_config(p)
    common.add_output_format_options(p)
    common.add_input_options(p, run)


def config_from_args(args: argparse.Namespace) -> RunConfig:
    """The run configuration the project flags describe."""
    overrides = common.merge_params(args.method_param)
    if args.candidates:
        overrides["candidates"] = args.candidates
    if args.scores:
        overrides["scores"] = args.scores
    params = common.merge_params(args.aligner_param)
    if args.seed is not None:
        params["seed"] = common.seed_param(args.seed)
    return project_config(
        source=common.input_from_args(args.source, args),
        target=common.input_from_args(args.target, args),
        out=args.out, method=args.method, method_params=overrides, aligner=args.aligner,
        aligner_params=params, bitexts=args.bitext or (), symmetrize=args.symmetrize,
        links=args.links, links_reverse=args.links_reverse, data_dir=args.data_dir,
        download=not args.no_download, resume=not args.no_resume,
        limits=common.limits_from_args(args), **common.shard_settings(args))


def run(args: argparse.Namespace) -> int:
    check_output(args.out)
    if args.no_bitext and args.bitext:
        raise ConfigError("--no-bitext and --bitext contradict each other")
    if args.links_reverse and not args.links:
        raise ConfigError("--links-reverse needs --links FORWARD")
    config = config_from_args(args)
    if args.print_config:
        print(config.to_toml(), end="")
        return 0
    if config.shard_size is not None:
        from xlner.pipelines.shards import project_sharded

        return report_sharded(project_sharded(
            config, shard_size=config.shard_size, engine=config.engine,
            workers=config.workers, ray_address=config.ray_address))
    from xlner.pipelines.run import run_project

    result = run_project(config, write_corpus=args.out_format == "conll")
    common.write_dataset_output(result.run.corpus.sentences, args.out, result.signature, args)
    return report_project(result, config)


def report_sharded(result: ShardedResult) -> int:
    reused = sum(s.reused for s in result.shards)
    common.eprint(f"{len(result.shards)} shards ({reused} reused) on {result.engine} with "
           f"{result.workers} workers, {result.seconds:.1f} s")
    if result.failed:
        for s in result.failed:
            common.eprint(f"shard {s.index} failed: {s.error}")
        raise XlnerError(f"{len(result.failed)} of {len(result.shards)} shards failed "
                         f"(the others are in {result.out}.shards/; rerun to retry them)")
    assert result.report is not None
    common.eprint(result.report.summary())
    common.eprint(f"wrote {result.out}")
    return 1 if result.report.failed else 0


def report_project(result: ProjectResult, config: RunConfig) -> int:
    """Print a project run's summary; exit 1 (partial) when sentences failed (reported)."""
    if result.reused:
        common.eprint(f"reusing the alignment in {result.reused[0]} (--no-resume to recompute)")
    dropped = result.signature["params"].get("dropped_outside_label_set") or {}
    for label, count in dropped.items():
        common.eprint(f"{count} projected {label} spans left out: "
                      f"the source label set has no {label}")
    common.eprint(result.run.report.summary())
    common.eprint(f"wrote {config.out}")
    return 1 if result.run.report.failed else 0
