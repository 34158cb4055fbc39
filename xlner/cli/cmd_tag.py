"""``xlner tag``: tag sentences with a saved tagger."""

from __future__ import annotations

import argparse

from xlner.cli import common
from xlner.pipelines.tagging import tag_file


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("tag", help="tag sentences with a saved tagger")
    p.add_argument("--model", required=True, help="directory of a saved tagger")
    p.add_argument("--input", required=True,
                   help="CoNLL (labels, if any, are ignored), text (one sentence a line) or "
                   "corpus name")
    p.add_argument("--out", required=True, help="output CoNLL (plus .signature.json)")
    common.add_input_options(p, run)


def run(args: argparse.Namespace) -> int:
    corpus = common.load_input(args.input, args, labelled=False, role="input")
    tagged = tag_file(args.model, corpus, args.out)
    n = sum(len(s.entities) for s in tagged)
    common.eprint(f"tagged {len(tagged)} sentences ({n} entities); wrote {args.out}")
    return 0
