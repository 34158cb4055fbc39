"""Evaluation: seqeval span P/R/F1, per class, and the projection ratio."""

from __future__ import annotations

from xlner._callable import make_callable

make_callable(__name__, "xlner.api:evaluate")  # xlner.evaluate(...): xlner.api.evaluate
