"""Model steps as Ray actor pools: the pooled translate step gives the local one's output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from xlner.errors import ConfigError
from xlner.pipelines.actors import ModelPool, pooled, pooled_translate
from xlner.pipelines.stages import Workspace
from xlner.pipelines.steps import align_step, translate_step

SENTENCES = [("Kano", "is", "in", "Nigeria", "."), ("Angela", "Merkel", "visited", "Abuja"),
             ("the", "bank", "of", "Lagos"), ("a",), ("Ibrahim", "met", "Buhari", "today"),
             ("five", "words", "in", "a", "row")]


@pytest.mark.slow
def test_ray_translate_step_equals_the_local_one(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    ray = pytest.importorskip("ray")
    from tests.tiny_mt import FAST, tiny_model
    from xlner.translate.hf import HFTranslator

    params = {"model": str(tiny_model("nllb")), **FAST}
    texts = [" ".join(s) for s in SENTENCES]
    want = HFTranslator(**params).translate(texts, "en", "hau")  # type: ignore[arg-type]
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        with ModelPool("translator", "hf", params, actors=2) as pool:
            assert not pool.started  # Ray was running: the pool leaves it running
            got = pooled_translate(pool, batch_size=2)(texts, "en", "hau")
            # one model per actor, built when the actor started: both actors answered
            owners = pool.map("describe", [()] * 4)
    finally:
        ray.shutdown()
    assert got == want and len(got) == len(SENTENCES)
    assert owners == [HFTranslator(**params).describe()] * 4  # type: ignore[arg-type]


def test_translate_step_runs_the_given_translate_under_the_translator_key(
        tmp_path: Path) -> None:
    from tests.tiny_mt import DictTranslator

    tr = DictTranslator({"is": "ne"})
    inputs = {"source": "six sentences"}
    want, key = translate_step(Workspace(tmp_path / "a"), SENTENCES, tr, src_lang="en",
                               tgt_lang="hau", tokenizer="whitespace", inputs=inputs)
    calls: list[int] = []

    def run(texts: object, src: str, tgt: str) -> list[str]:
        calls.append(len(texts))  # type: ignore[arg-type]
        return DictTranslator({"is": "ne"}).translate(texts, src, tgt)  # type: ignore[arg-type]

    fresh = DictTranslator({"is": "ne"})  # (the first one logged its calls: another key)
    got, key2 = translate_step(Workspace(tmp_path / "b"), SENTENCES, fresh, src_lang="en",
                               tgt_lang="hau", tokenizer="whitespace", inputs=inputs, run=run)
    assert calls == [len(SENTENCES)] and not fresh.calls  # the given translate ran
    assert got == want and key2 == key
    assert (tmp_path / "a" / "translations.jsonl").read_bytes() == (
        tmp_path / "b" / "translations.jsonl").read_bytes()


def test_pool_settings_are_checked() -> None:
    with pytest.raises(ConfigError, match="unknown model step"):
        ModelPool("solver", "ilp")
    with pytest.raises(ConfigError, match="at least 1 actor"):
        ModelPool("translator", "hf", actors=0)


def _tiny_translate_test(tmp_path: Path) -> tuple[Any, Path]:
    """A translate-test configuration over a tiny token-classification encoder (the tagger,
    and the encoder of a SimAlign aligner) on 40 synthetic pairs."""
    from tests.synthetic_parallel import make_pairs
    from xlner.bench.tiny_encoders import build_tiny_encoder
    from xlner.corpora.conll import write_conll
    from xlner.corpora.corpus import Corpus
    from xlner.pipelines.config import translate_test_config

    en, xx = make_pairs(40, seed=7)
    cache = tmp_path / "en.txt"
    cache.write_text("".join(" ".join(s.words) + "\n" for s in en), encoding="utf-8")
    gold = tmp_path / "gold.conll"
    write_conll(gold, Corpus(xx, name="synthetic"))
    model = build_tiny_encoder(tmp_path / "model", [" ".join(s.words) for s in en + xx],
                               vocab_size=120, labels=["O", "B-PER", "I-PER", "B-LOC", "I-LOC"])
    config = translate_test_config(
        lang="swa", target=str(gold), tagger=str(model), tagger_params={"device": "cpu"},
        translations=str(cache), tokenizer="whitespace", aligner="simalign",
        aligner_params={"model": str(model), "layer": 1, "device": "cpu", "batch_size": 4},
        method="heuristic-paper", bitext=False, out=tmp_path / "local")
    return config, model


def _with_target_tagger(config: Any, model: Path, out: Path) -> Any:
    """The same run projecting by candidate matching with the target tagger's spans and
    scores (the same tiny model on the target side)."""
    import dataclasses

    from xlner.pipelines.config import Project

    method = ("matching(candidates=ngrams:4+tagger,scores=[align=0.5,tagger(mode=span)=0.5],"
              "solver=ilp)")
    steps = tuple(dataclasses.replace(s, methods=(method,), target_tagger=str(model),
                                      target_tagger_params={"device": "cpu"})
                  if isinstance(s, Project) else s for s in config.steps)
    return dataclasses.replace(config, steps=steps, out=str(out))


@pytest.mark.slow
def test_ray_translate_test_pools_the_tagger_and_the_aligner(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """translate-test with engine = "ray": the HF tagger, the SimAlign aligner and the target
    tagger of a matching method run in actor pools (the driver never runs any model) and every
    stage equals the local run's."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    ray = pytest.importorskip("ray")
    import dataclasses

    from xlner.align.neural import Embedder
    from xlner.pipelines.run import run
    from xlner.tag.hf import HFTagger

    config, model = _tiny_translate_test(tmp_path)
    local = run(config).outcome
    ray_config = dataclasses.replace(config, engine="ray", workers=2, out=str(tmp_path / "ray"))
    tagged_local = _with_target_tagger(config, model, tmp_path / "local-tt")
    tagged_ray = _with_target_tagger(ray_config, model, tmp_path / "ray-tt")
    local_tt = run(tagged_local).outcome

    def no_model_here(*args: object, **kwargs: object) -> None:
        raise AssertionError("the model ran in the driver")

    monkeypatch.setattr(HFTagger, "predict", no_model_here)
    monkeypatch.setattr(Embedder, "embed", no_model_here)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        remote = run(ray_config).outcome
        remote_tt = run(tagged_ray).outcome
    finally:
        ray.shutdown()
    assert remote_tt.scores == local_tt.scores
    mine, theirs = (tmp_path / d / "predictions.conll" for d in ("local-tt", "ray-tt"))
    assert theirs.read_bytes() == mine.read_bytes()
    assert remote.computed == local.computed and "tagged.conll" in remote.computed
    for rel in ("tagged.conll", "align/links.txt", "predictions.conll",
                "tagged.conll.signature.json", "align.signature.json"):
        mine, theirs = tmp_path / "local" / rel, tmp_path / "ray" / rel
        if rel.endswith(".signature.json"):  # same stage keys (times and paths differ)
            assert json.loads(theirs.read_text())["key"] == json.loads(mine.read_text())["key"]
        else:
            assert theirs.read_bytes() == mine.read_bytes(), rel
    assert remote.scores == local.scores


