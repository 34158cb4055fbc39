"""The image-text benchmark: span counts, paired bootstrap, and the whole command end to end on
a synthetic image-text parallel set with a tiny CLIP built locally."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from xlner.bench.image_text import f1_of, paired_bootstrap, span_counts, with_visual
from xlner.cli.main import main
from xlner.data import Entity, Sentence
from xlner.errors import ConfigError
from xlner.evaluate.metrics import evaluate

GOLD = [[Entity(0, 1, "PER"), Entity(2, 4, "LOC")], [Entity(1, 2, "ORG")], [],
        [Entity(0, 2, "PER")]]
PRED = [[Entity(0, 1, "PER"), Entity(2, 3, "LOC")], [Entity(1, 2, "ORG")], [Entity(0, 1, "LOC")],
        [Entity(0, 2, "PER")]]


def test_span_counts_agree_with_seqeval() -> None:
    counts = span_counts(GOLD, PRED, ["LOC", "ORG", "PER"])
    assert counts.shape == (4, 4, 3)
    total = counts.sum(axis=0)
    assert total[0].tolist() == [3, 5, 4]
    sentences = [Sentence(tuple("abcde"), tuple(g)) for g in GOLD]
    scores = evaluate(sentences, PRED)
    f1 = f1_of(total)
    assert f1[0] == pytest.approx(scores.f1)
    for k, cls in enumerate(["LOC", "ORG", "PER"]):
        assert f1[k + 1] == pytest.approx(scores.per_class[cls].f1)


def test_paired_bootstrap_interval() -> None:
    rng = np.random.default_rng(1)
    n = 200
    gold = [[Entity(0, 1, "PER")] for _ in range(n)]
    weak = [[Entity(0, 1, "PER")] if rng.random() < 0.6 else [] for _ in range(n)]
    strong = [[Entity(0, 1, "PER")] if w or rng.random() < 0.5 else [] for w in weak]
    a, b = span_counts(gold, weak, ["PER"]), span_counts(gold, strong, ["PER"])
    boot = paired_bootstrap(a, b, samples=500)
    assert boot["diff"][0] == pytest.approx(f1_of(b.sum(0))[0] - f1_of(a.sum(0))[0])
    assert 0 < boot["low"][0] <= boot["diff"][0] <= boot["high"][0]
    assert boot["p_not_better"][0] < 0.01
    same = paired_bootstrap(a, a, samples=100)
    assert same["low"][0] == same["high"][0] == 0.0
    # the reversed comparison mirrors the interval
    rev = paired_bootstrap(b, a, samples=500)
    assert rev["high"][0] == pytest.approx(-boot["low"][0])


def test_visual_needs_a_matching_method() -> None:
    from xlner.project.recipes import resolve_method

    with pytest.raises(ConfigError, match="candidate-matching"):
        with_visual(resolve_method("heuristic").projector, object(), 0.5)


@pytest.mark.slow
def test_bench_image_text_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                     ) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("PIL")
    from xlner.bench.image_text import write_synthetic_image_text
    from xlner.corpora.images import read_image_jsonl

    path = write_synthetic_image_text(tmp_path / "set", 24, lang="xx")
    corpus = read_image_jsonl(path)
    assert len(corpus) == 24 and corpus.languages() == ["en", "xx"]
    assert corpus.visible("xx") is not None
    out = tmp_path / "r.json"
    assert main(["bench", "image-text", "--corpus", str(path.parent), "--langs", "xx",
                 "--tiny-model", "--visual-mode", "fused", "--visual-weight", "2",
                 "--samples", "200", "--json", str(out)]) == 0
    report = capsys.readouterr().out
    assert "text-only" in report and "+visual" in report
    assert "95% CI" in report and "visible" in report and "not-visible" in report
    result = json.loads(out.read_text())
    entry = result["results"][0]
    rows = {r["system"]: r for r in entry["rows"]}
    for row in rows.values():
        assert row["f1"] == pytest.approx(row["seqeval_f1"])
        assert row["failed_sentences"] == 0
    d = entry["difference"]
    assert d["diff"] == pytest.approx(rows["+visual"]["f1"] - rows["text-only"]["f1"])
    assert d["low"] <= d["diff"] <= d["high"]
    terms = result["signature"]["components"]["visual"]["scores"]["terms"]
    assert [t["scorer"]["name"] for t in terms] == ["align", "visual"]
    assert terms[1]["weight"] == 2.0 and not terms[1]["bonus"]
    assert set(entry["per_class_difference"]) == {"LOC", "ORG", "PER"}
    vis = entry["visibility"]
    assert vis["visible"]["gold"] + vis["not-visible"]["gold"] == rows["text-only"]["gold"]
    assert result["signature"]["params"]["visual_mode"] == "fused"


@pytest.mark.slow
def test_bench_reports_missing_images(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                      ) -> None:
    pytest.importorskip("PIL")
    from xlner.bench.image_text import write_synthetic_image_text

    path = write_synthetic_image_text(tmp_path / "set", 4, lang="xx")
    (path.parent / "images" / "2.png").unlink()
    assert main(["bench", "image-text", "--corpus", str(path), "--visual-model",
                 str(tmp_path / "none")]) == 2
    err = capsys.readouterr().err
    assert f"{path}:3: image {path.parent / 'images' / '2.png'}: file not found" in err


@pytest.mark.slow
def test_visual_batching_bench_gives_the_same_scores() -> None:
    pytest.importorskip("torch")
    from xlner.bench.image_text import bench_visual_batching, format_visual_batching

    out = bench_visual_batching(sentences=3, max_n=2)
    assert out["candidates"] > 10
    assert out["max_abs_difference"] < 1e-5
    assert out["one_at_a_time_per_s"] > 0 and out["batched_per_s"] > 0
    assert "candidates/s" in format_visual_batching(out)


def test_synthetic_corpus_option_reaches_the_model(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("PIL")
    missing = tmp_path / "no-model"
    assert main(["bench", "image-text", "--corpus", "synthetic:3", "--langs", "yy",
                 "--visual-model", str(missing)]) == 2
    assert f"cannot load {str(missing)!r}" in capsys.readouterr().err
