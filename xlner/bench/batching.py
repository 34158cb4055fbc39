"""Batching benchmark: items per second one at a time versus in batches.

:func:`time_batching` times any batch-first callable (a translator's ``translate``, an aligner's
``align``, ...) on the same items, first one item per call, then ``batch_size`` items per call,
and reports both rates and the speed-up. :func:`bench_translator` applies it to a translator
(by default a tiny locally built NLLB-style model, so it runs anywhere).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

from xlner.bench.table import format_rows
from xlner.errors import ConfigError

T = TypeVar("T")


@dataclass(frozen=True)
class BatchingResult:
    name: str
    items: int
    batch_size: int
    single_per_s: float
    batched_per_s: float

    @property
    def speedup(self) -> float:
        return self.batched_per_s / self.single_per_s if self.single_per_s else float("inf")

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "speedup": self.speedup}


def time_batching(fn: Callable[[Sequence[T]], Any], items: Sequence[T], batch_size: int, *,
                  name: str = "", warmup: int = 2) -> BatchingResult:
    """Rates of ``fn`` over ``items``: one item per call, then ``batch_size`` per call.

    ``warmup`` items go through ``fn`` first (one at a time, then as one batch) so that lazy
    loading is not timed.
    """
    if batch_size < 1:
        raise ConfigError(f"batch size must be >= 1, not {batch_size}")
    if not items:
        raise ConfigError("the batching benchmark needs at least one item")
    if warmup:
        for item in items[:warmup]:
            fn([item])
        fn(items[:warmup])
    t0 = time.perf_counter()
    for item in items:
        fn([item])
    single = time.perf_counter() - t0
    t0 = time.perf_counter()
    for start in range(0, len(items), batch_size):
        fn(items[start:start + batch_size])
    batched = time.perf_counter() - t0
    return BatchingResult(name, len(items), batch_size, len(items) / single,
                          len(items) / batched)


def bench_translator(translator: Any = None, *, sentences: Sequence[str] | None = None,
                     n: int = 64, batch_size: int = 32, src_lang: str = "hau",
                     tgt_lang: str = "en", tiny_family: str = "nllb",
                     workdir: str | Path | None = None) -> BatchingResult:
    """Time a translator (spec or object; default: a tiny ``tiny_family`` model built in
    ``workdir`` or a temporary folder, greedy decoding) on ``n`` synthetic sentences."""
    from xlner.bench.tiny_seq2seq import build_tiny_seq2seq, tiny_sentences

    items = list(sentences) if sentences is not None else tiny_sentences(n, seed=1)
    with tempfile.TemporaryDirectory(prefix="xlner-bench-") as tmp:
        if translator is None:
            path = build_tiny_seq2seq(Path(workdir or tmp) / f"tiny-{tiny_family}", tiny_family)
            # one CPU thread: multi-threaded torch is erratic on a shared machine
            translator = (f"hf(model={path},beam_size=1,device=cpu,max_tokens=100000,"
                          "max_output_ratio=1,max_output_extra=4,threads=1)")
        if isinstance(translator, str):
            from xlner.translate import create_translator

            translator = create_translator(translator)
        name = getattr(translator, "name", type(translator).__name__)
        return time_batching(lambda batch: translator.translate(batch, src_lang, tgt_lang),
                             items, batch_size, name=f"translator {name}")


def format_speedup(result: Mapping[str, Any], unit: str, batch_size: Any, agreement: str) -> str:
    """The lines of a one-at-a-time versus batched comparison (``one_at_a_time_per_s``,
    ``batched_per_s``, ``speedup`` of ``result``), ending with how far the outputs agree."""
    return (f"  one at a time: {result['one_at_a_time_per_s']:9.1f} {unit}/s\n"
            f"  batched:       {result['batched_per_s']:9.1f} {unit}/s "
            f"(batch size {batch_size})\n"
            f"  speedup:       {result['speedup']:9.2f}x   {agreement}")


def format_results(results: Sequence[BatchingResult]) -> str:
    return format_rows(
        [("component", "<28", "<28"), ("items", ">6", ">6"), ("batch", ">6", ">6"),
         ("1-by-1/s", ">10", ">10.1f"), ("batched/s", ">10", ">10.1f"), ("speed-up", ">9", ">9")],
        ((r.name, r.items, r.batch_size, r.single_per_s, r.batched_per_s, f"{r.speedup:.1f}x")
         for r in results))
