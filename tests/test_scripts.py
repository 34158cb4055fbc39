"""The analysis scripts' own logic (scripts/ is not a package: loaded by path)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from xlner.data import Entity, Sentence


def _script(name: str) -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_parallel_errors_classes() -> None:
    classify = _script("parallel_errors").classify
    gold = {(2, 5, "LOC"), (7, 8, "PER")}
    assert classify((2, 5, "ORG"), gold) == "label"
    assert classify((3, 5, "LOC"), gold) == "short"
    assert classify((6, 8, "PER"), gold) == "long"
    assert classify((4, 7, "LOC"), gold) == "shift"
    assert classify((9, 10, "PER"), gold) == "pred-no-gold"


def test_parallel_errors_count_ceiling_is_blind_to_spans_not_classes() -> None:
    ceiling = _script("parallel_errors").count_ceiling
    words = tuple("abcdef")
    en = [Sentence(words, (Entity(0, 1, "LOC"), Entity(2, 3, "PER"))),
          Sentence(words, (Entity(0, 2, "ORG"),))]
    other_spans = [Sentence(words, (Entity(4, 6, "PER"), Entity(1, 2, "LOC"))),
                   Sentence(words, (Entity(3, 4, "ORG"),))]
    assert ceiling(en, other_spans) == 1.0
    relabelled = [other_spans[0], Sentence(words, (Entity(3, 4, "LOC"),))]
    assert ceiling(en, relabelled) == 2 * 2 / 6
