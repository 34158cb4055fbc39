"""``xlner train``: train a tagger on a labelled corpus and save it."""

from __future__ import annotations

import argparse

from xlner.cli import common
from xlner.pipelines.tagging import train_tagger


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("train", help="train a tagger (embedded CRF by default)")
    p.add_argument("--train", required=True, help="labelled CoNLL file or corpus name")
    p.add_argument("--model", required=True, help="directory to save the tagger in")
    p.add_argument("--tagger", default="crf",
                   help="tagger spec, e.g. crf or crf(c1=0.1,max_iterations=100) (default crf)")
    p.add_argument("--dev", default=None, help="development set (backends that use one)")
    common.add_input_options(p, run)


def run(args: argparse.Namespace) -> int:
    train = common.load_input(args.train, args, labelled=True, role="train")
    dev = common.load_input(args.dev, args, labelled=True, role="dev") if args.dev else None
    model = train_tagger(train, args.model, tagger=args.tagger, dev=dev)
    info = getattr(model, "training", {})
    common.eprint(f"trained {args.tagger} on {len(train)} sentences"
           + (f" in {info['train_seconds']:.1f} s" if "train_seconds" in info else "")
           + f"; labels {', '.join(model.labels)}; saved to {args.model}")
    return 0
