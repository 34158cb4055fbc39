"""``xlner translate``, ``convert-ct2`` and ``bench translate-batching`` on tiny models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from tests.tiny_mt import tiny_model
from xlner.cli.main import main


def test_translate_command_writes_jsonl_with_signature(tmp_path: Path) -> None:
    src = tmp_path / "in.txt"
    src.write_text("kalo mita Berlin sure\nAmina Bello ta Kano .\nba do fe gu\n")
    out = tmp_path / "out.jsonl"
    spec = (f"nllb(model={tiny_model('nllb')},device=cpu,beam_size=1,max_output_ratio=0.5,"
            "max_output_extra=2,threads=1)")
    assert main(["translate", "--input", str(src), "--out", str(out), "--translator", spec,
                 "--src-lang", "hau", "--tgt-lang", "en", "--chunk-size", "2"]) == 0
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["source"] for r in rows] == src.read_text().splitlines()
    sig = json.loads((tmp_path / "out.jsonl.signature.json").read_text())
    assert sig["components"]["translator"]["name"] == "nllb"
    assert sig["params"] == {"src_lang": "hau", "tgt_lang": "en"}
    assert main(["translate", "--input", str(src), "--out", str(out), "--translator", spec,
                 "--src-lang", "xx"]) == 2  # unknown language: a clear error, exit 2


def test_convert_ct2_command(tmp_path: Path) -> None:
    pytest.importorskip("ctranslate2")
    out = tmp_path / "ct2"
    assert main(["convert-ct2", str(tiny_model("marian")), str(out)]) == 0
    assert (out / "model.bin").exists() and (out / "xlner-ct2.json").exists()
    assert main(["convert-ct2", str(tiny_model("marian")), str(out)]) == 2  # exists


def test_bench_batching_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = (f"hf(model={tiny_model('nllb')},device=cpu,beam_size=1,max_output_ratio=0.5,"
            "max_output_extra=2,max_tokens=100000,threads=1)")
    assert main(["bench", "translate-batching", "--translator", spec, "--sentences", "6",
                 "--batch-size", "3", "--json", str(tmp_path / "b.json")]) == 0
    assert "speed-up" in capsys.readouterr().out
    data = json.loads((tmp_path / "b.json").read_text())
    assert data["signature"]["params"]["batch_size"] == 3
    result = data["results"][0]
    assert result["items"] == 6 and result["batch_size"] == 3
