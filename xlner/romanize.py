"""Romanisation of words in any script, for comparing names across scripts.

Names are transliterated rather than copied into Cyrillic, Greek, Arabic, Hebrew, Indic, Han,
Hangul, Kana, Thai, Ethiopic or Georgian text (*Moscow* → *Москва*). :func:`romanize` maps a
word to Latin letters with anyascii (ISC licence, pure Python, every Unicode script; Han by its
Mandarin pinyin without tones, Kana by Hepburn-like syllables), once per word type (cached):
*Москва* → ``moskva``, *北京* → ``beijing``, *Αθήνα* → ``athina``. Latin words are returned as
they are (lower-cased only by the callers that want it).

:func:`name_key` is a transliteration-tolerant key for matching a name with its transliteration:
the romanised, case- and accent-folded word with light phonetic folding (*ph*/*f*, *c*/*k*,
*w*/*v*, *y*/*j*/*i*, *zh*/*j*, *kh*/*h*, doubled letters single) and its vowels removed after
the first letter, since vowel spellings vary most and abjads (Arabic, Hebrew) write few of
them: *Moscow* and *Москве* both give ``mskv``, *Berlin* and *Берлине* ``brln``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_LATIN_EXTRA = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d",
                              "ł": "l", "þ": "th", "ı": "i", "ŋ": "n", "ħ": "h", "ɗ": "d",
                              "ƙ": "k", "ɓ": "b", "ƴ": "y", "ɛ": "e", "ɔ": "o"})
_KEY_FOLDS = [(re.compile(p), r) for p, r in (
    (r"shch", "sh"), (r"tsch", "sh"), (r"sch", "sh"), (r"dzh", "j"), (r"zh", "j"), (r"kh", "h"),
    (r"ph", "f"), (r"th", "t"), (r"ck", "k"), (r"[cq]", "k"), (r"w", "v"), (r"[yj]", "i"),
    (r"z", "s"), (r"x", "ks"), (r"(.)\1+", r"\1"))]
_VOWELS = re.compile(r"(?<=.)[aeiou]+")


@lru_cache(maxsize=500_000)
def is_latin(word: str) -> bool:
    """True when every letter of ``word`` is ASCII or Latin with diacritics (or it has none)."""
    return all(ch.isascii() or not ch.isalpha() or "LATIN" in unicodedata.name(ch, "")
               for ch in word)


@lru_cache(maxsize=500_000)
def romanize(word: str) -> str:
    """``word`` in Latin letters (unchanged when it already is Latin)."""
    if word.isascii() or is_latin(word):
        return word
    from anyascii import anyascii

    # Latin letters keep their diacritics for the callers' own folding; others are romanised.
    out = []
    for ch in word:
        if ch.isascii() or (ch.isalpha() and "LATIN" in unicodedata.name(ch, "")):
            out.append(ch)
        else:
            out.append(anyascii(ch).lower() if ch.isalpha() or unicodedata.category(ch)[0] in
                       "LM" else anyascii(ch))
    return "".join(out)


def fold_letters(text: str) -> str:
    """Case-folded ``text`` without accents, keeping letters and digits only."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_LATIN_EXTRA))
    return "".join(ch for ch in text if ch.isalnum() and not unicodedata.combining(ch))


@lru_cache(maxsize=500_000)
def name_key(word: str) -> str:
    """Transliteration-tolerant key of a name: romanised, folded, vowels after the first
    letter removed (``Moscow``/``Москве`` → ``mskv``)."""
    text = fold_letters(romanize(word))
    for pattern, repl in _KEY_FOLDS:
        text = pattern.sub(repl, text)
    return _VOWELS.sub("", text)
