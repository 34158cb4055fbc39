"""Shared CLI helpers: corpus and component options, output with signatures."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from xlner.corpora.conll import read_conll
from xlner.corpora.corpus import Corpus
from xlner.corpora.labels import LabelMap
from xlner.corpora.named import is_corpus_name, load_corpus
from xlner.corpora.text import read_text
from xlner.files import atomic_write


def add_data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", default=None,
                        help="offline data directory (default: $XLNER_DATA_DIR)")
    parser.add_argument("--no-download", action="store_true",
                        help="never download a missing named corpus")


TOKENIZE_HELP = ("word splitting of plain-text inputs and of the aligner's bitext: whitespace "
                 "(default: pre-tokenised; the bitext then uses xlner), xlner, or a word "
                 "segmenter for scripts without spaces, by name (jieba, tinysegmenter, newmm) "
                 "or language (zh, ja, th); CoNLL inputs keep their words")


def add_corpus_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scheme", default="iob2", help="tag scheme of input files "
                        "(iob1, iob2, bioes; default iob2)")
    parser.add_argument("--repair", action="store_true",
                        help="turn invalid I-X after O into B-X (counted) instead of failing")
    parser.add_argument("--label-map", default=None,
                        help="rename or drop classes, e.g. MISC=O,PERSON=PER")
    parser.add_argument("--tokenize", default="whitespace", help=TOKENIZE_HELP)


def load_input(spec: str, args: argparse.Namespace, *, labelled: bool | None = None) -> Corpus:
    """A corpus from a name, a CoNLL file or (``.txt`` with one column of text) a text file."""
    label_map = LabelMap.parse(getattr(args, "label_map", None))
    scheme = getattr(args, "scheme", "iob2")
    repair = getattr(args, "repair", False)
    if is_corpus_name(spec):
        return load_corpus(spec, data_dir=args.data_dir, download_missing=not args.no_download,
                           label_map=label_map, scheme=scheme, repair=repair)
    path = Path(spec)
    if looks_like_text(path):
        return read_text(path, tokenizer=getattr(args, "tokenize", "whitespace"))
    return read_conll(path, scheme=scheme, repair=repair, label_map=label_map,
                      labelled=labelled)


_TAG = re.compile(r"^(O|[BIES]-\S+)$")


def looks_like_text(path: Path, sample: int = 50) -> bool:
    """Plain text unless the first lines look like CoNLL: each ends in a tag (``O``, ``B-X``...)
    or the file is a known CoNLL suffix."""
    if path.suffix.lower() in {".conll", ".conll02", ".conll03", ".tsv", ".bio", ".iob"}:
        return False
    seen = 0
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                fields = line.split()
                if not fields or fields[0] == "-DOCSTART-":
                    continue
                if len(fields) < 2 or not _TAG.match(fields[-1]):
                    return True
                seen += 1
                if seen >= sample:
                    break
    except FileNotFoundError:
        return False
    return seen == 0


def write_json(path: str | Path, data: Any) -> None:
    with atomic_write(path) as handle:
        json.dump(data, handle, indent=2, ensure_ascii=False)
        handle.write("\n")


def eprint(*parts: object) -> None:
    print(*parts, file=sys.stderr)
