"""Sharded, resumable projection over parallel text, on a local process pool or on Ray.

The sentence pairs are cut into shards of ``shard_size`` (a last shard of under half that
joins the one before: :func:`shard_spans`); each shard is aligned (with the run's
aligner, or read from precomputed links) and projected by one task, and its output written
atomically as JSON Lines (one line per sentence: words, entities, links, status, detail,
unprojected entities) under ``OUT.shards/``, with a sidecar key (the shard's words and
entities plus the run configuration). A re-run reuses every shard whose key matches, so a
killed run resumes and recomputes only the missing shards. A shard that fails is reported with
its error; the others still land, and the final CoNLL (``OUT``) is assembled from the shards
only when all of them are there. The driver streams: inputs are read as shards are cut, at
most ``2 × workers`` shards are in flight, and the final CoNLL and report are assembled by
reading the shard files one after the other, so its memory is bounded by the shards, not the
corpus.

Alignment runs per shard: with a bitext, eflomal priors are learnt once from the first shard
(or ``priors_sample`` pairs) plus the bitext, and every shard is aligned with them instead of
the bitext (:func:`priors_sample`); its links (unlike the projection) depend on the shard
size; precomputed links give outputs identical for any shard size and engine. Methods whose
scores are estimated from the batch (the lexical score of ``ilp+lex``) see one shard at a time.

Translate-train (``shard_size`` in its configuration) aligns its corpus the same way and projects
it whole: :class:`ShardedAlignment` runs eflomal shard by shard on the same engines, with the
same shared priors, and concatenates the shards' links (``OUT/align.shards/``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from xlner.align.base import uses_bitext
from xlner.align.util import DirectionalLinks, align_batch
from xlner.corpora.conll import write_conll
from xlner.data import Entity, Sentence
from xlner.errors import ConfigError, InputError, XlnerError
from xlner.files import atomic_write
from xlner.pipelines.config import Align, Project, RunConfig
from xlner.pipelines.report import ProjectionReport
from xlner.pipelines.stages import stage_key
from xlner.project.base import ProjectionResult, Unprojected
from xlner.signature import make_signature, write_sidecar

log = logging.getLogger(__name__)

ENGINES = ("local", "ray")
Words = tuple[str, ...]


@dataclass(frozen=True)
class Shard:
    """The input of one task: sentence pairs ``start .. start + len``."""

    index: int
    start: int
    source: tuple[Sentence, ...]
    target: tuple[Words, ...]
    links: tuple[np.ndarray, ...] | None = None


@dataclass
class ShardOutcome:
    index: int
    path: str
    reused: bool = False
    seconds: float = 0.0
    error: str | None = None
    align_seconds: float = 0.0
    project_seconds: float = 0.0


@dataclass
class ShardedResult:
    """A sharded run: where the shards are, which were reused, computed or failed."""

    out: Path
    shards: list[ShardOutcome]
    report: ProjectionReport | None
    signature: dict[str, Any]
    seconds: float
    sentences: int
    engine: str
    workers: int
    failed: list[ShardOutcome] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"signature": self.signature, "sentences": self.sentences,
                "engine": self.engine, "workers": self.workers,
                "seconds": round(self.seconds, 3),
                "projection": None if self.report is None else self.report.to_dict(),
                "shards": {"total": len(self.shards),
                           "reused": sum(s.reused for s in self.shards),
                           "failed": [{"index": s.index, "error": s.error}
                                      for s in self.failed]}}


# -- one shard, in a worker ----------------------------------------------------------------------
_COMPONENTS: dict[str, Any] = {}
"""Per-process cache of (aligner, method) by configuration: no start-up cost per shard."""


def _components(config: RunConfig) -> tuple[Any, Any]:
    from xlner.align import create_aligner
    from xlner.project.recipes import resolve_method

    key = json.dumps(config.to_dict(), sort_keys=True)
    if key not in _COMPONENTS:
        al, pr = config.require(Align), config.require(Project)
        method = resolve_method(pr.methods[0], **pr.params)
        aligner = None
        if al.links is None:
            settings = aligner_settings(config)
            if al.aligner.split("(")[0].strip() == "eflomal":
                settings["one_core"] = True  # a task holds one core: directions in turn
            aligner = create_aligner(al.aligner, **settings)
        _COMPONENTS[key] = (aligner, method)
    return _COMPONENTS[key]  # type: ignore[no-any-return]


def _result_line(words: Words, res: ProjectionResult, links: np.ndarray) -> str:
    return json.dumps({"words": list(words), "entities": [list(e) for e in res.entities],
                       "links": np.asarray(links).tolist(), "status": res.status,
                       "detail": res.detail, "sources": res.sources,
                       "unprojected": [[*u.entity, u.reason] for u in res.unprojected]},
                      ensure_ascii=False)


def run_shard(config: RunConfig, shard: Shard, path: str, key: str) -> ShardOutcome:
    """Align and project one shard; write its JSON Lines atomically, then its sidecar key.
    Errors come back in the outcome (the run reports them), never raised."""
    from xlner.align.util import align_batch, directional_extras, links_for
    from xlner.corpora.corpus import Corpus
    from xlner.pipelines.project import expand_aligned, project_corpus

    t0 = time.perf_counter()
    try:
        if os.environ.get("XLNER_FAIL_SHARD") == str(shard.index):  # fault injection, tests
            raise XlnerError(f"shard {shard.index}: failure injected by XLNER_FAIL_SHARD")
        aligner, method = _components(config)
        extras = None
        t_align = time.perf_counter()
        limits = config.require(Project).limits()
        if shard.links is not None:
            links: Sequence[np.ndarray] = shard.links
        else:  # pairs over the limits are not aligned (project_corpus reports them)
            keep = [k for k, s in enumerate(shard.source) if limits.pair_violation(
                len(s.words), len(shard.target[k]), len(s.entities),
                getattr(aligner, "max_words", None)) is None]
            aligned = expand_aligned(align_batch(
                aligner, [shard.source[k].words for k in keep], [shard.target[k] for k in keep],
                [shard.source[k].entities for k in keep]
                if getattr(aligner, "needs_entities", False) else None), keep, len(shard.source))
            al = config.require(Align)
            links, _ = links_for(aligned, aligner, al.symmetrize or method.symmetrize)
            extras = directional_extras(aligned)
        align_seconds = time.perf_counter() - t_align
        t_project = time.perf_counter()
        run = project_corpus(Corpus(list(shard.source), name="shard"), list(shard.target),
                             projector=method.projector, links=links, extras=extras,
                             limits=limits)
        with atomic_write(path) as handle:
            for words, res, lk in zip(shard.target, run.results, run.links, strict=True):
                handle.write(_result_line(words, res, lk) + "\n")
        write_sidecar(path, {"key": key, "shard": shard.index, "start": shard.start,
                             "sentences": len(shard.source)})
        return ShardOutcome(shard.index, path, seconds=time.perf_counter() - t0,
                            align_seconds=align_seconds,
                            project_seconds=time.perf_counter() - t_project)
    except Exception as exc:  # reported by the driver with the shard's index
        log.debug("shard %d failed: %s", shard.index, traceback.format_exc())
        return ShardOutcome(shard.index, path, seconds=time.perf_counter() - t0,
                            error=f"{type(exc).__name__}: {exc}")


def iter_shard(path: str | Path) -> Iterator[tuple[Sentence, ProjectionResult]]:
    """The projected sentences of a shard file with their results, a line at a time."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            d = json.loads(line)
            ents = [Entity(*e) for e in d["entities"]]
            yield (Sentence(tuple(d["words"]), tuple(ents)),
                   ProjectionResult(ents, list(d["sources"]),
                                    [Unprojected(Entity(s, e, lab), reason)
                                     for s, e, lab, reason in d["unprojected"]],
                                    d["status"], d["detail"]))


