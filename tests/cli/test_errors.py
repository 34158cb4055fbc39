"""The CLI's error boundary: bad input ends in one ``error:`` line and exit 2, never a
traceback; labelled roles refuse unlabelled files; outputs get umask permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.toydata import toy_pair
from xlner.cli.main import main
from xlner.corpora.conll import read_conll, write_conll


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    src, tgt = toy_pair(6, seed=2)
    write_conll(tmp_path / "src.conll", src)
    write_conll(tmp_path / "tgt.conll", tgt)
    (tmp_path / "tgt.txt").write_text("".join(" ".join(s.words) + "\n" for s in tgt),
                                      encoding="utf-8")
    (tmp_path / "src.txt").write_text("".join(" ".join(s.words) + "\n" for s in src),
                                      encoding="utf-8")
    (tmp_path / "links.txt").write_text(
        "".join(" ".join(f"{k}-{k}" for k in range(min(len(s.words), len(t.words)))) + "\n"
                for s, t in zip(src, tgt, strict=True)), encoding="utf-8")
    return {p.stem + p.suffix: p for p in tmp_path.iterdir()}


def one_error(capsys: pytest.CaptureFixture[str], command: str) -> str:
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if "error:" in line]
    assert len(lines) == 1, err
    assert lines[0].startswith(f"xlner {command}: error: ")
    assert "Traceback" not in err
    return lines[0]


def test_text_given_where_labels_are_needed(files: dict[str, Path],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    txt, gold = str(files["tgt.txt"]), str(files["tgt.conll"])
    assert main(["evaluate", "--gold", gold, "--pred", txt]) == 2
    assert "--pred needs labelled CoNLL" in one_error(capsys, "evaluate")
    assert main(["evaluate", "--gold", txt, "--pred", gold]) == 2
    assert "--gold needs labelled CoNLL" in one_error(capsys, "evaluate")
    assert main(["train", "--train", str(files["src.txt"]), "--model",
                 str(files["src.txt"].parent / "m")]) == 2
    assert "--train needs labelled CoNLL" in one_error(capsys, "train")
    assert main(["project", "--source", str(files["src.txt"]), "--target", txt, "--links",
                 str(files["links.txt"]), "--out", str(files["tgt.txt"].parent / "o.conll")]) == 2
    assert "--source needs labelled CoNLL" in one_error(capsys, "project")
    assert not (files["tgt.txt"].parent / "o.conll").exists()


def test_conll_named_txt_with_a_bad_tag_blames_the_tag(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "hau_dev_bad.txt"
    bad.write_text("Kano O\nis O\nBello b-per\n\nx O\n", encoding="utf-8")
    assert main(["evaluate", "--gold", str(bad), "--pred", str(bad)]) == 2
    line = one_error(capsys, "evaluate")
    assert f"{bad}:3: tag 'b-per'" in line


def test_evaluate_names_the_first_differing_sentence(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "g.conll").write_text("a O\nb B-PER\n\nc O\nd O\n", encoding="utf-8")
    (tmp_path / "p.conll").write_text("a O\nb B-PER\n\nc O\nX O\n", encoding="utf-8")
    assert main(["evaluate", "--gold", str(tmp_path / "g.conll"),
                 "--pred", str(tmp_path / "p.conll")]) == 2
    line = one_error(capsys, "evaluate")
    assert "sentence 2" in line and "word 2 is 'd' in the gold but 'X'" in line


def test_empty_input_is_an_error_unless_allowed(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "e.conll"
    empty.write_text("", encoding="utf-8")
    assert main(["evaluate", "--gold", str(empty), "--pred", str(empty)]) == 2
    assert "no sentences" in one_error(capsys, "evaluate")
    (tmp_path / "w.conll").write_text("\n\n", encoding="utf-8")
    assert main(["evaluate", "--gold", str(tmp_path / "w.conll"), "--pred",
                 str(tmp_path / "w.conll")]) == 2
    one_error(capsys, "evaluate")


def test_repair_is_strict_by_default_and_counted(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "test.txt"
    bad.write_text("a O\nb I-ORG\n\nc I-PER\n", encoding="utf-8")
    assert main(["evaluate", "--gold", str(bad), "--pred", str(bad)]) == 2
    assert f"{bad}:2: I-ORG follows O" in one_error(capsys, "evaluate")
    assert main(["evaluate", "--gold", str(bad), "--pred", str(bad), "--repair"]) == 0
    err = capsys.readouterr().err
    assert f"{bad}: repaired 2 invalid tag transitions (--repair)" in err


def test_bilou_and_bom(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bilou = tmp_path / "b.conll"
    bilou.write_bytes("\ufeffJohn\tB-PER\nSmith\tL-PER\nin\tO\nKano\tU-LOC\n".encode())
    corpus = read_conll(bilou, scheme="bilou")
    assert corpus[0].words[0] == "John"
    assert [(e.start, e.end, e.label) for e in corpus[0].entities] == [(0, 2, "PER"),
                                                                      (3, 4, "LOC")]
    assert main(["evaluate", "--gold", str(bilou), "--pred", str(bilou),
                 "--scheme", "bilou"]) == 0
    assert "1.0000" in capsys.readouterr().out


def test_encoding_errors_name_file_line_and_fix(tmp_path: Path, files: dict[str, Path],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    latin = tmp_path / "latin.conll"
    latin.write_bytes("ok\tO\n\ncaf\u00e9\tB-LOC\n".encode("latin-1"))
    assert main(["evaluate", "--gold", str(latin), "--pred", str(latin)]) == 2
    line = one_error(capsys, "evaluate")
    assert f"{latin}:3: byte" in line and "--encoding latin-1" in line
    assert main(["evaluate", "--gold", str(latin), "--pred", str(latin),
                 "--encoding", "latin-1"]) == 0


@pytest.mark.parametrize("case", ["dir-source", "dir-out", "missing-links", "bad-seed",
                                  "readonly-out", "links-count", "links-range", "bad-method"])
def test_user_errors_exit_2_with_one_line(case: str, files: dict[str, Path], tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    src, tgt, links = str(files["src.conll"]), str(files["tgt.txt"]), str(files["links.txt"])
    out = str(tmp_path / "out.conll")
    base = ["project", "--source", src, "--target", tgt, "--links", links, "--out", out,
            "--links-reverse", links]
    argv = {
        "dir-source": ["project", "--source", str(tmp_path), "--target", tgt, "--links", links,
                                  "--out", out],
        "dir-out": [*base[:8], str(tmp_path), *base[9:]],
        "missing-links": [*base[:6], str(tmp_path / "nope.txt"), *base[7:]],
        "bad-seed": [*base, "--seed", "abc"],
        "readonly-out": [*base[:8], str(tmp_path / "ro" / "out.conll"), *base[9:]],
        "links-count": [*base[:6], str(tmp_path / "short.txt"), *base[7:]],
        "links-range": [*base[:6], str(tmp_path / "far.txt"), *base[7:]],
        "bad-method": [*base, "--method", "heuristic(d=x"],
    }[case]
    (tmp_path / "short.txt").write_text("0-0\n", encoding="utf-8")
    (tmp_path / "far.txt").write_text("0-999\n" * 6, encoding="utf-8")
    (tmp_path / "ro").mkdir()
    os.chmod(tmp_path / "ro", 0o555)
    if case == "readonly-out" and os.access(tmp_path / "ro", os.W_OK):
        pytest.skip("running as a user who can write anywhere")
    rc = main(argv)
    err = capsys.readouterr().err
    assert rc == 2, err
    assert "Traceback" not in err
    assert err.count("error:") == 1, err
    assert not Path(out).exists()
    expected = {"dir-source": "is a directory", "dir-out": "is a directory",
                "missing-links": "nope.txt: file not found", "bad-seed": "invalid seed",
                "readonly-out": "cannot write", "links-count": "1 link lines for 6",
                "links-range": "far.txt:1: link out of range", "bad-method": ""}[case]
    assert expected in err


def test_precomputed_links_with_every_method(files: dict[str, Path], tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    src, tgt, links = str(files["src.conll"]), str(files["tgt.txt"]), str(files["links.txt"])
    out = tmp_path / "o.conll"
    # the default method grows runs by reverse links: one symmetrised file is not enough ...
    rc = main(["project", "--source", src, "--target", tgt, "--links", links, "--out", str(out)])
    assert rc == 2 and "--links-reverse" in one_error(capsys, "project")
    assert not out.exists()
    # ... forward and reverse files are
    for method in ["heuristic", "ilp+grow", "ilp+lex", "greedy"]:
        assert main(["project", "--source", src, "--target", tgt, "--links", links,
                     "--links-reverse", links, "--method", method, "--out", str(out)]) == 0
        assert len(read_conll(out)) == 6


def test_outputs_follow_the_umask(files: dict[str, Path], tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        out = tmp_path / "o.conll"
        assert main(["project", "--source", str(files["src.conll"]), "--target",
                     str(files["tgt.txt"]), "--links", str(files["links.txt"]),
                     "--links-reverse", str(files["links.txt"]), "--out", str(out)]) == 0
        assert main(["train", "--train", str(files["src.conll"]), "--model",
                     str(tmp_path / "model"), "--tagger", "crf(max_iterations=2)"]) == 0
    finally:
        os.umask(old)
    written = [out, out.with_name("o.conll.signature.json"),
               *(tmp_path / "model").iterdir()]
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path


def test_debug_shows_the_traceback(files: dict[str, Path]) -> None:
    from xlner.errors import InputError

    with pytest.raises(InputError):
        main(["--debug", "evaluate", "--gold", str(files["tgt.txt"]),
              "--pred", str(files["tgt.conll"])])


def test_staged_masakhaner_test_set_strict_then_repaired(data_dir: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    """hau/test.txt holds invalid IOB2: every command stops on it unless --repair (counted),
    and a command that reads only its words (align, translate, tag) never stops on it."""
    name = "masakhaner2:hau:test"
    base = ["evaluate", "--gold", name, "--pred", name, "--data-dir", str(data_dir)]
    assert main(base) == 2
    assert "hau/test.txt:12293: I-ORG follows O" in one_error(capsys, "evaluate")
    assert main([*base, "--repair"]) == 0
    assert f"{name}: repaired " in capsys.readouterr().err
    links = tmp_path / "l.txt"
    assert main(["align", "--src", name, "--tgt", name, "--aligner", "eflomal(iterations=[1,1,1])",
                 "--symmetrize", "intersection", "--data-dir", str(data_dir), "--out",
                 str(links)]) == 0


def test_a_full_disk_is_one_error_line_and_leaves_no_partial_output(
        files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """ENOSPC while an output is written: exit 2, one line saying what to do, nothing under
    the output's name and no temporary file left beside it."""
    import errno

    import xlner.files

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    out = tmp_path / "full" / "o.conll"
    monkeypatch.setattr(xlner.files.os, "fsync", full)
    rc = main(["project", "--source", str(files["src.conll"]), "--target", str(files["tgt.txt"]),
               "--links", str(files["links.txt"]), "--links-reverse", str(files["links.txt"]),
               "--out", str(out)])
    line = one_error(capsys, "project")
    assert rc == 2
    assert "No space left on device; free some space or write elsewhere" in line
    assert str(out.parent) in line
    assert [p.name for p in out.parent.iterdir() if not p.name.endswith(".lock")] == []


