"""One run configuration: the inputs and the ordered steps of a pipeline, as frozen, typed
settings, read from and written to TOML.

Every entry point (``xlner translate-train``, ``translate-test``, ``project``, ``xlner run``,
``bench masakhaner-nllb``) builds a :class:`RunConfig` and hands it to
:func:`xlner.pipelines.run.run`; the signature of the run's outputs and the keys of its
refinement stages are derived from it. A file looks like::

    pipeline = "translate-train"
    lang = "hau"
    out = "runs/hau"

    [inputs.source]
    name = "nllb-conll2003:hau:en"

    [[steps]]
    kind = "translate"
    translator = "cached"
    params = { path = "nllb-conll2003:hau:tprojection" }

    [[steps]]
    kind = "align"
    aligner = "eflomal"

    [[steps]]
    kind = "project"
    methods = ["ilp+grow"]

    [[steps]]
    kind = "filters"
    params = { names = ["no-failed", "prose"] }

Refinement steps (``label-map``, ``consistency``, ``filters``, ``recall-repair``, ``join``) are
applied to the projected training set in the order written
(:mod:`xlner.pipelines.refine`).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar

from xlner.errors import ConfigError
from xlner.project.limits import Limits

PIPELINES = ("translate-train", "translate-test", "project")
EXECUTION = ("out", "data_dir", "download", "resume", "shard_size", "engine", "workers",
             "ray_address", "actors", "num_gpus")
"""Settings of where and how a run executes, not of what it computes."""
REFINE_KINDS = ("label-map", "consistency", "filters", "recall-repair", "join")
"""Refinement steps of a translate-train training set (registered in
:mod:`xlner.pipelines.refine`)."""


@dataclass(frozen=True)
class Input:
    """A corpus: a name (``masakhaner2:hau:test``) or a file (CoNLL or text), and how to read
    it."""

    name: str
    label_map: str | None = None
    scheme: str = "iob2"
    repair: bool = False
    tokenize: str = "whitespace"
    skip_empty_words: bool = False
    encoding: str = "utf-8"
    allow_empty: bool = False


@dataclass(frozen=True)
class Translate:
    """Translate (or read cached translations of) the pipeline's sentences, split them into
    words (``tokenizer``: ``auto``, ``whitespace``, ``xlner``)."""

    kind: ClassVar[str] = "translate"
    translator: str = "cached"
    params: Mapping[str, Any] = field(default_factory=dict)
    tokenizer: str = "auto"


@dataclass(frozen=True)
class Align:
    """Word alignment. ``bitext``: add ``bitext:<src>-<lang>`` to eflomal's data (pipelines
    over translations) ; ``bitexts``: named extra bitext (``project``); ``links``: a Pharaoh
    file of precomputed links instead of aligning (``project``); ``anchors``: orthographic
    anchors added to the links; ``symmetrize``: overrides the method's own."""

    kind: ClassVar[str] = "align"
    aligner: str = "eflomal"
    params: Mapping[str, Any] = field(default_factory=dict)
    bitext: bool = True
    bitexts: tuple[str, ...] = ()
    anchors: bool = False
    symmetrize: str | None = None
    links: str | None = None
    links_reverse: str | None = None
    """With ``links`` (then the forward links): the reverse-direction links."""
    priors_sample: int | None = None
    """Sharded eflomal runs: learn priors once from this many corpus pairs plus the bitext
    and align each shard with them (instead of with the bitext); ``None``: the first shard
    (with a bitext); negative: no priors, every shard aligned with the bitext."""


@dataclass(frozen=True)
class Project:
    """Projection with one or more methods (``params``: method overrides, e.g. candidates);
    ``source_label_map`` renames/drops source classes first; ``target_tagger`` (+ params) tags
    the target for methods that read tagger candidates or scores (translate-test);
    ``max_words``, ``max_entities``, ``max_candidates`` override the per-sentence limits
    (:mod:`xlner.project.limits`; ``None``: the default)."""

    kind: ClassVar[str] = "project"
    methods: tuple[str, ...] = ("heuristic",)
    params: Mapping[str, Any] = field(default_factory=dict)
    source_label_map: str | None = None
    target_tagger: str | None = None
    target_tagger_params: Mapping[str, Any] = field(default_factory=dict)
    max_words: int | None = None
    max_entities: int | None = None
    max_candidates: int | None = None

    def limits(self) -> Limits:
        """The per-sentence limits of this run (defaults where not set)."""
        given = {"max_words": self.max_words, "max_entities": self.max_entities,
                 "max_candidates": self.max_candidates}
        return Limits(**{k: v for k, v in given.items() if v is not None})