def read_shard(path: str | Path) -> tuple[list[Sentence], list[ProjectionResult]]:
    sentences, results = [], []
    for sentence, result in iter_shard(path):
        sentences.append(sentence)
        results.append(result)
    return sentences, results


def _shard_done(path: Path, key: str) -> bool:
    from xlner.signature import sidecar_path

    try:
        recorded = json.loads(sidecar_path(path).read_text(encoding="utf-8")).get("key")
    except (OSError, json.JSONDecodeError, AttributeError):
        return False
    return recorded == key and path.is_file()


# -- engines -------------------------------------------------------------------------------------
Task = tuple[Any, Shard, str, str]
"""A shard task's arguments: its settings (a :class:`RunConfig`, an :class:`AlignJob`), the
shard, the output path and the key the output must carry."""
TaskFn = Callable[..., ShardOutcome]


def run_local(tasks: Iterable[Task], workers: int, fn: TaskFn | None = None
              ) -> Iterator[ShardOutcome]:
    """Shards on a process pool of ``workers`` (1: in this process), as they finish; at most
    ``2 × workers`` shards are in flight, so the driver holds a bounded part of the corpus.
    ``fn`` runs one task (default :func:`run_shard`: align and project; :func:`align_shard`)."""
    fn = fn or run_shard
    if workers <= 1:
        for task in tasks:
            yield fn(*task)
        return
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_start,
                               initargs=(os.getpid(),))
    try:
        pending: set[Future[ShardOutcome]] = set()
        for task in tasks:
            pending.add(pool.submit(_pool_shard, fn, *task))
            if len(pending) >= 2 * workers:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                yield from (f.result() for f in done)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            yield from (f.result() for f in done)
    except BaseException:  # interrupted or failed: stop the workers (and their eflomal runs)
        _stop_workers(pool)
        raise
    pool.shutdown()


