"""Fusion: a weighted sum of scorers, each with its own threshold (docs/method.md §4).

``c(p, t) = Σ_k w_k · s_k(p, t) · [s_k(p, t) >= thr_k]``. A spec string gives the terms:
``align=1,ortho=0.5`` or, with thresholds and scorer parameters,
``align(mode=words)=1,ortho(n=3)=0.5@0.6`` (``name[(params)]=weight[@threshold]``, the
``term`` of :mod:`xlner.spec`).

A *bonus* term, written with ``~`` instead of ``=`` (``align=1,shape~0.2``), only adjusts the
pairs the other terms allow: it is evaluated on, and added to, pairs whose sum of ordinary terms
is positive, and never allows a pair on its own.

With ``gate=True`` a term is evaluated only on the pairs the earlier terms left non-zero, which
keeps expensive scorers (e.g. translation likelihood) off hopeless pairs; the default scores
every pair with every term.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from xlner.errors import ConfigError
from xlner.project.scores.base import FloatArray, PairGrid, Scorer
from xlner.protocols import Component
from xlner.registry import scorers
from xlner.spec import Part, TermSpec, parse_term, parts, spec_error


@dataclass(frozen=True)
class Term:
    scorer: Scorer
    weight: float
    threshold: float = 0.0
    bonus: bool = False

    def describe(self) -> dict[str, Any]:
        return {"scorer": self.scorer.describe(), "weight": self.weight,
                "threshold": self.threshold, "bonus": self.bonus}


def parse_terms(spec: str) -> list[TermSpec]:
    """``"align=1,ortho(n=3)=0.5@0.6,shape~0.2"`` → the terms' scorer specs, weights,
    thresholds and bonus flags, in the grammar of :mod:`xlner.spec` (``term``)."""
    items = parts(spec)
    if not items:
        raise spec_error(spec, 0, "no score terms", what="score", valid=scorers.names())
    terms = [parse_term(item.text, names=scorers.names(), within=Part(spec, item.position))
             for item in items]
    if all(t.bonus for t in terms):
        raise spec_error(spec, items[0].position, "only bonus terms ('~'); at least one term "
                         "must allow pairs on its own ('=')", what="score")
    return terms


@scorers.register
class FusionScorer(Component):
    """Weighted sum of scorers with per-scorer thresholds."""

    name = "fusion"
    version = 1

    def __init__(self, terms: str | Sequence[Term] = "align=1", gate: bool = False) -> None:
        if isinstance(terms, str):
            self.terms = [Term(scorers.create({"name": t.spec.name, **t.spec.params}),
                               t.weight, t.threshold, t.bonus) for t in parse_terms(terms)]
        else:
            self.terms = list(terms)
        if not self.terms or all(t.bonus for t in self.terms):
            raise ConfigError("fusion needs at least one ordinary (non-bonus) term")
        self.gate = gate

    def prepare(self, batch: Any) -> None:
        """Let the terms that gather batch statistics see the batch (``None``: forget it)."""
        for term in self.terms:
            prep = getattr(term.scorer, "prepare", None)
            if prep is not None:
                prep(batch)

    def support(self, grid: PairGrid) -> tuple[np.ndarray, np.ndarray] | None:
        """The union of the ordinary terms' supports (``None`` if one of them has none)."""
        ents, positions = [], []
        terms = [t for t in self.terms if not t.bonus and t.weight != 0]
        if any(getattr(t.scorer, "support", None) is None for t in terms):
            return None  # checked first: no support is computed in vain
        for term in terms:
            # A scorer taking a floor gives only the support of pairs reaching the threshold:
            # the others are 0 after it.
            kwargs = {"floor": term.threshold} if term.threshold > 0 and getattr(
                term.scorer, "accepts_floor", False) else {}
            found = term.scorer.support(grid, **kwargs)  # type: ignore[attr-defined]
            if found is None:
                return None
            ents.append(found[0])
            positions.append(found[1])
        if not ents:
            return None
        return np.concatenate(ents), np.concatenate(positions)

    def score(self, grid: PairGrid) -> FloatArray:
        total = np.zeros(grid.n_pairs)
        ordinary = [t for t in self.terms if not t.bonus]
        for k, term in enumerate(ordinary):
            if term.weight == 0:
                continue
            total += term.weight * self._values(term, grid, total if self.gate and k else None)
        bonus = [t for t in self.terms if t.bonus and t.weight != 0]
        if bonus:
            allowed = total > 0
            extra = np.zeros(grid.n_pairs)
            for term in bonus:
                extra += term.weight * self._values(term, grid, total)
            total += np.where(allowed, extra, 0.0)
        return total

    @staticmethod
    def _values(term: Term, grid: PairGrid, restrict: np.ndarray | None) -> np.ndarray:
        """The term's thresholded values; only on pairs where ``restrict > 0`` when given."""
        # Scorers that can skip pairs certain to score below a floor get the threshold.
        kwargs = {"floor": term.threshold} if term.threshold > 0 and getattr(
            term.scorer, "accepts_floor", False) else {}
        if restrict is None:
            values = term.scorer.score(grid, **kwargs)
        else:
            keep = restrict > 0
            values = np.zeros(grid.n_pairs)
            if keep.any():
                values[keep] = term.scorer.score(grid.subset(keep), **kwargs)
        if term.threshold > 0:
            values = np.where(values >= term.threshold, values, 0.0)
        return np.asarray(values, dtype=np.float64)


def create_scorer(spec: str | Scorer | Any) -> Scorer:
    """A scorer from a fusion spec (``"align=1,ortho=0.5@0.6"``), a single scorer name, or a
    scorer object (returned as is)."""
    if isinstance(spec, Scorer):
        return spec
    if isinstance(spec, str):
        return FusionScorer(spec)
    return scorers.create(spec)  # type: ignore[no-any-return]
