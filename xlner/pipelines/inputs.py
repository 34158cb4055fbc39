"""Reading a run's inputs (:class:`xlner.pipelines.config.Input`): a named corpus, a CoNLL
file or a text file (one sentence a line)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from xlner.corpora.corpus import Corpus
from xlner.corpora.named import load_input as read_corpus
from xlner.data import Sentence
from xlner.pipelines.config import Input

log = logging.getLogger(__name__)


def load_input(spec: Input, *, data_dir: str | Path | None = None, download: bool = True,
               labelled: bool | None = None, role: str | None = None) -> Corpus:
    """The corpus an input names (see :func:`xlner.corpora.named.load_input`)."""
    return read_corpus(spec.name, data_dir=data_dir, download=download,
                       label_map=spec.label_map, scheme=spec.scheme, repair=spec.repair,
                       tokenize=spec.tokenize, labelled=labelled,
                       skip_empty_words=spec.skip_empty_words, encoding=spec.encoding,
                       allow_empty=spec.allow_empty, role=role)


def iter_input(spec: Input, *, data_dir: str | Path | None = None, download: bool = True,
               labelled: bool | None = None, role: str | None = None) -> Iterator[Sentence]:
    """The sentences of an input one by one. A CoNLL file or named CoNLL corpus (labelled or
    words only) is read line by line, so memory holds one sentence; other inputs (FLORES,
    datasets, text files) are read whole by :func:`load_input` and then given one by one.
    The checks and errors are those of :func:`load_input` (``labelled=False``: tags unread)."""
    from xlner.corpora.conll import iter_conll
    from xlner.corpora.detect import Format, detect_text_format
    from xlner.corpora.hf import is_hf_spec
    from xlner.corpora.labels import LabelMap
    from xlner.corpora.named import is_corpus_name, resolve
    from xlner.errors import InputError

    path = Path(spec.name)
    fmt = None
    if is_corpus_name(spec.name) and spec.name.partition(":")[0] not in ("flores200", "bitext"):
        (path,) = resolve(spec.name, data_dir=data_dir, download_missing=download)
        fmt = Format.CONLL if labelled is not False else Format.WORDS
    elif not is_corpus_name(spec.name) and not is_hf_spec(spec.name) and path.is_file():
        with open(path, "rb") as handle:
            head = handle.read(1 << 20)
        fmt = detect_text_format(head[:head.rfind(b"\n") + 1 or len(head)].decode(
            spec.encoding, errors="replace"))
    if fmt not in (Format.CONLL, Format.WORDS) or (labelled and fmt is Format.WORDS):
        log.info("%s: read whole (not a CoNLL file)", spec.name)  # its errors come from there
        yield from load_input(spec, data_dir=data_dir, download=download, labelled=labelled,
                              role=role)
        return
    what = f"--{role}" if role else "input"
    n = 0
    for sentence in iter_conll(
            path, scheme=spec.scheme, repair=spec.repair,
            label_map=LabelMap.parse(spec.label_map),
            labelled=labelled if labelled is not None else fmt is Format.CONLL,
            encoding=spec.encoding, skip_empty_words=spec.skip_empty_words):
        n += 1
        yield sentence
    if not n and not spec.allow_empty:
        raise InputError(f"{what} has no sentences (--allow-empty to accept an empty input)",
                         source=path)
