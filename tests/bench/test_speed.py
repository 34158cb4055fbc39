"""The projection speed benchmark (synthetic workload; Europarl when the data is present)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xlner.bench.speed import bench_speed, format_speed_table, synthetic_batch
from xlner.cli.main import main
from xlner.data import check_links, validate_entities
from xlner.errors import ConfigError


def test_synthetic_batch_is_valid_and_reproducible() -> None:
    batch = synthetic_batch(20, min_len=100, max_len=120, entities=(10, 20), seed=3)
    again = synthetic_batch(20, min_len=100, max_len=120, entities=(10, 20), seed=3)
    assert [b.links.tolist() for b in batch] == [b.links.tolist() for b in again]
    for item in batch:
        assert 100 <= len(item.src_words) <= 120
        assert len(item.entities) >= 5
        validate_entities(item.entities, len(item.src_words))
        check_links(item.links, len(item.src_words), len(item.tgt_words))
    assert synthetic_batch(5, seed=4)[0].links.tolist() != batch[0].links.tolist()
    with pytest.raises(ConfigError):
        synthetic_batch(3, min_len=10, max_len=5)


def test_bench_speed_on_synthetic_sentences() -> None:
    out = bench_speed(["greedy", "ilp", "heuristic"], langs=[], synthetic=15, repeats=1)
    rows = out["results"]
    assert [r["method"] for r in rows] == ["greedy", "ilp", "heuristic"]
    for row in rows:
        assert row["dataset"] == "synthetic" and row["sentences"] == 15
        assert row["sentences_per_s"] > 0 and row["entities"] > 0
        assert row["cpu_seconds"] > 0
        assert row["sentences_per_cpu_s"] == pytest.approx(15 / row["cpu_seconds"])
    assert sum(rows[1]["solver_paths"].values()) == 15
    assert rows[1]["statuses"] == {"ok": 15}
    assert "synthetic" in format_speed_table(rows)
    assert out["signature"]["command"] == "bench speed"


def test_cli_bench_speed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "speed.json"
    rc = main(["bench", "speed", "--langs", "none", "--synthetic", "5", "--repeats", "1",
               "--methods", "ilp", "--json", str(target)])
    assert rc == 0
    assert "sent/cpu-s" in capsys.readouterr().out
    data = json.loads(target.read_text())
    assert data["results"][0]["method"] == "ilp"


@pytest.mark.data
@pytest.mark.slow
def test_bench_speed_on_europarl(data_dir: Path) -> None:
    out = bench_speed(["greedy", "ilp"], langs=["es"], synthetic=0, repeats=1,
                      data_dir=data_dir, download=False)
    rows = out["results"]
    assert [r["dataset"] for r in rows] == ["europarl:es", "europarl:es"]
    assert all(r["sentences"] == 799 and r["statuses"].get("ok", 0) >= 790 for r in rows)
