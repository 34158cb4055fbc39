"""The embedded CRF tagger: features, training, prediction with probabilities, save/load."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.synthetic_parallel import make_pairs
from xlner.data import Entity, Sentence
from xlner.errors import ConfigError, InputError, XlnerError
from xlner.tag import create_tagger, load_tagger
from xlner.tag.crf import CRFTagger, FeatureExtractor, shape, short_shape


@pytest.fixture(scope="module")
def trained() -> tuple[CRFTagger, list[Sentence], list[Sentence]]:
    train, _ = make_pairs(150, seed=11)
    test, _ = make_pairs(40, seed=12)
    tagger = CRFTagger(max_iterations=40)
    tagger.train(train)
    return tagger, train, test


def test_shapes() -> None:
    assert shape("Obama2") == "Xxxxxd"
    assert short_shape("Obama2") == "Xxd"
    assert short_shape("U.S.") == "X.X."
    assert shape("ሰላም") == "aaa"  # caseless script: letters, not punctuation


def test_features_use_window_affixes_and_position() -> None:
    feats = FeatureExtractor(window=2, affixes=3)(["Anna", "visited", "Berlin"])
    first, middle, last = feats
    assert "BOS" in first and "EOS" in last and "BOS" not in middle
    assert "w=visited" in middle and "-1:w=anna" in middle and "1:w=berlin" in middle
    assert "s3=ted" in middle and "p3=vis" in middle
    assert "title" in first and "title" not in middle
    assert "-2:pad" in first and "2:pad" in last
    assert "-1|0:w=anna|visited" in middle


def test_learns_and_generalises(trained: tuple[CRFTagger, list[Sentence], list[Sentence]]
                                ) -> None:
    tagger, _, test = trained
    tagged = tagger.predict([s.words for s in test])
    gold = {(k, e) for k, s in enumerate(test) for e in s.entities}
    pred = {(k, e) for k, t in enumerate(tagged) for e in t.entities}
    assert len(gold & pred) / len(gold) > 0.9
    assert len(gold & pred) / len(pred) > 0.9
    # an unseen name in a seen context is still found
    out = tagger.predict([["Zorba", "Quill", "visited", "Kano", "on", "Monday", "."]])[0]
    assert Entity(3, 4, "LOC") in out.entities


def test_probabilities(trained: tuple[CRFTagger, list[Sentence], list[Sentence]]) -> None:
    tagger, _, test = trained
    assert tagger.labels[0] == "O"
    assert set(tagger.labels) == {"O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG",
                                  "B-MISC", "I-MISC"}
    words = test[0].words
    (tagged,) = tagger.predict([words])
    assert tagged.probs is not None
    assert tagged.probs.shape == (len(words), len(tagger.labels))
    np.testing.assert_allclose(tagged.probs.sum(axis=1), 1.0, atol=1e-4)
    best = [tagger.labels[c] for c in tagged.probs.argmax(axis=1)]
    for ent in tagged.entities:
        assert best[ent.start] == f"B-{ent.label}"


def test_empty_sentence_in_batch_gives_empty_output(
        trained: tuple[CRFTagger, list[Sentence], list[Sentence]]) -> None:
    tagger, _, _ = trained
    out = tagger.predict([[], ["Kano", "."]])
    assert out[0].entities == [] and out[0].probs is not None and out[0].probs.shape[0] == 0
    assert len(out) == 2


def test_save_load_round_trip(tmp_path: Path,
                              trained: tuple[CRFTagger, list[Sentence], list[Sentence]]) -> None:
    tagger, _, test = trained
    tagger.save(tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "tagger.json").read_text())
    assert meta["name"] == "crf" and meta["labels"] == tagger.labels
    assert meta["training"]["sentences"] == 150
    loaded = load_tagger(tmp_path / "m")
    assert isinstance(loaded, CRFTagger)
    words = [s.words for s in test]
    a = tagger.predict(words)
    b = loaded.predict(words)
    assert [x.entities for x in a] == [x.entities for x in b]
    assert a[0].probs is not None and b[0].probs is not None
    np.testing.assert_allclose(a[0].probs, b[0].probs)
    assert loaded.max_iterations == 40


def test_training_is_deterministic() -> None:
    train, _ = make_pairs(60, seed=3)
    a, b = CRFTagger(max_iterations=15), CRFTagger(max_iterations=15)
    a.train(train)
    b.train(train)
    assert a._model == b._model


def test_registered_and_configurable() -> None:
    tagger = create_tagger("crf(c1=0.2,max_iterations=7)")
    assert isinstance(tagger, CRFTagger) and tagger.c1 == 0.2 and tagger.max_iterations == 7
    with pytest.raises(ConfigError):
        CRFTagger(algorithm="magic")
    with pytest.raises(ConfigError):
        CRFTagger(max_iterations=0)


def test_errors(tmp_path: Path) -> None:
    with pytest.raises(XlnerError, match="train or load"):
        CRFTagger().predict([["a"]])
    with pytest.raises(XlnerError, match="no model"):
        CRFTagger().save(tmp_path / "x")
    with pytest.raises(InputError, match="no training sentences"):
        CRFTagger().train([])
    bad = [Sentence(("Kano",), (Entity(0, 1, "LOC"),)), Sentence((), (), "f.conll:9")]
    with pytest.raises(InputError, match=r"f\.conll:9: training sentence 1 is empty"):
        CRFTagger().train(bad)
    with pytest.raises(InputError, match=r"no tagger\.json"):
        load_tagger(tmp_path)
    train, _ = make_pairs(20, seed=5)
    model = CRFTagger(max_iterations=5)
    model.train(train)
    model.save(tmp_path / "m")
    (tmp_path / "m" / "model.crfsuite").write_bytes(b"garbage")
    with pytest.raises(InputError, match=r"model\.crfsuite"):
        load_tagger(tmp_path / "m")
    (tmp_path / "m" / "model.crfsuite").unlink()
    with pytest.raises(InputError, match=r"no model\.crfsuite"):
        load_tagger(tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "tagger.json").read_text())
    meta["features"] = 999
    (tmp_path / "m" / "tagger.json").write_text(json.dumps(meta))
    with pytest.raises(InputError, match="retrain"):
        load_tagger(tmp_path / "m")


def test_online_training_is_seeded_and_reuses_features() -> None:
    from xlner.tag import crf

    train, _ = make_pairs(80, seed=6)
    other, _ = make_pairs(80, seed=7)
    crf.clear_training_cache()
    models = []
    trainers = []
    for seed, data in ((2, train), (3, train), (2, other), (2, train)):
        tagger = CRFTagger(algorithm="ap", max_iterations=5, seed=seed)
        tagger.train(data)
        models.append(tagger._model)
        assert crf._TRAINER_CACHE is not None
        trainers.append(crf._TRAINER_CACHE[1])
    assert models[0] == models[3]  # same seed, same data: same model
    assert models[0] != models[1]  # another seed shuffles differently
    assert trainers[0] is trainers[1]  # the second seed reused the extracted features
    assert trainers[2] is not trainers[1] and trainers[3] is not trainers[2]
    crf.clear_training_cache()
    assert crf._TRAINER_CACHE is None
