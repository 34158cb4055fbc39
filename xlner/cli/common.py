"""Shared CLI helpers: corpus and component options, output with signatures."""

from __future__ import annotations

import argparse
import codecs
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from xlner.corpora.corpus import Corpus
from xlner.data import Sentence
from xlner.pipelines.config import Input
from xlner.pipelines.inputs import load_input as read_input
from xlner.project.limits import MAX_CANDIDATES, MAX_ENTITIES, MAX_WORDS
from xlner.registry import parse_params


def add_alias(parser: argparse.ArgumentParser | argparse._ArgumentGroup, old: str, dest: str,
              **kwargs: Any) -> None:
    """An old spelling of an option, kept working but hidden from ``--help``."""
    parser.add_argument(old, dest=dest, help=argparse.SUPPRESS, **kwargs)


def add_param_option(parser: argparse.ArgumentParser | argparse._ArgumentGroup,
                     component: str, help: str | None = None, *, alias: bool = False) -> None:
    """``--COMPONENT-param key=value[,key=value]`` (repeatable; read with :func:`merge_params`
    from ``args.COMPONENT_param``); ``alias``: the old spelling ``--param`` keeps working."""
    dest = component.replace("-", "_") + "_param"
    parser.add_argument(f"--{component}-param", dest=dest, action="append", default=[],
                        help=help or f"{component} parameter key=value (repeatable)")
    if alias:
        add_alias(parser, "--param", dest, action="append")


def seed_param(text: str) -> int | None:
    """The seed a ``--seed`` value (:func:`seed_value`) gives: an integer, or ``None`` for
    ``none`` (unseeded)."""
    return None if str(text).lower() == "none" else int(text)


def add_data_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("data")
    group.add_argument("--data-dir", default=None,
                        help="offline data directory (default: $XLNER_DATA_DIR)")
    group.add_argument("--no-download", action="store_true",
                        help="never download a missing named corpus")


TOKENIZE_HELP = ("word splitting of plain-text inputs and of the aligner's bitext: whitespace "
                 "(default: pre-tokenised; the bitext then uses xlner), xlner, or a word "
                 "segmenter for scripts without spaces, by name (jieba, tinysegmenter, newmm) "
                 "or language (zh, ja, th); CoNLL inputs keep their words")


def add_corpus_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("input corpora")
    group.add_argument("--scheme", default="iob2", help="tag scheme of input files "
                       "(iob1, iob2, bioes; bilou is read as bioes; default iob2)")
    group.add_argument("--repair", action="store_true",
                       help="turn invalid tag transitions (I-X after O) into entity starts "
                       "(counted and printed) instead of failing")
    group.add_argument("--label-map", default=None,
                       help="rename or drop classes, e.g. MISC=O,PERSON=PER")
    add_text_options(group)


def add_text_options(parser: argparse.ArgumentParser | argparse._ArgumentGroup, *,
                     tokenize: bool = True) -> None:
    """``--encoding``, ``--allow-empty`` (and ``--tokenize``) for commands that read text."""
    if tokenize:
        parser.add_argument("--tokenize", default="whitespace", help=TOKENIZE_HELP)
    parser.add_argument("--encoding", default="utf-8", type=encoding_value,
                        help="text encoding of input files (default utf-8; a BOM is ignored)")
    parser.add_argument("--allow-empty", action="store_true",
                        help="accept an input with no sentences (an error otherwise)")


def add_output_format_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("dataset output")
    group.add_argument("--out-format", default="conll", choices=["conll", "hf"],
                       help="conll (default) or hf: a Hugging Face dataset directory "
                       "(save_to_disk, plus data/train.parquet) with tokens and ner_tags")
    group.add_argument("--push-to-hub", default=None, metavar="REPO",
                       help="also upload the dataset to the Hugging Face hub as REPO "
                       "(needs the [hf] extra and a hub token)")


def write_dataset_output(sentences: Sequence[Sentence], out: str | Path,
                         signature: dict[str, Any], args: argparse.Namespace) -> None:
    """``--out-format hf`` / ``--push-to-hub``: the dataset of ``sentences``."""
    from xlner.corpora.hf import push_dataset, save_dataset

    if args.out_format == "hf":
        save_dataset(sentences, out, signature=signature)
        eprint(f"wrote the dataset {out} (load_from_disk; data/train.parquet)")
    if args.push_to_hub:
        push_dataset(sentences, args.push_to_hub, signature=signature)
        eprint(f"pushed the dataset to the hub as {args.push_to_hub}")


def add_print_config(p: argparse.ArgumentParser) -> None:
    p.add_argument("--print-config", action="store_true",
                   help="print the run configuration (TOML, for xlner run) and exit")


def add_limit_options(p: argparse.ArgumentParser) -> None:
    """``--max-words``, ``--max-entities``, ``--max-candidates`` (docs/limits.md)."""
    g = p.add_argument_group("limits (a sentence pair over one is not aligned or projected: "
                             "it is reported failed with the limit, exit 1; 0: no limit)")
    g.add_argument("--max-words", type=count_value, default=None,
                   help=f"longest sentence, words on either side (default {MAX_WORDS}; the "
                   "aligner's own maximum still holds: eflomal 1023)")
    g.add_argument("--max-entities", type=count_value, default=None,
                   help=f"most source entities in a sentence (default {MAX_ENTITIES})")
    g.add_argument("--max-candidates", type=count_value, default=None,
                   help=f"most candidate spans of a sentence, candidate matching (default "
                   f"{MAX_CANDIDATES})")