@dataclass(frozen=True)
class Refine:
    """One refinement of the projected training set: ``kind`` is one of
    :data:`REFINE_KINDS`, ``params`` its settings."""

    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Tag:
    """Tag the (translated) sentences with a tagger (translate-test): a saved directory, a
    spec or a Hugging Face model; ``label_map`` renames/drops predicted classes."""

    kind: ClassVar[str] = "tag"
    tagger: str = "crf"
    params: Mapping[str, Any] = field(default_factory=dict)
    label_map: str | None = None


@dataclass(frozen=True)
class Train:
    """Train a tagger (a spec) on each method's training set."""

    kind: ClassVar[str] = "train"
    tagger: str = "crf"


@dataclass(frozen=True)
class Evaluate:
    """Score the trained tagger on the input named ``input``."""

    kind: ClassVar[str] = "evaluate"
    input: str = "eval"


Step = Translate | Align | Project | Refine | Tag | Train | Evaluate
STEP_TYPES: dict[str, type[Any]] = {t.kind: t for t in (Translate, Align, Project, Tag, Train,
                                                         Evaluate)}


@dataclass(frozen=True)
class RunConfig:
    """A whole run: which pipeline, its languages, inputs, ordered steps and output."""

    pipeline: str
    lang: str
    inputs: Mapping[str, Input]
    steps: tuple[Step, ...]
    src_lang: str = "en"
    """The source language (translate-train, project) or the pivot (translate-test)."""
    out: str | None = None
    data_dir: str | None = None
    download: bool = True
    resume: bool = True
    shard_size: int | None = None
    """Run in shards of this many sentence pairs (``project``: align and project;
    ``translate-train``: eflomal's alignment; :mod:`xlner.pipelines.shards`)."""
    engine: str = "local"
    """Where shards run: ``local`` (a process pool of ``workers``) or ``ray``."""
    workers: int = 1
    ray_address: str | None = None
    actors: int | None = None
    """With ``engine = "ray"``: the actors of a model step's pool (translation, the
    translate-test tagger, neural aligners; default ``workers``), each loading the model once
    (:mod:`xlner.pipelines.actors`)."""
    num_gpus: float = 0.0
    """GPUs per actor (a fraction packs several actors on one GPU)."""

    def __post_init__(self) -> None:
        if self.pipeline not in PIPELINES:
            raise ConfigError(f"unknown pipeline {self.pipeline!r}; choose from "
                              f"{', '.join(PIPELINES)}")
        for step in self.steps:
            if isinstance(step, Refine) and step.kind not in REFINE_KINDS:
                raise ConfigError(f"unknown step kind {step.kind!r}; choose from "
                                  f"{', '.join([*STEP_TYPES, *REFINE_KINDS])}")
        kinds = [s.kind for s in self.steps if not isinstance(s, Refine)]
        twice = sorted({k for k in kinds if kinds.count(k) > 1})
        if twice:
            raise ConfigError(f"steps {twice} given more than once")

    def step(self, cls: type[Any]) -> Any:
        """The step of type ``cls``, or ``None``."""
        return next((s for s in self.steps if isinstance(s, cls)), None)

    def require(self, cls: type[Any]) -> Any:
        step = self.step(cls)
        if step is None:
            raise ConfigError(f"a {self.pipeline} run needs a {cls.kind!r} step")
        return step

    @property
    def refine(self) -> tuple[Refine, ...]:
        """The refinement steps, in order."""
        return tuple(s for s in self.steps if isinstance(s, Refine))

    def input(self, name: str) -> Input:
        try:
            return self.inputs[name]
        except KeyError:
            raise ConfigError(f"a {self.pipeline} run needs the input {name!r} "
                              f"([inputs.{name}])") from None

    def to_dict(self) -> dict[str, Any]:
        """The plain form (what TOML holds; ``None`` values left out)."""
        out: dict[str, Any] = {"pipeline": self.pipeline, "lang": self.lang,
                               "src_lang": self.src_lang}
        for key in ("out", "data_dir", "shard_size"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        out["download"], out["resume"] = self.download, self.resume
        if self.shard_size is not None or self.engine != "local":
            out["engine"], out["workers"] = self.engine, self.workers
            if self.ray_address is not None:
                out["ray_address"] = self.ray_address
        if self.actors is not None:
            out["actors"] = self.actors
        if self.num_gpus:
            out["num_gpus"] = self.num_gpus
        out["inputs"] = {k: _plain(v) for k, v in self.inputs.items()}
        out["steps"] = [{"kind": s.kind, **_plain(s)} for s in self.steps]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "config") -> RunConfig:
        """Build and validate; errors name ``source`` and the offending key."""
        data = dict(data)
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"{source}: unknown keys {unknown}; expected {sorted(known)}")
        for key in ("pipeline", "lang"):
            if key not in data:
                raise ConfigError(f"{source}: missing key {key!r}")
        inputs_raw = data.get("inputs", {})
        if not isinstance(inputs_raw, Mapping):
            raise ConfigError(f"{source}: 'inputs' must be a table")
        inputs = {name: _build(Input, value, f"{source}: inputs.{name}")
                  for name, value in inputs_raw.items()}
        steps: list[Step] = []
        for k, raw in enumerate(data.get("steps", [])):
            where = f"{source}: steps[{k}]"
            if not isinstance(raw, Mapping) or "kind" not in raw:
                raise ConfigError(f"{where}: a step is a table with a 'kind'")
            raw = dict(raw)
            kind = raw.pop("kind")
            if kind in REFINE_KINDS:
                steps.append(_build(Refine, {"kind": kind, **raw}, where))
            elif kind in STEP_TYPES:
                steps.append(_build(STEP_TYPES[kind], raw, where))
            else:
                raise ConfigError(f"{where}: unknown step kind {kind!r}; choose from "
                                  f"{', '.join([*STEP_TYPES, *REFINE_KINDS])}")
        rest = {k: v for k, v in data.items() if k not in ("inputs", "steps")}
        try:
            return cls(inputs=inputs, steps=tuple(steps), **rest)
        except ConfigError as exc:
            raise ConfigError(f"{source}: {exc}") from None

    def to_toml(self) -> str:
        return dump_toml(self.to_dict())

    def digest_view(self) -> dict[str, Any]:
        """What the outputs depend on: everything but where data and outputs live."""
        d = self.to_dict()
        for key in EXECUTION:
            d.pop(key, None)
        return d


