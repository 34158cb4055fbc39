"""``xlner translate-train``: translate, align, project, filter; optionally train a tagger on
the projected data and evaluate it."""

from __future__ import annotations

import argparse

from xlner.cli import common
from xlner.pipelines.config import Evaluate, RunConfig, Train, translate_train_config
from xlner.pipelines.filters import FILTERS, PROSE, WITHOUT
from xlner.pipelines.repair import RepairReport
from xlner.pipelines.translate_train import (
    DEFAULT_FILTERS,
    TranslateTrainResult,
    translate_train,
)
from xlner.project.recipes import method_names, split_methods
from xlner.registry import parse_params
from xlner.translate import create_translator
from xlner.translate.split import JOINERS, JoinReport


def add_translator_options(p: argparse.ArgumentParser) -> None:
    group = p.add_argument_group("translation")
    group.add_argument("--translations", required=True,
                   help="cached translations: corpus name, CoNLL, text (one a line) or JSONL "
                   "file; sentence i translates source sentence i")
    group.add_argument("--translator", default="cached",
                   help="translator spec; the cache is passed as its path (default cached)")
    choices = ["auto", "whitespace", "xlner"]
    group.add_argument("--translations-tokenize", dest="translations_tokenize", default="auto",
                       choices=choices,
                       help="word splitting of the translations (auto: whitespace for CoNLL "
                       "caches, which are split already, else xlner)")
    common.add_alias(group, "--split", "translations_tokenize", choices=choices)


def add_alignment_options(p: argparse.ArgumentParser) -> None:
    group = p.add_argument_group("alignment")
    group.add_argument("--aligner", default="eflomal", help="aligner spec (default eflomal)")
    common.add_param_option(group, "aligner")
    group.add_argument("--no-bitext", action="store_true",
                       help="do not add bitext:en-<lang> to the aligner's data")
    group.add_argument("--anchors", action="store_true",
                       help="add orthographic anchors to the links: names copied into the "
                       "other sentence, also with a glued prefix (kaClinton) or suffix "
                       "(Londra'da)")
    p.add_argument("--no-resume", action="store_true",
                   help="recompute every stage even when a finished one is in --out")
    common.add_print_config(p)


SHARD_HELP = ("align the corpus with eflomal in shards of N pairs (each shard a task, written "
              "to OUT/align.shards/ and resumed shard by shard; a last shard of under N/2 "
              "joins the one before); with a bitext, eflomal priors are learnt once from the "
              "first shard plus the bitext and every shard is aligned with them, weighed x4, "
              "instead of the bitext (docs/runs.md); a corpus of under 1.5 N pairs is aligned "
              "whole")
"""``--shard-size`` of translate-train and bench masakhaner-nllb."""


def aligner_params(args: argparse.Namespace) -> dict[str, object]:
    return common.merge_params(args.aligner_param)