def limits_from_args(args: argparse.Namespace) -> dict[str, int | None]:
    return {"max_words": args.max_words, "max_entities": args.max_entities,
            "max_candidates": args.max_candidates}


def input_from_args(spec: str, args: argparse.Namespace, **overrides: Any) -> Input:
    """The run-configuration input the corpus options describe."""
    values: dict[str, Any] = {"name": spec, "label_map": getattr(args, "label_map", None),
                              "scheme": getattr(args, "scheme", "iob2"),
                              "repair": getattr(args, "repair", False),
                              "tokenize": getattr(args, "tokenize", "whitespace"),
                              "encoding": getattr(args, "encoding", "utf-8"),
                              "allow_empty": getattr(args, "allow_empty", False)}
    values.update(overrides)
    return Input(**values)


def add_input_options(parser: argparse.ArgumentParser, func: Callable[[argparse.Namespace], int],
                      *, corpus: bool = True) -> None:
    """The corpus options (unless ``corpus=False``) and data options of a command, and the
    function that runs it."""
    if corpus:
        add_corpus_options(parser)
    add_data_options(parser)
    parser.set_defaults(func=func)


def load_input(spec: str, args: argparse.Namespace, *, labelled: bool | None = None,
               role: str | None = None) -> Corpus:
    """A corpus from a name or a file, read as the corpus options say (format detected from
    the content: :func:`xlner.corpora.named.load_input`); repairs (``--repair``) are printed.

    ``labelled=True``: a role that needs labels (an unlabelled file is an error naming
    ``role``); ``labelled=False``: labels, if any, are not read.
    """
    corpus = read_input(input_from_args(spec, args), data_dir=args.data_dir,
                        download=not args.no_download, labelled=labelled, role=role)
    if corpus.repairs:
        eprint(f"{spec}: repaired {corpus.repairs} invalid tag transition"
               f"{'s' if corpus.repairs != 1 else ''} (--repair)")
    return corpus


def merge_params(items: list[str] | None) -> dict[str, object]:
    """The ``key=value[,key=value]`` options of a repeatable CLI flag, merged (last wins)."""
    params: dict[str, object] = {}
    for item in items or []:
        params.update(parse_params(item))
    return params


def encoding_value(text: str) -> str:
    """An ``argparse`` type: a text encoding Python knows (``utf-8``, ``latin-1``...)."""
    try:
        codecs.lookup(text)
    except (LookupError, ValueError):
        raise argparse.ArgumentTypeError(
            f"unknown encoding {text!r}; e.g. utf-8, latin-1, cp1252") from None
    return text


def seed_value(text: str) -> str:
    """An ``argparse`` type: an integer seed or ``none`` (checked when the options are read)."""
    if text.strip().lower() != "none":
        try:
            int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"invalid seed {text!r}: give an integer or 'none'") from None
    return text


def count_value(text: str) -> int:
    """An ``argparse`` type: a non-negative integer."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid count {text!r}: give a non-negative "
                                         "integer") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"invalid count {text!r}: give a non-negative "
                                         "integer")
    return value


def int_list(text: str) -> list[int]:
    """An ``argparse`` type: comma-separated integers (``1,2,3``)."""
    try:
        values = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid integer list {text!r}: give comma-separated integers, e.g. 1,2,3") from None
    if not values:
        raise argparse.ArgumentTypeError("give at least one integer")
    return values


def eprint(*parts: object) -> None:
    print(*parts, file=sys.stderr)


def add_shard_options(p: argparse.ArgumentParser, shard_help: str) -> None:
    """Sharded runs: ``--shard-size`` (``shard_help`` says what it shards), ``--priors-sample``,
    ``--engine``, ``--workers`` and ``--ray-address`` (project, translate-train, bench
    masakhaner-nllb)."""
    group = p.add_argument_group("shards")
    group.add_argument("--shard-size", type=int, default=None, metavar="N", help=shard_help)
    group.add_argument("--priors-sample", type=int, default=None, metavar="K",
                       help="with --shard-size: learn the eflomal priors from the first K pairs "
                       "(plus the bitext) instead of the first shard; -1: no priors, every "
                       "shard aligned together with the bitext")
    group.add_argument("--engine", default="local", choices=["local", "ray"],
                       help="where the shards run: local process pool (default) or Ray "
                       "(also the model actor pools)")
    group.add_argument("--workers", type=int, default=1,
                       help="processes (local) or CPUs of a local Ray (default 1)")
    group.add_argument("--ray-address", default=None, metavar="ADDR",
                       help="with --engine ray: join this Ray cluster (e.g. auto or "
                       "ray://head:10001) instead of starting a local one")


def shard_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The run-configuration settings of :func:`add_shard_options`' flags."""
    from xlner.errors import ConfigError

    if args.priors_sample is not None and args.shard_size is None:
        raise ConfigError("--priors-sample needs --shard-size")
    if args.ray_address is not None and args.engine != "ray":
        raise ConfigError("--ray-address needs --engine ray")
    return {"shard_size": args.shard_size, "priors_sample": args.priors_sample,
            "engine": args.engine, "workers": args.workers, "ray_address": args.ray_address}
