"""Aligning with a symmetrisation chosen per use (e.g. by a projection method)."""

from __future__ import annotations

from collections.abc import Sequence

from xlner.align.base import Aligner, Words, is_directional, needs_entities
from xlner.align.symmetrize import get_method
from xlner.data import LINKS_FORWARD, LINKS_REVERSE, Entity, Links


class DirectionalLinks:
    """Forward and reverse links of a batch, symmetrised on demand (cached per method)."""

    def __init__(self, forward: list[Links], reverse: list[Links]) -> None:
        self.forward = forward
        self.reverse = reverse
        self._cache: dict[str, list[Links]] = {}

    def get(self, method: str) -> list[Links]:
        if method not in self._cache:
            sym = get_method(method)
            self._cache[method] = [sym(f, r) for f, r in zip(self.forward, self.reverse,
                                                             strict=True)]
        return self._cache[method]


def align_batch(aligner: Aligner, src: Sequence[Words], tgt: Sequence[Words],
                entities: Sequence[Sequence[Entity]] | None = None
                ) -> DirectionalLinks | list[Links]:
    """Directional links when the aligner can give them (``align_both``), else its links.

    ``entities`` (per source sentence) go to aligners that need them (``needs_entities``, e.g.
    back-translation refinement).
    """
    if needs_entities(aligner):
        return aligner.align(src, tgt, entities=entities)  # type: ignore[call-arg]
    if is_directional(aligner):
        fwd, rev = aligner.align_both(src, tgt)  # type: ignore[attr-defined]
        return DirectionalLinks(fwd, rev)
    return aligner.align(src, tgt)


def directional_extras(aligned: DirectionalLinks | list[Links]) -> list[dict[str, Links]] | None:
    """Per sentence pair ``{links_forward, links_reverse}`` for methods that read a second view
    of the alignment, when the aligner gave directional links; else ``None``."""
    if not isinstance(aligned, DirectionalLinks):
        return None
    return [{LINKS_FORWARD: f, LINKS_REVERSE: r}
            for f, r in zip(aligned.forward, aligned.reverse, strict=True)]


def links_for(aligned: DirectionalLinks | list[Links], aligner: Aligner,
              symmetrize: str | None) -> tuple[list[Links], str | None]:
    """Links symmetrised as asked (else as the aligner is configured) and the method used."""
    if isinstance(aligned, DirectionalLinks):
        method = str(symmetrize or getattr(aligner, "symmetrize", "grow-diag-final-and"))
        return aligned.get(method), method
    return aligned, None
