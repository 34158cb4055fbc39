"""eflomal priors learnt once per language pair, so that shards can be aligned apart.

:func:`learn_priors` aligns a sample of the corpus together with the aligner's bitext in one
eflomal run and counts, over the aligner's own word keys (lower-cased, cut to ``truncate``
characters), the statistics eflomal's sampler keeps, per direction: lexical pairs (forward and
reverse links), HMM jumps and fertilities (fertility 0 included). Given these counts as
Dirichlet priors, a shard's sampler sees what the whole run saw. The file is eflomal's priors
text format with the directions apart, tab-separated: ``LEX src tgt alpha`` (forward links),
``LEXR src tgt alpha`` (reverse links; a file without them uses ``LEX`` both ways),
``HMMF jump alpha``, ``HMMR jump alpha``, ``FERF src fert alpha``, ``FERR tgt fert alpha``.
An :class:`~xlner.align.eflomal.EflomalAligner` given ``priors=PATH`` adds them to each batch
it aligns (on top of its identity priors) instead of re-reading the bitext.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from xlner.errors import InputError
from xlner.files import atomic_write

Words = tuple[str, ...]

PRIORS_VERSION = 2
"""Version of what :func:`learn_priors` counts (stage keys of learnt priors carry it)."""

MAX_FERTILITY = 7
"""eflomal's last fertility bin (``FERT_ARRAY_LEN - 1``): higher fertilities count there."""


@dataclass
class Priors:
    lex: Counter[tuple[str, str]] = field(default_factory=Counter)
    hmmf: Counter[int] = field(default_factory=Counter)
    hmmr: Counter[int] = field(default_factory=Counter)
    ferf: Counter[tuple[str, int]] = field(default_factory=Counter)
    ferr: Counter[tuple[str, int]] = field(default_factory=Counter)
    lexr: Counter[tuple[str, str]] = field(default_factory=Counter)
    """Reverse-direction links (empty: ``lex`` serves both directions)."""


class LearntPriors:
    """A priors file as an aligner uses it: each direction's lexical table with the total
    count of every conditioning word (source words forward, target words in reverse)."""

    def __init__(self, priors: Priors) -> None:
        self.priors = priors
        self._totals: dict[bool, dict[str, float]] = {}

    def direction(self, reverse: bool) -> tuple[Counter[tuple[str, str]], dict[str, float]]:
        table = self.priors.lexr if reverse and self.priors.lexr else self.priors.lex
        if reverse not in self._totals:
            totals: dict[str, float] = {}
            for pair, count in table.items():
                cond = pair[1] if reverse else pair[0]
                totals[cond] = totals.get(cond, 0.0) + count
            self._totals[reverse] = totals
        return table, self._totals[reverse]


def word_key(word: str, *, lowercase: bool, truncate: int, unglue: bool) -> str:
    """The form eflomal sees a word in (as :class:`xlner.align.eflomal._Vocab` encodes it)."""
    from xlner.align.eflomal import unglue as unglue_word

    if unglue:
        word = unglue_word(word)
    if lowercase:
        word = word.lower()
    return word[:truncate] if truncate else word


def count_direction(keys_src: Sequence[str], keys_tgt: Sequence[str], links: np.ndarray,
                    lex: Counter[tuple[str, str]], jumps: Counter[int],
                    fert: Counter[tuple[str, int]], *, reverse: bool) -> None:
    """Add one sentence pair's ``(source, target)`` links of one direction to the counts, as
    eflomal's sampler keeps them: every generated word (target words forward, source words in
    reverse) is linked to at most one word of the other side or to NULL (not counted: eflomal's
    NULL probability takes no prior); jumps between the
    positions of successive linked words (from -1, and to the length after the last); the
    fertility of every conditioning word (0 included). ``lex`` keys are ``(source, target)``."""
    pairs = np.asarray(links, dtype=np.int64).reshape(-1, 2).tolist()
    gen, cond = (keys_src, keys_tgt) if reverse else (keys_tgt, keys_src)
    linked: dict[int, int] = {}
    for i, j in pairs:
        g, c = (i, j) if reverse else (j, i)
        linked.setdefault(g, c)
    last = -1
    fertility = [0] * len(cond)
    for g, word in enumerate(gen):
        if g not in linked:
            continue
        c = linked[g]
        lex[(word, cond[c]) if reverse else (cond[c], word)] += 1
        jumps[c - last] += 1
        fertility[c] += 1
        last = c
    if last >= 0:
        jumps[len(cond) - last] += 1
    for c, n in enumerate(fertility):
        fert[(cond[c], min(n, MAX_FERTILITY))] += 1


