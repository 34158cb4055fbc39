"""FLORES-200 devtest as default extra bitext of the eflomal aligner."""

from __future__ import annotations

from pathlib import Path

import pytest

import xlner.align.eflomal as eflomal_module
from xlner.align.eflomal import EflomalAligner
from xlner.align.flores import flores_code, flores_pairs

EN = ["The house is red .", "Anna lives in Berlin .", "The cat sleeps ."]
DE = ["Das Haus ist rot .", "Anna wohnt in Berlin .", "Die Katze schläft ."]
RU = ["Дом красный .", "Анна живёт в Берлине .", "Кошка спит ."]


def write(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    write(tmp_path / "bitext/en-de/news.en", EN[:2])
    write(tmp_path / "bitext/en-de/news.de", DE[:2])
    write(tmp_path / "flores200/eng_Latn.devtest", EN)
    write(tmp_path / "flores200/deu_Latn.devtest", DE)
    # the en-ru bitext already holds FLORES-200 (its English side, byte for byte)
    write(tmp_path / "bitext/en-ru/flores200-devtest.en", EN)
    write(tmp_path / "bitext/en-ru/flores200-devtest.ru", RU)
    write(tmp_path / "flores200/rus_Cyrl.devtest", [*RU[:1], RU[1] + " ", RU[2]])
    write(tmp_path / "bitext/en-es/news.en", EN[:1])
    write(tmp_path / "bitext/en-es/news.es", ["La casa es roja ."])
    return tmp_path


def test_flores_pairs_where_the_data_has_them_and_the_bitext_does_not(data_dir: Path) -> None:
    assert flores_code("bitext:en-de") == "deu_Latn"
    assert flores_code("bitext:en-zz") is None and flores_code(str(data_dir)) is None
    want = (data_dir / "flores200/eng_Latn.devtest", data_dir / "flores200/deu_Latn.devtest")
    assert flores_pairs(["bitext:en-de"], data_dir=data_dir, download=False) == [want]
    assert flores_pairs(["bitext:en-ru"], data_dir=data_dir, download=False) == []  # held
    assert flores_pairs(["bitext:en-es"], data_dir=data_dir, download=False) == []  # no file
    assert flores_pairs([f"{data_dir}/bitext/en-de:en-de"], data_dir=data_dir) == []


def test_eflomal_adds_flores_records_it_and_can_leave_it_out(
        data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    written: list[int] = []
    original = eflomal_module._write_text

    def counted(handle: object, sentences: list, vocab_size: int) -> None:
        written.append(len(sentences))
        original(handle, sentences, vocab_size)  # type: ignore[arg-type]

    monkeypatch.setattr(eflomal_module, "_write_text", counted)
    src, tgt = [["Anna", "sleeps"]], [["Anna", "schläft"]]
    on = EflomalAligner(bitext="bitext:en-de", data_dir=data_dir, download=False, flores=True)
    on.align(src, tgt)
    assert written == [1 + 2 + 3, 1 + 2 + 3]  # batch, bitext, FLORES (both sides)
    assert on.describe()["flores"]["pairs"] == 3
    assert [name for name, _ in on.identity()["flores"]] == ["eng_Latn.devtest",
                                                             "deu_Latn.devtest"]
    written.clear()
    limited = EflomalAligner(bitext="bitext:en-de", data_dir=data_dir, download=False, flores=True,
                             max_bitext=1)
    limited.align(src, tgt)
    assert written == [1 + 1 + 3] * 2  # max_bitext leaves FLORES out of its count
    written.clear()
    off = EflomalAligner(bitext="bitext:en-de", data_dir=data_dir, download=False)  # default
    off.align(src, tgt)
    assert written == [1 + 2] * 2
    assert "flores" not in off.describe() and "flores" not in off.identity()
    assert on.identity() != off.identity()  # stored alignments are kept apart
    held = EflomalAligner(bitext="bitext:en-ru", data_dir=data_dir, download=False, flores=True)
    assert held.flores_bitext is None and "flores" not in held.describe()
