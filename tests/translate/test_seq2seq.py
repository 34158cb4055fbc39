"""Shared translator machinery without any model: batching, long inputs, language tokens."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from typing import Any

import pytest

from xlner.errors import ConfigError, InputError
from xlner.translate.seq2seq import (
    Seq2SeqTranslator,
    detect_family,
    language_token,
    split_to_fit,
    token_batches,
)


def test_token_batches_cover_every_index_once_within_budget() -> None:
    lengths = [5, 1, 9, 3, 3, 7, 2, 8, 1, 4]
    batches = token_batches(lengths, max_tokens=16)
    flat = sorted(i for b in batches for i in b)
    assert flat == list(range(len(lengths)))
    for batch in batches:
        assert max(lengths[i] for i in batch) * len(batch) <= 16
        # longest first: each batch is sorted by decreasing length
        assert [lengths[i] for i in batch] == sorted((lengths[i] for i in batch), reverse=True)
    assert token_batches(lengths, 1000, max_batch_size=3)[0] == [2, 7, 5]
    assert all(len(b) <= 3 for b in token_batches(lengths, 1000, max_batch_size=3))


def test_token_batches_give_an_oversized_item_its_own_batch() -> None:
    assert token_batches([50, 2, 2], max_tokens=10) == [[0], [1, 2]]
    with pytest.raises(ConfigError):
        token_batches([1], max_tokens=0)


def _count(texts: Sequence[str]) -> list[int]:
    return [len(t.split()) + 2 for t in texts]  # two special tokens, one token a word


def test_split_to_fit_cuts_at_spaces_into_fitting_pieces() -> None:
    text = " ".join(f"w{k}" for k in range(23))
    pieces = split_to_fit(text, _count, 7, index=3)
    assert " ".join(pieces) == text
    assert all(n <= 7 for n in _count(pieces))
    assert len(pieces) == 5


def test_split_to_fit_reports_a_word_that_cannot_fit() -> None:
    def count(texts: Sequence[str]) -> list[int]:
        return [len(t) + 2 for t in texts]

    with pytest.raises(InputError, match=r"sentence 4.*alone has"):
        split_to_fit("ab abcdefghij cd", count, 6, index=4)


def test_language_tokens_per_family_and_clear_errors() -> None:
    assert language_token("nllb", "hau") == "hau_Latn"
    assert language_token("nllb", "de") == "deu_Latn"
    assert language_token("nllb", "ace_Arab") == "ace_Arab"  # any raw NLLB code
    assert language_token("m2m100", "deu") == "__de__"
    assert language_token("marian", "de") is None
    with pytest.raises(ConfigError, match="unknown language code 'xx'"):
        language_token("nllb", "xx")
    with pytest.raises(ConfigError, match="no NLLB-200"):
        language_token("nllb", "bbj")
    with pytest.raises(ConfigError, match="not an M2M100"):
        language_token("m2m100", "tel")
    with pytest.raises(ConfigError):
        language_token("marian", "zz")


def test_detect_family() -> None:
    assert detect_family("m2m_100", "NllbTokenizer") == "nllb"
    assert detect_family("m2m_100", "M2M100Tokenizer") == "m2m100"
    assert detect_family("marian", "MarianTokenizer") == "marian"
    with pytest.raises(ConfigError, match="unsupported"):
        detect_family("t5", "T5Tokenizer")


class _Handle:
    family = "nllb"
    path = "fake"
    max_length = 8

    def has_token(self, token: str) -> bool:
        return token != "fuv_Latn"

    def count(self, texts: Sequence[str], src_token: str | None) -> list[int]:
        return _count(texts)

    def count_target(self, texts: Sequence[str], tgt_token: str | None) -> list[int]:
        return _count(texts)


class _Fake(Seq2SeqTranslator):
    """Reverses the words; records batch sizes."""

    def __init__(self, **kw: Any) -> None:
        super().__init__("fake", **kw)
        self.batches: list[list[str]] = []

    def _load(self, model: str) -> Any:
        return _Handle()

    def _generate(self, handle: Any, texts: list[str], src_token: str | None,
                  tgt_token: str | None) -> tuple[list[str], int]:
        self.batches.append(texts)
        return [f"{tgt_token}:" + " ".join(reversed(t.split())) for t in texts], 0

    def _score(self, handle: Any, sources: list[str], targets: list[str],
               src_token: str | None, tgt_token: str | None) -> list[float]:
        return [-float(len(t)) for t in targets]


def test_translate_keeps_input_order_under_length_sorting() -> None:
    fake = _Fake(max_tokens=12)
    sents = ["a b c", "d", "", "e f g h", "i j", "   "]
    out = fake.translate(sents, "en", "hau")
    assert out == ["hau_Latn:c b a", "hau_Latn:d", "", "hau_Latn:h g f e", "hau_Latn:j i", ""]
    assert len(fake.batches) > 1  # the budget forced several batches
    assert fake.batches[0][0] == "e f g h"  # longest first


def test_too_long_is_an_error_or_split_never_truncated() -> None:
    long = " ".join(f"w{k}" for k in range(15))
    with pytest.raises(InputError, match="sentence 1 has 17 tokens"):
        _Fake().translate(["ok", long], "en", "de")
    fake = _Fake(too_long="split")
    out = fake.translate(["ok", long], "en", "de")
    assert fake.last_stats.split_sentences == 1
    words = out[1].replace("deu_Latn:", "").split()
    assert sorted(words) == sorted(long.split())  # every word translated, none lost
    assert out[1].count("deu_Latn:") == 3  # in three pieces of at most 6 words


def test_unknown_language_token_in_model_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="no language token 'fuv_Latn'"):
        _Fake().translate(["x"], "en", "fuv_Latn")


def test_log_likelihood_keeps_order_and_checks_lengths() -> None:
    fake = _Fake(max_tokens=8)
    scores = fake.log_likelihood(["a", "b c", "d"], ["xx", "y", "zzz"], "en", "de")
    assert scores.tolist() == [-2.0, -1.0, -3.0]
    with pytest.raises(InputError):
        fake.log_likelihood(["a"], ["b", "c"], "en", "de")


def test_model_templates_fill_language_codes() -> None:
    fake = _Fake()
    fake.model = "opus-mt-{src}-{tgt}"
    assert fake.model_for("deu", "en") == "opus-mt-de-en"
    fake.model = "m-{src3}-{tgt3}"
    assert fake.model_for("de", "hau") == "m-deu-hau"


def test_invalid_settings_are_config_errors() -> None:
    for kw in ({"beam_size": 0}, {"too_long": "cut"}, {"max_tokens": 0}, {"max_length": 1}):
        with pytest.raises(ConfigError):
            _Fake(**kw)


def test_importing_xlner_and_its_components_does_not_import_torch() -> None:
    code = ("import sys, xlner, xlner.cli.main as m; m.load_components(); "
            "from xlner.registry import translators, scorers, aligners; "
            "assert {'nllb', 'm2m100', 'marian', 'hf', 'ct2'} <= set(translators.names()); "
            "assert 'nmt' in scorers and 'backtranslation' in aligners; "
            "bad = [k for k in sys.modules if k.split('.')[0] in "
            "('torch', 'transformers', 'ctranslate2')]; assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_language_codes_are_checked_before_the_model_loads() -> None:
    class NoLoad(_Fake):
        def _load(self, model: str) -> Any:
            raise AssertionError("the model must not load for a bad language code")

    with pytest.raises(ConfigError, match="no NLLB-200"):
        NoLoad(family="nllb").translate(["x"], "en", "pcm")
    with pytest.raises(ConfigError, match="unknown language code"):
        NoLoad().log_likelihood(["x"], ["y"], "en", "qq")


MASAKHANER2 = ["bam", "ewe", "fon", "hau", "ibo", "kin", "lug", "luo", "mos", "nya", "sna",
               "swa", "tsn", "twi", "wol", "xho", "yor", "zul"]
XTREME = ["af", "ar", "bg", "bn", "de", "el", "es", "et", "eu", "fa", "fi", "fr", "he", "hi", "hu",
          "id", "it", "ja", "jv", "ka", "kk", "ko", "ml", "mr", "ms", "my", "nl", "pt", "ru", "sw",
          "ta", "te", "th", "tl", "tr", "ur", "vi", "yo", "zh"]


def test_every_published_language_has_a_real_nllb_code() -> None:
    tokens = {language_token("nllb", code) for code in MASAKHANER2 + XTREME + ["en"]}
    # swa/sw and yor/yo are the same languages in both benchmarks; all others are distinct
    assert len(tokens) == len(MASAKHANER2) + len(XTREME) + 1 - 2
    assert language_token("nllb", "sw") == language_token("nllb", "swa") == "swh_Latn"
    nllb = pytest.importorskip("transformers.models.nllb.tokenization_nllb")
    assert tokens <= set(nllb.FAIRSEQ_LANGUAGE_CODES)
    m2m = pytest.importorskip("transformers.models.m2m_100.tokenization_m2m_100")
    for code in XTREME:
        if code != "te" and code != "eu":
            token = language_token("m2m100", code)
            assert token is not None and token[2:-2] in m2m.FAIRSEQ_LANGUAGE_CODES["m2m100"]


def test_output_cap_follows_the_input_and_stays_within_the_model() -> None:
    fake = _Fake(max_output_ratio=1.5, max_output_extra=4)
    assert fake.output_cap(10) == 19
    assert fake.output_cap(100, limit=127) == 127
