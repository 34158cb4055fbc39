"""xlner: cross-lingual named entity recognition by annotation projection.

One call per step (loaded on first use, see :mod:`xlner.api`)::

    en = xlner.load_corpus("europarl-ner:en")
    run = xlner.project(en, xlner.load_corpus("europarl-ner:de"), "ilp+lex")
    print(xlner.evaluate(xlner.load_corpus("europarl-ner:de"), run.corpus).table())

Data flow, one folder a step: ``corpora`` (I/O, named datasets) → ``translate`` →
``align`` → ``project`` (heuristic; candidates, scores, solvers) → ``tag`` →
``evaluate`` → ``pipelines`` → ``cli``; the layers are described in ``docs/architecture.md``.
"""

from __future__ import annotations

from xlner._version import __version__

TYPE_CHECKING = False
"""(mypy reads it as true.) ``typing`` is not imported here: every command's first step is
this module, where an interrupt is CPython's (no handler of ours runs yet), so it does as
little as it can."""
if TYPE_CHECKING:
    from typing import Any

    from xlner.api import align as align
    from xlner.api import evaluate as evaluate
    from xlner.api import load_corpus as load_corpus
    from xlner.api import project as project
    from xlner.api import run as run
    from xlner.api import translate_test as translate_test
    from xlner.api import translate_train as translate_train
    from xlner.data import Entity as Entity
    from xlner.data import Sentence as Sentence
    from xlner.data import Span as Span

_API = ("align", "evaluate", "load_corpus", "project", "run", "translate_test",
        "translate_train")
_PACKAGES = {"align", "evaluate", "project"}
"""API names that are also packages: the (callable) package is returned."""

__all__ = ["Entity", "Sentence", "Span", "__version__", *_API]


_DATA = ("Entity", "Sentence", "Span")
"""The core data model, imported on first use too: ``import xlner`` (the first step of every
command) does no work a start-up interrupt could land in."""


def __getattr__(name: str) -> Any:
    import importlib

    if name in _DATA:
        return getattr(importlib.import_module("xlner.data"), name)
    if name not in _API:
        raise AttributeError(f"module 'xlner' has no attribute {name!r}")
    api = importlib.import_module("xlner.api")
    if name in _PACKAGES:
        return importlib.import_module(f"xlner.{name}")
    return getattr(api, name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API) | set(_DATA))
