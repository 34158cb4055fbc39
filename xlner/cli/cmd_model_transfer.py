"""``xlner model-transfer``: the baseline, a multilingual tagger applied to the target directly."""

from __future__ import annotations

import argparse

from xlner.cli import common
from xlner.corpora.labels import LabelMap
from xlner.files import write_json
from xlner.pipelines.model_transfer import model_transfer, save_model_transfer
from xlner.signature import make_signature
from xlner.tag import resolve_tagger


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("model-transfer", help="tag the target directly with a multilingual "
                       "tagger and score it (baseline)")
    p.add_argument("--tagger", required=True,
                   help="saved tagger directory, tagger spec, or Hugging Face token-"
                   "classification model (name or directory)")
    p.add_argument("--target", required=True, help="target corpus name or CoNLL/text file")
    common.add_param_option(p, "tagger", "tagger parameter key=value (repeatable), e.g. "
                     "device=cuda, eval_batch_size=128")
    p.add_argument("--pred-label-map", default=None,
                   help="rename or drop predicted classes before scoring, e.g. MISC=O")
    p.add_argument("--out", default=None, help="write predictions (CoNLL, IOB2) here")
    p.add_argument("--json", default=None, help="write scores and signature as JSON")
    common.add_input_options(p, run)


def run(args: argparse.Namespace) -> int:
    params = common.merge_params(args.tagger_param)
    target = common.load_input(args.target, args, labelled=None, role="target")
    tagger = resolve_tagger(args.tagger, **params)
    label_map = LabelMap.parse(args.pred_label_map)
    result = model_transfer(tagger, target.sentences, label_map=label_map)
    if result.scores is not None:
        print(result.scores.table())
        if result.excluded_gold:
            print("gold entities not scored (classes the tagger lacks): "
                  + ", ".join(f"{k} {v}" for k, v in sorted(result.excluded_gold.items())))
    else:
        common.eprint("no gold entities in the target: predictions only")
    if args.out:
        save_model_transfer(result, args.out, tagger=tagger, target=target, label_map=label_map)
        common.eprint(f"wrote {len(result.predicted)} sentences to {args.out}")
    if args.json:
        write_json(args.json, {"signature": make_signature(
            "model-transfer", inputs={"target": target.describe()},
            components={"tagger": tagger},
            params={"pred_label_map": label_map.describe()}), **result.to_dict()})
    return 0
