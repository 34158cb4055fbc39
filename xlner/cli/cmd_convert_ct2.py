"""``xlner convert-ct2``: convert a transformers translation checkpoint to CTranslate2."""

from __future__ import annotations

import argparse

from xlner.cli.common import eprint


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("convert-ct2", help="convert an NLLB/M2M100/Marian checkpoint (hub name "
                       "or directory) to a CTranslate2 model directory")
    p.add_argument("model", help="hub name (facebook/nllb-200-3.3B) or local directory")
    p.add_argument("out", help="output directory")
    p.add_argument("--quantization", default=None,
                   help="int8, int8_float16, float16, bfloat16, ... (default: keep weights)")
    p.add_argument("--revision", default=None, help="hub revision")
    p.add_argument("--force", action="store_true", help="replace an existing output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from xlner.translate.ct2 import convert_to_ct2

    out = convert_to_ct2(args.model, args.out, quantization=args.quantization,
                         revision=args.revision, force=args.force)
    eprint(f"wrote the CTranslate2 model to {out}")
    return 0
