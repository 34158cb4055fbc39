"""Shared CLI helpers: corpus and component options, output with signatures."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from xlner.corpora.corpus import Corpus
from xlner.pipelines.config import Input
from xlner.pipelines.inputs import load_input as read_input
from xlner.registry import parse_params


def add_data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", default=None,
                        help="offline data directory (default: $XLNER_DATA_DIR)")
    parser.add_argument("--no-download", action="store_true",
                        help="never download a missing named corpus")


def add_corpus_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scheme", default="iob2", help="tag scheme of input files "
                        "(iob1, iob2, bioes; default iob2)")
    parser.add_argument("--repair", action="store_true",
                        help="turn invalid I-X after O into B-X (counted) instead of failing")
    parser.add_argument("--label-map", default=None,
                        help="rename or drop classes, e.g. MISC=O,PERSON=PER")
    parser.add_argument("--tokenize", default="whitespace", choices=["whitespace", "xlner"],
                        help="word splitting of plain-text inputs (default: pre-tokenised)")


def input_from_args(spec: str, args: argparse.Namespace, **overrides: Any) -> Input:
    """The run-configuration input the corpus options describe."""
    values: dict[str, Any] = {"name": spec, "label_map": getattr(args, "label_map", None),
                              "scheme": getattr(args, "scheme", "iob2"),
                              "repair": getattr(args, "repair", False),
                              "tokenize": getattr(args, "tokenize", "whitespace")}
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


def load_input(spec: str, args: argparse.Namespace, *, labelled: bool | None = None) -> Corpus:
    """A corpus from a name, a CoNLL file or a text file, read as the corpus options say
    (see :func:`xlner.corpora.named.load_input`)."""
    return read_input(input_from_args(spec, args), data_dir=args.data_dir,
                      download=not args.no_download, labelled=labelled)


def merge_params(items: list[str] | None) -> dict[str, object]:
    """The ``key=value[,key=value]`` options of a repeatable CLI flag, merged (last wins)."""
    params: dict[str, object] = {}
    for item in items or []:
        params.update(parse_params(item))
    return params


def eprint(*parts: object) -> None:
    print(*parts, file=sys.stderr)
