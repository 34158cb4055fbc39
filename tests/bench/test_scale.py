"""``xlner bench scale`` on a tiny data directory: rows, keys, repetition, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.synthetic_parallel import write_data_dir
from xlner.bench.scale import PeakRSS, parse_engines
from xlner.cli.main import main
from xlner.errors import ConfigError


def test_scale_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_data_dir(tmp_path / "data", "swa", n=60, seed=3)
    out = tmp_path / "scale.json"
    assert main(["bench", "scale", "--data-dir", str(data), "--sizes", "30,70",
                 "--engines", "local:1,local:2", "--shard-size", "40", "--aligner-param",
                 "rel_iterations=0.05", "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    rows = result["results"]
    assert [(r["n"], r["engine"], r["workers"]) for r in rows] == [
        (30, "local", 1), (30, "local", 2), (70, "local", 1), (70, "local", 2)]
    for r in rows:
        assert {"n", "engine", "workers", "seconds", "peak_rss_mb",
                "sentences_per_second"} <= set(r)
        assert r["peak_rss_mb"] > 10 and r["sentences_per_second"] > 0
        assert r["distinct_pairs"] == 60 and r["repeated"] == (r["n"] > 60)
        assert r["shards"] == -(-r["n"] // 40)
    assert result["signature"]["params"]["engines"] == ["local:1", "local:2"]
    assert "sent/s" in capsys.readouterr().out


def test_engine_spec_and_rss() -> None:
    assert parse_engines("local:1, ray:2") == [("local", 1), ("ray", 2)]
    for bad in ("local", "spark:2", "local:0"):
        with pytest.raises(ConfigError, match="ENGINE:WORKERS"):
            parse_engines(bad)
    with PeakRSS() as rss:
        block = bytearray(64 * 2**20)  # the sampler sees this process grow
        block[::4096] = b"x" * len(block[::4096])
    assert rss.peak > 64 * 2**20


def test_progress_keeps_the_rows_of_an_interrupted_run(tmp_path: Path) -> None:
    from xlner.bench.scale import bench_scale

    data = write_data_dir(tmp_path / "data", "swa", n=40, seed=3)
    progress = tmp_path / "s.json.partial"
    kw = {"data_dir": data, "shard_size": 20, "aligner_params": {"rel_iterations": 0.05},
          "work_dir": tmp_path, "progress": progress}
    first = bench_scale([30], [("local", 1)], **kw)["results"]
    assert json.loads(progress.read_text())["results"] == first
    stored = json.loads(progress.read_text())
    stored["results"][0]["seconds"] = 1234.0  # as if measured by the interrupted run
    progress.write_text(json.dumps(stored))
    rows = bench_scale([30, 50], [("local", 1)], **kw)["results"]  # a row more: same settings?
    assert [r["seconds"] == 1234.0 for r in rows] == [False, False]  # sizes differ: not kept
    stored["settings"] = json.loads(progress.read_text())["settings"]
    progress.write_text(json.dumps(stored))
    rows = bench_scale([30, 50], [("local", 1)], **kw)["results"]
    assert rows[0]["seconds"] == 1234.0 and rows[0]["resumed"] and "resumed" not in rows[1]
    assert rows[0]["output_digest"] == first[0]["output_digest"]
    again = bench_scale([30, 50], [("local", 1)], **kw, resume=False)["results"]
    assert again[0]["seconds"] != 1234.0 and "resumed" not in again[0]
    assert [r["output_digest"] for r in again] == [r["output_digest"] for r in rows]
    assert not list(tmp_path.glob("xlner-scale-*"))  # scratch folders removed
