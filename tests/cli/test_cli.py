from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.toydata import toy_pair
from xlner.cli.main import main
from xlner.corpora.conll import read_conll, write_conll


@pytest.fixture
def toy_files(tmp_path: Path) -> tuple[Path, Path, Path, Path]:
    src, tgt = toy_pair(200, seed=5)
    write_conll(tmp_path / "src.conll", src)
    write_conll(tmp_path / "tgt.conll", tgt)
    (tmp_path / "src.txt").write_text("".join(" ".join(s.words) + "\n" for s in src),
                                      encoding="utf-8")
    (tmp_path / "tgt.txt").write_text("".join(" ".join(s.words) + "\n" for s in tgt),
                                      encoding="utf-8")
    return tmp_path / "src.conll", tmp_path / "tgt.conll", tmp_path / "src.txt", \
        tmp_path / "tgt.txt"


def test_align_prints_pharaoh(toy_files: tuple[Path, ...],
                              capsys: pytest.CaptureFixture[str]) -> None:
    _, _, src_txt, tgt_txt = toy_files
    assert main(["align", "--src", str(src_txt), "--tgt", str(tgt_txt),
                 "--symmetrize", "intersection"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 200
    assert all(p.count("-") == 1 for line in lines for p in line.split())


def test_project_writes_conll_signature_and_report(toy_files: tuple[Path, ...],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    src, tgt, _, tgt_txt = toy_files
    out = src.parent / "out" / "proj.conll"
    assert main(["project", "--source", str(src), "--target", str(tgt_txt), "--out", str(out),
                 "--method", "heuristic"]) == 0
    projected = read_conll(out)
    gold = read_conll(tgt)
    assert len(projected) == 200
    hits = sum(len(set(p.entities) & set(g.entities)) for p, g in zip(projected, gold,
                                                                       strict=True))
    assert hits / sum(len(g.entities) for g in gold) > 0.9
    sig = json.loads(out.with_name("proj.conll.signature.json").read_text())
    assert sig["command"] == "project"
    assert sig["components"]["aligner"]["name"] == "eflomal"
    assert sig["components"]["method"]["projector"]["d"] == 3
    assert sig["inputs"]["source"]["digest"].startswith("sha256:")
    assert sig["params"]["symmetrize"] == "intersection"
    report = json.loads(out.with_name("proj.conll.report.json").read_text())
    assert report["sentences"] == 200 and report["failed_sentences"] == []
    assert "source entities" in capsys.readouterr().err


def test_evaluate_prints_and_writes_json(toy_files: tuple[Path, ...],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    _, tgt, _, _ = toy_files
    out = tgt.parent / "scores.json"
    assert main(["evaluate", "--gold", str(tgt), "--pred", str(tgt), "--json", str(out)]) == 0
    assert "micro" in capsys.readouterr().out
    assert json.loads(out.read_text())["scores"]["f1"] == 1.0


def test_bad_input_exits_2_naming_file_and_line(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.conll"
    bad.write_text("a\tO\nb\tI-PER\n", encoding="utf-8")
    assert main(["evaluate", "--gold", str(bad), "--pred", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:2" in err and "I-PER" in err


def test_count_mismatch_is_an_error(toy_files: tuple[Path, ...], tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    src, _, _, tgt_txt = toy_files
    short = tmp_path / "short.txt"
    short.write_text("".join(tgt_txt.read_text().splitlines(keepends=True)[:10]))
    assert main(["project", "--source", str(src), "--target", str(short),
                 "--out", str(tmp_path / "x.conll")]) == 2
    assert "200 sentences" in capsys.readouterr().err


def test_components_lists_registries(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["components"]) == 0
    out = capsys.readouterr().out
    assert "eflomal" in out and "heuristic-paper" in out


def test_console_entry_point_runs() -> None:
    out = subprocess.run([sys.executable, "-m", "xlner", "--version"], capture_output=True,
                         text=True, check=True)
    assert out.stdout.startswith("xlner ")


def test_project_resumes_its_alignment(toy_files: tuple[Path, ...],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    from xlner.align.store import AlignmentStore

    src, _, _, tgt_txt = toy_files
    out = src.parent / "p.conll"
    args = ["project", "--source", str(src), "--target", str(tgt_txt), "--out", str(out),
            "--method", "heuristic"]  # links alone decide its output
    assert main([*args, "--no-resume"]) == 0  # (an earlier test may have stored these words)
    stored = [p for p in AlignmentStore().root.iterdir() if (p / "done.json").is_file()
              and json.loads((p / "done.json").read_text())["target"] == str(tgt_txt)]
    assert len(stored) == 1
    stage = stored[0]
    assert (stage / "forward.txt").is_file() and (stage / "reverse.txt").is_file()
    first = out.read_text()
    capsys.readouterr()
    # corrupt the stored links: a resumed run must use them (and so change its output)
    (stage / "forward.txt").write_text("\n" * 200)
    (stage / "reverse.txt").write_text("\n" * 200)
    assert main(args) == 0
    assert "reusing the alignment" in capsys.readouterr().err
    assert out.read_text() != first
    # ... under another output name and with another method too
    other = ["project", "--source", str(src), "--target", str(tgt_txt), "--method", "ilp",
             "--out", str(src.parent / "other.conll")]
    assert main(other) == 0
    assert "reusing the alignment" in capsys.readouterr().err
    # a changed aligner setting recomputes
    assert main([*args, "--seed", "5"]) == 0
    assert "reusing" not in capsys.readouterr().err
    assert main([*args, "--no-resume"]) == 0
    assert "reusing" not in capsys.readouterr().err


def test_project_default_method_drops_adjective_class_outside_the_label_set(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from xlner.corpora.conll import read_conll, write_conll
    from xlner.data import Entity, Sentence
    from xlner.project.recipes import DEFAULT_METHOD

    # The name lands on one lower-case word: +adj relabels it MISC, a class the source lacks.
    src = [Sentence(("the", "Europe", "summit"), (Entity(1, 2, "LOC"),))] * 20
    write_conll(tmp_path / "en.conll", src)
    (tmp_path / "de.txt").write_text("der europäische gipfel\n" * 20, encoding="utf-8")
    out = tmp_path / "out.conll"
    assert main(["project", "--source", str(tmp_path / "en.conll"), "--target",
                 str(tmp_path / "de.txt"), "--out", str(out)]) == 0
    assert "+adj" in DEFAULT_METHOD
    assert "MISC spans left out" in capsys.readouterr().err
    assert all(not s.entities for s in read_conll(out))
    sig = json.loads((tmp_path / "out.conll.signature.json").read_text(encoding="utf-8"))
    assert sig["params"]["dropped_outside_label_set"] == {"MISC": 20}
    assert sig["components"]["method"]["name"] == DEFAULT_METHOD


def test_project_reports_a_sentence_over_the_limits_and_exits_1(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from xlner.corpora.corpus import Corpus
    from xlner.data import Entity, Sentence

    sentences = [Sentence(("Angela", "Merkel", "visited", "Paris"),
                          (Entity(0, 2, "PER"), Entity(3, 4, "LOC")))] * 4
    long = Sentence(tuple(["Paris"] * 30), tuple(Entity(k, k + 1, "LOC") for k in range(30)))
    write_conll(tmp_path / "en.conll", Corpus([*sentences, long]))
    (tmp_path / "de.txt").write_text("Angela Merkel besuchte Paris\n" * 4 + "Paris " * 30 + "\n")
    out = tmp_path / "de.conll"
    rc = main(["project", "--source", str(tmp_path / "en.conll"), "--target",
               str(tmp_path / "de.txt"), "--no-bitext", "--max-entities", "10", "--out",
               str(out)])
    err = capsys.readouterr().err
    assert rc == 1
    assert "FAILED sentences: 1 (first: sentence 4: over-limit: 30 source entities " \
           "(max_entities=10" in err
    assert read_conll(out)[0].entities == (Entity(0, 2, "PER"), Entity(3, 4, "LOC"))
    assert read_conll(out)[4].entities == ()
    assert main(["project", "--help"]) == 0
    assert "--max-words MAX_WORDS" in capsys.readouterr().out
