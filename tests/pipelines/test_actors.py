"""Model steps as Ray actor pools: the pooled translate step gives the local one's output."""

from __future__ import annotations

from pathlib import Path

import pytest

from xlner.errors import ConfigError
from xlner.pipelines.actors import ModelPool, pooled_translate
from xlner.pipelines.stages import Workspace
from xlner.pipelines.steps import translate_step

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
