"""The transformers tagger: label-scheme conversion (always run) and fine-tuning / prediction /
save-load over tiny locally built encoders (skipped without torch/transformers)."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from xlner.data import Entity, Sentence
from xlner.errors import ConfigError, InputError, XlnerError
from xlner.tag.hf import detect_scheme, iob2_labels, label_classes, split_labels, to_iob2_probs

CONLL03_IOB1 = ["B-LOC", "B-MISC", "B-ORG", "I-LOC", "I-MISC", "I-ORG", "I-PER", "O"]


def test_detect_scheme() -> None:
    assert detect_scheme(["O", "B-PER", "I-PER"]) == "iob2"
    assert detect_scheme(CONLL03_IOB1) == "iob1"  # no B-PER: an IOB1 checkpoint
    assert detect_scheme(["O", "B-PER", "I-PER", "E-PER", "S-PER"]) == "bioes"
    assert label_classes(CONLL03_IOB1) == ["LOC", "MISC", "ORG", "PER"]
    assert iob2_labels(["LOC", "PER"]) == ["O", "B-LOC", "I-LOC", "B-PER", "I-PER"]
    with pytest.raises(ConfigError):
        split_labels(["LABEL_0", "LABEL_1"])
    with pytest.raises(ConfigError, match="no 'O'"):
        split_labels(["B-PER", "I-PER"])


def test_iob2_probabilities_are_reordered() -> None:
    labels = ["I-PER", "O", "B-PER"]
    raw = np.array([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]], dtype=np.float32)
    out = to_iob2_probs(raw, labels, "iob2")  # columns O, B-PER, I-PER
    assert np.allclose(out, [[0.5, 0.3, 0.2], [0.3, 0.1, 0.6]])


def test_bioes_mass_is_folded() -> None:
    labels = ["O", "B-X", "I-X", "E-X", "S-X"]
    raw = np.array([[0.1, 0.2, 0.3, 0.15, 0.25]], dtype=np.float32)
    out = to_iob2_probs(raw, labels, "bioes")
    assert np.allclose(out, [[0.1, 0.45, 0.45]])


def test_iob1_conversion_uses_the_previous_word() -> None:
    labels = ["O", "I-PER", "B-PER"]
    raw = np.array([[0.2, 0.8, 0.0],    # word 0: I-PER starts an entity (nothing before)
                    [0.3, 0.6, 0.1],    # word 1: previous in-PER mass 0.8
                    [0.9, 0.1, 0.0]], dtype=np.float32)
    out = to_iob2_probs(raw, labels, "iob1")  # O, B-PER, I-PER
    assert out[0].tolist() == pytest.approx([0.2, 0.8, 0.0])
    assert out[1].tolist() == pytest.approx([0.3, 0.1 + 0.6 * 0.2, 0.6 * 0.8])
    assert out[2].tolist() == pytest.approx([0.9, 0.1 * 0.3, 0.1 * 0.7])
    assert out.sum(axis=1) == pytest.approx(np.ones(3))


# --------------------------------------------------------------------------- tiny models

VOCAB = ["ka", "lo", "mi", "nu", "pe", "ro", "si", "tu", "va", "ze", "bo", "da", "fe", "gi",
         "hu", "je", "ku", "le", "mo", "ne"]
NAMES = ["Amara", "Bongo", "Chidi", "Dele", "Emeka", "Femi", "Gozie", "Hauwa", "Ike", "Jide"]
SURNAMES = ["Okafor", "Bello", "Adeyemi", "Musa", "Eze"]


def synthetic(n: int, seed: int, long_every: int = 0) -> list[Sentence]:
    """PER entities: a capitalised name, optionally followed by a surname, between lower-case
    words."""
    rng = random.Random(seed)
    out = []
    for k in range(n):
        words: list[str] = []
        ents: list[Entity] = []
        length = 70 if long_every and k % long_every == 0 else rng.randint(4, 10)
        while len(words) < length:
            words.append(rng.choice(VOCAB))
            if rng.random() < 0.35:
                size = rng.randint(1, 2)
                ents.append(Entity(len(words), len(words) + size, "PER"))
                words += [rng.choice(NAMES)] + [rng.choice(SURNAMES)] * (size - 1)
        out.append(Sentence(tuple(words), tuple(ents)))
    return out


@pytest.fixture(scope="module")
def encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from xlner.bench.tiny_encoders import build_tiny_encoder

    texts = [" ".join(s.words) for s in synthetic(200, seed=9)]
    return build_tiny_encoder(tmp_path_factory.mktemp("enc") / "bert", texts, kind="bert")


@pytest.fixture(scope="module")
def trained(encoder: Path) -> Any:
    from xlner.tag.hf import HFTagger

    tagger = HFTagger(encoder, epochs=3, lr=3e-3, batch_size=16, device="cpu", seed=0)
    tagger.train(synthetic(160, seed=1, long_every=40), dev=synthetic(30, seed=2))
    return tagger


def test_fine_tuning_learns_the_task(encoder: Path, trained: Any) -> None:
    from xlner.evaluate.metrics import evaluate

    test = synthetic(60, seed=3)
    scores = evaluate(test, [t.entities for t in trained.predict([s.words for s in test])])
    assert scores.f1 > 0.9, trained.history
    assert [h["epoch"] for h in trained.history] == [1, 2, 3]
    assert all(0.0 <= h["dev_f1"] <= 1.0 for h in trained.history)
    assert trained.history[-1]["loss"] < trained.history[0]["loss"]
    assert trained.labels == ["O", "B-PER", "I-PER"]


def test_probabilities_per_word(trained: Any) -> None:
    sents = [s.words for s in synthetic(5, seed=4)] + [()]
    out = trained.predict(sents)
    assert len(out) == len(sents)
    for words, tagged in zip(sents, out, strict=True):
        assert tagged.probs.shape == (len(words), 3)
        assert tagged.probs.dtype == np.float32
        assert np.allclose(tagged.probs.sum(axis=1), 1.0, atol=1e-5)
        assert list(tagged.labels) == ["O", "B-PER", "I-PER"]
        # entities agree with the argmax of the (IOB2) probabilities for this IOB2 model
        for ent in tagged.entities:
            assert tagged.probs[ent.start].argmax() == 1
    assert out[-1].entities == [] and out[-1].probs.shape == (0, 3)


def test_batched_equals_one_at_a_time(trained: Any) -> None:
    sents = [s.words for s in synthetic(7, seed=6, long_every=3)]
    batched = trained.predict(sents)
    single = [trained.predict([w])[0] for w in sents]
    for a, b in zip(batched, single, strict=True):
        assert a.entities == b.entities
        assert np.allclose(a.probs, b.probs, atol=1e-5)


def test_save_load_round_trip(trained: Any, tmp_path: Path) -> None:
    from xlner.tag import load_tagger, resolve_tagger

    trained.save(tmp_path / "tagger")
    meta = json.loads((tmp_path / "tagger" / "tagger.json").read_text())
    assert meta["name"] == "hf" and meta["labels"] == ["O", "B-PER", "I-PER"]
    loaded = load_tagger(tmp_path / "tagger")
    again = resolve_tagger(str(tmp_path / "tagger"), device="cpu")
    sents = [s.words for s in synthetic(6, seed=7)]
    want = trained.predict(sents)
    for other in (loaded, again):
        got = other.predict(sents)
        assert [g.entities for g in got] == [w.entities for w in want]
        assert all(np.array_equal(g.probs, w.probs) for g, w in zip(got, want, strict=True))
    assert loaded.describe()["trained"] is True and loaded.history == trained.history


def test_long_sentences(trained: Any, tmp_path: Path) -> None:
    from xlner.tag.hf import HFTagger

    long = synthetic(1, seed=8, long_every=1)[0]
    assert len(long.words) >= 70  # beyond the 64-subword limit of the tiny model
    tagged = trained.predict([long.words])[0]
    assert tagged.probs.shape[0] == len(long.words)
    assert tagged.entities == list(long.entities)  # every window tagged, none truncated
    trained.save(tmp_path / "t")
    strict = HFTagger.load(tmp_path / "t", long_inputs="error", device="cpu")
    with pytest.raises(InputError, match=r"sentence 1: .* exceed the model limit"):
        strict.predict([["short"], long.words])


def test_seeded_training_is_reproducible(encoder: Path) -> None:
    from xlner.tag.hf import HFTagger

    data = synthetic(40, seed=11)
    runs = []
    for _ in range(2):
        tagger = HFTagger(encoder, epochs=1, lr=3e-3, device="cpu", seed=5)
        tagger.train(data)
        runs.append(tagger.predict([s.words for s in data[:5]]))
    assert all(np.array_equal(a.probs, b.probs) for a, b in zip(*runs, strict=True))


def test_pretrained_iob1_checkpoint(tmp_path: Path, encoder: Path) -> None:
    from xlner.bench.tiny_encoders import build_tiny_encoder
    from xlner.tag import resolve_tagger

    path = build_tiny_encoder(tmp_path / "conll", [" ".join(s.words) for s in synthetic(50, 3)],
                              labels=CONLL03_IOB1)
    tagger = resolve_tagger(str(path), device="cpu")  # a plain HF directory -> the hf backend
    assert tagger.name == "hf"
    assert tagger.labels == ["O", "B-LOC", "I-LOC", "B-MISC", "I-MISC", "B-ORG", "I-ORG",
                             "B-PER", "I-PER"]
    out = tagger.predict([s.words for s in synthetic(4, seed=12)])
    for tagged in out:
        assert np.allclose(tagged.probs.sum(axis=1), 1.0, atol=1e-5)
        assert all(e.label in {"LOC", "MISC", "ORG", "PER"} for e in tagged.entities)
    from xlner.tag.hf import HFTagger

    with pytest.raises(XlnerError, match="no NER labels"):
        HFTagger(encoder, device="cpu").predict([["a"]])


def test_bad_training_input(encoder: Path) -> None:
    from xlner.tag.hf import HFTagger

    tagger = HFTagger(encoder, device="cpu")
    with pytest.raises(InputError, match="no training sentences"):
        tagger.train([])
    bad = Sentence(("a", "b"), (Entity(1, 3, "PER"),), origin="x.conll:7")
    with pytest.raises(InputError, match=r"x\.conll:7"):
        tagger.train([bad])
    with pytest.raises(ConfigError):
        HFTagger(encoder, epochs=0)


def test_cli_train_tagger(encoder: Path, tmp_path: Path) -> None:
    from xlner.cli.main import main
    from xlner.corpora.conll import write_conll
    from xlner.tag import load_tagger

    train = tmp_path / "train.conll"
    write_conll(train, synthetic(30, seed=13))
    out = tmp_path / "saved"
    rc = main(["train", "--tagger", f"hf(model={encoder},epochs=1,lr=0.003,device=cpu)",
               "--train", str(train), "--model", str(out)])
    assert rc == 0
    assert json.loads((out / "signature.json").read_text())["command"] == "train"
    tagger = load_tagger(out)
    assert tagger.labels == ["O", "B-PER", "I-PER"] and len(tagger.predict([["ka"]])) == 1
