"""A small, language-neutral word tokenizer for untokenised text (translations, bitext).

Words keep inner hyphens and apostrophes (``Vice-President``), abbreviations and numbers stay
whole (``p.m.``, ``3,5``), other punctuation is split off one character at a time, and an
English-style possessive ``'s`` is split (``Parliament 's``), as in CoNLL-style corpora.
Combining marks (Devanagari vowel signs, Ge'ez, ...) count as word characters.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata


@functools.cache
def _pattern() -> re.Pattern[str]:
    marks: list[str] = []
    start = -1
    for cp in range(0x30000 if sys.maxunicode > 0xFFFF else 0x10000):
        is_mark = unicodedata.category(chr(cp)).startswith("M")
        if is_mark and start < 0:
            start = cp
        elif not is_mark and start >= 0:
            marks.append(f"{re.escape(chr(start))}-{re.escape(chr(cp - 1))}")
            start = -1
    w = r"[\w" + "".join(marks) + "]"
    letter = r"[^\W\d_]"
    return re.compile(
        rf"(?:{letter}\.){{2,}}"            # abbreviations: U.S. p.m. i.e.
        rf"|\d+(?:[.,:/]\d+)*(?:{w})*"       # numbers, with unit suffixes: 3,5 10:30 2nd
        rf"|{w}+(?:[-‐'’]{w}+)*"            # words with inner hyphens/apostrophes
        r"|[^\w\s]"                          # any other symbol, one at a time
    )


_POSSESSIVE = re.compile(r"^(.+?)(['’][sS])$")


def tokenize(text: str) -> list[str]:
    """Split ``text`` into words."""
    out: list[str] = []
    for token in _pattern().findall(text):
        m = _POSSESSIVE.match(token)
        if m:
            out.extend(m.groups())
        else:
            out.append(token)
    return out


def whitespace(text: str) -> list[str]:
    """Split on whitespace only (pre-tokenised text)."""
    return text.split()


TOKENIZERS = {"xlner": tokenize, "whitespace": whitespace}
