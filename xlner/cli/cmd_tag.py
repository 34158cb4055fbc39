"""``xlner tag``: tag sentences with a saved tagger."""

from __future__ import annotations

import argparse

from xlner.cli.common import add_input_options, eprint, load_input
from xlner.pipelines.tagging import tag_file


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("tag", help="tag sentences with a saved tagger")
    p.add_argument("--model", required=True, help="directory of a saved tagger")
    p.add_argument("--input", required=True,
                   help="CoNLL (labels, if any, are ignored), text (one sentence a line) or "
                   "corpus name")
    p.add_argument("--out", required=True, help="output CoNLL (plus .signature.json)")
    add_input_options(p, run)


def run(args: argparse.Namespace) -> int:
    corpus = load_input(args.input, args, labelled=False, role="input")
    tagged = tag_file(args.model, corpus, args.out)
    n = sum(len(s.entities) for s in tagged)
    eprint(f"tagged {len(tagged)} sentences ({n} entities); wrote {args.out}")
    return 0
