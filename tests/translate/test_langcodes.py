"""Language codes read from translate/languages.tsv."""

from __future__ import annotations

import pytest

from xlner.errors import ConfigError
from xlner.translate.langcodes import LANGUAGES, lookup, to_m2m100, to_nllb


def test_codes_of_every_kind_find_their_language() -> None:
    assert lookup("hau") == lookup("ha") == lookup("HAU_Latn")
    assert to_nllb("de") == "deu_Latn" and to_m2m100("deu") == "de"
    assert lookup("swh").name == "Swahili" and to_nllb("swa") == "swh_Latn"
    assert lookup("pcm").nllb is None and lookup("pcm").iso1 is None  # '-' cells are None
    assert len({lang.iso3 for lang in LANGUAGES.values()}) >= 50


def test_missing_codes_are_named() -> None:
    with pytest.raises(ConfigError, match="unknown language code 'xx'"):
        lookup("xx")
    with pytest.raises(ConfigError, match=r"Bambara \(bm\) is not an M2M100 language"):
        to_m2m100("bm")
    with pytest.raises(ConfigError, match="has no NLLB-200 language code"):
        to_nllb("bbj")
