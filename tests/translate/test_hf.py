"""transformers translators on tiny locally built models (random weights, real code path)."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("sentencepiece")

from tests.tiny_mt import FAST, tiny_model
from xlner.bench.tiny_seq2seq import tiny_sentences
from xlner.errors import ConfigError, InputError
from xlner.translate import create_translator
from xlner.translate.hf import HFTranslator

FAMILIES = ["nllb", "m2m100", "marian"]
SENTS = tiny_sentences(7, seed=3, max_words=10)


@pytest.fixture(scope="module", params=FAMILIES)
def family_translator(request: pytest.FixtureRequest) -> tuple[str, HFTranslator]:
    return request.param, HFTranslator(str(tiny_model(request.param)), **FAST)


def test_batched_equals_one_at_a_time_in_input_order(
        family_translator: tuple[str, HFTranslator]) -> None:
    family, tr = family_translator
    tr.max_tokens = 10_000
    batched = tr.translate(SENTS, "hau", "en")
    assert tr.last_stats.batches == 1
    tr.max_tokens = 24  # forces several length-sorted batches
    sorted_batches = tr.translate(SENTS, "hau", "en")
    assert tr.last_stats.batches > 2
    single = [tr.translate([s], "hau", "en")[0] for s in SENTS]
    tr.max_tokens = 4096
    assert len(batched) == len(SENTS)
    assert batched == single == sorted_batches
    assert len(set(batched)) > 1, "outputs should depend on the input"
    assert tr.handle("hau", "en").family == family


def test_registry_names_pick_the_family_and_check_it() -> None:
    path = tiny_model("nllb")
    tr = create_translator(f"nllb(model={path},beam_size=1,device=cpu,max_output_extra=2,"
                           "max_output_ratio=0.5)")
    assert tr.describe()["name"] == "nllb" and tr.describe()["family"] == "nllb"
    assert len(tr.translate(["kalo Berlin", ""], "hau", "eng")) == 2
    assert tr.translate([""], "hau", "eng") == [""]
    with pytest.raises(ConfigError, match="is a nllb model, not marian"):
        create_translator(f"marian(model={path},device=cpu)").translate(["x"], "de", "en")


def test_language_codes_are_checked(family_translator: tuple[str, HFTranslator]) -> None:
    family, tr = family_translator
    with pytest.raises(ConfigError, match="unknown language code"):
        tr.translate(["kalo"], "hau", "klingon")
    if family == "nllb":
        with pytest.raises(ConfigError, match="no NLLB-200 language code"):
            tr.translate(["kalo"], "bbj", "en")
        assert len(tr.translate(["kalo"], "ace_Arab", "eng_Latn")) == 1


def test_long_input_errors_or_splits() -> None:
    tr = HFTranslator(str(tiny_model("nllb")), max_length=10, **FAST)
    long = " ".join(["kalo mita"] * 8)
    with pytest.raises(InputError, match=r"sentence 1 has .* tokens; the model takes at most 10"):
        tr.translate(["kalo", long], "hau", "en")
    tr.too_long = "split"
    out = tr.translate(["kalo", long], "hau", "en")
    assert len(out) == 2 and tr.last_stats.split_sentences == 1
    assert out[1]


def test_beam_search_runs() -> None:
    tr = HFTranslator(str(tiny_model("nllb")), **{**FAST, "beam_size": 3})
    out = tr.translate(SENTS[:3], "hau", "en")
    assert len(out) == 3


def test_log_likelihood_matches_the_models_own_loss() -> None:
    import torch

    tr = HFTranslator(str(tiny_model("nllb")), **FAST)
    src, tgt = SENTS[:4], SENTS[2:6]
    scores = tr.log_likelihood(src, tgt, "hau", "deu")
    handle = tr.handle("hau", "deu")
    tokenizer, model = handle.tokenizer, handle.model
    for k in range(4):
        tokenizer.src_lang, tokenizer.tgt_lang = "hau_Latn", "deu_Latn"
        enc = tokenizer(src[k], text_target=tgt[k], return_tensors="pt")
        labels = enc["labels"].clone()
        assert labels[0, 0].item() == tokenizer.convert_tokens_to_ids("deu_Latn")
        start = torch.tensor([[model.config.decoder_start_token_id]])
        decoder_input_ids = torch.cat([start, enc["labels"][:, :-1]], dim=1)
        labels[0, 0] = -100  # the forced language token is not scored
        with torch.no_grad():
            loss = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"],
                         decoder_input_ids=decoder_input_ids, labels=labels).loss.item()
        assert scores[k] == pytest.approx(-loss, abs=1e-4)
    one = [tr.log_likelihood([s], [t], "hau", "deu")[0] for s, t in zip(src, tgt, strict=True)]
    assert scores == pytest.approx(one, abs=1e-5)
    assert (scores < 0).all()
