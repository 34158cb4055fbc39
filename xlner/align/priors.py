"""eflomal priors learnt once per language pair, so that shards can be aligned apart.

:func:`learn_priors` aligns a sample of the corpus together with the aligner's bitext in one
eflomal run and counts, over the aligner's own word keys (lower-cased, cut to ``truncate``
characters), what eflomal's priors describe: lexical pairs (forward links), HMM jumps in both
directions and fertilities. The file is eflomal's priors text format (``LEX src tgt alpha``,
``HMMF jump alpha``, ``HMMR jump alpha``, ``FERF src fert alpha``, ``FERR tgt fert alpha``,
tab-separated). An :class:`~xlner.align.eflomal.EflomalAligner` given ``priors=PATH`` adds
them to each batch it aligns (on top of its identity priors) instead of re-reading the bitext.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from xlner.errors import InputError
from xlner.files import atomic_write

Words = tuple[str, ...]


@dataclass
class Priors:
    lex: Counter[tuple[str, str]] = field(default_factory=Counter)
    hmmf: Counter[int] = field(default_factory=Counter)
    hmmr: Counter[int] = field(default_factory=Counter)
    ferf: Counter[tuple[str, int]] = field(default_factory=Counter)
    ferr: Counter[tuple[str, int]] = field(default_factory=Counter)


def word_key(word: str, *, lowercase: bool, truncate: int, unglue: bool) -> str:
    """The form eflomal sees a word in (as :class:`xlner.align.eflomal._Vocab` encodes it)."""
    from xlner.align.eflomal import unglue as unglue_word

    if unglue:
        word = unglue_word(word)
    if lowercase:
        word = word.lower()
    return word[:truncate] if truncate else word


def learn_priors(aligner: object, src: Sequence[Words], tgt: Sequence[Words],
                 path: str | Path) -> Priors:
    """Align ``src``/``tgt`` plus the aligner's bitext once and write the priors to ``path``
    (atomically). ``aligner`` is an :class:`~xlner.align.eflomal.EflomalAligner`."""
    from xlner.align.eflomal import MAX_LENGTH, EflomalAligner

    if not isinstance(aligner, EflomalAligner):
        raise TypeError("priors are learnt with the eflomal aligner")
    batch_src, batch_tgt = list(src), list(tgt)
    bitext = aligner.bitext
    if bitext is not None:
        for s, t in zip(bitext.source, bitext.target, strict=True):
            if 0 < len(s) <= MAX_LENGTH and 0 < len(t) <= MAX_LENGTH:
                batch_src.append(tuple(s))
                batch_tgt.append(tuple(t))
    alone = copy.copy(aligner)
    alone._bitext_spec, alone._bitext, alone.priors = None, None, None
    fwd, rev = alone.align_both(batch_src, batch_tgt)

    def key(w: str) -> str:
        return word_key(w, lowercase=aligner.lowercase, truncate=aligner.truncate,
                        unglue=aligner.unglue)

    pri = Priors()
    for s, t, f, r in zip(batch_src, batch_tgt, fwd, rev, strict=True):
        sk, tk = [key(w) for w in s], [key(w) for w in t]
        fl = sorted(((int(i), int(j)) for i, j in f), key=lambda x: (x[1], x[0]))
        for i, j in fl:
            pri.lex[(sk[i], tk[j])] += 1
        last_i, last_j = -1, -1
        for i, j in fl:  # jumps between source positions of successive target words
            if j != last_j:
                pri.hmmf[i - last_i] += 1
            last_i, last_j = i, j
        pri.hmmf[len(sk) - last_i] += 1
        rl = sorted((int(i), int(j)) for i, j in r)
        last_i, last_j = -1, -1
        for i, j in rl:
            if i != last_i:
                pri.hmmr[j - last_j] += 1
            last_i, last_j = i, j
        pri.hmmr[len(tk) - last_j] += 1
        for i, n in Counter(i for i, _ in fl).items():
            pri.ferf[(sk[i], n)] += 1
        for j, n in Counter(j for _, j in rl).items():
            pri.ferr[(tk[j], n)] += 1
    write_priors(path, pri)
    return pri


def write_priors(path: str | Path, pri: Priors) -> None:
    with atomic_write(path) as h:
        for (s, t), a in sorted(pri.lex.items()):
            h.write(f"LEX\t{s}\t{t}\t{a:g}\n")
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
    with open(path, encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            f = line.rstrip("\n").split("\t")
            try:
                alpha = float(f[-1])
                if f[0] == "LEX" and len(f) == 4:
                    pri.lex[(f[1], f[2])] += alpha  # type: ignore[assignment]
                elif f[0] in ("HMMF", "HMMR") and len(f) == 3:
                    (pri.hmmf if f[0] == "HMMF" else pri.hmmr)[int(f[1])] += alpha  # type: ignore[assignment]
                elif f[0] in ("FERF", "FERR") and len(f) == 4:
                    (pri.ferf if f[0] == "FERF" else pri.ferr)[(f[1], int(f[2]))] += alpha  # type: ignore[assignment]
                else:
                    raise ValueError
            except (ValueError, IndexError):
                raise InputError("not an eflomal priors line (LEX/HMMF/HMMR/FERF/FERR)",
                                 source=Path(path), line=lineno) from None
    return pri
