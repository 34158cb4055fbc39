"""Word segmentation of scripts without spaces; the setting reaches the aligner's bitext."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xlner.align.eflomal import EflomalAligner
from xlner.cli.main import main
from xlner.corpora.named import default_data_dir
from xlner.corpora.segment import segmenter_for
from xlner.corpora.text import get_tokenizer, read_text
from xlner.errors import ConfigError

pytest.importorskip("jieba")
pytest.importorskip("tinysegmenter")
pytest.importorskip("newmm_tokenizer")

TEXTS = {
    "zh": ["北京是中华人民共和国的首都。", "奥巴马于2009年访问了上海和北京（中国）。",
           "他说：“我们现在有 4 个月大没有糖尿病的老鼠。”"],
    "ja": ["東京は日本の首都です。", "オバマ大統領は2009年に東京を訪問しました。",
           "ノバスコシア州ハリファックスにあるダルハウジー大学"],
    "th": ["กรุงเทพมหานครเป็นเมืองหลวงของประเทศไทย", "โอบามาเดินทางไปกรุงเทพเมื่อปี 2009",
           "ขณะนี้เรามีหนูอายุ 4 เดือน"],
}


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_segmentation_round_trips_and_splits(lang: str) -> None:
    split = get_tokenizer(lang)
    for text in TEXTS[lang]:
        words = split(text)
        assert "".join(words) == "".join(text.split())  # no character lost or added
        assert all(w and not w.isspace() for w in words)
        assert len(words) > len(get_tokenizer("xlner")(text))  # the script's runs were cut


def test_flores_round_trips_when_present() -> None:
    base = default_data_dir(None) or Path(__file__).resolve().parents[3] / "shared" / "data"
    for code, lang in (("zho_Hans", "zh"), ("jpn_Jpan", "ja"), ("tha_Thai", "th")):
        path = base / "flores200" / f"{code}.devtest"
        if not path.is_file():
            pytest.skip("FLORES-200 not in the data directory")
        lines = path.read_text(encoding="utf-8").splitlines()[:100]
        split = get_tokenizer(lang)
        for line in lines:
            assert "".join(split(line)) == "".join(line.split())


def test_other_scripts_split_as_xlner() -> None:
    text = "Barack Obama visited Beijing in 2009, didn't he? Москва!"
    for lang in ("zh", "ja", "th"):
        assert get_tokenizer(lang)(text) == get_tokenizer("xlner")(text)


def test_segmenter_by_language_code() -> None:
    assert segmenter_for("zh") == segmenter_for("zho_Hans") == "jieba"
    assert segmenter_for("jpn_Jpan") == "tinysegmenter"
    assert segmenter_for("th") == "newmm"
    assert segmenter_for("de") is None
    with pytest.raises(ConfigError, match="unknown tokenizer"):
        get_tokenizer("de")


def _zh_bitext(root: Path) -> Path:
    d = root / "bitext" / "en-zh"
    d.mkdir(parents=True)
    (d / "toy.en").write_text("Beijing is the capital .\nObama visited Shanghai .\n" * 5,
                              encoding="utf-8")
    (d / "toy.zh").write_text("北京是首都。\n奥巴马访问了上海。\n" * 5, encoding="utf-8")
    return root


def test_aligner_bitext_is_segmented_by_its_tokenizer(tmp_path: Path) -> None:
    data = _zh_bitext(tmp_path)
    plain = EflomalAligner(bitext="bitext:en-zh", data_dir=data, download=False)
    seg = EflomalAligner(bitext="bitext:en-zh", data_dir=data, download=False, tokenizer="zh")
    assert plain.bitext is not None and seg.bitext is not None
    assert plain.bitext.target[0] == ("北京是首都", "。")
    assert seg.bitext.target[0] == ("北京", "是", "首都", "。")
    assert seg.describe()["tokenizer"] == "zh" and "tokenizer" not in plain.describe()


def test_cli_tokenize_reaches_the_aligner_bitext(tmp_path: Path) -> None:
    data = _zh_bitext(tmp_path / "data")
    src, tgt = tmp_path / "en.txt", tmp_path / "zh.txt"
    src.write_text("Obama visited Beijing .\n", encoding="utf-8")
    tgt.write_text("奥巴马访问了北京。\n", encoding="utf-8")
    out = tmp_path / "links.txt"
    assert main(["align", "--src", str(src), "--tgt", str(tgt), "--tokenize", "zh",
                 "--bitext", "bitext:en-zh", "--data-dir", str(data), "--no-download",
                 "--out", str(out)]) == 0
    sig = json.loads(Path(f"{out}.signature.json").read_text(encoding="utf-8"))
    aligner = sig["components"]["aligner"]
    assert aligner["tokenizer"] == "zh"
    assert sig["inputs"]["tgt"]["tokenizer"] == "zh"
    words = read_text(tgt, tokenizer="zh")[0].words
    assert words == ("奥巴马", "访问", "了", "北京", "。")
    links = [line for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(links) == 1
    assert all(int(p.split("-")[1]) < len(words) for p in links[0].split())