_IN_TASK = False
"""In a pool worker: whether a shard is being run (a stop signal then ends it cleanly)."""


def _worker_start(driver: int) -> None:
    """A pool worker: the driver handles interrupts (a terminal's Ctrl-C reaches the whole
    process group) and stops the workers with SIGTERM, which ends a running shard as an
    interrupt does (its eflomal processes stopped); the worker dies with the driver
    (Linux), so a killed run leaves no idle worker behind."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_stop)
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != driver:  # the driver died before that took effect
        os._exit(EXIT_STOPPED)


EXIT_STOPPED = 130


def _worker_stop(signum: int, frame: object) -> None:
    if _IN_TASK:
        from xlner.processes import raise_stop

        raise_stop(signum, frame)  # recorded: lost in a fork hook, the next check raises it
    os._exit(EXIT_STOPPED)


def _pool_shard(fn: TaskFn, *task: Any) -> ShardOutcome:
    """A shard task (``fn``) in a pool worker; a stop signal ends the worker once the shard's
    subprocesses are stopped."""
    global _IN_TASK
    _IN_TASK = True
    try:
        return fn(*task)
    except KeyboardInterrupt:
        os._exit(EXIT_STOPPED)
    finally:
        _IN_TASK = False


def _stop_workers(pool: Any) -> None:
    """Stop a process pool's workers now (SIGTERM, then SIGKILL after 5 s) and let the pool
    go without waiting for its shards."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    for proc in procs:
        with contextlib.suppress(OSError):
            proc.terminate()
    for proc in procs:
        proc.join(5)
        if proc.is_alive():
            proc.kill()
            proc.join()
    with contextlib.suppress(Exception):
        pool.shutdown(wait=False, cancel_futures=True)


def run_ray(tasks: Iterable[Task], workers: int, address: str | None = None,
            fn: TaskFn | None = None) -> Iterator[ShardOutcome]:
    """Shards as Ray tasks (one CPU each; ``workers`` CPUs for a local Ray, ``address`` to join
    a cluster), as they finish; at most ``2 × workers`` in flight. ``fn``: as
    :func:`run_local`."""
    try:
        import ray
    except ImportError:
        raise ConfigError("the ray engine needs Ray: pip install 'xlner[ray]'") from None
    started = False
    if not ray.is_initialized():
        if address:
            ray.init(address=address, log_to_driver=False)
        else:
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
        started = True
    try:
        remote: Any = ray.remote(num_cpus=1)(fn or run_shard)
        config_refs: dict[int, Any] = {}
        pending: list[Any] = []
        for config, shard, path, key in tasks:
            ref = config_refs.setdefault(id(config), ray.put(config))
            pending.append(remote.remote(ref, shard, path, key))
            if len(pending) >= 2 * workers:
                done, pending = ray.wait(pending, num_returns=1)
                yield from ray.get(done)
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            yield from ray.get(done)
    finally:
        if started:
            ray.shutdown()


ENGINE_RUNNERS: dict[str, Callable[..., Iterator[ShardOutcome]]] = {"local": run_local,
                                                                    "ray": run_ray}


def run_engine(engine: str, tasks: Iterable[Task], workers: int,
               ray_address: str | None = None, fn: TaskFn | None = None
               ) -> Iterator[ShardOutcome]:
    """The shard tasks on ``engine`` (:data:`ENGINES`), as they finish."""
    if engine not in ENGINE_RUNNERS:
        raise ConfigError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")
    if engine == "ray":
        return run_ray(tasks, workers, ray_address, fn)
    return run_local(tasks, workers, fn)


# -- the driver ----------------------------------------------------------------------------------
Pair = tuple[Sentence, Words, "np.ndarray | None"]


