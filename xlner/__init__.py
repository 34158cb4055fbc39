"""xlner: cross-lingual named entity recognition by annotation projection.

Data flow, one folder a step: ``corpora`` (I/O, named datasets) → ``translate`` →
``align`` → ``project`` (heuristic; candidates, scores, solvers) → ``tag`` →
``evaluate`` → ``pipelines`` → ``cli``.
"""

from xlner._version import __version__
from xlner.data import Entity, Sentence, Span

__all__ = ["Entity", "Sentence", "Span", "__version__"]
