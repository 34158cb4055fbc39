"""``xlner translate-test``: translate the target into English, tag it, project the entities
back and score them against the target gold."""

from __future__ import annotations

import argparse

from xlner.cli import common
from xlner.cli.cmd_translate_train import (
    add_alignment_options,
    add_translator_options,
    aligner_params,
)
from xlner.corpora.conll import write_conll
from xlner.files import write_json
from xlner.pipelines.config import RunConfig, translate_test_config
from xlner.pipelines.run import run_translate_test
from xlner.pipelines.translate_test import TranslateTestResult
from xlner.project.recipes import method_names
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
    common.add_param_option(p, "tagger", "tagger parameters k=v,... (e.g. device=cuda,"
                     "eval_batch_size=64)")
    p.add_argument("--target-tagger", default=None,
                   help="a tagger run on the target sentences (same forms as --tagger), for "
                   "methods with tagger candidates or the tagger score")
    common.add_param_option(p, "target-tagger", "target tagger parameters k=v,...")
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
    common.add_limit_options(p)
    common.add_input_options(p, run)



def config_from_args(args: argparse.Namespace) -> RunConfig:
    """The run configuration the translate-test flags describe."""
    return translate_test_config(
        lang=args.lang, target=common.input_from_args(args.target, args), tagger=args.tagger,
        translations=args.translations, translator=args.translator,
        tagger_params=common.merge_params(args.tagger_param), pred_label_map=args.pred_label_map,
        pivot_lang=args.pivot_lang, tokenizer=args.translations_tokenize, method=args.method,
        aligner=args.aligner, aligner_params=aligner_params(args), bitext=not args.no_bitext,
        anchors=args.anchors, target_tagger=args.target_tagger,
        target_tagger_params=common.merge_params(args.target_tagger_param), out=args.out,
        data_dir=args.data_dir, download=not args.no_download, resume=not args.no_resume,
        limits=common.limits_from_args(args))


def run(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    if args.print_config:
        print(config.to_toml(), end="")
        return 0
    return report_translate_test(run_translate_test(config), pred=args.pred, json=args.json)


def report_translate_test(result: TranslateTestResult, *, pred: str | None = None,
                          json: str | None = None) -> int:
    """Print a translate-test run's scores; optionally write predictions and JSON."""
    common.eprint(result.report.summary())
    if pred:
        write_conll(pred, result.predictions)
        write_sidecar(pred, result.signature)
    if result.scores is not None:
        print(result.scores.table())
    else:
        common.eprint("the target has no gold entities: nothing to score")
    if json:
        write_json(json, result.to_dict())
    return 1 if result.report.failed else 0
