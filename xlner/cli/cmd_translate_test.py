"""``xlner translate-test``: translate the target into English, tag it, project the entities
back and score them against the target gold."""

from __future__ import annotations

import argparse

from xlner.cli.cmd_translate_train import (
    add_alignment_options,
    add_translator_options,
    aligner_params,
    make_translator,
)
from xlner.cli.common import add_corpus_options, add_data_options, eprint, load_input, write_json
from xlner.corpora.conll import write_conll
from xlner.corpora.labels import LabelMap
from xlner.pipelines.translate_test import translate_test
from xlner.project.recipes import method_names
from xlner.registry import parse_params
from xlner.signature import write_sidecar


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("translate-test", help="tag the English translation of the target, "
                       "project the entities back, score against the target gold")
    p.add_argument("--target", required=True,
                   help="target sentences: CoNLL (gold labels scored if present) or corpus name")
    add_translator_options(p)
    p.add_argument("--tagger", required=True,
                   help="saved tagger directory, tagger spec, or Hugging Face "
                   "token-classification model (name or directory)")
    p.add_argument("--tagger-param", action="append", default=[],
                   help="tagger parameters k=v,... (e.g. device=cuda,eval_batch_size=64)")
    p.add_argument("--target-tagger", default=None,
                   help="a tagger run on the target sentences (same forms as --tagger), for "
                   "methods with tagger candidates or the tagger score")
    p.add_argument("--target-tagger-param", action="append", default=[],
                   help="target tagger parameters k=v,...")
    p.add_argument("--lang", required=True, help="target language code (e.g. de, hau)")
    p.add_argument("--pivot-lang", default="en",
                   help="language of the translations and the tagger (default en)")
    p.add_argument("--method", default="heuristic",
                   help=f"projection method spec (default heuristic); methods: "
                   f"{', '.join(method_names())}")
    p.add_argument("--pred-label-map", default=None,
                   help="rename/drop predicted classes before projection, e.g. MISC=O")
    p.add_argument("--out", default=None,
                   help="output directory for the stages (resumed), predictions and scores")
    p.add_argument("--pred", default=None, help="also write the predictions to this CoNLL file")
    p.add_argument("--json", default=None, help="write the scores and signature as JSON")
    add_alignment_options(p)
    add_corpus_options(p)
    add_data_options(p)
    p.set_defaults(func=run)


def merged_params(items: list[str]) -> dict[str, object]:
    params: dict[str, object] = {}
    for item in items:
        params.update(parse_params(item))
    return params


def run(args: argparse.Namespace) -> int:
    target = load_input(args.target, args, labelled=None)
    result = translate_test(
        target, make_translator(args), args.tagger, args.lang, args.out,  # type: ignore[arg-type]
        pivot_lang=args.pivot_lang, tokenizer=args.translations_tokenize, method=args.method,
        aligner=args.aligner, aligner_params=aligner_params(args), bitext=not args.no_bitext,
        pred_label_map=LabelMap.parse(args.pred_label_map), anchors=args.anchors,
        data_dir=args.data_dir,
        download=not args.no_download, resume=not args.no_resume,
        tagger_params=merged_params(args.tagger_param), target_tagger=args.target_tagger,
        target_tagger_params=merged_params(args.target_tagger_param))
    eprint(result.report.summary())
    if args.pred:
        write_conll(args.pred, result.predictions)
        write_sidecar(args.pred, result.signature)
    if result.scores is not None:
        print(result.scores.table())
    else:
        eprint("the target has no gold entities: nothing to score")
    if args.json:
        write_json(args.json, result.to_dict())
    return 0
