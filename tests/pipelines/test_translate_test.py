"""Translate-test end to end on small corpora the tests write, and on Europarl-NER when the
real data is present."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.synthetic_parallel import make_pairs
from xlner.corpora.conll import read_conll
from xlner.corpora.corpus import Corpus
from xlner.corpora.labels import LabelMap
from xlner.data import Sentence
from xlner.errors import ConfigError, InputError
from xlner.pipelines.tagging import train_tagger
from xlner.pipelines.translate_test import translate_test
from xlner.translate.cached import CachedTranslator


@pytest.fixture(scope="module")
def english_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    train, _ = make_pairs(200, seed=31)
    path = tmp_path_factory.mktemp("model") / "crf"
    train_tagger(Corpus(train, name="synthetic-en-train"), path, tagger="crf(max_iterations=40)")
    return path


@pytest.fixture()
def target(tmp_path: Path) -> tuple[Corpus, Path]:
    en, xx = make_pairs(120, seed=32)
    cache = tmp_path / "en.txt"
    cache.write_text("".join(" ".join(s.words) + "\n" for s in en), encoding="utf-8")
    return Corpus(xx, name="synthetic-swa"), cache


def test_end_to_end(tmp_path: Path, english_model: Path, target: tuple[Corpus, Path]) -> None:
    corpus, cache = target
    out = tmp_path / "run"
    result = translate_test(corpus, CachedTranslator(cache), english_model, "swa", out,
                            tokenizer="whitespace", bitext=False)
    assert result.scores is not None and result.scores.f1 > 0.9
    assert set(result.scores.per_class) == {"PER", "ORG", "LOC", "MISC"}
    # predictions are on the target's own words
    assert [s.words for s in result.predictions] == [s.words for s in corpus]
    tagged = read_conll(out / "tagged.conll")
    assert tagged.words == [tuple(line.split()) for line in
                            cache.read_text(encoding="utf-8").splitlines()]
    projected = read_conll(out / "predictions.conll")
    assert [s.entities for s in projected] == [s.entities for s in result.predictions]
    scores = json.loads((out / "scores.json").read_text())
    assert scores["scores"]["f1"] == result.scores.f1
    assert scores["signature"]["components"]["tagger"]["name"] == "crf"
    for rel in ("translations.jsonl", "tagged.conll", "align", "predictions.conll"):
        assert json.loads((out / f"{rel}.signature.json").read_text())["key"]
    again = translate_test(corpus, CachedTranslator(cache), english_model, "swa", out,
                           tokenizer="whitespace", bitext=False)
    assert again.computed == [] and again.scores == result.scores
    # a retrained model (other settings) invalidates the tagging and what follows
    train, _ = make_pairs(200, seed=31)
    train_tagger(Corpus(train), tmp_path / "other", tagger="crf(max_iterations=5)")
    third = translate_test(corpus, CachedTranslator(cache), tmp_path / "other", "swa", out,
                           tokenizer="whitespace", bitext=False)
    assert "tagged.conll" in third.computed and "align" in third.reused


def test_pred_label_map_and_unlabelled_target(english_model: Path,
                                               target: tuple[Corpus, Path]) -> None:
    corpus, cache = target
    result = translate_test(corpus, CachedTranslator(cache), english_model, "swa",
                            pred_label_map=LabelMap.parse("MISC=O"), bitext=False)
    assert "MISC" not in {e.label for s in result.predictions for e in s.entities}
    unlabelled = Corpus([Sentence(s.words) for s in corpus], name="raw")
    result = translate_test(unlabelled, CachedTranslator(cache), english_model, "swa",
                            bitext=False)
    assert result.scores is None
    assert sum(len(s.entities) for s in result.predictions) > 100


def test_errors(tmp_path: Path, english_model: Path, target: tuple[Corpus, Path]) -> None:
    corpus, cache = target
    short = tmp_path / "short.txt"
    short.write_text("Anna visited Kano .\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"short\.txt: 120 sentences to translate but the "
                       r"cache holds 1"):
        translate_test(corpus, CachedTranslator(short), english_model, "swa")
    with pytest.raises(ConfigError, match="unknown language code 'zz'"):
        translate_test(corpus, CachedTranslator(cache), english_model, "zz")
    with pytest.raises(ConfigError, match="target sentence 1 is empty"):
        translate_test(Corpus([corpus[0], Sentence(())]), CachedTranslator(cache),
                       english_model, "swa")
    with pytest.raises(InputError, match="not a saved tagger"):
        translate_test(corpus, CachedTranslator(cache), tmp_path, "swa")


@pytest.mark.data
@pytest.mark.slow
def test_europarl_german_offline(data_dir: Path, tmp_path: Path) -> None:
    """English CRF (trained on part of CoNLL-2003) tags the English side of Europarl-NER;
    its entities are projected onto the German side and scored against the German gold."""
    from xlner.corpora.named import load_corpus

    conll = load_corpus("conll2003:train", data_dir=data_dir, download_missing=False)
    model = tmp_path / "en-crf"
    train_tagger(Corpus(conll.sentences[:2000], name="conll2003:train[:2000]"), model,
                 tagger="crf(max_iterations=40)")
    german = load_corpus("europarl-ner:de", data_dir=data_dir, download_missing=False)
    translator = CachedTranslator("europarl-ner:en", data_dir=data_dir, download=False)
    result = translate_test(german, translator, model, "de", tmp_path / "run",
                            bitext=False, data_dir=data_dir, download=False)
    assert result.scores is not None
    assert result.scores.f1 > 0.3
    assert 0.7 < result.scores.projection_ratio < 1.3
    assert not result.report.failed


def test_cli_with_a_hf_checkpoint_as_tagger(tmp_path: Path, target: tuple[Corpus, Path],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """``--tagger`` takes a Hugging Face token-classification checkpoint (the production
    recipe's XLM-R tagger) with ``--tagger-param``, not only a saved tagger directory."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from xlner.bench.tiny_encoders import build_tiny_encoder
    from xlner.cli.main import main
    from xlner.corpora.conll import write_conll

    corpus, cache = target
    texts = cache.read_text(encoding="utf-8").splitlines()
    model = build_tiny_encoder(tmp_path / "model", texts, vocab_size=120,
                               labels=["O", "B-PER", "I-PER", "B-LOC", "I-LOC"])
    gold = tmp_path / "gold.conll"
    write_conll(gold, corpus)
    js = tmp_path / "scores.json"
    rc = main(["translate-test", "--target", str(gold), "--translations", str(cache),
               "--split", "whitespace", "--tagger", str(model), "--tagger-param", "device=cpu",
               "--lang", "swa", "--no-bitext", "--json", str(js)])
    assert rc == 0
    result = json.loads(js.read_text())
    tagger = result["signature"]["components"]["tagger"]
    assert tagger["name"] == "hf" and tagger["model"] == str(model)
    assert result["projection"]["sentences"] == len(corpus)
    # the production recipe's shape: a neural aligner over an encoder, parameters in one option
    js2 = tmp_path / "awesome.json"
    rc = main(["translate-test", "--target", str(gold), "--translations", str(cache),
               "--split", "whitespace", "--tagger", str(model), "--tagger-param", "device=cpu",
               "--lang", "swa", "--no-bitext", "--aligner", "awesome", "--aligner-param",
               f"model={model},layer=1,threshold=0.001,device=cpu",
               "--method", "heuristic-paper", "--json", str(js2)])
    assert rc == 0
    aligner = json.loads(js2.read_text())["signature"]["components"]["aligner"]
    assert aligner["name"] == "awesome" and aligner["layer"] == 1
    # candidate matching with a target-side tagger: tagger candidates and the tagger score
    js3, out3 = tmp_path / "matching.json", tmp_path / "run3"
    method = ("matching(candidates=ngrams:4+tagger,scores=[align=0.5,tagger(mode=span)=0.5],"
              "solver=ilp)")
    rc = main(["translate-test", "--target", str(gold), "--translations", str(cache),
               "--split", "whitespace", "--tagger", str(model), "--lang", "swa",
               "--no-bitext", "--target-tagger", str(model), "--target-tagger-param",
               "device=cpu", "--method", method, "--out", str(out3), "--json", str(js3)])
    assert rc == 0
    signature = json.loads(js3.read_text())["signature"]
    assert signature["components"]["target_tagger"]["model"] == str(model)
    terms = signature["components"]["method"]["projector"]["scores"]["terms"]
    assert [t["scorer"]["name"] for t in terms] == ["align", "tagger"]
    report = json.loads((out3 / "predictions.conll.report.json").read_text())
    assert report["sentences"] == len(corpus) and not report.get("failed")
    # without the target tagger the tagger score has nothing to read: reported, not silent
    capsys.readouterr()
    rc = main(["translate-test", "--target", str(gold), "--translations", str(cache),
               "--split", "whitespace", "--tagger", str(model), "--lang", "swa",
               "--no-bitext", "--method", method, "--json", str(tmp_path / "x.json")])
    assert rc != 0 and "run a target tagger first" in capsys.readouterr().err
