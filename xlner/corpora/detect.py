"""Format detection from content: labelled CoNLL, words-only CoNLL or plain text, whatever the
file is named (MasakhaNER's CoNLL files end in ``.txt``)."""

from __future__ import annotations

import re
from collections import Counter
from enum import Enum
from pathlib import Path

from xlner.files import BOM, read_text_file, split_lines

_TAGLIKE = re.compile(r"^(?:[oO]|[A-Za-z]-\S+)$")
"""A last column that looks like a tag of any scheme, valid or not (``b-per`` included, so that
a bad tag is reported as a bad tag rather than the file being read as text)."""


class Format(Enum):
    CONLL = "conll"
    """One word a line with a tag in the last column, blank lines between sentences."""
    WORDS = "words"
    """One word a line, no tag column, blank lines between sentences."""
    TEXT = "text"
    """One sentence a line."""
    EMPTY = "empty"
    """Nothing but blank lines."""


def detect_text_format(text: str, sample: int = 500) -> Format:
    """The format of file contents, from the first ``sample`` non-blank lines.

    CoNLL when at least half of the lines hold a tab, or at least half of the lines of two or
    more whitespace-separated fields end in something tag-like (ragged columns and bad tags
    are then reported by the CoNLL reader, by line);
    words-only CoNLL when every line is one field and blank lines separate groups of them;
    :attr:`Format.EMPTY` without any word; plain text otherwise.
    """
    counts: Counter[int] = Counter()
    taglike = tabs = 0
    blank_between = False
    seen = 0
    for line in split_lines(text):
        fields = line.split()
        if not fields:
            blank_between = blank_between or seen > 0
            continue
        if fields[0] == "-DOCSTART-":
            continue
        counts[len(fields)] += 1
        if len(fields) > 1 and _TAGLIKE.match(fields[-1]):
            taglike += 1
        if "\t" in line.strip(" "):
            tabs += 1
        seen += 1
        if seen >= sample:
            break
    if not seen:
        return Format.EMPTY
    multi = seen - counts[1]
    if counts[1] == seen:
        return Format.WORDS if blank_between else Format.TEXT
    if tabs >= 0.5 * seen or taglike >= 0.5 * multi:
        return Format.CONLL
    return Format.TEXT


HEAD_BYTES = 1 << 20
"""Bytes of a large file :func:`detect_format` reads (its first 500 lines, as a rule)."""


def detect_format(path: str | Path, encoding: str = "utf-8") -> Format:
    """:func:`detect_text_format` of a file (read errors name the file). A large file is
    judged on its head (the whole lines of its first :data:`HEAD_BYTES`) when that holds
    enough lines and decodes; otherwise, and for a head without a word, on the whole file."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
            larger = bool(handle.read(1))
    except OSError:
        larger = False  # read_text_file below names the file and the problem
    if larger and head.count(b"\n") >= 4 * 500:
        try:
            text = head[:head.rfind(b"\n") + 1].decode(encoding)
        except (UnicodeDecodeError, LookupError):
            text = ""  # the reader reports the byte, by line
        fmt = detect_text_format(text.removeprefix(BOM)) if text else Format.EMPTY
        if fmt is not Format.EMPTY:
            return fmt
    return detect_text_format(read_text_file(path, encoding))
