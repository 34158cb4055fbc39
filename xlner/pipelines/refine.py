"""Refinement of a projected training set: small registered steps applied in the order the run
configuration lists them (:class:`xlner.pipelines.config.Refine`).

=================  ========================================================================
``label-map``      rename/drop classes (``map = "MISC=O"``)
``consistency``    make labels consistent across the corpus (needs the whole corpus)
``filters``        keep the sentences that pass the named filters (``names = [...]``)
``recall-repair``  add cross-fold tagger predictions that look like names (whole corpus)
``join``           re-join words as the target's test data splits them (``rule = ...``)
=================  ========================================================================

A step reads and updates a :class:`RefineState`; its report lands in ``state.reports`` under
its report key (``consistency``, ``filters``, ``repair``, ``join``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from xlner.corpora.labels import LabelMap
from xlner.data import Sentence, Span
from xlner.errors import ConfigError
from xlner.pipelines.config import Refine
from xlner.pipelines.consistency import make_consistent
from xlner.pipelines.filters import FilterReport, apply_filters, get_filter, parse_filters
from xlner.pipelines.repair import REPAIR_DEFAULTS, repair_recall
from xlner.project.base import ProjectionResult
from xlner.registry import Registry
from xlner.translate.split import JOINERS, join_sentences

log = logging.getLogger(__name__)

CONSISTENCY_DEFAULTS: dict[str, Any] = {"min_count": 3, "min_ratio": 0.5, "max_words": 4,
                                        "add_missed": True}
WHOLE_CORPUS = frozenset({"consistency", "recall-repair"})
"""Steps that read the whole training set at once (they cannot run shard by shard)."""
EXPENSIVE = frozenset({"recall-repair", "join"})
"""Steps whose output is read back from disk when the stage is reused."""


@dataclass
class RefineState:
    """The training set being refined: the current sentences and, for each, its index in the
    projected corpus (filters drop some)."""

    source: Sequence[Sentence]
    projected: Sequence[Sentence]
    results: Sequence[ProjectionResult]
    dropped: Sequence[str]
    """Classes a ``label-map`` step of the run drops (consistency relabels them first)."""
    sentences: list[Sentence] = field(default_factory=list)
    indices: list[int] = field(default_factory=list)
    reports: dict[str, Any] = field(default_factory=dict)


RefineFn = Callable[..., None]
refiners: Registry[RefineFn] = Registry("refinement step")


def _settings(kind: str, params: Mapping[str, Any], defaults: Mapping[str, Any]
              ) -> dict[str, Any]:
    unknown = sorted(set(params) - set(defaults))
    if unknown:
        raise ConfigError(f"unknown {kind} settings {unknown}; choose from {sorted(defaults)}")
    return {**defaults, **params}


def check_refine(steps: Sequence[Refine]) -> None:
    """Validate every step's settings before anything runs."""
    for step in steps:
        refiners.entry(step.kind)
        p = dict(step.params)
        if step.kind == "consistency":
            _settings("consistency", p, {**CONSISTENCY_DEFAULTS, "drop": None})
        elif step.kind == "recall-repair":
            _settings("recall repair", p, REPAIR_DEFAULTS)
        elif step.kind == "label-map":
            _settings("label-map", p, {"map": None})
            LabelMap.parse(p.get("map"))
        elif step.kind == "filters":
            _settings("filters", p, {"names": None})
            for name in parse_filters(p.get("names")):
                get_filter(name)
        elif step.kind == "join":
            _settings("join", p, {"rule": None})
            if p.get("rule", "apostrophes") not in JOINERS:
                raise ConfigError(f"unknown word-joining rule {p.get('rule')!r}; choose from "
                                  f"{', '.join(JOINERS)}")


def dropped_classes(steps: Sequence[Refine], labels: Sequence[str]) -> list[str]:
    """Classes among ``labels`` that a ``label-map`` step drops."""
    maps = [LabelMap.parse(s.params.get("map")) for s in steps if s.kind == "label-map"]
    return sorted({lab for lab in labels if any(m(lab) is None for m in maps)})


@refiners.register("label-map", description="rename or drop classes (map = 'MISC=O')")
def _label_map(state: RefineState, map: str | None = None) -> None:
    lm = LabelMap.parse(map)
    if not lm.is_identity:
        state.sentences = [lm.apply_sentence(s) for s in state.sentences]


@refiners.register("consistency", description="consistent labels across the corpus")
def _consistency(state: RefineState, **params: Any) -> None:
    settings = _settings("consistency", params, {**CONSISTENCY_DEFAULTS, "drop": None})
    drop = settings.pop("drop")
    state.sentences, report = make_consistent(
        state.sentences, drop=state.dropped if drop is None else drop, **settings)
    state.reports["consistency"] = report
    log.info("%s", report.summary())


@refiners.register("filters", description="keep the sentences that pass the named filters")
def _filters(state: RefineState, names: Sequence[str] | str | None = ()) -> None:
    names = parse_filters(names)
    sources = [state.source[i] for i in state.indices]
    results = [state.results[i] for i in state.indices]
    kept, report = apply_filters(names, sources, state.sentences, results)
    fns = [get_filter(n)[0] for n in names]
    state.indices = [i for i, src, res in zip(state.indices, sources, results, strict=True)
                     if not any(fn(src, res) for fn in fns)]
    state.sentences = kept
    state.reports["filters"] = report


@refiners.register("recall-repair", description="add cross-fold tagger predictions")
def _repair(state: RefineState, **params: Any) -> None:
    settings = _settings("recall repair", params, REPAIR_DEFAULTS)
    if not state.sentences:
        return
    blocked = None
    if settings.pop("block_dropped"):  # the words of projected spans of dropped classes
        blocked = [[Span(e.start, e.end) for e in state.projected[i].entities
                    if e.label in state.dropped] for i in state.indices]
    state.sentences, report = repair_recall(state.sentences, blocked=blocked, **settings)
    state.reports["repair"] = report
    log.info("%s", report.summary())


@refiners.register("join", description="re-join words (rule = 'apostrophes')")
def _join(state: RefineState, rule: str = "apostrophes") -> None:
    state.sentences, report = join_sentences(state.sentences, rule)
    state.reports["join"] = report
    log.info("%s", report.summary())


def refine(steps: Sequence[Refine], source: Sequence[Sentence], projected: Sequence[Sentence],
           results: Sequence[ProjectionResult]) -> RefineState:
    """Apply ``steps`` in order to the projected sentences; a run without a ``filters`` step
    still gets a (no-op) filter report."""
    check_refine(steps)
    labels = sorted({e.label for s in projected for e in s.entities})
    state = RefineState(source, projected, results, dropped_classes(steps, labels),
                        list(projected), list(range(len(projected))))
    for step in steps:
        refiners.entry(step.kind).load()(state, **dict(step.params))
    if "filters" not in state.reports:
        state.reports["filters"] = apply_filters([], [], [], [])[1]
        report: FilterReport = state.reports["filters"]
        report.sentences = report.kept_sentences = len(state.sentences)
        report.kept_entities = sum(len(s.entities) for s in state.sentences)
    return state
