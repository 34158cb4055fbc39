"""``xlner project``: project source entities onto a parallel target."""

from __future__ import annotations

import argparse

from xlner.align import read_pharaoh
from xlner.cli.cmd_align import aligner_params
from xlner.cli.common import add_input_options, eprint, load_input, merge_params
from xlner.pipelines.parallel import project_parallel
from xlner.pipelines.project import check_parallel
from xlner.project.recipes import method_names


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
    add_input_options(p, run)


def run(args: argparse.Namespace) -> int:
    source = load_input(args.source, args)
    target = load_input(args.target, args)
    check_parallel(source, target, args.source, args.target)
    overrides = merge_params(args.param)
    if args.candidates:
        overrides["candidates"] = args.candidates
    if args.scores:
        overrides["scores"] = args.scores
    links = aligner_args = None
    if args.links:
        links = read_pharaoh(args.links)
    else:
        aligner_args = aligner_params(argparse.Namespace(**{**vars(args),
                                                             "param": args.param_aligner}))
    done = project_parallel(source, target, args.method, method_params=overrides,
                            aligner=args.aligner, aligner_params=aligner_args, links=links,
                            links_origin=args.links, symmetrize=args.symmetrize, out=args.out,
                            resume=not args.no_resume)
    if done.reused_alignment:
        eprint(f"reusing the alignment in {args.out}.align (--no-resume to recompute)")
    eprint(done.run.report.summary())
    eprint(f"wrote {args.out}")
    return 0
