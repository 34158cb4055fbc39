"""The cached translator and the explicit word-splitting step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xlner.errors import ConfigError, InputError
from xlner.translate import create_translator, split_translations
from xlner.translate.cached import CachedTranslator

SOURCES = ["Anna visited Kano .", "The talks were good ."]


def test_text_cache(tmp_path: Path) -> None:
    path = tmp_path / "tr.txt"
    path.write_text("Anna alitembelea Kano.\nMazungumzo yalikuwa mazuri .\n", encoding="utf-8")
    tr = create_translator("cached", path=path)
    assert isinstance(tr, CachedTranslator)
    out = tr.translate(SOURCES, "en", "sw")
    assert out == ["Anna alitembelea Kano.", "Mazungumzo yalikuwa mazuri ."]
    assert not tr.pre_split
    assert tr.origin(1) == f"{path}:2"
    desc = tr.describe()
    assert desc["format"] == "text" and desc["translations"] == 2
    assert desc["digest"].startswith("sha256:")


def test_conll_cache_and_named_corpus(tmp_path: Path) -> None:
    conll = tmp_path / "tr.conll"
    conll.write_text("Anna\tB-PER\nalitembelea\tO\nKano\tB-LOC\n.\tO\n\nBei\tO\nzilipanda\tO\n\n",
                     encoding="utf-8")
    tr = CachedTranslator(conll)
    assert tr.translate(SOURCES, "en", "swa") == ["Anna alitembelea Kano .", "Bei zilipanda"]
    assert tr.pre_split
    data = tmp_path / "data"
    (data / "nllb-conll2003").mkdir(parents=True)
    (data / "nllb-conll2003" / "swa.nllb.tprojection.conll").write_text(
        conll.read_text(encoding="utf-8"), encoding="utf-8")
    named = CachedTranslator("nllb-conll2003:swa:tprojection", data_dir=data, download=False)
    assert named.translate(SOURCES, "en", "swa") == tr.translate(SOURCES, "en", "swa")


def test_jsonl_cache_keyed_by_index(tmp_path: Path) -> None:
    path = tmp_path / "tr.jsonl"
    rows = [{"index": 1, "source": SOURCES[1], "translation": "B"},
            {"index": 0, "source": SOURCES[0], "translation": "A"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert CachedTranslator(path).translate(SOURCES, "en", "sw") == ["A", "B"]
    # a cache made for other sentences is caught
    with pytest.raises(InputError, match=r"tr\.jsonl:2: the cached source of sentence 0"):
        CachedTranslator(path).translate(["Something else .", SOURCES[1]], "en", "sw")
    assert CachedTranslator(path, check_source=False).translate(
        ["x", "y"], "en", "sw") == ["A", "B"]


@pytest.mark.parametrize(("lines", "message"), [
    (['{"index": 0, "translation": "A"}', '{"index": 0, "translation": "B"}'],
     r"tr\.jsonl:2: index 0 appears twice"),
    (['{"index": 0, "translation": "A"}', '{"index": 2, "translation": "B"}'],
     r"tr\.jsonl: indices are not 0\.\.1: 1 is missing"),
    (['{"index": 0, "translation": "A"}', "{not json"], r"tr\.jsonl:2: invalid JSON"),
    (['{"index": 0, "text": "A"}'], r"tr\.jsonl:1: expected an object"),
    (['{"index": -1, "translation": "A"}'], r"tr\.jsonl:1: index -1"),
    (['{"translation": "A"}', '{"translation": "  "}'], r"tr\.jsonl:2: empty translation"),
])
def test_malformed_jsonl(tmp_path: Path, lines: list[str], message: str) -> None:
    path = tmp_path / "tr.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        CachedTranslator(path).translate(["a", "b"], "en", "sw")


def test_count_mismatch_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "tr.txt"
    path.write_text("one\ntwo\nthree\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"tr\.txt: 2 sentences to translate but the cache "
                       r"holds 3 translations"):
        CachedTranslator(path).translate(SOURCES, "en", "sw")


def test_empty_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "tr.txt"
    path.write_text("one\n\nthree\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"tr\.txt:2: empty translation"):
        CachedTranslator(path).translate(["a", "b", "c"], "en", "sw")


def test_languages(tmp_path: Path) -> None:
    path = tmp_path / "tr.txt"
    path.write_text("one\ntwo\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown language code 'xx'"):
        CachedTranslator(path).translate(SOURCES, "en", "xx")
    with pytest.raises(ConfigError, match="unknown language code 'qq'"):
        CachedTranslator(path, tgt_lang="qq")
    declared = CachedTranslator(path, src_lang="en", tgt_lang="hau")
    assert declared.translate(SOURCES, "eng", "ha") == ["one", "two"]  # same languages
    with pytest.raises(InputError, match="target language hau, but yor"):
        declared.translate(SOURCES, "en", "yor")


def test_missing_cache_and_bad_format(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="translation cache not found"):
        CachedTranslator(tmp_path / "nope.txt").translate(["a"], "en", "sw")
    with pytest.raises(ConfigError, match="unknown format"):
        CachedTranslator(tmp_path / "x", format="xml")


def test_split_translations() -> None:
    assert split_translations(["Anna's car, in Kano."], "xlner") == [
        ("Anna", "'s", "car", ",", "in", "Kano", ".")]
    assert split_translations(["1996-08-22 Kano"], "whitespace") == [("1996-08-22", "Kano")]
    with pytest.raises(InputError, match=r"where:7: the translation of sentence 1 is empty"):
        split_translations(["ok", " "], "xlner", origin=lambda k: f"where:{k + 6}")
    with pytest.raises(ConfigError, match="unknown tokenizer"):
        split_translations(["ok"], "spacy")