@pytest.mark.parametrize(("damage", "expected"), [
    ("meta-garbage", "tagger.json: invalid JSON"),
    ("meta-missing", "not a saved tagger (no tagger.json)"),
    ("meta-list", "tagger.json: not a JSON object"),
    ("meta-unknown", "tagger.json: saved by an unknown tagger 'nope'"),
    ("model-garbage", "model.crfsuite: cannot read the CRF model"),
    ("model-missing", "saved CRF tagger has no model.crfsuite"),
])
def test_a_corrupt_saved_tagger_is_one_error_line(damage: str, expected: str,
                                                  files: dict[str, Path], tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """A damaged model directory (metadata unreadable, missing or naming no backend, the model
    file garbage or gone) fails `tag` with exit 2 and the file at fault, writing nothing."""
    model = tmp_path / "model"
    assert main(["train", "--train", str(files["src.conll"]), "--model", str(model),
                 "--tagger", "crf(max_iterations=2)"]) == 0
    meta, weights = model / "tagger.json", model / "model.crfsuite"
    if damage == "meta-garbage":
        meta.write_text('{"name": "crf", ', encoding="utf-8")
    elif damage == "meta-missing":
        meta.unlink()
    elif damage == "meta-list":
        meta.write_text("[]", encoding="utf-8")
    elif damage == "meta-unknown":
        meta.write_text('{"name": "nope"}', encoding="utf-8")
    elif damage == "model-garbage":
        weights.write_bytes(weights.read_bytes()[:40])
    else:
        weights.unlink()
    capsys.readouterr()
    out = tmp_path / "tagged.conll"
    rc = main(["tag", "--model", str(model), "--input", str(files["tgt.txt"]), "--out", str(out)])
    line = one_error(capsys, "tag")
    assert rc == 2
    assert expected in line
    assert not out.exists()


@pytest.fixture(scope="module")
def saved_hf_tagger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from tests.tag.test_hf import synthetic
    from xlner.bench.tiny_encoders import build_tiny_encoder
    from xlner.tag.hf import HFTagger

    root = tmp_path_factory.mktemp("hf")
    encoder = build_tiny_encoder(root / "enc", [" ".join(s.words) for s in synthetic(100, 9)])
    tagger = HFTagger(encoder, epochs=1, batch_size=16, device="cpu", seed=0)
    tagger.train(synthetic(20, seed=1))
    tagger.save(root / "saved")
    return root / "saved"


@pytest.mark.slow
@pytest.mark.parametrize(("damage", "expected"), [
    ("weights-truncated", "a damaged or incomplete file (SafetensorError"),
    ("weights-missing", "no file named model.safetensors"),
    ("config-garbage", "is not a valid JSON file"),
    ("tokenizer-garbage", "a damaged or incomplete file (JSONDecodeError"),
])
def test_a_corrupt_transformers_model_directory_is_one_error_line(
        damage: str, expected: str, saved_hf_tagger: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The files transformers reads (weights, config, tokenizer) damaged or missing: exit 2
    with the directory named, not an internal error."""
    import shutil

    text = tmp_path / "in.txt"
    text.write_text("ka Amara lo\nmi nu\n", encoding="utf-8")
    model = tmp_path / "model"
    shutil.copytree(saved_hf_tagger, model)
    argv = ["tag", "--model", str(model), "--input", str(text), "--out", str(tmp_path / "o.conll")]
    if damage == "weights-truncated":
        weights = model / "model.safetensors"
        weights.write_bytes(weights.read_bytes()[:100])
    elif damage == "weights-missing":
        (model / "model.safetensors").unlink()
    elif damage == "config-garbage":
        (model / "config.json").write_text("{oops", encoding="utf-8")
    else:
        (model / "tokenizer.json").write_text("{oops", encoding="utf-8")
    capsys.readouterr()
    rc = main(argv)
    line = one_error(capsys, "tag")
    assert rc == 2
    assert expected in line and str(model) in line
    assert not (tmp_path / "o.conll").exists()
    shutil.rmtree(model)
    shutil.copytree(saved_hf_tagger, model)
    assert main(argv) == 0  # the same directory undamaged tags
