"""``xlner train``, ``tag``, ``translate-train``, ``translate-test``: thin wrappers, clear
errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.synthetic_parallel import make_pairs, without, write_data_dir
from xlner.cli.main import main
from xlner.corpora.conll import read_conll, write_conll


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    return write_data_dir(tmp_path / "data", "swa", n=160, seed=4)


def test_train_and_tag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    train, _ = make_pairs(150, seed=41)
    test, _ = make_pairs(30, seed=42)
    write_conll(tmp_path / "train.conll", train)
    write_conll(tmp_path / "test.conll", test)
    assert main(["train", "--train", str(tmp_path / "train.conll"), "--model",
                 str(tmp_path / "m"), "--tagger", "crf(max_iterations=30)"]) == 0
    signature = json.loads((tmp_path / "m" / "signature.json").read_text())
    assert signature["inputs"]["train"]["sentences"] == 150
    assert signature["components"]["tagger"]["max_iterations"] == 30
    (tmp_path / "raw.txt").write_text("Anna Berg visited Nairobi on Monday .\n",
                                      encoding="utf-8")
    assert main(["tag", "--model", str(tmp_path / "m"), "--input",
                 str(tmp_path / "raw.txt"), "--out", str(tmp_path / "raw.conll")]) == 0
    (tagged,) = read_conll(tmp_path / "raw.conll")
    assert [(tagged.text(e), e.label) for e in tagged.entities] == [
        ("Anna Berg", "PER"), ("Nairobi", "LOC")]
    assert (tmp_path / "raw.conll.signature.json").exists()
    assert main(["tag", "--model", str(tmp_path / "m"), "--input",
                 str(tmp_path / "test.conll"), "--out", str(tmp_path / "pred.conll")]) == 0
    assert main(["evaluate", "--gold", str(tmp_path / "test.conll"), "--pred",
                 str(tmp_path / "pred.conll")]) == 0
    micro = next(line for line in capsys.readouterr().out.splitlines()
                 if line.startswith("micro"))
    assert float(micro.split()[3]) > 0.9


def test_translate_train_and_test(data: Path, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "tt"
    rc = main(["translate-train", "--source", "nllb-conll2003:swa:en", "--translations",
               "nllb-conll2003:swa:tprojection", "--lang", "swa", "--source-label-map",
               "MISC=O", "--filters", "no-failed,complete", "--tagger",
               "crf(max_iterations=30)", "--eval", "masakhaner2:swa:test", "--eval-label-map",
               "DATE=O", "--out", str(out), "--data-dir", str(data), "--no-download",
               "--no-bitext"])
    assert rc == 0
    err = capsys.readouterr().err
    assert "kept" in err and "micro" in err
    summary = json.loads((out / "summary.json").read_text())
    assert summary["methods"][0]["scores"]["f1"] > 0.8
    assert summary["methods"][0]["consistency"] is None
    rc = main(["translate-train", "--source", "nllb-conll2003:swa:en", "--translations",
               "nllb-conll2003:swa:tprojection", "--lang", "swa", "--target-label-map",
               "MISC=O", "--consistency", "min_count=2", "--out", str(tmp_path / "tc"),
               "--recall-repair", "tagger=[crf(algorithm=ap,max_iterations=5)],folds=2",
               "--join", "apostrophes",
               "--data-dir", str(data), "--no-download", "--no-bitext"])
    err = capsys.readouterr().err
    assert rc == 0 and "consistency: dictionary of" in err and "recall repair: added" in err
    assert "join apostrophes:" in err
    summary = json.loads((tmp_path / "tc" / "summary.json").read_text())
    assert summary["methods"][0]["join"]["rule"] == "apostrophes"
    assert summary["methods"][0]["consistency"]["settings"]["min_count"] == 2
    assert summary["methods"][0]["repair"]["settings"]["tagger"] == \
        "crf(algorithm=ap,max_iterations=5)"
    assert "MISC" not in read_conll(tmp_path / "tc" / "heuristic" / "train.conll").labels()
    assert summary["signature"]["params"]["tokenizer"] == "whitespace"  # CoNLL cache: split
    rc = main(["translate-train", "--source", "nllb-conll2003:swa:en", "--translations",
               "nllb-conll2003:swa:tprojection", "--lang", "swa", "--out", str(out),
               "--data-dir", str(data), "--no-download", "--no-bitext", "--source-label-map",
               "MISC=O", "--filters", "no-failed,complete", "--tagger", "crf(max_iterations=30)",
               "--eval", "masakhaner2:swa:test", "--eval-label-map", "DATE=O"])
    assert rc == 0 and "reused stages" in capsys.readouterr().err
    # translate-test: the English side is the "translation" of the target
    rc = main(["translate-test", "--target", "europarl-ner:swa", "--translations",
               "europarl-ner:en", "--tagger", str(out / "heuristic" / "model"), "--lang", "swa",
               "--pred-label-map", "MISC=O", "--data-dir", str(data), "--no-download",
               "--no-bitext", "--out", str(tmp_path / "ts"), "--pred", str(tmp_path / "p.conll"),
               "--json", str(tmp_path / "ts.json")])
    assert rc == 0
    assert "micro" in capsys.readouterr().out
    scores = json.loads((tmp_path / "ts.json").read_text())
    assert scores["scores"]["predicted"] > 0
    assert (tmp_path / "p.conll.signature.json").exists()
    gold = without(read_conll(data / "europarl-ner" / "swa.conll").sentences, "MISC")
    pred = read_conll(tmp_path / "p.conll")
    assert [s.words for s in pred] == [s.words for s in gold]


@pytest.mark.parametrize(("argv", "message"), [
    (["--lang", "xx"], "unknown language code 'xx'"),
    (["--lang", "swa", "--translations", "{short}"], "160 sentences to translate but the "
     "cache holds 2 translations"),
    (["--lang", "swa", "--translations", "{blank}"], "blank.txt:2: empty translation"),
    (["--lang", "swa", "--method", "telepathy"], "unknown projection method 'telepathy'"),
    (["--lang", "swa", "--filters", "shiny"], "unknown training-data filter 'shiny'"),
])
def test_translate_train_errors(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                argv: list[str], message: str) -> None:
    (tmp_path / "short.txt").write_text("a b c\nd e f\n", encoding="utf-8")
    (tmp_path / "blank.txt").write_text("a b c\n\nd e f\n", encoding="utf-8")
    args = {"--translations": "nllb-conll2003:swa:tprojection"}
    for k in range(0, len(argv), 2):
        args[argv[k]] = argv[k + 1].format(short=tmp_path / "short.txt",
                                           blank=tmp_path / "blank.txt")
    flat = [x for kv in args.items() for x in kv]
    rc = main(["translate-train", "--source", "nllb-conll2003:swa:en", *flat, "--out",
               str(tmp_path / "o"), "--data-dir", str(data), "--no-download", "--no-bitext"])
    assert rc == 2
    assert message in capsys.readouterr().err


def test_malformed_inputs_name_file_and_line(data: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.conll"
    bad.write_text("Anna\tB-PER\nvisited\tO\tX\n", encoding="utf-8")
    assert main(["train", "--train", str(bad), "--model", str(tmp_path / "m")]) == 2
    assert f"{bad}:2: ragged columns" in capsys.readouterr().err
    bad.write_text("Anna\tI-PER\n\n", encoding="utf-8")
    assert main(["train", "--train", str(bad), "--model", str(tmp_path / "m")]) == 2
    assert f"{bad}:1: I-PER follows O" in capsys.readouterr().err
    jsonl = tmp_path / "tr.jsonl"
    jsonl.write_text('{"translation": "a"}\n{oops\n', encoding="utf-8")
    assert main(["translate-test", "--target", "europarl-ner:swa", "--translations",
                 str(jsonl), "--tagger", str(tmp_path), "--lang", "swa", "--data-dir",
                 str(data), "--no-download"]) == 2
    assert "not a saved tagger" in capsys.readouterr().err
    (tmp_path / "m2").mkdir()
    train, _ = make_pairs(30, seed=43)
    write_conll(tmp_path / "t.conll", train)
    assert main(["train", "--train", str(tmp_path / "t.conll"), "--model", str(tmp_path / "m2"),
                 "--tagger", "crf(max_iterations=5)"]) == 0
    assert main(["translate-test", "--target", "europarl-ner:swa", "--translations",
                 str(jsonl), "--tagger", str(tmp_path / "m2"), "--lang", "swa", "--data-dir",
                 str(data), "--no-download"]) == 2
    assert f"{jsonl}:2: invalid JSON" in capsys.readouterr().err


def test_translations_over_the_limits_are_reported_and_the_rest_processed(
        data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A translation longer than eflomal aligns (1,023 words) used to stop translate-train and
    translate-test (exit 2); now that pair is reported failed (over-limit, exit 1) and every
    other pair is aligned, projected, trained on and scored."""
    target = read_conll(data / "nllb-conll2003" / "swa.nllb.tprojection.conll")
    lines = [" ".join(s.words) for s in target]
    lines[3] = " ".join(["neno"] * 1100)
    cache = tmp_path / "translations.txt"
    cache.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    out = tmp_path / "tt"
    argv = ["translate-train", "--source", "nllb-conll2003:swa:en", "--translations",
            str(cache), "--split", "whitespace", "--lang", "swa", "--tagger",
            "crf(max_iterations=10)", "--out", str(out), "--data-dir", str(data),
            "--no-download", "--no-bitext"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "FAILED sentences: 1 (first: sentence 3: over-limit: target sentence has 1100 " \
        "words (max_words=1000" in err
    report = json.loads((out / "heuristic" / "train.conll.report.json").read_text())
    assert [f["sentence"] for f in report["failed_sentences"]] == [3]
    train = read_conll(out / "heuristic" / "train.conll")
    assert len(train) == len(target) - 1  # the failed pair is filtered out (no-failed)
    assert sum(len(s.entities) for s in train) > 100  # the others projected
    assert main(argv) == 1 and "reused stages" in capsys.readouterr().err  # resumes
    # a lower --max-words: the stage keys change, more pairs are reported
    assert main([*argv[:-6], "--max-words", "8", "--out", str(tmp_path / "t8"),
                 *argv[-4:]]) == 1
    report8 = json.loads((tmp_path / "t8" / "heuristic" / "train.conll.report.json")
                         .read_text())
    assert len(report8["failed_sentences"]) > 1
    assert all("max_words=8" in f["error"] or f["sentence"] == 3
               for f in report8["failed_sentences"])
    capsys.readouterr()
    # translate-test: the long English translation of one target sentence
    english = read_conll(data / "europarl-ner" / "en.conll")
    en_lines = [" ".join(s.words) for s in english]
    en_lines[5] = " ".join(["word"] * 1100)
    en_cache = tmp_path / "en.txt"
    en_cache.write_text("".join(line + "\n" for line in en_lines), encoding="utf-8")
    rc = main(["translate-test", "--target", "europarl-ner:swa", "--translations",
               str(en_cache), "--split", "whitespace", "--tagger",
               str(out / "heuristic" / "model"), "--lang", "swa", "--data-dir", str(data),
               "--no-download", "--no-bitext", "--json", str(tmp_path / "ts.json")])
    captured = capsys.readouterr()
    assert rc == 1 and "FAILED sentences: 1 (first: sentence 5: over-limit" in captured.err
    assert "micro" in captured.out
    scores = json.loads((tmp_path / "ts.json").read_text())
    assert scores["projection"]["failed_sentences"][0]["sentence"] == 5
    assert scores["scores"]["predicted"] > 0