def learn_priors(aligner: object, src: Sequence[Words], tgt: Sequence[Words],
                 path: str | Path) -> Priors:
    """Align ``src``/``tgt`` plus the aligner's bitext once and write the priors to ``path``
    (atomically). ``aligner`` is an :class:`~xlner.align.eflomal.EflomalAligner`."""
    from xlner.align.eflomal import EflomalAligner

    if not isinstance(aligner, EflomalAligner):
        raise TypeError("priors are learnt with the eflomal aligner")
    alone = copy.copy(aligner)
    alone.priors = None
    fwd, rev, extra_src, extra_tgt = alone.align_with_bitext(src, tgt)
    pri = count_priors(aligner, [*src, *extra_src], [*tgt, *extra_tgt], fwd, rev)
    write_priors(path, pri)
    return pri


def count_priors(aligner: object, src: Sequence[Sequence[str]], tgt: Sequence[Sequence[str]],
                 fwd: Sequence[np.ndarray], rev: Sequence[np.ndarray]) -> Priors:
    """The priors of a batch's forward and reverse links, over ``aligner``'s word keys."""
    from xlner.align.eflomal import EflomalAligner

    assert isinstance(aligner, EflomalAligner)

    def key(w: str) -> str:
        return word_key(w, lowercase=aligner.lowercase, truncate=aligner.truncate,
                        unglue=aligner.unglue)

    pri = Priors()
    for s, t, f, r in zip(src, tgt, fwd, rev, strict=True):
        if not s or not t:
            continue
        sk, tk = [key(w) for w in s], [key(w) for w in t]
        count_direction(sk, tk, f, pri.lex, pri.hmmf, pri.ferf, reverse=False)
        count_direction(sk, tk, r, pri.lexr, pri.hmmr, pri.ferr, reverse=True)
    return pri


def write_priors(path: str | Path, pri: Priors) -> None:
    with atomic_write(path) as h:
        for tag, lex in (("LEX", pri.lex), ("LEXR", pri.lexr)):
            for (s, t), a in sorted(lex.items()):
                h.write(f"{tag}\t{s}\t{t}\t{a:g}\n")
        for jump, a in sorted(pri.hmmf.items()):
            h.write(f"HMMF\t{jump}\t{a:g}\n")
        for jump, a in sorted(pri.hmmr.items()):
            h.write(f"HMMR\t{jump}\t{a:g}\n")
        for (s, n), a in sorted(pri.ferf.items()):
            h.write(f"FERF\t{s}\t{n}\t{a:g}\n")
        for (t, n), a in sorted(pri.ferr.items()):
            h.write(f"FERR\t{t}\t{n}\t{a:g}\n")


def read_priors(path: str | Path) -> Priors:
    """Read a priors file; a malformed line is an error naming the file and line."""
    pri = Priors()
    lex = {"LEX": pri.lex, "LEXR": pri.lexr}
    hmm = {"HMMF": pri.hmmf, "HMMR": pri.hmmr}
    fert = {"FERF": pri.ferf, "FERR": pri.ferr}
    with open(path, encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            f = line.rstrip("\n").split("\t")
            try:
                alpha = float(f[-1])
                if f[0] in lex and len(f) == 4:
                    lex[f[0]][(f[1], f[2])] += alpha  # type: ignore[assignment]
                elif f[0] in hmm and len(f) == 3:
                    hmm[f[0]][int(f[1])] += alpha  # type: ignore[assignment]
                elif f[0] in fert and len(f) == 4:
                    fert[f[0]][(f[1], int(f[2]))] += alpha  # type: ignore[assignment]
                else:
                    raise ValueError
            except (ValueError, IndexError):
                raise InputError("not an eflomal priors line "
                                 "(LEX/LEXR/HMMF/HMMR/FERF/FERR)",
                                 source=Path(path), line=lineno) from None
    return pri
