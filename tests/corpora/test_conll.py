from __future__ import annotations

from pathlib import Path

import pytest

from xlner.corpora.conll import read_conll, write_conll
from xlner.corpora.labels import LabelMap
from xlner.data import Entity, Sentence
from xlner.errors import InputError, TagSequenceError


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_tab_separated_with_docstart(tmp_path: Path) -> None:
    p = write(tmp_path / "a.conll", "-DOCSTART-\tO\n\nAngela\tB-PER\nMerkel\tI-PER\nspoke\tO\n"
              "\n\nin\tO\nBerlin\tB-LOC\n")
    corpus = read_conll(p)
    assert [s.words for s in corpus] == [("Angela", "Merkel", "spoke"), ("in", "Berlin")]
    assert corpus[0].entities == (Entity(0, 2, "PER"),)
    assert corpus[1].entities == (Entity(1, 2, "LOC"),)
    assert corpus[1].origin == f"{p}:8"
    assert corpus.digest.startswith("sha256:")


def test_reads_conll2003_four_columns_label_last(tmp_path: Path) -> None:
    p = write(tmp_path / "c.txt", "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n"
              "German JJ B-NP B-MISC\n")
    corpus = read_conll(p)
    assert corpus[0].entities == (Entity(0, 1, "ORG"), Entity(2, 3, "MISC"))


def test_tab_files_keep_spaces_inside_words(tmp_path: Path) -> None:
    p = write(tmp_path / "a.tsv", "New York\tB-LOC\ncity\tO\n")
    assert read_conll(p)[0].words == ("New York", "city")


def test_ragged_columns_name_file_and_line(tmp_path: Path) -> None:
    p = write(tmp_path / "bad.conll", "a NN O\nb NN O\n\nc O\n")
    with pytest.raises(InputError) as info:
        read_conll(p)
    assert info.value.line == 4
    assert str(p) in str(info.value) and "ragged" in str(info.value)


def test_invalid_tag_names_file_and_line(tmp_path: Path) -> None:
    p = write(tmp_path / "bad.conll", "a\tO\n\nb\tO\nc\tO\nd\tI-PER\n")
    with pytest.raises(TagSequenceError) as info:
        read_conll(p)
    assert info.value.line == 5
    assert f"{p}:5" in str(info.value)


def test_tag_outside_scheme_names_line(tmp_path: Path) -> None:
    p = write(tmp_path / "bad.conll", "a\tO\nb\tPERSON\n")
    with pytest.raises(TagSequenceError) as info:
        read_conll(p)
    assert info.value.line == 2


def test_repair_counts(tmp_path: Path) -> None:
    p = write(tmp_path / "r.conll", "a\tO\nb\tI-PER\n\nc\tI-ORG\n")
    corpus = read_conll(p, repair=True)
    assert corpus.repairs == 2
    assert corpus[0].entities == (Entity(1, 2, "PER"),)
    assert corpus.describe()["repairs"] == 2


def test_label_map_renames_and_drops(tmp_path: Path) -> None:
    p = write(tmp_path / "m.conll", "a\tB-MISC\nb\tB-PERSON\nc\tB-LOC\n")
    corpus = read_conll(p, label_map=LabelMap.parse("MISC=O,PERSON=PER"))
    assert corpus[0].entities == (Entity(1, 2, "PER"), Entity(2, 3, "LOC"))
    keep = read_conll(p, label_map=LabelMap.parse(None, keep=["LOC"]))
    assert keep[0].entities == (Entity(2, 3, "LOC"),)


def test_one_column_file_is_unlabelled(tmp_path: Path) -> None:
    p = write(tmp_path / "w.conll", "a\nb\n\nc\n")
    corpus = read_conll(p)
    assert [s.words for s in corpus] == [("a", "b"), ("c",)]
    assert all(not s.entities for s in corpus)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        read_conll(tmp_path / "nope.conll")


@pytest.mark.parametrize("scheme", ["iob1", "iob2", "bioes"])
def test_write_read_round_trip(tmp_path: Path, scheme: str) -> None:
    sentences = [Sentence(("A", "B", "C", "D"), (Entity(0, 2, "PER"), Entity(2, 3, "PER"))),
                 Sentence(("x",), ()), Sentence(("E", "F"), (Entity(1, 2, "LOC"),))]
    out = tmp_path / "out.conll"
    write_conll(out, sentences, scheme)
    back = read_conll(out, scheme=scheme)
    assert [(s.words, s.entities) for s in back] == [(s.words, s.entities) for s in sentences]
    assert not list(tmp_path.glob(".*.tmp"))


def test_iter_conll_line_by_line_reads_what_read_conll_reads(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import xlner.corpora.conll as conll

    text = ("\ufeff-DOCSTART-\tO\r\n\r\nAngela\tB-PER\r\nMerkel\tI-PER\nspoke\tO\n\n"
            "in\tO\nBerlin\tB-LOC\n\nZürich\tB-LOC\n")
    p = write(tmp_path / "a.conll", text)
    whole = read_conll(p)
    monkeypatch.setattr(conll, "STREAM_FROM", 1)  # every file takes the streamed path
    for block in (1, 2, 5, 7, 64, 1 << 22):  # blocks cut inside lines, 'ü', the BOM, CRLF
        monkeypatch.setattr(conll, "STREAM_BLOCK", block)
        streamed = list(conll.iter_conll(p))
        assert streamed == whole.sentences and len(streamed) == 3
    monkeypatch.setattr(conll, "STREAM_BLOCK", 7)
    assert read_conll(p).sentences == whole.sentences
    bad = write(tmp_path / "b.conll", "a\tO\nb\tI-PER\tX\n")
    with pytest.raises(InputError, match=r"b\.conll:2: ragged columns"):
        list(conll.iter_conll(bad))
    latin = tmp_path / "l.conll"
    latin.write_bytes(b"ok\tO\n\nZ\xfcrich\tB-LOC\n")
    lazy = conll.iter_conll(latin)
    assert next(lazy).words == ("ok",)  # the first sentence comes before the bad byte is read
    with pytest.raises(InputError, match=r"l\.conll:3: byte 1 .* not valid utf-8"):
        next(lazy)
