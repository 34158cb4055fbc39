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