def test_pooled_runs_nothing_off_ray(tmp_path: Path) -> None:
    import dataclasses

    from xlner.align.base import is_pairwise
    from xlner.align.eflomal import EflomalAligner
    from xlner.align.neural import SimAlignAligner
    from xlner.pipelines.config import translate_test_config

    config = translate_test_config(lang="swa", target="x.conll", tagger="crf")
    for given in (None, config, dataclasses.replace(config, workers=2)):
        with pooled(given, "tagger", "crf", {}, "predict") as run:
            assert run is None  # the component runs in this process
    with pytest.raises(ConfigError, match="batch_size must be positive"), \
            pooled(dataclasses.replace(config, engine="ray"), "tagger", "crf", {}, "predict",
                   batch_size=0):
        pass
    assert is_pairwise(SimAlignAligner("m")) and not is_pairwise(EflomalAligner())


def test_align_step_runs_the_given_align_under_the_aligner_key(tmp_path: Path) -> None:
    """A pool's ``run`` replaces the aligner's own call; the stage key and files are the
    aligner's (so a local and a Ray run share their stages)."""
    import numpy as np

    class Diagonal:
        name, version, pairwise, directional = "diagonal", 1, True, False

        def __init__(self) -> None:
            self.calls = 0

        def align(self, src: Any, tgt: Any) -> list[np.ndarray]:
            self.calls += 1
            return [np.array([[k, k] for k in range(min(len(s), len(t)))], dtype=np.int32)
                    .reshape(-1, 2) for s, t in zip(src, tgt, strict=True)]

        def describe(self) -> dict[str, Any]:
            return {"name": self.name, "version": self.version}

    src = [s[:3] for s in SENTENCES]
    al = Diagonal()
    want, key, _ = align_step(Workspace(tmp_path / "a"), src, SENTENCES, al, upstream=["u"])
    batches: list[int] = []

    def run(s: Any, t: Any) -> list[np.ndarray]:
        batches.append(len(s))
        return Diagonal().align(s, t)

    other = Diagonal()
    got, key2, _ = align_step(Workspace(tmp_path / "b"), src, SENTENCES, other,
                              upstream=["u"], run=run)
    assert batches == [len(SENTENCES)] and other.calls == 0
    assert key2 == key and [x.tolist() for x in got] == [x.tolist() for x in want]
    assert (tmp_path / "a" / "align" / "links.txt").read_bytes() == (
        tmp_path / "b" / "align" / "links.txt").read_bytes()