SHARD_PRIORS_SCALE = 4.0
"""Weight of the shared priors in each shard's alignment unless ``priors_scale`` is set:
Europarl-NER de, shards of 200, seeds 0-2, ``ilp+lex+adj``: x1 -0.60, x2 -0.77, x4 -0.43 F1
against whole-corpus alignment; es x1 +0.43, x4 +0.45 (docs/runs.md)."""


def _with_priors(config: RunConfig, folder: Path, sample: Sequence[Pair]
                 ) -> tuple[RunConfig, str]:
    """Learn eflomal priors once (a stage: ``priors.txt`` in the shard folder) from the
    ``sample`` pairs plus the bitext; shards then align with them, bitext-free."""
    import dataclasses

    from xlner.align.priors import PRIORS_VERSION

    al = config.require(Align)
    if al.aligner.split("(")[0] != "eflomal":
        raise ConfigError("priors_sample: shared priors are learnt with the eflomal aligner")
    sample_src = [s.words for s, _, _ in sample]
    sample_tgt = [tuple(t) for _, t, _ in sample]
    path = folder / "priors.txt"
    key = stage_key("priors", {"priors_version": PRIORS_VERSION, **config.digest_view()},
                    sample_src, sample_tgt)
    if not (config.resume and _shard_done(path, key)):
        aligner, _ = _components(dataclasses.replace(
            config, steps=tuple(dataclasses.replace(s, priors_sample=None)
                                if isinstance(s, Align) else s for s in config.steps)))
        learn_shared_priors(aligner, sample_src, sample_tgt, path, key)
    shard_align = dataclasses.replace(al, params=shard_priors_params(al.params, path),
                                      bitexts=(), priors_sample=None)
    return dataclasses.replace(config, steps=tuple(shard_align if isinstance(s, Align) else s
                                                   for s in config.steps)), key


def learn_shared_priors(aligner: Any, src: Sequence[Words], tgt: Sequence[Words], path: Path,
                        key: str) -> None:
    """Learn the shared priors of ``src``/``tgt`` plus ``aligner``'s bitext (one eflomal run,
    both directions side by side: the driver waits for it) into ``path``, with ``key`` in its
    sidecar (what :func:`_shard_done` checks on resume)."""
    import copy

    from xlner.align.priors import learn_priors
    from xlner.files import file_digest

    learner = copy.copy(aligner)
    learner._one_core = False
    t0 = time.perf_counter()
    learn_priors(learner, src, tgt, path)
    write_sidecar(path, {"key": key, "sample": len(src),
                         "seconds": round(time.perf_counter() - t0, 3)})
    log.info("eflomal priors %s (%s)", path, file_digest(path))


def shard_priors_params(params: Mapping[str, Any], path: Path) -> dict[str, Any]:
    """An eflomal aligner's parameters for a shard: the learnt priors at ``path`` in place of
    the bitext, weighed ``priors_scale`` (default :data:`SHARD_PRIORS_SCALE`)."""
    return {**{k: v for k, v in params.items() if k != "bitext"}, "priors": str(path),
            "priors_scale": float(params.get("priors_scale", SHARD_PRIORS_SCALE))}


_END = object()


def _pairs(source: Iterable[Sentence], target: Iterable[Sequence[str]],
           links: Iterable[np.ndarray] | None, names: tuple[str, str, str]) -> Iterator[Pair]:
    """The sentence pairs (with their links, if given) one by one; inputs of different
    lengths are an error giving both counts (found when the shorter one ends)."""
    it_s, it_t = iter(source), iter(target)
    it_l = None if links is None else iter(links)
    n = 0
    while True:
        s, t = next(it_s, _END), next(it_t, _END)
        lk = None if it_l is None else next(it_l, _END)
        ended = (s is _END, t is _END, lk is _END)
        if ended[0] and ended[1] and (it_l is None or ended[2]):
            return
        if any(ended):
            def count(it: Iterator[Any] | None, end: bool, n: int = n) -> int:
                return n if end or it is None else n + 1 + sum(1 for _ in it)

            ns, nt = count(it_s, ended[0]), count(it_t, ended[1])
            if ns != nt:
                raise InputError(f"{ns} sentences in {names[0]} but {nt} in {names[1]}: "
                                 "source and target must be parallel, line by line")
            raise InputError(f"{count(it_l, ended[2])} link lines for {ns} sentence pairs (one "
                             "line per pair, an empty line for a pair without links)",
                             source=names[2])
        assert isinstance(s, Sentence)
        yield s, tuple(t), None if lk is None else np.asarray(lk, dtype=np.int32)  # type: ignore[arg-type]
        n += 1


