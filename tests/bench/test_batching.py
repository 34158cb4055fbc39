"""The generic batching benchmark."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from xlner.bench.batching import BatchingResult, format_results, time_batching
from xlner.errors import ConfigError


def test_time_batching_calls_one_at_a_time_then_in_batches() -> None:
    calls: list[int] = []

    def fn(batch: Sequence[int]) -> list[int]:
        calls.append(len(batch))
        return [x * 2 for x in batch]

    result = time_batching(fn, list(range(10)), 4, name="double", warmup=2)
    assert calls == [1, 1, 2] + [1] * 10 + [4, 4, 2]
    assert result.items == 10 and result.batch_size == 4
    assert result.single_per_s > 0 and result.batched_per_s > 0
    assert result.speedup == pytest.approx(result.batched_per_s / result.single_per_s)
    assert "double" in format_results([result])
    with pytest.raises(ConfigError):
        time_batching(fn, [], 4)
    with pytest.raises(ConfigError):
        time_batching(fn, [1], 0)


def test_result_dict_has_the_speedup() -> None:
    r = BatchingResult("x", 8, 4, 2.0, 10.0)
    assert r.to_dict()["speedup"] == 5.0
