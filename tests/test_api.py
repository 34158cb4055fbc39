"""The top-level API: lazy, listed, callable under its documented names, examples that run."""

from __future__ import annotations

import doctest
import subprocess
import sys

import pytest

import xlner
import xlner.api

API = ["align", "evaluate", "load_corpus", "project", "run", "translate_test", "translate_train"]


def test_the_docstring_examples_run() -> None:
    result = doctest.testmod(xlner.api, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= len(API) * 3
    assert result.failed == 0


def test_every_api_function_has_an_example() -> None:
    for name in API:
        doc = getattr(xlner.api, name).__doc__ or ""
        assert ">>> " in doc and f"xlner.{name}(" in doc, name


def test_names_are_listed_and_resolve() -> None:
    assert set(API) <= set(xlner.__all__)
    assert set(API) <= set(dir(xlner))
    for name in API:
        assert callable(getattr(xlner, name)), name
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = xlner.nothing  # type: ignore[attr-defined]


def test_packages_named_like_a_function_call_it_and_stay_packages() -> None:
    import xlner.align
    import xlner.evaluate
    import xlner.project
    from xlner.align import EflomalAligner
    from xlner.data import Entity, Sentence

    assert xlner.align.EflomalAligner is EflomalAligner  # still the package
    gold = [Sentence(("a", "b"), (Entity(0, 1, "PER"),))]
    assert xlner.evaluate(gold, [[Entity(0, 1, "PER")]]).f1 == 1.0
    assert xlner.evaluate(gold, [[]]).f1 == 0.0


def test_import_xlner_stays_light() -> None:
    code = ("import sys, xlner; heavy = [m for m in ('torch', 'transformers', 'xlner.api', "
            "'xlner.pipelines', 'xlner.align', 'highspy', 'seqeval') if m in sys.modules]; "
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
