"""Shared CLI helpers: corpus and component options, output with signatures."""

from __future__ import annotations

import argparse
import codecs
import json
import sys
from pathlib import Path
from typing import Any

from xlner.corpora.conll import read_conll
from xlner.corpora.corpus import Corpus
from xlner.corpora.detect import Format, detect_format
from xlner.corpora.labels import LabelMap
from xlner.corpora.named import is_corpus_name, load_corpus, resolve
from xlner.corpora.text import read_text
from xlner.errors import InputError
from xlner.files import atomic_write


def add_data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", default=None,
                        help="offline data directory (default: $XLNER_DATA_DIR)")
    parser.add_argument("--no-download", action="store_true",
                        help="never download a missing named corpus")


def add_corpus_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scheme", default="iob2", help="tag scheme of input files "
                        "(iob1, iob2, bioes; bilou is read as bioes; default iob2)")
    parser.add_argument("--repair", action="store_true",
                        help="turn invalid tag transitions (I-X after O) into entity starts "
                        "(counted and printed) instead of failing")
    parser.add_argument("--label-map", default=None,
                        help="rename or drop classes, e.g. MISC=O,PERSON=PER")
    add_text_options(parser)


def add_text_options(parser: argparse.ArgumentParser, *, tokenize: bool = True) -> None:
    """``--encoding``, ``--allow-empty`` (and ``--tokenize``) for commands that read text."""
    if tokenize:
        parser.add_argument("--tokenize", default="whitespace", choices=["whitespace", "xlner"],
                            help="word splitting of plain-text inputs (default: pre-tokenised)")
    parser.add_argument("--encoding", default="utf-8", type=encoding_value,
                        help="text encoding of input files (default utf-8; a BOM is ignored)")
    parser.add_argument("--allow-empty", action="store_true",
                        help="accept an input with no sentences (an error otherwise)")


def load_input(spec: str, args: argparse.Namespace, *, labelled: bool | None = None,
               role: str | None = None) -> Corpus:
    """A corpus from a name or a file whose format (labelled CoNLL, words-only CoNLL, text)
    is detected from its content, whatever its name.

    ``labelled=True``: a role that needs labels; an unlabelled file (text, one column) is an
    error. ``labelled=False``: labels, if any, are not read. Repairs (``--repair``) are
    printed; an input with no sentences is an error unless ``--allow-empty``.
    """
    label_map = LabelMap.parse(getattr(args, "label_map", None))
    scheme = getattr(args, "scheme", "iob2")
    repair = getattr(args, "repair", False)
    encoding = getattr(args, "encoding", "utf-8")
    what = f"--{role}" if role else "input"
    if is_corpus_name(spec) and labelled is False and spec.partition(":")[0] not in (
            "flores200", "bitext"):
        (path,) = resolve(spec, data_dir=args.data_dir, download_missing=not args.no_download)
        corpus = read_conll(path, labelled=False, name=spec)  # the words only: tags unread
    elif is_corpus_name(spec):
        corpus = load_corpus(spec, data_dir=args.data_dir, download_missing=not args.no_download,
                             label_map=label_map, scheme=scheme, repair=repair)
        if labelled and spec.partition(":")[0] == "flores200":
            raise InputError(f"{spec} is plain text; {what} needs labelled CoNLL")
    else:
        path = Path(spec)
        fmt = detect_format(path, encoding)
        if fmt is Format.EMPTY and not getattr(args, "allow_empty", False):
            raise InputError(f"{what} has no sentences (--allow-empty to accept an empty "
                             "input)", source=path)
        if fmt is Format.TEXT:
            if labelled:
                raise InputError(
                    f"{what} needs labelled CoNLL (word and tag columns, a blank line between "
                    "sentences) but this reads as plain text (one sentence a line)", source=path)
            corpus = read_text(path, tokenizer=getattr(args, "tokenize", "whitespace"),
                               encoding=encoding)
        else:
            if labelled and fmt is Format.WORDS:
                raise InputError(f"{what} needs labelled CoNLL but this file has one column "
                                 "(words only, no tags)", source=path)
            corpus = read_conll(path, scheme=scheme, repair=repair, label_map=label_map,
                                labelled=labelled if labelled is not None
                                else fmt is Format.CONLL, encoding=encoding)
    if not len(corpus) and not getattr(args, "allow_empty", False):
        raise InputError(f"{what} has no sentences (--allow-empty to accept an empty input)",
                         source=corpus.path or spec)
    if corpus.repairs:
        eprint(f"{spec}: repaired {corpus.repairs} invalid tag transition"
               f"{'s' if corpus.repairs != 1 else ''} (--repair)")
    return corpus


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


def write_json(path: str | Path, data: Any) -> None:
    with atomic_write(path) as handle:
        json.dump(data, handle, indent=2, ensure_ascii=False)
        handle.write("\n")


def eprint(*parts: object) -> None:
    print(*parts, file=sys.stderr)
