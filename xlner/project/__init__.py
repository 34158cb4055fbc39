"""Projection methods: the alignment heuristic and candidate matching."""

from __future__ import annotations

from typing import Any

from xlner.project import scores as _scores  # noqa: F401 - registers the scorers
from xlner.project.base import ProjectionInput, ProjectionResult, Projector, Unprojected
from xlner.project.heuristic import HeuristicProjector
from xlner.project.matching import MatchingProjector
from xlner.registry import projectors


def create_projector(spec: Any, **overrides: Any) -> Projector:
    """A projection method from a spec such as ``"heuristic(d=1,thr=0.8)"``."""
    return projectors.create(spec, **overrides)  # type: ignore[no-any-return]


__all__ = ["HeuristicProjector", "MatchingProjector", "ProjectionInput", "ProjectionResult",
           "Projector", "Unprojected", "create_projector"]

from xlner._callable import make_callable  # noqa: E402

make_callable(__name__, "xlner.api:project")  # xlner.project(...): xlner.api.project
