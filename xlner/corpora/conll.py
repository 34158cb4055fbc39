"""CoNLL-style files: one word a line, columns separated by a tab or spaces, the label in the
last column, a blank line between sentences, ``-DOCSTART-`` lines skipped."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from xlner.corpora.corpus import Corpus
from xlner.corpora.labels import LabelMap
from xlner.corpora.schemes import Scheme, decode, encode
from xlner.data import Entity, Sentence
from xlner.errors import InputError, TagSequenceError
from xlner.files import atomic_write, file_digest, read_text_file, split_lines


def read_conll(path: str | Path, *, scheme: Scheme | str = Scheme.IOB2, repair: bool = False,
               label_map: LabelMap | None = None, labelled: bool | None = None,
               name: str | None = None, encoding: str = "utf-8",
               skip_empty_words: bool = False) -> Corpus:
    """Read a CoNLL file into a :class:`Corpus`.

    Every line of the file must have the same number of columns (tab-separated if the first
    word line holds a tab, else space-separated). ``labelled=None`` infers labels from the column
    count (one column = words only). Invalid tags raise :class:`TagSequenceError` naming file and
    line, unless ``repair``: then ``I-X`` after ``O`` becomes ``B-X`` and ``Corpus.repairs`` counts.
    A line whose word is empty (e.g. ``" O"`` in a space-separated file) is an error, unless
    ``skip_empty_words``: then it is left out and its line number recorded in
    ``Corpus.meta["skipped_empty_words"]``.
    """
    path = Path(path)
    stats: dict[str, Any] = {}
    sentences = list(iter_conll(path, scheme=scheme, repair=repair, label_map=label_map,
                                labelled=labelled, encoding=encoding,
                                skip_empty_words=skip_empty_words, stats=stats))
    try:
        digest = file_digest(path)
    except OSError:
        digest = ""
    corpus = Corpus(sentences, name=name or str(path), path=path, digest=digest,
                    repairs=stats["repairs"])
    if label_map is not None and not label_map.is_identity:
        corpus.meta["label_map"] = label_map.describe()
    if stats["skipped_empty_words"]:
        corpus.meta["skipped_empty_words"] = stats["skipped_empty_words"]
    return corpus


def iter_conll(path: str | Path, *, scheme: Scheme | str = Scheme.IOB2, repair: bool = False,
               label_map: LabelMap | None = None, labelled: bool | None = None,
               encoding: str = "utf-8", skip_empty_words: bool = False,
               stats: dict[str, Any] | None = None) -> Iterator[Sentence]:
    """The sentences of a CoNLL file one by one, read line by line (memory: one sentence);
    the checks of :func:`read_conll`. ``stats`` (if given) receives ``repairs`` and
    ``skipped_empty_words`` once the file is read."""
    path = Path(path)
    scheme = Scheme.parse(scheme)
    repairs = 0
    n_columns = 0
    tab: bool | None = None
    words: list[str] = []
    tags: list[str] = []
    first_line = 0
    skipped: list[int] = []
    where = str(path)

    def flush() -> Sentence | None:
        nonlocal repairs
        if not words:
            return None
        entities: tuple[Entity, ...] = ()
        if labelled:
            try:
                decoded = decode(tags, scheme, repair=repair)
            except TagSequenceError as exc:
                raise TagSequenceError(exc.message, source=path,
                                       line=first_line + (exc.line or 1) - 1) from None
            repairs += decoded.repairs
            entities = tuple(decoded.entities)
            if label_map is not None:
                entities = label_map.apply(entities)
        sentence = Sentence(tuple(words), entities, f"{where}:{first_line}")
        words.clear()
        tags.clear()
        return sentence

    fast_tab = fast_space = False  # the regular case, once the first word line is read
    for lineno, line in enumerate(_lines(path, encoding), 1):
        if fast_tab and line:  # word<TAB>tag: no list, no strip of every field
            word, sep, tag = line.partition("\t")
            if sep and "\t" not in tag:
                word, tag = word.strip(), tag.strip()
                if word and tag and word != "-DOCSTART-":
                    if not words:
                        first_line = lineno
                    words.append(word)
                    tags.append(tag)
                    continue
        elif fast_space and line:
            fields = line.split()
            if len(fields) == n_columns and fields[0] != "-DOCSTART-":
                if not words:
                    first_line = lineno
                words.append(fields[0])
                tags.append(fields[-1])
                continue
        # the general path: blank lines, the first word line, anything irregular
        if not line or line.isspace():
            if words and (done := flush()) is not None:
                yield done
            continue
        if tab is None:
            tab = "\t" in line
        if tab:
            fields = [f.strip() for f in line.split("\t")]
            empty_word = not fields[0]
        else:
            fields = line.split()
            empty_word = bool(n_columns and len(fields) == n_columns - 1
                              and line[0].isspace())
        if empty_word:
            if not skip_empty_words:
                raise InputError("empty word (the line starts with its separator)",
                                 source=path, line=lineno)
            skipped.append(lineno)
            continue
        word = fields[0]
        if word == "-DOCSTART-":
            if words and (done := flush()) is not None:
                yield done
            continue
        if len(fields) != n_columns:
            if n_columns == 0:
                n_columns = len(fields)
                if labelled is None:
                    labelled = n_columns > 1
                elif labelled and n_columns < 2:
                    raise InputError("expected a word and a label column, found one column",
                                     source=path, line=lineno)
                fast_tab, fast_space = bool(tab and n_columns == 2), not tab
            else:
                raise InputError(f"ragged columns: {len(fields)} fields where earlier lines "
                                 f"have {n_columns}", source=path, line=lineno)
        if tab and "" in fields:
            raise InputError("empty field", source=path, line=lineno)
        if not words:
            first_line = lineno
        words.append(word)
        tags.append(fields[-1])
    if (done := flush()) is not None:
        yield done
    if stats is not None:
        stats.update(repairs=repairs, skipped_empty_words=skipped)


STREAM_FROM = 1 << 24
"""Files of this many bytes or more are read a line at a time (smaller ones in one read)."""


def _lines(path: Path, encoding: str) -> Iterable[str]:
    """The file's lines as :func:`~xlner.files.split_lines` gives them (split at ``\\n``,
    without ``\\r``); a large file in a byte-oriented encoding is read a line at a time."""
    import codecs

    try:
        byte_wise = codecs.lookup(encoding).name in ("utf-8", "ascii", "iso8859-1", "cp1252")
    except LookupError:
        byte_wise = False
    try:
        large = path.stat().st_size >= STREAM_FROM
    except OSError:  # read_text_file names the missing file
        large = False
    if not byte_wise or not large:
        return split_lines(read_text_file(path, encoding))
    return _stream_lines(path, encoding)


STREAM_BLOCK = 1 << 22
"""Bytes a large file is read and decoded by (whole lines)."""


def _stream_lines(path: Path, encoding: str) -> Iterator[str]:
    """The lines of a large file, decoded a block of whole lines at a time (memory: one
    block); a byte not valid in ``encoding`` is reported with its line."""
    lineno = 0
    rest = b""
    with open(path, "rb") as handle:
        while True:
            block = handle.read(STREAM_BLOCK)
            data = rest + block
            if block:
                cut = data.rfind(b"\n") + 1
                if not cut:
                    rest = data
                    continue
                data, rest = data[:cut], data[cut:]
            if not data:
                break
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                _raise_bad_line(path, data, encoding, lineno)
                raise
            if not lineno:
                text = text.removeprefix("\ufeff")
            lines = split_lines(text)
            lineno += len(lines)
            yield from lines
            if not block:
                break


def _raise_bad_line(path: Path, data: bytes, encoding: str, before: int) -> None:
    """Raise the error naming the first line of ``data`` (after ``before`` lines) that is not
    valid ``encoding``."""
    for k, raw in enumerate(data.split(b"\n"), before + 1):
        try:
            raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputError(f"byte {exc.start} of the line is not valid {encoding}; give "
                             "the file's encoding, e.g. --encoding latin-1",
                             source=path, line=k) from None


def format_conll(sentences: Iterable[Sentence], scheme: Scheme | str = Scheme.IOB2,
                 sep: str = "\t") -> Iterable[str]:
    """Lines (with newlines) of a CoNLL rendering of ``sentences``."""
    for sentence in sentences:
        tags = encode(sentence.entities, len(sentence.words), scheme)
        for word, tag in zip(sentence.words, tags, strict=True):
            yield f"{word}{sep}{tag}\n"
        yield "\n"


def write_conll(path: str | Path, sentences: Iterable[Sentence],
                scheme: Scheme | str = Scheme.IOB2, sep: str = "\t") -> None:
    """Write ``sentences`` as ``word<TAB>tag`` lines, atomically."""
    with atomic_write(path) as handle:
        handle.writelines(format_conll(sentences, scheme, sep))
