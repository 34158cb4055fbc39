"""``xlner align``: word alignment of two line-parallel files, printed as Pharaoh links."""

from __future__ import annotations

import argparse
import sys

from xlner.align import create_aligner
from xlner.align.base import format_pharaoh, uses_bitext, write_pharaoh
from xlner.align.symmetrize import get_method
from xlner.cli import common
from xlner.errors import ConfigError
from xlner.pipelines.project import check_parallel
from xlner.signature import make_signature, write_sidecar


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("align", help="align two parallel files (Pharaoh links on stdout)")
    p.add_argument("--src", required=True, help="source: text (one sentence a line) or CoNLL")
    p.add_argument("--tgt", required=True, help="target: text or CoNLL, line-parallel to --src")
    p.add_argument("--aligner", default="eflomal", help="aligner name or spec (default eflomal)")
    common.add_param_option(p, "aligner", alias=True)
    p.add_argument("--model", default=None, help="encoder of a neural aligner (simalign, "
                   "awesome): Hugging Face model name or local directory")
    p.add_argument("--bitext", action="append", default=None,
                   help="extra bitext for statistical aligners: bitext:en-<lang> or a directory")
    p.add_argument("--symmetrize", default=None, help="intersection, union, grow-diag, "
                   "grow-diag-final, grow-diag-final-and (eflomal; default grow-diag-final-and)")
    p.add_argument("--seed", default=None, type=common.seed_value,
                   help="random seed (eflomal; 'none' for unseeded)")
    common.add_text_options(p)
    p.add_argument("--out", default=None, help="write links here (with a signature sidecar)")
    p.add_argument("--out-forward", default=None, help="also write the forward links before "
                   "symmetrisation (eflomal), for project --links F --links-reverse R")
    p.add_argument("--out-reverse", default=None, help="also write the reverse links")
    common.add_input_options(p, run, corpus=False)


def aligner_params(args: argparse.Namespace) -> dict[str, object]:
    params = common.merge_params(args.aligner_param)
    if getattr(args, "model", None):
        params["model"] = args.model
    if getattr(args, "bitext", None):
        params["bitext"] = args.bitext
    if getattr(args, "symmetrize", None):
        params["symmetrize"] = args.symmetrize
    if getattr(args, "seed", None) is not None:
        params["seed"] = common.seed_param(args.seed)
    if uses_bitext(args.aligner):
        params.setdefault("data_dir", args.data_dir)
        params.setdefault("download", not args.no_download)
        tokenize = getattr(args, "tokenize", "whitespace")
        if tokenize != "whitespace":  # the bitext is split as the text being aligned
            params.setdefault("tokenizer", tokenize)
    return params


def run(args: argparse.Namespace) -> int:
    src = common.load_input(args.src, args, labelled=False, role="src")
    tgt = common.load_input(args.tgt, args, labelled=False, role="tgt")
    check_parallel(src, tgt, args.src, args.tgt)
    aligner = create_aligner(args.aligner, **aligner_params(args))
    if args.out_forward or args.out_reverse:
        both = getattr(aligner, "align_both", None)
        if both is None:
            raise ConfigError(f"aligner {args.aligner!r} gives no directional links; "
                              "--out-forward/--out-reverse need one that does (eflomal)")
        forward, reverse = both(src.words, tgt.words)
        for path, items in ((args.out_forward, forward), (args.out_reverse, reverse)):
            if path:
                write_pharaoh(path, items)
                write_sidecar(path, make_signature(
                    "align", inputs={"src": src.describe(), "tgt": tgt.describe()},
                    components={"aligner": aligner}, params={"direction": (
                        "forward" if items is forward else "reverse")}))
                common.eprint(f"wrote {len(items)} link lines to {path}")
        links = [get_method(aligner.symmetrize)(f, r)  # type: ignore[attr-defined]
                 for f, r in zip(forward, reverse, strict=True)]
    else:
        links = aligner.align(src.words, tgt.words)
    if args.out:
        write_pharaoh(args.out, links)
        write_sidecar(args.out, make_signature(
            "align", inputs={"src": src.describe(), "tgt": tgt.describe()},
            components={"aligner": aligner}))
        common.eprint(f"wrote {len(links)} link lines to {args.out}")
    else:
        out = sys.stdout
        for item in links:
            out.write(format_pharaoh(item) + "\n")
    return 0
