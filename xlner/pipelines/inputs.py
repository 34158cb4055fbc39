"""Reading a run's inputs (:class:`xlner.pipelines.config.Input`): a named corpus, a CoNLL
file or a text file (one sentence a line)."""

from __future__ import annotations

import re
from pathlib import Path

from xlner.corpora.conll import read_conll
from xlner.corpora.corpus import Corpus
from xlner.corpora.labels import LabelMap
from xlner.corpora.named import is_corpus_name, load_corpus
from xlner.corpora.text import read_text
from xlner.pipelines.config import Input

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


def load_input(spec: Input, *, data_dir: str | Path | None = None, download: bool = True,
               labelled: bool | None = None) -> Corpus:
    """The corpus an input names."""
    label_map = LabelMap.parse(spec.label_map)
    if is_corpus_name(spec.name):
        return load_corpus(spec.name, data_dir=data_dir, download_missing=download,
                           label_map=label_map, scheme=spec.scheme, repair=spec.repair,
                           skip_empty_words=spec.skip_empty_words)
    path = Path(spec.name)
    if looks_like_text(path):
        return read_text(path, tokenizer=spec.tokenize)
    return read_conll(path, scheme=spec.scheme, repair=spec.repair, label_map=label_map,
                      labelled=labelled)
