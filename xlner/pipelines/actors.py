"""Model-holding steps as Ray actor pools: each actor builds its component (a translator, a
neural aligner, a tagger: anything in a registry) once, and batches go to whichever actor is
free, results coming back in input order.

The pipelines use them with ``engine = "ray"``: translate-train's translator
(:func:`pooled_translate`), translate-test's tagger and the neural aligners of both
(:func:`pooled`: started on first use, so a run whose stages are all reused starts no Ray).

``ModelPool("translator", "nllb", {"model": ...}, actors=2, num_gpus=1)`` starts two actors
with a GPU each (``num_gpus`` may be a fraction to pack several actors on one GPU); CPU steps
stay Ray tasks (:mod:`xlner.pipelines.shards`). Ray is started locally with ``actors ×
num_cpus`` CPUs unless it is running already or ``address`` names a cluster, and stopped on
:meth:`ModelPool.close` if the pool started it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from xlner.errors import ConfigError

if TYPE_CHECKING:
    from xlner.pipelines.config import RunConfig

KINDS = ("translator", "aligner", "tagger")
_PACKAGES = {"translator": "xlner.translate", "aligner": "xlner.align", "tagger": "xlner.tag"}


def _registry(kind: str) -> Any:
    from xlner import registry

    if kind not in KINDS:
        raise ConfigError(f"unknown model step {kind!r}; choose from {', '.join(KINDS)}")
    return getattr(registry, f"{kind}s")


class _Holder:
    """The actor body: one component, built when the actor starts."""

    def __init__(self, kind: str, spec: str, params: Mapping[str, Any]) -> None:
        import importlib

        importlib.import_module(_PACKAGES[kind])  # where the kind's built-ins register
        if kind == "tagger":  # a saved tagger, a spec or a Hugging Face model, as locally
            from xlner.tag import resolve_tagger

            self.component = resolve_tagger(spec, **dict(params))
        else:
            self.component = _registry(kind).create(spec, **dict(params))

    def call(self, method: str, args: tuple[Any, ...]) -> Any:
        return getattr(self.component, method)(*args)


class ModelPool:
    """``actors`` Ray actors holding the ``kind`` component built from ``spec`` and ``params``."""

    def __init__(self, kind: str, spec: str, params: Mapping[str, Any] | None = None, *,
                 actors: int = 1, num_gpus: float = 0.0, num_cpus: float = 1.0,
                 address: str | None = None) -> None:
        _registry(kind)
        if actors < 1 or num_gpus < 0 or num_cpus <= 0:
            raise ConfigError("an actor pool needs at least 1 actor, num_gpus >= 0 and "
                              "num_cpus > 0")
        try:
            import ray
        except ImportError:
            raise ConfigError("actor pools need Ray: pip install 'xlner[ray]'") from None
        self._ray = ray
        self.started = False
        if not ray.is_initialized():
            if address:
                ray.init(address=address, log_to_driver=False)
            else:
                ray.init(num_cpus=max(1, round(actors * num_cpus)), include_dashboard=False,
                         log_to_driver=False)
            self.started = True
        holder = ray.remote(num_cpus=num_cpus, num_gpus=num_gpus)(_Holder)
        self.actors: list[Any] = [holder.remote(kind, spec, dict(params or {}))
                                  for _ in range(actors)]

    def map(self, method: str, batches: Sequence[tuple[Any, ...]]) -> list[Any]:
        """``component.method(*batch)`` for each batch, spread over the actors; the results in
        the batches' order."""
        from ray.util import ActorPool

        pool = ActorPool(self.actors)
        return list(pool.map(lambda actor, args: actor.call.remote(method, args),
                             list(batches)))

    def close(self) -> None:
        for actor in self.actors:
            self._ray.kill(actor)
        self.actors = []
        if self.started:
            self._ray.shutdown()
            self.started = False

    def __enter__(self) -> ModelPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def pooled_translate(pool: ModelPool, batch_size: int = 64
                     ) -> Callable[[Sequence[str], str, str], list[str]]:
    """A ``translate(sentences, src_lang, tgt_lang)`` that sends batches of ``batch_size``
    sentences to the pool's translators (each actor batches further as its backend does)."""
    def translate(sentences: Sequence[str], src_lang: str, tgt_lang: str) -> list[str]:
        batches = [(list(sentences[k:k + batch_size]), src_lang, tgt_lang)
                   for k in range(0, len(sentences), batch_size)]
        return [t for part in pool.map("translate", batches) for t in part]
    return translate


def pool_batch(aligner: object, default: int = 256) -> int:
    """Pairs per batch sent to an aligner's actor: its own ``chunk_size`` when it has one, so
    each actor embeds exactly the chunks the local run does (same links, to the bit)."""
    return int(getattr(aligner, "chunk_size", default))


@contextmanager
def pooled(config: RunConfig | None, kind: str, spec: str, params: Mapping[str, Any] | None,
           method: str, *, batch_size: int = 256) -> Iterator[Callable[..., list[Any]] | None]:
    """With ``config.engine == "ray"``: a function ``run(*columns)`` that calls
    ``component.method`` on batches of ``batch_size`` rows of its argument columns (e.g.
    ``run(src, tgt)`` for an aligner, ``run(sentences)`` for a tagger) on a pool of
    ``config.actors`` (default ``workers``) actors with ``num_gpus`` each, and joins the
    results in order. The pool starts on the first call and is closed on exit. Otherwise
    (no configuration, another engine) ``None``: the component runs here."""
    if config is None or config.engine != "ray":
        yield None
        return
    if batch_size < 1:
        raise ConfigError(f"batch_size must be positive, not {batch_size}")
    pools: list[ModelPool] = []

    def run(*columns: Sequence[Any]) -> list[Any]:
        if not pools:
            pools.append(ModelPool(kind, spec, params, actors=config.actors or config.workers,
                                   num_gpus=config.num_gpus, address=config.ray_address))
        n = len(columns[0])
        batches = [tuple(list(c[k:k + batch_size]) for c in columns)
                   for k in range(0, n, batch_size)]
        return [x for part in pools[0].map(method, batches) for x in part]

    try:
        yield run
    finally:
        for pool in pools:
            pool.close()
