"""Scale benchmark: align + project N sentence pairs in shards, per engine and worker count.

The pairs are the real ones in the data directory: the CoNLL-2003 English training sentences
(gold entities) with their NLLB-200 translations (``nllb-conll2003:<lang>:en`` and
``:tprojection``, every language present, in order), repeated until N pairs are reached (the
rows say how many distinct pairs there are). Each shard is aligned by eflomal on its own (the
bitext is left out: a shard of 10,000 pairs is larger than any bitext here) and projected.
Peak memory is the resident set of the whole process tree (this process, its workers, eflomal,
Ray's processes), sampled every 0.1 s.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Iterator, Sequence
from itertools import tee
from pathlib import Path
from typing import Any

from xlner.align.base import Words
from xlner.bench.masakhaner import available_languages
from xlner.bench.table import format_rows
from xlner.corpora.conll import iter_conll
from xlner.data import Sentence
from xlner.errors import ConfigError
from xlner.files import file_digest, scratch_folder, write_json
from xlner.pipelines.config import project_config
from xlner.pipelines.shards import ENGINES, project_sharded
from xlner.signature import make_signature

log = logging.getLogger(__name__)


def parse_engines(text: str) -> list[tuple[str, int]]:
    """``local:1,local:2,ray:2`` → ``[("local", 1), ("local", 2), ("ray", 2)]``."""
    out = []
    for item in (t.strip() for t in text.split(",") if t.strip()):
        name, _, n = item.partition(":")
        if name not in ENGINES or not n.isdigit() or int(n) < 1:
            raise ConfigError(f"engine {item!r}: expected ENGINE:WORKERS with ENGINE one of "
                              f"{', '.join(ENGINES)}, e.g. local:2")
        out.append((name, int(n)))
    return out


def _tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/statm") as handle:
                rss[int(entry)] = int(handle.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


class PeakRSS:
    """Samples the process tree's RSS in a thread; ``peak`` in bytes."""

    def __init__(self, interval: float = 0.1) -> None:
        self.interval, self.peak = interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _tree_rss(os.getpid()))
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _tree_rss(os.getpid()))


MAX_WORDS = 400
"""Pairs with a longer side are left out (as everywhere in the bench, counted)."""


def pair_files(data_dir: str | Path | None, langs: Sequence[str] | None = None
               ) -> tuple[list[tuple[Path, Path]], list[str]]:
    """The (English, NLLB translation) CoNLL files of each ``nllb-conll2003`` language."""
    from xlner.corpora.named import resolve

    langs = list(langs) if langs else available_languages(data_dir)
    if not langs:
        raise ConfigError("no nllb-conll2003 language found in the data directory")
    files = [(resolve(f"nllb-conll2003:{lang}:en", data_dir=data_dir,
                      download_missing=False)[0],
              resolve(f"nllb-conll2003:{lang}:tprojection", data_dir=data_dir,
                      download_missing=False)[0]) for lang in langs]
    return files, langs


def stream_pairs(files: Sequence[tuple[Path, Path]]) -> Iterator[tuple[Sentence, Words]]:
    """The real pairs of the files, read a sentence at a time (both sides non-empty, at most
    :data:`MAX_WORDS` words)."""
    for en, tr in files:
        for s, t in zip(iter_conll(en), iter_conll(tr, labelled=False), strict=True):
            if s.words and t.words and len(s.words) <= MAX_WORDS and len(t.words) <= MAX_WORDS:
                yield s, t.words


def repeated_pairs(files: Sequence[tuple[Path, Path]], n: int
                   ) -> Iterator[tuple[Sentence, Words]]:
    """``n`` pairs: the real pairs, read again from the start until ``n`` are given."""
    given = 0
    while given < n:
        before = given
        for pair in stream_pairs(files):
            yield pair
            given += 1
            if given == n:
                return
        if given == before:
            raise ConfigError("the nllb-conll2003 files hold no usable sentence pair")


