"""Boundary growth of projected spans over a second view of the alignment.

The primary links of a method (eflomal's intersection, say) are precise but split multi-word
names: *U.S.* → *waseUnited States* keeps only *waseUnited*, *United Nations* → *Umoja wa
Mataifa* only *Umoja*. :func:`extend_spans` grows each projected span at its boundaries by
adjacent target words that a second view (a symmetrisation name such as ``union`` or
``reverse``, read from the aligner's directional links) links to the span's source entity. It
never grows into a word already labelled, nor into one the primary links tie to a source word
outside the entity, so the growth cannot steal another entity's words.

With ``words="names"`` only name-like words join (a capital inside the word, as in
*laseSydney* or *ISIXEKO*, or an initial capital not at the start of the sentence): in
agglutinative targets a rare name's one-to-many links often reach the noun it is glued to
(*Owens' widow* → *Umhlolokazi ka-Owens*), which the capital test keeps out. Caseless scripts
have no name-like words; use ``words="any"`` there.
"""

from __future__ import annotations

from xlner.data import Entity
from xlner.errors import ConfigError
from xlner.project.base import ProjectionInput, link_view

EXTEND_WORDS = ("any", "names")


def check_extend_words(words: str) -> str:
    if words not in EXTEND_WORDS:
        raise ConfigError(f"extend_words must be one of {', '.join(EXTEND_WORDS)}, not {words!r}")
    return words


def name_like(word: str, position: int) -> bool:
    """A capital inside the word, or an initial capital not at the start of the sentence."""
    return any(c.isupper() for c in word[1:]) or (position > 0 and word[:1].isupper())


def extend_spans(item: ProjectionInput, out: list[Entity], sources: list[int], view: str,
                 taken: bytearray | None = None, words: str = "any") -> list[Entity]:
    """Grow each target span of ``out`` (``sources[k]`` is the entity index of ``out[k]``):
    returns the grown spans sorted by start, and reorders ``sources`` in place to match.

    ``taken`` marks labelled target words (built from ``out`` when not given) and is updated;
    ``words`` is ``"any"`` or ``"names"`` (only :func:`name_like` words join).
    """
    if not out:
        return out
    if taken is None:
        taken = bytearray(len(item.tgt_words))
        for ent in out:
            taken[ent.start:ent.end] = b"\x01" * (ent.end - ent.start)
    wide: dict[int, set[int]] = {}
    for i, j in link_view(item, view).tolist():
        wide.setdefault(i, set()).add(j)
    tied: dict[int, list[int]] = {}  # target word -> source words its primary links reach
    for i, j in item.links.tolist():
        tied.setdefault(j, []).append(i)
    n_tgt = len(taken)
    if words == "names":
        closed = bytearray(not name_like(w, j) for j, w in enumerate(item.tgt_words))
    elif words == "any":
        closed = bytearray(n_tgt)
    else:
        check_extend_words(words)
    grown = []
    for ent, e in sorted(zip(out, sources, strict=True)):
        src = item.entities[e]
        linked: set[int] = set()
        for i in range(src.start, src.end):
            linked |= wide.get(i, set())
        start, end = ent.start, ent.end
        while start > 0 and _free(start - 1, src, linked, taken, closed, tied):
            start -= 1
        while end < n_tgt and _free(end, src, linked, taken, closed, tied):
            end += 1
        taken[start:ent.start] = b"\x01" * (ent.start - start)
        taken[ent.end:end] = b"\x01" * (end - ent.end)
        grown.append((Entity(start, end, ent.label), e))
    sources[:] = [e for _, e in grown]
    return [g for g, _ in grown]


def _free(j: int, src: Entity, linked: set[int], taken: bytearray, closed: bytearray,
          tied: dict[int, list[int]]) -> bool:
    """Target word ``j`` can join ``src``'s span: linked to the entity in the second view,
    unlabelled, not closed by the word filter, and tied by no primary link to a source word
    outside it."""
    return j in linked and not taken[j] and not closed[j] and all(src.start <= i < src.end
                                                 for i in tied.get(j, ()))
