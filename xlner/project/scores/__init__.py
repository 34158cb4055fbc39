"""Scores ``c(p, t)`` of source entity ``p`` against candidate span ``t`` (docs/method.md §4).

Registered scorers: ``align`` (alignment, Dice-like), ``ortho`` (orthographic similarity),
``lexicon`` (lexical translation score from the batch's link statistics) and ``fusion``
(weighted sum with per-scorer thresholds). Other scorers (target tagger, translation
likelihood) are added as modules here and register themselves in :data:`xlner.registry.scorers`.
"""

from __future__ import annotations

from xlner.project.scores.align import AlignScorer
from xlner.project.scores.base import PairGrid, ScoreMatrix, Scorer, score_matrices
from xlner.project.scores.fusion import FusionScorer, Term, create_scorer, parse_terms
from xlner.project.scores.lexicon import LexiconScorer
from xlner.project.scores.ortho import OrthoScorer
from xlner.registry import scorers

__all__ = ["AlignScorer", "FusionScorer", "LexiconScorer", "OrthoScorer", "PairGrid",
           "ScoreMatrix", "Scorer", "Term", "create_scorer", "parse_terms", "score_matrices"]

scorers.register("tagger", version=1, factory="xlner.project.scores.tagger:TaggerScorer",
                 description="target tagger score: mean P(B-l)/P(I-l) over the span, length "
                 "bonus, threshold (class-aware or span-only)")
scorers.register("nmt", version=1, factory="xlner.project.scores.nmt:NMTScorer",
                 description="translation likelihood, symmetric and self-normalised (NMTScore)")
scorers.register("visual", version=1, factory="xlner.project.scores.visual:VisualScorer",
                 description="image-text agreement in a CLIP-style space: text similarity and "
                 "grounding in the image's regions (cached per image; tiebreak mode)")
