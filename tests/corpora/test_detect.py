from pathlib import Path

import pytest

from xlner.corpora.detect import Format, detect_format, detect_text_format
from xlner.errors import InputError


@pytest.mark.parametrize(("text", "expected"), [
    ("Hi there\nOK\n", Format.TEXT),
    ("Kano B-LOC\nis O\n\nx O\n", Format.CONLL),
    ("Kano\tB-LOC\nis\tO\n", Format.CONLL),
    ("-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n", Format.CONLL),
    ("a sentence with words\n", Format.TEXT),
    ("Kano\nis\n\nx\n", Format.WORDS),
    ("Kano\nis\nx\n", Format.TEXT),  # one-word sentences, no blank lines
    ("", Format.EMPTY),
    ("\n \n", Format.EMPTY),
    # a bad tag keeps the file CoNLL, so the error is about the tag, not "empty sentence"
    ("Kano b-per\nis O\n\nx O\n", Format.CONLL),
    ("the cat sat\nJohn went home O\nI saw B-PER there\n", Format.TEXT),
])
def test_detect_text_format(text: str, expected: Format) -> None:
    assert detect_text_format(text) is expected


def test_detect_ignores_the_file_name(tmp_path: Path) -> None:
    conll_txt = tmp_path / "dev.txt"
    conll_txt.write_text("Kano B-LOC\nis O\n", encoding="utf-8")
    text_conll = tmp_path / "x.conll"
    text_conll.write_text("a sentence with words\nand another\n", encoding="utf-8")
    assert detect_format(conll_txt) is Format.CONLL
    assert detect_format(text_conll) is Format.TEXT


def test_detect_reports_bad_bytes_with_line_and_offset(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("ok O\n\ncaf\u00e9 O\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin\.txt:3: byte 9 \(0xe9\).*--encoding latin-1"):
        detect_format(path)
    assert detect_format(path, encoding="latin-1") is Format.CONLL