def _iter_links(path: str | Path) -> Iterator[np.ndarray]:
    """A Pharaoh file's links a line at a time; a malformed line names the file and line."""
    from xlner.data import parse_pharaoh

    with open(path, encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            try:
                yield parse_pharaoh(line.rstrip("\r\n"))
            except ValueError as exc:
                raise InputError(str(exc), source=Path(path), line=lineno) from None


def shard_spans(n: int, size: int) -> list[tuple[int, int]]:
    """``(start, end)`` of each shard of ``n`` pairs cut in shards of ``size``; a last shard of
    under half a shard joins the one before (a few pairs aligned alone get poor links), so
    every shard holds ``size // 2`` to ``1.5 × size`` pairs, and ``2n < 3 × size`` is one."""
    starts = list(range(0, n, size))
    if len(starts) > 1 and 2 * (n - starts[-1]) < size:
        starts.pop()
    return list(zip(starts, [*starts[1:], n][:len(starts)], strict=True))


def _shards(pairs: Iterator[Pair], size: int) -> Iterator[Shard]:
    """The shards of ``pairs`` as :func:`shard_spans` cuts them, read a shard ahead."""
    from itertools import islice

    def shard(index: int, chunk: list[Pair]) -> Shard:
        links = None if chunk[0][2] is None else tuple(lk for _, _, lk in chunk
                                                       if lk is not None)
        return Shard(index, index * size, tuple(s for s, _, _ in chunk),
                     tuple(t for _, t, _ in chunk), links)

    chunk, index = list(islice(pairs, size)), 0
    while chunk:
        ahead = list(islice(pairs, size))
        if ahead and 2 * len(ahead) < size:  # the last one, and small: joins this one
            chunk, ahead = chunk + ahead, []
        yield shard(index, chunk)
        chunk, index = ahead, index + 1


def project_sharded(config: RunConfig, *, shard_size: int = 10000, engine: str = "local",
                    workers: int = 1, ray_address: str | None = None,
                    source: Iterable[Sentence] | None = None,
                    target: Iterable[Sequence[str]] | None = None,
                    links: Iterable[np.ndarray] | None = None) -> ShardedResult:
    """Run a ``project`` configuration in shards (see the module docstring). ``source``,
    ``target`` and ``links`` override the configuration's inputs (any iterables: read as the
    shards are cut). The driver holds a bounded number of shards at a time: inputs are read
    shard by shard, shards are written as they finish, and the final CoNLL is assembled by
    streaming the shard files. Shared priors (``priors_sample=K``) hold the first ``K``
    pairs."""
    from itertools import chain, islice

    from xlner.pipelines.inputs import iter_input

    if config.pipeline != "project":
        raise ConfigError(f"sharded runs are for the project pipeline, not {config.pipeline}")
    if engine not in ENGINE_RUNNERS:
        raise ConfigError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")
    if shard_size < 1 or workers < 1:
        raise ConfigError("shard size and workers must be at least 1")
    if config.out is None:
        raise ConfigError("a sharded run needs 'out' (the projected CoNLL file)")
    al, pr = config.require(Align), config.require(Project)
    if len(pr.methods) != 1:
        raise ConfigError("project runs exactly one method")
    t0 = time.perf_counter()
    names = ("the source", "the target", "the links")
    if source is None:
        source = iter_input(config.input("source"), data_dir=config.data_dir,
                            download=config.download, labelled=None, role="source")
        names = (config.input("source").name, config.input("target").name, names[2])
    if target is None:
        target = (s.words for s in iter_input(config.input("target"), data_dir=config.data_dir,
                                              download=config.download, labelled=False,
                                              role="target"))
    if links is None and al.links is not None:
        links = _iter_links(al.links)
        names = (*names[:2], al.links)
    pairs = _pairs(source, target, links, names)
    out = Path(config.out)
    folder = out.with_name(out.name + ".shards")
    folder.mkdir(parents=True, exist_ok=True)
    settings = config.digest_view()
    sample_size = priors_sample(config, shard_size) if links is None else None
    if sample_size is not None:
        sample = list(islice(pairs, sample_size))  # the one step that holds a sample
        # enough pairs to tell one shard (aligned as unsharded) from more (shard_spans)
        more = list(islice(pairs, max(1, (3 * shard_size + 1) // 2 - len(sample))))
        if len(shard_spans(len(sample) + len(more), shard_size)) > 1 \
                or al.priors_sample is not None:
            config, priors_key = _with_priors(config, folder, sample)
            # the shards' own settings (the priors and their weight) key every shard
            settings = {**settings, "priors": priors_key,
                        "priors_scale": config.require(Align).params["priors_scale"]}
        # else: the corpus fits in the sample: its shards align with the bitext, as unsharded
        pairs = chain(sample, more, pairs)
    report = ProjectionReport(sentences=0)
    outcomes: dict[int, ShardOutcome] = {}

    def tasks() -> Iterator[Task]:
        for shard in _shards(pairs, shard_size):
            for s in shard.source:
                report.add_source(s.entities)
            key = stage_key("shard", settings, [[s.words, [tuple(e) for e in s.entities]]
                                                for s in shard.source], shard.target,
                            None if shard.links is None else [x.tolist() for x in shard.links])
            path = folder / f"shard-{shard.index:05d}.jsonl"
            if config.resume and _shard_done(path, key):
                outcomes[shard.index] = ShardOutcome(shard.index, str(path), reused=True)
            else:
                yield config, shard, str(path), key

    for o in run_engine(engine, tasks(), workers, ray_address):
        outcomes[o.index] = o
    ordered = [outcomes[k] for k in sorted(outcomes)]
    failed = [o for o in ordered if o.error is not None]
    for o in failed:
        log.warning("shard %d failed: %s", o.index, o.error)
    signature = make_signature("project (sharded)", inputs={"sentences": report.sentences},
                               params={"config": settings, "shard_size": shard_size})
    if not failed:
        write_conll(out, _assembled(ordered, report))
        write_sidecar(out, signature)
        with atomic_write(out.with_name(out.name + ".report.json")) as handle:
            json.dump(report.to_dict(), handle, indent=2, ensure_ascii=False)
            handle.write("\n")
    return ShardedResult(out, ordered, None if failed else report, signature,
                         time.perf_counter() - t0, report.sentences, engine, workers, failed)


def _assembled(ordered: Sequence[ShardOutcome], report: ProjectionReport) -> Iterator[Sentence]:
    """The projected sentences, shard file by shard file; their results go to ``report``."""
    k = 0
    for o in ordered:
        for sentence, result in iter_shard(o.path):
            report.add_result(k, result)
            k += 1
            yield sentence


def priors_sample(config: RunConfig, shard_size: int, *, has_bitext: bool | None = None
                  ) -> int | None:
    """How many pairs a sharded run learns eflomal priors from: ``priors_sample`` if set (a
    negative value: none, every shard aligned with the bitext); by default the first shard,
    when the aligner is eflomal with a bitext (``has_bitext``: whether it has one, when the
    configuration alone does not say; translate-train adds ``bitext:<src>-<lang>`` when it is
    there). Measured with the default weight (x4, :data:`SHARD_PRIORS_SCALE`): -0.43 F1
    against whole-corpus alignment on Europarl-NER de, +0.45 on es (shards of 200, mean of
    seeds 0-2, docs/runs.md); ``None``: no priors."""
    al = config.require(Align)
    if al.priors_sample is not None:
        return al.priors_sample if al.priors_sample >= 0 else None
    eflomal = al.aligner.split("(")[0].strip() == "eflomal"
    if has_bitext is None:
        has_bitext = bool(al.bitexts) or al.params.get("bitext") is not None
    return shard_size if eflomal and has_bitext and al.links is None else None


def aligner_settings(config: RunConfig) -> dict[str, Any]:
    """The aligner's constructor parameters a run's align step implies (its bitext, the
    symmetrisation, and the data directory for aligners that learn from bitext)."""
    al = config.require(Align)
    params = dict(al.params)
    if al.bitexts:
        params["bitext"] = list(al.bitexts)
    if al.symmetrize:
        params["symmetrize"] = al.symmetrize
    if uses_bitext(al.aligner):
        params.setdefault("data_dir", config.data_dir)
        params.setdefault("download", config.download)
    return params


# -- a pipeline's alignment in shards (translate-train) -------------------------------------------
def check_sharded_alignment(aligner: str, shard_size: int, engine: str, workers: int) -> None:
    """The settings of a sharded alignment, checked before a run starts."""
    if aligner.split("(")[0].strip() != "eflomal":
        raise ConfigError(f"shard_size: sharded alignment is for the eflomal aligner, not "
                          f"{aligner!r} (pairwise aligners run in actor pools: engine = "
                          "\"ray\")")
    if shard_size < 1 or workers < 1:
        raise ConfigError("shard size and workers must be at least 1")
    if engine not in ENGINE_RUNNERS:
        raise ConfigError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")


@dataclass(frozen=True)
class AlignJob:
    """What an alignment shard task builds its aligner from: a spec and its parameters (the
    aligner is built once per worker process)."""

    aligner: str
    params: Mapping[str, Any]


_ALIGNERS: dict[str, Any] = {}
"""Per-process cache of shard aligners by :class:`AlignJob`."""


def align_shard(job: AlignJob, shard: Shard, path: str, key: str) -> ShardOutcome:
    """Align one shard's word pairs; write their forward and reverse links as JSON Lines
    (``{"forward": [[i, j], ...], "reverse": ...}`` a pair) atomically, then the sidecar key.
    Errors come back in the outcome, never raised."""
    from xlner.align import create_aligner

    t0 = time.perf_counter()
    try:
        if os.environ.get("XLNER_FAIL_SHARD") == str(shard.index):  # fault injection, tests
            raise XlnerError(f"shard {shard.index}: failure injected by XLNER_FAIL_SHARD")
        cache = json.dumps([job.aligner, dict(job.params)], sort_keys=True, default=repr)
        if cache not in _ALIGNERS:
            _ALIGNERS[cache] = create_aligner(job.aligner, **job.params)
        aligned = align_batch(_ALIGNERS[cache], [s.words for s in shard.source],
                              list(shard.target))
        if not isinstance(aligned, DirectionalLinks):
            raise ConfigError(f"aligner {job.aligner!r} gives no directional links")
        with atomic_write(path) as handle:
            for f, r in zip(aligned.forward, aligned.reverse, strict=True):
                handle.write(json.dumps({"forward": np.asarray(f).tolist(),
                                         "reverse": np.asarray(r).tolist()}) + "\n")
        write_sidecar(path, {"key": key, "shard": shard.index, "start": shard.start,
                             "sentences": len(shard.source)})
        seconds = time.perf_counter() - t0
        return ShardOutcome(shard.index, path, seconds=seconds, align_seconds=seconds)
    except Exception as exc:  # reported by the driver with the shard's index
        log.debug("alignment shard %d failed: %s", shard.index, traceback.format_exc())
        return ShardOutcome(shard.index, path, seconds=time.perf_counter() - t0,
                            error=f"{type(exc).__name__}: {exc}")


def _read_links_shard(path: str | Path) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            d = json.loads(line)
            yield (np.asarray(d["forward"], dtype=np.int32).reshape(-1, 2),
                   np.asarray(d["reverse"], dtype=np.int32).reshape(-1, 2))


@dataclass
class ShardedAlignment:
    """A pipeline's eflomal alignment in shards of ``shard_size`` pairs, each shard a task on
    the run's engine and a resumable output (``<folder>/shard-NNNNN.jsonl``, keyed by its
    words, the aligner, the shared priors and their weight).

    With a bitext (``aligner`` holds it) the shards share eflomal priors learnt once from
    the first ``sample`` pairs plus the bitext (``<folder>/priors.txt``, a stage; the same
    mechanism and defaults as :func:`project_sharded`: :func:`learn_shared_priors`, weight
    :data:`SHARD_PRIORS_SCALE`) and are aligned without the bitext; ``sample=None`` and
    ``bitext`` names: every shard aligned with that bitext; neither: every shard alone. A
    batch of at most one shard is aligned whole by ``aligner``, exactly as unsharded."""

    aligner: Any
    """The run's eflomal aligner (with its bitext): learns the priors, aligns a one-shard
    batch."""
    spec: str
    params: Mapping[str, Any]
    """The aligner's parameters without a bitext (a shard's aligner is built from them)."""
    shard_size: int
    sample: int | None = None
    bitext: tuple[str, ...] = ()
    data_dir: str | None = None
    download: bool = True
    engine: str = "local"
    workers: int = 1
    ray_address: str | None = None
    resume: bool = True
    outcomes: list[ShardOutcome] = field(default_factory=list)
    """The last alignment's shards (reused, computed)."""

    def __post_init__(self) -> None:
        check_sharded_alignment(self.spec, self.shard_size, self.engine, self.workers)

    @property
    def priors_scale(self) -> float | None:
        if self.sample is None:
            return None
        return float(self.params.get("priors_scale", SHARD_PRIORS_SCALE))

    def key(self, pairs: int) -> dict[str, Any] | None:
        """What the links of ``pairs`` pairs depend on beyond the aligner (its stage key
        holds the aligner with its bitext); ``None`` for one shard (aligned as unsharded)."""
        spans = shard_spans(pairs, self.shard_size)
        if len(spans) <= 1:
            return None
        from xlner.align.priors import PRIORS_VERSION

        # the last shard's length pins how the corpus was cut (a small last one joins)
        return {"shard_size": self.shard_size, "last_shard": spans[-1][1] - spans[-1][0],
                "priors_sample": self.sample,
                "priors_scale": self.priors_scale,
                "priors_version": None if self.sample is None else PRIORS_VERSION,
                "shard_bitext": list(self.bitext) if self.sample is None else []}

    def align(self, src: Sequence[Sequence[str]], tgt: Sequence[Sequence[str]],
              folder: Path | None = None) -> DirectionalLinks:
        """Forward and reverse links of the batch (a
        :class:`~xlner.align.util.DirectionalLinks`), from its shards; the shard files go
        to ``folder`` (``None``: a temporary one). A failed shard is an error naming it and
        its error, raised once the others have landed (a re-run aligns only what is
        missing)."""
        import tempfile

        if len(shard_spans(len(src), self.shard_size)) <= 1:
            self.outcomes = []
            whole = align_batch(self.aligner, src, tgt)
            assert isinstance(whole, DirectionalLinks)  # eflomal
            return whole
        if folder is None:
            with tempfile.TemporaryDirectory(prefix="xlner-align-shards-") as tmp:
                return self.align(src, tgt, Path(tmp))
        folder = folder.resolve()
        folder.mkdir(parents=True, exist_ok=True)
        from xlner.pipelines.stages import component_key

        aligner_key = component_key(self.aligner)
        params = {k: v for k, v in self.params.items() if k != "bitext"}
        settings: dict[str, Any] = {"priors": None, "bitext": list(self.bitext)}
        if self.sample is not None:
            from xlner.align.priors import PRIORS_VERSION

            n = min(self.sample, len(src))
            path = folder / "priors.txt"
            priors_key = stage_key("priors", {"priors_version": PRIORS_VERSION}, aligner_key,
                                   [list(w) for w in src[:n]], [list(w) for w in tgt[:n]])
            if not (self.resume and _shard_done(path, priors_key)):
                learn_shared_priors(self.aligner, [tuple(w) for w in src[:n]],
                                    [tuple(w) for w in tgt[:n]], path, priors_key)
            params = shard_priors_params(params, path)
            settings = {"priors": priors_key, "priors_scale": params["priors_scale"]}
        elif self.bitext:
            params.update(bitext=list(self.bitext), data_dir=self.data_dir,
                          download=self.download)
        job = AlignJob(self.spec, {**params, "one_core": True})  # a task holds one core
        outcomes: dict[int, ShardOutcome] = {}

        def tasks() -> Iterator[Task]:
            for index, (start, end) in enumerate(shard_spans(len(src), self.shard_size)):
                words = [tuple(w) for w in src[start:end]]
                target = tuple(tuple(w) for w in tgt[start:end])
                key = stage_key("align-shard", aligner_key, settings, words, target)
                path = folder / f"shard-{index:05d}.jsonl"
                if self.resume and _shard_done(path, key):
                    outcomes[index] = ShardOutcome(index, str(path), reused=True)
                else:
                    yield job, Shard(index, start, tuple(Sentence(w) for w in words),
                                     target), str(path), key

        for o in run_engine(self.engine, tasks(), self.workers, self.ray_address,
                            align_shard):
            outcomes[o.index] = o
        self.outcomes = [outcomes[k] for k in sorted(outcomes)]
        failed = [o for o in self.outcomes if o.error is not None]
        if failed:
            raise XlnerError(f"{len(failed)} of {len(self.outcomes)} alignment shards failed ("
                             + "; ".join(f"shard {o.index}: {o.error}" for o in failed)
                             + f"); the others are in {folder}, a re-run aligns only the "
                             "missing ones")
        forward, reverse = [], []
        for o in self.outcomes:
            for f, r in _read_links_shard(o.path):
                forward.append(f)
                reverse.append(r)
        if len(forward) != len(src):
            raise XlnerError(f"alignment shards in {folder} hold {len(forward)} pairs for "
                             f"{len(src)}")
        return DirectionalLinks(forward, reverse)
