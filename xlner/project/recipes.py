"""Named projection methods: a projector configuration plus the links it wants.

A *method spec* names a recipe or a registered projector, optionally with parameters and a
symmetrisation: ``heuristic``, ``heuristic(d=2,thr=0.8)``, ``heuristic-paper@grow-diag-final-and``.
Recipes are how the CLI and the benchmarks name tuned configurations; their exact settings are
written into every signature.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xlner.errors import ConfigError
from xlner.project.base import Projector
from xlner.registry import projectors
from xlner.spec import check_keys, parse, split_top


@dataclass(frozen=True)
class Recipe:
    name: str
    projector: str
    params: dict[str, Any] = field(default_factory=dict)
    symmetrize: str | None = None
    """Symmetrisation this method is tuned for (when the aligner gives both directions)."""
    description: str = ""


RECIPES: dict[str, Recipe] = {}


def register_recipe(recipe: Recipe) -> Recipe:
    if recipe.name in RECIPES:
        raise ConfigError(f"method {recipe.name!r} is registered twice")
    RECIPES[recipe.name] = recipe
    return recipe


register_recipe(Recipe(
    "heuristic", "heuristic", {"d": 3, "k": 1, "only_i": False, "thr": None, "extend": "reverse"},
    "intersection",
    "alignment heuristic tuned for eflomal: runs of intersection links (merge distance 3, the "
    "longest run, no length-ratio filter: German compounds make target runs shorter than their "
    "entities), grown at their boundaries by reverse-direction links"))
register_recipe(Recipe(
    "heuristic-paper", "heuristic", {"d": 1, "k": None, "only_i": False, "thr": 0.8},
    "grow-diag-final-and",
    "the published best heuristic setting (d=1, thr=0.8; tuned for mBERT-based aligners)"))

_ALIGN = "align(null_weight=0.5)=1"
register_recipe(Recipe(
    "greedy", "matching", {"candidates": "aligned", "scores": _ALIGN, "solver": "greedy"},
    "intersection",
    "candidate matching (docs/method.md §4): spans inside each entity's aligned range, alignment "
    "score (Dice; unlinked words weigh 0.5), greedy choice"))
register_recipe(Recipe(
    "ilp", "matching", {"candidates": "aligned", "scores": _ALIGN, "solver": "ilp"},
    "intersection",
    "candidate matching (docs/method.md §4): spans inside each entity's aligned range, alignment "
    "score (Dice; unlinked words weigh 0.5), exact choice (fast path, DP, HiGHS)"))
register_recipe(Recipe(
    "ilp+grow", "matching", {**RECIPES["ilp"].params, "extend": "union",
                             "extend_words": "names"},
    "intersection",
    "as ilp, with each chosen span grown at its boundaries over name-like words (capitalised, "
    "not sentence-initial) that the union links tie to its entity: U.S. → waseUnited States, "
    "U.N. → Majalisar Dinkin Duniya"))
register_recipe(Recipe(
    "ilp+ortho", "matching", {"candidates": "ngrams:10+aligned",
                              "scores": "align(null_weight=0)=1,ortho=0.1@0.6", "solver": "ilp"},
    "intersection",
    "exact matching over all n-grams up to 10 words and aligned subranges; alignment score "
    "(unlinked words free) plus the orthographic score (weight 0.1, threshold 0.6), so that "
    "entities without links can land on a span spelled like them"))
register_recipe(Recipe(
    "ilp+lex", "matching", {
        "candidates": "ngrams:10+aligned",
        "scores": "align(null_weight=0)=1,ortho=0.1@0.6,lexicon=0.5@0.2", "solver": "ilp"},
    "intersection",
    "as ilp+ortho, plus the lexical translation score estimated from the union links of the "
    "whole batch (weight 0.5, from 0.2); needs the aligner's directional links (extras "
    "links_forward/links_reverse, given when xlner aligns)"))

_ADJ = ("; a name that lands on a single lower-case target word (an adjective derived from it: "
        "Europe → europäischen) is labelled MISC, as the CoNLL guidelines want; for label sets "
        "with MISC")
register_recipe(Recipe(
    "heuristic+adj", "heuristic", {**RECIPES["heuristic"].params, "adjective_label": "MISC"},
    "intersection", "the heuristic method" + _ADJ))
register_recipe(Recipe(
    "ilp+lex+adj", "matching", {**RECIPES["ilp+lex"].params, "adjective_label": "MISC"},
    "intersection", "the ilp+lex method" + _ADJ))

DEFAULT_METHOD = "ilp+lex+adj"
"""The method ``xlner project`` uses without ``--method``: the best measured on every corpus and
language at hand (Europarl-NER de/es, UNER PUD de/ru; docs/scripts.md). On a label set without
MISC its adjective spans are left out (:func:`xlner.project.labels.restrict_labels`)."""



@dataclass(frozen=True)
class Method:
    """A resolved method spec."""

    name: str
    projector: Projector
    symmetrize: str | None

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "projector": self.projector.describe(),
                "symmetrize": self.symmetrize}


def split_methods(text: str) -> list[str]:
    """Split a comma-separated list of method specs, respecting parentheses and brackets."""
    return [part.strip() for part in split_top(text) if part.strip()]


def resolve_method(spec: str, **overrides: Any) -> Method:
    """Build the projector of a method spec; ``overrides`` win over the spec's parameters."""
    parsed = parse(spec, what="projection method", symmetrize=True, names=method_names())
    params = {**parsed.params, **overrides}
    recipe = RECIPES.get(parsed.name)
    keys = projectors.keys(recipe.projector if recipe is not None else parsed.name)
    if keys is not None:
        check_keys(parsed.name, parsed.params, keys, what="projection method", spec=spec)
    if recipe is not None:
        projector = projectors.create({"name": recipe.projector, **recipe.params, **params})
        return Method(spec.strip(), projector, parsed.symmetrize or recipe.symmetrize)
    return Method(spec.strip(), projectors.create({"name": parsed.name, **params}),
                  parsed.symmetrize)


def method_names() -> list[str]:
    return sorted(set(RECIPES) | set(projectors.names()))
