"""``xlner project``: project source entities onto a parallel target."""

from __future__ import annotations

import argparse

from xlner.cli.cmd_translate_train import add_print_config
from xlner.cli.common import add_corpus_options, add_data_options, eprint, input_from_args
from xlner.pipelines.config import RunConfig, project_config
from xlner.pipelines.run import ProjectResult, run_project
from xlner.project.recipes import method_names
from xlner.registry import parse_params


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("project", help="project source entities onto parallel target sentences")
    p.add_argument("--source", required=True, help="labelled source: CoNLL file or corpus name")
    p.add_argument("--target", required=True,
                   help="target sentences: CoNLL (labels ignored), text, or corpus name")
    p.add_argument("--out", required=True, help="output CoNLL (plus .signature.json and "
                   ".report.json beside it)")
    p.add_argument("--method", default="heuristic",
                   help=f"projection method spec (default heuristic); one of: "
                   f"{', '.join(method_names())}")
    p.add_argument("--param", action="append", default=[],
                   help="method parameter key=value[,key=value] (repeatable)")
    p.add_argument("--candidates", default=None, help="candidate extractor (matching methods)")
    p.add_argument("--scores", default=None, help="scores and weights (matching methods)")
    p.add_argument("--aligner", default="eflomal", help="aligner name or spec")
    p.add_argument("--aligner-param", dest="param_aligner", action="append", default=[],
                   help="aligner parameter key=value (repeatable)")
    p.add_argument("--bitext", action="append", default=None,
                   help="extra bitext for statistical aligners: bitext:en-<lang> or a directory")
    p.add_argument("--symmetrize", default=None,
                   help="symmetrisation (default: the one the method is tuned for)")
    p.add_argument("--seed", default=None, help="aligner random seed")
    p.add_argument("--links", default=None, help="precomputed Pharaoh links instead of aligning")
    p.add_argument("--no-resume", action="store_true", help="recompute the alignment even if "
                   "OUT.align holds one made from the same inputs and settings")
    add_print_config(p)
    add_corpus_options(p)
    add_data_options(p)
    p.set_defaults(func=run)


def config_from_args(args: argparse.Namespace) -> RunConfig:
    """The run configuration the project flags describe."""
    overrides: dict[str, object] = {}
    for item in args.param:
        overrides.update(parse_params(item))
    if args.candidates:
        overrides["candidates"] = args.candidates
    if args.scores:
        overrides["scores"] = args.scores
    params: dict[str, object] = {}
    for item in args.param_aligner:
        params.update(parse_params(item))
    if args.seed is not None:
        params["seed"] = None if str(args.seed).lower() == "none" else int(args.seed)
    return project_config(
        source=input_from_args(args.source, args), target=input_from_args(args.target, args),
        out=args.out, method=args.method, method_params=overrides, aligner=args.aligner,
        aligner_params=params, bitexts=args.bitext or (), symmetrize=args.symmetrize,
        links=args.links, data_dir=args.data_dir, download=not args.no_download,
        resume=not args.no_resume)


def run(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    if args.print_config:
        print(config.to_toml(), end="")
        return 0
    return report_project(run_project(config), config)


def report_project(result: ProjectResult, config: RunConfig) -> int:
    if result.reused:
        eprint(f"reusing the alignment in {config.out}.align (--no-resume to recompute)")
    eprint(result.run.report.summary())
    eprint(f"wrote {config.out}")
    return 0
