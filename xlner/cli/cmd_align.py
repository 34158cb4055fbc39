"""``xlner align``: word alignment of two line-parallel files, printed as Pharaoh links."""

from __future__ import annotations

import argparse
import sys

from xlner.align import create_aligner
from xlner.align.base import format_pharaoh, write_pharaoh
from xlner.cli.common import TOKENIZE_HELP, add_data_options, eprint, load_input
from xlner.pipelines.project import check_parallel
from xlner.registry import parse_params
from xlner.signature import make_signature, write_sidecar


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("align", help="align two parallel files (Pharaoh links on stdout)")
    p.add_argument("--src", required=True, help="source: text (one sentence a line) or CoNLL")
    p.add_argument("--tgt", required=True, help="target: text or CoNLL, line-parallel to --src")
    p.add_argument("--aligner", default="eflomal", help="aligner name or spec (default eflomal)")
    p.add_argument("--param", action="append", default=[],
                   help="aligner parameter key=value (repeatable)")
    p.add_argument("--model", default=None, help="encoder of a neural aligner (simalign, "
                   "awesome): Hugging Face model name or local directory")
    p.add_argument("--bitext", action="append", default=None,
                   help="extra bitext for statistical aligners: bitext:en-<lang> or a directory")
    p.add_argument("--symmetrize", default=None, help="intersection, union, grow-diag, "
                   "grow-diag-final, grow-diag-final-and (eflomal; default grow-diag-final-and)")
    p.add_argument("--seed", default=None, help="random seed (eflomal; 'none' for unseeded)")
    p.add_argument("--tokenize", default="whitespace", help=TOKENIZE_HELP)
    p.add_argument("--out", default=None, help="write links here (with a signature sidecar)")
    add_data_options(p)
    p.set_defaults(func=run)


def aligner_params(args: argparse.Namespace) -> dict[str, object]:
    params: dict[str, object] = {}
    for item in args.param:
        params.update(parse_params(item))
    if getattr(args, "model", None):
        params["model"] = args.model
    if getattr(args, "bitext", None):
        params["bitext"] = args.bitext
    if getattr(args, "symmetrize", None):
        params["symmetrize"] = args.symmetrize
    if getattr(args, "seed", None) is not None:
        params["seed"] = None if str(args.seed).lower() == "none" else int(args.seed)
    if args.aligner.split("(")[0] == "eflomal":
        params.setdefault("data_dir", args.data_dir)
        params.setdefault("download", not args.no_download)
        tokenize = getattr(args, "tokenize", "whitespace")
        if tokenize != "whitespace":  # the bitext is split as the text being aligned
            params.setdefault("tokenizer", tokenize)
    return params


def run(args: argparse.Namespace) -> int:
    src = load_input(args.src, args, labelled=False)
    tgt = load_input(args.tgt, args, labelled=False)
    check_parallel(src, tgt, args.src, args.tgt)
    aligner = create_aligner(args.aligner, **aligner_params(args))
    links = aligner.align(src.words, tgt.words)
    if args.out:
        write_pharaoh(args.out, links)
        write_sidecar(args.out, make_signature(
            "align", inputs={"src": src.describe(), "tgt": tgt.describe()},
            components={"aligner": aligner}))
        eprint(f"wrote {len(links)} link lines to {args.out}")
    else:
        out = sys.stdout
        for item in links:
            out.write(format_pharaoh(item) + "\n")
    return 0
