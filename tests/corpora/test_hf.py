"""Hugging Face datasets in and out, offline: the tests build and save their datasets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.toydata import toy_pair
from xlner.cli.main import main
from xlner.corpora.conll import read_conll, write_conll
from xlner.corpora.hf import (
    dataset_signature,
    hub_corpus,
    is_hf_spec,
    load_hf,
    parquet_signature,
    push_dataset,
    save_dataset,
)
from xlner.corpora.labels import LabelMap
from xlner.corpora.named import load_corpus
from xlner.data import Entity, Sentence
from xlner.errors import ConfigError, CorpusNotFoundError, InputError, TagSequenceError

datasets = pytest.importorskip("datasets")

# a label order unlike the usual O-first IOB2 list
ODD = ["B-LOC", "I-PER", "O", "B-PER", "I-LOC"]
SENTENCES = [
    Sentence(("Anna", "Smith", "lives", "in", "Rome"),
             (Entity(0, 2, "PER"), Entity(4, 5, "LOC"))),
    Sentence(("Rome", "is", "big"), (Entity(0, 1, "LOC"),)),
    Sentence(("nothing", "here"), ()),
]


def odd_dataset(rows: dict[str, list[Any]] | None = None) -> Any:
    features = datasets.Features({
        "tokens": datasets.Sequence(datasets.Value("string")),
        "ner_tags": datasets.Sequence(datasets.ClassLabel(names=ODD)),
    })
    idx = {n: i for i, n in enumerate(ODD)}
    rows = rows or {
        "tokens": [["Anna", "Smith", "lives", "in", "Rome"], ["Rome", "is", "big"],
                   ["nothing", "here"]],
        "ner_tags": [[idx[t] for t in ("B-PER", "I-PER", "O", "O", "B-LOC")],
                     [idx["B-LOC"], idx["O"], idx["O"]], [idx["O"], idx["O"]]],
    }
    return datasets.Dataset.from_dict(rows, features=features)


def test_classlabel_names_in_dataset_order(tmp_path: Path) -> None:
    dd = datasets.DatasetDict({"train": odd_dataset(), "test": odd_dataset()})
    dd.save_to_disk(str(tmp_path / "odd"))
    for spec in (f"{tmp_path / 'odd'}:test", f"hf:{tmp_path / 'odd'}:train"):
        corpus = load_corpus(spec)
        assert [s.words for s in corpus] == [s.words for s in SENTENCES]
        assert [s.entities for s in corpus] == [s.entities for s in SENTENCES]
        assert corpus.name == spec
    # a single Dataset directory needs no split; label maps apply
    odd_dataset().save_to_disk(str(tmp_path / "single"))
    corpus = load_corpus(tmp_path / "single", label_map=LabelMap.parse("LOC=O"))
    assert corpus[0].entities == (Entity(0, 2, "PER"),)
    assert corpus.meta["label_map"] == {"LOC": "O"}


def test_dataset_dict_without_split_names_the_splits(tmp_path: Path) -> None:
    datasets.DatasetDict({"train": odd_dataset(), "test": odd_dataset()}).save_to_disk(
        str(tmp_path / "odd"))
    with pytest.raises(ConfigError, match=r"splits \['test', 'train'\]"):
        load_corpus(tmp_path / "odd")
    with pytest.raises(ConfigError, match="no split 'validation'"):
        load_corpus(f"{tmp_path / 'odd'}:dev")


def test_hub_style_directory_of_parquet_files(tmp_path: Path) -> None:
    (tmp_path / "repo" / "data").mkdir(parents=True)
    odd_dataset().to_parquet(str(tmp_path / "repo" / "data" / "validation.parquet"))
    corpus = load_corpus(f"hf:{tmp_path / 'repo'}:validation")
    assert [s.entities for s in corpus] == [s.entities for s in SENTENCES]
    # a Parquet file given directly
    corpus = load_corpus(tmp_path / "repo" / "data" / "validation.parquet")
    assert corpus[0].entities == SENTENCES[0].entities


def test_json_lines_with_string_tags(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(
        json.dumps({"words": ["Olga", "went", "to", "Acme"],
                    "tags": ["B-PER", "O", "O", "B-ORG"]}) + "\n"
        + json.dumps({"words": ["Zed"], "tags": ["I-PER"]}) + "\n", encoding="utf-8")
    with pytest.raises(TagSequenceError, match=r"x\.jsonl:2: .*I-PER"):
        load_corpus(path)
    corpus = load_corpus(path, repair=True)
    assert corpus[0].entities == (Entity(0, 1, "PER"), Entity(3, 4, "ORG"))
    assert corpus[1].entities == (Entity(0, 1, "PER"),) and corpus.repairs == 1


def test_bad_rows_name_the_dataset_and_row(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"tokens": ["a", "b"], "ner_tags": ["O", "O"]}) + "\n"
                    + json.dumps({"tokens": ["a", "b"], "ner_tags": ["O"]}) + "\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.jsonl:2: 2 words but 1 tags"):
        load_corpus(path)
    # integer tags with no ClassLabel feature and no known label set
    plain = datasets.Dataset.from_dict({"tokens": [["a"]], "ner_tags": [[1]]})
    plain.to_parquet(str(tmp_path / "ints.parquet"))
    with pytest.raises(InputError, match=r"ints\.parquet:1: integer tags without label"):
        load_corpus(tmp_path / "ints.parquet")
    corpus = load_hf(str(tmp_path / "ints.parquet"), labels=["O", "B-PER", "I-PER"])
    assert corpus[0].entities == (Entity(0, 1, "PER"),)
    with pytest.raises(InputError, match="no word column"):
        datasets.Dataset.from_dict({"text": [["a"]]}).to_parquet(str(tmp_path / "t.parquet"))
        load_corpus(tmp_path / "t.parquet")


def test_named_corpora_know_their_hub_datasets() -> None:
    hub = hub_corpus("masakhaner2:hau:dev")
    assert (hub.repo, hub.config, hub.split) == ("masakhane/masakhaner2", "hau", "validation")
    assert "B-DATE" in hub.labels
    assert hub_corpus("panx:de:test").config == "PAN-X.de"
    assert hub_corpus("wikiann:sw:train").repo == "unimelb-nlp/wikiann"
    assert hub_corpus("uner:de_pud:test").repo == "universalner/universal_ner"
    conll = hub_corpus("conll2003:train")
    assert conll.repo == "eriktks/conll2003" and conll.labels[-1] == "I-MISC"
    with pytest.raises(ConfigError, match="expected masakhaner2"):
        hub_corpus("masakhaner2:hau")
    with pytest.raises(ConfigError, match="no hub dataset"):
        hub_corpus("flores200:hau_Latn")


def test_hub_failure_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, ...]] = []

    def fake(*args: Any, **kwargs: Any) -> Any:
        calls.append((*args, kwargs))
        raise ConnectionError("offline")

    monkeypatch.setattr(datasets, "load_dataset", fake)
    with pytest.raises(CorpusNotFoundError, match=r"masakhane/masakhaner2.*offline"):
        load_corpus("hf:masakhaner2:hau:test")
    assert calls[0][:2] == ("masakhane/masakhaner2", "hau")
    assert calls[0][2] == {"split": "test"}
    with pytest.raises(CorpusNotFoundError, match="'org/x', 'cfg'"):
        load_corpus("hf:org/x:cfg:train")


def test_spec_detection(tmp_path: Path) -> None:
    assert is_hf_spec("hf:org/x:train")
    assert not is_hf_spec("europarl-ner:de")
    assert not is_hf_spec(str(tmp_path))  # a plain directory is not a dataset


def test_projected_corpus_round_trip_is_identical(tmp_path: Path) -> None:
    src, _ = toy_pair(60, seed=3)
    sig = {"command": "project", "inputs": {"x": 1}}
    save_dataset(src, tmp_path / "ds", signature=sig)
    dd = datasets.load_from_disk(str(tmp_path / "ds"))
    assert dd["train"].features["ner_tags"].feature.names[0] == "O"
    assert dataset_signature(dd["train"]) == sig
    back = load_corpus(tmp_path / "ds")
    assert back.sentences == src
    parquet = tmp_path / "ds" / "data" / "train.parquet"
    loaded = datasets.load_dataset("parquet", data_files=str(parquet), split="train")
    assert loaded.features["ner_tags"].feature.names == \
        dd["train"].features["ner_tags"].feature.names
    assert parquet_signature(parquet) == sig
    assert load_corpus(parquet).sentences == src
    # rewriting replaces the directory whole
    save_dataset(src[:5], tmp_path / "ds", signature=sig)
    assert len(load_corpus(tmp_path / "ds")) == 5


def test_push_to_hub_uploads_the_same_dataset(monkeypatch: pytest.MonkeyPatch) -> None:
    pushed: list[tuple[Any, str, bool]] = []
    monkeypatch.setattr(datasets.DatasetDict, "push_to_hub",
                        lambda self, repo, private=False: pushed.append((self, repo, private)))
    push_dataset(SENTENCES, "me/proj", signature={"command": "t"})
    (dd, repo, private), = pushed
    assert repo == "me/proj" and not private
    assert dd["train"]["tokens"] == [list(s.words) for s in SENTENCES]
    assert dataset_signature(dd["train"]) == {"command": "t"}


def test_cli_project_out_format_hf_and_push(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    src, tgt = toy_pair(80, seed=2)
    write_conll(tmp_path / "src.conll", src)
    write_conll(tmp_path / "tgt.conll", tgt)
    pushed: list[tuple[Any, str]] = []
    monkeypatch.setattr(datasets.DatasetDict, "push_to_hub",
                        lambda self, repo, private=False: pushed.append((self, repo)))
    base = ["project", "--source", str(tmp_path / "src.conll"), "--target",
            str(tmp_path / "tgt.conll"), "--method", "heuristic", "--aligner-param", "seed=1"]
    assert main([*base, "--out", str(tmp_path / "p.conll")]) == 0
    assert main([*base, "--out", str(tmp_path / "p.hf"), "--out-format", "hf",
                 "--push-to-hub", "me/p"]) == 0
    conll = read_conll(tmp_path / "p.conll")
    ds = load_corpus(f"hf:{tmp_path / 'p.hf'}:train")
    assert ds.sentences == conll.sentences and any(s.entities for s in ds)
    sig = json.loads((tmp_path / "p.hf.signature.json").read_text())
    stored = dataset_signature(datasets.load_from_disk(str(tmp_path / "p.hf"))["train"])
    assert stored == sig and sig["command"] == "project"
    assert (tmp_path / "p.hf.report.json").is_file()
    assert pushed and pushed[0][1] == "me/p"
    assert pushed[0][0]["train"]["tokens"] == [list(s.words) for s in conll]
    assert "pushed the dataset" in capsys.readouterr().err


def test_translate_train_from_datasets_matches_the_files(tmp_path: Path) -> None:
    from tests.synthetic_parallel import write_data_dir

    data = write_data_dir(tmp_path / "data", "swa", n=120, seed=6)
    source = load_corpus("nllb-conll2003:swa:en", data_dir=data)
    gold = load_corpus("masakhaner2:swa:test", data_dir=data)
    # hub-style datasets: the eval set with its ClassLabel names in a reversed order
    names = list(reversed(hub_corpus("masakhaner2:swa:test").labels))
    idx = {n: i for i, n in enumerate(names)}
    from xlner.corpora.schemes import encode
    features = datasets.Features({
        "tokens": datasets.Sequence(datasets.Value("string")),
        "ner_tags": datasets.Sequence(datasets.ClassLabel(names=names))})
    datasets.DatasetDict({"test": datasets.Dataset.from_dict({
        "tokens": [list(s.words) for s in gold],
        "ner_tags": [[idx[t] for t in encode(s.entities, len(s), "iob2")] for s in gold]},
        features=features)}).save_to_disk(str(tmp_path / "eval_ds"))
    save_dataset(source.sentences, tmp_path / "src_ds")
    save_dataset(load_corpus("nllb-conll2003:swa:tprojection", data_dir=data).sentences,
                 tmp_path / "mt_ds")
    common = ["--lang", "swa",
              "--tagger", "crf(max_iterations=20)", "--eval-label-map", "DATE=O",
              "--data-dir", str(data), "--no-download", "--no-bitext"]
    assert main(["translate-train", "--source", "nllb-conll2003:swa:en", "--eval",
                 "masakhaner2:swa:test", "--translations", "nllb-conll2003:swa:tprojection",
                 *common, "--out", str(tmp_path / "files")]) == 0
    assert main(["translate-train", "--source", f"hf:{tmp_path / 'src_ds'}:train", "--eval",
                 f"{tmp_path / 'eval_ds'}:test", "--translations", str(tmp_path / "mt_ds"),
                 *common, "--out", str(tmp_path / "hf"), "--out-format", "hf"]) == 0
    a = json.loads((tmp_path / "files" / "summary.json").read_text())["methods"][0]
    b = json.loads((tmp_path / "hf" / "summary.json").read_text())["methods"][0]
    assert a["scores"]["f1"] > 0.5 and a["scores"] == b["scores"]
    train = read_conll(tmp_path / "hf" / b["dir"] / "train.conll")
    written = load_corpus(tmp_path / "hf" / b["dir"] / "train.hf")
    assert written.sentences == train.sentences
    sig = dataset_signature(datasets.load_from_disk(
        str(tmp_path / "hf" / b["dir"] / "train.hf"))["train"])
    assert sig is not None and sig["command"] == "translate-train" and sig["method"]
