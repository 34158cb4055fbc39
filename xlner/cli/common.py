"""Shared CLI helpers: corpus and component options, output with signatures."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from xlner.corpora.conll import read_conll
from xlner.corpora.corpus import Corpus
from xlner.corpora.hf import is_hf_spec
from xlner.corpora.labels import LabelMap
from xlner.corpora.named import is_corpus_name, load_corpus
from xlner.corpora.text import read_text
from xlner.data import Sentence
from xlner.files import atomic_write


def add_alias(parser: argparse.ArgumentParser | argparse._ArgumentGroup, old: str, dest: str,
              **kwargs: Any) -> None:
    """An old spelling of an option, kept working but hidden from ``--help``."""
    parser.add_argument(old, dest=dest, help=argparse.SUPPRESS, **kwargs)


def add_data_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("data")
    group.add_argument("--data-dir", default=None,
                        help="offline data directory (default: $XLNER_DATA_DIR)")
    group.add_argument("--no-download", action="store_true",
                        help="never download a missing named corpus")


def add_corpus_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("input corpora")
    group.add_argument("--scheme", default="iob2", help="tag scheme of input files "
                       "(iob1, iob2, bioes; default iob2)")
    group.add_argument("--repair", action="store_true",
                       help="turn invalid I-X after O into B-X (counted) instead of failing")
    group.add_argument("--label-map", default=None,
                       help="rename or drop classes, e.g. MISC=O,PERSON=PER")
    group.add_argument("--tokenize", default="whitespace", choices=["whitespace", "xlner"],
                        help="word splitting of plain-text inputs (default: pre-tokenised)")


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


def load_input(spec: str, args: argparse.Namespace, *, labelled: bool | None = None) -> Corpus:
    """A corpus from a name, a CoNLL file or (``.txt`` with one column of text) a text file."""
    label_map = LabelMap.parse(getattr(args, "label_map", None))
    scheme = getattr(args, "scheme", "iob2")
    repair = getattr(args, "repair", False)
    if is_corpus_name(spec) or is_hf_spec(spec):
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