def bench_scale(sizes: Sequence[int], engines: Sequence[tuple[str, int]], *,
                data_dir: str | Path | None = None, langs: Sequence[str] | None = None,
                method: str = "heuristic", shard_size: int = 10000, seed: int = 0,
                aligner_params: dict[str, Any] | None = None,
                work_dir: str | Path | None = None, progress: str | Path | None = None,
                resume: bool = True) -> dict[str, Any]:
    """Time align + project for each size and engine (fresh shards each time). The pairs are
    streamed from the files into the sharded run, so no process holds the whole corpus.
    Each row names the digest of the projected CoNLL (the same for every engine).

    ``progress`` is a JSON file that holds the rows measured so far (rewritten atomically
    after each row): a long run that is interrupted keeps what it measured, and a rerun with
    the same settings keeps those rows and measures only the missing ones (each row says
    ``resumed``; ``resume=False`` measures all again). The caller removes it once the
    result is written."""
    files, langs = pair_files(data_dir, langs)
    distinct = sum(1 for _ in stream_pairs(files))
    signature = _signature(sizes, engines, langs, distinct, method, shard_size, seed,
                           aligner_params)
    settings = {k: signature[k] for k in ("xlner", "command", "inputs", "components", "params")}
    earlier = _measured(progress, settings) if progress is not None and resume else {}
    if earlier:
        log.warning("bench scale: keeping %d row(s) measured earlier with the same settings "
                    "(%s); --no-resume measures them again", len(earlier), progress)
    results = []
    for n in sizes:
        for engine, workers in engines:
            row = earlier.get((n, engine, workers))
            if row is None:
                row = _measure(files, n, engine, workers, distinct, method=method,
                               shard_size=shard_size, seed=seed,
                               aligner_params=aligner_params, work_dir=work_dir)
            results.append(row)
            if progress is not None:
                write_json(progress, {"settings": settings, "results": results})
    return {"signature": signature, "results": results}


def _measured(progress: str | Path, settings: dict[str, Any]
              ) -> dict[tuple[int, str, int], dict[str, Any]]:
    """The rows of an earlier run's progress file with the same settings (else none)."""
    try:
        data = json.loads(Path(progress).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("bench scale: ignoring the unreadable progress file %s (%s)", progress, exc)
        return {}
    if not isinstance(data, dict) or data.get("settings") != settings:
        return {}
    return {(r["n"], r["engine"], r["workers"]): dict(r, resumed=True)
            for r in data.get("results", [])}


def _measure(files: Sequence[tuple[Path, Path]], n: int, engine: str, workers: int,
             distinct: int, *, method: str, shard_size: int, seed: int,
             aligner_params: dict[str, Any] | None, work_dir: str | Path | None
             ) -> dict[str, Any]:
    """One row: ``n`` pairs aligned and projected by ``engine`` with ``workers``."""
    with scratch_folder("xlner-scale-", work_dir) as tmp:
        config = project_config(source="memory", target="memory", out=tmp / "out.conll",
                                method=method, aligner_params={"seed": seed,
                                                               **(aligner_params or {})},
                                resume=False)
        source, target = tee(repeated_pairs(files, n))
        t0 = time.perf_counter()
        with PeakRSS() as rss:
            res = project_sharded(config, shard_size=shard_size, engine=engine,
                                  workers=workers, source=(s for s, _ in source),
                                  target=(t for _, t in target))
        seconds = time.perf_counter() - t0
        if res.failed:
            raise ConfigError(f"{len(res.failed)} shards failed: {res.failed[0].error}")
        align = sum(s.align_seconds for s in res.shards)
        project = sum(s.project_seconds for s in res.shards)
        return {
            "n": n, "engine": engine, "workers": workers,
            "seconds": round(seconds, 2), "peak_rss_mb": round(rss.peak / 2**20, 1),
            "sentences_per_second": round(n / seconds, 1),
            "steps": {"align": {"task_seconds": round(align, 2),
                                "sentences_per_task_second": round(n / align, 1)},
                      "project": {"task_seconds": round(project, 2),
                                  "sentences_per_task_second": round(n / project, 1)}},
            "shards": len(res.shards), "distinct_pairs": distinct,
            "repeated": n > distinct, "output_digest": file_digest(tmp / "out.conll"),
            "load_average": list(os.getloadavg())}


def _signature(sizes: Sequence[int], engines: Sequence[tuple[str, int]], langs: list[str],
               distinct: int, method: str, shard_size: int, seed: int,
               aligner_params: dict[str, Any] | None) -> dict[str, Any]:
    return make_signature(
        "bench scale", inputs={"langs": langs, "distinct_pairs": distinct},
        components={"aligner": "eflomal", "method": method},
        params={"sizes": list(sizes), "engines": [f"{e}:{w}" for e, w in engines],
                "shard_size": shard_size, "seed": seed,
                "aligner_params": dict(aligner_params or {}), "cpus": os.cpu_count()})


def format_scale_table(results: Sequence[dict[str, Any]]) -> str:
    return format_rows(
        [("n", ">9", ">9"), ("engine", ">8", ">8"), ("workers", ">7", ">7"),
         ("seconds", ">9", ">9.1f"), ("peak MB", ">9", ">9.1f"), ("sent/s", ">9", ">9.1f")],
        ([r[k] for k in ("n", "engine", "workers", "seconds", "peak_rss_mb",
                         "sentences_per_second")] for r in results))
