from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.toydata import toy_pair
from xlner.bench.parallel import available_languages, bench_parallel
from xlner.cli.main import main
from xlner.corpora.conll import write_conll
from xlner.data import Entity, Sentence
from xlner.errors import ConfigError, InputError


def _dir_corpus(root: Path, n: int = 60) -> Path:
    """A parallel corpus directory: en.conll with a MISC entity per sentence that the target's
    annotation (PER/ORG/LOC only, like UNER) does not have."""
    src, tgt = toy_pair(n)
    src = [Sentence((*s.words, "Euro"),
                    (*s.entities, Entity(len(s.words), len(s.words) + 1, "MISC"))) for s in src]
    tgt = [Sentence((*t.words, "Euro"), t.entities) for t in tgt]
    write_conll(root / "en.conll", src)
    write_conll(root / "xx.conll", tgt)
    return root


def test_directory_corpus_drops_classes_the_target_does_not_annotate(tmp_path: Path) -> None:
    corpus = _dir_corpus(tmp_path / "pc")
    assert available_languages(str(corpus), None) == ["xx"]
    out = bench_parallel(str(corpus), None, ["heuristic"], bitext=False, download=False)
    (row,) = out["results"]
    assert row["dropped_source"] == {"MISC": 60}
    assert set(row["per_class"]) <= {"PER", "ORG", "LOC"}
    assert row["f1"] > 0.9 and len(row["f1_halves"]) == 2
    assert all(0.0 <= f <= 1.0 for f in row["f1_halves"])
    assert out["signature"]["inputs"]["corpus"] == str(corpus)


def test_predicted_classes_outside_the_target_label_set_are_dropped(tmp_path: Path) -> None:
    src, tgt = toy_pair(40)
    # Names land on lower-case words: +adj relabels them MISC, which the target never uses.
    tgt = [Sentence(tuple(w.lower() for w in t.words), t.entities) for t in tgt]
    write_conll(tmp_path / "en.conll", src)
    write_conll(tmp_path / "xx.conll", tgt)
    out = bench_parallel(str(tmp_path), ["xx"], ["heuristic", "heuristic+adj"], bitext=False,
                         download=False)
    plain, adj = out["results"]
    assert plain["dropped_predicted"] == {}
    assert adj["dropped_predicted"].get("MISC", 0) > 0
    assert "MISC" not in adj["per_class"]


def test_anchors_option_counts_anchors(tmp_path: Path) -> None:
    corpus = _dir_corpus(tmp_path / "pc", n=30)
    out = bench_parallel(str(corpus), ["xx"], ["heuristic"], bitext=False, download=False,
                         anchors=True)
    assert out["results"][0]["anchors"] > 0


def test_counts_must_match_and_corpus_must_exist(tmp_path: Path) -> None:
    corpus = _dir_corpus(tmp_path / "pc", n=10)
    src, _ = toy_pair(9)
    write_conll(corpus / "yy.conll", src)
    with pytest.raises(InputError, match=r"yy\.conll"):
        bench_parallel(str(corpus), ["yy"], ["heuristic"], bitext=False, download=False)
    with pytest.raises(ConfigError, match="neither a known name"):
        bench_parallel(str(tmp_path / "missing"), ["xx"], ["heuristic"], download=False)


def test_cli_parallel_and_europarl_alias(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    corpus = _dir_corpus(tmp_path / "pc", n=30)
    out = tmp_path / "p.json"
    assert main(["bench", "parallel", "--corpus", str(corpus), "--langs", "xx", "--no-bitext",
                 "--methods", "heuristic", "--json", str(out), "--no-download"]) == 0
    assert "F1 1st" in capsys.readouterr().out
    result = json.loads(out.read_text())
    assert result["results"][0]["lang"] == "xx"
    assert result["signature"]["command"] == "bench parallel"


@pytest.mark.parametrize("case", ["missing-language", "ragged-language", "missing-bitext"])
def test_every_input_is_checked_before_any_language_is_aligned(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    import xlner.bench.parallel as bp

    corpus = _dir_corpus(tmp_path / "pc")
    data = tmp_path / "data"
    (data / "bitext" / "en-xx").mkdir(parents=True)
    (data / "bitext" / "en-xx" / "t.en").write_text("a b\n", encoding="utf-8")
    (data / "bitext" / "en-xx" / "t.xx").write_text("c d\n", encoding="utf-8")
    langs = ["xx", "yy"]
    if case == "ragged-language":
        (corpus / "yy.conll").write_text("Only O\n", encoding="utf-8")
    elif case == "missing-bitext":
        (corpus / "yy.conll").write_bytes((corpus / "xx.conll").read_bytes())

    def no_work(*args: object, **kwargs: object) -> None:
        raise AssertionError("a language was aligned before every input was checked")

    monkeypatch.setattr(bp, "align_batch", no_work)
    with pytest.raises(Exception) as caught:
        bench_parallel(str(corpus), langs, ["heuristic"], data_dir=data, download=False)
    assert not isinstance(caught.value, AssertionError)
    assert {"missing-language": "yy.conll", "ragged-language": "1 sentences",
            "missing-bitext": "bitext"}[case] in str(caught.value)
