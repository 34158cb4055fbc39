"""Scores ``c(p, t)`` of source entity ``p`` against candidate span ``t`` (SPEC §4)."""
