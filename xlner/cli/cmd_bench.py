"""``xlner bench``: the benchmarks (Europarl-NER intrinsic projection, ...)."""

from __future__ import annotations

import argparse

from xlner.bench.europarl import bench_europarl, format_table
from xlner.cli.common import add_data_options, write_json
from xlner.project.recipes import split_methods
from xlner.registry import parse_params


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("bench", help="run a benchmark")
    bench = p.add_subparsers(dest="bench", required=True, metavar="BENCHMARK")
    e = bench.add_parser("europarl", help="Europarl-NER: gold English entities projected onto "
                         "each language, scored against its gold")
    e.add_argument("--langs", default=None,
                   help="comma-separated target languages (default: all present)")
    e.add_argument("--methods", default="heuristic",
                   help="comma-separated method specs (default heuristic)")
    e.add_argument("--aligner", default="eflomal")
    e.add_argument("--aligner-param", action="append", default=[],
                   help="aligner parameter key=value (repeatable)")
    e.add_argument("--no-bitext", action="store_true",
                   help="do not add bitext:en-<lang> to the aligner's data")
    e.add_argument("--json", default=None, help="write results and signature as JSON")
    add_data_options(e)
    e.set_defaults(func=run_europarl)

    m = bench.add_parser("masakhaner-nllb", help="MasakhaNER 2.0 translate-train on NLLB "
                         "translations of CoNLL-2003: the same tagger trained on T-Projection's "
                         "labels, on our projections, and on gold MasakhaNER train")
    m.add_argument("--langs", default=None,
                   help="comma-separated languages (default: all with nllb-conll2003 files)")
    m.add_argument("--methods", default="heuristic",
                   help="comma-separated projection method specs (default heuristic)")
    m.add_argument("--setup", action="append", default=None,
                   help="how our training data is made, comma-separated: misc=drop|block, "
                   "anchors, consistency, filter names (repeatable: one row per setup and "
                   "method; default: no-failed and misc=block,anchors,consistency,no-failed)")
    m.add_argument("--tagger", default=None, help="tagger spec trained on every label set "
                   "(default crf(algorithm=ap,max_iterations=10))")
    m.add_argument("--seeds", default="1,2,3",
                   help="train once per seed and report the mean (default 1,2,3)")
    m.add_argument("--aligner", default="eflomal")
    m.add_argument("--aligner-param", action="append", default=[],
                   help="aligner parameter key=value (repeatable)")
    m.add_argument("--no-bitext", action="store_true",
                   help="do not add bitext:en-<lang> to the aligner's data")
    m.add_argument("--no-gold", action="store_true", help="skip the gold upper bound")
    m.add_argument("--peer-consistency", action="store_true",
                   help="add a row: T-Projection's labels after the consistency step")
    m.add_argument("--work-dir", default=None, help="where stages are kept and resumed "
                   "(default $XLNER_CACHE_DIR/bench/masakhaner-nllb)")
    m.add_argument("--no-resume", action="store_true", help="recompute every stage")
    m.add_argument("--json", default=None, help="write the rows and signature as JSON")
    add_data_options(m)
    m.set_defaults(func=run_masakhaner)


def run_masakhaner(args: argparse.Namespace) -> int:
    from xlner.bench.masakhaner import DEFAULT_SETUPS, DEFAULT_TAGGER, bench_masakhaner_nllb
    from xlner.bench.masakhaner import format_table as masakhaner_table

    params: dict[str, object] = {}
    for item in args.aligner_param:
        params.update(parse_params(item))
    out = bench_masakhaner_nllb(
        args.langs.split(",") if args.langs else None, split_methods(args.methods),
        setups=args.setup or list(DEFAULT_SETUPS), tagger=args.tagger or DEFAULT_TAGGER,
        seeds=[int(x) for x in args.seeds.split(",") if x.strip()], aligner=args.aligner,
        aligner_params=params, bitext=not args.no_bitext,
        include_gold=not args.no_gold, peer_consistency=args.peer_consistency,
        work_dir=args.work_dir, data_dir=args.data_dir,
        download=not args.no_download, resume=not args.no_resume)
    print(masakhaner_table(out["results"]))
    print("seconds per language: " + ", ".join(f"{k} {v:.0f}" for k, v in out["seconds"].items()))
    if args.json:
        write_json(args.json, out)
    return 0


def run_europarl(args: argparse.Namespace) -> int:
    params: dict[str, object] = {}
    for item in args.aligner_param:
        params.update(parse_params(item))
    out = bench_europarl(
        args.langs.split(",") if args.langs else None, split_methods(args.methods),
        aligner=args.aligner, aligner_params=params, bitext=not args.no_bitext,
        data_dir=args.data_dir, download=not args.no_download)
    print(format_table(out["results"]))
    if args.json:
        write_json(args.json, out)
    return 0
