"""Anchor priors: eflomal lexical priors from the orthographic anchors of each sentence pair.

eflomal's identity prior (``identity_prior``) favours links between identical words of a
sentence pair. A name that is transliterated (*Moscow* ~ *Москве*) or that carries a glued
prefix or an apostrophe suffix (*kaClinton*, *Londra'da*) is a different word type on each side,
so it gets no such help, and with little bitext its counts are too sparse to be learnt.
:func:`anchor_links` finds these words in every sentence pair with
:func:`xlner.align.anchors.anchor_pairs` (names copied, prefixed, suffixed or transliterated).

``EflomalAligner(anchor_prior=w)`` turns the anchors of the batch and its bitext into lexical
priors of weight ``w`` over the word types eflomal sees (lower-cased, truncated), as the
identity prior does for identical words (a pair that has both keeps the larger weight).
:func:`anchor_priors` gives the same pairs as a :class:`~xlner.align.priors.Priors` and
:func:`write_anchor_priors` writes them in the priors file format of
:mod:`xlner.align.priors`, for aligners run apart (``priors=PATH`` with ``priors_scale=1``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

from xlner.align.anchors import anchor_pairs
from xlner.align.priors import Priors, word_key, write_priors

Words = Sequence[str]


def anchor_links(src: Sequence[Words], tgt: Sequence[Words], *, min_length: int = 3,
                 max_affix: int = 5) -> Iterator[tuple[int, int, int]]:
    """``(pair, source word, target word)`` of every anchor of every sentence pair."""
    for k, (s, t) in enumerate(zip(src, tgt, strict=True)):
        if not s or not t:
            continue
        for i, j in anchor_pairs(s, t, min_length=min_length, max_affix=max_affix).items():
            yield k, i, j


def anchor_priors(src: Sequence[Words], tgt: Sequence[Words], *, weight: float = 1.0,
                  lowercase: bool = True, truncate: int = 6, unglue: bool = False) -> Priors:
    """The anchors of the sentence pairs as lexical priors of ``weight`` over eflomal's word
    keys (:func:`xlner.align.priors.word_key`; the aligner's ``lowercase``, ``truncate`` and
    ``unglue``), once per key pair."""
    if not weight > 0:
        raise ValueError(f"anchor prior weight must be positive, not {weight!r}")

    def key(word: str) -> str:
        return word_key(word, lowercase=lowercase, truncate=truncate, unglue=unglue)

    pri = Priors()
    seen = {(key(src[k][i]), key(tgt[k][j])) for k, i, j in anchor_links(src, tgt)}
    pri.lex = Counter(dict.fromkeys(sorted(seen), weight))
    return pri


def write_anchor_priors(path: str | Path, src: Sequence[Words], tgt: Sequence[Words], *,
                        weight: float = 1.0, lowercase: bool = True, truncate: int = 6,
                        unglue: bool = False) -> Priors:
    """:func:`anchor_priors` written to ``path`` (atomically) by
    :func:`xlner.align.priors.write_priors`."""
    pri = anchor_priors(src, tgt, weight=weight, lowercase=lowercase, truncate=truncate,
                        unglue=unglue)
    write_priors(path, pri)
    return pri
