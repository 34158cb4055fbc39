"""The MasakhaNER-NLLB benchmark on tiny corpora in the real data layout (any language)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.synthetic_parallel import write_data_dir
from xlner.bench.masakhaner import available_languages, bench_masakhaner_nllb, format_table
from xlner.cli.main import main
from xlner.errors import ConfigError, CorpusNotFoundError, InputError

TAGGER = "crf(algorithm=ap,max_iterations=5)"


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    write_data_dir(root, "zul", n=160, seed=1)  # not one of the six languages
    write_data_dir(root, "yor", n=120, seed=2)
    return root


def test_rows_for_every_label_set(data: Path, tmp_path: Path) -> None:
    assert available_languages(data) == ["yor", "zul"]
    out = bench_masakhaner_nllb(None, ["heuristic", "heuristic-paper"],
                                setups=["no-failed", "no-failed,complete",
                                        "misc=block,anchors,consistency,no-failed"],
                                tagger=TAGGER, seeds=(1, 2), work_dir=tmp_path / "work",
                                data_dir=data, download=False)
    rows = out["results"]
    labels = [(r["lang"], r["labels"]) for r in rows]
    for lang in ("yor", "zul"):
        assert [lab for lg, lab in labels if lg == lang] == [
            "tprojection", "heuristic", "heuristic-paper", "heuristic+no-failed,complete",
            "heuristic-paper+no-failed,complete",
            "heuristic+misc=block,anchors,consistency,no-failed",
            "heuristic-paper+misc=block,anchors,consistency,no-failed", "gold"]
    for row in rows:
        assert 0.0 <= row["precision"] <= 1.0 and 0.0 <= row["f1"] <= 1.0
        assert len(row["f1_seeds"]) == 2
        assert set(row["per_class"]) <= {"PER", "ORG", "LOC"}  # DATE → O, MISC dropped
    by = {(r["lang"], r["labels"]): r for r in rows}
    for lang in ("yor", "zul"):
        # our projection recovers the toy gold; the peer's labels miss people
        ours, peer = by[(lang, "heuristic")], by[(lang, "tprojection")]
        assert ours["per_class"]["PER"]["recall"] > peer["per_class"]["PER"]["recall"]
        assert ours["f1"] > peer["f1"]
        assert by[(lang, "gold")]["f1"] > 0.8
        assert ours["train_sentences"] == ours["filter_report"]["kept_sentences"]
        refined = by[(lang, "heuristic+misc=block,anchors,consistency,no-failed")]
        assert refined["misc"] == "block" and refined["consistency_report"]["dictionary"] > 0
        assert refined["anchors"] and not ours["anchors"]
        assert ours["consistency_report"] is None
    table = format_table(rows)
    assert "tprojection" in table and "avg" in table
    assert out["signature"]["params"]["seeds"] == [1, 2]
    # everything is reused on a re-run
    again = bench_masakhaner_nllb(["zul"], ["heuristic"], setups=["no-failed"],
                                  tagger=TAGGER, seeds=(1, 2),
                                  work_dir=tmp_path / "work", data_dir=data, download=False)
    first = {r["labels"]: r["f1"] for r in rows if r["lang"] == "zul"}
    assert {r["labels"]: r["f1"] for r in again["results"]} == {
        k: first[k] for k in ("tprojection", "heuristic", "gold")}


def test_cli_writes_json(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bench.json"
    rc = main(["bench", "masakhaner-nllb", "--data-dir", str(data), "--langs", "zul",
               "--tagger", TAGGER, "--seeds", "1", "--work-dir", str(tmp_path / "w"),
               "--no-download", "--peer-consistency", "--setup", "no-failed",
               "--json", str(out)])
    assert rc == 0
    rows = json.loads(out.read_text())["results"]
    assert [r["labels"] for r in rows] == ["tprojection", "tprojection+consistency",
                                           "heuristic", "gold"]
    assert rows[1]["consistency_report"]["dictionary"] > 0
    assert {"lang", "labels", "f1", "precision", "recall"} <= set(rows[0])
    assert "heuristic" in capsys.readouterr().out


def test_errors(data: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown language code 'qqq'"):
        bench_masakhaner_nllb(["qqq"], data_dir=data, download=False, work_dir=tmp_path)
    with pytest.raises(CorpusNotFoundError):
        bench_masakhaner_nllb(["hau"], data_dir=data, download=False, work_dir=tmp_path)
    with pytest.raises(ConfigError, match="misc must be drop or block"):
        bench_masakhaner_nllb(["zul"], setups=["misc=keep"], data_dir=data, work_dir=tmp_path)
    with pytest.raises(ConfigError, match="unknown word-joining rule 'hyphens'"):
        bench_masakhaner_nllb(["zul"], setups=["join=hyphens"], data_dir=data,
                              work_dir=tmp_path)
    from xlner.bench.masakhaner import peer_setup
    from xlner.data import Sentence

    with pytest.raises(InputError, match="1 sentences in the English source but 2 in the peer"):
        peer_setup("prose", [Sentence(("a",))], [Sentence(("a",)), Sentence(("b",))])
    with pytest.raises(ConfigError, match="'complete' needs a projection result"):
        bench_masakhaner_nllb(["zul"], peer_setups=["complete"], tagger=TAGGER, seeds=(1,),
                              data_dir=data, download=False, work_dir=tmp_path)
    with pytest.raises(ConfigError, match="unknown training-data filter"):
        bench_masakhaner_nllb(["zul"], setups=["shiny"], data_dir=data, work_dir=tmp_path)
    # translations that do not match the English sentences one to one
    tprojection = data / "nllb-conll2003" / "zul.nllb.tprojection.conll"
    text = tprojection.read_text(encoding="utf-8")
    tprojection.write_text(text.split("\n\n", 1)[1], encoding="utf-8")
    with pytest.raises(InputError, match="160 sentences to translate but the cache holds 159"):
        bench_masakhaner_nllb(["zul"], tagger=TAGGER, seeds=(1,), include_tprojection=False,
                              data_dir=data, download=False, work_dir=tmp_path)


def test_empty_word_lines_in_masakhaner_are_skipped_and_recorded(data: Path,
                                                                 tmp_path: Path) -> None:
    train = data / "masakhaner2" / "zul" / "train.txt"
    lines = train.read_text(encoding="utf-8").splitlines()
    lines.insert(3, " O")  # as in MasakhaNER 2.0 xho/train.txt
    train.write_text("\n".join(lines) + "\n", encoding="utf-8")
    from xlner.corpora.named import load_corpus

    with pytest.raises(InputError, match=r"train\.txt:4: empty word"):
        load_corpus("masakhaner2:zul:train", data_dir=data, download_missing=False)
    out = bench_masakhaner_nllb(["zul"], tagger=TAGGER, seeds=(1,), include_tprojection=False,
                                work_dir=tmp_path / "w", data_dir=data, download=False)
    assert out["signature"]["inputs"]["zul"]["gold"]["skipped_empty_words"] == [4]
    assert [r["labels"] for r in out["results"]] == [  # the default setups
        "heuristic", "heuristic+misc=block,anchors,consistency,no-failed,prose,repair,join", "gold"]


def test_dev_split_and_repair_setup(data: Path, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bench.json"
    rc = main(["bench", "masakhaner-nllb", "--data-dir", str(data), "--langs", "zul",
               "--tagger", TAGGER, "--seeds", "1", "--work-dir", str(tmp_path / "w"),
               "--no-download", "--no-gold", "--split", "dev", "--setup",
               "misc=block,consistency,no-failed,prose,repair,join", "--peer-setup", "join",
               "--peer-setup", "prose", "--json", str(out)])
    assert rc == 0
    result = json.loads(out.read_text())
    assert result["signature"]["params"]["split"] == "dev"
    assert "dev" in result["signature"]["inputs"]["zul"]
    rows = result["results"]
    assert [r["labels"] for r in rows] == [
        "tprojection", "tprojection+join", "tprojection+prose",
        "heuristic+misc=block,consistency,no-failed,prose,repair,join"]
    assert rows[1]["join_report"]["rule"] == "apostrophes"
    assert rows[3]["repair"] and rows[3]["repair_report"]["settings"]["folds"] == 2
    assert rows[3]["join"] == "apostrophes" and rows[3]["join_report"]["rule"] == "apostrophes"
    # the prose filter keeps the same source sentences for ours and for the peer (here all:
    # the toy sentences are running text)
    assert rows[3]["filter_report"]["dropped_sentences"] == {"no-failed": 0, "prose": 0}
    assert rows[2]["train_sentences"] == rows[3]["train_sentences"] == rows[0]["train_sentences"]
    assert rows[2]["filters"] == ["prose"]
    evals = sorted(p.name for p in (tmp_path / "w" / "zul" / "tprojection" / "seed1").iterdir()
                   if p.name.startswith("eval"))
    assert evals == ["eval.dev.json", "eval.dev.json.signature.json"]
    with pytest.raises(ConfigError, match="split must be"):
        bench_masakhaner_nllb(["zul"], split="train", data_dir=data, work_dir=tmp_path)


def test_sharded_alignment_reaches_the_benchmark(data: Path, tmp_path: Path) -> None:
    """``--shard-size``: each language's corpus is aligned in shards with shared priors
    (learnt with the bitext), recorded in the signature; the rows are those of any run."""
    from tests.synthetic_parallel import make_pairs

    bsrc, btgt = make_pairs(100, seed=9)
    folder = data / "bitext" / "en-zul"
    folder.mkdir(parents=True)
    (folder / "toy.en").write_text("".join(" ".join(s.words) + "\n" for s in bsrc))
    (folder / "toy.zul").write_text("".join(" ".join(s.words) + "\n" for s in btgt))
    out = tmp_path / "bench.json"
    rc = main(["bench", "masakhaner-nllb", "--data-dir", str(data), "--langs", "zul",
               "--tagger", TAGGER, "--seeds", "1", "--work-dir", str(tmp_path / "w"),
               "--no-download", "--setup", "no-failed", "--no-gold", "--methods", "ilp",
               "--aligner-param", "rel_iterations=0.2", "--shard-size", "60",
               "--json", str(out)])
    assert rc == 0
    result = json.loads(out.read_text())
    assert result["signature"]["params"]["shard_size"] == 60
    assert [r["labels"] for r in result["results"]] == ["tprojection", "ilp"]
    shards = tmp_path / "w" / "zul" / "projection" / "align.shards"
    assert sorted(p.name for p in shards.glob("*.jsonl")) == [
        "shard-00000.jsonl", "shard-00001.jsonl", "shard-00002.jsonl"]  # 160 pairs
    assert (shards / "priors.txt").is_file()
