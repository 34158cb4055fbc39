"""Europarl-NER intrinsic benchmark: :func:`xlner.bench.parallel.bench_parallel` on the
``europarl-ner`` corpus (PER, ORG, LOC, MISC kept)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from xlner.bench import parallel
from xlner.bench.parallel import format_table

__all__ = ["available_languages", "bench_europarl", "format_table"]


def available_languages(data_dir: str | Path | None) -> list[str]:
    """Target languages with a Europarl-NER file in the data directory or the cache."""
    return parallel.available_languages("europarl-ner", data_dir)


def bench_europarl(langs: Sequence[str] | None, methods: Sequence[str], *,
                   aligner: str = "eflomal", aligner_params: dict[str, Any] | None = None,
                   bitext: bool = True, data_dir: str | Path | None = None,
                   download: bool = True) -> dict[str, Any]:
    """``bench parallel`` on Europarl-NER; ``langs=None`` takes all present in the data."""
    return parallel.bench_parallel("europarl-ner", langs, methods, aligner=aligner,
                                   aligner_params=aligner_params, bitext=bitext,
                                   data_dir=data_dir, download=download,
                                   command="bench europarl")
