"""The batching benchmark function (tiny encoder; skipped without torch/transformers)."""

from __future__ import annotations

import pytest


def test_bench_reports_both_rates_and_identical_links() -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from xlner.bench.align_batching import bench_tiny, format_batching

    out = bench_tiny("simalign", pairs=12, batch_size=4, params={"method": "argmax"})
    assert out["pairs"] == 12 and out["identical_links"] is True
    assert out["one_at_a_time_per_s"] > 0 and out["batched_per_s"] > 0
    assert out["speedup"] == pytest.approx(out["batched_per_s"] / out["one_at_a_time_per_s"])
    assert "pairs/s" in format_batching(out)
