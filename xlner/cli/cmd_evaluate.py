"""``xlner evaluate``: span-level P/R/F1 of predictions against gold."""

from __future__ import annotations

import argparse

from xlner.cli import common
from xlner.evaluate.metrics import evaluate
from xlner.files import write_json
from xlner.signature import make_signature


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("evaluate", help="score predicted entities against gold (seqeval)")
    p.add_argument("--gold", required=True, help="gold CoNLL file or corpus name")
    p.add_argument("--pred", required=True, help="predicted CoNLL file (same words)")
    p.add_argument("--json", default=None, help="also write the scores as JSON")
    common.add_input_options(p, run)


def run(args: argparse.Namespace) -> int:
    gold = common.load_input(args.gold, args, labelled=True, role="gold")
    pred = common.load_input(args.pred, args, labelled=True, role="pred")
    scores = evaluate(gold.sentences, pred.sentences)
    print(scores.table())
    if args.json:
        write_json(args.json, {"signature": make_signature(
            "evaluate", inputs={"gold": gold.describe(), "pred": pred.describe()},
            params={"label_map": args.label_map, "scheme": args.scheme}),
            "scores": scores.to_dict()})
    return 0
