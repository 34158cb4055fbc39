"""Language codes: ISO 639-1/639-3, MasakhaNER and XTREME codes → NLLB-200 and M2M100 codes.

Unknown codes raise :class:`ConfigError` naming the code; a known language a model family does
not cover raises too (e.g. Ghomálá' has no NLLB code).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xlner.errors import ConfigError


@dataclass(frozen=True)
class Language:
    name: str
    iso1: str | None
    iso3: str
    nllb: str | None
    m2m100: str | None


def _read_table() -> list[Language]:
    """The rows of ``languages.tsv`` (name, ISO 639-1, ISO 639-3, NLLB-200, M2M100; ``-``:
    none), a data file beside this module."""
    text = (Path(__file__).with_name("languages.tsv")).read_text(encoding="utf-8")
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [None if c == "-" else c for c in line.split("\t")]
        if len(cells) != 5 or cells[0] is None or cells[2] is None:
            raise ValueError(f"languages.tsv line {number}: expected 5 tab-separated cells "
                             "with a name and an ISO 639-3 code")
        out.append(Language(*cells))  # type: ignore[arg-type]
    return out



LANGUAGES: dict[str, Language] = {}
for _lang in _read_table():
    for _code in (_lang.iso1, _lang.iso3, _lang.nllb):
        if _code:
            LANGUAGES.setdefault(_code.lower(), _lang)
LANGUAGES.setdefault("swh", LANGUAGES["swa"])


def lookup(code: str) -> Language:
    """The language of an ISO 639-1/639-3, MasakhaNER, XTREME or NLLB code."""
    try:
        return LANGUAGES[code.strip().lower()]
    except KeyError:
        raise ConfigError(f"unknown language code {code!r}; use an ISO 639-1/639-3 code "
                          "(e.g. de, hau), a MasakhaNER/XTREME code or an NLLB code "
                          "(e.g. hau_Latn)") from None


def to_nllb(code: str) -> str:
    lang = lookup(code)
    if lang.nllb is None:
        raise ConfigError(f"{lang.name} ({code}) has no NLLB-200 language code")
    return lang.nllb


def to_m2m100(code: str) -> str:
    lang = lookup(code)
    if lang.m2m100 is None:
        raise ConfigError(f"{lang.name} ({code}) is not an M2M100 language")
    return lang.m2m100
