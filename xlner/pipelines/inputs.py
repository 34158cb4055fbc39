"""Reading a run's inputs (:class:`xlner.pipelines.config.Input`): a named corpus, a CoNLL
file or a text file (one sentence a line)."""

from __future__ import annotations

from pathlib import Path

from xlner.corpora.corpus import Corpus
from xlner.corpora.named import load_input as read_corpus
from xlner.pipelines.config import Input


def load_input(spec: Input, *, data_dir: str | Path | None = None, download: bool = True,
               labelled: bool | None = None, role: str | None = None) -> Corpus:
    """The corpus an input names (see :func:`xlner.corpora.named.load_input`)."""
    return read_corpus(spec.name, data_dir=data_dir, download=download,
                       label_map=spec.label_map, scheme=spec.scheme, repair=spec.repair,
                       tokenize=spec.tokenize, labelled=labelled,
                       skip_empty_words=spec.skip_empty_words, encoding=spec.encoding,
                       allow_empty=spec.allow_empty, role=role)
