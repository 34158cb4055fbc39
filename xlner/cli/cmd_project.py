"""``xlner project``: project source entities onto a parallel target."""

from __future__ import annotations

import argparse

from xlner.cli.cmd_translate_train import add_print_config
from xlner.cli.common import (
    add_alias,
    add_input_options,
    add_output_format_options,
    count_value,
    eprint,
    input_from_args,
    merge_params,
    seed_value,
    write_dataset_output,
)
from xlner.errors import ConfigError, XlnerError
from xlner.files import check_output
from xlner.pipelines.config import RunConfig, project_config
from xlner.pipelines.run import ProjectResult, run_project
from xlner.pipelines.shards import ShardedResult, project_sharded
from xlner.project.limits import MAX_CANDIDATES, MAX_ENTITIES, MAX_WORDS
from xlner.project.recipes import DEFAULT_METHOD, method_names


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
    p.add_argument("--method-param", dest="method_param", action="append", default=[],
                   help="method parameter key=value[,key=value] (repeatable)")
    add_alias(p, "--param", "method_param", action="append")
    p.add_argument("--candidates", default=None, help="candidate extractor (matching methods)")
    p.add_argument("--scores", default=None, help="scores and weights (matching methods)")
    p.add_argument("--aligner", default="eflomal", help="aligner name or spec")
    p.add_argument("--aligner-param", dest="aligner_param", action="append", default=[],
                   help="aligner parameter key=value (repeatable)")
    p.add_argument("--bitext", action="append", default=None,
                   help="extra bitext for statistical aligners: bitext:en-<lang> or a directory")
    p.add_argument("--symmetrize", default=None,
                   help="symmetrisation (default: the one the method is tuned for)")
    p.add_argument("--seed", default=None, type=seed_value, help="aligner random seed")
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
    p.add_argument("--shard-size", type=int, default=None,
                   help="align and project in shards of this many pairs, written to "
                   "OUT.shards/ and resumed shard by shard; eflomal aligns each shard apart "
                   "(with the bitext), so choose it at least the corpus size to get the "
                   "whole-corpus links (shared priors cost 1.5-2 F1 at shards of 200 on "
                   "Europarl de: docs/runs.md)")
    p.add_argument("--engine", default="local", choices=["local", "ray"],
                   help="where shards run: local process pool (default) or Ray")
    p.add_argument("--workers", type=int, default=1,
                   help="processes (local) or CPUs of a local Ray (default 1)")
    p.add_argument("--ray-address", default=None, help="join this Ray cluster")
    add_limit_options(p)
    add_print_config(p)
    add_output_format_options(p)
    add_input_options(p, run)


def add_limit_options(p: argparse.ArgumentParser) -> None:
    """``--max-words``, ``--max-entities``, ``--max-candidates`` (docs/limits.md)."""
    g = p.add_argument_group("limits (a sentence pair over one is not aligned or projected: "
                             "it is reported failed with the limit, exit 1; 0: no limit)")
    g.add_argument("--max-words", type=count_value, default=None,
                   help=f"longest sentence, words on either side (default {MAX_WORDS}; the "
                   "aligner's own maximum still holds: eflomal 1023)")
    g.add_argument("--max-entities", type=count_value, default=None,
                   help=f"most source entities in a sentence (default {MAX_ENTITIES})")
    g.add_argument("--max-candidates", type=count_value, default=None,
                   help=f"most candidate spans of a sentence, candidate matching (default "
                   f"{MAX_CANDIDATES})")


def limits_from_args(args: argparse.Namespace) -> dict[str, int | None]:
    return {"max_words": args.max_words, "max_entities": args.max_entities,
            "max_candidates": args.max_candidates}


def config_from_args(args: argparse.Namespace) -> RunConfig:
    """The run configuration the project flags describe."""
    overrides = merge_params(args.method_param)
    if args.candidates:
        overrides["candidates"] = args.candidates
    if args.scores:
        overrides["scores"] = args.scores
    params = merge_params(args.aligner_param)
    if args.seed is not None:
        params["seed"] = None if str(args.seed).lower() == "none" else int(args.seed)
    return project_config(
        source=input_from_args(args.source, args), target=input_from_args(args.target, args),
        out=args.out, method=args.method, method_params=overrides, aligner=args.aligner,
        aligner_params=params, bitexts=args.bitext or (), symmetrize=args.symmetrize,
        links=args.links, links_reverse=args.links_reverse, data_dir=args.data_dir,
        download=not args.no_download,
        resume=not args.no_resume, shard_size=args.shard_size, engine=args.engine,
        workers=args.workers, ray_address=args.ray_address, limits=limits_from_args(args))


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
        return report_sharded(project_sharded(
            config, shard_size=config.shard_size, engine=config.engine,
            workers=config.workers, ray_address=config.ray_address))
    result = run_project(config, write_corpus=args.out_format == "conll")
    write_dataset_output(result.run.corpus.sentences, args.out, result.signature, args)
    return report_project(result, config)


def report_sharded(result: ShardedResult) -> int:
    reused = sum(s.reused for s in result.shards)
    eprint(f"{len(result.shards)} shards ({reused} reused) on {result.engine} with "
           f"{result.workers} workers, {result.seconds:.1f} s")
    if result.failed:
        for s in result.failed:
            eprint(f"shard {s.index} failed: {s.error}")
        raise XlnerError(f"{len(result.failed)} of {len(result.shards)} shards failed "
                         f"(the others are in {result.out}.shards/; rerun to retry them)")
    assert result.report is not None
    eprint(result.report.summary())
    eprint(f"wrote {result.out}")
    return 1 if result.report.failed else 0


def report_project(result: ProjectResult, config: RunConfig) -> int:
    """Print a project run's summary; exit 1 (partial) when sentences failed (reported)."""
    if result.reused:
        eprint(f"reusing the alignment in {result.reused[0]} (--no-resume to recompute)")
    dropped = result.signature["params"].get("dropped_outside_label_set") or {}
    for label, count in dropped.items():
        eprint(f"{count} projected {label} spans left out: the source label set has no {label}")
    eprint(result.run.report.summary())
    eprint(f"wrote {config.out}")
    return 1 if result.run.report.failed else 0
