"""Orthographic anchors: links between a name and its copy in the other sentence.

Names are mostly copied into a translation, but a statistical aligner only sees word types:
when the target language glues a noun-class, case or preposition prefix onto the name (Xhosa
``kaClinton``, ``yaseColombia``; Shona ``muHarare``; Igbo ``n'Awka``) or adds a short suffix
after an apostrophe or hyphen (Turkish ``Londra'da``), every form is a rare new word and the
name is often left unaligned or linked to a neighbour.

:func:`add_anchors` adds, for each name-like source word (capitalised, at least
``min_length`` characters, with a letter), a link to the target word that is the same word up to
case, or the same word behind a glued prefix, or followed by an apostrophe/hyphen suffix, of
at most ``max_affix`` characters (:func:`copies`); across scripts, the same name in
transliteration (:func:`transliterates`: *Moscow* ~ *Москве*, *Beijing* ~ *北京*). Acronyms
of two capitals count too (``UN``, ``US``). The anchor replaces the other links of both
words. When several target words match, the one at the closest relative position wins (each
target word anchors at most one source word while others are free).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from xlner.data import Links, as_links
from xlner.romanize import is_latin, name_key


def _name_like(word: str, min_length: int) -> bool:
    if len(word) == 2 and word.isalpha() and word.isupper():
        return True
    return len(word) >= min_length and word[:1].isupper() and any(c.isalpha() for c in word)


def copies(source_word: str, target_word: str, max_affix: int = 5) -> bool:
    """Whether ``target_word`` is ``source_word`` (any case), or the word with a glued prefix
    of letters/apostrophes/hyphens (``kaClinton``, ``n'Awka``, ``I-Indonesia``) or an
    apostrophe/hyphen suffix (``Londra'da``) of at most ``max_affix`` characters. With an
    affix, the name keeps its capital: its first letter must be the source word's, as is."""
    s, t = source_word.casefold(), target_word.casefold()
    if s == t:
        return True
    if not (is_latin(target_word) and is_latin(source_word)):
        return transliterates(source_word, target_word)
    extra = len(target_word) - len(source_word)
    if extra <= 0 or extra > max_affix:
        return False
    if t.endswith(s) and target_word[extra] == source_word[0]:
        return _PREFIX.fullmatch(target_word[:extra]) is not None
    if t.startswith(s) and target_word[0] == source_word[0]:
        return _SUFFIX.fullmatch(target_word[len(source_word):]) is not None
    return False


def transliterates(source_word: str, target_word: str, max_ending: int = 2) -> bool:
    """Whether two words in different scripts are the same name: their
    :func:`~xlner.romanize.name_key` (romanised, folded, vowels after the first dropped) agree,
    up to a case ending of at most ``max_ending`` letters on the target (*Moscow* ~ *Москве*,
    *Putin* ~ *Путиным*) or, for keys of 4 letters or more, one letter differing (*Trump* ~
    *ترامب*). Keys shorter than 3 letters never match but when equal and from 2-letter words."""
    a, b = name_key(source_word), name_key(target_word)
    if len(a) < 3 or len(b) < 3:
        return a == b and len(a) >= 2 and min(len(source_word), len(target_word)) >= 2
    if a[0] != b[0]:
        return False
    if b.startswith(a) and len(b) - len(a) <= max_ending:
        return True
    if len(a) >= 4 and abs(len(a) - len(b)) <= 1:
        return _within_one(a, b)
    return False


def _within_one(a: str, b: str) -> bool:
    """Levenshtein distance of ``a`` and ``b`` at most 1."""
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1:] == b[i + 1:]
    return a[i:] == b[i + 1:]


_PREFIX = re.compile(r"(?:[^\W\d_]|['’-])+")
_SUFFIX = re.compile(r"['’-][^\W\d_]+")


def anchor_pairs(src: Sequence[str], tgt: Sequence[str], *, min_length: int = 3,
                 max_affix: int = 5) -> dict[int, int]:
    """Source word index → target word index of its copy, for the name-like source words."""
    pairs: dict[int, int] = {}
    used: set[int] = set()
    n_src, n_tgt = max(1, len(src)), max(1, len(tgt))
    for i, word in enumerate(src):
        if not _name_like(word, min_length):
            continue
        found = [j for j, other in enumerate(tgt) if copies(word, other, max_affix)]
        if not found:
            continue
        free = [j for j in found if j not in used] or found
        j = min(free, key=lambda j: (abs(i / n_src - j / n_tgt), j))
        pairs[i] = j
        used.add(j)
    return pairs


def add_anchors(src: Sequence[str], tgt: Sequence[str], links: Links, *, min_length: int = 3,
                max_affix: int = 5) -> tuple[Links, int]:
    """``links`` with the orthographic anchors of the pair (replacing the other links of the
    anchored words), and the number of anchors."""
    pairs = anchor_pairs(src, tgt, min_length=min_length, max_affix=max_affix)
    if not pairs:
        return links, 0
    anchored_src = set(pairs)
    anchored_tgt = set(pairs.values())
    kept = [(i, j) for i, j in links.tolist() if i not in anchored_src and j not in anchored_tgt]
    return as_links(kept + sorted(pairs.items())), len(pairs)


def add_anchors_batch(src: Sequence[Sequence[str]], tgt: Sequence[Sequence[str]],
                      links: Sequence[Links], **settings: int) -> tuple[list[Links], int]:
    """:func:`add_anchors` over a batch; returns the links and the total number of anchors."""
    out: list[Links] = []
    total = 0
    for s, t, lk in zip(src, tgt, links, strict=True):
        new, n = add_anchors(s, t, lk, **settings)
        out.append(new)
        total += n
    return out, total
