"""``xlner show``: a projection viewer in one self-contained HTML page."""

from __future__ import annotations

import argparse
from pathlib import Path

from xlner.align import read_pharaoh
from xlner.cli import common
from xlner.errors import InputError
from xlner.evaluate.viewer import write_viewer


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("show", help="write a projection viewer (one HTML page, no server): "
                       "links, entities by class, errors against the gold, filters")
    p.add_argument("projected", help="projected corpus: CoNLL, dataset or corpus name")
    p.add_argument("--gold", default=None, help="gold labels of the same target sentences "
                   "(marks missed, spurious, wrong-boundary and wrong-class spans)")
    p.add_argument("--source", default=None, help="labelled source sentences (shown above "
                   "each target, with their entities)")
    p.add_argument("--links", default=None, help="Pharaoh links source-target, one line a "
                   "sentence (drawn between the words; needs --source)")
    p.add_argument("--title", default=None, help="page title (default: the projected file)")
    p.add_argument("--out", required=True, help="output HTML file")
    common.add_corpus_options(p)
    common.add_data_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    pred = common.load_input(args.projected, args, labelled=True)
    gold = common.load_input(args.gold, args, labelled=True) if args.gold else None
    source = common.load_input(args.source, args, labelled=True) if args.source else None
    if args.links and source is None:
        common.eprint("xlner show: --links needs --source (the words the links start from)")
        return 2
    if args.links and not Path(args.links).is_file():
        raise InputError("links file not found", source=args.links)
    links = read_pharaoh(args.links) if args.links else None
    names = {k: v for k, v in (("projected", args.projected), ("gold", args.gold),
                               ("source", args.source), ("links", args.links)) if v}
    out = write_viewer(args.out, pred.sentences, gold=None if gold is None else gold.sentences,
                       source=None if source is None else source.sentences, links=links,
                       names=names, title=args.title or f"xlner: {args.projected}")
    common.eprint(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB, {len(pred)} sentences)")
    return 0
