from __future__ import annotations

from pathlib import Path

import pytest

from xlner.corpora.labels import LabelMap
from xlner.corpora.text import bitext_pairs_in, read_bitext, read_text
from xlner.corpora.tokenize import tokenize
from xlner.data import Entity
from xlner.errors import ConfigError, InputError


def test_read_text_whitespace_and_tokenizer(tmp_path: Path) -> None:
    p = tmp_path / "t.txt"
    p.write_text("Hello , world .\nThe U.S. Parliament's vote!\n", encoding="utf-8")
    assert read_text(p)[0].words == ("Hello", ",", "world", ".")
    assert read_text(p, tokenizer="xlner")[1].words == ("The", "U.S.", "Parliament", "'s",
                                                        "vote", "!")


def test_empty_line_is_an_error_naming_the_line(tmp_path: Path) -> None:
    p = tmp_path / "t.txt"
    p.write_text("a b\n\nc\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_text(p)
    assert info.value.line == 2
    assert len(read_text(p, allow_empty=True)) == 3


def test_unknown_tokenizer(tmp_path: Path) -> None:
    p = tmp_path / "t.txt"
    p.write_text("a\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        read_text(p, tokenizer="moses")


@pytest.mark.parametrize("text,expected", [
    ("Vice-President Prodi's speech", ["Vice-President", "Prodi", "'s", "speech"]),
    ("It costs 3,5 € (approx.)", ["It", "costs", "3,5", "€", "(", "approx", ".", ")"]),
    ("नमस्ते दुनिया!", ["नमस्ते", "दुनिया", "!"]),
    ("«Quote» — end…", ["«", "Quote", "»", "—", "end", "…"]),
    ("", []),
])
def test_tokenize(text: str, expected: list[str]) -> None:
    assert tokenize(text) == expected


def test_bitext_counts_must_match(tmp_path: Path) -> None:
    (tmp_path / "a.en").write_text("one\ntwo\n", encoding="utf-8")
    (tmp_path / "a.de").write_text("eins\n", encoding="utf-8")
    with pytest.raises(InputError, match="line-aligned"):
        read_bitext(bitext_pairs_in(tmp_path, "en", "de"))


def test_bitext_skips_and_counts_empty_pairs(tmp_path: Path) -> None:
    (tmp_path / "a.en").write_text("one two\n\nthree\n", encoding="utf-8")
    (tmp_path / "a.de").write_text("eins zwei\nleer\ndrei\n", encoding="utf-8")
    (tmp_path / "b.en").write_text("four\n", encoding="utf-8")
    (tmp_path / "b.de").write_text("vier\n", encoding="utf-8")
    bt = read_bitext(bitext_pairs_in(tmp_path, "en", "de"))
    assert bt.source == [("one", "two"), ("three",), ("four",)]
    assert bt.target == [("eins", "zwei"), ("drei",), ("vier",)]
    assert bt.skipped_empty == 1
    assert bt.describe()["skipped_empty"] == 1


def test_bitext_dir_without_pairs(tmp_path: Path) -> None:
    (tmp_path / "a.en").write_text("x\n", encoding="utf-8")
    with pytest.raises(InputError, match="no file pairs"):
        bitext_pairs_in(tmp_path, "en", "de")


def test_label_map_parse_errors() -> None:
    with pytest.raises(ConfigError):
        LabelMap.parse("MISC")
    lm = LabelMap.parse("MISC=O, ORG = ORGANISATION")
    assert lm.apply([Entity(0, 1, "MISC"), Entity(1, 2, "ORG")]) == (
        Entity(1, 2, "ORGANISATION"),)


def test_bitext_with_a_limit_reads_only_the_pairs_it_keeps(tmp_path: Path) -> None:
    # after the third pair: a bad byte and a line-count mismatch, never reached with a limit
    (tmp_path / "a.en").write_bytes(b"one\n\nzwei drei\nx " + b"y " * 5 + b"\nfour\n\xff\n")
    (tmp_path / "a.de").write_bytes(b"eins\nleer\ntwo three\nlong\nvier\n")
    (tmp_path / "b.en").write_text("never\n", encoding="utf-8")
    (tmp_path / "b.de").write_text("nie\n", encoding="utf-8")
    pairs = bitext_pairs_in(tmp_path, "en", "de")
    got = read_bitext(pairs, tokenizer="whitespace", limit=3, max_words=4)
    assert got.source == [("one",), ("zwei", "drei"), ("four",)]
    assert (got.skipped_empty, got.skipped_long) == (1, 1)
    assert got.describe()["limit"] == 3 and got.describe()["skipped_long"] == 1
    with pytest.raises(InputError, match=r"a\.en:6: byte 33 \(0xff\)"):
        read_bitext(pairs, tokenizer="whitespace")
    with pytest.raises(InputError, match="byte 33"):  # a fourth pair to keep: read on
        read_bitext(pairs, tokenizer="whitespace", limit=4, max_words=4)
    assert len(read_bitext(pairs, tokenizer="whitespace", limit=4)) == 4  # the long one kept
