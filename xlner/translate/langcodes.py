"""Language codes: ISO 639-1/639-3, MasakhaNER and XTREME codes → NLLB-200 and M2M100 codes.

Unknown codes raise :class:`ConfigError` naming the code; a known language a model family does
not cover raises too (e.g. Ghomálá' has no NLLB code).
"""

from __future__ import annotations

from dataclasses import dataclass

from xlner.errors import ConfigError


@dataclass(frozen=True)
class Language:
    name: str
    iso1: str | None
    iso3: str
    nllb: str | None
    m2m100: str | None


_TABLE = [
    # name, ISO 639-1, ISO 639-3 (MasakhaNER uses these), NLLB-200, M2M100
    ("Afrikaans", "af", "afr", "afr_Latn", "af"),
    ("Amharic", "am", "amh", "amh_Ethi", "am"),
    ("Arabic", "ar", "ara", "arb_Arab", "ar"),
    ("Bambara", "bm", "bam", "bam_Latn", None),
    ("Ghomala'", None, "bbj", None, None),
    ("Bulgarian", "bg", "bul", "bul_Cyrl", "bg"),
    ("Bengali", "bn", "ben", "ben_Beng", "bn"),
    ("German", "de", "deu", "deu_Latn", "de"),
    ("Greek", "el", "ell", "ell_Grek", "el"),
    ("English", "en", "eng", "eng_Latn", "en"),
    ("Spanish", "es", "spa", "spa_Latn", "es"),
    ("Estonian", "et", "est", "est_Latn", "et"),
    ("Basque", "eu", "eus", "eus_Latn", None),
    ("Ewe", "ee", "ewe", "ewe_Latn", None),
    ("Persian", "fa", "fas", "pes_Arab", "fa"),
    ("Finnish", "fi", "fin", "fin_Latn", "fi"),
    ("Fon", None, "fon", "fon_Latn", None),
    ("French", "fr", "fra", "fra_Latn", "fr"),
    ("Hausa", "ha", "hau", "hau_Latn", "ha"),
    ("Hebrew", "he", "heb", "heb_Hebr", "he"),
    ("Hindi", "hi", "hin", "hin_Deva", "hi"),
    ("Hungarian", "hu", "hun", "hun_Latn", "hu"),
    ("Indonesian", "id", "ind", "ind_Latn", "id"),
    ("Igbo", "ig", "ibo", "ibo_Latn", "ig"),
    ("Italian", "it", "ita", "ita_Latn", "it"),
    ("Japanese", "ja", "jpn", "jpn_Jpan", "ja"),
    ("Javanese", "jv", "jav", "jav_Latn", "jv"),
    ("Georgian", "ka", "kat", "kat_Geor", "ka"),
    ("Kinyarwanda", "rw", "kin", "kin_Latn", None),
    ("Kazakh", "kk", "kaz", "kaz_Cyrl", "kk"),
    ("Korean", "ko", "kor", "kor_Hang", "ko"),
    ("Ganda", "lg", "lug", "lug_Latn", "lg"),
    ("Luo", None, "luo", "luo_Latn", None),
    ("Malayalam", "ml", "mal", "mal_Mlym", "ml"),
    ("Mossi", None, "mos", "mos_Latn", None),
    ("Marathi", "mr", "mar", "mar_Deva", "mr"),
    ("Malay", "ms", "msa", "zsm_Latn", "ms"),
    ("Burmese", "my", "mya", "mya_Mymr", "my"),
    ("Dutch", "nl", "nld", "nld_Latn", "nl"),
    ("Chichewa", "ny", "nya", "nya_Latn", None),
    ("Nigerian Pidgin", None, "pcm", None, None),
    ("Portuguese", "pt", "por", "por_Latn", "pt"),
    ("Russian", "ru", "rus", "rus_Cyrl", "ru"),
    ("Shona", "sn", "sna", "sna_Latn", None),
    ("Swahili", "sw", "swa", "swh_Latn", "sw"),
    ("Tamil", "ta", "tam", "tam_Taml", "ta"),
    ("Telugu", "te", "tel", "tel_Telu", None),
    ("Thai", "th", "tha", "tha_Thai", "th"),
    ("Tagalog", "tl", "tgl", "tgl_Latn", "tl"),
    ("Tswana", "tn", "tsn", "tsn_Latn", "tn"),
    ("Turkish", "tr", "tur", "tur_Latn", "tr"),
    ("Twi", "tw", "twi", "twi_Latn", None),
    ("Urdu", "ur", "urd", "urd_Arab", "ur"),
    ("Vietnamese", "vi", "vie", "vie_Latn", "vi"),
    ("Wolof", "wo", "wol", "wol_Latn", "wo"),
    ("Xhosa", "xh", "xho", "xho_Latn", "xh"),
    ("Yoruba", "yo", "yor", "yor_Latn", "yo"),
    ("Chinese", "zh", "zho", "zho_Hans", "zh"),
    ("Zulu", "zu", "zul", "zul_Latn", "zu"),
]

LANGUAGES: dict[str, Language] = {}
for _row in _TABLE:
    _lang = Language(*_row)
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
