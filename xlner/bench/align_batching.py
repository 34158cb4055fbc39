"""Batching benchmark: sentence pairs per second aligned one at a time versus batched.

:func:`bench_aligner_batching` times any aligner both ways on the same pairs (after one warm-up
call that loads the model) and checks that both give the same links.
``xlner bench align-batching`` runs it on a neural aligner over a given encoder, or over a tiny
random-weight encoder built locally when no model is named.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from xlner.align.base import Aligner, Words
from xlner.bench.batching import format_speedup


def bench_aligner_batching(aligner: Aligner, src: Sequence[Words], tgt: Sequence[Words]
                           ) -> dict[str, Any]:
    """Time ``aligner`` pair by pair and in one batched call; report both rates."""
    if not src or len(src) != len(tgt):
        raise ValueError("need a non-empty batch of sentence pairs")
    aligner.align(src[:1], tgt[:1])  # warm-up: loads the model
    t0 = time.perf_counter()
    single = [aligner.align([s], [t])[0] for s, t in zip(src, tgt, strict=True)]
    t_single = time.perf_counter() - t0
    t0 = time.perf_counter()
    batched = aligner.align(src, tgt)
    t_batched = time.perf_counter() - t0
    same = all(np.array_equal(a, b) for a, b in zip(single, batched, strict=True))
    n = len(src)
    return {"aligner": aligner.describe(), "pairs": n,
            "one_at_a_time_per_s": n / t_single, "batched_per_s": n / t_batched,
            "speedup": t_single / t_batched, "identical_links": same}


def bench_tiny(aligner: str = "simalign", *, pairs: int = 256, batch_size: int = 32,
               device: str = "cpu", seed: int = 0, kind: str = "bert",
               params: dict[str, Any] | None = None, model: str | None = None
               ) -> dict[str, Any]:
    """:func:`bench_aligner_batching` on synthetic pairs, over ``model`` or a tiny encoder."""
    from xlner.align import create_aligner
    from xlner.bench.tiny_encoders import build_tiny_encoder, synthetic_sentences

    src = synthetic_sentences(pairs, seed=seed)
    tgt = synthetic_sentences(pairs, seed=seed + 1)
    kwargs = dict(params or {})
    tiny = model is None
    with tempfile.TemporaryDirectory(prefix="xlner-tiny-") as tmp:
        if model is None:
            model = str(build_tiny_encoder(tmp, [" ".join(s) for s in src + tgt], kind=kind,
                                           seed=seed))
            kwargs.setdefault("layer", 2)
        built = create_aligner(aligner, model=model, batch_size=batch_size, device=device,
                               **kwargs)
        out = bench_aligner_batching(built, src, tgt)
    out["model"] = f"tiny-{kind} (built locally)" if tiny else model
    return out


def format_batching(result: dict[str, Any]) -> str:
    return (f"{result['aligner']['name']} on {result['model']}: {result['pairs']} pairs\n"
            + format_speedup(result, "pairs", result["aligner"].get("batch_size"),
                             f"identical links: {result['identical_links']}"))
