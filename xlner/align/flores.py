"""FLORES-200 devtest as extra bitext for statistical aligners.

FLORES-200 devtest is 1012 English sentences professionally translated into 200 languages, so
it exists for many languages that have little other parallel text. :func:`flores_pairs` gives,
for each named bitext ``bitext:en-<lang>``, the file pair ``flores200/eng_Latn.devtest`` /
``flores200/<nllb code>.devtest`` of the data directory (``flores200:<code>`` corpora), when
both files are there and the bitext does not already hold them (the en-ru bitext staged in the
data directory has FLORES-200 devtest among its files: a file with the same content on either
side means the pair is not added twice).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from xlner.errors import ConfigError, CorpusNotFoundError

FLORES_ENGLISH = "flores200:eng_Latn"


def flores_code(spec: str | Path) -> str | None:
    """The NLLB code of the target language of a named bitext ``bitext:en-<lang>`` (``None``
    for other specs and unknown languages)."""
    text = str(spec)
    if not text.startswith("bitext:en-"):
        return None
    from xlner.translate.langcodes import lookup

    try:
        return lookup(text.partition("-")[2]).nllb
    except ConfigError:
        return None


def flores_pairs(specs: Sequence[str | Path], *, data_dir: str | Path | None = None,
                 download: bool = True) -> list[tuple[Path, Path]]:
    """FLORES-200 devtest file pairs (English, target) for the named bitexts in ``specs``, where
    the data directory has them and the bitext files do not already hold them."""
    from xlner.corpora.named import bitext_files, resolve
    from xlner.files import file_digest

    out: list[tuple[Path, Path]] = []
    for spec in specs:
        code = flores_code(spec)
        if code is None:
            continue
        try:
            (english,) = resolve(FLORES_ENGLISH, data_dir=data_dir, download_missing=False)
            (target,) = resolve(f"flores200:{code}", data_dir=data_dir, download_missing=False)
        except CorpusNotFoundError:
            continue
        held = {file_digest(p) for pair in bitext_files([spec], data_dir=data_dir,
                                                        download=download) for p in pair}
        if file_digest(english) in held or file_digest(target) in held:
            continue
        if (english, target) not in out:
            out.append((english, target))
    return out
