from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.toydata import write_toy_data_dir
from xlner.bench.europarl import available_languages, bench_europarl
from xlner.cli.main import main
from xlner.errors import ConfigError


def test_bench_on_any_language_present(tmp_path: Path) -> None:
    data = write_toy_data_dir(tmp_path / "data", lang="xx")
    write_toy_data_dir(tmp_path / "data", lang="yy")
    assert available_languages(data) == ["xx", "yy"]
    out = bench_europarl(None, ["heuristic", "heuristic-paper"], data_dir=data, download=False)
    rows = out["results"]
    assert [(r["lang"], r["method"]) for r in rows] == [
        ("xx", "heuristic"), ("xx", "heuristic-paper"), ("yy", "heuristic"),
        ("yy", "heuristic-paper")]
    for r in rows:
        assert {"lang", "method", "f1", "precision", "recall", "per_class", "align_seconds",
                "project_seconds", "sentences"} <= set(r)
        assert r["sentences"] == 60
        assert r["f1"] > 0.9  # names are copied, the toy alignment is easy
    sig = out["signature"]
    assert sig["components"]["aligners"]["xx"]["bitext"]["pairs"] == 300
    assert sig["components"]["methods"]["heuristic"]["projector"]["name"] == "heuristic"


def test_cli_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_toy_data_dir(tmp_path / "data")
    out = tmp_path / "bench.json"
    assert main(["bench", "europarl", "--data-dir", str(data), "--langs", "xx",
                 "--methods", "heuristic(d=1,thr=0.8),heuristic", "--json", str(out),
                 "--no-download"]) == 0
    table = capsys.readouterr().out
    assert "heuristic(d=1,thr=0.8)" in table
    result = json.loads(out.read_text())
    assert [r["method"] for r in result["results"]] == ["heuristic(d=1,thr=0.8)", "heuristic"]
    assert result["signature"]["xlner"]


def test_no_language(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        bench_europarl(None, ["heuristic"], data_dir=tmp_path, download=False)
