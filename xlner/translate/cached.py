"""Cached translations: a translator that reads its output from a file or a named corpus.

Translation ``i`` belongs to sentence ``i`` of the batch. Supported caches:

- a named corpus (``nllb-conll2003:hau:tprojection``, ``europarl-ner:en``,
  ``flores200:hau_Latn``) or a CoNLL file (``.conll``, ``.tsv``, ...; or ``format="conll"``):
  each sentence's words joined by single spaces (labels are ignored);
- a plain-text file (any other suffix, or ``format="text"``): one translation a line;
- a JSON-lines file (``.jsonl``): one object a line with ``"translation"`` and optionally
  ``"index"`` (then every index 0..n-1 must appear once) and ``"source"`` (then it must equal
  the sentence asked for, which catches a cache that belongs to other sentences).

The number of cached translations must equal the number of sentences asked for; an empty
translation is an error naming file and line. Word splitting is a separate step
(:func:`xlner.translate.split_translations`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from xlner.errors import ConfigError, InputError
from xlner.files import file_digest
from xlner.protocols import Component
from xlner.registry import translators
from xlner.translate.langcodes import lookup

FORMATS = ("text", "conll", "jsonl")
CONLL_SUFFIXES = {".conll", ".conll02", ".conll03", ".conllu", ".tsv", ".bio", ".iob"}


@translators.register
class CachedTranslator(Component):
    """Translations read from a file or named corpus, keyed by sentence index."""

    name = "cached"
    version = 1
    setting_attrs: ClassVar[Mapping[str, str]] = {"format": "_format"}
    hidden_settings = frozenset({"data_dir", "download", "check_source"})
    """Described by what it holds: the format read, the file's digest, the count."""

    def __init__(self, path: str | Path, *, src_lang: str | None = None,
                 tgt_lang: str | None = None, data_dir: str | Path | None = None,
                 download: bool = True, check_source: bool = True,
                 format: str | None = None) -> None:
        if format not in (None, *FORMATS):
            raise ConfigError(f"cached translator: unknown format {format!r}; choose {FORMATS}")
        self.path = str(path)
        self.format = format
        self.src_lang = None if src_lang is None else lookup(src_lang).iso3
        self.tgt_lang = None if tgt_lang is None else lookup(tgt_lang).iso3
        self.data_dir = data_dir
        self.download = download
        self.check_source = check_source
        self._lines: list[str] | None = None
        self._sources: list[str | None] = []
        self._origins: list[str] = []
        self._digest = ""
        self._format = ""

    # -- loading -----------------------------------------------------------------------------
    def _load(self) -> list[str]:
        if self._lines is not None:
            return self._lines
        from xlner.corpora.hf import is_hf_spec
        from xlner.corpora.named import is_corpus_name, load_corpus

        dataset = is_hf_spec(self.path) and Path(self.path).suffix.lower() not in {
            ".json", ".jsonl"}  # JSON lines files are translation caches
        if is_corpus_name(self.path) or dataset:
            corpus = load_corpus(self.path, data_dir=self.data_dir,
                                 download_missing=self.download)
            self._from_corpus(corpus)
        else:
            path = Path(self.path)
            if not path.is_file():
                raise InputError("translation cache not found", source=path)
            fmt = self.format or guess_format(path)
            if fmt == "jsonl":
                self._from_jsonl(path)
            elif fmt == "conll":
                from xlner.corpora.conll import read_conll

                self._from_corpus(read_conll(path, labelled=None))
            else:
                self._from_text(path)
        assert self._lines is not None
        return self._lines

    def _from_corpus(self, corpus: Any) -> None:
        self._lines = [" ".join(s.words) for s in corpus]
        self._sources = [None] * len(self._lines)
        self._origins = [s.origin or f"{corpus.name}:{k}" for k, s in enumerate(corpus)]
        self._digest = corpus.digest
        self._format = "conll"

    def _from_text(self, path: Path) -> None:
        from xlner.corpora.text import read_lines

        lines = read_lines(path)
        for lineno, line in enumerate(lines, 1):
            if not line.strip():
                raise InputError("empty translation", source=path, line=lineno)
        self._lines = lines
        self._sources = [None] * len(lines)
        self._origins = [f"{path}:{k}" for k in range(1, len(lines) + 1)]
        self._digest = file_digest(path)
        self._format = "text"

    def _from_jsonl(self, path: Path) -> None:
        from xlner.corpora.text import read_lines

        by_index: dict[int, tuple[str, str | None, int]] = {}
        position = 0
        for lineno, line in enumerate(read_lines(path), 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"invalid JSON: {exc.msg}", source=path, line=lineno) from None
            if not isinstance(item, dict) or not isinstance(item.get("translation"), str):
                raise InputError('expected an object with a "translation" string',
                                 source=path, line=lineno)
            index = item.get("index", position)
            if not isinstance(index, int) or isinstance(index, bool) or index < 0:
                raise InputError(f"index {index!r} is not a non-negative integer",
                                 source=path, line=lineno)
            if index in by_index:
                raise InputError(f"index {index} appears twice (first on line "
                                 f"{by_index[index][2]})", source=path, line=lineno)
            if not item["translation"].strip():
                raise InputError(f"empty translation (index {index})", source=path, line=lineno)
            source = item.get("source")
            by_index[index] = (item["translation"], source if isinstance(source, str) else None,
                               lineno)
            position += 1
        missing = [k for k in range(len(by_index)) if k not in by_index]
        if missing:
            raise InputError(f"indices are not 0..{len(by_index) - 1}: {missing[0]} is missing",
                             source=path)
        ordered = [by_index[k] for k in range(len(by_index))]
        self._lines = [t for t, _, _ in ordered]
        self._sources = [s for _, s, _ in ordered]
        self._origins = [f"{path}:{ln}" for _, _, ln in ordered]
        self._digest = file_digest(path)
        self._format = "jsonl"

    # -- protocol ----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._load())

    @property
    def pre_split(self) -> bool:
        """Whether the cached translations are already split into words (CoNLL)."""
        self._load()
        return self._format == "conll"

    def origin(self, index: int) -> str:
        """Where translation ``index`` was read from (``file:line``)."""
        self._load()
        return self._origins[index]

    def translate(self, sentences: Sequence[str], src_lang: str, tgt_lang: str) -> list[str]:
        """The cached translations of ``sentences`` (all of them, in order)."""
        src, tgt = lookup(src_lang).iso3, lookup(tgt_lang).iso3
        for declared, asked, side in ((self.src_lang, src, "source"),
                                      (self.tgt_lang, tgt, "target")):
            if declared is not None and declared != asked:
                raise InputError(f"the cache holds {side} language {declared}, but {asked} "
                                 "was asked for", source=self.path)
        lines = self._load()
        if len(sentences) != len(lines):
            raise InputError(f"{len(sentences)} sentences to translate but the cache holds "
                             f"{len(lines)} translations: translations are matched to "
                             "sentences by index, so the counts must be equal",
                             source=self.path)
        if self.check_source:
            for k, (asked_text, cached) in enumerate(zip(sentences, self._sources, strict=True)):
                if cached is not None and cached.split() != asked_text.split():
                    raise InputError(f"the cached source of sentence {k} ({cached!r}) is not "
                                     f"the sentence asked for ({asked_text!r})",
                                     source=self._origins[k])
        return list(lines)

    def describe(self) -> dict[str, Any]:
        lines = self._load()  # the format, digest and count are known once it is read
        return {**super().describe(), "digest": self._digest, "translations": len(lines)}


def guess_format(path: Path) -> str:
    """``jsonl`` for ``.jsonl``, ``conll`` for CoNLL suffixes, else ``text``."""
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return "jsonl"
    return "conll" if suffix in CONLL_SUFFIXES else "text"
