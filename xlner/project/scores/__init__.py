"""Scores ``c(p, t)`` of source entity ``p`` against candidate span ``t`` (SPEC §4)."""

from xlner.registry import scorers

scorers.register("tagger", version=1, factory="xlner.project.scores.tagger:TaggerScorer",
                 description="target tagger score: mean P(B-l)/P(I-l) over the span, length "
                 "bonus, threshold (class-aware or span-only)")
scorers.register("nmt", version=1, factory="xlner.project.scores.nmt:NMTScorer",
                 description="translation likelihood, symmetric and self-normalised (NMTScore)")
