"""Translating a corpus to a file: formats, signature, resume after an interruption."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.tiny_mt import DictTranslator
from xlner.errors import InputError
from xlner.translate.run import partial_path, translate_to_file

SENTS = [f"s{k} the city" for k in range(7)]


class Failing(DictTranslator):
    def __init__(self, fail_at_call: int) -> None:
        super().__init__({"the": "die", "city": "Stadt"})
        self.fail_at_call = fail_at_call

    def translate(self, sentences: Sequence[str], src_lang: str, tgt_lang: str) -> list[str]:
        if len(self.calls) == self.fail_at_call:
            raise RuntimeError("interrupted")
        return super().translate(sentences, src_lang, tgt_lang)


def test_jsonl_and_text_outputs(tmp_path: Path) -> None:
    tr = DictTranslator({"the": "die", "city": "Stadt"})
    out = translate_to_file(tr, SENTS, tmp_path / "t.jsonl", "en", "de", chunk_size=3,
                            signature={"command": "translate"})
    assert out[2] == "s2 die Stadt"
    rows = [json.loads(x) for x in (tmp_path / "t.jsonl").read_text().splitlines()]
    assert [r["index"] for r in rows] == list(range(7))
    assert rows[4] == {"index": 4, "source": "s4 the city", "translation": "s4 die Stadt"}
    assert (tmp_path / "t.jsonl.signature.json").exists()
    assert not partial_path(tmp_path / "t.jsonl").exists()
    translate_to_file(tr, SENTS, tmp_path / "t.txt", "en", "de")
    assert (tmp_path / "t.txt").read_text().splitlines() == out


def test_resume_continues_after_the_last_finished_chunk(tmp_path: Path) -> None:
    target = tmp_path / "t.jsonl"
    with pytest.raises(RuntimeError):
        translate_to_file(Failing(fail_at_call=2), SENTS, target, "en", "de", chunk_size=3)
    assert not target.exists()
    assert len(partial_path(target).read_text().splitlines()) == 6
    with open(partial_path(target), "a") as handle:
        handle.write('{"index": 6, "sou')  # a line cut by the interruption
    again = Failing(fail_at_call=99)
    out = translate_to_file(again, SENTS, target, "en", "de", chunk_size=3)
    assert again.calls == [[SENTS[6]]]  # only the unfinished sentence
    assert out == [f"s{k} die Stadt" for k in range(7)]


def test_a_partial_file_of_other_sentences_is_an_error(tmp_path: Path) -> None:
    target = tmp_path / "t.jsonl"
    with pytest.raises(RuntimeError):
        translate_to_file(Failing(fail_at_call=1), SENTS, target, "en", "de", chunk_size=3)
    other = ["x", *SENTS[1:]]
    with pytest.raises(InputError, match="other sentences"):
        translate_to_file(DictTranslator(), other, target, "en", "de")
    out = translate_to_file(DictTranslator(), other, target, "en", "de", resume=False)
    assert out[0] == "x"