def _plain(obj: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(obj):
        value = getattr(obj, f.name)
        if value is None or (f.name == "kind" and isinstance(obj, Refine)):
            continue
        if isinstance(value, Mapping):
            value = dict(value)
            if not value:
                continue
        elif isinstance(value, tuple):
            value = list(value)
        out[f.name] = value
    return out


def _build(cls: type[Any], raw: Any, where: str) -> Any:
    if isinstance(raw, str) and cls is Input:
        raw = {"name": raw}
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: expected a table")
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise ConfigError(f"{where}: unknown keys {unknown}; expected {sorted(known)}")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, list):
            value = tuple(value)
        values[key] = value
    try:
        return cls(**values)
    except TypeError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def load_config(path: str | Path) -> RunConfig:
    """Read a run configuration from a TOML file (errors name the file)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such run configuration") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return RunConfig.from_dict(data, str(path))


# -- a small TOML writer ----------------------------------------------------------------------
def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, Mapping):
        items = [f"{_key(k)} = {_value(x)}" for k, x in v.items() if x is not None]
        return "{ " + ", ".join(items) + " }" if items else "{}"
    raise ConfigError(f"cannot write {v!r} ({type(v).__name__}) to TOML")


def _key(k: str) -> str:
    return k if k.replace("_", "").replace("-", "").isalnum() else json.dumps(k)


def dump_toml(data: Mapping[str, Any]) -> str:
    """TOML for a run's plain form: scalars first, then ``[inputs.X]`` tables, then
    ``[[steps]]``."""
    lines = [f"{_key(k)} = {_value(v)}" for k, v in data.items()
             if v is not None and k not in ("inputs", "steps")]
    for name, table in data.get("inputs", {}).items():
        lines += ["", f"[inputs.{_key(name)}]"]
        lines += [f"{_key(k)} = {_value(v)}" for k, v in table.items() if v is not None]
    for step in data.get("steps", []):
        lines += ["", "[[steps]]"]
        lines += [f"{_key(k)} = {_value(v)}" for k, v in step.items() if v is not None]
    return "\n".join(lines) + "\n"


# -- built from flags ------------------------------------------------------------------------
def refine_steps(*, target_label_map: str | None = None,
                 consistency: bool | Mapping[str, Any] = False,
                 filters: Sequence[str] | str | None = ("no-failed",),
                 repair: bool | Mapping[str, Any] = False,
                 join: str | None = None) -> list[Refine]:
    """The refinement steps the translate-train flags describe, in the order the pipeline has
    always applied them: consistency, the target label map, filters, recall repair, join."""
    from xlner.pipelines.filters import parse_filters

    steps: list[Refine] = []
    if consistency:
        steps.append(Refine("consistency", dict(consistency)
                            if isinstance(consistency, Mapping) else {}))
    if target_label_map:
        steps.append(Refine("label-map", {"map": target_label_map}))
    steps.append(Refine("filters", {"names": parse_filters(filters)}))
    if repair:
        steps.append(Refine("recall-repair", dict(repair) if isinstance(repair, Mapping)
                            else {}))
    if join is not None:
        steps.append(Refine("join", {"rule": join}))
    return steps


def limit_fields(limits: Mapping[str, int | None] | None) -> dict[str, Any]:
    """The :class:`Project` step's limit fields from ``max_words``/``max_entities``/
    ``max_candidates`` overrides (``None``: the default)."""
    return {key: (limits or {}).get(key) for key in ("max_words", "max_entities",
                                                     "max_candidates")}


def _translate_step(translator: str, params: Mapping[str, Any] | None, translations: str | None,
                   tokenizer: str) -> Translate:
    """The translate step of a command line: ``translations`` is the file that a ``cached``
    translator reads (its ``path``, unless the parameters name one)."""
    settings = dict(params or {})
    if translations is not None and translator.split("(")[0].strip() == "cached":
        settings.setdefault("path", translations)
    return Translate(translator, settings, tokenizer)


def translate_train_config(*, lang: str, source: str | Input = "source",
                           translations: str | None = None, translator: str = "cached",
                           translator_params: Mapping[str, Any] | None = None,
                           src_lang: str = "en", tokenizer: str = "auto",
                           methods: Sequence[str] = ("heuristic",), aligner: str = "eflomal",
                           aligner_params: Mapping[str, Any] | None = None,
                           bitext: bool = True, anchors: bool = False,
                           source_label_map: str | None = None,
                           target_label_map: str | None = None,
                           consistency: bool | Mapping[str, Any] = False,
                           filters: Sequence[str] | str | None = ("no-failed",),
                           repair: bool | Mapping[str, Any] = False, join: str | None = None,
                           tagger: str | None = None, eval: str | Input | None = None,
                           out: str | Path | None = None, data_dir: str | Path | None = None,
                           download: bool = True, resume: bool = True,
                           limits: Mapping[str, int | None] | None = None,
                           shard_size: int | None = None, priors_sample: int | None = None,
                           engine: str = "local", workers: int = 1,
                           ray_address: str | None = None) -> RunConfig:
    """A translate-train run from the settings its command line takes (``limits``: as
    :func:`project_config` takes them; ``shard_size``: eflomal aligns the corpus in shards
    of that many pairs on ``engine`` with ``workers``, with shared priors learnt from
    ``priors_sample`` pairs, default the first shard)."""
    inputs = {"source": source if isinstance(source, Input) else Input(source)}
    steps: list[Step] = [
        _translate_step(translator, translator_params, translations, tokenizer),
        Align(aligner, dict(aligner_params or {}), bitext=bitext, anchors=anchors,
              priors_sample=priors_sample),
        Project(tuple(methods), source_label_map=source_label_map or None,
                **limit_fields(limits)),
        *refine_steps(target_label_map=target_label_map, consistency=consistency,
                      filters=filters, repair=repair, join=join)]
    if tagger is not None:
        steps.append(Train(tagger))
    if eval is not None:
        inputs["eval"] = eval if isinstance(eval, Input) else Input(eval)
        steps.append(Evaluate("eval"))
    return RunConfig("translate-train", lang, inputs, tuple(steps), src_lang=src_lang,
                     out=None if out is None else str(out),
                     data_dir=None if data_dir is None else str(data_dir), download=download,
                     resume=resume, shard_size=shard_size, engine=engine, workers=workers,
                     ray_address=ray_address)


def translate_test_config(*, lang: str, target: str | Input, tagger: str,
                          translations: str | None = None, translator: str = "cached",
                          translator_params: Mapping[str, Any] | None = None,
                          tagger_params: Mapping[str, Any] | None = None,
                          pred_label_map: str | None = None, pivot_lang: str = "en",
                          tokenizer: str = "auto", method: str = "heuristic",
                          aligner: str = "eflomal",
                          aligner_params: Mapping[str, Any] | None = None,
                          bitext: bool = True, anchors: bool = False,
                          target_tagger: str | None = None,
                          target_tagger_params: Mapping[str, Any] | None = None,
                          out: str | Path | None = None, data_dir: str | Path | None = None,
                          download: bool = True, resume: bool = True,
                          limits: Mapping[str, int | None] | None = None) -> RunConfig:
    """A translate-test run from the settings its command line takes (``limits``: as
    :func:`project_config` takes them)."""
    steps: tuple[Step, ...] = (
        _translate_step(translator, translator_params, translations, tokenizer),
        Tag(tagger, dict(tagger_params or {}), pred_label_map or None),
        Align(aligner, dict(aligner_params or {}), bitext=bitext, anchors=anchors),
        Project((method,), target_tagger=target_tagger,
                target_tagger_params=dict(target_tagger_params or {}),
                **limit_fields(limits)))
    return RunConfig("translate-test", lang,
                     {"target": target if isinstance(target, Input) else Input(target)}, steps,
                     src_lang=pivot_lang, out=None if out is None else str(out),
                     data_dir=None if data_dir is None else str(data_dir), download=download,
                     resume=resume)


def project_config(*, source: str | Input, target: str | Input, out: str | Path,
                   method: str = "heuristic", method_params: Mapping[str, Any] | None = None,
                   aligner: str = "eflomal", aligner_params: Mapping[str, Any] | None = None,
                   bitexts: Sequence[str] = (), symmetrize: str | None = None,
                   links: str | None = None, links_reverse: str | None = None,
                   priors_sample: int | None = None,
                   lang: str = "und", src_lang: str = "en",
                   data_dir: str | Path | None = None, download: bool = True,
                   resume: bool = True, shard_size: int | None = None,
                   engine: str = "local", workers: int = 1,
                   ray_address: str | None = None,
                   limits: Mapping[str, int | None] | None = None) -> RunConfig:
    """A projection run over parallel text from the settings of ``xlner project``
    (``limits``: ``max_words``, ``max_entities``, ``max_candidates`` overrides)."""
    steps: tuple[Step, ...] = (
        Align(aligner, dict(aligner_params or {}), bitext=False, bitexts=tuple(bitexts),
              symmetrize=symmetrize, links=links, links_reverse=links_reverse,
              priors_sample=priors_sample),
        Project((method,), dict(method_params or {}), **limit_fields(limits)))
    inputs = {"source": source if isinstance(source, Input) else Input(source),
              "target": target if isinstance(target, Input) else Input(target)}
    return RunConfig("project", lang, inputs, steps, src_lang=src_lang, out=str(out),
                     data_dir=None if data_dir is None else str(data_dir), download=download,
                     resume=resume, shard_size=shard_size, engine=engine, workers=workers,
                     ray_address=ray_address)
