"""Plain text (one sentence a line) and line-aligned bitext."""

from __future__ import annotations

import functools
import hashlib
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from xlner.corpora.corpus import Corpus
from xlner.corpora.tokenize import TOKENIZERS
from xlner.data import Sentence
from xlner.errors import ConfigError, InputError
from xlner.files import atomic_write, file_digest, iter_lines, read_text_file, split_lines

Tokenizer = Callable[[str], list[str]]


def get_tokenizer(name: str | Tokenizer) -> Tokenizer:
    """A tokenizer by name: ``xlner``, ``whitespace``, a word segmenter (``jieba``,
    ``tinysegmenter``, ``newmm``) or a language code that has one (``zh``, ``ja``, ``th``:
    :mod:`xlner.corpora.segment`)."""
    if callable(name):
        return name
    if name in TOKENIZERS:
        return TOKENIZERS[name]
    return _segmenting(name)


@functools.cache
def _segmenting(name: str) -> Tokenizer:
    from xlner.corpora.segment import SEGMENTERS, resolve_segmenter_name, segmenting_tokenizer

    segmenter = resolve_segmenter_name(name)
    if segmenter is None:
        raise ConfigError(f"unknown tokenizer {name!r}; choose {sorted(TOKENIZERS)}, a word "
                          f"segmenter ({', '.join(SEGMENTERS)}) or a language code that has "
                          "one (zh, ja, th)")
    return segmenting_tokenizer(segmenter)


def read_lines(path: str | Path, encoding: str = "utf-8") -> list[str]:
    """Lines of a text file (BOM removed; decoding errors name file, line and byte)."""
    return split_lines(read_text_file(path, encoding))


def read_text(path: str | Path, *, tokenizer: str | Tokenizer = "whitespace",
              allow_empty: bool = False, name: str | None = None,
              encoding: str = "utf-8") -> Corpus:
    """One sentence a line, split into words by ``tokenizer`` (whitespace: pre-tokenised).

    An empty line raises an error naming file and line unless ``allow_empty``.
    """
    path = Path(path)
    split = get_tokenizer(tokenizer)
    sentences = []
    for lineno, line in enumerate(read_lines(path, encoding), 1):
        words = tuple(split(line))
        if not words and not allow_empty:
            raise InputError("empty sentence (an empty line in a one-sentence-a-line file)",
                             source=path, line=lineno)
        sentences.append(Sentence(words, (), f"{path}:{lineno}"))
    corpus = Corpus(sentences, name=name or str(path), path=path, digest=file_digest(path))
    corpus.meta["tokenizer"] = tokenizer if isinstance(tokenizer, str) else "custom"
    return corpus


def write_text(path: str | Path, sentences: Sequence[Sentence]) -> None:
    with atomic_write(path) as handle:
        for sentence in sentences:
            handle.write(" ".join(sentence.words) + "\n")


@dataclass
class Bitext:
    """Tokenised sentence pairs, e.g. extra parallel text for a statistical aligner."""

    source: list[tuple[str, ...]]
    target: list[tuple[str, ...]]
    name: str = "<memory>"
    digest: str = ""
    skipped_empty: int = 0
    """Pairs left out because one side was empty (counted, never silent)."""
    files: list[str] = field(default_factory=list)
    skipped_long: int = 0
    """Pairs left out because a side was longer than the reader's ``max_words``."""
    limit: int | None = None
    """The most pairs the reader kept (it read no further), if it was given one."""

    def __len__(self) -> int:
        return len(self.source)

    def describe(self) -> dict[str, object]:
        out: dict[str, object] = {"name": self.name, "pairs": len(self),
                                  "digest": self.digest, "skipped_empty": self.skipped_empty}
        if self.skipped_long:
            out["skipped_long"] = self.skipped_long
        if self.limit is not None:
            out["limit"] = self.limit
        return out


def read_bitext(pairs: Sequence[tuple[Path, Path]], *, tokenizer: str | Tokenizer = "xlner",
                name: str = "<bitext>", limit: int | None = None,
                max_words: int | None = None) -> Bitext:
    """Read line-aligned file pairs (line counts must match); empty pairs are counted, left out,
    and so are pairs with a side longer than ``max_words``.

    With ``limit`` the files are read (and tokenised) only up to the ``limit``-th pair kept,
    and the digest covers the lines read; otherwise it is the files' digests.
    """
    split = get_tokenizer(tokenizer)
    src_out: list[tuple[str, ...]] = []
    tgt_out: list[tuple[str, ...]] = []
    skipped = skipped_long = 0
    h = hashlib.sha256()
    if limit is not None:
        h.update(f"first {limit} pairs, max_words {max_words}\n".encode())
    for src_path, tgt_path in pairs:
        if limit is not None and len(src_out) >= limit:
            break
        if limit is None:
            h.update(file_digest(src_path).encode())
            h.update(file_digest(tgt_path).encode())
        src_lines, tgt_lines = iter_lines(src_path), iter_lines(tgt_path)
        n = 0
        for n, (s, t) in enumerate(itertools.zip_longest(src_lines, tgt_lines), 1):
            if s is None or t is None:
                short, long_ = (src_path, tgt_path) if s is None else (tgt_path, src_path)
                raise InputError(f"{short} ends at line {n - 1} but {long_} goes on: bitext "
                                 "files must be line-aligned", source=src_path, line=n)
            if limit is not None:
                h.update(f"{s}\t{t}\n".encode())
            sw, tw = tuple(split(s)), tuple(split(t))
            if not sw or not tw:
                skipped += 1
                continue
            if max_words is not None and max(len(sw), len(tw)) > max_words:
                skipped_long += 1
                continue
            src_out.append(sw)
            tgt_out.append(tw)
            if limit is not None and len(src_out) >= limit:
                break
    return Bitext(src_out, tgt_out, name=name, digest="sha256:" + h.hexdigest(),
                  skipped_empty=skipped, skipped_long=skipped_long, limit=limit,
                  files=[str(p) for pair in pairs for p in pair])


def bitext_pairs_in(directory: str | Path, src_lang: str,
                    tgt_lang: str) -> list[tuple[Path, Path]]:
    """Pairs ``X.<src>``/``X.<tgt>`` in a directory, sorted by stem; error if none."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError("bitext directory not found", source=directory)
    pairs = []
    for src in sorted(directory.glob(f"*.{src_lang}")):
        tgt = src.with_suffix(f".{tgt_lang}")
        if tgt.exists():
            pairs.append((src, tgt))
    if not pairs:
        raise InputError(f"no file pairs *.{src_lang} / *.{tgt_lang}", source=directory)
    return pairs
