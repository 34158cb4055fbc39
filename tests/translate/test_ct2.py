"""CTranslate2: conversion of tiny transformers checkpoints and the ct2 translator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("ctranslate2")

from tests.tiny_mt import FAST, tiny_ct2, tiny_model
from xlner.bench.tiny_seq2seq import tiny_sentences
from xlner.errors import ConfigError
from xlner.translate import create_translator
from xlner.translate.ct2 import META_FILE, CT2Translator, convert_to_ct2
from xlner.translate.hf import HFTranslator

SENTS = tiny_sentences(6, seed=4, max_words=9)


@pytest.mark.parametrize("family", ["nllb", "m2m100", "marian"])
def test_ct2_matches_transformers(family: str) -> None:
    folder = tiny_ct2(family)
    meta = json.loads((folder / META_FILE).read_text())
    assert meta["family"] == family and meta["max_length"] == 128
    assert (folder / f"{META_FILE}.signature.json").exists()
    hf = HFTranslator(str(tiny_model(family)), **FAST)
    ct = CT2Translator(str(folder), **FAST)
    assert ct.translate(SENTS, "hau", "en") == hf.translate(SENTS, "hau", "en")
    assert ct.log_likelihood(SENTS[:3], SENTS[3:], "hau", "en") == pytest.approx(
        hf.log_likelihood(SENTS[:3], SENTS[3:], "hau", "en"), abs=1e-3)


def test_ct2_batching_and_registry() -> None:
    folder = tiny_ct2("nllb")
    tr = create_translator(f"ct2(model={folder},beam_size=1,device=cpu,max_output_ratio=0.5,"
                           "max_output_extra=3,max_tokens=20)")
    out = tr.translate(SENTS, "hau", "en")
    assert tr.last_stats.batches > 1
    assert out == [tr.translate([s], "hau", "en")[0] for s in SENTS]


def test_conversion_refuses_to_overwrite_and_rejects_other_dirs(tmp_path: Path) -> None:
    folder = tiny_ct2("nllb")
    with pytest.raises(ConfigError, match="exists"):
        convert_to_ct2(tiny_model("nllb"), folder)
    with pytest.raises(ConfigError, match="not a CTranslate2 model"):
        CT2Translator(str(tiny_model("nllb")), device="cpu").translate(["x"], "hau", "en")
    with pytest.raises(ConfigError, match="quantization"):
        convert_to_ct2(tiny_model("nllb"), tmp_path / "x", quantization="int3")
