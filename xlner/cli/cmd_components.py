"""``xlner components``: the registered components and methods."""

from __future__ import annotations

import argparse

from xlner import registry
from xlner.project.recipes import RECIPES


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("components", help="list registered aligners, methods, taggers, ...")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from xlner.cli.main import load_components

    load_components()
    for reg in (registry.aligners, registry.translators, registry.taggers, registry.projectors,
                registry.extractors, registry.scorers, registry.solvers):
        print(f"{reg.kind}s:")
        for entry in reg:
            print(f"  {entry.name:<22} v{entry.version}  {entry.description}")
    print("methods (named configurations):")
    for recipe in RECIPES.values():
        print(f"  {recipe.name:<22} {recipe.description}")
    return 0