def make_translator(args: argparse.Namespace) -> object:
    params: dict[str, object] = {}
    if args.translator.split("(")[0].strip() == "cached":
        params = {"path": args.translations, "data_dir": args.data_dir,
                  "download": not args.no_download}
    return create_translator(args.translator, **params)


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("translate-train", help="project labelled source data onto its "
                       "translations; optionally train and evaluate a tagger on the result")
    p.add_argument("--source", required=True, help="labelled source: CoNLL file or corpus name")
    add_translator_options(p)
    p.add_argument("--lang", required=True, help="target language code (e.g. hau, de)")
    p.add_argument("--src-lang", default="en", help="source language code (default en)")
    p.add_argument("--method", default="heuristic",
                   help="projection method spec(s), comma-separated (default heuristic); "
                   f"methods: {', '.join(method_names())}")
    p.add_argument("--filters", default=",".join(DEFAULT_FILTERS),
                   help="training-data filters, comma-separated, or none: "
                   f"{', '.join(FILTERS)}, {PROSE}[:R], {WITHOUT}<CLASS> (default: "
                   "no-failed)")
    p.add_argument("--source-label-map", default=None,
                   help="rename/drop source classes before projection, e.g. MISC=O")
    p.add_argument("--target-label-map", default=None,
                   help="rename/drop classes of the projected data, e.g. MISC=O")
    p.add_argument("--consistency", nargs="?", const="", default=None, metavar="K=V,...",
                   help="make the projected labels consistent across the corpus (relabel "
                   "dropped-class spans whose text is mostly a kept class, label missed "
                   "occurrences); optional settings min_count, min_ratio, max_words, add_missed")
    p.add_argument("--recall-repair", nargs="?", const="", default=None, metavar="K=V,...",
                   help="add held-out tagger predictions that overlap no label and look like "
                   "names (cross-fold); optional settings tagger (a spec, in [...] when it "
                   "holds commas), folds, seed, block_dropped (true: never on the words of "
                   "projected spans of classes the target map drops)")
    p.add_argument("--join", default=None, choices=sorted(JOINERS),
                   help="re-join the training set's words with this rule, last (apostrophes: "
                   "n ' Awka -> n'Awka, as target test data often splits words)")
    p.add_argument("--tagger", default=None,
                   help="train this tagger on each method's data (e.g. crf)")
    p.add_argument("--eval", default=None,
                   help="evaluate the tagger on this labelled corpus (e.g. masakhaner2:hau:test)")
    p.add_argument("--eval-label-map", default=None,
                   help="rename/drop classes of the evaluation gold, e.g. DATE=O")
    p.add_argument("--out", required=True, help="output directory (stages are resumed)")
    add_alignment_options(p)
    common.add_shard_options(p, SHARD_HELP)
    common.add_limit_options(p)
    common.add_output_format_options(p)
    common.add_input_options(p, run)


def config_from_args(args: argparse.Namespace) -> RunConfig:
    """The run configuration the translate-train flags describe."""
    return translate_train_config(
        lang=args.lang, source=common.input_from_args(args.source, args),
        translations=args.translations, translator=args.translator, src_lang=args.src_lang,
        tokenizer=args.translations_tokenize, methods=split_methods(args.method),
        aligner=args.aligner,
        aligner_params=aligner_params(args), bitext=not args.no_bitext, anchors=args.anchors,
        source_label_map=args.source_label_map, target_label_map=args.target_label_map,
        consistency=False if args.consistency is None else parse_params(args.consistency)
        or True, filters=args.filters, repair=False if args.recall_repair is None
        else parse_params(args.recall_repair) or True, join=args.join, tagger=args.tagger,
        eval=None if not args.eval else common.input_from_args(
            args.eval, args, label_map=args.eval_label_map),
        out=args.out, data_dir=args.data_dir, download=not args.no_download,
        resume=not args.no_resume, limits=common.limits_from_args(args),
        **common.shard_settings(args))


def run(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    if args.print_config:
        print(config.to_toml(), end="")
        return 0
    return report_translate_train(translate_train(config), config, args)


def report_translate_train(result: TranslateTrainResult, config: RunConfig,
                           args: argparse.Namespace | None = None) -> int:
    """Print a translate-train run's outcome on stderr."""
    train = config.step(Train)
    evaluate = config.step(Evaluate)
    for o in result.outcomes:
        common.eprint(f"{o.method}: {o.projection.summary()}")
        if o.consistency is not None:
            common.eprint(f"  {o.consistency.summary()}")
        if isinstance(o.repair, RepairReport):
            common.eprint(f"  {o.repair.summary()}")
        if isinstance(o.join, JoinReport):
            common.eprint(f"  {o.join.summary()}")
        common.eprint(f"  filters: {o.filters.summary()}")
        common.eprint(f"  training set: {config.out}/{o.slug}/train.conll")
        if args is not None and (args.out_format == "hf" or args.push_to_hub):
            common.write_dataset_output(o.train, f"{config.out}/{o.slug}/train.hf",
                                 {**result.signature, "method": o.method,
                                  "train_key": o.train_key}, args)
        if o.scores is not None and train is not None and evaluate is not None:
            common.eprint(f"  {train.tagger} on {config.input(evaluate.input).name}:")
            common.eprint("    " + o.scores.table().replace("\n", "\n    "))
    if result.reused:
        common.eprint(f"reused stages: {', '.join(result.reused)}")
    common.eprint(f"wrote {config.out}/summary.json")
    return 1 if any(o.projection.failed for o in result.outcomes) else 0
